import type { Command } from "commander";
import { registerAttribute } from "./attribute.js";
import { registerCompare } from "./compare.js";
import { registerBench } from "./bench.js";
import { registerInspect } from "./inspect.js";
import { registerRun } from "./run.js";
import { registerValidate } from "./validate.js";
import type { LaunchContext } from "./relaunch.js";

/**
 * Every verb registers itself here; one file per verb under src/cli/. `run` and `compare`
 * get the command line as given, to start themselves again (see relaunch.ts).
 */
export function registerCommands(program: Command, launch: LaunchContext = {}, argv: readonly string[] = []): void {
  registerRun(program, launch, argv);
  registerValidate(program);
  registerInspect(program);
  registerCompare(program, launch, argv);
  registerAttribute(program);
  registerBench(program);
}
