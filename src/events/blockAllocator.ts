/**
 * Hands out blocks of power-of-two sizes inside growable typed-array columns that the
 * owner keeps (one element per slot), for many small lists that grow and shrink: each
 * list holds one block and moves to a bigger or smaller one as its length changes.
 * Released blocks are reused for the same size, so the columns stay about as long as
 * the lists they hold, not as long as everything ever stored.
 */
export class BlockAllocator {
  /** Released blocks by size (index = log2 of the size), each a stack of first slots. */
  private readonly released: number[][] = [];
  private used = 0;

  /** `ensure(slots)` must make every column at least `slots` long. */
  constructor(private readonly ensure: (slots: number) => void) {}

  /** First slot of a free block of `size` slots (a power of two). */
  allocate(size: number): number {
    const reused = this.released[Math.log2(size)]?.pop();
    if (reused !== undefined) return reused;
    this.ensure(this.used + size);
    const first = this.used;
    this.used += size;
    return first;
  }

  release(first: number, size: number): void {
    const sizeClass = Math.log2(size);
    (this.released[sizeClass] ??= []).push(first);
  }
}

/** The smallest power of two ≥ n (1 for n ≤ 1). */
export function blockSizeFor(n: number): number {
  return n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n));
}

/** The new length of a column that must hold `needed` elements: grown by half, so the slack and the copy stay small. */
export function grownLength(current: number, needed: number, minimum = 4096): number {
  return Math.max(needed, minimum, Math.ceil(current * 1.5));
}
