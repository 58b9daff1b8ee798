import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableFromIPC } from "apache-arrow";
import { stringify } from "yaml";
import { EVENT_COLUMN_NAMES } from "../src/events/batch.js";
import { VOLATILE_MANIFEST_FIELDS, type RunManifest } from "../src/report/manifest.js";
import { VERSION } from "../src/version.js";
import { FAIL_SHARD_ENV } from "../src/workers/protocol.js";
import { runCli, tempDir } from "./helpers.js";
import { readIpcFileLayout } from "./support/ipcFooter.js";

/** A small scenario file: 3 shards, enough days for delayed purchases and passback. */
const SMALL = {
  name: "small",
  seed: 7,
  simulation: { days: 15, shardUsers: 400 },
  population: { users: 1000 },
  creators: { count: 300 },
  brands: { count: 25 },
  notes: { count: 1500 },
  behaviour: { adLoad: 0.3, adCtr: 0.1 },
  policy: { type: "redcat", redcat: { windowDays: 15, minDailyBudgetYuan: 1000, minExperienceScore: 4.2 } },
};

const dir = tempDir();
const scenarioFile = join(dir.path, "small.yaml");

function arrowFiles(runDir: string): string[] {
  const top = readdirSync(runDir).filter((f) => f.endsWith(".arrow"));
  const events = existsSync(join(runDir, "events")) ? readdirSync(join(runDir, "events")).map((f) => join("events", f)) : [];
  return [...top, ...events].sort();
}

/** Every path under `root` with its size, to show that a refused run touched nothing. */
function snapshot(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[]).map((p) => {
    const full = join(root, p);
    return `${p}:${statSync(full).isDirectory() ? "dir" : statSync(full).size}`;
  }).sort();
}

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

function stableManifest(runDir: string): Partial<RunManifest> {
  const m = JSON.parse(readFileSync(join(runDir, "run.json"), "utf8")) as Record<string, unknown>;
  for (const f of VOLATILE_MANIFEST_FIELDS) delete m[f];
  return m;
}

