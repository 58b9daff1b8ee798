import { Command, CommanderError } from "commander";
import { ExitCode, exitCodeOf, InputError } from "../errors.js";
import { VERSION } from "../version.js";
import { registerCommands } from "./commands.js";
import { refuseRepeatedFlags } from "./options.js";
import { RelaunchedExit, watchLauncher, type LaunchContext } from "./relaunch.js";

/**
 * Entry point of the `zhongcao` CLI. Returns the exit code instead of calling
 * process.exit so tests can drive it in-process and buffered output is flushed. `launch.entry`
 * (the entry script) lets a run whose workers fill every core start itself again with V8
 * flags of its own; a relaunched run returns its child's exit code.
 */
export async function main(argv: readonly string[], launch: LaunchContext = {}): Promise<number> {
  if (launch.entry !== undefined) {
    await watchLauncher();
    ignoreClosedPipes();
  }
  const program = new Command("zhongcao")
    .description("Simulate seeding on a content platform, run attribution and AIPS engines, score them against ground truth.")
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  try {
    await registerCommands(program, launch, argv);
    for (const command of program.commands) command.exitOverride();
    program.hook("preAction", (_program, command) => refuseRepeatedFlags(command, argv.slice(1)));
    // Commander's `help NAME` prints the general help for an unknown NAME without saying why.
    const asked = argv[0] === "help" ? argv[1] : undefined;
    if (asked !== undefined && !asked.startsWith("-") && asked !== "help" && !program.commands.some((c) => c.name() === asked)) {
      throw new InputError(`unknown command '${asked}' (commands: ${program.commands.map((c) => c.name()).join(", ")})`);
    }
    await program.parseAsync(argv, { from: "user" });
    return ExitCode.ok;
  } catch (error) {
    // The run went on in a child process (see relaunch.ts), which reported for itself.
    if (error instanceof RelaunchedExit) return error.exitCode;
    if (error instanceof CommanderError) {
      // --help and --version end through exitOverride with exit code 0.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    process.stderr.write(`zhongcao: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCodeOf(error);
  }
}

/**
 * A reader that stops early (`zhongcao attribute x.csv --json | head`) closes the pipe,
 * and Node reports the next write as an 'error' event, which unhandled ends the process
 * with a stack trace. The output nobody reads is dropped instead, and the command ends
 * with its own exit code, as other command-line tools do. Any other failure to write
 * (a full disk: `> /dev/full`) ends the command with exit 1 and one line saying so.
 */
function ignoreClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") return;
      if (stream === process.stdout) {
        try {
          process.stderr.write(`zhongcao: cannot write to standard output (${error.code ?? error.message})\n`);
        } catch {
          // Standard error is gone too: the exit code is all that is left.
        }
      }
      process.exit(ExitCode.failure);
    });
  }
}
