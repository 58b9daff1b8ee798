import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Worker threads, the relaunch and spawned CLIs run the build in dist/, not src/: after an
 * edit without `npm run build` those tests would check the code as it was. `npm test` builds
 * first; `npx vitest` alone is stopped here, naming a source newer than its build.
 */
export default function checkDistFresh(): void {
  const root = join(import.meta.dirname, "..", "..");
  const stale: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        const built = join(root, "dist", relative(join(root, "src"), path)).replace(/\.ts$/, ".js");
        const builtAt = statSync(built, { throwIfNoEntry: false })?.mtimeMs ?? -1;
        if (builtAt < statSync(path).mtimeMs) stale.push(relative(root, path));
      }
    }
  };
  walk(join(root, "src"));
  if (stale.length > 0) {
    throw new Error(`dist/ is older than ${stale.slice(0, 3).join(", ")}${stale.length > 3 ? ` and ${stale.length - 3} more` : ""}: run \`npm run build\` (npm test does) before vitest`);
  }
}
