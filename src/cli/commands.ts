import type { Command } from "commander";
import type { LaunchContext } from "./relaunch.js";

type Register = (program: Command, launch: LaunchContext, argv: readonly string[]) => void;

/**
 * Every verb, in help order, with the module that registers it (one file per verb under
 * src/cli/). `run` and `compare` get the command line as given, to start themselves again
 * (see relaunch.ts).
 */
const VERBS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ["run", async () => (await import("./run.js")).registerRun],
  ["validate", async () => (await import("./validate.js")).registerValidate],
  ["inspect", async () => (await import("./inspect.js")).registerInspect],
  ["compare", async () => (await import("./compare.js")).registerCompare],
  ["attribute", async () => (await import("./attribute.js")).registerAttribute],
  ["bench", async () => (await import("./bench.js")).registerBench],
];

/** Commander's version flags: alone on the command line they need no verb. */
const VERSION_FLAGS = new Set(["-V", "--version"]);

/**
 * Registers the verb `argv` names, or every verb (for help, version and unknown names).
 * Loading one verb's module only keeps start-up short: loading all of them takes ~1 s,
 * which a run that starts itself again would pay twice.
 */
export async function registerCommands(program: Command, launch: LaunchContext = {}, argv: readonly string[] = []): Promise<void> {
  if (argv.length === 1 && VERSION_FLAGS.has(argv[0]!)) return;
  const named = VERBS.filter(([name]) => name === argv[0]);
  for (const [, load] of named.length > 0 ? named : VERBS) (await load())(program, launch, argv);
}
