import type { Command } from "commander";

/** Every verb registers itself here; one file per verb under src/cli/. */
export function registerCommands(program: Command): void {
  void program;
}
