#!/usr/bin/env bash
# Automation rules benchmark, on the generated helpdesk of 100k tickets with
# history (bench/history.sh's):
# - `desk new` with 50 event rules in desk.yaml against the same command without
#   rules, measured in one hyperfine run (the ratio is the figure);
# - `desk rules run` with three timed rules: the first run (which escalates the
#   485 urgent unassigned tickets, one commit) and a second run (nothing left
#   to do: the steady state of a helpdesk that runs its rules every few
#   minutes), warm.
# Each binary works in its own clone sharing the objects of the generated
# repository, and the desk branch is put back before every run.
#
#   bench/rules.sh                        # Markdown on stdout and in $SCRATCH/rules-results.md
#   RUNS=20 DESK_BENCH_DIR=/var/tmp/b bench/rules.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=${DESK_BENCH_DIR:-${TMPDIR:-/tmp}/desk-bench}
TICKETS=${TICKETS:-100000}
RUNS=${RUNS:-10}
DESK=$ROOT/target/release/desk
OUT=$SCRATCH/rules-results.md
export DESK_NOW=2026-11-28T12:00:00Z

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
need_hyperfine
build_release

generated "h$TICKETS" --tickets "$TICKETS" --history
WORK=$(mktemp -d "$SCRATCH/rules.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# A clone of the generated helpdesk; with rules when $2 is a file of them.
clone() {
    git clone -q --shared --no-checkout "$SCRATCH/gen/h$TICKETS" "$WORK/$1"
    (
        cd "$WORK/$1"
        git branch -q desk origin/desk
        git config user.name "Bob Agent"
        git config user.email bob.agent@helpdesk.example.com
        if [ -n "${2:-}" ]; then
            git show desk:desk.yaml >"$WORK/$1.yaml"
            cat "$2" >>"$WORK/$1.yaml"
            blob=$(git hash-object -w "$WORK/$1.yaml")
            git read-tree desk
            git update-index --cacheinfo "100644,$blob,desk.yaml"
            tree=$(git write-tree)
            commit=$(git commit-tree "$tree" -p desk -m "rules")
            git update-ref refs/heads/desk "$commit"
            rm -f .git/index
        fi
        "$DESK" rules check >&2
        "$DESK" list >/dev/null
    )
}

# 50 event rules: 44 route by words, labels and queues (most match nothing),
# and 6 that fire on most new tickets (labels, a queue, a note, an assignment
# by round-robin, or by least-load in a second set).
python3 - round-robin >"$WORK/event-rules.yaml" <<'PY'
import sys
strategy = sys.argv[1]
words = ["printer", "vpn", "laptop", "password", "email", "wifi", "monitor", "keyboard", "license",
         "backup", "phone", "badge", "server", "database", "invoice", "refund", "account", "login",
         "scanner", "teams", "zoom", "outlook"]
print("rules:")
for i, w in enumerate(words):
    print(f"  - name: route {w}\n    on: create\n    if: '{w}'\n    then:\n      labels: [+{w}]\n      set: [priority=high]")
    print(f"  - name: tag {w} replies\n    on: [reply, label]\n    if: 'label:{w} -label:seen-{i}'\n    then:\n      labels: [+seen-{i}]")
print("  - name: triage\n    on: create\n    then:\n      labels: [+triage]")
print("  - name: untriage\n    on: label\n    if: 'label:triage label:urgent'\n    then:\n      labels: [-triage]")
print("  - name: default queue\n    on: create\n    if: '-has:links'\n    then:\n      set: [queue=it]")
print("  - name: acknowledge\n    on: create\n    then:\n      note: Received and routed automatically.")
print("  - name: urgent words\n    on: create\n    if: 'outage'\n    then:\n      set: [priority=urgent]")
print("  - name: assign\n    on: create\n    if: 'is:unassigned queue:it'\n    then:\n      assign: {strategy: " + strategy + "}")
PY
sed 's/strategy: round-robin/strategy: least-load/' "$WORK/event-rules.yaml" >"$WORK/least-load-rules.yaml"
cat >"$WORK/timed-rules.yaml" <<'YAML'
rules:
  - name: close quiet pending
    on: schedule
    if: status:pending updated:>400d
    then:
      set: [status=resolved]
      note: Resolved after a long time without an answer.
  - name: stale
    on: schedule
    if: is:open priority:low -label:stale updated:>400d
    then:
      labels: [+stale]
  - name: urgent unassigned
    on: schedule
    if: priority:urgent is:unassigned -label:escalated
    then:
      labels: [+escalated]
YAML

clone plain
clone ruled "$WORK/event-rules.yaml"
clone loaded "$WORK/least-load-rules.yaml"
clone timed "$WORK/timed-rules.yaml"
# One round-robin assignment on the branch, as a helpdesk in use has one.
(cd "$WORK/ruled" && "$DESK" new "Seed" -b x >/dev/null 2>&1)
PLAIN=$(git -C "$WORK/plain" rev-parse desk)
RULED=$(git -C "$WORK/ruled" rev-parse desk)
LOADED=$(git -C "$WORK/loaded" rev-parse desk)
TIMED=$(git -C "$WORK/timed" rev-parse desk)

log "timing desk new without and with 50 rules"
hyperfine --style basic --warmup 2 --runs "$RUNS" --export-json "$WORK/new.json" \
    -n "desk new (no rules)" \
    --prepare "git -C $WORK/plain update-ref refs/heads/desk $PLAIN" \
    "$DESK -C $WORK/plain new 'Printer on 3rd floor jams' -b 'Tray 2'" \
    -n "desk new (50 rules)" \
    --prepare "git -C $WORK/ruled update-ref refs/heads/desk $RULED" \
    "$DESK -C $WORK/ruled new 'Printer on 3rd floor jams' -b 'Tray 2'" \
    -n "desk new (50 rules, assignment by least-load)" \
    --prepare "git -C $WORK/loaded update-ref refs/heads/desk $LOADED" \
    "$DESK -C $WORK/loaded new 'Printer on 3rd floor jams' -b 'Tray 2'" >&2
FIRED=$(cd "$WORK/ruled" && "$DESK" new 'Printer on 3rd floor jams' -b 'Tray 2' 2>&1 >/dev/null | sed -n 's/.*by rule //p')
git -C "$WORK/ruled" update-ref refs/heads/desk "$RULED"

CHANGED=$(cd "$WORK/timed" && "$DESK" rules run --dry-run --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["tickets"]))')
(cd "$WORK/timed" && "$DESK" rules run >/dev/null 2>&1)
AFTER=$(git -C "$WORK/timed" rev-parse desk)
git -C "$WORK/timed" update-ref refs/heads/desk "$TIMED"
log "timing desk rules run ($CHANGED tickets change on the first run)"
hyperfine --style basic --warmup 1 --runs "$RUNS" --export-json "$WORK/run.json" \
    -n "desk rules run (first run: $CHANGED tickets, one commit)" \
    --prepare "git -C $WORK/timed update-ref refs/heads/desk $TIMED" \
    "$DESK -C $WORK/timed rules run" \
    -n "desk rules run (again: nothing to do)" \
    --prepare "git -C $WORK/timed update-ref refs/heads/desk $AFTER" \
    "$DESK -C $WORK/timed rules run" >&2

python3 - "$WORK/new.json" "$WORK/run.json" "$FIRED" >"$OUT" <<'PY'
import json, sys
new = json.load(open(sys.argv[1]))["results"]
run = json.load(open(sys.argv[2]))["results"]
print(f"Rules that fired on the measured `desk new`: {sys.argv[3]}\n")
print("| command | median | mean ± σ | runs |")
print("|---|---|---|---|")
for r in new + run:
    print(f"| {r['command']} | {r['median']*1000:.1f} ms | {r['mean']*1000:.1f} ± {(r['stddev'] or 0)*1000:.1f} ms | {len(r['times'])} |")
print(f"\n`desk new` with 50 rules / without: {new[1]['median'] / new[0]['median']:.2f}×; "
      f"with least-load assignment: {new[2]['median'] / new[0]['median']:.2f}× (medians, same run)")
PY
cat "$OUT"
