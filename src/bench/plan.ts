/** Suites a run can ask for; calibration and the naive baseline run in every run regardless. */
export const SUITE_NAMES = ["generate", "engines", "attribution", "end-to-end", "arrow-write", "markov-solve", "scaling"] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];
/** The suites timed one call at a time (scaling runs child processes and has rows of its own). */
export type RowSuiteName = Exclude<SuiteName, "scaling">;

/** How tinybench samples one task: `warmups` untimed calls, then at least `iterations` calls and `timeMs` of them. */
export interface Sampling {
  readonly warmups: number;
  readonly iterations: number;
  readonly timeMs: number;
}

/**
 * How `bench --against` times a suite call by call beside the reference build's: `warmups`
 * untimed rounds, then rounds (a call of each build, in alternating order) until there are
 * at least `minRounds` and `timeMs` has passed, or `maxRounds`.
 */
export interface Interleaving {
  readonly warmups: number;
  readonly minRounds: number;
  readonly maxRounds: number;
  readonly timeMs: number;
}

/** A scaled-down default scenario: users and days override the shipped scenario. */
export interface RunSize {
  readonly users: number;
  readonly days: number;
}

/** Every size and sampling setting of a bench run, resolved once (full or --quick). */
export interface BenchPlan {
  readonly quick: boolean;
  readonly suites: readonly SuiteName[];
  /** One shard simulated in memory: the rows generate, engines, arrow-write, calibration and baseline share. */
  readonly fixture: RunSize;
  readonly sampling: Sampling;
  readonly interleaving: Interleaving;
  /** The calibration, measured before the first suite and after every suite. */
  readonly calibration: Sampling;
  readonly endToEnd: RunSize & { readonly sampling: Sampling };
  readonly markov: { readonly paths: number; readonly channels: number };
  readonly scaling: {
    readonly size: RunSize;
    readonly samples: number;
    /** Worker counts to try, kept to those the machine has cores for. */
    readonly workers: readonly number[];
    /** RSS flatness: the same users over `days` and over 10 × `days`. */
    readonly flatness: RunSize;
  };
}

/** The sizes that fix how much work one operation of each suite is: results at other sizes do not compare. */
export interface BenchSizes {
  readonly fixture: RunSize;
  readonly endToEnd: RunSize;
  readonly markov: BenchPlan["markov"];
}

export function planSizes(plan: BenchPlan): BenchSizes {
  return { fixture: plan.fixture, endToEnd: { users: plan.endToEnd.users, days: plan.endToEnd.days }, markov: plan.markov };
}

const FULL: Omit<BenchPlan, "suites"> = {
  quick: false,
  fixture: { users: 5_000, days: 20 },
  sampling: { warmups: 2, iterations: 10, timeMs: 3_000 },
  interleaving: { warmups: 2, minRounds: 16, maxRounds: 1_000, timeMs: 20_000 },
  calibration: { warmups: 2, iterations: 10, timeMs: 1_000 },
  endToEnd: { users: 20_000, days: 30, sampling: { warmups: 1, iterations: 5, timeMs: 0 } },
  markov: { paths: 100_000, channels: 50 },
  // The default scenario's size, 100k users (forty shards) × 60 days: each worker runs
  // several shards, so the per-worker start-up every thread pays (module load, JIT warm-up,
  // ~1 s) does not stand in for scaling, as it did with two shards; and runs at full cores
  // start themselves again as `npm start` does (see cli/relaunch.ts, ≥ 5 M user-days).
  scaling: { size: { users: 100_000, days: 60 }, samples: 3, workers: [1, 2, 4, 8], flatness: { users: 10_000, days: 10 } },
};

const QUICK: Omit<BenchPlan, "suites"> = {
  quick: true,
  fixture: { users: 1_000, days: 10 },
  sampling: { warmups: 2, iterations: 8, timeMs: 2_000 },
  // Twelve rounds give a 96 % interval for the median between the 3rd and 10th ratios.
  interleaving: { warmups: 2, minRounds: 12, maxRounds: 400, timeMs: 8_000 },
  calibration: { warmups: 2, iterations: 8, timeMs: 400 },
  // One 10k-user shard: big enough that the rows, not worker start-up, take most of a run.
  endToEnd: { users: 10_000, days: 10, sampling: { warmups: 1, iterations: 8, timeMs: 0 } },
  markov: { paths: 100_000, channels: 50 },
  scaling: { size: { users: 20_000, days: 5 }, samples: 2, workers: [1, 2, 4, 8], flatness: { users: 10_000, days: 3 } },
};

/**
 * The plan for a run. Without `suites`, a full run takes every suite; a quick run leaves
 * out scaling, whose child-process runs are too short in quick sizes to say anything
 * (ask for it by name).
 */
export function resolvePlan(quick: boolean, suites: readonly SuiteName[] | undefined, cores: number): BenchPlan {
  const base = quick ? QUICK : FULL;
  const chosen = suites && suites.length > 0 ? SUITE_NAMES.filter((s) => suites.includes(s)) : SUITE_NAMES.filter((s) => !quick || s !== "scaling");
  return { ...base, suites: chosen, scaling: { ...base.scaling, workers: base.scaling.workers.filter((w) => w <= Math.max(2, cores)) } };
}

/** The plan's suites a gate compares: every one but scaling. */
export function comparedSuites(plan: BenchPlan): RowSuiteName[] {
  return plan.suites.filter((s): s is RowSuiteName => s !== "scaling");
}
