import { closeSync, openSync, readSync } from "node:fs";
import { InputError } from "../errors.js";

// A scenario file's bytes and text: bounded reading and encoding checks, before any parsing.

/**
 * Far above any real scenario (a few KiB); a bound so that `/dev/zero` or a wrong file fails
 * at once. Parsing is the cost to bound: YAML takes about a second and hundreds of MiB per
 * 2 MiB of one long list, so the bound is kept small.
 */
export const MAX_SCENARIO_BYTES = 256 * 2 ** 10;

/**
 * Scenario files a launcher read before starting the run again (cli/relaunch.ts), by path
 * as given, in the order it read them: the run uses exactly those bytes, so `run /dev/stdin`
 * works, and a file edited in between cannot make the run differ from what the launcher
 * checked. A path read twice (`compare f f`, a FIFO fed twice) gives its reads in order.
 */
const handedOver = new Map<string, Buffer[]>();

export function handOverBytes(path: string, bytes: Buffer): void {
  const reads = handedOver.get(path);
  if (reads) reads.push(bytes);
  else handedOver.set(path, [bytes]);
}

export function handedOverBytes(path: string): Buffer | undefined {
  return handedOver.get(path)?.shift();
}

/** Up to `limit` + 1 bytes of the file, so a caller can tell it was longer; never more. */
export function readAtMost(path: string, limit: number): Buffer {
  // Standard input is read from its descriptor: opening /dev/stdin fails (ENXIO) when it is a
  // socket, which is what a parent process's pipe often is.
  const stdin = path === "-" || path === "/dev/stdin";
  const fd = stdin ? 0 : openSync(path, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= limit) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
    }
    return Buffer.concat(chunks);
  } finally {
    if (!stdin) closeSync(fd);
  }
}

/** The file as UTF-8 text; other encodings are named rather than read as garbage. `what` is the kind of file (for the advice). */
export function utf8Text(bytes: Buffer, path: string, what = "the scenario"): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputError(`${path}: UTF-16 text; save ${what} as UTF-8`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new InputError(`${path}: not UTF-8 text (line ${lineAt(bytes, at)}, near byte offset ${at}); save ${what} as UTF-8`);
  }
}

/** Offset where UTF-8 decoding first fails: the bad byte, or the one after a cut-short sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  const decodes = (length: number) => {
    try {
      // `stream` holds back a sequence the prefix cuts, so only real damage throws.
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, length), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  // The longest prefix that decodes, by halving; an incomplete sequence at the very end
  // decodes as a prefix but not as the whole file.
  let low = 0;
  let high = bytes.length;
  while (high - low > 1) {
    const mid = (low + high) >>> 1;
    if (decodes(mid)) low = mid;
    else high = mid;
  }
  return Math.min(low, bytes.length - 1);
}

function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}
