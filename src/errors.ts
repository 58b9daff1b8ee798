/** Exit codes of the CLI contract (DESIGN.md). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  badInput: 2,
  thresholdFailed: 3,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Problems an InputError lists one per line, at most; the rest are counted. */
export const MAX_PROBLEMS_LISTED = 50;

/**
 * Bad input: a scenario, a flag or a file. `problems` lists the issues found, each with its
 * path: every one up to MAX_PROBLEMS_LISTED, then how many more (a generated file with
 * thousands of stray keys should not bury the terminal).
 */
export class InputError extends Error {
  readonly exitCode = ExitCode.badInput;
  readonly problems: readonly string[];
  constructor(message: string, problems: readonly string[] = []) {
    const listed = problems.length <= MAX_PROBLEMS_LISTED ? problems : [...problems.slice(0, MAX_PROBLEMS_LISTED), `… and ${problems.length - MAX_PROBLEMS_LISTED} more`];
    super(listed.length > 0 ? `${message}\n${listed.map((p) => `  - ${p}`).join("\n")}` : message);
    this.name = "InputError";
    this.problems = listed;
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
