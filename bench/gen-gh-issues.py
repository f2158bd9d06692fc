#!/usr/bin/env python3
"""Writes a `gh issue list --json number,title,body,state,author,assignees,labels,
comments,createdAt,closedAt,url` array of ISSUES issues with COMMENTS comments in all
(spread unevenly), deterministic for a seed: the input of bench/import.sh.

usage: gen-gh-issues.py ISSUES COMMENTS OUT.json [SEED]"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone

issues, comments, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 7)
start = datetime(2020, 1, 1, tzinfo=timezone.utc)
users = [f"user{i}" for i in range(2000)]
agents = [f"agent{i}" for i in range(40)]
labels = ["bug", "question", "area: printers", "area: vpn", "good first issue", "hardware", "access"]
words = "printer vpn laptop password mail calendar screen keyboard network badge access disk slow error".split()


def text(n):
    return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."


def when(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def person(login):
    return {"id": "U_" + login, "is_bot": False, "login": login, "name": login.title()}


left = comments
with open(out, "w") as f:
    f.write("[")
    for n in range(1, issues + 1):
        created = start + timedelta(minutes=n * 25 + rng.randrange(20))
        k = min(left, rng.randrange(0, 11)) if n < issues else left
        left -= k
        t = created
        cs = []
        for c in range(k):
            t += timedelta(minutes=rng.randrange(5, 600))
            who = rng.choice(agents) if c % 2 == 0 else None
            cs.append({
                "id": f"IC_{n}_{c}",
                "author": {"login": who} if who else {"login": f"user{n % 2000}"},
                "authorAssociation": "MEMBER" if who else "NONE",
                "body": text(rng.randrange(10, 60)),
                "createdAt": when(t),
                "includesCreatedEdit": False, "isMinimized": False, "minimizedReason": "",
                "reactionGroups": [], "url": f"https://github.com/acme/desk/issues/{n}#issuecomment-{n * 100 + c}",
                "viewerDidAuthor": False,
            })
        closed = rng.random() < 0.8
        issue = {
            "assignees": [person(rng.choice(agents))] if rng.random() < 0.7 else [],
            "author": person(f"user{n % 2000}"),
            "body": text(rng.randrange(20, 120)),
            "closedAt": when(t + timedelta(hours=1)) if closed else None,
            "comments": cs,
            "createdAt": when(created),
            "labels": [{"id": "L", "name": l, "description": "", "color": "000000"} for l in rng.sample(labels, rng.randrange(0, 3))],
            "number": n,
            "state": "CLOSED" if closed else "OPEN",
            "title": text(rng.randrange(3, 9)),
            "url": f"https://github.com/acme/desk/issues/{n}",
        }
        if n > 1:
            f.write(",")
        f.write("\n" + json.dumps(issue))
    f.write("\n]\n")
