import { rmdirSync, rmSync } from "node:fs";

/**
 * Temp directories this process has made and not yet removed or renamed into place, each
 * with the parent directories made for it (innermost first), which go with it.
 */
const open = new Map<string, readonly string[]>();

export function trackTempDir(path: string, madeParents: readonly string[] = []): void {
  open.set(path, madeParents);
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
  for (const [path, parents] of open) {
    rmSync(path, { recursive: true, force: true });
    removeEmptyDirsSync(parents);
  }
  open.clear();
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
