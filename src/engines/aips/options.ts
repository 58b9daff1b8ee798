import type { Scenario } from "../../config/schema.js";

const DAY_SECONDS = 86_400;

/** The scenario's `aips` block, resolved once into the units the engine compares (whole seconds). */
export interface AipsOptions {
  readonly tiWindowSeconds: number;
  readonly interestDecaySeconds: number;
  readonly awarenessDecaySeconds: number;
  readonly imageDwellSeconds: number;
  readonly videoCompletion: number;
  readonly distinctReadsForTI: number;
  /** Whole days a day's snapshot waits for late events: ⌈allowedLatenessHours / 24⌉. */
  readonly lagDays: number;
}

export function resolveAipsOptions(s: Scenario): AipsOptions {
  const a = s.aips;
  return {
    tiWindowSeconds: a.tiWindowDays * DAY_SECONDS,
    interestDecaySeconds: a.interestDecayDays * DAY_SECONDS,
    awarenessDecaySeconds: a.awarenessDecayDays * DAY_SECONDS,
    imageDwellSeconds: a.imageDwellSeconds,
    videoCompletion: a.videoCompletion,
    distinctReadsForTI: a.distinctReadsForTI,
    lagDays: Math.ceil(a.allowedLatenessHours / 24),
  };
}
