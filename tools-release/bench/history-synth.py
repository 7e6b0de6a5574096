#!/usr/bin/env python3
"""history-synth.py: a history the size and shape of xen.git's, for the
xsa history bench.

    history-synth.py OUTDIR [MASTER [OWN [XSAS]]]

OUTDIR/src.git (bare, made with git fast-import) gets master with MASTER
(default 50,000) commits, stable-4.16 ... stable-4.22 forked from it in
turn with OWN (default 500) commits each after the fork, and stable-4.10
... stable-4.15 (old branches nobody maintains, 1,400 commits each) so
that the whole repository has about 62,000 commits, like xen.git.  Commit
messages are about as long as xen.git's (some 450 bytes).

XSAS (default 500) XSAs: fixed on master in one to three commits ("This
is XSA-N / CVE-...", "This is part of XSA-N."), spread over its history;
those after a branch's fork are backported to it ("master commit:" or
"(cherry picked from commit ...)", one in ten without the statement);
branches carry reverts of master commits; a few commits mention XSAs in
prose.
Each branch has RELEASE-X.Y.Z tags every 70 commits (annotated; the
caller signs them).  Names, dates and contents are fixed, so the same
arguments give the same commit ids everywhere.
"""
import os
import subprocess
import sys

out = sys.argv[1]
MASTER = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
OWN = int(sys.argv[3]) if len(sys.argv) > 3 else 500
NXSA = int(sys.argv[4]) if len(sys.argv) > 4 else 500
BRANCHES = ["4.16", "4.17", "4.18", "4.19", "4.20", "4.21", "4.22"]
OLD = ["4.10", "4.11", "4.12", "4.13", "4.14", "4.15"]
T0 = 1262304000          # 2010-01-01
FILES = 400
PARA = ("The code trusted a value that a guest controls.  Check it where it is "
        "read, and keep the\nold behaviour for callers that passed a valid one. "
        "No functional change for\nwell-behaved guests; the slow path is taken "
        "at most once per domain.\n")


def body(subject, extra):
    return "%s\n\n%s\n%sSigned-off-by: Bench Author <bench@example.org>\n" \
           "Reviewed-by: Bench Reviewer <review@example.org>\n" % (subject, PARA, extra)


class Importer:
    def __init__(self, git, import_marks=None):
        args = ["git", "-C", git, "fast-import", "--quiet", "--export-marks=" + git + "/marks"]
        if import_marks:
            args.append("--import-marks=" + import_marks)
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE)
        self.f = self.p.stdin

    def w(self, s):
        self.f.write(s.encode() if isinstance(s, str) else s)

    def data(self, text):
        b = text.encode()
        self.w("data %d\n" % len(b))
        self.w(b)
        self.w("\n")

    def commit(self, mark, ref, t, msg, parent, path, content):
        self.w("commit %s\nmark :%d\n" % (ref, mark))
        self.w("author Bench Author <bench@example.org> %d +0000\n" % t)
        self.w("committer Bench Committer <committer@example.org> %d +0000\n" % t)
        self.data(msg)
        if parent:
            self.w("from :%d\n" % parent)
        self.w("M 100644 inline %s\n" % path)
        self.data(content)
        self.w("\n")

    def done(self):
        self.f.close()
        if self.p.wait():
            sys.exit("git fast-import failed")


def marks(git):
    m = {}
    with open(git + "/marks") as f:
        for line in f:
            k, v = line.split()
            m[int(k[1:])] = v
    return m


