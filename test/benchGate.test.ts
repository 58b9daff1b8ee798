import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";

/**
 * scripts/bench-gate.sh's choice of gate, through --dry-run: which bench it would run (against
 * the reference commit's build, or the saved baseline when the commit cannot be had) and
 * which set-ups it refuses. The timing itself is the bench's, tested in bench*.test.ts.
 */
const SCRIPT = join(import.meta.dirname, "..", "scripts", "bench-gate.sh");
const SUITES = "--quick --suite generate engines end-to-end markov-solve";
const ABSENT = "0123456789abcdef0123456789abcdef01234567";
// Commits made here must not depend on the machine's git configuration.
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" };

const dirs: { cleanup: () => void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()));

/** A checkout-shaped directory holding the gate script and `reference` as bench/reference-commit. */
function project(reference: string): string {
  const dir = tempDir("zhongcao-gate-");
  dirs.push(dir);
  mkdirSync(join(dir.path, "scripts"));
  mkdirSync(join(dir.path, "bench"));
  copyFileSync(SCRIPT, join(dir.path, "scripts", "bench-gate.sh"));
  writeFileSync(join(dir.path, "bench", "reference-commit"), reference);
  return dir.path;
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/** `project` as a git repository of two commits; returns it and the first commit. */
function repository(): { path: string; first: string } {
  const path = project(`${ABSENT}\n`);
  git(path, "init", "-q");
  git(path, "add", "-A");
  git(path, "commit", "-qm", "one");
  const first = git(path, "rev-parse", "HEAD");
  writeFileSync(join(path, "bench", "reference-commit"), `# the reference\n${first}\n`);
  git(path, "commit", "-qam", "two");
  return { path, first };
}

function gate(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync("bash", [join(cwd, "scripts", "bench-gate.sh"), ...args], { cwd, env: GIT_ENV, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the CI bench gate (scripts/bench-gate.sh)", () => {
  it("in a clone holding the reference commit, times this checkout against that commit's build", () => {
    const { path, first } = repository();
    const r = gate(path, "--dry-run");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`node bin/zhongcao.js bench ${SUITES} --against <the build of ${first}>\n`);
    expect(r.stderr).toContain(`would build the reference commit ${first.slice(0, 12)}`);
  });

  it("in a shallow clone fetches the reference commit, and compares with the saved baseline only when it cannot", () => {
    const { path, first } = repository();
    const shallow = `${path}-shallow`;
    dirs.push({ cleanup: () => rmSync(shallow, { recursive: true, force: true }) });
    git(path, "clone", "-q", "--depth", "1", `file://${path}`, shallow);
    expect(spawnSync("git", ["cat-file", "-e", `${first}^{commit}`], { cwd: shallow }).status).not.toBe(0);
    const fetched = gate(shallow, "--dry-run");
    expect(fetched.code).toBe(0);
    expect(fetched.stdout).toContain(`--against <the build of ${first}>`);

    writeFileSync(join(shallow, "bench", "reference-commit"), `${ABSENT}\n`);
    const fallback = gate(shallow, "--dry-run");
    expect(fallback.code).toBe(0);
    expect(fallback.stderr).toContain(`reference commit ${ABSENT} is not in this shallow clone and could not be fetched; comparing with bench/baseline.json instead`);
    expect(fallback.stdout).toBe(`node bin/zhongcao.js bench ${SUITES} --compare bench/baseline.json --threshold 30\n`);
  });

  it("in a full clone without the reference commit, exits 2 rather than fall back to the weaker gate", () => {
    const { path } = repository();
    writeFileSync(join(path, "bench", "reference-commit"), `${ABSENT}\n`);
    const r = gate(path, "--dry-run");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`reference commit ${ABSENT} is in no branch of this clone`);
    expect(r.stdout).toBe("");
  });

  it("outside a git checkout (a source archive, also one unpacked in another work tree) compares with the saved baseline, and refuses --record", () => {
    const path = project(`${ABSENT}\n`);
    const r = gate(path, "--dry-run");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("not a git checkout, so the reference commit cannot be built; comparing with bench/baseline.json");
    expect(r.stdout).toBe(`node bin/zhongcao.js bench ${SUITES} --compare bench/baseline.json --threshold 30\n`);
    const record = gate(path, "--record");
    expect(record.code).toBe(2);
    expect(record.stderr).toContain("--record needs a git checkout");
    // Unpacked inside another work tree it is still no checkout of its own.
    git(path, "init", "-q");
    const inner = join(path, "unpacked");
    mkdirSync(join(inner, "scripts"), { recursive: true });
    mkdirSync(join(inner, "bench"));
    copyFileSync(SCRIPT, join(inner, "scripts", "bench-gate.sh"));
    writeFileSync(join(inner, "bench", "reference-commit"), `${ABSENT}\n`);
    const nested = gate(inner, "--dry-run");
    expect(nested.code).toBe(0);
    expect(nested.stderr).toContain("not a git checkout");
    expect(nested.stdout).toContain("--compare bench/baseline.json");
  });

  it("refuses a --record over uncommitted work", () => {
    const { path } = repository();
    writeFileSync(join(path, "untracked.txt"), "x");
    const r = gate(path, "--record");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("commit your changes first (untracked files too)");
  });

  it("exits 2 on a reference that is not a commit id, and on arguments it does not take", () => {
    for (const [reference, found] of [
      ["HEAD\n", "HEAD"],
      ["# only a comment\n\n", ""],
      [`${ABSENT.slice(1)}\n`, ABSENT.slice(1)],
    ]) {
      const r = gate(project(reference!), "--dry-run");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`bench/reference-commit must name a commit (40 hex digits) on its first line that is not a comment; found '${found}'`);
    }
    const path = project(`${ABSENT}\n`);
    const unknown = gate(path, "--recrod");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown argument '--recrod'\nusage: scripts\/bench-gate.sh/);
    expect(gate(path, "--dry-run", "--record").code).toBe(2);
    const help = gate(path, "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--dry-run  check the set-up and print the bench command");
  });
});
