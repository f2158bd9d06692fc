#!/usr/bin/env bash
# History benchmarks of desk: `desk report` cold (no event cache) against
# `git log --raw desk` on the same repository, `desk report` warm (a cache a few
# commits behind, and one up to date) and `desk log ID` warm, on a generated
# helpdesk of 100k tickets with about five commits each (--history); then the
# peak memory (maximum resident set size) of one cold `desk report` and one
# `git log --raw desk`.
#
#   bench/history.sh                      # Markdown on stdout and in $SCRATCH/history-results.md
#   COLD_RUNS=5 WARM_RUNS=50 bench/history.sh
#   DESK_BENCH_DIR=/var/tmp/b bench/history.sh
#   TICKETS=1000000 HISTORY=0 COLD_RUNS=1 WARM_RUNS=5 bench/history.sh   # one commit per ticket
#
# The generated repository is kept in $SCRATCH/gen/h100000 (t… without
# history) and reused. The
# script only touches its `.git/desk/` caches, and moves the desk branch back
# five commits for a moment to build the cache the warm run extends (restored
# on exit).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=${DESK_BENCH_DIR:-${TMPDIR:-/tmp}/desk-bench}
TICKETS=${TICKETS:-100000}
HISTORY=${HISTORY:-1}
COLD_RUNS=${COLD_RUNS:-3}
WARM_RUNS=${WARM_RUNS:-30}
DESK=$ROOT/target/release/desk
OUT=$SCRATCH/history-results.md
export DESK_NOW=2026-11-28T12:00:00Z

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
need_hyperfine
build_release

if [ "$HISTORY" = 1 ]; then kind=h history=--history; else kind=t history=; fi
# shellcheck disable=SC2086 # $history is one flag or none
generated "$kind$TICKETS" --tickets "$TICKETS" $history
REPO=$SCRATCH/gen/$kind$TICKETS
cd "$REPO"
COMMITS=$(git rev-list --count desk)
TIP=$(git rev-parse desk)
ID=$(git ls-tree --name-only "$TIP:tickets/$(git ls-tree --name-only "$TIP:tickets" | sed -n 1p)" | sed -n 1p)
ID=${ID%.md}
WORK=$(mktemp -d "$SCRATCH/history.XXXXXX")
trap 'git -C "$REPO" update-ref refs/heads/desk "$TIP"; rm -rf "$WORK"' EXIT

log "building the cache five commits behind the tip"
git update-ref refs/heads/desk "$TIP~5"
rm -f .git/desk/history
"$DESK" report >/dev/null
cp .git/desk/history "$WORK/behind"
git update-ref refs/heads/desk "$TIP"

log "timing ($COMMITS commits)"
hyperfine --style basic --runs "$COLD_RUNS" --warmup 1 --export-json "$WORK/cold.json" \
    -n 'git log --raw desk' 'git log --raw desk >/dev/null' \
    -n 'desk report, cold (no cache)' --prepare 'rm -f .git/desk/history' "$DESK report >/dev/null" >&2
# One --prepare would apply to every command of a hyperfine run: the command
# that extends the cache gets a run of its own.
hyperfine --style basic --runs "$WARM_RUNS" --warmup 2 --export-json "$WORK/extend.json" \
    -n 'desk report, warm (cache 5 commits behind)' --prepare "cp $WORK/behind .git/desk/history" "$DESK report >/dev/null" >&2
"$DESK" report >/dev/null
hyperfine --style basic --runs "$WARM_RUNS" --warmup 2 --export-json "$WORK/warm.json" \
    -n 'desk report, warm (cache up to date)' "$DESK report >/dev/null" \
    -n "desk log $ID, warm" "$DESK log $ID >/dev/null" \
    -n "desk log $ID --json, warm" "$DESK log $ID --json >/dev/null" >&2

log "peak memory (one run each)"
rm -f .git/desk/history
peak "$DESK" report >"$WORK/peak"
peak git log --raw desk >>"$WORK/peak"
peak "$DESK" report >>"$WORK/peak"

python3 - "$WORK/cold.json" "$WORK/extend.json" "$WORK/warm.json" "$COMMITS" "$TICKETS" "$WORK/peak" >"$OUT" <<'EOF'
import json, sys
cold, extend, warm = (json.load(open(p))["results"] for p in sys.argv[1:4])
warm = extend + warm
commits, tickets = sys.argv[4], sys.argv[5]
peaks = [line.split() for line in open(sys.argv[6])]
print(f"{int(tickets):,} tickets, {int(commits):,} commits on the desk branch.\n")
print("| command | median | mean ± σ | runs |")
print("|---|---|---|---|")
for r in cold + warm:
    unit, scale = ("s", 1) if r["median"] >= 1 else ("ms", 1000)
    print(f"| `{r['command']}` | {r['median'] * scale:.{2 if unit == 's' else 0}f} {unit} | "
          f"{r['mean'] * scale:.{2 if unit == 's' else 0}f} ± {r['stddev'] * scale:.{2 if unit == 's' else 0}f} {unit} | {len(r['times'])} |")
base = cold[0]["median"]
print(f"\nCold `desk report` / `git log --raw desk` (medians, same run): **{cold[1]['median'] / base:.2f}×**")
print("\n| one run | time | max RSS | of which not file pages (RssAnon) |")
print("|---|---|---|---|")
names = ["`desk report`, cold (no cache)", "`git log --raw desk`", "`desk report`, warm (cache up to date)"]
for name, (secs, hwm, anon) in zip(names, peaks):
    print(f"| {name} | {float(secs):.2f} s | {int(hwm) / 1024:.0f} MiB | {int(anon) / 1024:.0f} MiB |")
EOF
cat "$OUT"
