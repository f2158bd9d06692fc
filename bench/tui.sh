#!/usr/bin/env bash
# The terminal UI at 100k tickets: the time from starting `desk tui` to its
# first frame, warm (list index, history and SLA caches built). The hidden
# `--print-frame 120x40` runs everything the UI does before its first frame —
# open the repository, read desk.yaml, select the queue from the list index,
# work out the SLA clocks of its tickets, sort them by due time, draw — into a
# 120×40 buffer instead of a terminal, prints it and exits. Each queue is
# timed, with `desk next` and `desk list` of the same run beside them.
#
#   bench/tui.sh                         # Markdown on stdout and in $SCRATCH/tui-results.md
#   RUNS=30 DESK_BENCH_DIR=/var/tmp/b bench/tui.sh
#
# It uses the helpdesk of bench/history.sh and bench/sla.sh ($SCRATCH/gen/h100000,
# generated with --history: 100k tickets, about 480k commits, agents and SLA
# policies) and never changes it: it works in a bare clone sharing its objects
# ($SCRATCH/tui/h100000.git, kept for later runs), where desk builds its caches
# (minutes, the first time) and runs as agent Bob.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=${DESK_BENCH_DIR:-${TMPDIR:-/tmp}/desk-bench}
RUNS=${RUNS:-20}
DESK=$ROOT/target/release/desk
OUT=$SCRATCH/tui-results.md
export DESK_NOW=2026-11-28T12:00:00Z

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
need_hyperfine
build_release

generated h100000 --tickets 100000 --history
CLONE=$SCRATCH/tui/h100000.git
if [ ! -d "$CLONE" ]; then
    mkdir -p "$SCRATCH/tui"
    git clone -q --bare --shared "$SCRATCH/gen/h100000" "$CLONE"
fi
cd "$CLONE"
git config user.name "Bob Agent"
git config user.email bob.agent@helpdesk.example.com
WORK=$(mktemp -d "${TMPDIR:-/tmp}/desk-tui.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

log "building desk's caches in $CLONE (minutes the first time)"
"$DESK" list >/dev/null
"$DESK" next >/dev/null

frame() { printf '%s tui --print-frame 120x40 %s >/dev/null' "$DESK" "$*"; }
log "timing ($RUNS runs each)"
hyperfine --style basic --runs "$RUNS" --warmup 2 --export-json "$WORK/tui.json" \
    -n 'desk tui, first frame: Mine' "$(frame --queue mine)" \
    -n 'desk tui, first frame: Unassigned in my teams' "$(frame --queue team)" \
    -n 'desk tui, first frame: All' "$(frame --queue all)" \
    -n "desk tui, first frame: All, 'priority:urgent'" "$(frame --queue all priority:urgent)" \
    -n 'desk next' "$DESK next >/dev/null" \
    -n 'desk list (with the DUE column)' "$DESK list >/dev/null" >&2

rows() { "$DESK" tui --print-frame 120x40 "$@" | head -1 | grep -o '[0-9]* tickets\?' ; }
memory() { /usr/bin/time -f %M "$DESK" tui --print-frame 120x40 "$@" 2>&1 >/dev/null | tail -1; }
python3 - "$WORK/tui.json" "$(git rev-list --count desk)" \
    "$(rows --queue mine)" "$(rows --queue team)" "$(rows --queue all)" "$(rows --queue all priority:urgent)" \
    "$(memory --queue mine)" "$(memory --queue all)" >"$OUT" <<'EOF'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
commits, sizes, (mine_kb, all_kb) = sys.argv[2], sys.argv[3:7], sys.argv[7:9]
print(f"100,000 tickets, {int(commits):,} commits; the queues hold: Mine {sizes[0]}, "
      f"Unassigned in my teams {sizes[1]}, All {sizes[2]}, All with priority:urgent {sizes[3]}\n")
print("| command | median | mean ± σ | user CPU (mean) | runs |")
print("|---|---|---|---|---|")
for r in results:
    ms = lambda v: f"{v * 1000:.0f} ms"
    print(f"| `{r['command']}` | {ms(r['median'])} | {r['mean'] * 1000:.0f} ± {(r['stddev'] or 0) * 1000:.0f} ms | "
          f"{ms(r['user'])} | {len(r['times'])} |")
first = results[0]["median"] * 1000
print(f"\nStart to first frame, warm, in the queue desk tui starts in (Mine): **{first:.0f} ms** "
      f"(target 300 ms: {'pass' if first < 300 else 'FAIL'}); "
      f"peak memory {int(mine_kb) // 1024} MB (Mine), {int(all_kb) // 1024} MB (All).")
EOF
cat "$OUT"
