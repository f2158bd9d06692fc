#!/usr/bin/env bash
# Bulk change benchmark: `desk set --where QUERY key=value --yes` changing about
# 10k of the 100k tickets of the generated helpdesk as one commit. Runs in a
# clone sharing the objects of $SCRATCH/gen/h100000 (bench/history.sh's), and
# puts its desk branch back before every run, so each run makes the same change.
#
#   bench/bulk.sh                         # Markdown on stdout and in $SCRATCH/bulk-results.md
#   RUNS=10 DESK_BENCH_DIR=/var/tmp/b bench/bulk.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=${DESK_BENCH_DIR:-${TMPDIR:-/tmp}/desk-bench}
TICKETS=${TICKETS:-100000}
RUNS=${RUNS:-5}
DESK=$ROOT/target/release/desk
OUT=$SCRATCH/bulk-results.md
export DESK_NOW=2026-11-28T12:00:00Z

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
need_hyperfine
build_release

generated "h$TICKETS" --tickets "$TICKETS" --history
WORK=$(mktemp -d "$SCRATCH/bulk.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
git clone -q --shared --no-checkout "$SCRATCH/gen/h$TICKETS" "$WORK/repo"
cd "$WORK/repo"
git branch -q desk origin/desk
git config user.name "Bob Agent"
git config user.email bob.agent@helpdesk.example.com
START=$(git rev-parse desk)
QUERY='queue:security'
"$DESK" list >/dev/null
SELECTED=$("$DESK" list "$QUERY" --all --ndjson --fields id | wc -l)
CHANGED=$("$DESK" set --where "$QUERY" customer=acme --dry-run --json | python3 -c 'import json,sys; print(sum(t["changed"] for t in json.load(sys.stdin)))')

log "timing desk set --where '$QUERY' ($CHANGED of $SELECTED selected tickets change)"
hyperfine --style basic --runs "$RUNS" --export-json "$WORK/bulk.json" \
    --prepare "git update-ref refs/heads/desk $START" \
    -n "desk set --where '$QUERY' customer=acme --yes" \
    "$DESK set --where '$QUERY' customer=acme --yes" >&2
FILES=$(git show --format= --name-only desk | grep -c '^tickets/')
python3 - "$WORK/bulk.json" "$SELECTED" "$CHANGED" "$FILES" >"$OUT" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
selected, changed, files = sys.argv[2:5]
print(f"{int(selected):,} tickets selected, {int(changed):,} changed (the rest closed), "
      f"{int(files):,} ticket files in the one commit\n")
print("| command | median | mean ± σ | user CPU (mean) | runs |")
print("|---|---|---|---|---|")
print(f"| `{r['command']}` | {r['median']:.2f} s | {r['mean']:.2f} ± {(r['stddev'] or 0):.2f} s | "
      f"{r['user']:.2f} s | {len(r['times'])} |")
PY
cat "$OUT"
