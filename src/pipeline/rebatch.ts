import { mergeMap, from, type OperatorFunction } from "rxjs";
import { sliceBatch, type EventBatch } from "../events/batch.js";

/** Splits batches into batches of at most `rows` rows (views, no copy). */
export function rebatch(rows: number): OperatorFunction<EventBatch, EventBatch> {
  return mergeMap((batch) => {
    if (batch.length <= rows) return [batch];
    const parts: EventBatch[] = [];
    for (let start = 0; start < batch.length; start += rows) {
      parts.push(sliceBatch(batch, start, Math.min(batch.length, start + rows)));
    }
    return from(parts);
  });
}
