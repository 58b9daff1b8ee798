import { mkdtemp, rmdir } from "node:fs/promises";
import { join } from "node:path";

/**
 * Whether a new entry can be made in directory `dir`: tried, not predicted, by making and
 * removing an empty temp directory. Permission bits say nothing for root, and a read-only
 * or virtual file system refuses whoever asks. Returns the error code, or null when it can.
 */
export async function cannotCreateIn(dir: string): Promise<string | null> {
  try {
    await rmdir(await mkdtemp(join(dir, ".zhongcao-probe-")));
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
}
