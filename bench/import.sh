#!/usr/bin/env bash
# `desk import github` benchmark: a `gh issue list --json …` file of ISSUES issues
# with COMMENTS comments in all (bench/gen-gh-issues.py, seed 7; kept in
# $SCRATCH/import/), imported into a new helpdesk and timed with /usr/bin/time
# (wall time and peak resident memory): the first import, the same import again
# (nothing new), and a cold `desk report` over the imported year.
#
#   bench/import.sh                          # 100 000 issues, 500 000 comments
#   ISSUES=10000 COMMENTS=50000 bench/import.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=${DESK_BENCH_DIR:-${TMPDIR:-/tmp}/desk-bench}
DESK=$ROOT/target/release/desk
ISSUES=${ISSUES:-100000}
COMMENTS=${COMMENTS:-500000}
OUT=$SCRATCH/import-results.md

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
(cd "$ROOT" && cargo build --release --quiet --bin desk)
mkdir -p "$SCRATCH/import"
INPUT=$SCRATCH/import/issues-$ISSUES-$COMMENTS.json
if [ ! -f "$INPUT" ]; then
    log "generating $INPUT"
    python3 "$ROOT/bench/gen-gh-issues.py" "$ISSUES" "$COMMENTS" "$INPUT.tmp" 7
    mv "$INPUT.tmp" "$INPUT"
fi
WORK=$(mktemp -d "$SCRATCH/import/run.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
git init -q
git config user.name "Bench Agent"
git config user.email agent@example.com
"$DESK" init >/dev/null 2>&1

run() {
    /usr/bin/time -f "%e %M" -o "$WORK/$1.time" "${@:2}" >"$WORK/$1.out" 2>/dev/null
    read -r secs kb <"$WORK/$1.time"
    echo "$secs s, $((kb / 1024)) MB"
}
log "importing $ISSUES issues with $COMMENTS comments ($(du -hL "$INPUT" | cut -f1))"
first=$(run first "$DESK" import github "$INPUT" --json)
commits=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["commits"])' "$WORK/first.out")
again=$(run again "$DESK" import github "$INPUT" --json)
report=$(run report "$DESK" report --since 2020-01-01 --until 2027-01-01 --json)
pack=$(du -sh .git/objects/pack | cut -f1)
{
    echo "| run ($ISSUES issues, $COMMENTS comments, $commits commits) | wall time, peak memory |"
    echo "|---|---|"
    echo "| \`desk import github\` | $first |"
    echo "| the same import again (nothing new) | $again |"
    echo "| then a cold \`desk report\` over every year | $report |"
    echo
    echo "Pack written: $pack."
} >"$OUT"
cat "$OUT"
