/**
 * Touch → purchase delay kernel: log-normal around the category's decision cycle.
 * A touch with mass m contributes m × density(lag) to the pair's purchase intensity;
 * those terms are what a purchase's true credit shares are made of.
 */
const SQRT_2PI = Math.sqrt(2 * Math.PI);

export function logNormalDensity(lagDays: number, medianDays: number, sigma: number): number {
  if (lagDays <= 0) return 0;
  const z = (Math.log(lagDays) - Math.log(medianDays)) / sigma;
  return Math.exp(-0.5 * z * z) / (lagDays * sigma * SQRT_2PI);
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
