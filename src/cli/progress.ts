import cliProgress from "cli-progress";

/** A progress bar on stderr when it is a TTY and the run is not quiet; a no-op otherwise. */
export interface Progress {
  update(done: number, total: number, events: number): void;
  stop(): void;
}

export function createProgress(enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: "simulating |{bar}| {percentage}% shard-days {value}/{total} | {events} events | {rate} ev/s | eta {eta_formatted}",
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let running = false;
  return {
    update(done, total, events) {
      const payload = { events: events.toLocaleString("en-US"), rate: Math.round(events / ((performance.now() - started) / 1000)).toLocaleString("en-US") };
      if (!running) {
        bar.start(total, done, payload);
        running = true;
      } else bar.update(done, payload);
    },
    stop() {
      if (running) bar.stop();
    },
  };
}
