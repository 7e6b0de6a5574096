#!/usr/bin/env python3
"""check-json-shape.py MAN NAME FILE: FILE (a command's --json output) has
the shape the man page's JSON OUTPUT section gives for NAME ("xsa status").
Every key documented is there, at every level; the top level has no key
the page does not name.  check-json-shape.py MAN --list prints the names."""
import json
import re
import sys

def man_entries(man):
    text = open(man).read().replace("\\-", "-")
    sec = text.split(".SH JSON OUTPUT", 1)[1].split("\n.SH ", 1)[0]
    intro = sec.split("\n.TP", 1)[0]
    m = re.search(r"VERDICT is\s*\n?(\{.*?\}),", intro, re.S)
    names = {"VERDICT": " ".join(m.group(1).split())}
    entries = {}
    for part in sec.split("\n.TP\n")[1:]:
        lines = part.split("\n")
        name = lines[0]
        name = re.sub(r'^\.B\s+', "", name).strip().strip('"')
        body = " ".join(l for l in lines[1:] if not l.startswith("."))
        m = re.match(r"\s*(\{.*\})", body)
        entries[name] = m.group(1) if m else None
    return entries, names

class P:
    def __init__(self, s, names):
        self.s, self.i, self.names = s, 0, names

    def ws(self):
        while self.i < len(self.s) and self.s[self.i] == " ":
            self.i += 1

    def shape(self):
        self.ws()
        c = self.s[self.i]
        if c == "{":
            self.i += 1
            entries = []
            self.ws()
            while self.s[self.i] != "}":
                m = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*").match(self.s, self.i)
                key = m.group(0)
                self.i = m.end()
                self.ws()
                sub = None
                if self.s[self.i] == ":":
                    self.i += 1
                    sub = self.shape()
                entries.append((key, sub))
                self.ws()
                if self.s[self.i] == ",":
                    self.i += 1
                    self.ws()
            self.i += 1
            return ("obj", entries)
        if c == "[":
            self.i += 1
            self.ws()
            sub = None
            if self.s[self.i] != "]":
                sub = self.shape()
            self.ws()
            self.i += 1
            return ("arr", sub)
        m = re.compile(r"[A-Z]+").match(self.s, self.i)
        self.i = m.end()
        return P(self.names[m.group(0)], self.names).shape()

def check(doc, val, path, top, bad):
    if doc is None or val is None:
        return
    kind, sub = doc
    if kind == "arr":
        if not isinstance(val, list):
            bad.append("%s: not an array" % path)
            return
        for k, v in enumerate(val[:3]):
            check(sub, v, "%s[%d]" % (path, k), False, bad)
        return
    if not isinstance(val, dict):
        bad.append("%s: not an object" % path)
        return
    if len(sub) == 1 and sub[0][0].isupper():
        for k, v in val.items():
            check(sub[0][1], v, "%s.%s" % (path, k), False, bad)
        return
    keys = [k for k, _ in sub]
    for k in keys:
        if k not in val:
            bad.append("%s: no key '%s' (documented)" % (path, k))
    if top:
        for k in val:
            if k not in keys:
                bad.append("%s: key '%s' is not in the man page" % (path, k))
    for k, s in sub:
        if k in val:
            check(s, val[k], "%s.%s" % (path, k), False, bad)

entries, names = man_entries(sys.argv[1])
if sys.argv[2] == "--list":
    print("\n".join(sorted(entries)))
    sys.exit(0)
name, f = sys.argv[2], sys.argv[3]
if name not in entries or not entries[name]:
    print("%s: no JSON shape in the man page" % name)
    sys.exit(1)
doc = P(entries[name], names).shape()
bad = []
check(doc, json.load(open(f)), name, True, bad)
if bad:
    print("\n".join(bad))
    sys.exit(1)
