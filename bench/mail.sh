#!/usr/bin/env bash
# Mail gateway benchmark, on the generated helpdesk of 100k tickets with history
# (bench/history.sh's), in a `git clone --shared` copy with a `mail:` section:
# - `desk mail import` of one new message (a fresh Message-ID each run, so each
#   run records it: one commit), warm, beside `desk new` in the same hyperfine
#   run for the ratio;
# - `desk mail send` with nothing to send (the cursor at the tip), warm;
# - `desk mail import --mbox` of 10 000 generated messages (half of them replies
#   to earlier ones), once into the 100k helpdesk and once into an empty one.
#
#   bench/mail.sh                        # Markdown on stdout and in $SCRATCH/mail-results.md
#   RUNS=20 DESK_BENCH_DIR=/var/tmp/b bench/mail.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRATCH=${DESK_BENCH_DIR:-${TMPDIR:-/tmp}/desk-bench}
TICKETS=${TICKETS:-100000}
RUNS=${RUNS:-10}
DESK=$ROOT/target/release/desk
OUT=$SCRATCH/mail-results.md
export DESK_NOW=2026-11-28T12:00:00Z
export DESK_MAIL_KEY=benchmark-signing-key-0123456789

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
need_hyperfine
build_release

generated "h$TICKETS" --tickets "$TICKETS" --history
WORK=$(mktemp -d "$SCRATCH/mail.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# A helpdesk with a `mail:` section: a clone of the generated one, or a new one.
mail_repo() {
    if [ "$2" = generated ]; then
        git clone -q --shared --no-checkout "$SCRATCH/gen/h$TICKETS" "$WORK/$1"
        git -C "$WORK/$1" branch -q desk origin/desk
    else
        git init -q "$WORK/$1"
        (cd "$WORK/$1" && "$DESK" init >/dev/null 2>&1)
    fi
    (
        cd "$WORK/$1"
        git config user.name "Mail Gateway"
        git config user.email support@example.com
        git show desk:desk.yaml >"$WORK/$1.yaml"
        printf 'mail:\n  address: support@example.com\n  per_sender_per_hour: 0\n' >>"$WORK/$1.yaml"
        blob=$(git hash-object -w "$WORK/$1.yaml")
        git read-tree desk
        git update-index --cacheinfo "100644,$blob,desk.yaml"
        commit=$(git commit-tree "$(git write-tree)" -p desk -m "mail")
        git update-ref refs/heads/desk "$commit"
        rm -f .git/index
    )
}

# One message with a Message-ID of its own, on stdout.
cat >"$WORK/message.sh" <<'SH'
#!/bin/sh
printf 'From: Jane Doe <jane@example.org>\r\nTo: support@example.com\r\nSubject: Printer on 3rd floor jams\r\nMessage-ID: <%s.%s@example.org>\r\n\r\nTray 2 again.\r\n' "$(date +%s%N)" "$$"
SH
chmod +x "$WORK/message.sh"

# 10 000 messages, half of them replies (In-Reply-To an earlier one of the last 500).
python3 - >"$WORK/10k.mbox" <<'PY'
import random
random.seed(7)
ids = []
for i in range(10000):
    sender = f"user{random.randrange(2000)}@example.org"
    head = [f"From: User {i} <{sender}>", "To: support@example.com", f"Message-ID: <bench{i}@example.org>"]
    if ids and random.random() < 0.5:
        head += [f"In-Reply-To: <{random.choice(ids[-500:])}>", f"Subject: Re: request {i}"]
    else:
        head.append(f"Subject: request {i}: printer {random.randrange(100)} broken")
    ids.append(f"bench{i}@example.org")
    print(f"From {sender} Mon Nov 30 10:00:00 2026")
    print("\n".join(head) + "\n\nHello,\n\nthe printer is broken again. Please help.\n")
PY

mail_repo big generated
log "building the Message-ID index of the generated history once"
(cd "$WORK/big" && "$WORK/message.sh" | "$DESK" mail import >/dev/null 2>&1)
(cd "$WORK/big" && "$DESK" new "warm-up" -b x >/dev/null 2>&1 && "$DESK" list >/dev/null)

log "timing one message against desk new"
hyperfine --style basic --warmup 3 --runs "$RUNS" --export-json "$WORK/one.json" \
    -n "desk new (for comparison)" \
    "$DESK -C $WORK/big new 'Printer on 3rd floor jams' -b 'Tray 2 again.'" \
    -n "desk mail import (one new message)" \
    --prepare "$WORK/message.sh >$WORK/one.eml" \
    "$DESK -C $WORK/big mail import <$WORK/one.eml" >&2
git -C "$WORK/big" update-ref refs/desk/mail "$(git -C "$WORK/big" rev-parse desk)"

log "timing desk mail send with nothing to send"
hyperfine --style basic --warmup 3 --runs "$RUNS" --export-json "$WORK/send.json" \
    -n "desk mail send (nothing to send)" \
    "DESK_MAIL_TRANSPORT=smtp://127.0.0.1:9 $DESK -C $WORK/big mail send" >&2

log "importing 10 000 messages into the 100k helpdesk and into an empty one"
mail_repo bulk generated
(cd "$WORK/bulk" && "$WORK/message.sh" | "$DESK" mail import >/dev/null 2>&1)
mail_repo empty new
for r in bulk empty; do
    /usr/bin/time -f "%e %M" -o "$WORK/$r.time" "$DESK" -C "$WORK/$r" mail import --mbox "$WORK/10k.mbox" >/dev/null 2>&1
    git -C "$WORK/$r" rev-list --count refs/heads/desk >"$WORK/$r.commits"
done

python3 - "$WORK" >"$OUT" <<'PY'
import json, sys
w = sys.argv[1]
one = json.load(open(f"{w}/one.json"))["results"]
send = json.load(open(f"{w}/send.json"))["results"]
ms = lambda s: f"{s * 1000:.1f} ms"
print("| command | median | mean ± σ | runs |")
print("|---|---|---|---|")
for r in one + send:
    print(f"| {r['command']} | {ms(r['median'])} | {ms(r['mean'])} ± {ms(r['stddev'])} | {len(r['times'])} |")
print()
print(f"`desk mail import` / `desk new`: {one[1]['median'] / one[0]['median']:.2f}× (medians, same run)")
print()
print("| 10 000 messages from an mbox | time | max RSS |")
print("|---|---|---|")
for r, name in [("bulk", "into the 100k helpdesk"), ("empty", "into an empty helpdesk")]:
    secs, kb = open(f"{w}/{r}.time").read().split()
    print(f"| {name} | {float(secs):.1f} s | {int(kb) // 1024} MiB |")
PY
cat "$OUT"