async function run(out: string, ...extra: string[]) {
  const result = await runCli(["run", scenarioFile, "--out", out, "--events", "--quiet", ...extra]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return out;
}

let first: string;

beforeAll(async () => {
  writeFileSync(scenarioFile, stringify(SMALL));
  first = await run(join(dir.path, "first"));
});
afterAll(() => dir.cleanup());

describe("zhongcao run", () => {
  it("writes the run directory with truth files, events parts and run.json", () => {
    expect(arrowFiles(first)).toEqual(
      expect.arrayContaining([
        "aips_truth_daily.arrow",
        "events/part-00000.arrow",
        "events/part-00001.arrow",
        "events/part-00002.arrow",
        "truth_credits.arrow",
        "truth_purchases.arrow",
      ]),
    );
    expect(arrowFiles(first).filter((f) => f.startsWith("events/"))).toHaveLength(3);
    const m = JSON.parse(readFileSync(join(first, "run.json"), "utf8")) as RunManifest;
    expect(m.tool).toBe("zhongcao");
    expect(m.version).toBe(VERSION);
    expect(m.seed).toBe(7);
    expect(m.shards.count).toBe(3);
    expect(m.events.total).toBe(Object.values(m.events.byKind).reduce((a, b) => a + b, 0));
    expect(m.events.total).toBeGreaterThan(10_000);
    expect(m.timing.eventsPerSecond).toBeGreaterThan(0);
    expect(m.timing.cpuSeconds).toBeGreaterThan(0);
    expect(m.memory.peakRssBytes).toBeGreaterThan(0);
    expect(m.scenario.sha256).toBe(sha(scenarioFile));
    for (const o of m.outputs) {
      expect(sha(join(first, o.path))).toBe(o.sha256);
    }
  });

  it("is byte-identical for the same scenario and seed", async () => {
    const second = await run(join(dir.path, "second"));
    for (const f of arrowFiles(first)) expect(sha(join(second, f)), f).toBe(sha(join(first, f)));
    expect(stableManifest(second)).toEqual(stableManifest(first));
  });

  it("does not change a byte when the batch size changes", async () => {
    // Five workers asked for, three shards: run.json says the three threads used.
    const tiny = await run(join(dir.path, "tiny-batches"), "--batch-rows", "777", "--workers", "5");
    for (const f of arrowFiles(first)) expect(sha(join(tiny, f)), f).toBe(sha(join(first, f)));
    expect(stableManifest(tiny)).toEqual(stableManifest(first));
    const m = JSON.parse(readFileSync(join(tiny, "run.json"), "utf8")) as RunManifest;
    expect({ workers: m.workers, batchRows: m.batchRows }).toEqual({ workers: 3, batchRows: 777 });
  });

  it("changes with the seed", async () => {
    const other = await run(join(dir.path, "other-seed"), "--seed", "8");
    expect(sha(join(other, "truth_purchases.arrow"))).not.toBe(sha(join(first, "truth_purchases.arrow")));
  });

  it("writes Arrow IPC files an independent reader accepts, with the rows run.json reports", () => {
    const m = JSON.parse(readFileSync(join(first, "run.json"), "utf8")) as RunManifest;
    let eventRows = 0;
    for (const o of m.outputs) {
      const layout = readIpcFileLayout(readFileSync(join(first, o.path)));
      expect(layout.batchRows.reduce((a, b) => a + b, 0)).toBe(o.rows);
      expect(layout.metadata["zhongcao.version"]).toBe(VERSION);
      expect(layout.metadata["zhongcao.seed"]).toBe("7");
      expect(layout.metadata["zhongcao.scenario_sha256"]).toBe(m.scenario.sha256);
      // Every column says what it holds.
      expect(layout.fieldNames.filter((_, i) => !(layout.fieldMetadata[i]!.description ?? "").trim())).toEqual([]);
      if (o.path.startsWith("events/")) {
        expect(layout.fieldNames).toEqual(EVENT_COLUMN_NAMES);
        expect(layout.dictionaryBatches).toBe(3);
        eventRows += o.rows;
      }
    }
    expect(eventRows).toBe(m.events.total);
  });

  it("stores event columns as typed Arrow columns readers can query", () => {
    const t = tableFromIPC(readFileSync(join(first, "events/part-00000.arrow")));
    expect(String(t.schema.fields.find((f) => f.name === "time")!.type)).toBe("Timestamp<MILLISECOND, UTC>");
    expect(String(t.schema.fields.find((f) => f.name === "kind")!.type)).toBe("Dictionary<Uint8, Utf8>");
    const row = t.get(0)!.toJSON() as Record<string, unknown>;
    expect(row.kind).toMatch(/^[a-z_]+$/);
    expect(row.time).toBeGreaterThanOrEqual(Date.parse("2025-05-07T00:00:00Z"));
    const purchases = tableFromIPC(readFileSync(join(first, "truth_purchases.arrow")));
    expect(purchases.numRows).toBeGreaterThan(0);
  });

  it("prints only run.json on stdout with --json", async () => {
    const out = join(dir.path, "json");
    const r = await runCli(["run", scenarioFile, "--out", out, "--json", "--days", "3"]);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout) as RunManifest;
    expect(parsed.scenario.resolved.simulation.days).toBe(3);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("rejects a bad scenario with exit 2 and writes nothing", async () => {
    const bad = join(dir.path, "bad.yaml");
    writeFileSync(bad, stringify({ ...SMALL, population: { users: 10, typo: 1 } }));
    const before = readdirSync(dir.path).sort();
    const r = await runCli(["run", bad, "--out", join(dir.path, "never")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("population.typo: unknown key");
    expect(readdirSync(dir.path).sort()).toEqual(before);
  });

  it("replaces an earlier run in its --out directory whole, and refuses one holding a file it did not write", async () => {
    const out = join(dir.path, "again");
    await run(out, "--days", "2", "--users", "1600");
    // Four shards' parts (400 users a shard); the run that replaces it writes two.
    expect(existsSync(join(out, "events", "part-00003.arrow"))).toBe(true);
    await run(out, "--days", "3", "--users", "800");
    expect(readdirSync(join(out, "events"))).toEqual(["part-00000.arrow", "part-00001.arrow"]);
    expect(stableManifest(out).scenario?.resolved.simulation.days).toBe(3);
    // A file someone put beside the outputs is not the run's to delete.
    writeFileSync(join(out, "notes.txt"), "mine");
    const refused = await runCli(["run", scenarioFile, "--out", out, "--quiet", "--days", "2"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`output directory ${out}: holds files zhongcao did not write (notes.txt)`);
    expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("mine");
  });

  it("says how many files it wrote, counting each one", async () => {
    const out = join(dir.path, "counted");
    const r = await runCli(["run", scenarioFile, "--out", out, "--days", "2"]);
    expect(r.code).toBe(0);
    const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    expect(r.stdout).toContain(`wrote       ${out}/ (${files} files)`);
  });

  it.each([
    ["a directory holding other files", (p: string) => (mkdirSync(p), writeFileSync(join(p, "notes.txt"), "keep me")), /not empty and not an earlier zhongcao output/],
    ["a directory whose run.json zhongcao did not write", (p: string) => (mkdirSync(p), writeFileSync(join(p, "run.json"), "{}")), /not empty and not an earlier zhongcao output/],
    ["a file", (p: string) => writeFileSync(p, "keep me"), /a file of that name exists/],
  ])("refuses an --out that is %s: exit 2, nothing touched", async (_what, make, message) => {
    const out = join(dir.path, `occupied-${readdirSync(dir.path).length}`);
    make(out);
    const before = snapshot(dir.path);
    const r = await runCli(["run", scenarioFile, "--out", out, "--quiet", "--days", "2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(snapshot(dir.path)).toEqual(before);
  });

  it("refuses an --out under a file with exit 2, and a failed run removes the parents it made", async () => {
    const file = join(dir.path, "plain-file");
    writeFileSync(file, "x");
    const under = await runCli(["run", scenarioFile, "--out", join(file, "run"), "--quiet"]);
    expect(under.code).toBe(2);
    expect(under.stderr).toMatch(/plain-file is a file, not a directory/);

    // An empty directory of the user's, named by a relative path: only what the run made goes.
    mkdirSync(join(dir.path, "kept-empty"));
    const before = snapshot(dir.path);
    process.env[FAIL_SHARD_ENV] = "0";
    try {
      for (const out of [join(dir.path, "made", "deeper", "run"), `./${relative(process.cwd(), join(dir.path, "kept-empty", "made", "run"))}`]) {
        const failed = await runCli(["run", scenarioFile, "--out", out, "--quiet", "--workers", "0"]);
        expect(failed.code).toBe(1);
      }
    } finally {
      delete process.env[FAIL_SHARD_ENV];
    }
    expect(snapshot(dir.path)).toEqual(before);
  });

  it("records --users/--days in run.json and says in report.html's subtitle what size the run was", async () => {
    const described = join(dir.path, "described.yaml");
    writeFileSync(described, stringify({ ...SMALL, name: "described", description: "the file's own size: 1,000 users" }));
    const out = join(dir.path, "resized");
    expect((await runCli(["run", described, "--users", "600", "--days", "3", "--out", out, "--quiet", "--workers", "0"])).code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as RunManifest;
    expect(manifest.scenario.overrides).toEqual({ users: 600, days: 3 });
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("the file&#39;s own size: 1,000 users; this run: 600 users over 3 days (--users, --days)");
    // Only the flag given is named.
    const usersOnly = join(dir.path, "resized-users");
    expect((await runCli(["run", described, "--users", "600", "--out", usersOnly, "--quiet", "--workers", "0"])).code).toBe(0);
    expect(readFileSync(join(usersOnly, "report.html"), "utf8")).toContain("this run: 600 users over 15 days (--users)");
    const overridesOf = async (name: string, flags: string[]) => {
      const at = join(dir.path, name);
      expect((await runCli(["run", described, ...flags, "--out", at, "--quiet", "--workers", "0"])).code).toBe(0);
      return (JSON.parse(readFileSync(join(at, "run.json"), "utf8")) as RunManifest).scenario.overrides;
    };
    expect(await overridesOf("reseeded", ["--days", "2", "--seed", "8"])).toEqual({ seed: 8, days: 2 });
    // A flag repeating the file's own value (seed 7, 1,000 users) changes nothing, and is not recorded.
    expect(await overridesOf("repeated", ["--days", "2", "--seed", "7", "--users", "1000"])).toEqual({ days: 2 });
    expect(await overridesOf("unflagged", [])).toBeUndefined();
  });

  it("rejects bad flags with exit 2", async () => {
    expect((await runCli(["run", scenarioFile, "--users", "-3"])).code).toBe(2);
    expect((await runCli(["run", scenarioFile, "--days", "abc"])).code).toBe(2);
    expect((await runCli(["run", scenarioFile, "--bogus"])).code).toBe(2);
    // Shop and spillover are where purchases happen, not causes: removing them would change nothing.
    const notACause = await runCli(["run", scenarioFile, "--remove-channel", "spillover"]);
    expect(notACause.code).toBe(2);
    expect(notACause.stderr).toContain("Allowed choices are organic_feed, search, ad, link, blue_link, baseline");
    const helpOnNothing = await runCli(["help", "nope"]);
    expect(helpOnNothing.code).toBe(2);
    expect(helpOnNothing.stderr).toContain("unknown command 'nope' (commands: run, validate,");
    for (const asked of [["help", "--help"], ["help", "-h"], ["help", "run"]]) expect((await runCli(asked)).code).toBe(0);
  });
});

describe("zhongcao inspect", () => {
  it("summarises a run directory with checksums and calibration", async () => {
    const r = await runCli(["inspect", first]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("truth_purchases.arrow");
    expect(r.stdout).toMatch(/events\/part-00000\.arrow .* ok/);
    expect(r.stdout).toContain("users.femaleShare");
    expect(r.stdout).toContain("feed.ctr.image.beauty");
    // 15 days hold no cycle past the 60-day burn-in.
    expect(r.stdout).toContain("decision cycles: none measured (the run is no longer than the 60-day burn-in)\n");
  });

  it("prints each category's decision cycles as run.json gives them", async () => {
    const longer = join(dir.path, "with-cycles");
    cpSync(first, longer, { recursive: true });
    const m = JSON.parse(readFileSync(join(longer, "run.json"), "utf8")) as RunManifest;
    m.purchases.decisionCycles = {
      burnInDays: 60,
      horizonDays: 150,
      byCategory: {
        beauty: { touchToPurchaseDays: 21, purchases: 4122, medianDays: 29.8, lowDays: 29.1, highDays: 30.55 },
        baby: { touchToPurchaseDays: 70, purchases: 0, medianDays: null, lowDays: null, highDays: null },
      },
    };
    writeFileSync(join(longer, "run.json"), JSON.stringify(m));
    const r = await runCli(["inspect", longer]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("whose cycle started from day 60 to 150 days before the end, up to 150 days:\n");
    expect(r.stdout).toMatch(/^beauty +21 +4122 +29\.8 +29\.1–30\.55$/m);
    expect(r.stdout).toMatch(/^baby +70 +0 +- +-$/m);
  });

  it("summarises a run written before decision cycles were measured", async () => {
    const old = join(dir.path, "before-cycles");
    cpSync(first, old, { recursive: true });
    const m = JSON.parse(readFileSync(join(old, "run.json"), "utf8")) as RunManifest;
    delete (m.purchases as Partial<RunManifest["purchases"]>).decisionCycles;
    writeFileSync(join(old, "run.json"), JSON.stringify(m));
    const r = await runCli(["inspect", old]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("users.femaleShare");
    expect(r.stdout).not.toContain("decision cycles");
  });

  it("prints schema and metadata of one file, and rejects missing or non-Arrow paths", async () => {
    const one = await runCli(["inspect", join(first, "truth_purchases.arrow")]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain("causeChannel");
    expect(one.stdout).toContain("[zhongcao.seed] 7");
    expect((await runCli(["inspect", join(dir.path, "nope")])).code).toBe(2);
    expect((await runCli(["inspect", join(first, "run.json")])).code).toBe(2);
  });
});

describe("package", () => {
  it("reports the version in package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });

  it("prints the version, and help that lists every verb", async () => {
    for (const flag of ["--version", "-V"]) expect(await runCli([flag])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: "" });
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    for (const verb of ["run", "validate", "inspect", "compare", "attribute", "bench"]) expect(help.stdout).toMatch(new RegExp(`^  ${verb} `, "m"));
  });
});

describe("entity tables", () => {
  it("name brands and creators with faker, one name per entity keyed by id", () => {
    const brands = tableFromIPC(readFileSync(join(first, "brands.arrow")));
    const creators = tableFromIPC(readFileSync(join(first, "creators.arrow")));
    const notes = tableFromIPC(readFileSync(join(first, "notes.arrow")));
    expect(brands.numRows).toBe(SMALL.brands.count);
    expect(creators.numRows).toBe(SMALL.creators.count);
    expect(notes.numRows).toBe(SMALL.notes.count);
    const names = brands.getChild("name")!.toArray() as string[];
    expect(new Set(names).size).toBeGreaterThan(SMALL.brands.count * 0.9);
    for (const n of names) expect(n.length).toBeGreaterThan(1);
    const handles = creators.getChild("handle")!.toArray() as string[];
    expect(handles.every((h) => h.length > 0)).toBe(true);
  });
});
