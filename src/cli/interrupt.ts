import { removeTempDirsSync } from "../run/tempDirs.js";

/**
 * Ctrl-C for commands that write run directories. The first one aborts the returned
 * signal: workers stop at their next day end, the temp directory is removed and the
 * command exits 1. A second one, or a SIGTERM or SIGHUP, stops at once: every temp
 * directory still open is removed, the terminal is restored, and the process ends by the
 * signal itself (no worker is torn down from JavaScript, which Node 20 can abort on; see
 * ShardPool).
 */
export function interruptible(stopping = "stopping at the next day end"): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (!controller.signal.aborted) {
      // Nobody pressed Ctrl-C when the launcher went: say what happened instead.
      process.stderr.write(launcherGone ? `\nzhongcao: the process that started this run ended; ${stopping}\n` : `\nzhongcao: ${stopping} (Ctrl-C again to stop at once)\n`);
      controller.abort(new Error("interrupted: the run was stopped and nothing was written"));
      return;
    }
    stopAtOnce("SIGINT", "interrupted again");
  };
  // SIGTERM and SIGHUP (a closed terminal, a service manager) give no second chance: stop at
  // once, as a second Ctrl-C does, rather than die leaving a half-written temp directory.
  const onTerm = () => stopAtOnce("SIGTERM", "terminated");
  const onHup = () => stopAtOnce("SIGHUP", "hung up");
  const dispose = () => {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onTerm);
    process.off("SIGHUP", onHup);
  };
  const stopAtOnce = (signal: NodeJS.Signals, what: string) => {
    // Listeners of the signal that must act before this process goes (a bench's child
    // process to kill) run now, synchronously; the rest of the stop does not wait for them.
    if (!controller.signal.aborted) controller.abort(new Error(`${what}: stopped at once`));
    removeTempDirsSync();
    restoreTerminal();
    process.stderr.write(`zhongcao: ${what}: stopped at once and nothing was written\n`);
    dispose();
    process.kill(process.pid, signal);
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onTerm);
  process.on("SIGHUP", onHup);
  return { signal: controller.signal, dispose };
}

let launcherGone = false;

/** A relaunched run whose launcher went away stops as on Ctrl-C, saying why (see watchLauncher). */
export function stopAsLauncherGone(): void {
  launcherGone = true;
  process.kill(process.pid, "SIGINT");
}

/** The progress bar hides the cursor and turns line wrap off; a process dying by a signal must give them back. */
function restoreTerminal(): void {
  if (process.stderr.isTTY) process.stderr.write("\x1b[?25h\x1b[?7h");
}
