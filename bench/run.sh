#!/usr/bin/env bash
# Foundation benchmarks of desk: `new`, `reply` and `list` as whole processes on
# generated helpdesks of 1k and 100k tickets, against git's own add + commit.
#
#   bench/run.sh                      # everything; Markdown on stdout and in $SCRATCH/results.md
#   RUNS=50 bench/run.sh              # more iterations on a noisy machine
#   DESK_BENCH_DIR=/var/tmp/b bench/run.sh
#
# Generated helpdesks are kept in $SCRATCH/gen and reused; every run works on
# fresh copies in its own $SCRATCH/work.XXXXXX (removed at the end), so each
# starts from the same state and runs can share $SCRATCH.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=${DESK_BENCH_DIR:-${TMPDIR:-/tmp}/desk-bench}
RUNS=${RUNS:-30}
LIST_RUNS=${LIST_RUNS:-20}
COLD_RUNS=${COLD_RUNS:-5}
SIZES=(1000 10000 100000)
DESK=$ROOT/target/release/desk
GEN=$ROOT/target/release/examples/gen_helpdesk
OUT=$SCRATCH/results.md

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
need_hyperfine
build_release

mkdir -p "$SCRATCH/gen"
for n in "${SIZES[@]}"; do
    dir=$SCRATCH/gen/t$n
    if [ ! -d "$dir" ]; then
        log "generating $n tickets"
        tmp=$(mktemp -d "$SCRATCH/gen/.t$n.XXXXXX")
        "$GEN" --tickets "$n" --out "$tmp" --seed 1
        # Another run may have made it meanwhile: keep theirs.
        mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
    fi
done

