import type { LinkPolicy } from "../../../sim/policy.js";

/** How observed events become journeys; `journeySettings` fills every default once. */
export interface JourneySettings {
  /** Touches older than this before a conversion (or before a journey's last touch) are not in its path. */
  readonly lookbackDays: number;
  /** How far behind the latest arrival an event may lag and still be placed exactly. */
  readonly allowedLatenessHours: number;
}

/** What the run's attribution stage uses: journey settings plus the timed models' options. */
export interface StreamAttributionSettings extends JourneySettings {
  /** time_decay half-life in days. */
  readonly halfLifeDays: number;
  /** cid look-back window in days. */
  readonly cidWindowDays: number;
}

export const DEFAULT_LOOKBACK_DAYS = 30;
const DEFAULT_ALLOWED_LATENESS_HOURS = 48;
const DEFAULT_HALF_LIFE_DAYS = 7;
const DEFAULT_CID_WINDOW_DAYS = 7;

export function journeySettings(overrides: Partial<JourneySettings> = {}): JourneySettings {
  return {
    lookbackDays: overrides.lookbackDays ?? DEFAULT_LOOKBACK_DAYS,
    allowedLatenessHours: overrides.allowedLatenessHours ?? DEFAULT_ALLOWED_LATENESS_HOURS,
  };
}

/** The cid window follows the policy's CID passback window, as the platform would count; 7 days without passback. */
export function streamSettingsFor(policy: Pick<LinkPolicy, "passbackWindowDays">): StreamAttributionSettings {
  return {
    ...journeySettings(),
    halfLifeDays: DEFAULT_HALF_LIFE_DAYS,
    cidWindowDays: policy.passbackWindowDays > 0 ? policy.passbackWindowDays : DEFAULT_CID_WINDOW_DAYS,
  };
}
