import { removeTempDirsSync } from "../run/tempDirs.js";

/**
 * Ctrl-C for commands that write run directories. The first one aborts the returned
 * signal: workers stop at their next day end, the temp directory is removed and the
 * command exits 1. A second one stops at once: every temp directory still open is
 * removed, and the process ends by the signal itself (no worker is torn down from
 * JavaScript, which Node 20 can abort on; see ShardPool).
 */
export function interruptible(stopping = "stopping at the next day end"): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (!controller.signal.aborted) {
      process.stderr.write(`\nzhongcao: ${stopping} (Ctrl-C again to stop at once)\n`);
      controller.abort(new Error("interrupted: the run was stopped and nothing was written"));
      return;
    }
    removeTempDirsSync();
    process.stderr.write("zhongcao: interrupted again: stopped at once and nothing was written\n");
    process.off("SIGINT", onSigint);
    process.kill(process.pid, "SIGINT");
  };
  process.on("SIGINT", onSigint);
  return { signal: controller.signal, dispose: () => process.off("SIGINT", onSigint) };
}
