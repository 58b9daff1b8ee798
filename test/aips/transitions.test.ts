import { describe, expect, it } from "vitest";
import { noteOf, notesOf, run, setup, stateOf, statesOf, type Ev } from "./helpers.js";

const s = setup();
const image = noteOf(s.world, 0, false);
const video = noteOf(s.world, 0, true);
/** Hour 12 of `day`. */
const noon = (day: number) => day * 24 + 12;

function stateAfter(events: Ev[], day = 0): string {
  return stateOf(run(s, events, day + 1), day);
}

describe("AIPS transitions from observed signals", () => {
  it("puts a user in no state before any signal", () => {
    expect(stateAfter([])).toBe("unmet");
  });

  it("makes an impression, an ad impression or a search result awareness (A)", () => {
    expect(stateAfter([{ id: 1, hour: noon(0), kind: "impression", note: image }])).toBe("A");
    expect(stateAfter([{ id: 1, hour: noon(0), kind: "ad_impression", note: image }])).toBe("A");
  });

  it("makes a light read, a like, a comment or an ad click interest (I)", () => {
    expect(stateAfter([{ id: 1, hour: noon(0), kind: "read", note: image, dwell: 2 }])).toBe("I");
    expect(stateAfter([{ id: 1, hour: noon(0), kind: "read", note: video, dwell: 0.3 }])).toBe("I");
    for (const kind of ["like", "comment", "ad_click"] as const) {
      expect(stateAfter([{ id: 1, hour: noon(0), kind, note: image }]), kind).toBe("I");
    }
  });

  it("makes image dwell ≥ 5 s or video completion ≥ 50 % true interest (TI)", () => {
    expect(stateAfter([{ id: 1, hour: noon(0), kind: "read", note: image, dwell: 5 }])).toBe("TI");
    expect(stateAfter([{ id: 1, hour: noon(0), kind: "read", note: image, dwell: 4.9 }])).toBe("I");
    expect(stateAfter([{ id: 1, hour: noon(0), kind: "read", note: video, dwell: 0.5 }])).toBe("TI");
    expect(stateAfter([{ id: 1, hour: noon(0), kind: "read", note: video, dwell: 0.49 }])).toBe("I");
  });

  it("makes collect, brand search, share, ask-for-link and link click true interest", () => {
    for (const kind of ["collect", "search", "share", "ask_for_link", "link_click", "blue_link_click", "add_to_cart"] as const) {
      expect(stateAfter([{ id: 1, hour: noon(0), kind, note: image }]), kind).toBe("TI");
    }
  });

  it("makes reads of N distinct notes within the window true interest, but not N reads of one note", () => {
    const [a, b, c] = notesOf(s.world, 0, 3) as [number, number, number];
    const light = (id: number, day: number, note: number): Ev => ({ id, hour: noon(day), kind: "read", note, dwell: 1 });
    expect(stateAfter([light(1, 0, a), light(2, 5, b), light(3, 9, c)], 9)).toBe("TI");
    expect(stateAfter([light(1, 0, a), light(2, 5, a), light(3, 9, a)], 9)).toBe("I");
    // The first read is 31 days old when the third comes: only two are inside the window.
    expect(stateAfter([light(1, 0, a), light(2, 20, b), light(3, 31, c)], 31)).toBe("I");
  });

  it("makes an observed purchase P and a post-purchase share after it S", () => {
    const bought: Ev = { id: 1, hour: noon(0), kind: "purchase" };
    expect(stateAfter([bought])).toBe("P");
    expect(stateAfter([bought, { id: 2, hour: noon(3), kind: "post_purchase_share" }], 3)).toBe("S");
  });

  it("reads a post-purchase share without an observed purchase as true interest only", () => {
    expect(stateAfter([{ id: 1, hour: noon(0), kind: "post_purchase_share" }])).toBe("TI");
  });

  it("keeps each brand's state apart", () => {
    const partial = run(s, [{ id: 1, hour: noon(0), kind: "collect", brand: 1, note: noteOf(s.world, 1, false) }], 1);
    expect(stateOf(partial, 0, 0)).toBe("unmet");
    expect(stateOf(partial, 0, 1)).toBe("TI");
  });
});

