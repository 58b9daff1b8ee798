import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../src/errors.js";
import { AtomicDir } from "../src/run/atomicDir.js";
import { tempDir } from "./helpers.js";

const dir = tempDir();
afterAll(() => dir.cleanup());

/** A finished run directory's content, as zhongcao would have written it. */
function fill(path: string, who: string): void {
  writeFileSync(join(path, "run.json"), JSON.stringify({ tool: "zhongcao", who }));
}

describe("AtomicDir.commit", () => {
  it("runs committing to one --out at the same moment: the last one wins, none fails, nothing hidden is left", async () => {
    const target = join(dir.path, "shared");
    mkdirSync(target);
    fill(target, "earlier");
    for (let round = 0; round < 40; round++) {
      const runs = await Promise.all(Array.from({ length: 4 }, () => AtomicDir.create(target)));
      runs.forEach((run, i) => fill(run.path, `run ${round}.${i}`));
      const results = await Promise.allSettled(runs.map((run) => run.commit()));
      expect(results.filter((r) => r.status === "rejected")).toEqual([]);
      expect(readdirSync(dir.path)).toEqual(["shared"]);
      expect((JSON.parse(readFileSync(join(target, "run.json"), "utf8")) as { who: string }).who).toMatch(new RegExp(`^run ${round}\\.[0-3]$`));
    }
  });

  it("names, without touching them, the temp directories of earlier runs to the same --out whose process is gone", async () => {
    const target = join(dir.path, "killed");
    // A process that has ended: its pid is free (and not reused this soon).
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid;
    const temp = join(dir.path, `.killed.tmp-${gone}-AbC123`);
    const aside = join(dir.path, `.killed.tmp-${gone}-XyZ789.old`);
    // Still running (pid 1), another target's, and a name from before pids were in it: not named.
    const others = [`.killed.tmp-1-LiVe00`, `.other.tmp-${gone}-AbC123`, ".killed.tmp-Old999"];
    for (const path of [temp, aside, ...others.map((name) => join(dir.path, name))]) mkdirSync(path);
    const run = await AtomicDir.create(target);
    fill(run.path, "new");
    expect(await run.commit()).toEqual([
      `${temp}: the temp directory of a run to ${target} (pid ${gone}) that ended without cleaning up; remove it by hand`,
      `${aside}: an earlier output of ${target}, moved aside by a run (pid ${gone}) that ended before it could land or remove it; move it back or remove it by hand`,
    ]);
    for (const path of [temp, aside, ...others.map((name) => join(dir.path, name))]) expect(lstatSync(path).isDirectory()).toBe(true);
  });

  it("refuses, and leaves alone, a directory that took the name during the run and is not a zhongcao output", async () => {
    const target = join(dir.path, "taken");
    const run = await AtomicDir.create(target);
    fill(run.path, "mine");
    mkdirSync(target);
    writeFileSync(join(target, "notes.txt"), "someone else's");
    await expect(run.commit()).rejects.toThrow(new RegExp(`output directory ${target}: taken during the run by a directory that is not an earlier zhongcao output`));
    expect(readFileSync(join(target, "notes.txt"), "utf8")).toBe("someone else's");
    await run.discard();
    expect(readdirSync(dir.path).filter((f) => f.includes("taken"))).toEqual(["taken"]);
  });

  it("refuses, and leaves alone, a file that took the name during the run (exit 2, not a raw ENOTDIR)", async () => {
    const target = join(dir.path, "taken-by-file");
    const run = await AtomicDir.create(target);
    fill(run.path, "mine");
    writeFileSync(target, "someone else's file");
    const failure = await run.commit().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InputError);
    expect((failure as Error).message).toBe(`output directory ${target}: taken during the run by a file; it was left as it was, and this run was not written`);
    expect(readFileSync(target, "utf8")).toBe("someone else's file");
    await run.discard();
    expect(readdirSync(dir.path).filter((f) => f.includes("taken-by-file"))).toEqual(["taken-by-file"]);
  });

  it("replaces an earlier run under the longest name the check allows (the name it lies under while checked is longer)", async () => {
    const target = join(dir.path, "l".repeat(227));
    for (const who of ["first", "second"]) {
      const run = await AtomicDir.create(target);
      fill(run.path, who);
      await run.commit();
    }
    expect((JSON.parse(readFileSync(join(target, "run.json"), "utf8")) as { who: string }).who).toBe("second");
  });

  it("names a symbolic link that took the name during the run as one", async () => {
    const target = join(dir.path, "taken-by-link");
    const run = await AtomicDir.create(target);
    fill(run.path, "mine");
    mkdirSync(join(dir.path, "elsewhere"));
    symlinkSync(join(dir.path, "elsewhere"), target);
    await expect(run.commit()).rejects.toThrow(`output directory ${target}: taken during the run by a symbolic link; it was left as it was, and this run was not written`);
    expect(lstatSync(target).isSymbolicLink()).toBe(true);
    await run.discard();
  });

  it("throws, rather than retrying, when the parent refuses the rename (EPERM is not a race)", async (ctx) => {
    if (process.platform !== "linux" || process.getuid?.() !== 0) ctx.skip();
    const parent = join(dir.path, "append-only");
    mkdirSync(parent);
    const run = await AtomicDir.create(join(parent, "run"));
    fill(run.path, "mine");
    // An append-only directory (chattr +a) refuses renames out of it, even to root.
    const marked = spawnSync("chattr", ["+a", parent]);
    if (marked.status !== 0) {
      await run.discard();
      ctx.skip();
    }
    try {
      await expect(run.commit()).rejects.toMatchObject({ code: "EPERM" });
    } finally {
      spawnSync("chattr", ["-a", parent]);
      await run.discard();
    }
  });
});
