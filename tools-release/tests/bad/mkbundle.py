# mkbundle.py MUTATION OUT [KEY]: bundle-base.tar.gz (a real bundle from
# t/0500-bundle.sh, signed by a key no case trusts) rewritten with one
# thing wrong, for the bundle cases.  The members are copied byte for
# byte; only the mutation changes.  With KEY, the manifest names KEY as
# its producer ("producer") and is signed again with it, so the reader
# gets past the signature to the mutation.
#
# Mutations, in four groups:
#   tar entries    symlink traversal absolute case-duplicate extra-file
#                  too-big unlisted-patch trailing-junk
#   tar headers    tar-prefix tar-name-junk tar-gnu-magic tar-setuid
#                  tar-out-of-order (raw edits of the headers written)
#   manifest       unknown-field format-version missing-field bad-hash
#                  bad-date (as JSON); comment duplicate-key nul-subject
#                  control-subject (as text, after JSON)
#   patches        patch-symlink patch-binary patch-rename-dotgit
#                  patch-dotgit-upper patch-dotgit-nested patch-diff-line
#                  (the patch changed, the manifest's sha256 and size too)
import gzip, hashlib, io, json, os, re, subprocess, sys, tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
mutation, out = sys.argv[1], sys.argv[2]
key = sys.argv[3] if len(sys.argv) > 3 else None
with tarfile.open(os.path.join(HERE, "bundle-base.tar.gz"), "r:gz") as t:
    members = [(m, t.extractfile(m).read() if m.isfile() else None) for m in t.getmembers()]

def info(name, data=b"", kind=tarfile.REGTYPE, link=""):
    i = tarfile.TarInfo(name)
    i.type, i.linkname, i.size, i.mode, i.mtime = kind, link, len(data), 0o644, 1716200000
    i.uname = i.gname = "root"
    return i

def index_of(name):
    return [k for k, (m, _) in enumerate(members) if m.name == name][0]

def set_data(name, d):
    k = index_of(name)
    members[k][0].size = len(d)
    members[k] = (members[k][0], d)

manifest_json = json.loads(members[index_of("manifest.json")][1])

def manifest(change):
    change(manifest_json)

extra = []
text_edit = None
header_edit = None
if mutation == "symlink":
    extra.append((info("patches/0003-link.patch", kind=tarfile.SYMTYPE, link="/etc/passwd"), None))
elif mutation == "traversal":
    extra.append((info("../evil.patch", b"x\n"), b"x\n"))
elif mutation == "absolute":
    extra.append((info("/tmp/evil.patch", b"x\n"), b"x\n"))
elif mutation == "case-duplicate":
    m, d = members[0]
    extra.append((info(m.name.upper(), d), d))
elif mutation == "extra-file":
    extra.append((info("README", b"hello\n"), b"hello\n"))
elif mutation == "too-big":
    big = b"\0" * (17 << 20)
    extra.append((info("patches/0009-big.patch", big), big))
elif mutation == "unknown-field":
    manifest(lambda j: j.__setitem__("surprise", 1))
elif mutation == "format-version":
    manifest(lambda j: j.__setitem__("format_version", 2))
elif mutation == "missing-field":
    manifest(lambda j: j.pop("branch"))
elif mutation == "bad-hash":
    manifest(lambda j: j["files"][0].__setitem__("sha256", "0" * 64))
elif mutation == "bad-date":
    manifest(lambda j: j.__setitem__("created", "yesterday"))
elif mutation == "unlisted-patch":
    extra.append((info("patches/0003-extra.patch", b"diff\n"), b"diff\n"))
elif mutation == "trailing-junk":
    pass
elif mutation == "comment":
    text_edit = lambda t: t.replace(b"{\n", b"{\n  /* not JSON */\n", 1)
elif mutation == "duplicate-key":
    text_edit = lambda t: t.replace(b"{\n", b'{\n  "embargo_until": null,\n', 1)
elif mutation == "nul-subject":
    text_edit = lambda t: re.sub(rb'("subject": "[^"]*)"', rb'\1\\u0000, hidden"', t, count=1)
elif mutation == "control-subject":
    text_edit = lambda t: re.sub(rb'("subject": ")', rb'\1\\u001b[2J', t, count=1)
elif mutation.startswith("tar-"):
    header_edit = mutation
