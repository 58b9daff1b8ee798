/**
 * Peak resident set size of this process (all threads), sampled. The kernel's own
 * high-water mark (`resourceUsage().maxRSS`) is not used: on Linux a process inherits its
 * parent's mark through fork/exec, so a run started from a large parent (npm, a test
 * runner) would report the parent's peak. A timer samples between progress callbacks.
 */
export class PeakRss {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 50) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    this.sample();
  }

  /** Never throws: it runs in timers and message listeners. Reading RSS opens a file, which fails when descriptors run out; that sample is skipped. */
  sample(): void {
    try {
      this.peak = Math.max(this.peak, process.memoryUsage.rss());
    } catch {
      // EMFILE and the like: the next sample will do.
    }
  }

  get bytes(): number {
    this.sample();
    return this.peak;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
