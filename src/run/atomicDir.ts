import { chmod, mkdir, mkdtemp, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { checkOutputDir, missingParents, outputPath } from "./outputDir.js";
import { removeEmptyDirsSync, trackTempDir, untrackTempDir } from "./tempDirs.js";

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
  ) {}

  static async create(given: string): Promise<AtomicDir> {
    await checkOutputDir(given);
    const target = outputPath(given);
    const madeParents = await missingParents(target);
    const parent = dirname(target);
    await mkdir(parent, { recursive: true });
    const path = await mkdtemp(join(parent, `.${basename(target)}.tmp-`));
    trackTempDir(path, madeParents);
    return new AtomicDir(target, path, madeParents);
  }

  async commit(): Promise<void> {
    // mkdtemp creates 0700; a finished run is as readable as any other output.
    await chmod(this.path, 0o755);
    const exists = await stat(this.target).then(
      () => true,
      () => false,
    );
    if (exists) {
      const old = `${this.path}.old`;
      await rename(this.target, old);
      await rename(this.path, this.target);
      untrackTempDir(this.path);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(this.path, this.target);
      untrackTempDir(this.path);
    }
  }

  async discard(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
    untrackTempDir(this.path);
    removeEmptyDirsSync(this.madeParents);
  }
}
