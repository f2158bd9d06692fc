#!/usr/bin/env bash
# Memory and time of the short commands — `desk new`, `desk reply`, `desk show` —
# on helpdesks of any size, for one build or two side by side.
#
#   bench/short.sh DIR...                        # the release build of this checkout
#   BASE=/path/to/desk bench/short.sh DIR...     # and another build beside it
#
# Each DIR is a helpdesk (made by `gen_helpdesk`); the script adds RUNS tickets and
# RUNS replies to it per build (RUNS=7). The builds' runs alternate, so both see the
# same machine; compare them as ratios. Max RSS is the kernel's high-water mark of
# the process as GNU time reports it, time the wall clock from start to exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=${DESK_BENCH_DIR:-${TMPDIR:-/tmp}/desk-bench}
DESK=${DESK:-}
BASE=${BASE:-}
RUNS=${RUNS:-7}
export DESK_NOW=2026-11-28T12:00:00Z
[ $# -gt 0 ] || { echo "usage: [BASE=desk] bench/short.sh HELPDESK_DIR..." >&2; exit 2; }

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
if [ -z "$DESK" ]; then
    build_release
    DESK=$ROOT/target/release/desk
fi
mkdir -p "$SCRATCH"

python3 - "$RUNS" "$DESK" "$BASE" "$@" <<'PY'
import json, statistics, subprocess, sys, time

runs, desk, base, dirs = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
builds = [("this build", desk)] + ([("base", base)] if base else [])

def run(argv, cwd):
    # Through GNU time, a small process: a child forked from this Python process
    # would count Python's own memory in its high-water mark.
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], cwd=cwd, capture_output=True)
    elapsed = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed in {cwd}: {p.stderr.decode()}")
    return p.stdout.decode(), int(p.stderr.decode().split()[-1]), elapsed

print("| helpdesk | command | build | max RSS, median (min–max) | time, median |")
print("|---|---|---|---|---|")
for d in dirs:
    listed, _, _ = run([desk, "list", "--ndjson", "--fields", "id", "--limit", "1", "--sort", "created"], d)
    oldest = json.loads(listed.splitlines()[0])["id"]
    tickets = len(run(["git", "ls-tree", "-r", "--name-only", "desk", "tickets"], d)[0].splitlines())
    seen = {}
    for i in range(runs):
        for name, binary in builds:
            for cmd, argv in [
                ("new", [binary, "new", f"Short command {i}", "-b", "Measured."]),
                ("reply", [binary, "reply", oldest, "-m", f"Measured {i}."]),
                ("show", [binary, "show", oldest, "--no-pager"]),
            ]:
                _, rss, elapsed = run(argv, d)
                seen.setdefault((cmd, name), []).append((rss, elapsed))
    for (cmd, name), samples in seen.items():
        rss = [s[0] / 1024 for s in samples]
        ms = [s[1] * 1000 for s in samples]
        print(f"| {tickets:,} tickets | `desk {cmd}` | {name} | {statistics.median(rss):.1f} MiB "
              f"({min(rss):.1f}–{max(rss):.1f}) | {statistics.median(ms):.1f} ms |")
PY
