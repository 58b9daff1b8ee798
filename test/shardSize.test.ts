import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RunManifest } from "../src/report/manifest.js";
import { runScenario } from "../src/run/runScenario.js";
import { smallScenario, tempDir } from "./helpers.js";

const dir = tempDir("zhongcao-shard-size-");
afterAll(() => dir.cleanup());

/** A Red Cat and Red JD world with enough link traffic that where purchases happen varies. */
function manifestAt(shardUsers: number, passback: object = {}, days = 12, users = 1500): Promise<RunManifest> {
  const scenario = smallScenario({
    seed: 5,
    population: { users },
    simulation: { days, shardUsers },
    behaviour: { adLoad: 0.3, adCtr: 0.1 },
    // Both stores, so the draw between them for brands at both is covered too.
    policy: { type: "redcat", redcat: { stores: ["tmall", "jd"], windowDays: 15, minDailyBudgetYuan: 1000, minExperienceScore: 4.2, passback } },
    // A lift study, whose groups and counts must not depend on the shard either.
    experiment: { adHoldoutShare: 0.3 },
  });
  const out = join(dir.path, `${shardUsers}-${JSON.stringify(passback)}-${days}-${users}`);
  return runScenario({ path: "test", sha256: "0".repeat(64), scenario }, { outDir: out, events: false, report: false, workers: 0 }).then(() => JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as RunManifest);
}

describe("shard size", () => {
  it("changes no count: every draw is keyed by global user, not by position in a shard", async () => {
    const [whole, split] = await Promise.all([manifestAt(1500), manifestAt(400)]);
    expect(split.shards).toEqual({ count: 4, usersPerShard: 400 });
    expect(whole.purchases.byChannel.link).toBeGreaterThan(0);
    // Counts and money are identical; only sums of floating-point shares may differ in the
    // last bits, since shards add their partial sums in another grouping.
    expect(split.events).toEqual(whole.events);
    expect(split.purchases).toEqual(whole.purchases);
    expect(split.economics).toEqual(whole.economics);
    expect(split.calibration).toEqual(whole.calibration);
    const flat = (m: RunManifest) => JSON.stringify(m.accuracy, (_k, v: unknown) => (typeof v === "number" ? Number(v.toPrecision(12)) : v));
    expect(flat(split)).toBe(flat(whole));
  });

  it("changes no engine counter either when passback re-delivers every row, up to months later", async () => {
    // Copies come an exponential time after their original with the delay's median as mean:
    // 30 days here. The whole run's 2^18-odd ids fill the AIPS engine's table of recent ids
    // in one shard, not in ten.
    const passback = { delayMedianHours: 720, duplicateRate: 1 };
    const [whole, split] = await Promise.all([manifestAt(3000, passback, 30, 3000), manifestAt(300, passback, 30, 3000)]);
    expect(whole.events.total).toBeGreaterThan(2 ** 18);
    const counters = (m: RunManifest) => {
      const { aips, attribution, lift } = m.accuracy as { aips: { events: unknown }; attribution: { observedConversions: number; duplicatesDropped: number }; lift: { observed: unknown } };
      return { aips: aips.events, observedConversions: attribution.observedConversions, duplicatesDropped: attribution.duplicatesDropped, lift: lift.observed };
    };
    expect(whole.events.duplicates).toBeGreaterThan(50);
    expect(counters(split)).toEqual(counters(whole));
    // Every copy is known for one: the AIPS engine counts as many repeats as there are copies.
    expect(counters(whole).aips).toMatchObject({ repeats: whole.events.duplicates });
  });
});
