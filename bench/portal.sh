#!/usr/bin/env bash
# Portal and knowledge-base benchmark, on the generated helpdesk of 100k tickets
# with history (bench/history.sh's), in a `git clone --shared` copy with a
# `portal:` and a `mail:` section and 1 000 generated public articles:
# - `desk portal build` of the whole site into an empty directory (status
#   pages for every ticket that is not closed or merged);
# - a rebuild after one reply (one status page rewritten) and after nothing;
# - `desk kb suggest` for one ticket against the 1 000 articles, beside
#   `desk show` of the same ticket in the same hyperfine run for the ratio;
# - `desk export` of every ticket as NDJSON, CSV and mbox (/usr/bin/time, once).
#
#   bench/portal.sh                      # Markdown on stdout and in $SCRATCH/portal-results.md
#   RUNS=20 DESK_BENCH_DIR=/var/tmp/b bench/portal.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=${DESK_BENCH_DIR:-${TMPDIR:-/tmp}/desk-bench}
TICKETS=${TICKETS:-100000}
ARTICLES=${ARTICLES:-1000}
RUNS=${RUNS:-10}
DESK=$ROOT/target/release/desk
OUT=$SCRATCH/portal-results.md
export DESK_NOW=2026-11-28T12:00:00Z
export DESK_PORTAL_KEY=benchmark-portal-key-0123456789

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
need_hyperfine
build_release

generated "h$TICKETS" --tickets "$TICKETS" --history
WORK=$(mktemp -d "$SCRATCH/portal.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

git clone -q --shared --no-checkout "$SCRATCH/gen/h$TICKETS" "$WORK/repo"
git -C "$WORK/repo" branch -q desk origin/desk
git -C "$WORK/repo" config user.name "Bench Agent"
git -C "$WORK/repo" config user.email agent@example.com

# $ARTICLES public articles kb/aNNNN.md of 80 to 400 words from a vocabulary
# of 3 000 words, in 20 categories.
python3 - "$WORK/kbsrc/kb" "$ARTICLES" <<'PY'
import os, random, sys
out, n = sys.argv[1], int(sys.argv[2])
random.seed(11)
os.makedirs(out, exist_ok=True)
syll = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pe", "du", "gra", "mon", "ber", "tal", "xi"]
vocab = sorted({"".join(random.choice(syll) for _ in range(random.randint(2, 4))) for _ in range(4000)})[:3000]
for i in range(n):
    words = lambda k: " ".join(random.choice(vocab) for _ in range(k))
    body = "\n\n".join(words(random.randint(20, 80)) + "." for _ in range(random.randint(4, 5)))
    with open(f"{out}/a{i:04}.md", "w") as f:
        f.write(f"---\ntitle: {words(5).capitalize()}\ncategory: c{i % 20}\ntags: [{random.choice(vocab)}, {random.choice(vocab)}]\n"
                f"audience: public\nupdated: 2026-11-01T10:00:00Z\n---\n{body}\n")
PY
(
    cd "$WORK/repo"
    git show desk:desk.yaml >"$WORK/desk.yaml"
    printf 'portal:\n  base_url: https://help.example.com\nmail:\n  address: support@example.com\n' >>"$WORK/desk.yaml"
    export GIT_INDEX_FILE=$WORK/index
    git read-tree desk
    git update-index --add --cacheinfo "100644,$(git hash-object -w "$WORK/desk.yaml"),desk.yaml"
    git --work-tree="$WORK/kbsrc" add kb
    commit=$(git commit-tree "$(git write-tree)" -p desk -m "portal and $ARTICLES articles")
    git update-ref refs/heads/desk "$commit"
)
# An open ticket (its page is rewritten by the incremental rebuild) and the index warm.
TICKET=$("$DESK" -C "$WORK/repo" list status:open --fields id --ndjson 2>/dev/null | head -1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["id"])')
"$DESK" -C "$WORK/repo" list >/dev/null

log "full build into an empty directory"
hyperfine --style basic --runs 3 --export-json "$WORK/full.json" \
    --prepare "rm -rf $WORK/site" \
    -n "desk portal build (full, empty OUT)" "$DESK -C $WORK/repo portal build $WORK/site" >&2
"$DESK" -C "$WORK/repo" portal build "$WORK/site" --json >"$WORK/built.json"
/usr/bin/time -f "%e %M" -o "$WORK/full.time" "$DESK" -C "$WORK/repo" portal build "$WORK/full" >/dev/null

log "rebuilds: after one reply, after nothing"
hyperfine --style basic --warmup 1 --runs "$RUNS" --export-json "$WORK/incr.json" \
    -n "desk portal build (after one reply)" \
    --prepare "$DESK -C $WORK/repo reply $TICKET -m 'One more answer.' >/dev/null" \
    "$DESK -C $WORK/repo portal build $WORK/site" \
    -n "desk portal build (nothing changed)" \
    "$DESK -C $WORK/repo portal build $WORK/site" >&2

log "kb suggest against $ARTICLES articles"
hyperfine --style basic --warmup 3 --runs "$RUNS" --export-json "$WORK/suggest.json" \
    -n "desk show (for comparison)" "$DESK -C $WORK/repo show $TICKET" \
    -n "desk kb suggest" "$DESK -C $WORK/repo kb suggest $TICKET" >&2

log "export of every ticket"
for f in ndjson csv mbox; do
    /usr/bin/time -f "%e %M" -o "$WORK/export-$f.time" "$DESK" -C "$WORK/repo" export --format "$f" -o "$WORK/all.$f"
    stat -c %s "$WORK/all.$f" >"$WORK/export-$f.size"
done

python3 - "$WORK" "$ARTICLES" >"$OUT" <<'PY'
import json, sys
w, articles = sys.argv[1], sys.argv[2]
load = lambda n: json.load(open(f"{w}/{n}.json"))["results"]
full, incr, suggest = load("full"), load("incr"), load("suggest")
built = json.load(open(f"{w}/built.json"))
secs, kb = open(f"{w}/full.time").read().split()
t = lambda s: f"{s:.2f} s" if s >= 1 else f"{s * 1000:.1f} ms"
print(f"Site: {built['articles']} articles, {built['status_pages']} status pages, "
      f"{built['written'] + built['unchanged']} files; one full build: {float(secs):.1f} s, max RSS {int(kb) // 1024} MiB.")
print()
print("| command | median | mean ± σ | runs |")
print("|---|---|---|---|")
for r in full + incr + suggest:
    print(f"| {r['command']} | {t(r['median'])} | {t(r['mean'])} ± {t(r['stddev'])} | {len(r['times'])} |")
print()
print(f"`desk kb suggest` / `desk show`: {suggest[1]['median'] / suggest[0]['median']:.2f}× (medians, same run)")
print(f"rebuild after one reply / full build: {incr[0]['median'] / full[0]['median']:.3f}×")
print()
print("| export of every ticket | time | max RSS | size |")
print("|---|---|---|---|")
for f in ["ndjson", "csv", "mbox"]:
    secs, kb = open(f"{w}/export-{f}.time").read().split()
    size = int(open(f"{w}/export-{f}.size").read())
    print(f"| `--format {f}` | {float(secs):.1f} s | {int(kb) // 1024} MiB | {size // 1_000_000} MB |")
PY
cat "$OUT"
