/** Exit codes of the CLI contract (DESIGN.md). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  badInput: 2,
  thresholdFailed: 3,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad input: a scenario, a flag or a file. `problems` lists every issue found, each with its path. */
export class InputError extends Error {
  readonly exitCode = ExitCode.badInput;
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length > 0 ? `${message}\n${problems.map((p) => `  - ${p}`).join("\n")}` : message);
    this.name = "InputError";
  }
}

/** A gate (threshold, benchmark regression) failed: exit 3. */
export class GateError extends Error {
  readonly exitCode = ExitCode.thresholdFailed;
  constructor(message: string) {
    super(message);
    this.name = "GateError";
  }
}

export function exitCodeOf(error: unknown): ExitCodeValue {
  if (error instanceof InputError) return ExitCode.badInput;
  if (error instanceof GateError) return ExitCode.thresholdFailed;
  return ExitCode.failure;
}
