#!/usr/bin/env bash
# Benchmarks of `desk list` on large helpdesks: full-text search, NDJSON of
# front-matter fields, the memory of a streamed `--json`, a list right after a
# write (the index one commit behind) against a warm list, and at 1M tickets
# the memory of a warm list and the cost of new and reply.
#
#   bench/list.sh                         # 100k; Markdown on stdout and in $SCRATCH/list-results.md
#   BIG=/path/to/t1000000 bench/list.sh   # also 1M, from a helpdesk generated with
#                                         #   gen_helpdesk --tickets 1000000 --seed 1, or in
#                                         #   minutes with bench/tenfold.py from the 100k one
#   BASELINE=/path/to/old/desk bench/list.sh   # also time another build, for ratios
#
# The 100k helpdesk is generated into $SCRATCH/gen as bench/run.sh does (and
# shared with it); every run works on fresh copies, removed at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=${DESK_BENCH_DIR:-${TMPDIR:-/tmp}/desk-bench}
RUNS=${RUNS:-10}
BIG=${BIG:-}
BASELINE=${BASELINE:-}
DESK=$ROOT/target/release/desk
GEN=$ROOT/target/release/examples/gen_helpdesk
OUT=$SCRATCH/list-results.md
WORD=refunded
PHRASE='"duplicate charge"'

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
need_hyperfine
log "building desk in release mode"
(cd "$ROOT" && cargo build --release --quiet --bin desk)

mkdir -p "$SCRATCH/gen"
if [ ! -d "$SCRATCH/gen/t100000" ]; then
    build_release
    log "generating 100000 tickets"
    tmp=$(mktemp -d "$SCRATCH/gen/.t100000.XXXXXX")
    "$GEN" --tickets 100000 --out "$tmp" --seed 1
    mv -T "$tmp" "$SCRATCH/gen/t100000" 2>/dev/null || rm -rf "$tmp"
fi

