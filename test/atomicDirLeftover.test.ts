import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { tempDir } from "./helpers.js";

// An earlier output the user may not delete (a file in it owned by someone else, say) cannot
// be staged as root, which may delete anything: removal of what was moved aside fails here instead.
vi.mock("node:fs/promises", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...fs,
    rm: (path: string, options?: Parameters<typeof fs.rm>[1]) =>
      /\.old(-\d+)?$/.test(path) ? Promise.reject(new Error(`EACCES: permission denied, unlink '${path}/events/part-00000.arrow'`)) : fs.rm(path, options),
  };
});

const { AtomicDir } = await import("../src/run/atomicDir.js");
const dir = tempDir();
afterAll(() => dir.cleanup());

describe("AtomicDir.commit when the earlier output cannot be removed", () => {
  it("puts the run in place, and names the leftover in a warning instead of failing with the new run already written", async () => {
    const target = join(dir.path, "run");
    const earlier = await AtomicDir.create(target);
    writeFileSync(join(earlier.path, "run.json"), JSON.stringify({ tool: "zhongcao", who: "earlier" }));
    expect(await earlier.commit()).toEqual([]);

    const run = await AtomicDir.create(target);
    writeFileSync(join(run.path, "run.json"), JSON.stringify({ tool: "zhongcao", who: "new" }));
    const warnings = await run.commit();
    expect((JSON.parse(readFileSync(join(target, "run.json"), "utf8")) as { who: string }).who).toBe("new");
    const aside = readdirSync(dir.path).filter((name) => name !== "run");
    expect(aside).toHaveLength(1);
    expect(warnings).toEqual([
      `the earlier output at ${target} was moved aside to ${join(dir.path, aside[0]!)} and could not be removed (EACCES: permission denied, unlink '${join(dir.path, aside[0]!)}/events/part-00000.arrow'); remove it by hand`,
    ]);
    rmSync(join(dir.path, aside[0]!), { recursive: true });
  });
});
