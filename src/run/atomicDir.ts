import { chmod, lstat, mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { InputError } from "../errors.js";
import { checkEarlierOutput, checkOutputDir, missingParents, outputPath } from "./outputDir.js";
import { removeEmptyDirsSync, trackMovedAside, trackTempDir, untrackTempDir } from "./tempDirs.js";

/**
 * A run directory that appears all at once: work happens in a hidden temp directory next
 * to the target, and `commit()` renames it into place (replacing an older run of the same
 * name, and only an earlier zhongcao output: see checkOutputDir). `discard()` removes it
 * and any parent directories `create` made; on any failure nothing is left behind.
 */
export class AtomicDir {
  private constructor(
    readonly target: string,
    readonly path: string,
    /** The parent directories `create` made, innermost first. */
    private readonly madeParents: readonly string[],
    /** What killed runs to the same target left beside it (see strayWarnings), said when this run lands. */
    private readonly strays: readonly string[],
  ) {}

  static async create(given: string): Promise<AtomicDir> {
    await checkOutputDir(given);
    const target = outputPath(given);
    const madeParents = await missingParents(target);
    const parent = dirname(target);
    await mkdir(parent, { recursive: true });
    // The pid in the name tells a later run whether the process that made it is gone.
    const path = await mkdtemp(join(parent, `.${basename(target)}.tmp-${process.pid}-`));
    trackTempDir(path, madeParents);
    return new AtomicDir(target, path, madeParents, await strayWarnings(parent, target));
  }

  /**
   * Renames the finished run into place. Another run may commit to the same target at the
   * same moment, so the target can appear or vanish between any two steps: the rename is
   * retried until it lands, each time first moving whatever holds the target aside (and
   * back, failing, if that is not a zhongcao output). The last run to commit wins; every run
   * removes what it moved aside, and tracks it meanwhile, so a second Ctrl-C removes it too.
   * Returns a warning for each earlier output that was moved aside but could not be removed
   * (a file in it the user may not delete, say): the run is in place by then, so that is no
   * failure, but the leftover is named rather than left hidden.
   */
  async commit(): Promise<string[]> {
    // mkdtemp creates 0700; a finished run is as readable as any other output.
    await chmod(this.path, 0o755);
    const movedAside: string[] = [];
    const leftovers: string[] = [];
    let landed = false;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await rename(this.path, this.target);
          landed = true;
          break;
        } catch (error) {
          // Something in the way (see isOccupied). Anything else (EPERM from a parent that
          // refuses removals, say) is not a race and is thrown.
          if (!isOccupied(error)) throw error;
          // Each attempt follows another run's commit; this many mean something else is going on.
          if (attempt > MAX_COMMIT_ATTEMPTS) throw new Error(`output directory ${this.target}: still taken after ${MAX_COMMIT_ATTEMPTS} attempts to move it aside`, { cause: error });
        }
        const aside = `${this.path}.old${movedAside.length === 0 ? "" : `-${movedAside.length}`}`;
        const moved = await rename(this.target, aside).then(
          () => true,
          (error: NodeJS.ErrnoException) => {
            // Another run moved it first: try again.
            if (error.code !== "ENOENT") throw error;
            return false;
          },
        );
        if (!moved) continue;
        // From here a stop at once puts it back, unless the run has landed.
        trackMovedAside(aside, this.target);
        // Checked where it now lies, which no other run touches: it was checked at the
        // start, but something else may have taken the name since. Its contents only: the
        // name it lies under now is longer than the target's.
        const foreign = await takenBy(aside, this.target);
        if (foreign !== null) {
          await rename(aside, this.target).catch(() => undefined);
          untrackTempDir(aside);
          throw new InputError(`output directory ${this.target}: taken during the run by ${foreign}; it was left as it was, and this run was not written`);
        }
        movedAside.push(aside);
      }
      untrackTempDir(this.path);
    } finally {
      // The run did not land (a rename the OS refused): the earlier output moved aside last
      // is the current one, and goes back rather than being removed with no run in its place.
      const current = landed ? undefined : movedAside.pop();
      if (current !== undefined) {
        await rename(current, this.target).then(
          () => untrackTempDir(current),
          () => movedAside.push(current),
        );
      }
      for (const aside of movedAside) {
        await rm(aside, { recursive: true, force: true }).catch((error: Error) => {
          leftovers.push(`the earlier output at ${this.target} was moved aside to ${aside} and could not be removed (${error.message}); remove it by hand`);
        });
        untrackTempDir(aside);
      }
    }
    return [...this.strays, ...leftovers];
  }

  async discard(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
    untrackTempDir(this.path);
    removeEmptyDirsSync(this.madeParents);
  }
}

/**
 * Temp directories of earlier runs to `target` whose process is gone (SIGKILL, a crash, a
 * power cut: nothing could clean up), as warnings. They are not removed: a process with
 * that pid in another pid namespace (a container sharing the directory) may still be using
 * one, and one ending in `.old` may hold the only copy of an earlier output.
 */
async function strayWarnings(parent: string, target: string): Promise<string[]> {
  const name = new RegExp(`^\\.${escapeRegExp(basename(target))}\\.tmp-(\\d+)-[^./]+(\\.old(-\\d+)?)?$`);
  const warnings: string[] = [];
  for (const entry of (await readdir(parent).catch(() => [])).sort()) {
    const match = name.exec(entry);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isRunning(pid)) continue;
    const path = join(parent, entry);
    warnings.push(
      match[2] !== undefined
        ? `${path}: an earlier output of ${target}, moved aside by a run (pid ${pid}) that ended before it could land or remove it; move it back or remove it by hand`
        : `${path}: the temp directory of a run to ${target} (pid ${pid}) that ended without cleaning up; remove it by hand`,
    );
  }
  return warnings;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** What took the target during the run, when it is not an earlier zhongcao output a run may replace; null when it is one. */
async function takenBy(aside: string, target: string): Promise<string | null> {
  const info = await lstat(aside).catch(() => null);
  if (info?.isSymbolicLink()) return "a symbolic link";
  if (!info?.isDirectory()) return "a file";
  return checkEarlierOutput(aside, target).then(
    () => null,
    () => "a directory that is not an earlier zhongcao output",
  );
}

/** Something holds the target: a directory (ENOTEMPTY on Linux, EEXIST elsewhere) or a file or link (ENOTDIR). */
function isOccupied(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOTEMPTY" || code === "EEXIST" || code === "ENOTDIR";
}

const MAX_COMMIT_ATTEMPTS = 100;