def main():
    git = os.path.join(out, "src.git")
    subprocess.run(["git", "init", "-q", "--bare", "-b", "master", git], check=True)
    # --- master: XSA fixes spread over it, forks at fixed points ---------
    fi = Importer(git)
    xsa_at = {}                 # master index -> (xsa, part, parts)
    step = MASTER // (NXSA + 1)
    for n in range(NXSA):
        x = 100 + n
        parts = 1 + (n % 7 == 0) + (n % 13 == 0)
        for p in range(parts):
            xsa_at[step * (n + 1) + p] = (x, p, parts)
    forks = {b: int(MASTER * (0.55 + 0.06 * i)) for i, b in enumerate(BRANCHES)}
    old_forks = {b: int(MASTER * (0.2 + 0.05 * i)) for i, b in enumerate(OLD)}
    fork_at = {v: k for k, v in list(forks.items()) + list(old_forks.items())}
    master_xsa = {}             # xsa -> [(mark, index, subject)]
    t = T0
    for i in range(1, MASTER + 1):
        t += 300
        path = "xen/common/f%d.c" % (i % FILES)
        if i in xsa_at:
            x, p, parts = xsa_at[i]
            subj = "x86/mm: bound the request of XSA %d part %d" % (x, p)
            stmt = ("This is XSA-%d / CVE-2020-%05d.\n\n" % (x, x) if parts == 1
                    else "This is part of XSA-%d.\n\n" % x)
            msg = body(subj, stmt)
            master_xsa.setdefault(x, []).append((i, subj))
        elif i % 1009 == 0:
            msg = body("x86: tidy after an earlier fix",
                       "XSA-%d addressed the same area; this is no fix.\n\n" % (100 + (i % NXSA)))
        else:
            msg = body("tools: work item %d" % i, "")
        fi.commit(i, "refs/heads/master", t, msg, i - 1 if i > 1 else None, path,
                  "/* %d */\nint v%d;\n" % (i, i))
    fi.done()
    m = marks(git)
    # --- branches ------------------------------------------------------------
    fi = Importer(git, git + "/marks")
    mark = MASTER
    tags = []
    for bi, b in enumerate(BRANCHES + OLD):
        fork = forks.get(b) or old_forks[b]
        own = OWN if b in BRANCHES else 1400
        ref = "refs/heads/stable-" + b
        tip = fork
        # the XSAs fixed on master after the fork, backported in order
        later = sorted(x for x, v in master_xsa.items() if v[0][0] > fork)
        backports = []
        for x in later:
            for k, (idx, subj) in enumerate(master_xsa[x]):
                backports.append((x, idx, subj, k))
        every = max(1, own // (len(backports) + 1))
        queue = {every * (q + 1): bp for q, bp in enumerate(backports)}
        point = 0
        t = T0 + fork * 300
        for i in range(1, own + 1):
            mark += 1
            t += 600
            bp = queue.get(i)
            if bp:
                x, idx, subj, k = bp
                src = m[idx]
                if (x + k) % 10 == 0:
                    stmt = ""       # marker-less: only the link says it
                else:
                    stmt = "This is part of XSA-%d.\n\n" % x
                if (x + k) % 2:
                    link = "master commit: %s\nmaster date: 2026-01-01 00:00:00 +0000\n" % src
                else:
                    link = "(cherry picked from commit %s)\n" % src
                msg = body(subj, stmt) + link
            elif i % 97 == 0:
                # the backport of a master revert (of a work item)
                msg = body("Revert \"tools: work item %d\"" % (fork - i),
                           "This reverts commit %s.\n\n" % m[max(1, fork - i)])
            else:
                msg = body("%s: backport of a fix, item %d" % (b, i),
                           "") + "master commit: %s\nmaster date: 2026-01-01 00:00:00 +0000\n" \
                    % m[max(1, fork - i)]
            fi.commit(mark, ref, t, msg, tip, "xen/b%s/f%d.c" % (b, i % 50),
                      "/* %s %d */\n" % (b, i))
            tip = mark
            if b in BRANCHES and (i == 20 or i % 70 == 0):
                tags.append(("RELEASE-%s.%d" % (b, point), mark))
                point += 1
    fi.done()
    m = marks(git)
    with open(os.path.join(out, "tags"), "w") as f:
        for name, mk in tags:
            f.write("%s %s\n" % (name, m[mk]))
    os.unlink(git + "/marks")
    subprocess.run(["git", "-C", git, "gc", "-q", "--prune=now"], check=True)
    _ = fork_at


main()
