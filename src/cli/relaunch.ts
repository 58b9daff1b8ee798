import { spawn } from "node:child_process";
import { fillsEveryCore, SATURATED_V8_FLAGS, v8HelperThreads } from "../run/v8Mode.js";

/** Set in the relaunched process: it watches its launcher and stops if the launcher goes. */
const RELAUNCHED_ENV = "ZHONGCAO_RELAUNCHED";

/** Signals the launcher passes on to the run it started. */
const FORWARDED: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** What the CLI knows about how it was started. */
export interface LaunchContext {
  /** The CLI's entry script, when started from it (never in-process callers such as tests): it can start itself again. */
  readonly entry?: string;
}

/** The exit code of a relaunched run, which the launcher returns as its own. */
export class RelaunchedExit extends Error {
  constructor(readonly exitCode: number) {
    super(`relaunched run exited with ${exitCode}`);
    this.name = "RelaunchedExit";
  }
}

/**
 * When `threads` workers fill every core and this process still has V8's helper threads,
 * runs the same command again in a child process with SATURATED_V8_FLAGS and throws
 * RelaunchedExit with its exit code (a child ended by a signal ends this process by the
 * same signal). Otherwise returns at once, and the command runs here.
 */
export async function relaunchIfSaturated(context: LaunchContext, argv: readonly string[], threads: number): Promise<void> {
  if (context.entry === undefined || !fillsEveryCore(threads) || !v8HelperThreads()) return;
  throw new RelaunchedExit(await relaunch(context.entry, argv));
}

async function relaunch(entry: string, argv: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...SATURATED_V8_FLAGS, entry, ...argv], {
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    // A process group of its own, so a terminal's Ctrl-C reaches it once, passed on from
    // here, rather than twice (which would mean "stop at once"). On Windows, `detached`
    // would open a console instead.
    detached: process.platform !== "win32",
    env: { ...process.env, [RELAUNCHED_ENV]: "1" },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of FORWARDED) process.on(signal, forward);
  try {
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code, signal) => resolve({ code, signal }));
    });
    if (signal !== null) {
      for (const s of FORWARDED) process.off(s, forward);
      process.kill(process.pid, signal);
      // The signal ends this process; nothing after it runs.
      await new Promise(() => undefined);
    }
    return code ?? 1;
  } finally {
    for (const s of FORWARDED) process.off(s, forward);
  }
}

/**
 * In a relaunched run: when the launcher goes away (killed, or its terminal closed), stop
 * as Ctrl-C would, so the run leaves nothing half-written. No-op in any other process.
 */
export function watchLauncher(): void {
  if (process.env[RELAUNCHED_ENV] !== "1" || !process.channel) return;
  process.once("disconnect", () => process.kill(process.pid, "SIGINT"));
  // The channel must not keep the run alive once its work is done.
  process.channel.unref();
}
