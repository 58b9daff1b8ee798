import type { Scenario } from "../../config/schema.js";
import { AipsState } from "../../events/enums.js";
import type { World } from "../../world/world.js";
import type { CombinedAips } from "./combine.js";
import { CELLS, STATES, type AipsCounters } from "./partial.js";

const { TI, P, S } = AipsState;

/** Agreement figures over one confusion matrix; null where the denominator is empty. */
export interface StateScores {
  readonly pairDays: number;
  readonly accuracy: number | null;
  readonly tiPrecision: number | null;
  readonly tiRecall: number | null;
}

/** What run.json `accuracy.aips` holds. */
export interface AipsAccuracy extends StateScores {
  readonly scope: string;
  readonly byCategory: Record<string, StateScores>;
  /**
   * Bought (P or S) in truth vs in the engine. The engine only sees purchases the policy
   * lets the platform observe, so under `closed` its recall is the observed share.
   */
  readonly purchase: {
    readonly policy: Scenario["policy"]["type"];
    readonly recall: number | null;
    readonly precision: number | null;
    readonly lastDay: { readonly truthUsers: number; readonly engineUsers: number; readonly observedShare: number | null };
  };
  readonly newTi: { readonly engine: number; readonly truth: number };
  readonly events: AipsCounters;
  readonly allowedLatenessHours: number;
}

export function summariseAccuracy(c: CombinedAips, scenario: Scenario, world: World): AipsAccuracy {
  const all = allCategories(c.confusion);
  const byCategory: Record<string, StateScores> = {};
  world.categories.names.forEach((name, k) => {
    const scores = stateScores(c.confusion.subarray(k * CELLS, (k + 1) * CELLS));
    if (scores.pairDays > 0) byCategory[name] = scores;
  });
  const bought = (s: number) => s === P || s === S;
  const both = sumCells(all, (t, e) => bought(t) && bought(e));
  const last = c.days > 0 ? c.days - 1 : -1;
  const truthUsers = last < 0 ? 0 : usersIn(c.truthCounts[last]!, bought);
  const engineUsers = last < 0 ? 0 : usersIn(c.engineCounts[last]!, bought);
  return {
    scope: "pair-days on which engine or truth places the (user, brand) pair in a state",
    ...stateScores(all),
    byCategory,
    purchase: {
      policy: scenario.policy.type,
      recall: ratio(both, sumCells(all, (t) => bought(t))),
      precision: ratio(both, sumCells(all, (_, e) => bought(e))),
      lastDay: { truthUsers, engineUsers, observedShare: ratio(engineUsers, truthUsers) },
    },
    newTi: { engine: engineNewTi(c), truth: c.truthNewTi.reduce((sum, day) => sum + day.reduce((a, b) => a + b, 0), 0) },
    events: c.counters,
    allowedLatenessHours: scenario.aips.allowedLatenessHours,
  };
}

/** The confusion matrix of every category together. */
export function allCategories(confusion: Float64Array): Float64Array {
  const all = new Float64Array(CELLS);
  for (let i = 0; i < confusion.length; i++) all[i % CELLS]! += confusion[i]!;
  return all;
}

function stateScores(m: Float64Array): StateScores {
  const hit = sumCells(m, (t, e) => t === TI && e === TI);
  return {
    pairDays: sumCells(m, () => true),
    accuracy: ratio(sumCells(m, (t, e) => t === e), sumCells(m, () => true)),
    tiPrecision: ratio(hit, sumCells(m, (_, e) => e === TI)),
    tiRecall: ratio(hit, sumCells(m, (t) => t === TI)),
  };
}

function sumCells(m: Float64Array, pick: (truth: number, engine: number) => boolean): number {
  let sum = 0;
  for (let t = 0; t < STATES; t++) for (let e = 0; e < STATES; e++) if (pick(t, e)) sum += m[t * STATES + e]!;
  return sum;
}

function usersIn(counts: Uint32Array, pick: (state: number) => boolean): number {
  let sum = 0;
  for (let i = 0; i < counts.length; i++) if (pick(i % STATES)) sum += counts[i]!;
  return sum;
}

/** Engine moves from none, A or I into TI, over all days and brands. */
export function engineNewTi(c: CombinedAips): number {
  let sum = 0;
  for (let i = 0; i < c.flows.cell.length; i++) if (isNewTiCell(c.flows.cell[i]!)) sum += c.flows.users[i]!;
  return sum;
}

export function isNewTiCell(cell: number): boolean {
  const within = cell % CELLS;
  return within % STATES === TI && Math.floor(within / STATES) < TI;
}

function ratio(num: number, den: number): number | null {
  return den > 0 ? num / den : null;
}
