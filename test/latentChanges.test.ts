import { describe, expect, it } from "vitest";
import { AipsState, NONE } from "../src/events/enums.js";
import { LatentAips } from "../src/sim/aipsTruth.js";
import { DAY_MS } from "../src/sim/kernel.js";
import { resolveLinkPolicy } from "../src/sim/policy.js";
import { ShardSimulator } from "../src/sim/shard.js";
import { buildWorld } from "../src/world/world.js";
import { smallScenario } from "./helpers.js";

describe("LatentAips.changedToday", () => {
  it("holds every pair whose true state differs from the previous day's end", () => {
    const s = smallScenario({ simulation: { days: 12 } });
    const world = buildWorld(s);
    const sim = new ShardSimulator(s, world, resolveLinkPolicy(s, world), { index: 0, firstUser: 0, userCount: 500 });
    let before = new Uint8Array(sim.latent.state.length);
    let changes = 0;
    for (let day = 0; day < s.simulation.days; day++) {
      sim.simulateDay(day);
      const now = sim.latent.state.slice();
      const bits = sim.latent.changedToday;
      for (let pair = 0; pair < now.length; pair++) {
        if (now[pair] === before[pair]) continue;
        changes++;
        expect((bits[pair >>> 5]! >>> (pair & 31)) & 1, `day ${day}, pair ${pair}`).toBe(1);
      }
      before = now;
    }
    // Decay as well as rises: states both enter and leave over twelve days.
    expect(changes).toBeGreaterThan(1000);
  });
});

describe("LatentAips reads and light signals", () => {
  const s = smallScenario();
  const start = Date.parse(`${s.simulation.start}T00:00:00Z`);
  const dayEnd = (day: number) => start + (day + 1) * DAY_MS;
  /** A signal at `t`; `n` numbers the signals, so reads of note n are reads of distinct notes. */
  type Signal = (latent: LatentAips, t: number, n: number) => void;
  const shortRead: Signal = (latent, t, n) => latent.light(0, t, n);

  /** The pair's state at the end of each day, with `signal` at the given days (noon). */
  function statesWith(lightDays: readonly number[], days: number, signal: Signal = shortRead): number[] {
    const latent = new LatentAips(1, s, 1);
    const states: number[] = [];
    let n = 0;
    for (let day = 0; day < days; day++) {
      for (const d of lightDays) if (d === day) signal(latent, start + day * DAY_MS + DAY_MS / 2, n++);
      latent.endOfDay(day, dayEnd(day), new Float64Array(6));
      states.push(latent.state[0]!);
    }
    return states;
  }

  it("count a long read that does not convince as a read, and a like or comment not at all (DOMAIN: reading several notes)", () => {
    const unconvincedLongRead: Signal = (latent, t, n) => latent.strong(0, t, false, n);
    expect(statesWith([0, 1, 2], 4, unconvincedLongRead)[2]).toBe(AipsState.TI);
    const like: Signal = (latent, t) => latent.light(0, t, NONE);
    expect(statesWith([0, 1, 2, 3, 4], 6, like)[4]).toBe(AipsState.I);
    // An unconvinced strong signal that is no read (a collect, a share) is interest only.
    const unconvincedCollect: Signal = (latent, t) => latent.strong(0, t, false, NONE);
    expect(statesWith([0, 1, 2], 4, unconvincedCollect)[2]).toBe(AipsState.I);
  });

  it("make true interest when enough distinct notes are read within the true-interest window (DOMAIN: several notes, 30 days)", () => {
    expect(s.aipsTruth.readsForTrueInterest).toBe(3);
    expect(s.aipsTruth.tiWindowDays).toBe(30);
    const states = statesWith([0, 1, 2], 40);
    expect(states[2]).toBe(AipsState.TI);
    // It lasts a window from the earliest of the three reads, as a strong signal's does.
    expect(states[29]).toBe(AipsState.TI);
    expect(states[30]).toBe(AipsState.I);
  });

  it("do not make true interest when the reads are spread wider than the window", () => {
    // Never more than two reads in any 30 days.
    expect(statesWith([0, 40, 50], 80)).not.toContain(AipsState.TI);
    // Three reads, then one every 29 days: each new read has only one other within 30 days.
    const states = statesWith([0, 1, 2, 31, 60, 89], 120);
    expect(states[29]).toBe(AipsState.TI);
    expect(states.slice(30)).not.toContain(AipsState.TI);
  });

  it("count a note read again as one note", () => {
    const sameNote: Signal = (latent, t) => latent.light(0, t, 7);
    expect(statesWith([0, 1, 2, 3], 5, sameNote)).not.toContain(AipsState.TI);
    // A fourth distinct note makes the third: re-reads took no slot from the others.
    const threeNotes: Signal = (latent, t, n) => latent.light(0, t, [1, 1, 2, 2, 3][n]!);
    const states = statesWith([0, 1, 2, 3, 4], 6, threeNotes);
    expect(states[3]).toBe(AipsState.I);
    expect(states[4]).toBe(AipsState.TI);
  });

  it("keep interest only while engagement lasts: exposures alone keep a pair aware, not interested (DOMAIN: I is light engagement)", () => {
    const { interestDecayDays, awarenessDecayDays } = s.aipsTruth;
    expect(awarenessDecayDays).toBeGreaterThan(interestDecayDays);
    // A like on day 0, then an impression of the brand every 20 days.
    const exposures = Array.from({ length: 10 }, (_, i) => 20 * (i + 1));
    const latent = new LatentAips(1, s, 1);
    const states: number[] = [];
    for (let day = 0; day < 200; day++) {
      const noon = start + day * DAY_MS + DAY_MS / 2;
      if (day === 0) latent.light(0, noon, NONE);
      if (exposures.includes(day)) latent.exposure(0, noon);
      latent.endOfDay(day, dayEnd(day), new Float64Array(6));
      states.push(latent.state[0]!);
    }
    expect(states[interestDecayDays - 2]).toBe(AipsState.I);
    expect(states[interestDecayDays + 1]).toBe(AipsState.A);
    expect(states[199]).toBe(AipsState.A);
  });

  it("count again from zero once the interest they built has faded", () => {
    // Two on day 0, faded to none long before day 195: the third alone is interest, not true interest.
    const states = statesWith([0, 0, 195], 197);
    expect(states[190]).toBe(AipsState.none);
    expect(states[195]).toBe(AipsState.I);
  });
});
