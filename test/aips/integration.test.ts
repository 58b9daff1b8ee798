import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC, type Table } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateScenario } from "../../src/config/load.js";
import type { AipsAccuracy } from "../../src/engines/aips/accuracy.js";
import { AIPS_STATES } from "../../src/events/enums.js";
import type { RunManifest } from "../../src/report/manifest.js";
import { runScenario } from "../../src/run/runScenario.js";
import { buildWorld, type World } from "../../src/world/world.js";
import { DAY_MS } from "../../src/sim/kernel.js";

const USERS = 2000;
const DAYS = 20;
const root = mkdtempSync(join(tmpdir(), "zhongcao-aips-"));

async function runPolicy(policy: "redcat" | "closed"): Promise<{ dir: string; accuracy: AipsAccuracy; brands: number; economics: RunManifest["economics"]; world: World }> {
  const scenario = validateScenario(
    { name: `aips-${policy}`, population: { users: USERS }, simulation: { days: DAYS, shardUsers: 1000 }, policy: { type: policy } },
    "test",
  );
  const dir = join(root, policy);
  await runScenario({ path: "test", sha256: "0".repeat(64), scenario }, { outDir: dir, events: false });
  const manifest = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as RunManifest & { accuracy: { aips: AipsAccuracy } };
  return { dir, accuracy: manifest.accuracy.aips, brands: scenario.brands.count, economics: manifest.economics, world: buildWorld(scenario) };
}

const read = (dir: string, name: string): Table => tableFromIPC(readFileSync(join(dir, name)));
const column = (t: Table, name: string): unknown[] => t.getChild(name)!.toArray() as unknown[];

let redcat: Awaited<ReturnType<typeof runPolicy>>;
let closed: Awaited<ReturnType<typeof runPolicy>>;

