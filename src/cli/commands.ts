import type { Command } from "commander";
import { registerAttribute } from "./attribute.js";
import { registerCompare } from "./compare.js";
import { registerBench } from "./bench.js";
import { registerInspect } from "./inspect.js";
import { registerRun } from "./run.js";
import { registerValidate } from "./validate.js";

/** Every verb registers itself here; one file per verb under src/cli/. */
export function registerCommands(program: Command): void {
  registerRun(program);
  registerValidate(program);
  registerInspect(program);
  registerCompare(program);
  registerAttribute(program);
  registerBench(program);
}
