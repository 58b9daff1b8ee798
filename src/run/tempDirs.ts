import { existsSync, renameSync, rmdirSync, rmSync } from "node:fs";

interface Tracked {
  /** Parent directories made for it (innermost first), which go with it. */
  readonly madeParents: readonly string[];
  /** An earlier output moved aside while a run lands: where it goes back if no run took its place. */
  readonly restoreTo?: string;
}

/** Temp directories this process has made or moved aside, and not yet removed or renamed into place. */
const open = new Map<string, Tracked>();

export function trackTempDir(path: string, madeParents: readonly string[] = []): void {
  open.set(path, { madeParents });
}

/**
 * An earlier output moved aside to `aside` so a run can land at `target`: a process stopped
 * at once before the run lands puts it back instead of leaving it hidden.
 */
export function trackMovedAside(aside: string, target: string): void {
  open.set(aside, { madeParents: [], restoreTo: target });
}

export function untrackTempDir(path: string): void {
  open.delete(path);
}

/**
 * Removes every tracked temp directory and the parents made for it, synchronously: for a
 * process about to die (a second Ctrl-C), which cannot wait for the usual asynchronous
 * clean-up.
 */
export function removeTempDirsSync(): void {
  // The run's own temp directory first: an earlier output goes back only where no run landed.
  // Of outputs moved aside (runs racing to one --out), the last is the current one: it goes back.
  const entries = [...[...open].filter(([, t]) => t.restoreTo === undefined), ...[...open].filter(([, t]) => t.restoreTo !== undefined).reverse()];
  for (const [path, { madeParents, restoreTo }] of entries) {
    if (restoreTo !== undefined && !existsSync(restoreTo) && putBack(path, restoreTo)) continue;
    rmSync(path, { recursive: true, force: true });
    removeEmptyDirsSync(madeParents);
  }
  open.clear();
}

function putBack(aside: string, target: string): boolean {
  try {
    renameSync(aside, target);
    return true;
  } catch {
    return false;
  }
}

/** Removes `dirs` innermost first, stopping at the first that is not empty (something else was put there). */
export function removeEmptyDirsSync(dirs: readonly string[]): void {
  for (const dir of dirs) {
    try {
      rmdirSync(dir);
    } catch {
      return;
    }
  }
}
