/**
 * Hands results on in position order while they complete in any order, and bounds how far
 * ahead of the oldest undelivered position a new one may start: results held back for a
 * slow shard stay at most `maxAhead` however many shards the run has.
 */
export class ShardOrder<T> {
  private readonly held = new Map<number, T>();
  private next = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly deliver: (result: T) => void,
    readonly maxAhead: number,
  ) {}

  /** Positions handed on so far (all of 0 … delivered − 1). */
  get delivered(): number {
    return this.next;
  }

  /** Resolves once `position` may start: it is fewer than `maxAhead` past the oldest undelivered one. */
  async turn(position: number): Promise<void> {
    while (position - this.next >= this.maxAhead) await new Promise<void>((wake) => this.waiters.push(wake));
  }

  add(position: number, result: T): void {
    this.held.set(position, result);
    for (let ready = this.held.get(this.next); ready !== undefined; ready = this.held.get(this.next)) {
      this.held.delete(this.next++);
      this.deliver(ready);
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
