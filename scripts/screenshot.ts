/**
 * Regenerates docs/report.png, the README's picture of a run report: runs the default
 * scenario (or takes an existing run directory), opens its report.html in the OS Chromium
 * and keeps the top of the page.
 *
 *   npx tsx scripts/screenshot.ts [RUN_DIR]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadScenario } from "../src/config/load.js";
import { REPORT_FILE } from "../src/report/html/runReport.js";
import { runScenario } from "../src/run/runScenario.js";
import { launchChromium } from "../test/support/chromium.js";

const OUT = join(import.meta.dirname, "..", "docs", "report.png");
/** Header, calibration and the first chart: readable at README width, well under 400 kB. */
const CLIP = { x: 0, y: 0, width: 1200, height: 1250 };

const given = process.argv[2];
const scratch = given === undefined ? await mkdtemp(join(tmpdir(), "zhongcao-screenshot-")) : null;
try {
  const runDir = given ?? join(scratch!, "run");
  if (given === undefined) await runScenario(loadScenario(), { outDir: runDir, events: false });
  const browser = await launchChromium({ width: CLIP.width, height: CLIP.height });
  try {
    const page = await browser.context.newPage();
    await page.goto(pathToFileURL(join(runDir, REPORT_FILE)).href);
    await page.screenshot({ path: OUT, clip: CLIP });
  } finally {
    await browser.close();
  }
  process.stdout.write(`wrote ${OUT}\n`);
} finally {
  if (scratch !== null) await rm(scratch, { recursive: true, force: true });
}
