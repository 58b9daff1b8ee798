import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { chmod, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { tableFromArrays, tableToIPC } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { canRunAsNobody, runCli, runCliAsNobody, tempDir } from "./helpers.js";

/** Bad-input cases of `zhongcao inspect` on hand-made files; test/run.test.ts covers real run directories. */
const dir = tempDir("zhongcao-inspect-");
afterAll(() => dir.cleanup());

const ipc = (rows: number) => tableToIPC(tableFromArrays({ id: Int32Array.from({ length: rows }, (_, i) => i) }), "file");
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The run.json fields inspect reads, for `outputs`. */
function manifest(outputs: { path: string; sha256: string; rows: number }[]) {
  return {
    tool: "zhongcao",
    scenario: { name: "hand", sha256: "0".repeat(64), resolved: { policy: { type: "closed" } } },
    seed: 1,
    events: { total: 0 },
    purchases: { total: 0, observed: 0 },
    timing: { eventsPerSecond: 0 },
    memory: { peakRssBytes: 0 },
    outputs,
    calibration: [],
  };
}

async function write(path: string, content: string | Uint8Array): Promise<string> {
  await writeFile(path, content);
  return path;
}

async function subdir(name: string): Promise<string> {
  const path = join(dir.path, name);
  await mkdir(path, { recursive: true });
  return path;
}

describe("zhongcao inspect on bad input", () => {
  it.each([
    ["empty", new Uint8Array(0), "not an Arrow IPC file (empty)"],
    ["truncated", ipc(3).subarray(0, 300), "not an Arrow IPC file (truncated or corrupt: the closing ARROW1 is missing)"],
  ])("exits 2 naming an %s Arrow file, without reader internals", async (name, bytes, message) => {
    const file = await write(join(dir.path, `${name}.arrow`), bytes);
    const r = await runCli(["inspect", file]);
    expect(r).toEqual({ code: 2, stdout: "", stderr: `zhongcao: ${file}: ${message}\n` });
  });

  it("says a compare directory is one, and where its results are, with exit 2", async () => {
    const d = await subdir("a-compare");
    await write(join(d, "compare.json"), "{}");
    const r = await runCli(["inspect", d]);
    expect(r).toEqual({ code: 2, stdout: "", stderr: `zhongcao: ${d}: a compare directory (compare.json); inspect reads run directories and .arrow files: open its report.html, or read compare.json\n` });
  });

  it("names a bad file in a directory by a path the user can open", async () => {
    const d = await subdir("insp5");
    await write(join(d, "good.arrow"), ipc(2));
    await write(join(d, "trunc.arrow"), ipc(3).subarray(0, 300));
    const r = await runCli(["inspect", d]);
    expect(r).toEqual({ code: 2, stdout: "", stderr: `zhongcao: ${join(d, "trunc.arrow")}: not an Arrow IPC file (truncated or corrupt: the closing ARROW1 is missing)\n` });
  });

  it.each([
    ["empty-object", "{}", ["tool: Invalid input", "outputs: Invalid input"]],
    ["array", "[1]", ["(root): Invalid input: expected object, received array"]],
    ["outputs-only", '{"outputs":[]}', ["tool: Invalid input", "scenario: Invalid input"]],
    ["bad-output", JSON.stringify({ ...manifest([]), outputs: [{ path: "a.arrow" }] }), ["outputs.0.sha256: Invalid input"]],
    ["thresholds-not-a-list", JSON.stringify({ ...manifest([]), thresholds: 5 }), ["thresholds: Invalid input: expected array"]],
    ["threshold-null", JSON.stringify({ ...manifest([]), thresholds: [null] }), ["thresholds.0: Invalid input"]],
    ["threshold-without-verdict", JSON.stringify({ ...manifest([]), thresholds: [{ foo: 1 }] }), ["thresholds.0.threshold: Invalid input", "thresholds.0.ok: Invalid input"]],
  ])("exits 2 on a run.json that is not a run manifest (%s), also with --json", async (name, text, problems) => {
    const d = await subdir(`manifest-${name}`);
    const path = await write(join(d, "run.json"), text);
    for (const json of [[], ["--json"]]) {
      const r = await runCli(["inspect", d, ...json]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(`${path}: not a zhongcao run manifest`);
      for (const p of problems) expect(r.stderr).toContain(p);
      expect(r.stderr).not.toContain("Cannot read properties");
    }
  });

  it("lists outputs missing from the directory, changed since run.json or not listed in it, and then exits 2 naming them", async () => {
    const d = await subdir("missing");
    await write(join(d, "kept.arrow"), ipc(2));
    await write(join(d, "changed.arrow"), ipc(4));
    await mkdir(join(d, "events"));
    await write(join(d, "events", "part-00009.arrow"), ipc(3));
    const outputs = [
      { path: "kept.arrow", sha256: sha256(ipc(2)), rows: 2 },
      { path: "changed.arrow", sha256: "f".repeat(64), rows: 4 },
      { path: "gone.arrow", sha256: "e".repeat(64), rows: 7 },
    ];
    await write(join(d, "run.json"), JSON.stringify(manifest(outputs)));
    const damaged = `zhongcao: ${d}: the run directory does not match its run.json\n  - changed.arrow: does not match run.json (sha256 or rows)\n  - events/part-00009.arrow: in the directory but not listed in run.json\n  - gone.arrow: listed in run.json but not in the directory\n`;
    const text = await runCli(["inspect", d]);
    expect(text.code).toBe(2);
    expect(text.stderr).toBe(damaged);
    expect(text.stdout).toMatch(/^kept\.arrow .* ok$/m);
    expect(text.stdout).toMatch(/^changed\.arrow .* MISMATCH$/m);
    expect(text.stdout).toMatch(/^gone\.arrow .* MISSING$/m);
    expect(text.stdout).toMatch(/^events\/part-00009\.arrow .* NOT LISTED$/m);
    const json = await runCli(["inspect", d, "--json"]);
    expect(json.code).toBe(2);
    expect(json.stderr).toBe(damaged);
    const result = JSON.parse(json.stdout) as { files: { path: string; matchesManifest?: boolean }[]; missing: string[] };
    expect(result.files.map((f) => [f.path, f.matchesManifest])).toEqual([
      ["changed.arrow", false],
      ["events/part-00009.arrow", false],
      ["kept.arrow", true],
    ]);
    expect(result.missing).toEqual(["gone.arrow"]);
    // Intact again: exit 0.
    await rm(join(d, "changed.arrow"));
    await rm(join(d, "events"), { recursive: true });
    await write(join(d, "run.json"), JSON.stringify(manifest(outputs.slice(0, 1))));
    expect((await runCli(["inspect", d])).code).toBe(0);
  });

  it.each(["../../etc/hostname", "/etc/hostname", "run.json", "events"])("rejects run.json listing %s as an output: outputs are .arrow files inside the directory", async (path) => {
    const d = await subdir(`outside-${path.replace(/\W/g, "_")}`);
    await write(join(d, "run.json"), JSON.stringify(manifest([{ path, sha256: "0".repeat(64), rows: 0 }])));
    const r = await runCli(["inspect", d]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("outputs.0.path: must be the relative path of an .arrow file inside the run directory");
  });

  it("exits 2 on a run.json or part that is no regular file, without waiting on a FIFO or reading /dev/zero", async () => {
    const fifoManifest = await subdir("fifo-manifest");
    expect(spawnSync("mkfifo", [join(fifoManifest, "run.json")]).status).toBe(0);
    expect(await runCli(["inspect", fifoManifest])).toEqual({ code: 2, stdout: "", stderr: `zhongcao: ${join(fifoManifest, "run.json")}: not a regular file (a FIFO)\n` });
    const zeroManifest = await subdir("zero-manifest");
    await symlink("/dev/zero", join(zeroManifest, "run.json"));
    expect(await runCli(["inspect", zeroManifest])).toEqual({ code: 2, stdout: "", stderr: `zhongcao: ${join(zeroManifest, "run.json")}: not a regular file (a device or socket)\n` });
    const fifoPart = await subdir("fifo-part");
    expect(spawnSync("mkfifo", [join(fifoPart, "part.arrow")]).status).toBe(0);
    const r = await runCli(["inspect", fifoPart]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`zhongcao: ${join(fifoPart, "part.arrow")}: not a regular file (a FIFO)\n`);
  });

  it("exits 2 naming a path the OS refuses, with the errno", async () => {
    const file = await write(join(dir.path, "plain.arrow"), ipc(1));
    const r = await runCli(["inspect", join(file, "inside.arrow")]);
    expect(r).toEqual({ code: 2, stdout: "", stderr: `zhongcao: ${join(file, "inside.arrow")}: cannot read (ENOTDIR)\n` });
  });

  it.skipIf(process.getuid?.() === 0)("exits 2 on an unreadable Arrow file (EACCES; skipped as root, who reads anything)", async () => {
    const file = await write(join(dir.path, "secret.arrow"), ipc(1));
    await chmod(file, 0o000);
    const r = await runCli(["inspect", file]);
    expect(r).toEqual({ code: 2, stdout: "", stderr: `zhongcao: ${file}: cannot read (EACCES)\n` });
  });

  it.skipIf(!canRunAsNobody)("exits 2 on an unreadable Arrow file, as root through a child run as nobody", async () => {
    const open = join(dir.path, "open-to-all");
    await mkdir(open);
    for (const d of [dir.path, open]) await chmod(d, 0o755);
    const file = await write(join(open, "secret.arrow"), ipc(1));
    await chmod(file, 0o000);
    expect(runCliAsNobody(["inspect", file])).toEqual({ code: 2, stdout: "", stderr: `zhongcao: ${file}: cannot read (EACCES)\n` });
  });
});
