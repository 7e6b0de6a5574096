#!/usr/bin/env python3
"""apply-synth.py: a xen.git-shaped history and an XSA store for the apply bench.

    apply-synth.py OUTDIR [COMMITS [XSAS [PENDING]]]

OUTDIR/src.git is a bare repository made with git fast-import: master,
and stable-4.16 ... stable-4.22 forked from it in turn, each with COMMITS
(default 10,000) commits of its own after its branch point.  OUTDIR/adv
holds XSAS (default 500) advisories in the xenbits layout (unsigned) with
an xsa.json of public times.  Every advisory maps its one patch to
xen-unstable - Xen 4.17.x; the fixes of all but the last PENDING (default
20) are in the history already: the first fifth on master before any
branch point, the rest backported to each supported branch, spread
through its commits.  Everything is fixed (names, dates, contents), so
the same arguments give the same commit ids on every machine.
"""
import hashlib
import os
import subprocess
import sys

out = sys.argv[1]
commits = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
nxsa = int(sys.argv[3]) if len(sys.argv) > 3 else 500
pending = int(sys.argv[4]) if len(sys.argv) > 4 else 20
FIRST = 1001                      # XSA numbers 1001 ...
BRANCHES = ["4.16", "4.17", "4.18", "4.19", "4.20", "4.21", "4.22"]
SUPPORTED = BRANCHES[1:]          # what the advisories map to
T0 = 1609459200                   # 2021-01-01, one commit a minute from here
FILES = 100                       # work files per line of history

