import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { EventsPartSink } from "../../arrow/eventsSink.js";
import type { Fixture } from "../fixture.js";
import type { BenchOp } from "../measure.js";

/** The events part file writer: the fixture's observation-annotated batches into a file under `scratch`. */
export async function arrowWriteOp(f: Fixture, scratch: string): Promise<BenchOp> {
  const batches = f.days.flatMap((d) => d.written);
  const dir = await mkdtemp(join(scratch, "arrow-write-"));
  return {
    name: "arrow-write",
    run: async () => {
      const sink = new EventsPartSink(join(dir, "part-00000.arrow"), f.identity, 0);
      for (const batch of batches) await sink.write(batch);
      const file = await sink.close();
      if (file.rows !== f.writtenRows) throw new Error(`arrow-write wrote ${file.rows} rows, the fixture has ${f.writtenRows}`);
    },
    units: () => f.writtenRows,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
