import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { trackTempDir, untrackTempDir } from "../run/tempDirs.js";

/**
 * Runs `fn` with a fresh `zhongcao-bench-*` directory in the OS temp directory, where every
 * suite keeps its scratch files and the scaling suite's child runs write. It is registered
 * for a second Ctrl-C (removeTempDirsSync) and removed however the bench ends, so nothing
 * is left behind.
 */
export async function inScratchDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "zhongcao-bench-"));
  trackTempDir(dir);
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
    untrackTempDir(dir);
  }
}
