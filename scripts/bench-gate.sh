#!/usr/bin/env bash
# The CI bench gate (npm run bench:ci): this checkout against the build of the commit named in
# bench/reference-commit, both timed on this machine, call by call in one process (`zhongcao bench --against`).
# Calibrated ratios move between CPU models by more than the gate's threshold (bench/README.md),
# so bench/baseline.json, measured on another machine, gates only when the reference commit is
# not in this clone (a shallow clone, or a source archive), and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
suites=(generate engines end-to-end markov-solve)

usage() {
  cat <<'USAGE'
usage: scripts/bench-gate.sh [--record | --dry-run | --help]
  (none)     run the gate: exit 0 when no suite regressed, 3 when one did, 2 on bad set-up
  --record   make HEAD the reference and re-record bench/baseline.json (a clean git checkout)
  --dry-run  check the set-up and print the bench command the gate would run, without building or timing
USAGE
}

dry_run=false
case "${1:-}" in
  "") ;;
  --record) ;;
  --dry-run) dry_run=true ;;
  -h | --help) usage; exit 0 ;;
  *) echo "bench gate: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
esac
if [ "$#" -gt 1 ]; then
  echo "bench gate: one argument at most, got $#" >&2
  usage >&2
  exit 2
fi

# This directory is the top of a git work tree (a source archive unpacked inside another one is not).
in_git() { [ "$(git rev-parse --show-toplevel 2> /dev/null)" = "$(pwd -P)" ]; }

# Runs the bench with these arguments in place of this script, or with --dry-run prints it.
bench() {
  if "$dry_run"; then
    echo "node bin/zhongcao.js $*"
    exit 0
  fi
  exec node bin/zhongcao.js "$@"
}

if [ "${1:-}" = "--record" ]; then
  if ! in_git; then
    echo "bench gate: --record needs a git checkout: the reference it records is a commit" >&2
    exit 2
  fi
  # Apart from the test, so a failing git status stops the script (set -e) instead of reading as clean.
  status="$(git status --porcelain)"
  if [ -n "$status" ]; then
    echo "bench gate: commit your changes first (untracked files too): the reference is a commit, and the baseline must measure it" >&2
    exit 2
  fi
  npm run --silent build
  node bin/zhongcao.js bench --quick --suite "${suites[@]}" --save bench/baseline.json
  head="$(git rev-parse HEAD)"
  { grep '^#' bench/reference-commit 2>/dev/null || true; echo "$head"; } > bench/reference-commit.new
  mv bench/reference-commit.new bench/reference-commit
  echo "bench gate: reference is now $head; commit bench/reference-commit and bench/baseline.json on top of it, in a commit of their own (amending $head would lose it)" >&2
  exit 0
fi

# The set-up is checked before the build, so a bad one fails at once.
ref="$(grep -Ev '^[[:space:]]*(#|$)' bench/reference-commit 2>/dev/null | head -n 1 | tr -d '[:space:]' || true)"
if ! [[ "$ref" =~ ^[0-9a-f]{40}$ ]]; then
  echo "bench gate: bench/reference-commit must name a commit (40 hex digits) on its first line that is not a comment; found '${ref}'" >&2
  exit 2
fi

# This checkout is timed from dist/: build it, so the gate never times a stale build (npm test
# has just built it; `npm run bench:ci` alone may follow an edit).
"$dry_run" || npm run --silent build

weaker="comparing with bench/baseline.json instead, which was measured on another machine (a weaker gate: bench/README.md)"
if ! in_git; then
  # A source archive has no history to build the reference from.
  echo "bench gate: not a git checkout, so the reference commit cannot be built; $weaker" >&2
  bench bench --quick --suite "${suites[@]}" --compare bench/baseline.json --threshold 30
fi
if ! git cat-file -e "${ref}^{commit}" 2>/dev/null; then
  # A shallow clone lacks history: fetch the one commit, or fall back to the saved result.
  if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = "true" ]; then
    git fetch --quiet --depth=1 origin "$ref" 2>/dev/null || true
  fi
  if ! git cat-file -e "${ref}^{commit}" 2>/dev/null; then
    if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = "true" ]; then
      echo "bench gate: reference commit $ref is not in this shallow clone and could not be fetched; $weaker" >&2
      bench bench --quick --suite "${suites[@]}" --compare bench/baseline.json --threshold 30
    fi
    echo "bench gate: reference commit $ref is in no branch of this clone (was it amended or rebased away?); record a reference again: scripts/bench-gate.sh --record" >&2
    exit 2
  fi
fi
if "$dry_run"; then
  echo "bench gate: would build the reference commit ${ref:0:12} in a temporary directory" >&2
  bench bench --quick --suite "${suites[@]}" --against "<the build of $ref>"
fi
dir="$(mktemp -d "${TMPDIR:-/tmp}/zhongcao-reference.XXXXXX")"
trap 'rm -rf "$dir"' EXIT
git archive "$ref" | tar -x -C "$dir"
# The same lockfile means the same packages: share them rather than install again.
if git show "$ref:package-lock.json" | cmp -s - package-lock.json; then
  ln -s "$PWD/node_modules" "$dir/node_modules"
else
  (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts > /dev/null)
fi
(cd "$dir" && npm run --silent build)
echo "bench gate: this checkout against the reference commit ${ref:0:12}, both built and timed here" >&2
node bin/zhongcao.js bench --quick --suite "${suites[@]}" --against "$dir"
