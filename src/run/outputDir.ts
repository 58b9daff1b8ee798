import { constants } from "node:fs";
import { access, lstat, readdir, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { readRegularFile } from "../arrow/readInput.js";
import { InputError } from "../errors.js";
import { cannotCreateIn } from "./writable.js";

/** Files that mark a directory as an earlier zhongcao output, which a new one may replace. */
const MARKERS = ["run.json", "compare.json"] as const;

/**
 * Rejects, before any work starts, an output directory zhongcao must not write: an empty
 * path, the working directory or one of its ancestors, a path under a file or where no
 * file can be created, an existing file, or a non-empty directory that is not an earlier
 * zhongcao output or holds files besides it (a run replaces its directory whole, so anything
 * else in it would be lost).
 */
export async function checkOutputDir(given: string): Promise<void> {
  if (given.trim() === "") throw new InputError("output directory: empty path");
  const target = outputPath(given);
  // The run is renamed to this path: a final ".." would name a directory by its child.
  if (basename(target) === "..") throw new InputError(`output directory ${given}: ends in ".."; name the directory itself`);
  checkNameLengths(target);
  // The finished run is renamed into place, replacing the directory: never the working
  // directory or one that holds it.
  const relativeToCwd = relative(resolve(target), process.cwd());
  const outside = relativeToCwd === ".." || relativeToCwd.startsWith(`..${sep}`) || isAbsolute(relativeToCwd);
  if (!outside) {
    throw new InputError(`output directory ${target}: is the working directory or contains it; name a directory inside it`);
  }
  await checkNotInsideEarlierOutput(target);
  const link = await lstat(target).catch(() => null);
  // The run would replace the link itself, not write where it points.
  if (link?.isSymbolicLink()) throw new InputError(`output directory ${target}: is a symbolic link; name the directory itself (a run replaces its directory whole)`);
  const info = await stat(target).catch((error: NodeJS.ErrnoException) => {
    // ENOTDIR: a parent is a file, which missingParents names.
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return null;
    throw cannotUse(target, target, error);
  });
  // The temp directory is made beside the target, in its nearest existing ancestor.
  const made = await missingParents(target);
  const host = made.length > 0 ? dirname(made[made.length - 1]!) : resolve(dirname(target));
  const refused = await cannotCreateIn(host);
  if (refused !== null) throw new InputError(`output directory ${target}: cannot create files in ${host} (${refused})`);
  if (info === null) return;
  if (!info.isDirectory()) throw new InputError(`output directory ${target}: a file of that name exists`);
  // The finished run is renamed over the directory, which a mount point (a container's
  // volume, say) refuses: only found out after the whole run otherwise.
  const parent = await stat(dirname(resolve(target))).catch(() => null);
  if (parent !== null && parent.dev !== info.dev) {
    throw new InputError(`output directory ${target}: is a mount point, which a run cannot replace; name a directory inside it (e.g. ${join(target, "run")})`);
  }
  await checkEarlierOutput(target, target);
  return checkReplaceable(target);
}

/**
 * An output inside an earlier one (`--out run/inner`) would be files its run.json does not
 * list: `inspect` would then call that run damaged, and its next run refuse to replace it.
 */
async function checkNotInsideEarlierOutput(target: string): Promise<void> {
  for (let dir = dirname(resolve(target)); ; dir = dirname(dir)) {
    for (const marker of MARKERS) {
      if ((await lstat(join(dir, marker)).catch(() => null)) === null) continue;
      if ((await writtenByZhongcao(join(dir, marker))) === null) continue;
      throw new InputError(
        `output directory ${target}: is inside ${dir}, an earlier zhongcao output (it holds its ${marker}); files there would not be the ones its ${marker} lists, so choose a directory outside it`,
      );
    }
    if (dirname(dir) === dir) return;
  }
}

/**
 * Throws unless the existing directory at `path` is one a run may replace: empty, or an
 * earlier zhongcao output holding nothing but what zhongcao wrote there. `shownAs` names it
 * in messages (a run checks, at commit, the directory it moved aside under another name).
 */
export async function checkEarlierOutput(path: string, shownAs: string): Promise<void> {
  const entries = await readdir(path).catch((error: NodeJS.ErrnoException) => {
    throw cannotUse(shownAs, shownAs, error);
  });
  if (entries.length === 0) return;
  for (const marker of MARKERS) {
    if (!entries.includes(marker)) continue;
    const doc = await writtenByZhongcao(join(path, marker));
    if (doc === null) continue;
    // A marker copied into a folder of other work does not make the folder replaceable.
    const foreign = await entriesNotWritten(path, entries, marker, doc);
    if (foreign.length > 0) {
      const shown = foreign.slice(0, 5).join(", ") + (foreign.length > 5 ? `, … (${foreign.length} in all)` : "");
      throw new InputError(
        `output directory ${shownAs}: holds files zhongcao did not write (${shown}); a run replaces its directory whole, so choose another --out or move them first`,
      );
    }
    return;
  }
  throw new InputError(
    `output directory ${shownAs}: not empty and not an earlier zhongcao output (no run.json or compare.json written by zhongcao); ` +
      "a run replaces its directory whole, so choose another --out or remove it first",
  );
}

/**
 * What in an earlier output directory zhongcao did not write: besides its marker and
 * report.html, a run directory holds only the files its run.json lists (events parts
 * under events/), a compare directory nothing else. A listed name that is not a plain
 * file (a directory, a link) is not what zhongcao wrote there.
 */
async function entriesNotWritten(dir: string, entries: readonly string[], marker: (typeof MARKERS)[number], doc: Record<string, unknown>): Promise<string[]> {
  const listed = marker === "run.json" && Array.isArray(doc.outputs) ? doc.outputs.flatMap(listedPath) : [];
  const isFile = (path: string) => lstat(join(dir, path)).then((s) => s.isFile(), () => false);
  const written = new Set<string>([marker, "report.html", ...listed]);
  const foreign: string[] = [];
  for (const entry of entries) {
    if (written.has(entry)) {
      if (!(await isFile(entry))) foreign.push(entry);
      continue;
    }
    const inside = listed.filter((path) => path.startsWith(`${entry}/`));
    const isDirectory = await lstat(join(dir, entry)).then((s) => s.isDirectory(), () => false);
    if (inside.length === 0 || !isDirectory) {
      foreign.push(entry);
      continue;
    }
    // A directory of listed outputs (events/): each of its entries must be one of them.
    for (const child of await readdir(join(dir, entry))) {
      const path = `${entry}/${child}`;
      if (!inside.includes(path) || !(await isFile(path))) foreign.push(path);
    }
  }
  return foreign;
}

/** An entry of run.json's outputs as a path with forward slashes; nothing for an entry of another shape. */
function listedPath(entry: unknown): string[] {
  const path = entry !== null && typeof entry === "object" ? (entry as { path?: unknown }).path : undefined;
  return typeof path === "string" && path !== "" ? [path.replace(/\\/g, "/")] : [];
}

/**
 * The finished run moves the existing directory aside and removes it, which its owner's
 * write permission (or, for root, its not being immutable: chattr +i) must allow; without
 * it the run would fail only after all its work. An append-only directory (chattr +a) is
 * not caught here: only trying the rename would tell.
 */
async function checkReplaceable(target: string): Promise<void> {
  const refused = await access(target, constants.W_OK).then(
    () => null,
    (error: NodeJS.ErrnoException) => error.code ?? error.message,
  );
  if (refused !== null) throw new InputError(`output directory ${target}: cannot be replaced (${refused}): a run moves it aside and removes it; choose another --out or make it writable`);
}

/**
 * The target's parent directories that do not exist yet, innermost first, as absolute
 * paths (those a run makes, and removes again if it fails); the nearest existing one must
 * be a directory.
 */
export async function missingParents(target: string): Promise<string[]> {
  const missing: string[] = [];
  for (let dir = resolve(dirname(outputPath(target))); ; dir = dirname(dir)) {
    const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ENOTDIR") return null;
      throw cannotUse(target, dir, error);
    });
    if (info?.isDirectory()) return missing;
    if (info) throw new InputError(`output directory ${target}: ${dir} is a file, not a directory`);
    if (await lstat(dir).then((l) => l.isSymbolicLink(), () => false)) {
      throw new InputError(`output directory ${target}: ${dir} is a symbolic link to a path that does not exist`);
    }
    if (dirname(dir) === dir) return missing;
    missing.push(dir);
  }
}