beforeAll(async () => {
  redcat = await runPolicy("redcat");
  closed = await runPolicy("closed");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("AIPS in a full run", () => {
  it("writes daily state counts for every day, brand and state, engine beside truth", () => {
    const daily = read(redcat.dir, "aips_daily.arrow");
    expect(daily.numRows).toBe(DAYS * redcat.brands * AIPS_STATES.length);
    expect(daily.schema.fields.map((f) => f.name)).toEqual(["day", "brand", "state", "users_engine", "users_truth"]);
    const engine = column(daily, "users_engine") as number[];
    const truth = column(daily, "users_truth") as number[];
    const states = column(daily, "state") as string[];
    const ti = (counts: number[]) => counts.reduce((sum, n, i) => sum + (states[i] === "TI" ? n : 0), 0);
    expect(ti(engine)).toBeGreaterThan(0);
    expect(ti(truth)).toBeGreaterThan(0);
    // Each brand's states sum to at most the population, every day.
    for (let row = 0; row < daily.numRows; row += AIPS_STATES.length) {
      expect(engine.slice(row, row + AIPS_STATES.length).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(USERS);
    }
  });

  it("reports the same true counts as the simulator's latent truth file for every state but none", () => {
    const daily = read(redcat.dir, "aips_daily.arrow");
    const latent = read(redcat.dir, "aips_truth_daily.arrow");
    const ours = column(daily, "users_truth") as number[];
    const theirs = column(latent, "users") as number[];
    const states = column(daily, "state") as string[];
    ours.forEach((n, i) => {
      if (states[i] !== "none") expect(n).toBe(theirs[i]);
    });
  });

  it("writes non-zero state changes as flows", () => {
    const flows = read(redcat.dir, "aips_flows.arrow");
    expect(flows.numRows).toBeGreaterThan(0);
    const from = column(flows, "from_state");
    const to = column(flows, "to_state");
    const users = column(flows, "users") as number[];
    users.forEach((n, i) => {
      expect(n).toBeGreaterThan(0);
      expect(from[i]).not.toBe(to[i]);
    });
    expect(from).toContain("none");
  });

  it("prices each new TI user at the brand's ad spend in the simulated population over that day's new TI users, engine's and truth's", () => {
    const t = read(redcat.dir, "aips_new_ti.arrow");
    expect(t.numRows).toBeGreaterThan(0);
    const brand = column(t, "brand") as number[];
    const users = column(t, "new_ti_users") as number[];
    const spend = column(t, "ad_spend_yuan") as number[];
    const cost = column(t, "cost_per_new_ti_yuan") as number[];
    const trueCost = column(t, "true_cost_per_new_ti_yuan") as number[];
    const truth = column(t, "new_ti_users_truth") as number[];
    const { brands, notes } = redcat.world;
    const sponsors = new Set(notes.brand.filter((_, n) => notes.sponsored[n] === 1));
    users.forEach((n, i) => {
      expect(n + truth[i]!).toBeGreaterThan(0);
      // A brand's daily budget is for the platform's 300 M users; the run has USERS of them.
      expect(spend[i]).toBeCloseTo(sponsors.has(brand[i]!) ? (brands.dailyAdBudgetYuan[brand[i]!]! * USERS) / 300_000_000 : 0, 12);
      if (n > 0 && spend[i]! > 0) expect(cost[i]).toBeCloseTo(spend[i]! / n, 12);
      else expect(cost[i]).toBeNaN();
      if (truth[i]! > 0 && spend[i]! > 0) expect(trueCost[i]).toBeCloseTo(spend[i]! / truth[i]!, 12);
      else expect(trueCost[i]).toBeNaN();
    });
    expect(spend.some((x) => x > 0)).toBe(true);
    // run.json: the whole run's spend over its new TI users.
    const e = redcat.economics;
    expect(e.observedCostPerNewTiYuan).toBeCloseTo(e.adSpendYuan / redcat.accuracy.newTi.engine, 5);
    expect(e.trueCostPerNewTiYuan).toBeCloseTo(e.adSpendYuan / redcat.accuracy.newTi.truth, 5);
    expect(users.reduce((a, b) => a + b, 0)).toBe(redcat.accuracy.newTi.engine);
    // Days where only the truth moved have rows too, so the file adds up to run.json's truth.
    expect(truth.reduce((a, b) => a + b, 0)).toBe(redcat.accuracy.newTi.truth);
    expect(users.some((n) => n === 0)).toBe(true);
  });

  it("prices nothing where nothing was spent: no cost in the file, null in run.json", async () => {
    const scenario = validateScenario({ name: "aips-unsponsored", population: { users: 1000 }, simulation: { days: 10 }, notes: { sponsoredShare: 0 } }, "test");
    const dir = join(root, "unsponsored");
    await runScenario({ path: "test", sha256: "0".repeat(64), scenario }, { outDir: dir, events: false, report: false });
    const t = read(dir, "aips_new_ti.arrow");
    expect(t.numRows).toBeGreaterThan(0);
    expect(column(t, "ad_spend_yuan").every((x) => x === 0)).toBe(true);
    for (const name of ["cost_per_new_ti_yuan", "true_cost_per_new_ti_yuan"]) expect(column(t, name).every((x) => Number.isNaN(x))).toBe(true);
    const { economics } = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as RunManifest;
    expect(economics).toMatchObject({ adSpendYuan: 0, observedCostPerNewTiYuan: null, trueCostPerNewTiYuan: null });
  });

  it("writes the confusion matrix for all brands and per category, consistent with run.json", () => {
    const t = read(redcat.dir, "aips_accuracy.arrow");
    const scope = column(t, "scope") as string[];
    const pairDays = Array.from(t.getChild("pair_days")!.toArray() as BigUint64Array, Number);
    const total = (pick: (i: number) => boolean) => pairDays.reduce((sum, n, i) => sum + (pick(i) ? n : 0), 0);
    expect(t.numRows % 36).toBe(0);
    expect(total((i) => scope[i] === "all")).toBe(redcat.accuracy.pairDays);
    expect(total((i) => scope[i] !== "all")).toBe(redcat.accuracy.pairDays);
    const truth = column(t, "truth_state");
    const engine = column(t, "engine_state");
    expect(total((i) => scope[i] === "all" && truth[i] === engine[i])).toBe(Math.round(redcat.accuracy.accuracy! * redcat.accuracy.pairDays));
  });

  it("summarises accuracy in run.json with TI precision and recall per category, as the confusion rows give them", () => {
    const a = redcat.accuracy;
    const t = read(redcat.dir, "aips_accuracy.arrow");
    const scope = column(t, "scope") as string[];
    const truth = column(t, "truth_state") as string[];
    const engine = column(t, "engine_state") as string[];
    const pairDays = Array.from(t.getChild("pair_days")!.toArray() as BigUint64Array, Number);
    // Precision: of the pair-days the engine calls TI, the share truly TI; recall the other way round.
    const scores = (where: string) => {
      const total = (pick: (i: number) => boolean) => pairDays.reduce((sum, n, i) => sum + (scope[i] === where && pick(i) ? n : 0), 0);
      const hit = total((i) => truth[i] === "TI" && engine[i] === "TI");
      const engineTi = total((i) => engine[i] === "TI");
      const truthTi = total((i) => truth[i] === "TI");
      return { pairDays: total(() => true), precision: engineTi > 0 ? hit / engineTi : null, recall: truthTi > 0 ? hit / truthTi : null };
    };
    const all = scores("all");
    expect(all.precision).not.toBeNull();
    expect(a.tiPrecision).toBeCloseTo(all.precision!, 12);
    expect(a.tiRecall).toBeCloseTo(all.recall!, 12);
    // Every event that makes true interest is on-platform and observed at once: the engine
    // misses none of it (the truth differs only by its hidden conviction draw).
    expect(a.tiRecall).toBe(1);
    expect(a.tiPrecision).toBeLessThan(1);
    expect(Object.keys(a.byCategory)).toContain("beauty");
    for (const [category, byCategory] of Object.entries(a.byCategory)) {
      const expected = scores(category);
      expect(byCategory.pairDays).toBe(expected.pairDays);
      expect(byCategory.pairDays).toBeGreaterThan(0);
      expect(byCategory.tiPrecision).toBe(expected.precision);
      expect(byCategory.tiRecall).toBe(expected.recall);
    }
    expect(a.events.applied).toBeGreaterThan(0);
    expect(a.purchase.policy).toBe("redcat");
  });

  it("shows purchases the closed policy hides: engine P far below truth, and below Red Cat's", () => {
    const c = closed.accuracy.purchase;
    expect(c.policy).toBe("closed");
    expect(c.lastDay.truthUsers).toBeGreaterThan(20);
    expect(c.lastDay.engineUsers * 5).toBeLessThan(c.lastDay.truthUsers);
    expect(c.recall!).toBeLessThan(redcat.accuracy.purchase.recall!);
    expect(c.recall!).toBeLessThan(0.2);
    // Whatever the engine does call a purchase was one.
    expect(c.precision).toBe(1);
  });
});

describe("AIPS lateness in a full run", () => {
  it("counts as late exactly the rows that arrive after their day's snapshot, the last days' included", async () => {
    // Alliance matches arrive days late, so some rows of the last days arrive after the run.
    const lagDays = 2;
    const days = 20;
    const scenario = validateScenario(
      {
        name: "aips-late",
        population: { users: 3000 },
        simulation: { days, shardUsers: 1500 },
        policy: { type: "hybrid", redcat: { windowDays: 15 }, alliance: { sampleRate: 0.5, windowDays: 30 } },
        aips: { allowedLatenessHours: 24 * (lagDays - 1) + 6 },
      },
      "test",
    );
    const dir = join(root, "late");
    await runScenario({ path: "test", sha256: "0".repeat(64), scenario }, { outDir: dir, events: true, workers: 0 });
    const startMs = Date.parse(`${scenario.simulation.start}T00:00:00Z`);
    // The first arrival of each observed event id: what the engine applies; later copies are repeats.
    const firstArrival = new Map<number, { day: number; arrival: number }>();
    for (const part of ["part-00000.arrow", "part-00001.arrow"]) {
      const t = read(join(dir, "events"), part);
      const [id, time, arrival, observed] = ["id", "time", "arrival", "observed"].map((name) => Array.from(column(t, name), Number));
      for (let i = 0; i < t.numRows; i++) {
        if (observed![i] === 0) continue;
        const seen = firstArrival.get(id![i]!);
        if (!seen || arrival![i]! < seen.arrival) firstArrival.set(id![i]!, { day: Math.floor((time![i]! - startMs) / DAY_MS), arrival: arrival![i]! });
      }
    }
    // Day d's snapshot is taken at the end of day d + lag, for the last days as for any other.
    const late = [...firstArrival.values()].filter((e) => e.arrival >= startMs + (e.day + 1 + lagDays) * DAY_MS);
    const lastDays = late.filter((e) => e.day >= days - lagDays);
    expect(lastDays.length).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as { accuracy: { aips: AipsAccuracy } };
    expect(manifest.accuracy.aips.events.lateDropped).toBe(late.length);
  });
});
