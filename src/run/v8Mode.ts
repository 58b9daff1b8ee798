import { defaultWorkerCount } from "./shardPlan.js";

/**
 * V8 flags for a run whose worker threads fill every core. V8 compiles hot code and marks
 * and sweeps the heap on helper threads of its own; with a core to spare they run for
 * free, but when the workers fill every core they can only take time from the workers,
 * and each worker isolate compiles its own copy of the hot code. Measured on 2 cores
 * (100k users × 30 days, three runs each): 2 workers 14.3 s with the helpers, 12.7 s
 * without; 1 worker 20.8 s with them, 21.7 s without. V8 reads these flags only when the
 * process starts, so such a run starts itself again with them.
 */
export const SATURATED_V8_FLAGS: readonly string[] = ["--single-threaded"];

/** True when `threads` worker threads fill every core (inline runs never do). */
export function fillsEveryCore(threads: number, cores = defaultWorkerCount()): boolean {
  return threads > 0 && threads >= cores;
}

/** A node option as node reads it: node and V8 take `--cpu_prof` for `--cpu-prof`, in the name (not the value). */
export function nodeOptionName(arg: string): string {
  if (!arg.startsWith("--")) return arg;
  const eq = arg.indexOf("=");
  return eq < 0 ? arg.replaceAll("_", "-") : arg.slice(0, eq).replaceAll("_", "-") + arg.slice(eq);
}

/** True when V8's helper threads are on in this process (no flag of SATURATED_V8_FLAGS was given, in either spelling). */
export function v8HelperThreads(execArgv: readonly string[] = process.execArgv): boolean {
  const given = execArgv.map(nodeOptionName);
  return !SATURATED_V8_FLAGS.every((flag) => given.includes(flag));
}
