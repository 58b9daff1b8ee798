/**
 * Peak resident set size of this process (all threads). `process.resourceUsage().maxRSS`
 * is the kernel's high-water mark in KiB; sampling `rss()` as well covers platforms where
 * maxRSS is missing.
 */
export class PeakRss {
  private peak = 0;
  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
  }
  get bytes(): number {
    this.sample();
    return this.peak;
  }
}
