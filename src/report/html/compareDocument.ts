import { z } from "zod";

/**
 * What `compare` writes to compare.json: the CompareResult and the threshold verdicts.
 * Interval bounds are NaN with one replication, which JSON turns into null, so both parse.
 */
const bound = z.number().nullable().transform((x) => x ?? Number.NaN);
const interval = z.object({ mean: bound, low: bound, high: bound, n: z.number() });
const side = z.object({ path: z.string(), name: z.string(), policy: z.string() });

export const compareDocument = z.object({
  a: side,
  b: side,
  replications: z.number(),
  seeds: z.array(z.number()),
  metrics: z.array(z.object({ metric: z.string(), a: interval, b: interval, diff: interval })),
  warnings: z.array(z.string()).default([]),
  thresholds: z.array(z.object({ threshold: z.string(), actual: bound, ok: z.boolean(), reason: z.string().optional() })).default([]),
});
export type CompareDocument = z.infer<typeof compareDocument>;
export type MetricRow = CompareDocument["metrics"][number];
