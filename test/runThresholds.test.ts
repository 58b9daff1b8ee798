import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isSetting, runMetrics } from "../src/compare/metrics.js";
import { judgeRun, parseThreshold } from "../src/compare/thresholds.js";
import type { RunManifest } from "../src/report/manifest.js";
import { runCli, tempDir } from "./helpers.js";

const dir = tempDir();
afterAll(() => dir.cleanup());
const SMALL = ["--users", "1500", "--days", "8", "--workers", "0"];
const TINY = ["--users", "300", "--days", "3", "--workers", "0"];

describe("run --threshold", () => {
  it("judges each threshold on the run's own metrics, records the verdicts in run.json, and exits 3 after writing the whole run when one fails", async () => {
    const out = join(dir.path, "gate");
    const r = await runCli([
      "run", ...TINY, "--out", out,
      "--threshold", "accuracy.aips.tiPrecision>=0.01",
      "--threshold", "purchases.true<1",
      // So few observed purchases that no model credits any: its error is a ratio of nothing, which no threshold can pass.
      "--threshold", "accuracy.attribution.models.linear.channelShareMAE<1",
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe("zhongcao: 2 threshold(s) failed: purchases.true<1, accuracy.attribution.models.linear.channelShareMAE<1 (not measured in this run: a ratio of nothing)\n");
    const manifest = JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as RunManifest;
    const metrics = runMetrics(manifest);
    expect(metrics["purchases.true"]).toBeGreaterThan(0);
    expect(manifest.purchases.observed).toBe(0);
    expect(manifest.thresholds).toEqual([
      { threshold: "accuracy.aips.tiPrecision>=0.01", actual: metrics["accuracy.aips.tiPrecision"], ok: true },
      { threshold: "purchases.true<1", actual: metrics["purchases.true"], ok: false },
      { threshold: "accuracy.attribution.models.linear.channelShareMAE<1", actual: null, ok: false, reason: "not measured in this run: a ratio of nothing" },
    ]);
    expect(r.stdout).toContain("  FAIL purchases.true<1 (actual ");
    expect(r.stdout).toContain("  ok   accuracy.aips.tiPrecision>=0.01 (actual ");
    // The run is complete: every listed output and the report are there.
    for (const o of manifest.outputs) expect(existsSync(join(out, o.path))).toBe(true);
    const report = readFileSync(join(out, "report.html"), "utf8");
    expect(report).toContain("<h3>Thresholds</h3>");
    expect(report).toMatch(/<td>purchases\.true&#60;1<\/td><td class="n">[\d,.]+<\/td><td><span class="bad">FAIL<\/span><\/td>/);
    // inspect shows what the gate judged.
    const inspected = await runCli(["inspect", out]);
    expect(inspected.code).toBe(0);
    expect(inspected.stdout).toContain("thresholds:\n  ok   accuracy.aips.tiPrecision>=0.01 (actual ");
    expect(inspected.stdout).toContain("  FAIL purchases.true<1 (actual ");
  });

  it("exits 0 when every threshold holds, and --json prints run.json with the verdicts", async () => {
    const r = await runCli(["run", ...SMALL, "--out", join(dir.path, "pass"), "--json", "--threshold", "purchases.true>0", "--threshold", "events.total>=1000"]);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(r.stdout) as RunManifest;
    expect(manifest.thresholds!.map((v) => v.ok)).toEqual([true, true]);
  });

  it("leaves thresholds out of run.json when none is given", async () => {
    const r = await runCli(["run", ...SMALL, "--out", join(dir.path, "none"), "--json"]);
    expect(r.code).toBe(0);
    expect("thresholds" in (JSON.parse(r.stdout) as object)).toBe(false);
  });

  it("rejects misspelt metrics, interval bounds and bad syntax with exit 2 before the run, naming the closest names", async () => {
    const out = join(dir.path, "bad");
    const unknown = await runCli([
      "run", ...SMALL, "--quiet", "--out", out,
      "--threshold", "accuracy.aips.tiPrecison>=0.6", "--threshold", "incremental.link>0", "--threshold", "purchases.observed.link>=0",
      "--threshold", "purchase.true>0", "--threshold", "accuracy.attribution.models.linear.channelShares.shop<=0.1", "--threshold", "purchases.observed.shop>=0",
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown metric in --threshold");
    expect(unknown.stderr).toContain("accuracy.aips.tiPrecison: not a metric a run reports (near it: accuracy.aips.tiPrecision, ");
    expect(unknown.stderr).toContain("incremental.link: incremental metrics need twin runs: compare --incrementality");
    expect(unknown.stderr).not.toContain("purchases.observed.link:");
    // A typo in the first segment finds its word too.
    expect(unknown.stderr).toContain("purchase.true: not a metric a run reports (near it: purchases.true, ");
    // Model shares are reported for the touch channels only; purchase counts for every channel.
    expect(unknown.stderr).toContain(
      "accuracy.attribution.models.linear.channelShares.shop: not a metric a run reports: that channel has none; it is reported for organic_feed, search, ad, link, blue_link",
    );
    expect(unknown.stderr).not.toContain("purchases.observed.shop:");
    const bound = await runCli(["run", ...SMALL, "--out", out, "--threshold", "low(purchases.true)>0"]);
    expect(bound.code).toBe(2);
    expect(bound.stderr).toContain("low() and high() are bounds of compare's confidence interval; one run has none");
    const syntax = await runCli(["run", ...SMALL, "--out", out, "--threshold", "purchases.true=5"]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toContain("--threshold 'purchases.true=5': expected METRIC<VALUE");
    expect(existsSync(out)).toBe(false);
  });
});

describe("judgeRun", () => {
  it("judges a count or share a run lists only when non-zero at 0 where it is absent, as compare does", async () => {
    const r = await runCli(["run", ...TINY, "--out", join(dir.path, "absent"), "--json"]);
    const manifest = JSON.parse(r.stdout) as RunManifest;
    const shares = (manifest.accuracy.attribution as { trueChannelShares: Record<string, number> }).trueChannelShares;
    delete shares.blue_link;
    const [atZero, missing] = judgeRun(manifest, [parseThreshold("accuracy.attribution.trueChannelShares.blue_link<=0"), parseThreshold("accuracy.aips.nothing>0")]);
    expect(atZero).toEqual({ threshold: "accuracy.attribution.trueChannelShares.blue_link<=0", actual: 0, ok: true, reason: "zero: not listed by this run" });
    expect(missing).toMatchObject({ ok: false, reason: "not reported by this run" });
  });
});

describe("run --remove-channel", () => {
  it("warns when the channel had no touches to remove (blue links under Red Cat), and not when it had", async () => {
    const blue = await runCli(["run", ...TINY, "--out", join(dir.path, "no-blue"), "--json", "--remove-channel", "blue_link"]);
    expect(blue.code).toBe(0);
    const warnings = (JSON.parse(blue.stdout) as RunManifest).warnings;
    expect(warnings).toContain(
      "--remove-channel blue_link: the run has no blue_link_click events, so the channel had no touches to remove and this twin run equals the run without --remove-channel",
    );
    const search = await runCli(["run", ...TINY, "--out", join(dir.path, "no-search"), "--json", "--remove-channel", "search"]);
    expect((JSON.parse(search.stdout) as RunManifest).warnings.join("\n")).not.toContain("--remove-channel");
  });
});

describe("runMetrics", () => {
  it("takes a ratio of nothing in run.json (null: ROI without ad spend) as not measured, never as a value", () => {
    const manifest = {
      scenario: { resolved: { population: { users: 10 } } },
      events: { total: 5, observed: 5 },
      purchases: { total: 1, observed: 0, byChannel: {}, observedByChannel: {}, byCauseChannel: {} },
      economics: { adSpendYuan: 0, trueValueYuan: 3, trueRoi: null, observedRoi: null },
      accuracy: { attribution: { trueChannelShares: { search: null } } },
    } as unknown as RunManifest;
    const kept = runMetrics(manifest, { keepNonFinite: true });
    expect(kept["economics.trueRoi"]).toBeNaN();
    expect(kept["accuracy.attribution.trueChannelShares.search"]).toBeNaN();
    expect(kept["economics.trueValueYuan"]).toBe(3);
    const plain = runMetrics(manifest);
    expect("economics.trueRoi" in plain).toBe(false);
    expect(plain["economics.adSpendYuan"]).toBe(0);
  });

  it("reports each category's median decision cycle, and a category without cycles as not measured", () => {
    const cycles = { horizonDays: 30, byCategory: { fmcg: { touchToPurchaseDays: 5, purchases: 40, medianDays: 9.5, lowDays: 8, highDays: 11 }, baby: { touchToPurchaseDays: 70, purchases: 0, medianDays: null, lowDays: null, highDays: null } } };
    const manifest = {
      scenario: { resolved: { population: { users: 10 } } },
      events: { total: 5, observed: 5 },
      purchases: { total: 1, observed: 0, byChannel: {}, observedByChannel: {}, byCauseChannel: {}, decisionCycles: cycles },
      economics: {},
      accuracy: {},
    } as unknown as RunManifest;
    expect(runMetrics(manifest)["purchases.decisionCycleDays.fmcg"]).toBe(9.5);
    expect("purchases.decisionCycleDays.baby" in runMetrics(manifest)).toBe(false);
    expect(runMetrics(manifest, { keepNonFinite: true })["purchases.decisionCycleDays.baby"]).toBeNaN();
    // A threshold on it fails, saying why this metric in particular was not measured.
    const [verdict] = judgeRun(manifest, [parseThreshold("purchases.decisionCycleDays.baby<100")]);
    expect(verdict).toMatchObject({ ok: false, reason: "not measured in this run: no decision cycle of the category within the run's horizon, which a run no longer than its burn-in does not have" });
  });

  it("says a lift study's visible share is unmeasured while the lift over all purchases cannot be told from nothing", () => {
    const manifest = {
      scenario: { resolved: { population: { users: 10 } } },
      events: { total: 5, observed: 5 },
      purchases: { total: 1, observed: 0, byChannel: {}, observedByChannel: {}, byCauseChannel: {} },
      economics: {},
      accuracy: { lift: { visibleShareOfLift: null, allPurchases: { relativeLift: 0.02 } } },
    } as unknown as RunManifest;
    const [share, relative] = judgeRun(manifest, [parseThreshold("accuracy.lift.visibleShareOfLift>0.1"), parseThreshold("accuracy.lift.allPurchases.relativeLift>0.01")]);
    expect(share).toMatchObject({ ok: false, reason: "not measured in this run: the lift over all purchases is not told apart from nothing (its interval holds 0)" });
    expect(relative).toMatchObject({ ok: true, actual: 0.02 });
  });
});

describe("isSetting", () => {
  it("takes what the scenarios fix (engine settings, the AIPS engine's lateness, users) as settings, and no measured figure", () => {
    for (const m of ["users", "accuracy.attribution.settings.cidWindowDays", "accuracy.lift.settings.adHoldoutShare", "accuracy.aips.allowedLatenessHours"]) expect(isSetting(m)).toBe(true);
    for (const m of ["accuracy.aips.tiPrecision", "accuracy.lift.users.control", "purchases.true", "events.total"]) expect(isSetting(m)).toBe(false);
  });
});