elif mutation.startswith("patch-"):
    name = manifest_json["files"][-1]["name"]
    d = members[index_of(name)][1]
    f = b"hypervisor/common/event_channel.c"
    before_sig = d.rindex(b"\n-- \n") + 1
    added = {
        "patch-symlink": b"diff --git a/hypervisor/l b/hypervisor/l\nnew file mode 120000\n"
                         b"index 0000000..1111111\n--- /dev/null\n+++ b/hypervisor/l\n"
                         b"@@ -0,0 +1 @@\n+/etc/passwd\n\\ No newline at end of file\n",
        "patch-binary": b"diff --git a/hypervisor/b.bin b/hypervisor/b.bin\nnew file mode 100644\n"
                        b"index 0000000..e69de29\nGIT binary patch\nliteral 4\n"
                        b"LcmZ?wbaM;<0RR91\n\nliteral 0\nHcmV?d00001\n\n",
        "patch-rename-dotgit": b"diff --git a/README b/.git/x\nsimilarity index 100%\n"
                               b"rename from README\nrename to .git/x\n",
    }
    if mutation in added:
        d = d[:before_sig] + added[mutation] + d[before_sig:]
    elif mutation == "patch-dotgit-upper":
        d = d.replace(f, b".GIT/config")
    elif mutation == "patch-dotgit-nested":
        d = d.replace(f, b"hypervisor/.git./config")
    elif mutation == "patch-diff-line":
        d = re.sub(rb"^diff --git a/\S+ b/\S+$", b"diff --git a/../outside b/../outside", d,
                   count=1, flags=re.M)
    else:
        sys.exit("unknown mutation " + mutation)
    set_data(name, d)
    def fix(j):
        j["files"][-1]["sha256"] = hashlib.sha256(d).hexdigest()
        j["files"][-1]["size"] = len(d)
    manifest(fix)
elif mutation != "none":
    sys.exit("unknown mutation " + mutation)

if key:
    if mutation != "missing-field" or "producer" in manifest_json:
        manifest_json["producer"] = {"name": "producer", "fingerprint": key}
if key or manifest_json != json.loads(members[index_of("manifest.json")][1]):
    text = json.dumps(manifest_json, indent=2).encode() + b"\n"
else:
    text = members[index_of("manifest.json")][1]
if text_edit:
    text = text_edit(text)
    assert text != members[index_of("manifest.json")][1]
set_data("manifest.json", text)
if key:
    sig = subprocess.run(["gpg", "--batch", "--no-tty", "--armor", "--detach-sign",
                          "--local-user", key + "!"], input=text, capture_output=True,
                         check=True).stdout
    set_data("manifest.json.asc", sig)

buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
    for m, d in members + extra:
        t.addfile(m, io.BytesIO(d) if d is not None else None)
raw = bytearray(buf.getvalue())

def headers(raw):
    """Offsets of the headers of a tar (up to the end-of-archive blocks)."""
    off = 0
    while off + 512 <= len(raw) and any(raw[off:off + 512]):
        yield off
        size = int(bytes(raw[off + 124:off + 136]).strip(b"\0 ") or b"0", 8)
        off += 512 + (size + 511) // 512 * 512

def rechecksum(raw, off):
    raw[off + 148:off + 156] = b" " * 8
    raw[off + 148:off + 156] = b"%06o\0 " % sum(raw[off:off + 512])

if header_edit:
    hs = list(headers(raw))
    if header_edit == "tar-prefix":
        # patches/0001-....patch written as prefix "patches", name "0001-....patch"
        h = hs[2]
        name = bytes(raw[h:h + 100]).rstrip(b"\0")
        raw[h:h + 100] = name[len(b"patches/"):].ljust(100, b"\0")
        raw[h + 345:h + 500] = b"patches".ljust(155, b"\0")
    elif header_edit == "tar-name-junk":
        h = hs[0]
        raw[h + len(b"manifest.json") + 1:h + 100] = b"../../hidden".ljust(100 - 14, b"\0")
    elif header_edit == "tar-gnu-magic":
        for h in hs:
            raw[h + 257:h + 265] = b"ustar  \0"
    elif header_edit == "tar-setuid":
        h = hs[2]
        raw[h + 100:h + 108] = b"0004777\0"
    elif header_edit == "tar-out-of-order":
        # the two patches swapped, each with its data
        a, b = hs[2], hs[3]
        size = int(bytes(raw[b + 124:b + 136]).strip(b"\0 "), 8)
        end = b + 512 + (size + 511) // 512 * 512
        raw[a:end] = raw[b:end] + raw[a:b]
    else:
        sys.exit("unknown mutation " + header_edit)
    for h in headers(raw):
        rechecksum(raw, h)
if mutation == "trailing-junk":
    raw += b"\0" * 10 + b"JUNK"
with open(out, "wb") as f:
    f.write(gzip.compress(bytes(raw), mtime=0))
