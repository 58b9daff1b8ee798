import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC, type Table } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { meanDifference, type Moments } from "../src/compare/stats.js";
import { Channel, Kind } from "../src/events/enums.js";
import type { LiftAccuracy } from "../src/engines/lift/index.js";
import { AdHoldout } from "../src/sim/holdout.js";
import { runCli, simulateShardInMemory, smallScenario, tempDir } from "./helpers.js";

const dir = tempDir();
afterAll(() => dir.cleanup());

const AD_ROWS = new Set<number>([Kind.ad_impression, Kind.ad_click]);

function moments(values: readonly number[]): Moments {
  return { n: values.length, sum: values.reduce((a, b) => a + b, 0), sumSq: values.reduce((a, b) => a + b * b, 0) };
}

function readArrow(path: string): Table {
  return tableFromIPC(readFileSync(path));
}

/** Runs `scenario` through the CLI (inline) and returns its run.json. */
async function run(name: string, scenario: object, ...flags: string[]): Promise<{ out: string; manifest: { accuracy: Record<string, unknown> } }> {
  const file = join(dir.path, `${name}.yaml`);
  const out = join(dir.path, name);
  writeFileSync(file, stringify({ name, ...scenario }));
  const r = await runCli(["run", file, "--out", out, "--quiet", "--workers", "0", ...flags]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return { out, manifest: JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as { accuracy: Record<string, unknown> } };
}

describe("Welch's difference of means", () => {
  it("agrees with scipy's ttest_ind(equal_var=False) interval", () => {
    // scipy 1.17: ConfidenceInterval(low=0.06510346744076201, high=3.9348965325592378), df 4.1538
    const a = meanDifference(moments([1, 2, 3, 4]), moments([0, 0, 1, 1]));
    expect(a.mean).toBe(2);
    expect(a.low).toBeCloseTo(0.06510346744076201, 12);
    expect(a.high).toBeCloseTo(3.9348965325592378, 12);
    // 80 % power: (t.ppf(0.975, df) + t.ppf(0.8, df)) × se, df 4.1538, se √0.5, in scipy.
    expect(a.minimumDetectable).toBeCloseTo(2.597411292824152, 10);
    // Counts per user, as the lift study has them: (-0.23651692528218304, 1.3508026395678974)
    const b = meanDifference(moments([3, 0, 0, 1, 0, 2, 0, 0, 0, 1]), moments([0, 1, 0, 0, 0, 0, 0]));
    expect(b.low).toBeCloseTo(-0.23651692528218304, 12);
    expect(b.high).toBeCloseTo(1.3508026395678974, 12);
  });

  it("has no bounds with fewer than two values in a sample, and no width without spread", () => {
    const one = meanDifference(moments([1]), moments([0, 0]));
    expect(one.mean).toBe(1);
    expect(Number.isNaN(one.low) && Number.isNaN(one.high)).toBe(true);
    expect(meanDifference(moments([2, 2, 2]), moments([1, 1]))).toEqual({ mean: 1, low: 1, high: 1, n: 5, minimumDetectable: 0 });
    expect(one.minimumDetectable).toBeNaN();
  });
});

describe("the ad holdout", () => {
  const SCENARIO = { seed: 5, population: { users: 1200 }, simulation: { days: 12, shardUsers: 1200 }, behaviour: { adLoad: 0.3, adCtr: 0.05 } };
  const held = smallScenario({ ...SCENARIO, experiment: { adHoldoutShare: 0.4 } });
  const holdout = new AdHoldout(held);
  const withHoldout = simulateShardInMemory(held);
  const without = simulateShardInMemory(smallScenario(SCENARIO));

  it("assigns users by the seed alone, about the share asked for", () => {
    let heldOut = 0;
    for (let u = 0; u < 1200; u++) if (holdout.heldOut(u)) heldOut++;
    expect(heldOut / 1200).toBeGreaterThan(0.35);
    expect(heldOut / 1200).toBeLessThan(0.45);
    const reseeded = new AdHoldout(smallScenario({ ...SCENARIO, seed: 6, experiment: { adHoldoutShare: 0.4 } }));
    expect(Array.from({ length: 1200 }, (_, u) => reseeded.heldOut(u))).not.toEqual(Array.from({ length: 1200 }, (_, u) => holdout.heldOut(u)));
    expect(new AdHoldout(smallScenario(SCENARIO)).heldOut(0)).toBe(false);
  });

  it("shows held-out users no ad, click or Red Cat link, and the others their ads", () => {
    const e = withHoldout.events;
    const adRows = { heldOut: 0, treated: 0 };
    let heldOutFeed = 0;
    for (let i = 0; i < e.length; i++) {
      const out = holdout.heldOut(e.user[i]!);
      const ad = AD_ROWS.has(e.kind[i]!) || e.channel[i] === Channel.link;
      if (ad) adRows[out ? "heldOut" : "treated"]++;
      if (out && e.kind[i] === Kind.impression) heldOutFeed++;
    }
    expect(adRows.heldOut).toBe(0);
    expect(adRows.treated).toBeGreaterThan(10_000);
    expect(heldOutFeed).toBeGreaterThan(10_000);
  });

  it("leaves the rest of a held-out user's first day as it was, where no ad was clicked", () => {
    const key = (e: typeof without.events, i: number) => `${e.kind[i]}/${e.note[i]}/${e.time[i]}`;
    const day0 = Date.parse(`${held.simulation.start}T00:00:00Z`) + 86_400_000;
    const rowsOf = (e: typeof without.events, skipAds: boolean) => {
      const byUser = new Map<number, string[]>();
      for (let i = 0; i < e.length && e.time[i]! < day0; i++) {
        if (!holdout.heldOut(e.user[i]!) || (skipAds && AD_ROWS.has(e.kind[i]!)) || e.duplicate[i] === 1) continue;
        byUser.set(e.user[i]!, [...(byUser.get(e.user[i]!) ?? []), key(e, i)]);
      }
      return byUser;
    };
    const clicked = new Set<number>();
    for (let i = 0; i < without.events.length && without.events.time[i]! < day0; i++) if (without.events.kind[i] === Kind.ad_click) clicked.add(without.events.user[i]!);
    const before = rowsOf(without.events, true);
    const after = rowsOf(withHoldout.events, false);
    let compared = 0;
    for (const [user, rows] of before) {
      if (clicked.has(user)) continue;
      expect(after.get(user)).toEqual(rows);
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });
});

describe("the lift study in a run", () => {
  const SCENARIO = {
    seed: 3,
    population: { users: 6000 },
    simulation: { days: 40, shardUsers: 1000 },
    behaviour: { adCtr: 0.05 },
    purchase: { touchMass: { ad_click: 0.3 } },
    experiment: { adHoldoutShare: 0.5 },
  };

  it("counts each user's observed purchases once, on the day they arrived, and every true purchase on the day it was made, in the group the seed gives", async () => {
    // Late and repeated passback and alliance matches, so many purchases arrive days after they were made, some after the run.
    const LATE = {
      ...SCENARIO,
      policy: { type: "redcat" as const, redcat: { windowDays: 30 as const, passback: { delayMedianHours: 48, duplicateRate: 0.5 } }, alliance: { sampleRate: 1, delayMedianDays: 4 } },
    };
    const { out, manifest } = await run("lift-counts", LATE, "--events");
    const lift = manifest.accuracy.lift as LiftAccuracy;
    const holdout = new AdHoldout(smallScenario(LATE));
    const groupOf = (user: unknown) => (holdout.heldOut(user as number) ? 1 : 0);
    const users = [0, 0];
    for (let u = 0; u < 6000; u++) users[groupOf(u)]!++;
    expect(lift.users).toEqual({ treatment: users[0], control: users[1] });
    const startMs = Date.parse("2025-05-07T00:00:00Z");
    const dayEnd = (day: number) => startMs + (day + 1) * 86_400_000;
    // Observed purchases from the event parts: seen or matched, each original once, with its arrival.
    const observed: { group: number; arrival: number }[] = [];
    let repeated = 0;
    for (const part of readdirSync(join(out, "events"))) {
      const t = readArrow(join(out, "events", part));
      const [kind, user, seen, dup, arrival] = ["kind", "user", "observed", "duplicate", "arrival"].map((c) => t.getChild(c)!);
      for (let i = 0; i < t.numRows; i++) {
        if (kind!.get(i) !== "purchase" || seen!.get(i) === 0) continue;
        if (dup!.get(i) === 1) repeated++;
        else observed.push({ group: groupOf(user!.get(i)), arrival: Number(arrival!.get(i)) });
      }
    }
    const arrivedBy = (end: number, group: number) => observed.filter((p) => p.arrival < end && p.group === group).length;
    expect(repeated).toBeGreaterThan(5);
    expect(observed.filter((p) => p.arrival >= dayEnd(39)).length).toBeGreaterThan(5);
    // The run's figure holds every purchase the platform got, after the run's end too.
    expect(lift.observed.treatmentPerUser).toBeCloseTo(arrivedBy(Infinity, 0) / users[0]!, 12);
    expect(lift.observed.controlPerUser).toBeCloseTo(arrivedBy(Infinity, 1) / users[1]!, 12);
    const truth = readArrow(join(out, "truth_purchases.arrow"));
    const [buyer, time] = ["user", "time"].map((c) => truth.getChild(c)!);
    const madeBy = (end: number, group: number) => {
      let n = 0;
      for (let i = 0; i < truth.numRows; i++) if (Number(time!.get(i)) < end && groupOf(buyer!.get(i)) === group) n++;
      return n;
    };
    expect(lift.allPurchases.treatmentPerUser).toBeCloseTo(madeBy(Infinity, 0) / users[0]!, 12);
    expect(lift.allPurchases.controlPerUser).toBeCloseTo(madeBy(Infinity, 1) / users[1]!, 12);
    expect(lift.visibleShareOfLift === null || Math.abs(lift.visibleShareOfLift - lift.observed.incrementalPurchases / lift.allPurchases.incrementalPurchases) < 1e-12).toBe(true);
    // lift_daily.arrow: each day's reading, observed purchases by arrival and all by when they were made.
    const daily = readArrow(join(out, "lift_daily.arrow"));
    expect(daily.numRows).toBe(2 * 40);
    const rowOf = (day: number, basis: string) => {
      for (let i = 0; i < daily.numRows; i++) if (daily.getChild("day")!.get(i) === day && daily.getChild("basis")!.get(i) === basis) return daily.get(i)!.toJSON();
      throw new Error(`no row for day ${day} ${basis}`);
    };
    for (const day of [9, 19, 39]) {
      expect(rowOf(day, "observed")).toMatchObject({ treatment_users: users[0], control_users: users[1], treatment_purchases: arrivedBy(dayEnd(day), 0), control_purchases: arrivedBy(dayEnd(day), 1) });
      expect(rowOf(day, "all")).toMatchObject({ treatment_purchases: madeBy(dayEnd(day), 0), control_purchases: madeBy(dayEnd(day), 1) });
    }
    expect(rowOf(39, "all").incremental_low).toBeCloseTo(lift.allPurchases.incrementalLow, 9);
  });

  it("finds the purchases the ads caused: its interval over all purchases holds the treatment group's purchases caused by an ad or its link", async () => {
    for (const seed of [3, 4]) {
      const { out, manifest } = await run(`lift-recovers-${seed}`, { ...SCENARIO, seed });
      const lift = manifest.accuracy.lift as LiftAccuracy;
      const holdout = new AdHoldout(smallScenario({ ...SCENARIO, seed }));
      const t = readArrow(join(out, "truth_purchases.arrow"));
      const [user, cause] = ["user", "causeChannel"].map((c) => t.getChild(c)!);
      let caused = 0;
      for (let i = 0; i < t.numRows; i++) {
        const channel = cause!.get(i) as string;
        if (!holdout.heldOut(user!.get(i) as number) && (channel === "ad" || channel === "link")) caused++;
      }
      // Red Cat's links come from ad clicks only, so held-out users have no such purchase.
      expect(caused).toBeGreaterThan(300);
      expect(lift.allPurchases.incrementalLow).toBeLessThanOrEqual(caused);
      expect(lift.allPurchases.incrementalHigh).toBeGreaterThanOrEqual(caused);
      // Detecting an effect four times in five takes more than the interval's half-width.
      const half = (lift.allPurchases.incrementalHigh - lift.allPurchases.incrementalLow) / 2;
      expect(lift.allPurchases.minimumDetectablePurchases).toBeGreaterThan(1.3 * half);
      expect(lift.allPurchases.minimumDetectablePurchases).toBeLessThan(1.5 * half);
      // The platform sees a fraction of it: own-shop and passed-back orders, no spillover.
      expect(lift.visibleShareOfLift).toBeGreaterThan(0);
      expect(lift.visibleShareOfLift).toBeLessThan(0.5);
    }
  });

  it("--ad-holdout runs the study on a scenario without one: recorded as an override, summed up in a line and in report.html", async () => {
    const file = join(dir.path, "plain.yaml");
    writeFileSync(file, stringify({ name: "plain", seed: 8, population: { users: 800 }, simulation: { days: 6, shardUsers: 400 } }));
    const out = join(dir.path, "plain-held");
    const r = await runCli(["run", file, "--out", out, "--workers", "0", "--ad-holdout", "0.5"]);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as { scenario: { overrides?: object; resolved: { experiment: object } }; accuracy: { lift: LiftAccuracy } };
    expect(manifest.scenario.overrides).toEqual({ adHoldout: 0.5 });
    expect(manifest.scenario.resolved.experiment).toEqual({ adHoldoutShare: 0.5 });
    const { lift } = manifest.accuracy;
    expect(lift.users.treatment + lift.users.control).toBe(800);
    expect(r.stdout).toMatch(/^lift study {2}50\.0 % held out of ads: they added -?\d+ \(95 % -?\d+ to -?\d+\) observed purchases, -?\d+ \(95 % -?\d+ to -?\d+\) in all/m);
    // Six days of 800 users cannot tell the ads' lift from nothing: no ratio of noise to noise.
    expect(lift.allPurchases.incrementalLow).toBeLessThan(0);
    expect(lift.allPurchases.incrementalHigh).toBeGreaterThan(0);
    expect(lift.visibleShareOfLift).toBeNull();
    const report = readFileSync(join(out, "report.html"), "utf8");
    expect(report).toContain("<h2>Lift study</h2>");
    expect(report).toContain("not told apart from nothing");
    expect(report).toContain('<figure class="chart" data-chart="lift-over-time">');
    // inspect gives the same line from run.json, where the figures are read back from disk.
    const inspected = await runCli(["inspect", out]);
    expect(inspected.code).toBe(0);
    const line = /^lift study {2}(.*)$/m.exec(r.stdout)![1]!;
    expect(inspected.stdout).toContain(`lift study: ${line}\n`);
    for (const bad of ["1", "-0.1", "half"]) {
      const refused = await runCli(["run", file, "--out", join(dir.path, "refused"), "--ad-holdout", bad]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`--ad-holdout must be a decimal from 0 up to but not including 1, got '${bad}'`);
    }
  });

  it("is absent from a run that holds no one out", async () => {
    const { manifest } = await run("no-lift", { ...SCENARIO, population: { users: 500 }, simulation: { days: 5, shardUsers: 500 }, experiment: { adHoldoutShare: 0 } });
    expect(manifest.accuracy).not.toHaveProperty("lift");
    expect(manifest.accuracy).toHaveProperty("aips");
  });
});
