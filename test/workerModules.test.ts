import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/**
 * What a worker thread loads at start-up, every run pays once per worker: a package loaded
 * there for the main thread's sake (statistics, the Arrow writer) cost end to end 5 % at the
 * bench's size once. A child process records every module the worker's entry resolves,
 * against the built code in dist/ (built by `pretest`).
 */
const SCRIPT = String.raw`
import { register } from "node:module";
import { MessageChannel } from "node:worker_threads";
const { port1, port2 } = new MessageChannel();
const urls = new Set();
port1.on("message", (url) => urls.add(url));
const hooks = "let port; export function initialize(d) { port = d.port; } export async function resolve(s, c, next) { const r = await next(s, c); port.postMessage(r.url); return r; }";
register("data:text/javascript," + encodeURIComponent(hooks), { data: { port: port2 }, transferList: [port2] });
await import("./dist/workers/shardWorker.js");
// The hooks run on a thread of their own: let their last messages come in.
await new Promise((resolve) => setTimeout(resolve, 300));
port1.close();
console.log(JSON.stringify([...urls]));
`;

/** The package a module URL belongs to (`@scope/name` or `name`), or null for the project's own. */
function packageOf(url: string): string | null {
  const at = url.lastIndexOf("/node_modules/");
  if (at < 0) return null;
  const parts = url.slice(at + "/node_modules/".length).split("/");
  return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

describe("a worker thread's start-up", () => {
  it("loads piscina, rxjs and seedrandom only: the Arrow writer and the statistics packages stay on the main thread", () => {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", SCRIPT], { cwd: process.cwd(), encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    const urls = JSON.parse(r.stdout) as string[];
    expect(urls.some((u) => u.endsWith("/dist/engines/lift/index.js"))).toBe(true);
    const packages = [...new Set(urls.map(packageOf).filter((p): p is string => p !== null))].sort();
    expect(packages).toEqual(["piscina", "rxjs", "seedrandom"]);
  });
});
