import { closeSync, existsSync, openSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromArrays, tableToIPC } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { canRunAsNobody, runCli, runCliAsNobody } from "../helpers.js";
import { DEFAULT_MODEL_NAMES } from "../../src/engines/attribution/index.js";
import { MAX_MARKOV_CHANNELS } from "../../src/engines/attribution/attributePaths.js";

const HEADER = "path;total_conversions;total_conversion_value;total_null";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "zhongcao-attribute-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function csv(name: string, lines: readonly string[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, lines.join("\n"));
  return file;
}

const run = (argv: readonly string[]) => runCli([...argv]);

const GOOD = [HEADER, "feed > search > feed;1;10;1", "feed > feed > ad;2;40;0", "search;1;6;1", "shop > search;0;0;2"];

describe("zhongcao attribute", () => {
  it("prints one JSON document with every default model, Markov diagnostics and totals", async () => {
    const { code, stdout } = await run(["attribute", await csv("good.csv", GOOD), "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      models: Record<string, { conversions: Record<string, number>; value: Record<string, number> }>;
      markov: { conversionProbability: number; removalEffects: Record<string, number> };
      totals: { conversions: number; value: number; nulls: number };
    };
    expect(Object.keys(report.models)).toEqual(DEFAULT_MODEL_NAMES);
    for (const credit of Object.values(report.models)) {
      expect(Object.keys(credit.conversions)).toEqual(["feed", "search", "ad", "shop"]);
      expect(Object.keys(credit.value)).toEqual(["feed", "search", "ad", "shop"]);
    }
    expect(report.models.first_touch!.conversions).toEqual({ feed: 3, search: 1, ad: 0, shop: 0 });
    expect(report.markov.conversionProbability).toBeGreaterThan(0);
    expect(Object.keys(report.markov.removalEffects)).toEqual(["feed", "search", "ad", "shop"]);
    expect(report.totals).toEqual({ conversions: 4, value: 56, nulls: 4 });
  });

  it("runs only the models asked for, with the flags given", async () => {
    const file = await csv("comma.csv", GOOD.map((line) => line.replaceAll(";", ",")));
    const { code, stdout } = await run(["attribute", file, "--models", "linear,markov", "--sep", ",", "--no-null", "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { models: Record<string, unknown>; markov: { conversionProbability: number } };
    expect(Object.keys(report.models)).toEqual(["linear", "markov"]);
    expect(report.markov.conversionProbability).toBeCloseTo(1, 12);
  });

  it("prints aligned tables without --json", async () => {
    const { code, stdout } = await run(["attribute", await csv("table.csv", GOOD), "--half-life", "2"]);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe("Conversions by channel");
    expect(lines[1]).toMatch(/^channel\s+first_touch\s+last_touch\s+linear\s+position_based\s+time_decay\s+markov\s+shapley$/);
    expect(lines[2]).toMatch(/^feed\s+3\.0000\s+/);
    expect(stdout).toContain("Markov removal effects (P(conversion) = ");
  });

  it("exits 2 on a path CSV with a header and no paths", async () => {
    const file = await csv("header-only.csv", [HEADER, ""]);
    const { code, stdout, stderr } = await run(["attribute", file]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(`zhongcao: ${file}: no paths after the header; nothing to attribute\n`);
  });

  it("prints the total value in yuan and fen, without the noise of float sums", async () => {
    // 0.1 + 0.2 is 0.30000000000000004 in floating point.
    const { code, stdout } = await run(["attribute", await csv("money.csv", [HEADER, "feed;1;0.1;0", "search;1;0.2;0"]), "--models", "last_touch"]);
    expect(code).toBe(0);
    expect(stdout).toContain("\nTotals: 2 conversions, value 0.30, 0 nulls\n");
  });

  it.each([
    ["wrong header", ["path,total_conversions,total_conversion_value,total_null", "A,1,1,0"], "line 1: header"],
    ["non-numeric count", [HEADER, "A;1;1;0", "B;many;1;0"], 'line 3: total_conversions "many" is not a number'],
    ["negative count", [HEADER, "A;1;1;0", "B;1;1;0", "C;1;1;-4"], "line 4: total_null -4 is negative"],
    ["empty path", [HEADER, " > ;1;1;0"], "line 2: empty path"],
    ["empty step", [HEADER, "A;1;1;0", "search >  > ad;1;1;0"], 'line 3: empty step in path "search >  > ad"'],
    ["hexadecimal count", [HEADER, "A;0x10;1;0"], 'line 2: total_conversions "0x10" is not a number'],
    ["binary count", [HEADER, "A;1;1;0b11"], 'line 2: total_null "0b11" is not a number'],
  ])("exits 2 on a %s and names the line", async (_, lines, message) => {
    const file = await csv("bad.csv", lines);
    const { code, stdout, stderr } = await run(["attribute", file, "--json"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(file);
    expect(stderr).toContain(message);
  });

  it.each([
    [["--models", "linear,magic"], '--models: unknown model "magic"'],
    [["--sep", ";;"], "--sep: must be one character"],
    [["--half-life", "0"], "--half-life: must be a decimal number in (0, 1000000]"],
    [["--half-life", "soon"], "--half-life: must be a decimal number in (0, 1000000]"],
    // An option for a model that does not run would be ignored without a word.
    [["--models", "linear", "--half-life", "2"], "--half-life: applies to the time_decay model, which --models leaves out"],
    [["--models", "linear,shapley", "--no-null"], "--no-null: applies to the markov model, which --models leaves out"],
  ])("exits 2 on bad flags %j", async (flags, message) => {
    const { code, stderr } = await run(["attribute", await csv("flags.csv", GOOD), ...flags]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it("exits 2 on a missing file and on a directory without events parts", async () => {
    expect((await run(["attribute", join(dir, "missing.csv")])).code).toBe(2);
    const runDir = join(dir, "run");
    await mkdir(runDir, { recursive: true });
    const arrow = await run(["attribute", runDir]);
    expect(arrow.code).toBe(2);
    expect(arrow.stderr).toContain("no events/part-*.arrow files");
  });

  it("exits 2 on a path CSV that is not UTF-8, rather than merging channels whose names it cannot read", async () => {
    const latin1 = join(dir, "latin1.csv");
    // "café" and "cafè" in Latin-1: decoded loosely, both became one channel "caf\uFFFD".
    await writeFile(latin1, Buffer.concat([Buffer.from(`${HEADER}\ncaf`), Buffer.from([0xe9]), Buffer.from(";1;10;0\ncaf"), Buffer.from([0xe8]), Buffer.from(";0;0;5\n")]));
    const loose = await run(["attribute", latin1, "--models", "first_touch"]);
    expect(loose.code).toBe(2);
    expect(loose.stdout).toBe("");
    // 0xe9 starts a three-byte sequence: decoding fails at the ';' after it.
    expect(loose.stderr).toBe(`zhongcao: ${latin1}: not UTF-8 text (line 2, near byte offset ${HEADER.length + 5}); save the path CSV as UTF-8\n`);
    const utf16 = join(dir, "utf16.csv");
    await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(GOOD.join("\n"), "utf16le")]));
    expect((await run(["attribute", utf16])).stderr).toBe(`zhongcao: ${utf16}: UTF-16 text; save the path CSV as UTF-8\n`);
  });

  it("exits 2 when cid is asked for on path CSV, which has no touch times", async () => {
    const { code, stdout, stderr } = await run(["attribute", await csv("cid.csv", GOOD), "--models", "cid"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^zhongcao: cid needs touch times/);
  });

  it("exits 2 on --lookback-days and --window-days with path CSV input", async () => {
    const { code, stderr } = await run(["attribute", await csv("lookback.csv", GOOD), "--lookback-days", "7", "--window-days", "7"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--lookback-days: applies to events input only");
    expect(stderr).toContain("--window-days: applies to events input only");
  });

  it.each([
    [["--lookback-days", "10", "--window-days", "14"], "--window-days: cid's window (14 days) is longer than the look-back (10 days)"],
    [["--models", "linear", "--window-days", "3"], "--window-days: applies to the cid model, which --models leaves out"],
    [["--lookback-days", "3", "--window-days", "3"], "--lookback-days: cid ties an order in the platform's own shop to a click within 7 days, longer than the look-back (3 days)"],
  ])("exits 2 on events flags %j that would leave cid conversions uncounted or be ignored", async (flags, message) => {
    const file = join(dir, "window.arrow");
    await writeFile(file, "");
    const { code, stdout, stderr } = await run(["attribute", file, ...flags]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(message);
    // Within the look-back the flags pass, and the (empty) file is what is refused.
    const fine = await run(["attribute", file, "--lookback-days", "7", "--window-days", "3"]);
    expect(fine.stderr).toBe(`zhongcao: ${file}: not an Arrow IPC file (empty)\n`);
  });

  it.each([
    [["--half-life", "0x10", "--models", "time_decay"], '--half-life: must be a decimal number in (0, 1000000], got "0x10"'],
    [["--half-life", "Infinity", "--models", "time_decay"], '--half-life: must be a decimal number in (0, 1000000], got "Infinity"'],
    [["--lookback-days", "0x10"], '--lookback-days: must be a decimal number of days in (0, 3650], got "0x10"'],
    [["--lookback-days", "1e300"], '--lookback-days: must be a decimal number of days in (0, 3650], got "1e300"'],
    [["--window-days", "0"], '--window-days: must be a decimal number of days in (0, 3650], got "0"'],
  ])("exits 2 on a number flag %j that is not a plain decimal in range", async (flags, message) => {
    const file = join(dir, "numbers.arrow");
    await writeFile(file, "");
    const { code, stderr } = await run(["attribute", file, ...flags]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it("exits 2 on --sep with events input, which is Arrow", async () => {
    const file = join(dir, "sep.arrow");
    await writeFile(file, "");
    const { code, stdout, stderr } = await run(["attribute", file, "--sep", ","]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("--sep: applies to path CSV input only");
  });

  it.each([
    ["empty", new Uint8Array(0), "not an Arrow IPC file (empty)"],
    ["truncated", tableToIPC(tableFromArrays({ id: Int32Array.from([1, 2, 3]) }), "file").subarray(0, 300), "not an Arrow IPC file (truncated or corrupt: the closing ARROW1 is missing)"],
  ])("exits 2 naming an %s events file, without reader internals", async (name, bytes, message) => {
    const file = join(dir, `${name}.arrow`);
    await writeFile(file, bytes);
    const { code, stdout, stderr } = await run(["attribute", file]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(`zhongcao: ${file}: ${message}\n`);
  });

  it("exits 2 naming an input the OS refuses, with the errno", async () => {
    const file = await csv("plain.csv", GOOD);
    const { code, stderr } = await run(["attribute", join(file, "inside.csv")]);
    expect(code).toBe(2);
    expect(stderr).toBe(`zhongcao: ${join(file, "inside.csv")}: cannot read (ENOTDIR)\n`);
  });

  it.skipIf(process.getuid?.() === 0)("exits 2 on unreadable path CSV and events files (EACCES; skipped as root, who reads anything)", async () => {
    const file = await csv("secret.csv", GOOD);
    const arrow = join(dir, "secret.arrow");
    await writeFile(arrow, "");
    await chmod(file, 0o000);
    await chmod(arrow, 0o000);
    for (const input of [file, arrow]) {
      const { code, stderr } = await run(["attribute", input]);
      expect(code).toBe(2);
      expect(stderr).toBe(`zhongcao: ${input}: cannot read (EACCES)\n`);
    }
  });

  it.skipIf(!canRunAsNobody)("exits 2 on unreadable path CSV and events files, as root through a child run as nobody", async () => {
    const open = join(dir, "open-to-all");
    await mkdir(open);
    for (const d of [dir, open]) await chmod(d, 0o755);
    const file = join(open, "secret.csv");
    const arrow = join(open, "secret.arrow");
    await writeFile(file, `${GOOD.join("\n")}\n`);
    await writeFile(arrow, "");
    for (const input of [file, arrow]) {
      await chmod(input, 0o000);
      expect(runCliAsNobody(["attribute", input])).toEqual({ code: 2, stdout: "", stderr: `zhongcao: ${input}: cannot read (EACCES)\n` });
    }
  });

  it("runs a bring-your-own model next to the built-ins", async () => {
    const model = join(dir, "even-split.mjs");
    await writeFile(
      model,
      `export default {
        name: "even_split",
        attribute(table) {
          const n = table.channels.length;
          let conversions = 0, value = 0;
          for (let p = 0; p < table.paths.length; p++) { conversions += table.conversions[p]; value += table.value[p]; }
          return { channels: table.channels, conversions: new Float64Array(n).fill(conversions / n), value: new Float64Array(n).fill(value / n) };
        },
      };\n`,
    );
    const { code, stdout } = await run(["attribute", await csv("byo.csv", GOOD), "--models", "linear", "--model", model, "--json"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { models: Record<string, { conversions: Record<string, number> }> };
    expect(Object.keys(report.models)).toEqual(["linear", "even_split"]);
    expect(report.models.even_split!.conversions).toEqual({ feed: 1, search: 1, ad: 1, shop: 1 });
  });

  it("checks that a bring-your-own model's credits add up to the totals (exit 2), and names a model that throws (exit 1)", async () => {
    const overcredit = join(dir, "overcredit.mjs");
    await writeFile(overcredit, "export default { name: 'hundreds', attribute: (t) => ({ channels: t.channels, conversions: new Float64Array(t.channels.length).fill(100), value: new Float64Array(t.channels.length) }) };\n");
    const wrong = await run(["attribute", await csv("byo-sum.csv", GOOD), "--models", "linear", "--model", overcredit]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('model "hundreds" returned an invalid result');
    expect(wrong.stderr).toContain("conversions: credits add up to 400, not the total 4");
    expect(wrong.stderr).toContain("value: credits add up to 0, not the total 56");
    // Unattributed must be a real leftover: a negative one cannot balance overcredit.
    const balancing = join(dir, "balancing.mjs");
    await writeFile(balancing, "export default { name: 'balancing', attribute: (t) => ({ channels: t.channels, conversions: new Float64Array(t.channels.length).fill(100), value: new Float64Array(t.channels.length).fill(14), unattributed: { conversions: -396, value: 0 } }) };\n");
    const negative = await run(["attribute", await csv("byo-neg.csv", GOOD), "--models", "linear", "--model", balancing]);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain("unattributed.conversions: not a finite number ≥ 0");
    const throwing = join(dir, "throwing.mjs");
    await writeFile(throwing, "export default { name: 'kaboom', attribute() { throw new Error('no idea'); } };\n");
    const failed = await run(["attribute", await csv("byo-throw.csv", GOOD), "--models", "linear", "--model", throwing]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe('zhongcao: model "kaboom" failed: no idea\n');
    // A bring-your-own model receives every option, so none is refused as unused.
    const firstOnly = join(dir, "first-only.mjs");
    await writeFile(firstOnly, "export default { name: 'first_only', attribute(t, o) { const c = new Float64Array(t.channels.length), v = new Float64Array(t.channels.length); t.paths.forEach((p, i) => { c[p[0]] += t.conversions[i]; v[p[0]] += t.value[i]; }); return { channels: t.channels, conversions: c, value: v, halfLife: o.halfLifeTouches }; } };\n");
    const withOption = await run(["attribute", await csv("byo-opt.csv", GOOD), "--models", "linear", "--half-life", "2", "--no-null", "--model", firstOnly]);
    expect(withOption.code).toBe(0);
  });

  it("exits 2 naming the module when a bring-your-own model has the wrong shape", async () => {
    const model = join(dir, "not-a-model.mjs");
    await writeFile(model, "export default { name: 'broken' };\n");
    const { code, stderr } = await run(["attribute", await csv("byo-bad.csv", GOOD), "--model", model]);
    expect(code).toBe(2);
    expect(stderr).toContain(`attribution model ${model}: the default export must be`);
  });

  it("refuses markov past its channel limit before any model runs, and runs the other models there", async () => {
    const ring = (n: number) => [HEADER, ...Array.from({ length: n }, (_, i) => `c${i}>c${(i + 1) % n};1;2;1`)];
    const wide = await csv("wide.csv", ring(MAX_MARKOV_CHANNELS + 1));
    const refused = await run(["attribute", wide, "--json"]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toBe("zhongcao: markov: 1,001 channels, more than the exact solve takes (at most 1,000: its time grows with the cube of the channel count); leave markov out of --models, or group channels\n");
    const others = await run(["attribute", wide, "--json", "--models", "first_touch,linear,shapley"]);
    expect(others.code).toBe(0);
    expect((JSON.parse(others.stdout) as { totals: { conversions: number } }).totals.conversions).toBe(MAX_MARKOV_CHANNELS + 1);
  });

  it("ends quietly with exit 0 when the reader closes the pipe early (| head)", async () => {
    const file = await csv("pipe.csv", [HEADER, ...Array.from({ length: 3000 }, (_, i) => `channel-${i}>channel-${i + 1};1;2;1`)]);
    const child = spawn(process.execPath, ["bin/zhongcao.js", "attribute", file, "--json", "--models", "linear"], { stdio: ["ignore", "pipe", "pipe"] });
    // Closed before a byte is read: the JSON (over 100 KB) cannot all fit in the pipe.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });

  it("reads a path CSV from standard input as -, and refuses Arrow bytes piped in (parts are read from files)", () => {
    const viaStdin = (input: Buffer | string) => spawnSync(process.execPath, ["bin/zhongcao.js", "attribute", "-", "--json", "--models", "linear"], { input, encoding: "utf8" });
    const csvText = [HEADER, "a>b;1;2;1", "b;2;4;0"].join("\n");
    const piped = viaStdin(csvText);
    expect(piped.stderr).toBe("");
    expect(piped.status).toBe(0);
    expect((JSON.parse(piped.stdout) as { totals: { conversions: number } }).totals.conversions).toBe(3);
    const arrow = Buffer.from(tableToIPC(tableFromArrays({ id: Int32Array.from([1]) }), "file"));
    const refused = viaStdin(arrow);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toBe("zhongcao: /dev/stdin: Arrow IPC bytes from a pipe; attribute reads events parts from files: name a part file or the run directory\n");
  });

  it.skipIf(!existsSync("/dev/full"))("says in one line, exit 1, when standard output cannot be written (a full disk: /dev/full)", async () => {
    const file = await csv("full.csv", [HEADER, "a>b;1;2;1"]);
    const out = openSync("/dev/full", "w");
    try {
      const child = spawn(process.execPath, ["bin/zhongcao.js", "attribute", file, "--json"], { stdio: ["ignore", out, "pipe"] });
      let stderr = "";
      child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(stderr).toBe("zhongcao: cannot write to standard output (ENOSPC)\n");
      expect(code).toBe(1);
    } finally {
      closeSync(out);
    }
  });
});
