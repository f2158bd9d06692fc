#!/usr/bin/env bash
# Benchmark: `desk sync` of two clones of a 10k-ticket helpdesk that each made
# 1k commits (reply, note, assign) on an overlapping set of tickets: fetch,
# semantic merge and push to a local bare repository.
#
# Usage: bench/sync.sh            (TICKETS=10000 COMMITS=1000 HOT=300 RUNS=10)
set -euo pipefail
cd "$(dirname "$0")/.."
TICKETS=${TICKETS:-10000}
COMMITS=${COMMITS:-1000}
HOT=${HOT:-300}
RUNS=${RUNS:-10}

cargo build -q --release --bin desk --example fixture
DESK=$PWD/target/release/desk
FIXTURE=$PWD/target/release/examples/fixture
work=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
export HOME=$work/home GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$work/home/.gitconfig NO_COLOR=1
mkdir -p "$HOME"
git config --global user.name "Bench Agent"
git config --global user.email agent@example.com
git config --global init.defaultBranch main

echo "setting up $TICKETS tickets, $COMMITS commits per side on $HOT shared tickets in $work" >&2
git init -q --bare "$work/server.git"
git init -q "$work/a"
"$FIXTURE" "$TICKETS" | git -C "$work/a" fast-import --quiet
git -C "$work/a" remote add origin "$work/server.git"
"$DESK" -C "$work/a" init 2>/dev/null
"$DESK" -C "$work/a" sync 2>/dev/null
git init -q "$work/b"
git -C "$work/b" remote add origin "$work/server.git"
"$DESK" -C "$work/b" sync 2>/dev/null
"$DESK" -C "$work/b" init 2>/dev/null

mapfile -t hot < <(git -C "$work/a" ls-tree -r --name-only desk tickets | head -n "$HOT" | sed 's|.*/||; s|\.md$||')
work_side() { # clone seed
  local dir=$1 i id
  RANDOM=$2
  for ((i = 0; i < COMMITS; i++)); do
    id=${hot[RANDOM % ${#hot[@]}]}
    GIT_AUTHOR_DATE=$(date -u -d "@$((1795939200 + i * 7 + RANDOM % 5))" +%Y-%m-%dT%H:%M:%SZ)
    export GIT_AUTHOR_DATE GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE
    case $((i % 3)) in
      0) "$DESK" -C "$dir" reply "$id" -m "Reply $i from $dir" 2>/dev/null ;;
      1) "$DESK" -C "$dir" note "$id" -m "Note $i from $dir" 2>/dev/null ;;
      2) "$DESK" -C "$dir" assign "$id" "Agent$((RANDOM % 5)) <a$((RANDOM % 5))@example.com>" 2>/dev/null ;;
    esac
  done
}
work_side "$work/a" 1 &
work_side "$work/b" 2 &
wait
"$DESK" -C "$work/a" sync 2>/dev/null

# Each timed run starts from copies of B and the server as they are now, so it
# really fetches A's commits, merges, and pushes B's commits and the merge.
cp -a "$work/b" "$work/b.pristine"
cp -a "$work/server.git" "$work/server.pristine"
# `sync` flushes the copies first, so their write-back does not land in the timing.
reset="rm -rf $work/b $work/server.git && cp -a $work/b.pristine $work/b && cp -a $work/server.pristine $work/server.git && sync"

# One run to show what the sync does (the first lines of its report).
"$DESK" -C "$work/b" sync 2>&1 | head -n 6
eval "$reset"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" >&2
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs "$RUNS" --prepare "$reset" --export-json "$work/sync.json" "$DESK -C $work/b sync"
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("median: %.3f s over %d runs" % (r["median"], len(r["times"])))' "$work/sync.json"
else
  for ((r = 0; r < RUNS; r++)); do
    eval "$reset"
    s=$(date +%s.%N); "$DESK" -C "$work/b" sync 2>/dev/null; e=$(date +%s.%N)
    echo "$e - $s" | bc
  done | sort -n | awk '{a[NR]=$1} END {print "median:", a[int((NR+1)/2)], "s over", NR, "runs"}'
fi
