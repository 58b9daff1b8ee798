import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { RunManifest } from "../src/report/manifest.js";
import { runScenario } from "../src/run/runScenario.js";
import { smallScenario, tempDir } from "./helpers.js";

const dir = tempDir("zhongcao-shard-size-");
afterAll(() => dir.cleanup());

/** A Red Cat world with enough link traffic that where purchases happen varies. */
function manifestAt(shardUsers: number): Promise<RunManifest> {
  const scenario = smallScenario({
    seed: 5,
    simulation: { days: 12, shardUsers },
    behaviour: { adLoad: 0.3, adCtr: 0.1 },
    policy: { type: "redcat", redcat: { windowDays: 15, minDailyBudgetYuan: 1000, minExperienceScore: 4.2 } },
  });
  const out = join(dir.path, String(shardUsers));
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
});
