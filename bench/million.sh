#!/usr/bin/env bash
# Memory and time at a million tickets, one run each (each cold run takes
# minutes): a cold `desk report` (no event cache) against `git log --raw desk`,
# a cold and a warm `desk list`, and the peak memory of `desk new` and
# `desk reply` (five runs each).
#
#   BIG=/path/to/t1000000 bench/million.sh   # Markdown on stdout and in $SCRATCH/million-results.md
#
# BIG is a helpdesk made by `gen_helpdesk --tickets 1000000 --seed 1` (about
# 100 minutes: see BENCHMARKS.md). The script deletes its `.git/desk/` caches
# and adds five tickets and five replies to it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=${DESK_BENCH_DIR:-${TMPDIR:-/tmp}/desk-bench}
# DESK=PATH measures another build (then nothing is built).
DESK=${DESK:-}
OUT=$SCRATCH/million-results.md
export DESK_NOW=2026-11-28T12:00:00Z
: "${BIG:?set BIG to a helpdesk of a million tickets}"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
if [ -z "$DESK" ]; then
    build_release
    DESK=$ROOT/target/release/desk
fi
mkdir -p "$SCRATCH"
cd "$BIG"
WORK=$(mktemp -d "$SCRATCH/million.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

log "cold desk report, then git log --raw desk (minutes each)"
rm -f .git/desk/history
read -r t_report h_report a_report < <(peak "$DESK" report)
read -r t_git h_git a_git < <(peak git log --raw desk)
# Elapsed seconds and maximum resident set size (KiB) of a short command.
timed() { /usr/bin/time -f '%e %M' "$@" 2>&1 >/dev/null | tail -n 1; }
log "desk report, warm"
read -r t_warm h_warm < <(timed "$DESK" report)
log "desk list, cold then warm"
rm -rf .git/desk/list .git/desk/text
read -r t_list_cold h_list_cold < <(timed "$DESK" list)
read -r t_list h_list < <(timed "$DESK" list)

log "desk new and desk reply, five each"
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; }
for i in 1 2 3 4 5; do
    rss "$DESK" new "Memory ticket $i" -b "Peak memory." >>"$WORK/new"
done
ID=$("$DESK" list --json --fields id --limit 1 --sort created | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')
for i in 1 2 3 4 5; do
    rss "$DESK" reply "$ID" -m "Peak memory $i." >>"$WORK/reply"
done

python3 - "$WORK" "$(git rev-list --count desk)" >"$OUT" <<PY
import sys
work, commits = sys.argv[1], int(sys.argv[2])
mb = lambda kib: f"{int(kib) / 1024:,.0f} MiB"
runs = lambda name: [int(x) for x in open(f"{work}/{name}").read().split()]
print(f"{commits:,} commits on the desk branch; one run each.\n")
print("| command | time | max RSS | of which not file pages (RssAnon) |")
print("|---|---|---|---|")
print(f"| \`git log --raw desk\` | {float('$t_git'):.1f} s | {mb($h_git)} | {mb($a_git)} |")
print(f"| \`desk report\`, cold (no cache) | {float('$t_report'):.1f} s | {mb($h_report)} | {mb($a_report)} |")
print(f"| \`desk report\`, warm | {float('$t_warm'):.2f} s | {mb($h_warm)} | |")
print(f"| \`desk list\`, cold (builds the list index) | {float('$t_list_cold'):.1f} s | {mb($h_list_cold)} | |")
print(f"| \`desk list\`, warm | {float('$t_list'):.2f} s | {mb($h_list)} | |")
print(f"\nCold \`desk report\` / \`git log --raw desk\`: **{float('$t_report') / float('$t_git'):.2f}×**")
new, reply = runs("new"), runs("reply")
print(f"\nMax RSS of \`desk new\` (five runs): {min(new) / 1024:.1f}–{max(new) / 1024:.1f} MiB; "
      f"\`desk reply\`: {min(reply) / 1024:.1f}–{max(reply) / 1024:.1f} MiB.")
PY
cat "$OUT"
