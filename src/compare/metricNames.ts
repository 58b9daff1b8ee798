import { join } from "node:path";
import { distance as editDistance } from "fastest-levenshtein";
import { withOverrides, type ScenarioFile } from "../config/load.js";
import { CHANNELS } from "../events/enums.js";
import { runScenario } from "../run/runScenario.js";
import { TOUCH_CHANNELS } from "../events/enums.js";
import { inScratchDir } from "../run/scratchDir.js";
import { runMetrics } from "./metrics.js";
import type { Threshold } from "./thresholds.js";

/** A probe run's size: enough for every engine to report, small enough to take a moment. */
const PROBE_USERS = 300;
const PROBE_DAYS = 2;

/**
 * The metric names a comparison of these scenarios can report, known before it runs, as
 * name patterns: a probe run of each scenario at a tiny size lists the names (with leaves
 * that are not finite there, which a full run may fill), and a name segment that is a
 * channel or a category stands for every channel or category, since such keys appear only
 * where a run has data for them.
 */
export class MetricNames {
  /**
   * Name patterns, each with the channels the probe saw in its channel segment: a run lists
   * every channel where it lists any (NaN kept), but not every channel everywhere (a model's
   * shares have only the touch channels, never shop or spillover).
   */
  private readonly patterns = new Map<string, Set<string>>();
  private readonly channels = new Set<string>(CHANNELS);
  /** Names known as they are, not as patterns. */
  private readonly exact = new Set<string>();

  private constructor(
    readonly probed: readonly string[],
    private readonly categories: ReadonlySet<string>,
    incrementality: boolean,
  ) {
    for (const name of probed) {
      const pattern = this.pattern(name);
      let seen = this.patterns.get(pattern);
      if (!seen) this.patterns.set(pattern, (seen = new Set()));
      for (const channel of this.channelsIn(name)) seen.add(channel);
    }
    if (!incrementality) return;
    // Twin runs remove touch channels only, so only theirs are reported.
    for (const channel of TOUCH_CHANNELS) this.exact.add(`incremental.${channel}`).add(`incremental.liftShare.${channel}`);
    for (const name of probed) {
      const model = /^accuracy\.attribution\.models\.([^.]+)\.channelShareMAE$/.exec(name)?.[1];
      if (model !== undefined) this.exact.add(`incremental.liftShareMAE.${model}`);
    }
  }

  static async probe(scenarios: readonly ScenarioFile[], incrementality: boolean, signal?: AbortSignal): Promise<MetricNames> {
    const names = new Set<string>();
    const categories = new Set<string>();
    await inScratchDir("probe", async (scratch) => {
      for (const [i, full] of scenarios.entries()) {
        const loaded = withOverrides(full, {
          users: Math.min(full.scenario.population.users, PROBE_USERS),
          days: Math.min(full.scenario.simulation.days, PROBE_DAYS),
        });
        for (const name of Object.keys(loaded.scenario.categories)) categories.add(name);
        const { manifest } = await runScenario(loaded, { outDir: join(scratch, String(i)), events: false, report: false, workers: 0, ...(signal ? { signal } : {}) });
        for (const name of Object.keys(runMetrics(manifest, { keepNonFinite: true }))) names.add(name);
      }
    });
    return new MetricNames([...names].sort(), categories, incrementality);
  }

  /** Whether a comparison can report `name`. */
  has(name: string): boolean {
    if (this.exact.has(name)) return true;
    const seen = this.patterns.get(this.pattern(name));
    return seen !== undefined && this.channelsIn(name).every((channel) => seen.has(channel));
  }

  private channelsIn(name: string): string[] {
    return name.split(".").filter((segment) => this.channels.has(segment));
  }

  /**
   * Up to `n` known name patterns sharing the most leading segments with `name`, the closest
   * spelling first (a typo finds its word), for an error message.
   */
  near(name: string, n = 4): string[] {
    const wanted = this.pattern(name);
    const segments = wanted.split(".");
    const known = [...this.patterns.keys(), ...this.exact].sort();
    const closest = (names: string[]) => {
      const distance = new Map(names.map((pattern) => [pattern, editDistance(pattern, wanted)]));
      // Stable: equally close names stay in alphabetical order.
      return names.sort((a, b) => distance.get(a)! - distance.get(b)!).slice(0, n);
    };
    for (let keep = segments.length - 1; keep > 0; keep--) {
      const prefix = `${segments.slice(0, keep).join(".")}.`;
      const close = known.filter((pattern) => pattern.startsWith(prefix));
      if (close.length > 0) return closest(close);
    }
    return closest(known);
  }

  /** The channels a name's pattern is reported for, when the pattern is known but `name`'s channel is not one of them. */
  channelsOf(name: string): string[] | null {
    const seen = this.patterns.get(this.pattern(name));
    if (seen === undefined || this.channelsIn(name).every((channel) => seen.has(channel))) return null;
    return CHANNELS.filter((channel) => seen.has(channel));
  }

  private pattern(name: string): string {
    return name
      .split(".")
      .map((s) => (this.channels.has(s) ? "<channel>" : this.categories.has(s) ? "<category>" : s))
      .join(".");
  }
}

/**
 * The thresholds naming a metric that `verb` cannot report, as messages: compare (with or
 * without --incrementality), or one run, which has no twin runs and so no incremental metrics.
 */
export function unknownThresholdMetrics(thresholds: readonly Threshold[], names: MetricNames, incrementality: boolean, verb: "compare" | "run" = "compare"): string[] {
  const reporter = verb === "compare" ? "compare reports" : "a run reports";
  return thresholds
    .filter((t) => !names.has(t.metric))
    .map((t) => {
      if (!incrementality && t.metric.startsWith("incremental.")) return `${t.metric}: incremental metrics need ${verb === "compare" ? "--incrementality" : "twin runs: compare --incrementality"}`;
      const channels = names.channelsOf(t.metric);
      if (channels) return `${t.metric}: not a metric ${reporter}: that channel has none; it is reported for ${channels.join(", ")}`;
      return `${t.metric}: not a metric ${reporter} (near it: ${names.near(t.metric).join(", ")})`;
    });
}
