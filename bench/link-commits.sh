#!/usr/bin/env bash
# `desk link-commits` benchmark: a code repository of 10 000 commits made with
# `git fast-import` (a third with a `Refs-Ticket:` trailer, every fiftieth with a
# `Fixes-Ticket:` one, naming 100 tickets of a helpdesk on the same repository's
# desk branch), timed with /usr/bin/time: a dry run, the first run, and a run
# with nothing new.
#
#   bench/link-commits.sh               # Markdown on stdout and in $SCRATCH/link-commits-results.md
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=${DESK_BENCH_DIR:-${TMPDIR:-/tmp}/desk-bench}
DESK=$ROOT/target/release/desk
OUT=$SCRATCH/link-commits-results.md

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
(cd "$ROOT" && cargo build --release --quiet --bin desk)
mkdir -p "$SCRATCH"
WORK=$(mktemp -d "$SCRATCH/link.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
git init -q
git config user.name "Bench Agent"
git config user.email agent@example.com
"$DESK" init >/dev/null 2>&1
for i in $(seq 1 100); do "$DESK" new "ticket $i" -b x >/dev/null; done
"$DESK" list --all --fields id --ndjson | python3 -c '
import json, random, sys
ids = [json.loads(l)["id"] for l in sys.stdin]
random.seed(3)
out = []
for i in range(10000):
    msg = f"change {i}\n\n" + (f"Refs-Ticket: {random.choice(ids)[:6]}\n" if i % 3 == 0 else "Signed-off-by: x <x@y>\n")
    if i % 50 == 0:
        msg += f"Fixes-Ticket: {random.choice(ids)[:6]}\n"
    data = msg.encode()
    out.append(f"commit refs/heads/main\ncommitter Dev <dev@example.com> {1764000000 + i} +0000\ndata {len(data)}\n".encode() + data + b"\n")
sys.stdout.buffer.write(b"".join(out))
' | git fast-import --quiet
git symbolic-ref HEAD refs/heads/main

run() {
    /usr/bin/time -f "%e" -o "$WORK/$1.time" "$DESK" link-commits main --resolve-on main "${@:2}" >/dev/null 2>&1
}
log "timing desk link-commits over $(git rev-list --count main) commits"
run dry --dry-run
run first
run again
{
    echo "| run | time |"
    echo "|---|---|"
    echo "| \`--dry-run\` over 10 000 commits | $(cat dry.time) s |"
    echo "| the first run ($(($(git rev-list --count desk) - 101)) desk commits) | $(cat first.time) s |"
    echo "| again: nothing new | $(cat again.time) s |"
} >"$OUT"
cat "$OUT"
