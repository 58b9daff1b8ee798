import cliProgress from "cli-progress";

/**
 * Progress on stderr unless the run is quiet: a bar on a TTY; elsewhere (CI logs, pipes)
 * one plain line every LOG_EVERY_MS, so only long runs print any.
 */
export interface Progress {
  update(done: number, total: number, events: number): void;
  stop(): void;
}

const LOG_EVERY_MS = 10_000;

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  return stream.isTTY ? progressBar(stream) : progressLines(stream);
}

function progressBar(stream: NodeJS.WriteStream): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
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
      const payload = { events: events.toLocaleString("en-US"), rate: perSecond(events, started) };
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

function progressLines(stream: NodeJS.WriteStream): Progress {
  const started = performance.now();
  let printed = started;
  return {
    update(done, total, events) {
      const now = performance.now();
      if (now - printed < LOG_EVERY_MS || done === 0) return;
      printed = now;
      const eta = Math.round((((now - started) / 1000) * (total - done)) / done);
      stream.write(
        `zhongcao: ${Math.floor((100 * done) / total)} % of shard-days (${done}/${total}), ${events.toLocaleString("en-US")} events, ${perSecond(events, started)} ev/s, eta ${eta} s\n`,
      );
    },
    stop: () => undefined,
  };
}

function perSecond(events: number, started: number): string {
  return Math.round(events / ((performance.now() - started) / 1000)).toLocaleString("en-US");
}
