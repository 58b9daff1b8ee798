import type { Command } from "commander";
import { loadScenario } from "../config/load.js";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("Check a scenario file and list every problem with its path (exit 2 when invalid)")
    .argument("<scenario>", "scenario file (YAML or JSON)")
    .action((path: string) => {
      const { scenario, sha256 } = loadScenario(path);
      process.stdout.write(`${path}: valid (scenario ${scenario.name}, policy ${scenario.policy.type}, sha256 ${sha256.slice(0, 12)})\n`);
    });
}