xsas = list(range(FIRST, FIRST + nxsa))
on_master = xsas[: nxsa // 5]
backported = xsas[nxsa // 5: nxsa - pending]


def f_text(k, fixed):
    lines = ["/* f%d.c: synthetic code touched by XSA-%d */" % (k, k)]
    lines += ["line %d of f%d" % (i, k) for i in range(2, 21)]
    if fixed:
        lines[9] = "fixed %d: bounds checked" % k
    return "\n".join(lines) + "\n"


def blob_id(text):
    data = text.encode()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def diff(k):
    a, b = f_text(k, False), f_text(k, True)
    al, bl = a.splitlines(), b.splitlines()
    p = "xen/common/f%d.c" % k
    body = ["diff --git a/%s b/%s" % (p, p),
            "index %s..%s 100644" % (blob_id(a)[:7], blob_id(b)[:7]),
            "--- a/%s" % p, "+++ b/%s" % p, "@@ -7,7 +7,7 @@"]
    for i in range(6, 13):
        if i == 9:
            body += ["-" + al[i], "+" + bl[i]]
        else:
            body.append(" " + al[i])
    return "\n".join(body) + "\n"


def subject(k):
    return "xen/common: bound the index in f%d" % k


def message(k):
    return "%s\n\nThe index came from the guest unchecked.\n\nThis is XSA-%d.\n\n" \
           "Signed-off-by: Bench Author <bench@example.org>\n" % (subject(k), k)


class Stream:
    def __init__(self, f):
        self.f = f
        self.mark = 0
        self.t = T0

    def w(self, s):
        self.f.write(s.encode() if isinstance(s, str) else s)

    def data(self, text):
        b = text.encode()
        self.w("data %d\n" % len(b))
        self.w(b)
        self.w("\n")

    def commit(self, ref, msg, files, parent=None):
        self.mark += 1
        self.t += 60
        self.w("commit %s\nmark :%d\n" % (ref, self.mark))
        self.w("author Bench Author <bench@example.org> %d +0000\n" % self.t)
        self.w("committer Bench Committer <committer@example.org> %d +0000\n" % self.t)
        self.data(msg)
        if parent:
            self.w("from :%d\n" % parent)
        for path, text in files:
            self.w("M 100644 inline %s\n" % path)
            self.data(text)
        self.w("\n")
        return self.mark


def build_repo():
    git = os.path.join(out, "src.git")
    subprocess.run(["git", "init", "-q", "--bare", "-b", "master", git], check=True)
    fi = subprocess.Popen(["git", "-C", git, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    s = Stream(fi.stdin)
    root = [("xen/common/f%d.c" % k, f_text(k, False)) for k in xsas]
    root.append(("README", "synthetic tree for xenstable's apply bench\n"))
    tip = s.commit("refs/heads/master", "Import the synthetic tree\n", root)
    n = 0

    def work(ref, name, parent):
        nonlocal n
        n += 1
        path = "xen/work/%s/w%d.c" % (name, n % FILES)
        return s.commit(ref, "%s: work item %d\n" % (name, n),
                        [(path, "/* %s work %d */\nint w%d;\n" % (name, n, n))], parent)

    # master: the first fifth of the fixes, then a stretch before each fork.
    for k in on_master:
        tip = s.commit("refs/heads/master", message(k),
                       [("xen/common/f%d.c" % k, f_text(k, True))], tip)
    forks = {}
    for b in BRANCHES:
        for _ in range(200):
            tip = work("refs/heads/master", "master", tip)
        forks[b] = tip
    for _ in range(200):
        tip = work("refs/heads/master", "master", tip)
    # each branch: COMMITS commits of its own, backports spread through them.
    for b in BRANCHES:
        ref = "refs/heads/stable-" + b
        bt = forks[b]
        fixes = backported if b in SUPPORTED else []
        every = max(1, commits // (len(fixes) + 1))
        pos = {every * (i + 1): k for i, k in enumerate(fixes)}
        for i in range(1, commits + 1):
            k = pos.get(i)
            if k is not None:
                bt = s.commit(ref, message(k), [("xen/common/f%d.c" % k, f_text(k, True))], bt)
            else:
                bt = work(ref, "b" + b.replace(".", ""), bt)
    fi.stdin.close()
    if fi.wait():
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", git, "gc", "-q", "--prune=now"], check=True)


def centre(t):
    return " " * max(0, (70 - len(t)) // 2) + t


def build_advisories():
    adv = os.path.join(out, "adv")
    os.makedirs(adv)
    index = []
    for k in xsas:
        d = os.path.join(adv, str(k))
        os.makedirs(d)
        patch = "From: Bench Author <bench@example.org>\nDate: Thu, 1 Oct 2026 12:00:00 +0000\n" \
                "Subject: [PATCH] %s\n\n%s---\n%s" % (subject(k), message(k).split("\n", 2)[2], diff(k))
        name = "xsa%d.patch" % k
        with open(os.path.join(d, name), "w") as f:
            f.write(patch)
        sha = hashlib.sha256(patch.encode()).hexdigest()
        text = "\n".join([
            centre("Xen Security Advisory XSA-%d" % k), centre("version 1"), "",
            centre("synthetic issue %d" % k), "",
            "ISSUE DESCRIPTION", "=================", "",
            "An index in f%d.c comes from the guest unchecked.  Synthetic, for" % k,
            "xenstable's apply bench.", "",
            "IMPACT", "======", "", "None; nothing runs this code.", "",
            "RESOLUTION", "==========", "",
            "Applying the attached patch fixes this issue.", "",
            "%-22s %s" % (name, "xen-unstable - Xen 4.17.x"), "",
            "$ sha256sum xsa%d*" % k, "%s  %s" % (sha, name), "$", ""])
        with open(os.path.join(d, "advisory-%d.txt" % k), "w") as f:
            f.write(text)
        index.append('{"xsa":"%d","title":"synthetic issue %d","cve":[],"files":[],'
                     '"public_time":"2026-10-01 12:00","version":1,'
                     '"version_time":"2026-10-01 12:00"}' % (k, k))
    with open(os.path.join(adv, "xsa.json"), "w") as f:
        f.write('[{"xsas":[' + ",".join(index) + "]}]\n")


os.makedirs(out, exist_ok=True)
build_repo()
build_advisories()
