import seedrandom from "seedrandom";

/**
 * Keyed random streams. Every draw in zhongcao is a pure function of
 * (seed, stream name, entity/event keys), never of execution order: that is what makes
 * outputs identical at any worker count and batch size, and what makes twin runs share
 * random numbers for everything a policy does not change.
 *
 * seedrandom turns (seed, stream name) into a 32-bit stream seed once; per-key draws then
 * use a counter-based mix (murmur3 finaliser + mulberry32 steps), which costs a few
 * integer multiplies instead of constructing a generator per key.
 */
export function streamSeed(seed: number, name: string): number {
  return seedrandom(`zhongcao/${seed}/${name}`).int32() >>> 0;
}

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Folds keys into a 32-bit state; distinct key tuples give independent-looking states. */
export function keyHash(stream: number, a: number, b = 0, c = 0): number {
  let h = mix(stream ^ 0x9e3779b9);
  h = mix(h ^ (a >>> 0));
  h = mix(h ^ (Math.floor(a / 0x1_0000_0000) >>> 0) ^ 0x27d4eb2f);
  h = mix(h ^ (b >>> 0) ^ 0x165667b1);
  h = mix(h ^ (Math.floor(b / 0x1_0000_0000) >>> 0));
  h = mix(h ^ (c >>> 0) ^ 0xd3a2646c);
  return h;
}

/** One uniform draw in [0, 1) for a key tuple. */
export function keyedUnit(stream: number, a: number, b = 0, c = 0): number {
  return keyHash(stream, a, b, c) / 0x1_0000_0000;
}

/**
 * A reusable generator: `reset(keys)` positions it at the start of that key's sequence,
 * then `next()` walks it. One instance per stream avoids allocation on hot paths.
 */
export class KeyedRandom {
  private state = 0;
  constructor(readonly stream: number) {}

  reset(a: number, b = 0, c = 0): this {
    this.state = keyHash(this.stream, a, b, c);
    return this;
  }

  /** Uniform in [0, 1) (mulberry32 step). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller, one value per two uniforms; no caching so reset stays exact). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Poisson by inversion; means here are small (sessions per day, items per session). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }
}

/** Walker alias table: O(1) draws from a fixed discrete distribution. */
export class AliasTable {
  readonly size: number;
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new Error("AliasTable needs at least one weight");
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i] ?? 0;
    if (!(total > 0)) throw new Error("AliasTable needs a positive total weight");
    this.size = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      scaled[i] = ((weights[i] ?? 0) * n) / total;
      (scaled[i]! < 1 ? small : large).push(i);
    }
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }

  /** Draws an index from one uniform u in [0, 1). */
  sample(u: number): number {
    const x = u * this.size;
    const i = Math.floor(x);
    return x - i < this.prob[i]! ? i : this.alias[i]!;
  }
}
