#!/bin/sh
# 40-bundle-bomb.sh: an encrypted bundle that is a compression bomb.
#
# Anyone with a member's public key can make one: $BENCH_BOMB_GIB (2) GiB
# of zeros, bzip2-compressed inside the OpenPGP encryption, a few KB on
# disk.  bundle verify must refuse it at the 64 MiB decryption limit with
# gpg stopped there, not after reading gpg's output to the end (issue 15,
# hole 9: 46-48 s of CPU for 8 GiB).  Target: under 2 s, whatever the
# bomb's size.  The bomb is made once (about 20 s per GiB) and kept in
# $BENCH_OUT/bundle-bomb.
set -eu
. "$BENCH_DIR/lib.sh"

GIB=${BENCH_BOMB_GIB:-2}
ROOT=$(cd "$BENCH_DIR/../.." && pwd)
W=$BENCH_OUT/bundle-bomb
export LC_ALL=C TZ=UTC GIT_CONFIG_NOSYSTEM=1
unset XENSTABLE_SOURCE GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
export GNUPGHOME=$W/gnupg

if [ "$(cat "$W/key" 2>/dev/null)" != "$GIB" ]; then
	echo "bench: making a ${GIB} GiB bzip2 bomb inside an encrypted bundle (once)" >&2
	rm -rf "$W"
	mkdir -p "$W/maint" && mkdir -m 700 "$GNUPGHOME"
	gpg --batch --no-tty --passphrase '' --quick-gen-key "Bench Member <member@bench.invalid>" \
		ed25519 sign never 2>/dev/null
	fpr=$(gpg --batch --with-colons --list-keys "<member@bench.invalid>" |
		awk -F: '/^fpr:/ { print $10; exit }')
	gpg --batch --no-tty --passphrase '' --quick-add-key "$fpr" cv25519 encr never 2>/dev/null
	(cd "$ROOT" && git ls-files -z branches MAINTAINERS SUPPORT.md xsa/README.md |
		xargs -0 tar -cf -) | (cd "$W/maint" && tar -xf -)
	mkdir -p "$W/maint/backports/members" "$W/maint/.xenstable"
	gpg --batch --armor --export "$fpr" >"$W/maint/backports/members/member.asc"
	printf '\nBENCH MEMBER\nM:\tBench Member <member@bench.invalid>\nG:\t%s backport member\n' \
		"$fpr" >>"$W/maint/.xenstable/MAINTAINERS.local"
	head -c "$((GIB << 30))" /dev/zero |
		gpg --batch --no-tty --trust-model always --compress-algo bzip2 -z 9 -r "$fpr" \
			-e -o "$W/bomb.tar.gz.gpg"
	echo "$GIB" >"$W/key"
fi
size=$(wc -c <"$W/bomb.tar.gz.gpg")

# It must be refused (exit 3) for the timing to mean anything.
rc=0
"$XENSTABLE" -C "$W/maint" bundle verify "$W/bomb.tar.gz.gpg" 2>"$BENCH_OUT/raw/bomb.err" || rc=$?
if [ "$rc" -ne 3 ] || ! grep -q "decrypts to more than" "$BENCH_OUT/raw/bomb.err"; then
	cat "$BENCH_OUT/raw/bomb.err" >&2
	echo "bench: the bomb was not refused at the limit (exit $rc)" >&2
	exit 1
fi
bench_time bundle-bomb "$BENCH_RUNS" 1 \
	"'$XENSTABLE' -C '$W/maint' bundle verify '$W/bomb.tar.gz.gpg' 2>/dev/null; test \$? -eq 3"
ok=no
awk -v t="$T_MEDIAN" 'BEGIN { exit !(t < 2) }' && ok=yes
{
	printf '## Bundle: an encrypted compression bomb\n\n'
	printf '| bomb | file | bundle verify (median) | target < 2 s |\n'
	printf '| --- | --- | --- | --- |\n'
	printf '| %s GiB of zeros, bzip2 inside OpenPGP | %s bytes | %.2f s (exit 3 at 64 MiB) | %s |\n\n' \
		"$GIB" "$(md_bytes "$size")" "$T_MEDIAN" "$ok"
} >>"$BENCH_REPORT"
