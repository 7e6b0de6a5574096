#!/usr/bin/env python3
"""check-man.py MAN COMMANDS XENSTABLE: every command listed in COMMANDS has
a .SS section in the man page, and the section documents exactly the long
options its --help shows (besides --help and --json).  Used by 0710-docs."""
import re
import subprocess
import sys

man, cmds, xs = sys.argv[1], sys.argv[2], sys.argv[3]
lines = open(man).read().replace("\\-", "-").splitlines()
sections, cur, tp = {}, None, False
for line in lines:
    m = re.match(r'^\.SS "([^"]*)"', line)
    if m:
        words = m.group(1).split()
        cur = words[0]
        if cur in ("xsa", "bundle", "abi") and len(words) > 1:
            cur += " " + words[1]
        sections.setdefault(cur, set()).update(re.findall(r"--[a-z][a-z0-9-]*", line))
        tp = False
        continue
    if line.startswith(".SH"):
        cur = None
    if cur is not None and tp:
        sections[cur].update(re.findall(r"--[a-z][a-z0-9-]*", line))
    tp = line.startswith(".TP")

bad = []
for c in open(cmds).read().split("\n"):
    if not c:
        continue
    if c not in sections:
        bad.append("%s: no .SS section in the man page" % c)
        continue
    out = subprocess.run([xs] + c.split() + ["--help"], capture_output=True, text=True).stdout
    if c == "help":
        # "help --help" is the main help: its options are GLOBAL OPTIONS.
        continue
    opts = set(re.findall(r"--[a-z][a-z0-9-]*", out)) - {"--help", "--json"}
    doc = sections[c] - {"--help", "--json"}
    if not out:
        bad.append("%s: --help printed nothing" % c)
    if opts - doc:
        bad.append("%s: not in the man page: %s" % (c, " ".join(sorted(opts - doc))))
    if doc - opts:
        bad.append("%s: in the man page but not in --help: %s" % (c, " ".join(sorted(doc - opts))))
if bad:
    print("\n".join(bad))
    sys.exit(1)
