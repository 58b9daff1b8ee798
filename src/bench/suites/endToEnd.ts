import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { loadScenario } from "../../config/load.js";
import { runScenario } from "../../run/runScenario.js";
import type { BenchOp } from "../measure.js";
import type { RunSize } from "../plan.js";

/**
 * `zhongcao run` in-process on the scaled default scenario with one worker thread, into a
 * directory under `scratch`; `signal` stops the run under way at its next day end.
 */
export async function endToEndOp(size: RunSize, scratch: string, signal?: AbortSignal): Promise<BenchOp> {
  const loaded = loadScenario(undefined, { users: size.users, days: size.days });
  const dir = await mkdtemp(join(scratch, "end-to-end-"));
  const outDir = join(dir, "run");
  let events = 0;
  return {
    name: "end-to-end",
    run: async () => {
      // The HTML report is its own concern; this suite times simulation, engines and Arrow outputs.
      const { manifest } = await runScenario(loaded, { outDir, events: false, workers: 1, report: false, ...(signal ? { signal } : {}) });
      events = manifest.events.total;
    },
    units: () => events,
    afterEach: () => rm(outDir, { recursive: true, force: true }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
