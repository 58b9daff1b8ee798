import type { Moments } from "../../compare/stats.js";

/** Treatment (index 0: users who see ads) and control (1: users held out of them). */
export type ByGroup<T> = readonly [treatment: T, control: T];

export const TREATMENT = 0;
export const CONTROL = 1;

/**
 * Per group and day, the moments of each user's purchases counted by that day's end:
 * `[(day * 2 + group) * 3 + k]` with k = 0 users, 1 purchases, 2 the sum of squared per-user
 * counts. Moments add over users, so shards' arrays add up to the run's. One slot past the
 * run's days (day = days) counts everything, what came after the last day's end included.
 */
export type DailyMoments = Float64Array;

/** One shard's lift study: the purchases the platform saw, as daily moments per group. */
export interface LiftPartial {
  readonly observed: DailyMoments;
}

/**
 * Daily moments of per-user purchase counts over `days` days and the slot after them.
 * `usersByGroup` counts each group's users (those without purchases included); `purchases`
 * gives each purchase's user and the day it is counted on (0-based, any order; `days` or
 * later: after the run); `group(user)` the user's group.
 */
export function dailyMoments(days: number, usersByGroup: ByGroup<number>, purchases: Iterable<readonly [user: number, day: number]>, group: (user: number) => number): DailyMoments {
  const slots = days + 1;
  const byDay: number[][] = Array.from({ length: slots }, () => []);
  for (const [user, day] of purchases) byDay[Math.min(day, days)]!.push(user);
  const out = new Float64Array(slots * 6);
  const count = new Map<number, number>();
  const sum = [0, 0];
  const sumSq = [0, 0];
  for (let d = 0; d < slots; d++) {
    for (const user of byDay[d]!) {
      const g = group(user);
      const before = count.get(user) ?? 0;
      count.set(user, before + 1);
      sum[g]!++;
      // (c + 1)² − c²: the sum of squares follows each user's count as it grows.
      sumSq[g]! += 2 * before + 1;
    }
    for (const g of [TREATMENT, CONTROL] as const) out.set([usersByGroup[g], sum[g]!, sumSq[g]!], (d * 2 + g) * 3);
  }
  return out;
}

/** Element-wise sum of two shards' (or runs') daily moments. */
export function addDaily(a: DailyMoments, b: DailyMoments): DailyMoments {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + b[i]!;
  return out;
}

/** A group's moments at the end of `day` (`days`: everything counted, after the run too). */
export function momentsAt(m: DailyMoments, day: number, group: number): Moments {
  const at = (day * 2 + group) * 3;
  return { n: m[at]!, sum: m[at + 1]!, sumSq: m[at + 2]! };
}

export function mergeLift(a: LiftPartial, b: LiftPartial): LiftPartial {
  return { observed: addDaily(a.observed, b.observed) };
}
