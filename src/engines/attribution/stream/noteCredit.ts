import { NONE } from "../../../events/enums.js";
import { attributePaths } from "../attributePaths.js";
import type { AttributionOptions, PathTable } from "../types.js";
import type { Journeys } from "./journeyTable.js";

/**
 * Models that credit individual touches by position, time or click id, so their
 * credit can be carried down to the note (and creator) each touch was on.
 * Markov and Shapley value channels as a whole and have no per-touch credit.
 */
export const NOTE_MODELS = ["first_touch", "last_touch", "linear", "position_based", "time_decay", "cid"] as const;

export interface NoteCredit {
  readonly model: string[];
  readonly note: number[];
  readonly conversions: number[];
  readonly value: number[];
}

const NO_NOTE = "none";

/**
 * Credit per (model, note): the converting journeys re-read with each touch's note
 * in place of its channel, run through the same models, so positions, times and
 * click ids weigh exactly as they do per channel. Touches without a note (searches)
 * keep their share under no note and are left out. Rows: models in NOTE_MODELS order,
 * notes ascending, only notes with credit; at most models × notes.
 */
export function noteCredit(journeys: Journeys, options: AttributionOptions): NoteCredit {
  const rows = journeys.convertingRows;
  const noteIds = [...new Set(journeys.notes.flatMap((notes) => [...notes]))].sort((a, b) => a - b);
  const index = new Map(noteIds.map((note, i) => [note, i]));
  const { table } = journeys;
  const byNote: PathTable = {
    channels: noteIds.map((note) => (note === NONE ? NO_NOTE : String(note))),
    paths: journeys.notes.map((notes) => Uint32Array.from(notes, (note) => index.get(note)!)),
    conversions: Float64Array.from({ length: rows }, (_, r) => table.conversions[r]!),
    value: Float64Array.from({ length: rows }, (_, r) => table.value[r]!),
    nulls: new Float64Array(rows),
    touchTimes: table.touchTimes.slice(0, rows),
    clickIds: table.clickIds.slice(0, rows),
    conversionTimes: Float64Array.from({ length: rows }, (_, r) => table.conversionTimes[r]!),
    conversionClickIds: Float64Array.from({ length: rows }, (_, r) => table.conversionClickIds[r]!),
  };
  const report = attributePaths(byNote, { ...options, models: NOTE_MODELS });
  const out: NoteCredit = { model: [], note: [], conversions: [], value: [] };
  for (const model of NOTE_MODELS) {
    const credit = report.models[model]!;
    noteIds.forEach((note, i) => {
      const conversions = credit.conversions[byNote.channels[i]!]!;
      if (note === NONE || conversions === 0) return;
      out.model.push(model);
      out.note.push(note);
      out.conversions.push(conversions);
      out.value.push(credit.value[byNote.channels[i]!]!);
    });
  }
  return out;
}
