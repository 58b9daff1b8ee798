import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { trackTempDir, untrackTempDir } from "./tempDirs.js";

/**
 * Runs `fn` with a fresh `zhongcao-<purpose>-*` directory in the OS temp directory, for
 * work whose files are not an output (bench suites, compare's replications, its metric-name
 * probe). It is registered for a second Ctrl-C (removeTempDirsSync) and removed however
 * `fn` ends, so nothing is left behind.
 */
export async function inScratchDir<T>(purpose: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `zhongcao-${purpose}-`));
  trackTempDir(dir);
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
    untrackTempDir(dir);
  }
}
