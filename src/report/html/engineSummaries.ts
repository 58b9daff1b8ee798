import { z } from "zod";

/**
 * The parts of run.json `accuracy` the report reads. The engines own those shapes; the
 * report parses loosely and leaves out what is not there instead of failing the run.
 */
/** Null where there was nothing to divide by (no touch-caused purchase). */
const share = z.record(z.string(), z.number().nullable());

export const attributionSummary = z.object({
  models: z.record(
    z.string(),
    z.object({
      // Null for a model that credited nothing.
      channelShares: z.record(z.string(), z.number().nullable()),
      conversionsCredited: z.number().optional(),
      capturedShare: z.number().nullable().optional(),
      channelShareMAE: z.number().nullable().optional(),
    }),
  ),
  trueChannelShares: share,
  trueConversions: z.number().optional(),
  trueTouchCausedConversions: z.number().optional(),
  observedConversions: z.number().optional(),
});
export type AttributionSummary = z.infer<typeof attributionSummary>;

const rate = z.number().nullable().optional();

export const aipsSummary = z.object({
  pairDays: z.number().optional(),
  accuracy: rate,
  tiPrecision: rate,
  tiRecall: rate,
  purchase: z.object({ recall: rate, precision: rate }).partial().optional(),
  newTi: z.object({ engine: z.number(), truth: z.number() }).partial().optional(),
});
export type AipsSummary = z.infer<typeof aipsSummary>;

const liftEstimate = z.object({
  treatmentPerUser: z.number().nullable(),
  controlPerUser: z.number().nullable(),
  incrementalPurchases: z.number().nullable(),
  incrementalLow: z.number().nullable(),
  incrementalHigh: z.number().nullable(),
  // Runs of the release that introduced the study have none.
  minimumDetectablePurchases: z.number().nullable().optional(),
});

export const liftSummary = z.object({
  settings: z.object({ adHoldoutShare: z.number() }),
  users: z.object({ treatment: z.number(), control: z.number() }),
  observed: liftEstimate,
  allPurchases: liftEstimate,
  visibleShareOfLift: z.number().nullable(),
});
export type LiftSummary = z.infer<typeof liftSummary>;

export function parseSummary<T>(schema: z.ZodType<T>, value: unknown): T | null {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
