import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { tempDir } from "./helpers.js";

// Failures root cannot stage (it may delete anything, and rename anywhere its parent allows):
// removing what was moved aside fails, or the run's own rename into place is refused.
const failing = vi.hoisted(() => ({ removeAside: false, landing: false, stopAfterAside: null as (() => void) | null }));
const ASIDE = /\.old(-\d+)?$/;

vi.mock("node:fs/promises", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs/promises")>();
  const { existsSync: exists } = await import("node:fs");
  return {
    ...fs,
    rm: (path: string, options?: Parameters<typeof fs.rm>[1]) =>
      failing.removeAside && ASIDE.test(path) ? Promise.reject(new Error(`EACCES: permission denied, unlink '${path}/events/part-00000.arrow'`)) : fs.rm(path, options),
    // The run's temp directory into a free target: refused, as a parent directory that does not allow it would.
    rename: async (from: string, to: string) => {
      if (failing.landing && /\.tmp-[^/]*$/.test(from) && !ASIDE.test(from) && !exists(to)) throw Object.assign(new Error("EPERM: operation not permitted"), { code: "EPERM" });
      await fs.rename(from, to);
      // A signal arrives as the next event after the earlier output was moved aside.
      const stop = failing.stopAfterAside;
      if (stop !== null && ASIDE.test(to)) setImmediate(stop);
    },
  };
});

const { AtomicDir } = await import("../src/run/atomicDir.js");
const { removeTempDirsSync } = await import("../src/run/tempDirs.js");
const dir = tempDir();
afterAll(() => dir.cleanup());

async function runWritten(target: string, who: string) {
  const run = await AtomicDir.create(target);
  writeFileSync(join(run.path, "run.json"), JSON.stringify({ tool: "zhongcao", who }));
  return run;
}
const whoIsAt = (target: string) => (JSON.parse(readFileSync(join(target, "run.json"), "utf8")) as { who: string }).who;

describe("AtomicDir.commit when the OS refuses a step", () => {
  it("puts the run in place, and names an earlier output it could not remove in a warning instead of failing with the new run already written", async () => {
    const target = join(dir.path, "run");
    expect(await (await runWritten(target, "earlier")).commit()).toEqual([]);
    failing.removeAside = true;
    try {
      const warnings = await (await runWritten(target, "new")).commit();
      expect(whoIsAt(target)).toBe("new");
      const aside = readdirSync(dir.path).filter((name) => name !== "run");
      expect(aside).toHaveLength(1);
      expect(warnings).toEqual([
        `the earlier output at ${target} was moved aside to ${join(dir.path, aside[0]!)} and could not be removed (EACCES: permission denied, unlink '${join(dir.path, aside[0]!)}/events/part-00000.arrow'); remove it by hand`,
      ]);
      rmSync(join(dir.path, aside[0]!), { recursive: true });
    } finally {
      failing.removeAside = false;
    }
  });

  it("puts the earlier output back when the run's own rename into place is refused, rather than leaving neither", async () => {
    const target = join(dir.path, "kept");
    expect(await (await runWritten(target, "earlier")).commit()).toEqual([]);
    const run = await runWritten(target, "new");
    failing.landing = true;
    try {
      await expect(run.commit()).rejects.toThrow("EPERM");
    } finally {
      failing.landing = false;
    }
    await run.discard();
    expect(whoIsAt(target)).toBe("earlier");
    expect(readdirSync(dir.path).filter((name) => name.includes("kept"))).toEqual(["kept"]);
    expect(existsSync(run.path)).toBe(false);
  });

  it("puts the earlier output back when stopped at once after moving it aside, before the run landed", async () => {
    const target = join(dir.path, "stopped");
    expect(await (await runWritten(target, "earlier")).commit()).toEqual([]);
    const run = await runWritten(target, "new");
    // What a SIGTERM leaves: the process dies straight after removeTempDirsSync.
    let left: { who: string; names: string[] } | undefined;
    failing.stopAfterAside = () => {
      removeTempDirsSync();
      left = { who: whoIsAt(target), names: readdirSync(dir.path).filter((name) => name.includes("stopped")) };
    };
    try {
      // The process would be gone; here the commit goes on without its directories and fails.
      await run.commit().catch(() => undefined);
    } finally {
      failing.stopAfterAside = null;
    }
    expect(left).toEqual({ who: "earlier", names: ["stopped"] });
  });
});
