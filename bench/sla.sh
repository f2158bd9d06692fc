#!/usr/bin/env bash
# Service-level benchmarks of desk on a generated helpdesk of 100k tickets with
# about five commits each (--history: agents, teams, an office calendar and two
# SLA policies in desk.yaml): `desk sla check` cold (no caches) against a cold
# `desk report`, and warm `desk sla check`, `desk next` and `desk list sla:breached`.
#
#   bench/sla.sh                          # Markdown on stdout and in $SCRATCH/sla-results.md
#   COLD_RUNS=3 WARM_RUNS=30 bench/sla.sh
#   DESK_BENCH_DIR=/var/tmp/b bench/sla.sh
#
# The generated repository is shared with bench/history.sh ($SCRATCH/gen/h100000);
# this script only touches its `.git/desk/` caches and its git config (user.email,
# so that `desk next` runs as one of the generated agents).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=${DESK_BENCH_DIR:-${TMPDIR:-/tmp}/desk-bench}
TICKETS=${TICKETS:-100000}
COLD_RUNS=${COLD_RUNS:-1}
WARM_RUNS=${WARM_RUNS:-20}
DESK=$ROOT/target/release/desk
OUT=$SCRATCH/sla-results.md
export DESK_NOW=2026-11-28T12:00:00Z

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
need_hyperfine
build_release

generated "h$TICKETS" --tickets "$TICKETS" --history
REPO=$SCRATCH/gen/h$TICKETS
cd "$REPO"
git config user.name "Bob Agent"
git config user.email bob.agent@helpdesk.example.com
COMMITS=$(git rev-list --count desk)
WORK=$(mktemp -d "$SCRATCH/sla.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# `desk sla check` exits 3 when it finds breaches (it does here): -i keeps timing.
cold() { printf 'rm -f .git/desk/history .git/desk/sla'; }

log "timing cold ($COMMITS commits)"
hyperfine --style basic -i --runs "$COLD_RUNS" --export-json "$WORK/cold.json" \
    -n 'desk report, cold (no caches)' --prepare "$(cold)" "$DESK report >/dev/null" \
    -n 'desk sla check, cold (no caches)' --prepare "$(cold)" "$DESK sla check >/dev/null" >&2

log "timing warm"
"$DESK" report >/dev/null
hyperfine --style basic -i --runs "$WARM_RUNS" --warmup 2 --export-json "$WORK/warm.json" \
    -n 'desk sla check' "$DESK sla check >/dev/null" \
    -n "desk sla check 'priority:urgent' --warn 30m" "$DESK sla check priority:urgent --warn 30m >/dev/null" \
    -n 'desk next' "$DESK next >/dev/null" \
    -n 'desk list sla:breached' "$DESK list sla:breached >/dev/null" \
    -n 'desk list (with the DUE column)' "$DESK list >/dev/null" \
    -n 'desk report (with SLA compliance)' "$DESK report >/dev/null" >&2

CHECKED=$("$DESK" sla check 2>&1 >/dev/null | tail -1 || true)
python3 - "$WORK/cold.json" "$WORK/warm.json" "$COMMITS" "$TICKETS" "$CHECKED" >"$OUT" <<'EOF'
import json, sys
cold, warm = (json.load(open(p))["results"] for p in sys.argv[1:3])
commits, tickets, checked = sys.argv[3], sys.argv[4], sys.argv[5]
print(f"{int(tickets):,} tickets, {int(commits):,} commits on the desk branch; `desk sla check` says: {checked}\n")
print("| command | median | mean ± σ | user CPU (mean) | runs |")
print("|---|---|---|---|---|")
for r in cold + warm:
    unit, scale = ("s", 1) if r["median"] >= 1 else ("ms", 1000)
    d = 2 if unit == "s" else 0
    print(f"| `{r['command']}` | {r['median'] * scale:.{d}f} {unit} | "
          f"{r['mean'] * scale:.{d}f} ± {(r['stddev'] or 0) * scale:.{d}f} {unit} | "
          f"{r['user'] * scale:.{d}f} {unit} | {len(r['times'])} |")
print(f"\nCold `desk sla check` / cold `desk report` (medians, same run): **{cold[1]['median'] / cold[0]['median']:.2f}×**")
EOF
cat "$OUT"
