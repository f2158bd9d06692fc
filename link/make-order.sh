#!/usr/bin/env bash
# Writes link/order.txt: the functions of desk's everyday commands, in the order the
# release build lays them out first (see build.rs and the README's design note "Hot
# code together").
#
# Each command runs once under valgrind's callgrind, on a demo helpdesk; every function
# of the desk binary it executed is listed, the first command's functions first, then
# those the next command adds, and so on. Rerun it when a release build's `desk new`
# grows in memory (BENCHMARKS.md, "Short commands"); a stale list costs only locality,
# never correctness.
#
# Needs valgrind (Debian: apt-get install valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
command -v valgrind >/dev/null || { echo "make-order.sh: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
cargo build --release --locked -q
desk=$root/target/release/desk
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME="Ada Agent" GIT_AUTHOR_EMAIL=ada@example.com
export GIT_COMMITTER_NAME="Ada Agent" GIT_COMMITTER_EMAIL=ada@example.com
export NO_COLOR=1
"$desk" demo "$work/hd" >/dev/null 2>&1
cd "$work/hd"
id=$("$desk" list --ndjson --fields id | head -1 | sed 's/.*"id":"\([^"]*\)".*/\1/')

n=0
profile() {
  n=$((n + 1))
  valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/$(printf %02d $n).cg" \
    "$desk" "$@" >/dev/null 2>&1 </dev/null || {
    echo "make-order.sh: desk $* failed" >&2
    exit 1
  }
}
# The order of these lines is the order of the list: the shortest, most frequent
# commands first.
profile new "Printer on floor 3 is jammed" -b "Paper stuck in tray 2."
profile reply "$id" -m "On my way."
profile note "$id" -m "Tray 2 roller is worn."
profile assign "$id" --me
profile status "$id" pending
profile resolve "$id"
profile label "$id" printer
profile set "$id" priority=high
profile show "$id"
profile list
profile list printer
profile log "$id"
profile report

# Callgrind names a function once per file, `fn=(N) NAME` or `cfn=(N) NAME`, and then
# by `fn=(N)` alone; objects likewise with `ob=` and `cob=`. A function ran when it has
# an `fn=` record. Keep the functions whose object is the desk binary, or `???`:
# valgrind names no object for code outside the binary's `.text` section (such as
# the `.text.hot` section this list makes).
python3 - "$work" "$desk" > "$root/link/order.txt" <<'PY'
import glob, re, sys
work, desk = sys.argv[1], sys.argv[2]
seen, order = set(), []
for path in sorted(glob.glob(work + "/*.cg")):
    objs, fns, ob, found = {}, {}, None, []
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"^(c?ob)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if m:
            if m.group(3):
                objs[m.group(2)] = m.group(3)
            if m.group(1) == "ob":
                ob = objs.get(m.group(2))
            continue
        m = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if m:
            if m.group(3):
                fns[m.group(2)] = m.group(3)
            if m.group(1) == "cfn":
                continue
            name = fns.get(m.group(2), "")
            if ob in (desk, "???") and name and not name.startswith(("0x", "(")):
                found.append(name)
    for name in sorted(set(found)):
        if name not in seen:
            seen.add(name)
            order.append(name)
print("\n".join(order))
PY
echo "link/order.txt: $(wc -l < "$root/link/order.txt") functions"
