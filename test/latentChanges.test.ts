import { describe, expect, it } from "vitest";
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
