import { join } from "node:path";
import { makeSchema, type ColumnSpec, type ColumnValues, type RunIdentity } from "../../../arrow/columns.js";
import { writeArrowFile, type WrittenFile } from "../../../arrow/fileSink.js";
import { ATTRIBUTION_SPECS } from "../../../arrow/schemas/attribution.js";
import { ATTRIBUTION_ACCURACY_SPECS } from "../../../arrow/schemas/attributionAccuracy.js";
import { ATTRIBUTION_NOTE_SPECS } from "../../../arrow/schemas/attributionNotes.js";
import type { AttributionReport } from "../attributePaths.js";
import type { AccuracyRows } from "./accuracy.js";
import type { NoteCredit } from "./noteCredit.js";

const UNATTRIBUTED = "unattributed";

/** Writes attribution.arrow, attribution_notes.arrow and attribution_accuracy.arrow into `dir`. */
export async function writeAttributionFiles(
  dir: string,
  identity: RunIdentity,
  report: AttributionReport,
  notes: NoteCredit,
  creatorOf: ArrayLike<number>,
  accuracy: AccuracyRows,
): Promise<WrittenFile[]> {
  const credit = { model: [] as string[], channel: [] as string[], conversions: [] as number[], value: [] as number[] };
  for (const [model, { conversions, value, unattributed }] of Object.entries(report.models)) {
    for (const channel of Object.keys(conversions)) {
      credit.model.push(model);
      credit.channel.push(channel);
      credit.conversions.push(conversions[channel]!);
      credit.value.push(value[channel]!);
    }
    if (unattributed !== undefined) {
      credit.model.push(model);
      credit.channel.push(UNATTRIBUTED);
      credit.conversions.push(unattributed.conversions);
      credit.value.push(unattributed.value);
    }
  }
  const withCreators = { ...notes, creator: notes.note.map((note) => creatorOf[note]!) };
  return [
    await write(join(dir, "attribution.arrow"), identity, ATTRIBUTION_SPECS, credit),
    await write(join(dir, "attribution_notes.arrow"), identity, ATTRIBUTION_NOTE_SPECS, withCreators),
    await write(join(dir, "attribution_accuracy.arrow"), identity, ATTRIBUTION_ACCURACY_SPECS, accuracy),
  ];
}

function write(path: string, identity: RunIdentity, specs: readonly ColumnSpec[], columns: { readonly model: readonly string[] }): Promise<WrittenFile> {
  const values = columns as unknown as Record<string, ColumnValues>;
  return writeArrowFile(path, makeSchema(specs, identity), specs, values, columns.model.length);
}
