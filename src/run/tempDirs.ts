import { rmSync } from "node:fs";

/** Temp directories this process has made and not yet removed or renamed into place. */
const open = new Set<string>();

export function trackTempDir(path: string): void {
  open.add(path);
}

export function untrackTempDir(path: string): void {
  open.delete(path);
}

/**
 * Removes every tracked temp directory, synchronously: for a process about to die (a
 * second Ctrl-C), which cannot wait for the usual asynchronous clean-up.
 */
export function removeTempDirsSync(): void {
  for (const path of open) rmSync(path, { recursive: true, force: true });
  open.clear();
}