WORK=$(mktemp -d "$SCRATCH/work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
CSV=$WORK/csv
mkdir -p "$CSV"
# Copies a helpdesk (also one reached through a symbolic link) to work on.
copy() {
    mkdir -p "$2"
    cp -a "$1/." "$2"
    git -C "$2" config user.name "Bench Agent"
    git -C "$2" config user.email "bench@example.com"
}
ticket_of() { git -C "$1" ls-tree -r --name-only refs/heads/desk tickets | sed -n '1{s|.*/||; s|\.md$||; p}'; }
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; }
# Peak anonymous memory (KB): max RSS less the pages of files mapped in
# (libgit2 maps pack files; those pages are the page cache's, shared and
# reclaimable), sampled from /proc every few milliseconds.
anon() {
    "$@" >/dev/null 2>&1 &
    local pid=$! peak=0 now
    while now=$(awk '/^RssAnon/ { print $2 }' "/proc/$pid/status" 2>/dev/null) && [ -n "$now" ]; do
        [ "$now" -gt "$peak" ] && peak=$now
        sleep 0.002
    done
    wait "$pid" || true
    echo "$peak"
}
median() { cat "$CSV"/*.csv | awk -F, -v name="$1" '$1 == name { print $4 }'; }
row() { cat "$CSV"/*.csv | awk -F, -v name="$1" '$1 == name {
    printf "| %s | %.1f ms | %.1f ± %.1f ms | %.1f ms | %.1f ms |\n", $1, $4 * 1000, $2 * 1000, $3 * 1000, $7 * 1000, ($5 + $6) * 1000 }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'; }
verdict() { awk -v v="$1" -v limit="$2" 'BEGIN { print (v <= limit) ? "pass" : "FAIL" }'; }

W=$WORK/t100000
copy "$SCRATCH/gen/t100000" "$W"
T=$(ticket_of "$W")
export NO_COLOR=1
cd "$WORK"

log "building the indexes (cold), then timing warm searches and NDJSON at 100k"
"$DESK" --repo "$W" list --all "$WORD" >/dev/null
NAMES=("desk list WORD (100k)" "desk list PHRASE (100k)" "desk list --all --ndjson --fields id+status (100k)"
    "desk list --json (100k)" "desk list (100k)")
CMDS=("$DESK --repo $W list $WORD" "$DESK --repo $W list $PHRASE"
    "$DESK --repo $W list --all --ndjson --fields id,status" "$DESK --repo $W list --json" "$DESK --repo $W list")
args=()
for i in "${!NAMES[@]}"; do args+=(-n "${NAMES[$i]}" "${CMDS[$i]}"); done
hyperfine -N --warmup 2 --runs "$RUNS" --export-csv "$CSV/warm.csv" "${args[@]}" >&2

# In one hyperfine run, so that both see the same load: a warm list (after a
# command that reads the ticket and writes nothing) and a list after a reply.
log "timing list right after a write (the index one commit behind) against warm"
hyperfine -N --warmup 2 --runs "$RUNS" --export-csv "$CSV/after.csv" \
    --prepare "$DESK --repo $W show $T --json" \
    --prepare "$DESK --repo $W reply $T -m 'Benchmark reply.'" \
    --prepare "$DESK --repo $W show $T --json" \
    --prepare "$DESK --repo $W reply $T -m 'Benchmark reply.'" \
    -n "desk list warm (paired) (100k)" "$DESK --repo $W list" \
    -n "desk list after a reply (100k)" "$DESK --repo $W list" \
    -n "desk list WORD warm (paired) (100k)" "$DESK --repo $W list $WORD" \
    -n "desk list WORD after a reply (100k)" "$DESK --repo $W list $WORD" >&2

if [ -n "$BASELINE" ]; then
    log "timing the baseline build on its own copy"
    B=$WORK/base100000
    copy "$SCRATCH/gen/t100000" "$B"
    "$BASELINE" --repo "$B" list >/dev/null
    hyperfine -N --warmup 1 --runs "$RUNS" --export-csv "$CSV/base.csv" \
        -n "baseline: desk list WORD (100k)" "$BASELINE --repo $B list $WORD" \
        -n "baseline: desk list (100k)" "$BASELINE --repo $B list" >&2
    hyperfine -N --warmup 1 --runs "$RUNS" --export-csv "$CSV/base-after.csv" \
        --prepare "$BASELINE --repo $B reply $T -m 'Benchmark reply.'" \
        -n "baseline: desk list after a reply (100k)" "$BASELINE --repo $B list" >&2
    RSS_BASE_JSON=$(rss "$BASELINE" --repo "$B" list --json)
fi

log "measuring peak memory at 100k"
RSS_JSON=$(rss "$DESK" --repo "$W" list --json)
RSS_JSON_FEW=$(rss "$DESK" --repo "$W" list --json --limit 10)
RSS_JSON_ALL=$(rss "$DESK" --repo "$W" list --json --all)
RSS_LIST=$(rss "$DESK" --repo "$W" list)
ANON_JSON=$(anon "$DESK" --repo "$W" list --json)
ANON_JSON_FEW=$(anon "$DESK" --repo "$W" list --json --limit 10)
OPEN=$("$DESK" --repo "$W" list --ndjson --fields id | wc -l)
ALL=$("$DESK" --repo "$W" list --all --ndjson --fields id | wc -l)

if [ -n "$BIG" ]; then
    log "1M: copying $BIG"
    M=$WORK/t1000000
    copy "$BIG" "$M"
    TM=$(ticket_of "$M")
    "$DESK" --repo "$M" list >/dev/null
    hyperfine -N --warmup 1 --runs "$RUNS" --export-csv "$CSV/big.csv" \
        --prepare "$DESK --repo $M show $TM --json" \
        --prepare "$DESK --repo $M reply $TM -m 'Benchmark reply.'" \
        -n "desk list (1M)" "$DESK --repo $M list" \
        -n "desk list after a reply (1M)" "$DESK --repo $M list" >&2
    hyperfine -N --warmup 3 --runs $((RUNS * 3)) --export-csv "$CSV/big-write.csv" \
        -n "desk new (1M)" "$DESK --repo $M new 'Benchmark ticket' -b 'Created by bench/list.sh.'" \
        -n "desk reply (1M)" "$DESK --repo $M reply $TM -m 'Benchmark reply.'" >&2
    RSS_BIG=$(rss "$DESK" --repo "$M" list)
    ANON_BIG=$(anon "$DESK" --repo "$M" list)
    RSS_BIG_NEW=$(rss "$DESK" --repo "$M" new "Memory ticket" -b "Peak memory.")
    RSS_BIG_REPLY=$(rss "$DESK" --repo "$M" reply "$TM" -m "Peak memory.")
    OPEN_BIG=$("$DESK" --repo "$M" list --ndjson --fields id | wc -l)
fi

WORDT=$(median "desk list WORD (100k)")
PHRASET=$(median "desk list PHRASE (100k)")
NDJSON=$(median "desk list --all --ndjson --fields id+status (100k)")
WARM=$(median "desk list (100k)")
PAIRED=$(median "desk list warm (paired) (100k)")
AFTER=$(median "desk list after a reply (100k)")
{
    echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) at commit $(git -C "$ROOT" describe --always --dirty) with \`bench/list.sh\` (RUNS=$RUNS);"
    echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end. WORD is \`$WORD\`, PHRASE is \`$PHRASE\`;"
    echo "100k: $OPEN open tickets of $ALL."
    echo
    echo "| Target | Measured | Limit | Result |"
    echo "|---|---|---|---|"
    echo "| \`desk list WORD\` warm at 100k | $(ms "$WORDT") | 200 ms | $(verdict "$WORDT" 0.2) |"
    echo "| \`desk list PHRASE\` warm at 100k | $(ms "$PHRASET") | 200 ms | $(verdict "$PHRASET" 0.2) |"
    echo "| \`desk list --all --ndjson --fields id,status\` at 100k | $(ms "$NDJSON") | 1 s | $(verdict "$NDJSON" 1) |"
    echo "| \`desk list\` after a reply / warm at 100k | $(ratio "$AFTER" "$PAIRED") | 1.2 | $(verdict "$(ratio "$AFTER" "$PAIRED")" 1.2) |"
    echo "| \`desk list\` warm at 100k | $(ms "$WARM") | 300 ms | $(verdict "$WARM" 0.3) |"
    if [ -n "$BIG" ]; then
        BIGW=$(median "desk list (1M)")
        BIGA=$(median "desk list after a reply (1M)")
        NEWM=$(median "desk new (1M)")
        REPLYM=$(median "desk reply (1M)")
        echo "| \`desk list\` warm at 1M, peak memory | $(mb "$RSS_BIG") | 300 MB | $(verdict "$RSS_BIG" 307200) |"
        echo "| \`desk list\` after a reply / warm at 1M | $(ratio "$BIGA" "$BIGW") | 1.2 | $(verdict "$(ratio "$BIGA" "$BIGW")" 1.2) |"
        echo "| \`desk new\` at 1M | $(ms "$NEWM"), $(mb "$RSS_BIG_NEW") | 10 ms, 10 MB | $(verdict "$NEWM" 0.01), $(verdict "$RSS_BIG_NEW" 10240) |"
        echo "| \`desk reply\` at 1M | $(ms "$REPLYM"), $(mb "$RSS_BIG_REPLY") | 10 ms, 10 MB | $(verdict "$REPLYM" 0.01), $(verdict "$RSS_BIG_REPLY" 10240) |"
    fi
    echo
    echo "| Benchmark | Median | Mean ± σ | Min | CPU (user + sys, mean) |"
    echo "|---|---|---|---|---|"
    for f in "$CSV"/*.csv; do
        tail -n +2 "$f" | cut -d, -f1 | while read -r name; do row "$name"; done
    done
    echo
    echo "Peak memory at 100k: \`list --json\` (open tickets) $(mb "$RSS_JSON"), with \`--limit 10\` $(mb "$RSS_JSON_FEW"),"
    echo "\`--all\` $(mb "$RSS_JSON_ALL"); \`list\` $(mb "$RSS_LIST"). Anonymous memory (the rest is pack files mapped"
    echo "by libgit2): \`list --json\` $(mb "$ANON_JSON"), with \`--limit 10\` $(mb "$ANON_JSON_FEW")."
    [ -n "$BASELINE" ] && echo "Baseline \`list --json\` $(mb "$RSS_BASE_JSON")."
    [ -n "$BIG" ] && echo "1M: $OPEN_BIG open tickets; peak memory of \`list\` $(mb "$RSS_BIG") ($(mb "$ANON_BIG") anonymous), \`new\` $(mb "$RSS_BIG_NEW"), \`reply\` $(mb "$RSS_BIG_REPLY")."
    true
} | tee "$OUT"
log "results written to $OUT"
