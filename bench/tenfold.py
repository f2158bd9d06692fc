#!/usr/bin/env python3
"""A large helpdesk fast: every ticket of a generated one, ten times under fresh
random ids, in one commit.

    bench/tenfold.py SRC OUT    # SRC: a helpdesk from gen_helpdesk; OUT: a new repository

One commit holds what `gen_helpdesk --tickets 10N` takes hours to import on a
shared machine, for measurements that depend on the tip tree only (`list`,
its indexes and memory, `new` and `reply`), not on history. The objects are
left as `git fast-import` packed them.
"""
import random
import re
import subprocess
import sys

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
ID_LINE = re.compile(rb"^id: .*$", re.M)


def fresh_id(rng, used):
    while True:
        new = "".join(rng.choice(ALPHABET) for _ in range(10))
        if new not in used:
            used.add(new)
            return new


def main(src, out):
    rng = random.Random(1)
    listing = subprocess.run(
        ["git", "-C", src, "ls-tree", "-r", "refs/heads/desk"], capture_output=True, check=True
    ).stdout.decode()
    files = [(line.split()[2], line.split("\t", 1)[1]) for line in listing.splitlines()]
    cat = subprocess.Popen(["git", "-C", src, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    subprocess.run(["git", "init", "-q", out], check=True)
    fast_import = subprocess.Popen(["git", "-C", out, "fast-import", "--quiet", "--done"], stdin=subprocess.PIPE)
    stream, paths, used = fast_import.stdin, [], set()
    for blob, path in files:
        cat.stdin.write(blob.encode() + b"\n")
        cat.stdin.flush()
        size = int(cat.stdout.readline().split()[2])
        data = cat.stdout.read(size)
        cat.stdout.read(1)
        copies = [(data, path)]
        if path.startswith("tickets/"):
            copies = []
            for _ in range(10):
                new = fresh_id(rng, used)
                # Quoted: some ids (`1234567890`, `0x12345678`) would read as numbers.
                line = b"id: '" + new.encode() + b"'"
                copies.append((ID_LINE.sub(line, data, count=1), f"tickets/{new[:2]}/{new}.md"))
        for body, new_path in copies:
            paths.append(new_path)
            stream.write(b"blob\nmark :%d\ndata %d\n" % (len(paths), len(body)) + body + b"\n")
    message = b"tickets of a generated helpdesk, each ten times under new ids\n"
    stream.write(b"commit refs/heads/desk\ncommitter Bench <bench@example.com> 1796990400 +0000\n")
    stream.write(b"data %d\n" % len(message) + message)
    for mark, path in enumerate(paths, 1):
        stream.write(b"M 100644 :%d %s\n" % (mark, path.encode()))
    stream.write(b"\ndone\n")
    stream.close()
    return fast_import.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
