#!/usr/bin/env bash
# The CI bench gate (npm run bench:ci): this checkout against the build of the commit named in
# bench/reference-commit, both timed alternately on this machine (`zhongcao bench --against`).
# Calibrated ratios move between CPU models by more than the gate's threshold (bench/README.md),
# so bench/baseline.json, measured on another machine, gates only when the reference commit is
# not in this clone (a shallow clone), and says so.
#
#   scripts/bench-gate.sh            run the gate (exit 3 on a regression)
#   scripts/bench-gate.sh --record   make HEAD the reference and re-record bench/baseline.json
set -euo pipefail
cd "$(dirname "$0")/.."
suites=(generate engines end-to-end markov-solve)

if [ "${1:-}" = "--record" ]; then
  if ! git diff --quiet HEAD --; then
    echo "bench gate: commit your changes first: the reference is a commit, and the baseline must measure it" >&2
    exit 2
  fi
  node bin/zhongcao.js bench --quick --suite "${suites[@]}" --save bench/baseline.json
  head="$(git rev-parse HEAD)"
  { grep '^#' bench/reference-commit 2>/dev/null || true; echo "$head"; } > bench/reference-commit.new
  mv bench/reference-commit.new bench/reference-commit
  echo "bench gate: reference is now $head; commit bench/reference-commit and bench/baseline.json" >&2
  exit 0
fi

ref="$(grep -v '^#' bench/reference-commit | head -n 1 | tr -d '[:space:]')"
if ! git cat-file -e "${ref}^{commit}" 2>/dev/null; then
  echo "bench gate: reference commit '${ref}' is not in this clone; comparing with bench/baseline.json instead, which was measured on another machine" >&2
  exec node bin/zhongcao.js bench --quick --suite "${suites[@]}" --compare bench/baseline.json --threshold 30
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
(cd "$dir" && node node_modules/typescript/bin/tsc -p tsconfig.build.json)
echo "bench gate: this checkout against the reference commit ${ref:0:12}, both built and timed here" >&2
node bin/zhongcao.js bench --quick --suite "${suites[@]}" --against "$dir"