/**
 * The output directory as the run will name it: normalised, without trailing separators,
 * so `out/`, `out/.` and `out` are one directory (and `file/` is the file it names).
 */
export function outputPath(given: string): string {
  // Only trailing separators and "." go: `normalize` would also fold `link/..`, which the
  // OS resolves through the link, and on POSIX a backslash is part of a name.
  const trailing = sep === "/" ? /(?<=.)(\/+\.?)+$/ : /(?<=.)([\\/]+\.?)+$/;
  const trimmed = given.replace(trailing, "");
  return trimmed === "" ? given : trimmed;
}

/**
 * The longest name a file system takes (bytes), and what the run adds to the directory's
 * own name for its temp directory (`.NAME.tmp-PID-` and six random characters from mkdtemp)
 * and for the old runs it replaces (`….old`, then `….old-1` … `….old-100`: see AtomicDir.commit).
 */
const MAX_NAME_BYTES = 255;
const MKDTEMP_SUFFIX_LENGTH = 6;
/** Linux pids reach 2^22 (4194304): seven digits. */
const PID_DIGITS = 7;
const TEMP_NAME_EXTRA = ".".length + ".tmp-".length + PID_DIGITS + "-".length + MKDTEMP_SUFFIX_LENGTH + ".old-100".length;
const MAX_PATH_BYTES = 4095;
/** Room for the longest path a run writes inside its directory (`attribution_accuracy.arrow`, `events/part-NNNNN.arrow`). */
const INSIDE_PATH_BYTES = 64;

