import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkOutputDir, outputPath } from "../src/run/outputDir.js";
import { tempDir } from "./helpers.js";

const dir = tempDir();
afterAll(() => dir.cleanup());

function directoryWith(name: string, files: Record<string, string>): string {
  const path = join(dir.path, name);
  mkdirSync(path);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(path, file), text);
  return path;
}

describe("checkOutputDir", () => {
  it("accepts a new path, an empty directory and earlier zhongcao outputs (compare.json of either shape)", async () => {
    await expect(checkOutputDir(join(dir.path, "new", "deeper"))).resolves.toBeUndefined();
    await expect(checkOutputDir(directoryWith("empty", {}))).resolves.toBeUndefined();
    const outputs = [{ path: "x.arrow" }, { path: "events/part-00000.arrow" }, { path: "events/part-00001.arrow" }];
    const run = directoryWith("run", { "run.json": JSON.stringify({ tool: "zhongcao", outputs }), "x.arrow": "", "report.html": "" });
    mkdirSync(join(run, "events"));
    for (const part of ["part-00000.arrow", "part-00001.arrow"]) writeFileSync(join(run, "events", part), "");
    await expect(checkOutputDir(run)).resolves.toBeUndefined();
    const legacyCompare = { a: {}, b: {}, replications: 2, seeds: [1, 2], metrics: [], warnings: [] };
    await expect(checkOutputDir(directoryWith("compare", { "compare.json": JSON.stringify(legacyCompare) }))).resolves.toBeUndefined();
  });

  it("refuses an earlier output that cannot be replaced (immutable: chattr +i), before any work", async (ctx) => {
    const locked = directoryWith("locked", { "run.json": JSON.stringify({ tool: "zhongcao" }) });
    const emptyLocked = directoryWith("empty-locked", {});
    if (spawnSync("chattr", ["+i", locked, emptyLocked]).status !== 0) ctx.skip();
    try {
      await expect(checkOutputDir(locked)).rejects.toThrow(/locked: cannot be replaced \(EPERM\)/);
      await expect(checkOutputDir(emptyLocked)).rejects.toThrow(/empty-locked: cannot be replaced \(EPERM\)/);
    } finally {
      spawnSync("chattr", ["-i", locked, emptyLocked]);
    }
  });

  it("refuses a file, a path under a file, and a directory that is not a zhongcao output", async () => {
    writeFileSync(join(dir.path, "file"), "");
    await expect(checkOutputDir(join(dir.path, "file"))).rejects.toThrow(/a file of that name exists/);
    await expect(checkOutputDir(join(dir.path, "file", "a", "b"))).rejects.toThrow(/file is a file, not a directory/);
    await expect(checkOutputDir(directoryWith("other", { "run.json": JSON.stringify({ tool: "other" }) }))).rejects.toThrow(/not an earlier zhongcao output/);
    await expect(checkOutputDir(directoryWith("broken", { "compare.json": "{" }))).rejects.toThrow(/not an earlier zhongcao output/);
  });

  it("refuses an earlier output holding files zhongcao did not write: a run.json copied into a folder of other work does not make it replaceable", async () => {
    const outputs = [{ path: "x.arrow" }, { path: "events/part-00000.arrow" }];
    const copied = directoryWith("analysis", { "run.json": JSON.stringify({ tool: "zhongcao", outputs }), "thesis.txt": "precious", "x.arrow": "" });
    await expect(checkOutputDir(copied)).rejects.toThrow(/analysis: holds files zhongcao did not write \(thesis\.txt\)/);
    const extraPart = directoryWith("extra-part", { "run.json": JSON.stringify({ tool: "zhongcao", outputs }) });
    mkdirSync(join(extraPart, "events"));
    for (const part of ["part-00000.arrow", "notes.md"]) writeFileSync(join(extraPart, "events", part), "");
    await expect(checkOutputDir(extraPart)).rejects.toThrow(/holds files zhongcao did not write \(events\/notes\.md\)/);
    const compared = directoryWith("compared", { "compare.json": JSON.stringify({ tool: "zhongcao" }), "report.html": "", "plot.png": "" });
    await expect(checkOutputDir(compared)).rejects.toThrow(/holds files zhongcao did not write \(plot\.png\)/);
    // A listed output that is a directory is not what zhongcao wrote, whatever run.json says.
    const listedDir = directoryWith("listed-dir", { "run.json": JSON.stringify({ tool: "zhongcao", outputs: [{ path: "brands.arrow" }, { path: "events" }] }) });
    mkdirSync(join(listedDir, "brands.arrow"));
    mkdirSync(join(listedDir, "events"));
    writeFileSync(join(listedDir, "events", "thesis.txt"), "precious");
    await expect(checkOutputDir(listedDir)).rejects.toThrow(/holds files zhongcao did not write \(brands\.arrow, events\)/);
  });

  it("refuses a directory inside an earlier output, whose run.json would not list what a run put there", async () => {
    const outer = directoryWith("outer", { "run.json": JSON.stringify({ tool: "zhongcao", outputs: [] }) });
    await expect(checkOutputDir(join(outer, "inner"))).rejects.toThrow(`output directory ${join(outer, "inner")}: is inside ${outer}, an earlier zhongcao output (it holds its run.json)`);
    await expect(checkOutputDir(join(outer, "a", "b"))).rejects.toThrow(`is inside ${outer}, an earlier zhongcao output`);
    const compared = directoryWith("outer-compare", { "compare.json": JSON.stringify({ tool: "zhongcao" }) });
    await expect(checkOutputDir(join(compared, "runs"))).rejects.toThrow(`is inside ${compared}, an earlier zhongcao output (it holds its compare.json)`);
    // A run.json that zhongcao did not write marks nothing.
    const other = directoryWith("outer-other", { "run.json": JSON.stringify({ tool: "other" }) });
    await expect(checkOutputDir(join(other, "inner"))).resolves.toBeUndefined();
  });

  it("reads no marker that is not a regular file: a FIFO is not waited on, /dev/zero not read", async () => {
    const fifo = directoryWith("fifo-marker", {});
    if (spawnSync("mkfifo", [join(fifo, "run.json")]).status !== 0) throw new Error("mkfifo failed");
    await expect(checkOutputDir(fifo)).rejects.toThrow(/fifo-marker: not empty and not an earlier zhongcao output/);
    await expect(checkOutputDir(join(fifo, "inner"))).resolves.toBeUndefined();
    const zero = directoryWith("zero-marker", {});
    symlinkSync("/dev/zero", join(zero, "run.json"));
    await expect(checkOutputDir(zero)).rejects.toThrow(/zero-marker: not empty and not an earlier zhongcao output/);
  });

  it("reads a hand-edited run.json's outputs without tripping over entries of another shape", async () => {
    const odd = directoryWith("odd-outputs", { "run.json": JSON.stringify({ tool: "zhongcao", outputs: [null, 3, { path: 7 }, { path: "x.arrow" }] }), "x.arrow": "" });
    await expect(checkOutputDir(odd)).resolves.toBeUndefined();
    const notList = directoryWith("outputs-not-a-list", { "run.json": JSON.stringify({ tool: "zhongcao", outputs: "x.arrow" }), "x.arrow": "" });
    await expect(checkOutputDir(notList)).rejects.toThrow(/holds files zhongcao did not write \(x\.arrow\)/);
  });

  it("refuses an empty path, the working directory and its ancestors, and a place no file can be made", async () => {
    await expect(checkOutputDir("")).rejects.toThrow(/empty path/);
    await expect(checkOutputDir(".")).rejects.toThrow(/output directory \.: is the working directory or contains it/);
    await expect(checkOutputDir(dirname(process.cwd()))).rejects.toThrow(/is the working directory or contains it/);
    // A directory whose name starts with ".." is inside, not above.
    const dotted = join(dir.path, "holder", "..x");
    mkdirSync(dotted, { recursive: true });
    const cwd = process.cwd();
    try {
      process.chdir(dotted);
      await expect(checkOutputDir(join(dir.path, "holder"))).rejects.toThrow(/is the working directory or contains it/);
      await expect(checkOutputDir(join(dotted, "inside"))).resolves.toBeUndefined();
    } finally {
      process.chdir(cwd);
    }
    // /proc takes no new entries, whoever asks (root included).
    await expect(checkOutputDir("/proc/zhongcao-run/deeper")).rejects.toThrow(/output directory \/proc\/zhongcao-run\/deeper: cannot create files in \/proc \(/);
    // The check leaves nothing behind where it could create.
    await checkOutputDir(join(dir.path, "probe-me"));
    expect(readdirSync(dir.path).filter((name) => name.startsWith(".zhongcao-probe-"))).toEqual([]);
  });

  it("refuses symbolic links (dangling or not) as the directory or a missing parent, and names a file given with a trailing slash", async () => {
    symlinkSync(join(dir.path, "nowhere"), join(dir.path, "dangling"));
    await expect(checkOutputDir(join(dir.path, "dangling"))).rejects.toThrow(/dangling: is a symbolic link; name the directory itself/);
    await expect(checkOutputDir(join(dir.path, "dangling", "x", "y"))).rejects.toThrow(/dangling is a symbolic link to a path that does not exist/);
    symlinkSync(directoryWith("real", {}), join(dir.path, "to-real"));
    await expect(checkOutputDir(join(dir.path, "to-real"))).rejects.toThrow(/to-real: is a symbolic link/);
    writeFileSync(join(dir.path, "plain"), "");
    await expect(checkOutputDir(`${join(dir.path, "plain")}/`)).rejects.toThrow(/plain: a file of that name exists/);
    expect(outputPath("runs/r1/.")).toBe("runs/r1");
    expect(outputPath("runs/r1//")).toBe("runs/r1");
    expect(outputPath("runs/r1/./")).toBe("runs/r1");
    expect(outputPath("/")).toBe("/");
    // Not folded: the OS resolves ".." through a symbolic link, and on POSIX "\\" is part of a name.
    expect(outputPath("link/../out")).toBe("link/../out");
    expect(outputPath("run1\\")).toBe("run1\\");
    await expect(checkOutputDir(`${join(dir.path, "real")}/..`)).rejects.toThrow(/ends in "\.\."; name the directory itself/);
  });

  // /proc is a mount point on Linux; only root may create beside it in /, which the check tries first.
  it.skipIf(process.getuid?.() !== 0 || process.platform !== "linux")("refuses a mount point, which the finished run could not be renamed over", async () => {
    await expect(checkOutputDir("/proc")).rejects.toThrow("output directory /proc: is a mount point, which a run cannot replace; name a directory inside it (e.g. /proc/run)");
  });

  it("refuses names too long for the file system, counting the run's temp directory beside it", async () => {
    await expect(checkOutputDir(join(dir.path, "a".repeat(240)))).rejects.toThrow(/its name is 240 bytes long; at most 227 leave room/);
    await expect(checkOutputDir(join(dir.path, "a".repeat(227)))).resolves.toBeUndefined();
    await expect(checkOutputDir(join(dir.path, "b".repeat(256), "run"))).rejects.toThrow(/a name in it is 256 bytes long/);
    // Multi-byte names count in bytes: 80 × 3 = 240.
    await expect(checkOutputDir(join(dir.path, "种".repeat(80)))).rejects.toThrow(/240 bytes/);
    // The whole path leaves room for the temp directory's suffix and the files inside the run.
    const deep = join(dir.path, ...Array.from({ length: 40 }, () => "d".repeat(100)));
    await expect(checkOutputDir(deep)).rejects.toThrow(/the path is \d+ bytes long; at most 4003 leave room for the files inside it/);
  });
});
