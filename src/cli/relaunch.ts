import { spawn } from "node:child_process";
import { url as inspectorUrl } from "node:inspector";
import type { ScenarioFile } from "../config/load.js";
import { handOverBytes } from "../config/scenarioBytes.js";
import { InputError } from "../errors.js";
import { stopAsLauncherGone } from "./interrupt.js";
import { fillsEveryCore, nodeOptionName, SATURATED_V8_FLAGS, v8HelperThreads } from "../run/v8Mode.js";

/** Set in the relaunched process: it watches its launcher and stops if the launcher goes. */
const RELAUNCHED_ENV = "ZHONGCAO_RELAUNCHED";
/**
 * `auto` (default): relaunch as described at relaunchIfSaturated; `never`: keep V8's
 * helper threads and run in this process; `always`: relaunch whenever the workers fill
 * every core, however short the run (for tests).
 */
export const RELAUNCH_ENV = "ZHONGCAO_RELAUNCH";
/**
 * Starting again costs ~1 s of wall time: the launcher's own start-up (0.35 s), and module
 * loading and report.html drawn without helper threads. The helpers' absence saves ~8 % of
 * the simulation on two cores. Measured whole-process on 2 workers: at 3 M user-days
 * (100k users × 30 days) the two cancel out (15.5–16.7 s either way); at 6 M (the default
 * scenario) the relaunched run was faster (24.8–27.8 s against 27.6–31.5 s).
 */
export const MIN_RELAUNCH_USER_DAYS = 5_000_000;
/**
 * Node options that tie a process to a person or a tool watching it (a debugger port, a
 * profile of this process): with any of them the run stays where it was asked for.
 */
const WATCHED = /--(inspect|cpu-prof|heap-prof|prof\b)/;

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
 * When `threads` workers fill every core, the run is long enough to pay for it
 * (`userDays` ≥ MIN_RELAUNCH_USER_DAYS) and this process still has V8's helper threads,
 * runs the same command again in a child process with SATURATED_V8_FLAGS and throws
 * RelaunchedExit with its exit code (a child ended by a signal ends this process by the
 * same signal). Otherwise returns at once, and the command runs here.
 */
export async function relaunchIfSaturated(
  context: LaunchContext,
  argv: readonly string[],
  threads: number,
  userDays: number,
  scenarios: readonly Pick<ScenarioFile, "path" | "bytes">[],
): Promise<void> {
  const mode = process.env[RELAUNCH_ENV] ?? "auto";
  if (mode !== "auto" && mode !== "never" && mode !== "always") throw new InputError(`${RELAUNCH_ENV} must be auto, never or always, got '${mode}'`);
  if (context.entry === undefined || mode === "never" || !fillsEveryCore(threads) || !v8HelperThreads() || !mayRelaunch()) return;
  if (mode === "auto" && userDays < MIN_RELAUNCH_USER_DAYS) return;
  throw new RelaunchedExit(await relaunch(context.entry, argv, scenarios));
}

/**
 * Not under a debugger or profiler (see WATCHED), and not on Windows, where a console's
 * Ctrl-C reaches both processes and passing it on terminates the child outright.
 */
function mayRelaunch(): boolean {
  if (process.platform === "win32") return false;
  // A debugger attached after start (SIGUSR1, an editor's auto-attach) shows only here.
  if (inspectorUrl() !== undefined) return false;
  const options = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].map(nodeOptionName);
  return !WATCHED.test(options.join(" "));
}

/** The launcher's first and only message to the run: the scenario files it read, by path as given. */
interface HandOver {
  readonly zhongcao: "scenarios";
  readonly files: readonly (readonly [path: string, base64: string])[];
}

async function relaunch(entry: string, argv: readonly string[], scenarios: readonly Pick<ScenarioFile, "path" | "bytes">[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...SATURATED_V8_FLAGS, entry, ...argv], {
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    // A process group of its own, so a terminal's Ctrl-C reaches it once, passed on from
    // here, rather than twice (which would mean "stop at once"). Ctrl-Z therefore stops
    // only this launcher, not the run.
    detached: true,
    env: { ...process.env, [RELAUNCHED_ENV]: "1" },
  });
  // The run reads its scenarios from here, not from their paths: a pipe (`run /dev/stdin`)
  // is empty by now, and a file may have changed since it was checked.
  const handOver: HandOver = { zhongcao: "scenarios", files: scenarios.map((s) => [s.path, s.bytes.toString("base64")] as const) };
  // A run that dies before reading it is reported by its exit below, not by a send error.
  child.send(handOver, () => undefined);
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
 * In a relaunched run: when the launcher goes away without passing a signal on (killed
 * with SIGKILL, say), stop as Ctrl-C would, so the run leaves nothing half-written.
 * SIGTERM and SIGHUP passed on end the run as they would end an unrelaunched one.
 * No-op in any other process.
 */
export async function watchLauncher(): Promise<void> {
  if (process.env[RELAUNCHED_ENV] !== "1" || !process.channel) return;
  // A launcher killed before this listener existed has disconnected already.
  if (!process.connected) {
    stopAsLauncherGone();
    return;
  }
  process.once("disconnect", stopAsLauncherGone);
  await receiveScenarios();
  // The channel must not keep the run alive once its work is done.
  process.channel.unref();
}

/** Waits for the launcher's hand-over (sent right after the start) and keeps its files for loadScenario. */
async function receiveScenarios(): Promise<void> {
  const message = await new Promise<unknown>((resolve) => {
    const done = (value: unknown) => {
      process.off("disconnect", gone);
      resolve(value);
    };
    const gone = () => done(null);
    process.once("message", done);
    process.once("disconnect", gone);
  });
  const handOver = message as HandOver | null;
  if (handOver?.zhongcao !== "scenarios") return;
  for (const [path, base64] of handOver.files) handOverBytes(path, Buffer.from(base64, "base64"));
}
