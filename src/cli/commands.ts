import type { Command } from "commander";
import { registerAttribute } from "./attribute.js";

/** Every verb registers itself here; one file per verb under src/cli/. */
export function registerCommands(program: Command): void {
  registerAttribute(program);
}
