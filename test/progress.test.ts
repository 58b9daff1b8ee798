import { afterEach, describe, expect, it, vi } from "vitest";
import { createProgress } from "../src/cli/progress.js";

function logStream(): { stream: NodeJS.WriteStream; lines: string[] } {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (chunk: string) => lines.push(chunk) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

afterEach(() => vi.useRealTimers());

describe("progress off a TTY (CI logs, pipes)", () => {
  it("prints one plain line every ten seconds, none for a short run", () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    const { stream, lines } = logStream();
    const progress = createProgress(true, "run", stream);
    vi.advanceTimersByTime(4_000);
    progress.update(2, 10, 2_000);
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(6_000);
    progress.update(5, 10, 5_000_000);
    expect(lines).toEqual(["zhongcao: 50 % of shard-days (5/10), 5,000,000 events, 500,000 ev/s, eta 10 s\n"]);
    vi.advanceTimersByTime(5_000);
    progress.update(7, 10, 7_000_000);
    expect(lines).toHaveLength(1);
    progress.stop();
  });

  it("counts runs, without events, for compare", () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    const { stream, lines } = logStream();
    const progress = createProgress(true, "compare", stream);
    vi.advanceTimersByTime(12_000);
    progress.update(3, 4, 0);
    expect(lines).toEqual(["zhongcao: 75 % of runs (3/4), eta 4 s\n"]);
  });

  it("prints nothing when quiet", () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    const { stream, lines } = logStream();
    const progress = createProgress(false, "run", stream);
    vi.advanceTimersByTime(60_000);
    progress.update(5, 10, 5);
    expect(lines).toEqual([]);
  });
});