function checkNameLengths(target: string): void {
  const bytes = (s: string) => Buffer.byteLength(s);
  const longest = resolve(target).split(sep).find((part) => bytes(part) > MAX_NAME_BYTES);
  if (longest !== undefined) throw new InputError(`output directory ${target}: a name in it is ${bytes(longest)} bytes long, more than the ${MAX_NAME_BYTES} a file system takes`);
  const name = basename(target);
  if (bytes(name) + TEMP_NAME_EXTRA > MAX_NAME_BYTES) {
    throw new InputError(`output directory ${target}: its name is ${bytes(name)} bytes long; at most ${MAX_NAME_BYTES - TEMP_NAME_EXTRA} leave room for the run's temp directory beside it`);
  }
  const length = bytes(resolve(target));
  if (length + TEMP_NAME_EXTRA + INSIDE_PATH_BYTES > MAX_PATH_BYTES) {
    throw new InputError(`output directory ${target}: the path is ${length} bytes long; at most ${MAX_PATH_BYTES - TEMP_NAME_EXTRA - INSIDE_PATH_BYTES} leave room for the files inside it`);
  }
}

function cannotUse(target: string, path: string, error: NodeJS.ErrnoException): InputError {
  return new InputError(`output directory ${target}: cannot use ${path} (${error.code ?? error.message})`);
}

/** A marker far larger than any run.json or compare.json is not one (and is not read whole into memory). */
const MAX_MARKER_BYTES = 64 * 2 ** 20;

/**
 * run.json and compare.json carry `tool: "zhongcao"`; compare.json written before it did has its own shape. The document, or
 * null (also for a marker that is no regular file, such as a FIFO, which is never read).
 */
async function writtenByZhongcao(path: string): Promise<Record<string, unknown> | null> {
  try {
    const doc = JSON.parse((await readRegularFile(path, MAX_MARKER_BYTES, "a run.json or compare.json")).toString("utf8")) as Record<string, unknown>;
    return doc.tool === "zhongcao" || (Array.isArray(doc.metrics) && typeof doc.replications === "number" && Array.isArray(doc.seeds)) ? doc : null;
  } catch {
    return null;
  }
}
