# mkbundle.py MUTATION OUT [KEY]: bundle-base.tar.gz (a real bundle from
# t/0500-bundle.sh, signed by a key no case trusts) rewritten with one
# thing wrong, for the bundle cases.  The members are copied byte for
# byte; only the mutation changes.  With KEY, the manifest names KEY as
# its producer ("producer") and is signed again with it, so the reader
# gets past the signature to the mutation.
import gzip, io, json, os, subprocess, sys, tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
mutation, out = sys.argv[1], sys.argv[2]
key = sys.argv[3] if len(sys.argv) > 3 else None
with tarfile.open(os.path.join(HERE, "bundle-base.tar.gz"), "r:gz") as t:
    members = [(m, t.extractfile(m).read() if m.isfile() else None) for m in t.getmembers()]

def info(name, data=b"", kind=tarfile.REGTYPE, link=""):
    i = tarfile.TarInfo(name)
    i.type, i.linkname, i.size, i.mode, i.mtime = kind, link, len(data), 0o644, 1716200000
    return i

def manifest(change):
    for k, (m, d) in enumerate(members):
        if m.name == "manifest.json":
            j = json.loads(d)
            change(j)
            d = json.dumps(j, indent=2).encode() + b"\n"
            m.size = len(d)
            members[k] = (m, d)

extra = []
tail = b""
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
    tail = b"JUNK"
elif mutation != "none":
    sys.exit("unknown mutation " + mutation)

def resign():
    k = [i for i, (m, d) in enumerate(members) if m.name == "manifest.json"][0]
    j = json.loads(members[k][1])
    if mutation != "missing-field" or "producer" in j:
        j["producer"] = {"name": "producer", "fingerprint": key}
    d = json.dumps(j, indent=2).encode() + b"\n"
    members[k][0].size = len(d)
    members[k] = (members[k][0], d)
    sig = subprocess.run(["gpg", "--batch", "--no-tty", "--armor", "--detach-sign",
                          "--local-user", key + "!"], input=d, capture_output=True,
                         check=True).stdout
    for i, (m, _) in enumerate(members):
        if m.name == "manifest.json.asc":
            m.size = len(sig)
            members[i] = (m, sig)

if key:
    resign()

buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
    for m, d in members + extra:
        t.addfile(m, io.BytesIO(d) if d is not None else None)
raw = buf.getvalue() + (b"\0" * 10 if mutation == "trailing-junk" else b"")
if mutation == "trailing-junk":
    raw = raw + b"JUNK"
with open(out, "wb") as f:
    f.write(gzip.compress(raw, mtime=0))
