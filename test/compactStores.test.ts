import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DueDays, NOT_DUE } from "../src/events/dueDays.js";
import { KeyIndex } from "../src/engines/attribution/stream/keyIndex.js";
import { PairTable } from "../src/engines/attribution/stream/pairTable.js";
import { RecentIds } from "../src/engines/attribution/stream/recentIds.js";
import { TOUCHES_PER_PAIR, TouchHistory } from "../src/sim/touchHistory.js";

/** The typed-array stores that keep a long run's memory flat, each checked against a plain model. */
describe("compact stores", () => {
  it("DueDays visits the items due on each day, in item order, once, whatever they are rescheduled to", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 199 }), fc.integer({ min: 0, max: 9 })), { maxLength: 300 }), (sets) => {
        const due = new DueDays(200);
        const model = new Int32Array(200).fill(NOT_DUE);
        for (const [item, day] of sets) {
          due.set(item, day);
          model[item] = day;
        }
        for (let day = 0; day < 12; day++) {
          const expected = [...model.keys()].filter((item) => model[item] === day);
          const seen: number[] = [];
          due.take(day, (item) => {
            seen.push(item);
            // A visit reschedules its own item: later, to the same day (never visited again), or not at all.
            const next = item % 3 === 0 ? day + 1 + (item % 4) : item % 3 === 1 ? day : NOT_DUE;
            if (next === NOT_DUE) due.clear(item);
            else due.set(item, next);
            model[item] = next;
          });
          expect(seen).toEqual(expected);
          expect(Int32Array.from(model.keys(), (item) => due.dayOf(item))).toEqual(model);
        }
      }),
    );
  });

  it("KeyIndex finds, adds and deletes integer keys like a Map", () => {
    const key = fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 2 ** 20 }).map((u) => u * 2 ** 21 + 7));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.boolean()), { maxLength: 3000 }), (ops) => {
        const index = new KeyIndex();
        const model = new Map<number, number>();
        ops.forEach(([k, remove], i) => {
          if (remove) {
            index.delete(k);
            model.delete(k);
          } else if (!model.has(k)) {
            index.add(k, i);
            model.set(k, i);
          }
          expect(index.get(k)).toBe(model.get(k) ?? -1);
        });
        expect(index.size).toBe(model.size);
        for (const [k, v] of model) expect(index.get(k)).toBe(v);
      }),
    );
  });

  it("RecentIds reports a repeat exactly while its original's generation or the next is current", () => {
    const id = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }).map((u) => 3 * 2 ** 32 + u));
    // Arrival steps of 0–25 with a period of 10: same generation, the next one, or a jump past both.
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 25 }), id), { maxLength: 2000 }), (rows) => {
        const ids = new RecentIds(10);
        const model = new Map<number, number>(); // id → generation it was remembered in
        let arrival = 0;
        for (const [step, x] of rows) {
          arrival += step;
          ids.advance(arrival);
          const generation = Math.floor(arrival / 10);
          const seenIn = model.get(x);
          const expected = seenIn !== undefined && generation - seenIn <= 1;
          expect(ids.repeat(x)).toBe(expected);
          if (!expected) model.set(x, generation);
        }
      }),
    );
  });

  it("PairTable keeps each pair's touches sorted by (time, id) through inserts, drops and reuse", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 })), { maxLength: 300 }),
        (ops) => {
          const table = new PairTable();
          const model = new Map<number, [number, number][]>();
          ops.forEach(([key, time, action], id) => {
            let pair = table.find(key);
            if (pair < 0) pair = table.open(key);
            const touches = model.get(key) ?? [];
            if (action === 0 && touches.length > 0) {
              const n = Math.ceil(touches.length / 2);
              table.dropTouches(pair, n);
              touches.splice(0, n);
            } else if (action === 1 && touches.length === 0) {
              table.forget(pair);
              model.delete(key);
              return;
            } else {
              table.insertTouch(pair, time, id, key, 0, id);
              touches.push([time, id]);
              touches.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
            }
            model.set(key, touches);
          });
          expect(table.pairsInOrder().map((p) => table.keyOf(p))).toEqual([...model.keys()]);
          for (const [key, touches] of model) {
            const pair = table.find(key);
            const first = table.firstSlot(pair);
            const stored = Array.from({ length: table.touchCount(pair) }, (_, i) => [table.time[first + i], table.id[first + i]]);
            expect(stored).toEqual(touches);
          }
        },
      ),
    );
  });

  it("TouchHistory keeps each pair's last TOUCHES_PER_PAIR touches, oldest first", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 500 }), (pairs) => {
        const history = new TouchHistory(10);
        const model = new Map<number, number[]>();
        pairs.forEach((pair, id) => {
          history.add(pair, id, 1000 + id, id / 7, id % 5, id % 3, id % 4);
          model.set(pair, [...(model.get(pair) ?? []), id].slice(-TOUCHES_PER_PAIR));
        });
        const slots = new Int32Array(TOUCHES_PER_PAIR);
        for (let pair = 0; pair < 10; pair++) {
          const n = history.slotsOf(pair, slots);
          const stored = Array.from(slots.subarray(0, n), (s) => [history.id[s], history.time[s], history.mass[s], history.medianDays[s], history.kind[s], history.channel[s]]);
          const expected = (model.get(pair) ?? []).map((id) => [id, 1000 + id, Math.fround(id / 7), id % 5, id % 3, id % 4]);
          expect(stored).toEqual(expected);
        }
      }),
    );
  });
});
