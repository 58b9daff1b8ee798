import type { World } from "./world.js";

/** The platform's whole audience: brands' daily ad budgets are set for it. */
export const PLATFORM_USERS = 300_000_000;

/**
 * Per brand, what it spends on ads a day in the simulated population: its daily budget if it
 * has sponsored notes (0 if not), scaled from the platform's whole audience to the simulated
 * users, so that ROI and cost per new TI user compare across population sizes.
 */
export function dailyAdSpendYuan(world: World, users: number): Float64Array {
  const spend = new Float64Array(world.brands.count);
  for (let n = 0; n < world.notes.count; n++) {
    const brand = world.notes.brand[n]!;
    if (world.notes.sponsored[n] === 1) spend[brand] = (world.brands.dailyAdBudgetYuan[brand]! * users) / PLATFORM_USERS;
  }
  return spend;
}
