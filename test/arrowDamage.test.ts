import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/**
 * Damaged Arrow input must fail as bad input, never hang. apache-arrow's reader loops over
 * whatever vector length or footer block it reads, so before ipcCheck one flipped byte
 * could keep `inspect` or `attribute` busy for good. The damage runs in a child process
 * with a deadline (a synchronous loop cannot be interrupted from inside), against the
 * built readers in dist/ (built by `pretest`).
 */
const SCRIPT = String.raw`
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RecordBatchFileWriter, RecordBatchStreamWriter, tableFromArrays } from "apache-arrow";
import { openIpcFile, readIpcBytes } from "./dist/arrow/readInput.js";
import { InputError } from "./dist/errors.js";

const table = (n) => tableFromArrays({ id: Int32Array.from({ length: n }, (_, i) => i), name: Array.from({ length: n }, (_, i) => "n" + i) });
// Two record batches, so the footer lists more than one block.
const twoBatches = (Writer) => Writer.writeAll([...table(3).batches, ...table(2).batches]).toUint8Array(true);
const inputs = { file: twoBatches(RecordBatchFileWriter), stream: twoBatches(RecordBatchStreamWriter) };
const dir = mkdtempSync(join(tmpdir(), "zhongcao-damage-"));
const out = { reads: 0, rejected: 0, accepted: 0, other: [] };
try {
  for (const [format, good] of Object.entries(inputs)) {
    for (let at = 0; at < good.byteLength; at++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bad = Uint8Array.from(good);
        bad[at] ^= mask;
        const path = join(dir, format + ".arrow");
        writeFileSync(path, bad);
        for (const read of [() => readIpcBytes(bad, path), async () => { const f = await openIpcFile(path); try { for await (const b of f.batches) b.numRows; } finally { await f.close(); } }]) {
          out.reads++;
          try {
            await read();
            out.accepted++;
          } catch (error) {
            if (error instanceof InputError && error.message.startsWith(path + ": ")) out.rejected++;
            else if (out.other.length < 5) out.other.push(format + " byte " + at + " ^ " + mask + ": " + String(error));
          }
        }
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
`;

describe("damaged Arrow input", () => {
  it("fails as bad input naming the file, or reads, for every single damaged byte; it never hangs", () => {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", SCRIPT], { cwd: process.cwd(), encoding: "utf8", timeout: 90_000 });
    expect(r.error, "the child hung past its deadline").toBeUndefined();
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as { reads: number; rejected: number; accepted: number; other: string[] };
    expect(out.other).toEqual([]);
    expect(out.rejected + out.accepted).toBe(out.reads);
    // Damage to framing and metadata is caught; damage to values inside a body cannot be.
    expect(out.rejected).toBeGreaterThan(out.reads / 4);
    expect(out.accepted).toBeGreaterThan(0);
  });
});
