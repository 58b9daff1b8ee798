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

/** What is counted: `run` counts shard-days and the events they made, `compare` whole runs. */
export type ProgressKind = "run" | "compare";

const STEPS: Record<ProgressKind, string> = { run: "shard-days", compare: "runs" };

export function createProgress(enabled: boolean, kind: ProgressKind, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  return stream.isTTY ? progressBar(stream, kind) : progressLines(stream, kind);
}

function progressBar(stream: NodeJS.WriteStream, kind: ProgressKind): Progress {
  const events = kind === "run" ? " | {events} events | {rate} ev/s" : "";
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${kind === "run" ? "simulating" : "comparing"} |{bar}| {percentage}% ${STEPS[kind]} {value}/{total}${events} | eta {eta_formatted}`,
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

function progressLines(stream: NodeJS.WriteStream, kind: ProgressKind): Progress {
  const started = performance.now();
  let printed = started;
  return {
    update(done, total, events) {
      const now = performance.now();
      if (now - printed < LOG_EVERY_MS || done === 0) return;
      printed = now;
      const eta = Math.round((((now - started) / 1000) * (total - done)) / done);
      const counted = kind === "run" ? `, ${events.toLocaleString("en-US")} events, ${perSecond(events, started)} ev/s` : "";
      stream.write(`zhongcao: ${Math.floor((100 * done) / total)} % of ${STEPS[kind]} (${done}/${total})${counted}, eta ${eta} s\n`);
    },
    stop: () => undefined,
  };
}

function perSecond(events: number, started: number): string {
  return Math.round(events / ((performance.now() - started) / 1000)).toLocaleString("en-US");
}
