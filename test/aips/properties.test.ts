import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AipsPartial } from "../../src/engines/aips/partial.js";
import { AIPS_STATES, KINDS } from "../../src/events/enums.js";
import { notesOf, run, setup, type Ev } from "./helpers.js";
import { oracleCounts } from "./oracle.js";

const USERS = 3;
const BRANDS = 3;
const DAYS = 14;
const S = AIPS_STATES.length;
// Short windows so decay happens inside a two-week run.
const s = setup({ tiWindowDays: 3, interestDecayDays: 5, awarenessDecayDays: 7, distinctReadsForTI: 2, allowedLatenessHours: 48 }, USERS);
const LAG_DAYS = 2;
const NOTES = 8;
const notes = Array.from({ length: BRANDS }, (_, b) => notesOf(s.world, b, NOTES));

/** Random observed rows; reads weigh heavily so distinct-read true interest and its window get exercised. */
function eventsArb(users: number, brands: number, days: number, kinds: fc.Arbitrary<(typeof KINDS)[number]>): fc.Arbitrary<Ev[]> {
  return fc
    .array(
      fc.record({
        minute: fc.integer({ min: 0, max: days * 24 * 60 - 1 }),
        kind: kinds,
        user: fc.integer({ min: 0, max: users - 1 }),
        brand: fc.integer({ min: 0, max: brands - 1 }),
        note: fc.integer({ min: 0, max: NOTES - 1 }),
        dwell: fc.double({ min: 0, max: 10, noNaN: true }),
      }),
      { maxLength: 150 },
    )
    .map((rows) =>
      rows.map((r, i): Ev => ({ id: i + 1, hour: r.minute / 60, kind: r.kind, user: r.user, brand: r.brand, note: notes[r.brand]![r.note]!, dwell: r.dwell })),
    );
}
const anyKind = fc.oneof({ arbitrary: fc.constant("read" as const), weight: 1 }, { arbitrary: fc.constantFrom(...KINDS), weight: 2 });
const mixed = eventsArb(USERS, BRANDS, DAYS, anyKind);
/** Light reads of one pair packed into a few days: out-of-order reads compete for the distinct-read slots. */
const reads = eventsArb(1, 1, 5, fc.constant("read")).map((events) => events.map((e) => ({ ...e, dwell: 1 })));

/** The same events re-delivered: late by up to the allowed lateness, shuffled, some repeated. */
const disorderedArb = (events: Ev[]): fc.Arbitrary<Ev[]> =>
  fc
    .record({
      delays: fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: events.length, maxLength: events.length }),
      repeats: fc.array(fc.record({ of: fc.nat(), delay: fc.double({ min: 0, max: 0.999, noNaN: true }), flagged: fc.boolean() }), { maxLength: 20 }),
      order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: events.length + 20, maxLength: events.length + 20 }),
    })
    .map(({ delays, repeats, order }) => {
      // Arriving before the end of day (event day + lag) keeps an event inside its snapshot.
      const late = (e: Ev, u: number): number => e.hour + u * ((Math.floor(e.hour / 24) + LAG_DAYS + 1) * 24 - e.hour);
      const out = events.map((e, i) => ({ ...e, arrivalHour: late(e, delays[i]!) }));
      if (events.length > 0) {
        for (const r of repeats) {
          const e = events[r.of % events.length]!;
          out.push({ ...e, arrivalHour: late(e, r.delay), duplicate: r.flagged });
        }
      }
      return out.map((e, i) => ({ e, key: order[i]! })).sort((a, b) => a.key - b.key).map(({ e }) => e);
    });

const inOrder = (events: Ev[]) => [...events].sort((a, b) => a.hour - b.hour || a.id - b.id);

function count(p: AipsPartial, day: number, brand: number, state: number): number {
  return day < 0 ? 0 : p.engineCounts[day]![brand * S + state]!;
}

function flow(p: AipsPartial, day: number, brand: number, from: number, to: number): number {
  let users = 0;
  p.flows.cell.forEach((cell, i) => {
    if (p.flows.day[i] === day && cell === brand * S * S + from * S + to) users += p.flows.users[i]!;
  });
  return users;
}

describe("AIPS invariants", () => {
  it("matches a direct evaluation of the rules over all events, every day", () => {
    fc.assert(
      fc.property(mixed, (events) => {
        const p = run(s, inOrder(events), DAYS);
        for (let day = 0; day < DAYS; day++) expect(p.engineCounts[day]).toEqual(oracleCounts(events, day, BRANDS, s.world, { ...s.scenario.aips }));
      }),
      { numRuns: 80 },
    );
  });


  it("counts every user who ever had a signal for a brand in exactly one state of it, every day", () => {
    fc.assert(
      fc.property(mixed, (events) => {
        const p = run(s, inOrder(events), DAYS);
        for (let day = 0; day < DAYS; day++) {
          for (let brand = 0; brand < BRANDS; brand++) {
            const met = new Set(events.filter((e) => e.brand === brand && e.hour < (day + 1) * 24).map((e) => e.user));
            let total = 0;
            for (let st = 0; st < S; st++) total += count(p, day, brand, st);
            expect(total).toBe(met.size);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("conserves users: a state's count changes by its flows in minus its flows out", () => {
    fc.assert(
      fc.property(mixed, (events) => {
        const p = run(s, inOrder(events), DAYS);
        for (let day = 0; day < DAYS; day++) {
          for (let brand = 0; brand < BRANDS; brand++) {
            let reachBefore = 0;
            let reach = 0;
            for (let st = 0; st < S; st++) {
              reachBefore += count(p, day - 1, brand, st);
              reach += count(p, day, brand, st);
            }
            for (let st = 0; st < S; st++) {
              let inflow = 0;
              let outflow = 0;
              for (let other = 0; other < S; other++) {
                inflow += flow(p, day, brand, other, st);
                outflow += flow(p, day, brand, st, other);
              }
              // Flows out of none include first meetings, which also grow the brand's reach.
              const joined = st === 0 ? reach - reachBefore : 0;
              expect(count(p, day, brand, st) - count(p, day - 1, brand, st)).toBe(inflow - outflow + joined);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  for (const [name, events] of [
    ["any signals", mixed],
    ["reads of one pair", reads],
  ] as const) {
    it(`gives the same daily snapshots for late, shuffled and repeated delivery within the allowed lateness (${name})`, () => {
      fc.assert(
        fc.property(
          events.chain((ordered) => disorderedArb(ordered).map((disordered) => ({ ordered, disordered }))),
          ({ ordered, disordered }) => {
            const expected = run(s, inOrder(ordered), DAYS);
            const actual = run(s, disordered, DAYS);
            expect(actual.counters.lateDropped).toBe(0);
            expect(actual.counters.applied).toBeGreaterThanOrEqual(ordered.length);
            expect(actual.engineCounts).toEqual(expected.engineCounts);
            expect(actual.flows).toEqual(expected.flows);
          },
        ),
        { numRuns: 80 },
      );
    });
  }
});