# Fresh working copies: the generated repository as it is, with an identity.
WORK=$(mktemp -d "$SCRATCH/work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
CSV=$WORK/csv
mkdir -p "$CSV"
for n in 1000 100000; do
    w=$WORK/t$n
    # The contents, so that a generated helpdesk may be a symbolic link.
    mkdir -p "$w"
    cp -a "$SCRATCH/gen/t$n/." "$w"
    git -C "$w" config user.name "Bench Agent"
    git -C "$w" config user.email "bench@example.com"
done
W1=$WORK/t1000
W100=$WORK/t100000

# A ticket to reply to, and the reference: git's add + commit of one file in
# a worktree of the same repository.
ticket_of() { git -C "$1" ls-tree -r --name-only refs/heads/desk tickets | sed -n '1{s|.*/||; s|\.md$||; p}'; }
T1=$(ticket_of "$W1")
T100=$(ticket_of "$W100")
for n in 1000 100000; do
    log "checking out the $n-ticket tree for the git reference"
    git -C "$WORK/t$n" worktree add -q --detach "$WORK/git$n" refs/heads/desk
done

commits() { git -C "$1" rev-list --count refs/heads/desk; }
before1=$(commits "$W1")
before100=$(commits "$W100")

export NO_COLOR=1
cd "$WORK"
log "timing desk new and desk reply"
hyperfine -N --warmup 3 --runs "$RUNS" --export-csv "$CSV/write.csv" \
    -n "desk new (1k)" "$DESK --repo $W1 new 'Benchmark ticket' -b 'Created by bench/run.sh.'" \
    -n "desk new (100k)" "$DESK --repo $W100 new 'Benchmark ticket' -b 'Created by bench/run.sh.'" \
    -n "desk reply (1k)" "$DESK --repo $W1 reply $T1 -m 'Benchmark reply.'" \
    -n "desk reply (100k)" "$DESK --repo $W100 reply $T100 -m 'Benchmark reply.'" >&2

# Every run made a commit: (warmup + runs) new plus as many replies, per size.
for pair in "$W1:$before1" "$W100:$before100"; do
    w=${pair%%:*}
    expected=$((${pair##*:} + 2 * (RUNS + 3)))
    if [ "$(commits "$w")" -ne "$expected" ]; then
        log "error: $w has $(commits "$w") commits, expected $expected: a benchmark run did not commit"
        exit 1
    fi
done

log "timing git add + git commit"
hyperfine --warmup 3 --runs "$RUNS" --export-csv "$CSV/git.csv" \
    --prepare "date +%s%N >> $WORK/git1000/bench.txt" \
    -n "git add + commit (1k)" "git -C $WORK/git1000 add bench.txt && git -C $WORK/git1000 commit -q -m 'bench'" >&2
hyperfine --warmup 3 --runs "$RUNS" --export-csv "$CSV/git100.csv" \
    --prepare "date +%s%N >> $WORK/git100000/bench.txt" \
    -n "git add + commit (100k)" "git -C $WORK/git100000 add bench.txt && git -C $WORK/git100000 commit -q -m 'bench'" >&2

log "timing desk list"
hyperfine -N --warmup 1 --runs "$LIST_RUNS" --export-csv "$CSV/list-warm.csv" \
    -n "desk list warm (100k)" "$DESK --repo $W100 list" >&2
hyperfine --runs "$COLD_RUNS" --export-csv "$CSV/list-cold.csv" \
    --prepare "rm -rf $W100/.git/desk/list $W100/.git/desk/text" \
    -n "desk list cold (100k)" "$DESK --repo $W100 list" >&2

log "measuring peak memory"
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; }
rm -rf "$W100/.git/desk/list" "$W100/.git/desk/text"
RSS_LIST_COLD=$(rss "$DESK" --repo "$W100" list)
RSS_LIST=$(rss "$DESK" --repo "$W100" list)
RSS_NEW=$(rss "$DESK" --repo "$W100" new "Memory ticket" -b "Peak memory.")
RSS_REPLY=$(rss "$DESK" --repo "$W100" reply "$T100" -m "Peak memory.")

# Medians (seconds) from hyperfine's CSV: command,mean,stddev,median,user,system,min,max.
median() { cat "$CSV"/*.csv | awk -F, -v name="$1" '$1 == name { print $4 }'; }
row() { cat "$CSV"/*.csv | awk -F, -v name="$1" '$1 == name {
    printf "| %s | %.1f ms | %.1f ± %.1f ms | %.1f ms | %.1f ms |\n", $1, $4 * 1000, $2 * 1000, $3 * 1000, $7 * 1000, ($5 + $6) * 1000 }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'; }
verdict() { awk -v v="$1" -v limit="$2" 'BEGIN { print (v <= limit) ? "pass" : "FAIL" }'; }

NEW1=$(median "desk new (1k)")
NEW100=$(median "desk new (100k)")
REPLY1=$(median "desk reply (1k)")
REPLY100=$(median "desk reply (100k)")
GIT1=$(median "git add + commit (1k)")
GIT100=$(median "git add + commit (100k)")
WARM=$(median "desk list warm (100k)")
COLD=$(median "desk list cold (100k)")
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
PEAK=$(printf '%s\n' "$RSS_LIST_COLD" "$RSS_LIST" "$RSS_NEW" "$RSS_REPLY" | sort -n | tail -n 1)

{
    echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) at commit $(git -C "$ROOT" describe --always --dirty) with \`bench/run.sh\` (RUNS=$RUNS)."
    echo
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'),"
    echo "$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) memory, $(uname -sr), git $(git --version | cut -d' ' -f3);"
    echo "load average $LOAD at the end of the run."
    echo
    echo "| Target | Measured | Limit | Result |"
    echo "|---|---|---|---|"
    echo "| \`desk new\` median at 100k | $(ms "$NEW100") | 5 ms | $(verdict "$NEW100" 0.005) |"
    echo "| \`desk reply\` median at 100k | $(ms "$REPLY100") | 5 ms | $(verdict "$REPLY100" 0.005) |"
    echo "| \`desk new\` 100k / 1k | $(ratio "$NEW100" "$NEW1") | 1.5 | $(verdict "$(ratio "$NEW100" "$NEW1")" 1.5) |"
    echo "| \`desk reply\` 100k / 1k | $(ratio "$REPLY100" "$REPLY1") | 1.5 | $(verdict "$(ratio "$REPLY100" "$REPLY1")" 1.5) |"
    echo "| \`desk list\` (open) at 100k, warm | $(ms "$WARM") | 300 ms | $(verdict "$WARM" 0.3) |"
    echo "| peak memory of list/new/reply at 100k | $(mb "$PEAK") | 200 MB | $(verdict "$PEAK" 204800) |"
    echo
    echo "| Benchmark | Median | Mean ± σ | Min | CPU (user + sys, mean) |"
    echo "|---|---|---|---|---|"
    for name in "desk new (1k)" "desk new (100k)" "desk reply (1k)" "desk reply (100k)" \
        "git add + commit (1k)" "git add + commit (100k)" "desk list warm (100k)" "desk list cold (100k)"; do
        row "$name"
    done
    echo
    echo "Ratios: desk new 100k / 1k = $(ratio "$NEW100" "$NEW1"); desk reply 100k / 1k = $(ratio "$REPLY100" "$REPLY1");"
    echo "desk new / git add + commit = $(ratio "$NEW1" "$GIT1") at 1k, $(ratio "$NEW100" "$GIT100") at 100k."
    echo
    echo "Peak memory (max RSS) at 100k: list $(mb "$RSS_LIST") warm, $(mb "$RSS_LIST_COLD") cold (building the index);"
    echo "new $(mb "$RSS_NEW"); reply $(mb "$RSS_REPLY")."
} | tee "$OUT"
log "results written to $OUT"