describe("AIPS decay", () => {
  it("drops a TI user with no strong signal for 31 days back to I, then to A and to none", () => {
    const partial = run(s, [{ id: 1, hour: noon(0), kind: "collect", note: image }], 91);
    // Day 29 ends 29.5 days after the collect, day 30 ends 30.5 days after it.
    expect(statesOf(partial, 28, 31)).toEqual(["TI", "TI", "I", "I"]);
    expect(statesOf(partial, 58, 60)).toEqual(["I", "I", "A"]);
    expect(statesOf(partial, 88, 90)).toEqual(["A", "A", "none"]);
  });

  it("keeps TI alive while strong signals continue", () => {
    const events: Ev[] = [0, 25, 50].map((day, i) => ({ id: i + 1, hour: noon(day), kind: "collect", note: image }));
    expect(statesOf(run(s, events, 82), 78, 81)).toEqual(["TI", "TI", "I", "I"]);
  });

  it("keeps awareness, not interest, alive on exposures alone", () => {
    const events: Ev[] = [{ id: 1, hour: noon(0), kind: "like", note: image }];
    for (let day = 10; day <= 100; day += 10) events.push({ id: day + 1, hour: noon(day), kind: "impression", note: image });
    expect(statesOf(run(s, events, 101), 59, 60)).toEqual(["I", "A"]);
    expect(stateOf(run(s, events, 101), 100)).toBe("A");
  });

  it("never decays P or S", () => {
    const partial = run(s, [{ id: 1, hour: noon(0), kind: "purchase" }], 120);
    expect(stateOf(partial, 119)).toBe("P");
  });

  it("follows the scenario's windows", () => {
    const short = setup({ tiWindowDays: 2, interestDecayDays: 4, awarenessDecayDays: 6 });
    const partial = run(short, [{ id: 1, hour: noon(0), kind: "collect", note: noteOf(short.world, 0, false) }], 7);
    expect(statesOf(partial, 0, 6)).toEqual(["TI", "TI", "I", "I", "A", "A", "none"]);
  });
});

describe("AIPS delivery", () => {
  it("counts a repeated event id once", () => {
    const twice: Ev = { id: 7, hour: noon(0), kind: "collect", note: image };
    const partial = run(s, [twice, twice], 1);
    expect(partial.counters).toMatchObject({ applied: 1, repeats: 1 });
  });

  it("knows a late row's re-delivered copy after its id's slot of recent ids was taken", () => {
    // The id table forgets an id when one 2^18 later takes its slot (weeks of rows later, or days in a big shard).
    const original: Ev = { id: 5, hour: 1, arrivalHour: 5, kind: "purchase" };
    const sameSlot: Ev = { id: 5 + 2 ** 18, hour: 6, kind: "impression", note: image };
    const copy: Ev = { ...original, arrivalHour: 8, duplicate: true };
    expect(run(s, [original, sameSlot, copy], 1).counters).toMatchObject({ applied: 2, repeats: 1 });
  });

  it("applies a purchase arriving within the allowed lateness at its event time", () => {
    const late: Ev = { id: 1, hour: noon(3), arrivalHour: noon(5), kind: "purchase" };
    const partial = run(s, [late], 7);
    expect(statesOf(partial, 2, 4)).toEqual(["unmet", "P", "P"]);
    expect(partial.counters.lateDropped).toBe(0);
  });

  it("counts an event later than the allowed lateness and applies it from the next snapshot", () => {
    // Day 3's snapshot is final at the end of day 5 (48 h lateness): arriving on day 6 is too late for it.
    const late: Ev = { id: 1, hour: noon(3), arrivalHour: noon(6), kind: "purchase" };
    const partial = run(s, [late], 8);
    expect(statesOf(partial, 3, 5)).toEqual(["unmet", "P", "P"]);
    expect(partial.counters.lateDropped).toBe(1);
  });

  it("holds the last days' snapshots to the same allowed lateness after the run ends", () => {
    // A 4-day run: day 3's snapshot is final at the end of day 5, two day ends after the run.
    const inTime: Ev = { id: 1, hour: noon(3), arrivalHour: noon(5), kind: "purchase" };
    const tooLate: Ev = { id: 1, hour: noon(3), arrivalHour: noon(6), kind: "purchase" };
    expect(stateOf(run(s, [inTime], 4), 3)).toBe("P");
    const late = run(s, [tooLate], 4);
    expect(stateOf(late, 3)).toBe("unmet");
    expect(late.counters.lateDropped).toBe(1);
  });

  it("takes each snapshot at once with no allowed lateness", () => {
    const now = setup({ allowedLatenessHours: 0 });
    const partial = run(now, [{ id: 1, hour: noon(3), arrivalHour: noon(4), kind: "purchase" }], 6);
    expect(statesOf(partial, 3, 4)).toEqual(["unmet", "P"]);
    expect(partial.counters.lateDropped).toBe(1);
  });
});
