#!/usr/bin/env python3
"""bundle-forge.py: backport bundles for the tests, made without xenstable.

It writes the tar headers, the manifest and the gzip stream itself and
signs with gpg directly, so a bug in xenstable's writer cannot hide one
in its reader.  Without --attack the bundle is valid (backports/FORMAT.md);
each attack breaks exactly one rule:

  absolute dotdot symlink hardlink chardev blockdev fifo pax duplicate
  casefold outside bigfile bomb          tar-level attacks
  badjson unknownfield formatv2          manifest attacks (signed by --key)
  hashmismatch othersig                  a patch or the signature swapped
  extension                              a valid bundle with an "x-" field
  prefix namejunk gnumagic setuid        lenient-reader attacks: a name split
  outoforder ascfirst                    with the ustar prefix, NUL then junk
                                         in a name, GNU magic, mode 04777,
                                         entries out of FORMAT.md's order
  comment dupkey nulsubject nulref       manifest text: a comment, a key twice,
  ctlkey c1subject                       a NUL hiding text, control characters

usage: bundle-forge.py OUT --home H --key FPR --producer NAME --base-commit OID
           --patch FILE:ROLE:XSA[:UPSTREAM]... [--xsa N]... [--cve C]...
           [--id UUID] [--revision N] [--embargo ISO|null] [--attack NAME]
           [--sign-home H --sign-key FPR] [--encrypt-to FPR --encrypt-home H]
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import uuid
import zlib

BLOCK = 512


def header(name, size=0, typeflag=b"0", linkname="", prefix="", mode=0o644,
           magic=b"ustar\x0000", raw_name=None):
    h = bytearray(BLOCK)

    def put(off, width, value):
        h[off:off + len(value)] = value[:width]

    def octal(off, width, v):
        put(off, width, b"%0*o\0" % (width - 1, v))

    put(0, 100, raw_name if raw_name is not None else name.encode())
    octal(100, 8, mode)
    octal(108, 8, 0)
    octal(116, 8, 0)
    octal(124, 12, size)
    octal(136, 12, 0)
    put(156, 1, typeflag)
    put(157, 100, linkname.encode())
    put(257, 8, magic)
    put(265, 32, b"root")
    put(297, 32, b"root")
    octal(329, 8, 0)
    octal(337, 8, 0)
    put(345, 155, prefix.encode())
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def entry(name, data=b"", typeflag=b"0", linkname="", **kw):
    pad = (-len(data)) % BLOCK
    return header(name, len(data), typeflag, linkname, **kw) + data + b"\0" * pad


def end_of_archive(body):
    out = body + b"\0" * (2 * BLOCK)
    return out + b"\0" * ((-len(out)) % 10240)


def gpg(home, *args, data=None):
    r = subprocess.run(["gpg", "--homedir", home, "--batch", "--no-tty", "--yes"] + list(args),
                       input=data, capture_output=True)
    if r.returncode:
        sys.exit("gpg failed: " + r.stderr.decode(errors="replace"))
    return r.stdout


def sign(home, key, data):
    return gpg(home, "--local-user", key + "!", "--digest-algo", "SHA256", "--armor",
               "--detach-sign", "--output", "-", data=data)


def gzip_bytes(data):
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    return c.compress(data) + c.flush()


def bomb_gzip(tar, zeros_mib):
    """tar then zeros_mib MiB of zeros, as one gzip member, cheaply: after a
    full flush deflate output does not depend on what came before, so one
    compressed MiB of zeros can be repeated."""
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = raw.compress(tar) + raw.flush(zlib.Z_FULL_FLUSH)
    mib = bytes(1 << 20)
    chunk = raw.compress(mib) + raw.flush(zlib.Z_FULL_FLUSH)
    tail = raw.flush(zlib.Z_FINISH)
    crc = zlib.crc32(tar)
    for _ in range(zeros_mib):
        crc = zlib.crc32(mib, crc)
    size = (len(tar) + zeros_mib * (1 << 20)) & 0xffffffff
    gz_head = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
    return (gz_head + head + chunk * zeros_mib + tail + crc.to_bytes(4, "little") +
            size.to_bytes(4, "little"))


def subject_of(text):
    m = re.search(r"^Subject: (?:\[[^]]*\] *)*(.*(?:\n[ \t].*)*)", text, re.M)
    return re.sub(r"\s*\n[ \t]+", " ", m.group(1)).strip() if m else "patch"


def slug(s):
    s = re.sub(r"[^A-Za-z0-9._]+", "-", s).strip("-.")
    return s[:52].rstrip("-.") or "patch"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--home", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--producer", required=True)
    ap.add_argument("--branch", default="4.16")
    ap.add_argument("--base-ref", default="stable-4.16")
    ap.add_argument("--base-commit", required=True)
    ap.add_argument("--xsa", type=int, action="append", default=[])
    ap.add_argument("--cve", action="append", default=[])
    ap.add_argument("--patch", action="append", default=[])
    ap.add_argument("--id", default=None)
    ap.add_argument("--revision", type=int, default=1)
    ap.add_argument("--embargo", default="null")
    ap.add_argument("--created", default="2024-05-20T10:00:00Z")
    ap.add_argument("--attack", default="none")
    ap.add_argument("--sign-home")
    ap.add_argument("--sign-key")
    ap.add_argument("--encrypt-to")
    ap.add_argument("--encrypt-home")
    a = ap.parse_args()

    patches = []
    for i, spec in enumerate(a.patch, 1):
        parts = spec.split(":")
        data = open(parts[0], "rb").read()
        subj = subject_of(data.decode())
        patches.append({
            "name": "patches/%04d-%s.patch" % (i, slug(subj)),
            "role": parts[1], "xsa": int(parts[2]),
            "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
            "upstream_commit": parts[3] if len(parts) > 3 and parts[3] else None,
            "subject": subj, "data": data,
        })
    manifest = {
        "format": "xenstable-backport-bundle",
        "format_version": 1,
        "id": a.id or str(uuid.uuid4()),
        "revision": a.revision,
        "producer": {"name": a.producer, "fingerprint": a.key},
        "created": a.created,
        "branch": a.branch,
        "base": {"ref": a.base_ref, "commit": a.base_commit},
        "embargo_until": None if a.embargo == "null" else a.embargo,
        "xsas": a.xsa or sorted({p["xsa"] for p in patches}),
        "cves": a.cve,
        "files": [{k: v for k, v in p.items() if k != "data"} for p in patches],
        "tested": {"applied": True, "built": False, "booted": False},
    }
    if a.attack == "unknownfield":
        manifest["frobnicate"] = True
    if a.attack == "extension":
        manifest["x-note"] = {"tested-on": "a laptop"}
    if a.attack == "formatv2":
        manifest["format_version"] = 2
    if a.attack == "ctlkey":
        manifest["x-\x1b[2J"] = "cleared"
    if a.attack == "c1subject":
        manifest["files"][0]["subject"] += "\x9b" + "31m red"
    text = (json.dumps(manifest, indent=2) + "\n").encode()
    if a.attack == "badjson":
        text = text.replace(b'"revision":', b'"revision"', 1)
    if a.attack == "comment":
        text = text.replace(b"{\n", b"{\n  /* a comment is not JSON */\n", 1)
    if a.attack == "dupkey":
        text = text.replace(b"{\n", b'{\n  "embargo_until": null,\n', 1)
    if a.attack == "nulsubject":
        text = re.sub(rb'("subject": "[^"]*)"', rb'\1\\u0000 and a part only some readers see"',
                      text, count=1)
    if a.attack == "nulref":
        text = text.replace(b'"ref": "' + a.base_ref.encode(),
                            b'"ref": "' + a.base_ref.encode() + b"\\u0000../../hidden", 1)
    sig_home, sig_key = a.sign_home or a.home, a.sign_key or a.key
    sig = sign(sig_home, sig_key, text)
    if a.attack == "othersig":
        other = dict(manifest, revision=manifest["revision"] + 1)
        sig = sign(sig_home, sig_key, (json.dumps(other, indent=2) + "\n").encode())

    kw = {"magic": b"ustar  \0"} if a.attack == "gnumagic" else {}
    if a.attack == "namejunk":
        mjson = entry("manifest.json", text, raw_name=b"manifest.json\0../../hidden", **kw)
    else:
        mjson = entry("manifest.json", text, **kw)
    masc = entry("manifest.json.asc", sig, **kw)
    body = masc + mjson if a.attack == "ascfirst" else mjson + masc
    first = patches[0]["name"]
    pbodies = []
    for i, p in enumerate(patches):
        data = p["data"]
        if a.attack == "hashmismatch" and i == len(patches) - 1:
            data = data.replace(b"return -EINVAL;", b"return 0;      ", 1)
        pkw = dict(kw)
        name = p["name"]
        if a.attack == "prefix" and i == 0:
            pkw["prefix"], name = name.split("/", 1)
        if a.attack == "setuid" and i == 0:
            pkw["mode"] = 0o4777
        pbodies.append(entry(name, data, **pkw))
    if a.attack == "outoforder":
        pbodies.reverse()
    body += b"".join(pbodies)
    extra = {
        "absolute": lambda: entry("/tmp/xenstable-owned.patch", b"owned\n"),
        "dotdot": lambda: entry("patches/../../owned.patch", b"owned\n"),
        "symlink": lambda: entry("patches/0009-link.patch", typeflag=b"2", linkname="/etc/passwd"),
        "hardlink": lambda: entry("patches/0009-link.patch", typeflag=b"1", linkname="manifest.json"),
        "chardev": lambda: entry("patches/0009-dev.patch", typeflag=b"3"),
        "blockdev": lambda: entry("patches/0009-dev.patch", typeflag=b"4"),
        "fifo": lambda: entry("patches/0009-fifo.patch", typeflag=b"6"),
        "pax": lambda: entry("PaxHeader", b"30 path=patches/../../x.patch\n", typeflag=b"x")
                       + entry("patches/0009-x.patch", b"x\n"),
        "duplicate": lambda: entry(first, b"replaced\n"),
        "casefold": lambda: entry(first.replace("patches/0001-h", "patches/0001-H"), b"x\n"),
        "outside": lambda: entry("README", b"not a patch\n"),
        "bigfile": lambda: entry("patches/0009-big.patch", bytes(17 << 20)),
    }
    if a.attack in extra:
        body += extra[a.attack]()
    tar = end_of_archive(body)
    out = bomb_gzip(tar, 1024) if a.attack == "bomb" else gzip_bytes(tar)
    if a.encrypt_to:
        out = gpg(a.encrypt_home or a.home, "--trust-model", "always", "--recipient",
                  a.encrypt_to, "--output", "-", "--encrypt", data=out)
    with open(a.out, "wb") as f:
        f.write(out)
    print(manifest["id"])


main()
