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

const table = tableFromArrays({ id: Int32Array.from({ length: 5 }, (_, i) => i), name: Array.from({ length: 5 }, (_, i) => "n" + i) });
// Two record batches of one schema (batches of two tables would be two files, the second never read),
// so the footer lists more than one block.
const twoBatches = (Writer) => Writer.writeAll([...table.slice(0, 3).batches, ...table.slice(3).batches]).toUint8Array(true);
const inputs = { file: twoBatches(RecordBatchFileWriter), stream: twoBatches(RecordBatchStreamWriter) };
const dir = mkdtempSync(join(tmpdir(), "zhongcao-damage-"));
const out = { reads: 0, rejected: 0, accepted: 0, other: [], wrongRows: [], undamaged: [] };
try {
  for (const [format, good] of Object.entries(inputs)) {
    out.undamaged.push(readIpcBytes(good, format).batches.map((b) => b.numRows).join("+"));
    for (let at = 0; at < good.byteLength; at++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bad = Uint8Array.from(good);
        bad[at] ^= mask;
        const path = join(dir, format + ".arrow");
        writeFileSync(path, bad);
        // Each read returns the rows it got, every column read to the end.
        const rowsOf = (batch) => { for (const column of batch.schema.fields.keys()) batch.getChildAt(column).get(batch.numRows - 1); return batch.numRows; };
        for (const read of [() => readIpcBytes(bad, path).batches.reduce((n, b) => n + rowsOf(b), 0), async () => { const f = await openIpcFile(path); let n = 0; try { for await (const b of f.batches) n += rowsOf(b); } finally { await f.close(); } return n; }]) {
          out.reads++;
          try {
            const rows = await read();
            out.accepted++;
            // Damage may change values, never how many rows there are.
            if (rows !== 5 && out.wrongRows.length < 5) out.wrongRows.push(format + " byte " + at + " ^ " + mask + ": " + rows + " rows");
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
    const out = JSON.parse(r.stdout) as { reads: number; rejected: number; accepted: number; other: string[]; wrongRows: string[]; undamaged: string[] };
    expect(out.other).toEqual([]);
    expect(out.undamaged).toEqual(["3+2", "3+2"]);
    expect(out.wrongRows).toEqual([]);
    expect(out.rejected + out.accepted).toBe(out.reads);
    // Damage to framing and metadata is caught; damage to values inside a body cannot be.
    expect(out.rejected).toBeGreaterThan(out.reads / 4);
    expect(out.accepted).toBeGreaterThan(0);
  });
});
