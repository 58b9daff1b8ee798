import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AtomicDir } from "../src/run/atomicDir.js";
import { removeTempDirsSync, trackMovedAside, trackTempDir, untrackTempDir } from "../src/run/tempDirs.js";
import { tempDir } from "./helpers.js";

const dir = tempDir();
afterAll(() => dir.cleanup());

describe("temp directories removed at once (a second Ctrl-C)", () => {
  it("removes the tracked directories, contents included, and nothing untracked", () => {
    const kept = join(dir.path, "kept");
    const dropped = join(dir.path, "dropped");
    for (const d of [kept, dropped]) {
      mkdirSync(d);
      writeFileSync(join(d, "file"), "x");
      trackTempDir(d);
    }
    untrackTempDir(kept);
    removeTempDirsSync();
    expect(existsSync(dropped)).toBe(false);
    expect(existsSync(kept)).toBe(true);
  });

  it("puts back the output moved aside last (the current one, when runs raced to one --out), and removes the older", () => {
    const target = join(dir.path, "raced");
    const [run, older, newer] = ["run", "old", "old-1"].map((name) => join(dir.path, `.raced.tmp-1-x.${name}`));
    for (const [d, who] of [[run, "run"], [older, "older"], [newer, "newer"]] as const) {
      mkdirSync(d!);
      writeFileSync(join(d!, "who"), who);
    }
    trackTempDir(run!);
    trackMovedAside(older!, target);
    trackMovedAside(newer!, target);
    removeTempDirsSync();
    expect(readFileSync(join(target, "who"), "utf8")).toBe("newer");
    expect([run, older, newer].map((d) => existsSync(d!))).toEqual([false, false, false]);
  });

  it("covers a run directory until it is committed, and never the committed one", async () => {
    const open = await AtomicDir.create(join(dir.path, "open-run"));
    const done = await AtomicDir.create(join(dir.path, "done-run"));
    writeFileSync(join(done.path, "run.json"), "{}");
    await done.commit();
    removeTempDirsSync();
    expect(existsSync(open.path)).toBe(false);
    expect(existsSync(join(dir.path, "done-run", "run.json"))).toBe(true);
  });
});
