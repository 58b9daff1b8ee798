import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import type { RunManifest } from "../src/report/manifest.js";
import { runCli, tempDir } from "./helpers.js";

const dir = tempDir();
afterAll(() => dir.cleanup());

describe("truncated credit", () => {
  it("is flagged per purchase, counted in run.json and warned about", async () => {
    // One brand and busy users: a pair gathers more than 32 touches between purchases.
    const scenario = join(dir.path, "busy.json");
    writeFileSync(
      scenario,
      JSON.stringify({
        name: "busy",
        population: { users: 200, sessionsPerDay: { low: 4, medium: 4, high: 4 } },
        simulation: { days: 20, shardUsers: 200 },
        brands: { count: 1 },
        notes: { count: 500 },
        creators: { count: 100 },
        behaviour: { impressionsPerSession: 30 },
        purchase: { baselinePerUserDay: 0.02 },
      }),
    );
    const out = join(dir.path, "run");
    const r = await runCli(["run", scenario, "--workers", "0", "--out", out, "--json"]);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(r.stdout) as RunManifest;
    const flags = Array.from(tableFromIPC(readFileSync(join(out, "truth_purchases.arrow"))).getChild("creditTruncated")!.toArray() as Uint8Array);
    const truncated = flags.reduce((a, b) => a + b, 0);
    expect(truncated).toBeGreaterThan(0);
    expect(truncated).toBeLessThan(flags.length);
    expect(manifest.purchases.creditTruncated).toBe(truncated);
    expect(manifest.warnings).toContain(`truth: ${truncated} purchases' credit shares leave out live touches beyond the last 32 of their pair (creditTruncated in truth_purchases.arrow)`);
  });
});
