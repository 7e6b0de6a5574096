# Rewrite a .tar.gz with one more member named "../evil".
import io, sys, tarfile
src = sys.argv[1]
members = []
with tarfile.open(src, "r:gz") as t:
    for m in t.getmembers():
        members.append((m, t.extractfile(m).read() if m.isfile() else None))
with tarfile.open(src, "w:gz", format=tarfile.USTAR_FORMAT) as t:
    for m, data in members:
        t.addfile(m, io.BytesIO(data) if data is not None else None)
    e = tarfile.TarInfo("../evil")
    e.size = 5
    t.addfile(e, io.BytesIO(b"evil\n"))
