import { describe, expect, it } from "vitest";
import { DueToday } from "../src/sim/dueToday.js";
import { ScheduledQueue, ScheduledType } from "../src/sim/queue.js";

const BRANDS = 10;

/** Schedules an event for (user, brand 0) at `time` and returns its slot. */
function add(q: ScheduledQueue, user: number, time: number, commit = true): number {
  const slot = q.allocate(time, ScheduledType.purchase, user * BRANDS);
  if (commit) q.commit(slot);
  return slot;
}

function drain(due: DueToday, before: number): number[] {
  const out: number[] = [];
  for (let slot = due.nextBefore(before); slot >= 0; slot = due.nextBefore(before)) out.push(slot);
  return out;
}

describe("DueToday", () => {
  it("hands out the day's events user by user, each user's in (time, sequence) order", () => {
    const q = new ScheduledQueue();
    const late = add(q, 0, 100);
    const b1 = add(q, 1, 20);
    const a1 = add(q, 0, 30);
    const a0 = add(q, 0, 10);
    const b2 = add(q, 1, 20);
    const tomorrow = add(q, 0, 1000);
    const due = new DueToday(q, BRANDS);
    due.load(500);
    expect(q.length).toBe(1);
    due.startUser(0);
    expect(due.nextTime).toBe(10);
    expect(drain(due, 50)).toEqual([a0, a1]);
    expect(drain(due, 500)).toEqual([late]);
    expect(due.nextTime).toBe(Infinity);
    due.startUser(1);
    expect(drain(due, 500)).toEqual([b1, b2]);
    expect(q.pop()).toBe(tomorrow);
  });

  it("takes the current user's events due later the same day, after those due no later", () => {
    const q = new ScheduledQueue();
    const first = add(q, 3, 40);
    const third = add(q, 3, 60);
    const due = new DueToday(q, BRANDS);
    due.load(500);
    due.startUser(3);
    const second = add(q, 3, 40, false);
    expect(due.takesToday(second)).toBe(true);
    expect(due.takesToday(add(q, 3, 500, false))).toBe(false);
    expect(drain(due, 500)).toEqual([first, second, third]);
  });
});
