#!/bin/sh
# 20-gzip-choice.sh: zlib against libdeflate, single core, on this tar,
# cut into blocks the way xenstable cuts it (bench/gzchoice.c).  These
# numbers chose the library and level in lib/compress.h (TARBALL.md).
set -eu
. "$BENCH_DIR/lib.sh"

W=$BENCH_OUT/gzip-choice
mkdir -p "$W"
tar=$BENCH_OUT/tarball/tar.tar
if [ ! -f "$tar" ]; then
	PFX=$("$XENSTABLE" -q --source "$BENCH_SRC" tarball "$BENCH_REF" --json -o "$W/probe.tar.gz" |
		sed -n 's/^ *"prefix": "\(.*\)",$/\1/p')
	tar=$W/tar.tar
	git -C "$BENCH_SRC" archive --format=tar --prefix="$PFX" "$BENCH_REF" >"$tar"
fi
cc -O2 -I"$BENCH_DIR/../lib" -o "$W/gzchoice" "$BENCH_DIR/gzchoice.c" \
	"$BENCH_DIR/../lib/deflate-walk.c" $(pkg-config --cflags --libs zlib libdeflate)
{
	printf '## Choosing the deflate library (%s tar, one core, best of 3)\n\n' "$BENCH_KIND"
	"$W/gzchoice" "$tar" ${GZCHOICE_BLOCKS:-2048 4096}
	printf '\n'
} >>"$BENCH_REPORT"
