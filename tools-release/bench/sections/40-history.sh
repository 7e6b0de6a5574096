#!/bin/sh
# 40-history.sh: xsa history, xsa fixed and xsa vulns at xen.git's scale.
#
# On SOURCE (a real xen.git; cloned once into $BENCH_OUT/history-src.git so
# the caches can be written) or, without it, on a generated history of the
# same size (bench/history-synth.py: ~62,000 commits, 500 XSAs, 56 RELEASE
# tags signed by a throwaway key, kept in $BENCH_OUT/history-data), next to
# the plain baseline `git log --all -i --grep=XSA-` in the same run:
#   - xsa history cold (no cache)          target <= 2x the baseline
#   - xsa history warm                     target < 0.2 s
#   - xsa fixed REV warm                   target < 0.2 s
#   - xsa vulns --format osv, every XSA    target < 1 s (warm)
#   - peak memory of a cold run            target < 200 MB
# RELEASE tags verify with the keys in a keyring (GNUPGHOME), as for a
# maintainer: with SOURCE, a private one holding BENCH_XEN_KEY (an exported
# Xen key) when given, else the user's; the generated history's tags are
# signed by a throwaway key pinned in the bench's MAINTAINERS.local.
set -eu
. "$BENCH_DIR/lib.sh"

ROOT=$(cd "$BENCH_DIR/../.." && pwd)
W=$BENCH_OUT/history-work
export LC_ALL=C TZ=UTC GIT_CONFIG_NOSYSTEM=1
unset XENSTABLE_SOURCE GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
rm -rf "$W"
mkdir -p "$W"

if [ "$BENCH_KIND" = real ]; then
	SRC=$BENCH_OUT/history-src.git
	if [ "$(cat "$BENCH_OUT/history-src.stamp" 2>/dev/null)" != "$BENCH_SRC" ]; then
		rm -rf "$SRC"
		git clone -q --bare "$BENCH_SRC" "$SRC"
		echo "$BENCH_SRC" >"$BENCH_OUT/history-src.stamp"
	fi
	MAINT=$ROOT
	if [ -n "${BENCH_XEN_KEY:-}" ]; then
		GNUPGHOME=$W/gnupg && export GNUPGHOME && mkdir -m 700 "$GNUPGHOME" &&
		gpg --batch --import "$BENCH_XEN_KEY" 2>/dev/null
	fi
	REV=$(git -C "$SRC" tag -l 'RELEASE-4.19.*' | sort -V | tail -1)
	what="xen.git ($BENCH_SRC)"
else
	DATA=$BENCH_OUT/history-data
	key=$(cat "$BENCH_DIR/history-synth.py" "$0" | sha256sum | cut -c1-16)
	if [ "$(cat "$DATA/key" 2>/dev/null)" != "$key" ]; then
		echo "bench: generating the xen.git-sized history (once)" >&2
		rm -rf "$DATA" "$DATA.tmp"
		python3 "$BENCH_DIR/history-synth.py" "$DATA.tmp"
		mkdir -m 700 "$DATA.tmp/gnupg"
		(
			GNUPGHOME=$DATA.tmp/gnupg && export GNUPGHOME &&
			gpg --batch --no-tty --passphrase '' --quick-gen-key \
				"Bench Release <release@example.org>" ed25519 sign 2y >/dev/null 2>&1 &&
			fpr=$(gpg --batch --with-colons --list-keys release@example.org |
				awk -F: '/^fpr:/ { print $10; exit }') &&
			gpg --batch --armor --export "$fpr" >"$DATA.tmp/release-key.asc" &&
			echo "$fpr" >"$DATA.tmp/release-fpr" &&
			while read -r name commit; do
				git -C "$DATA.tmp/src.git" -c user.name=Bench -c user.email=release@example.org \
					tag -s -u "$fpr" -m "Xen ${name#RELEASE-}" "$name" "$commit" || exit 1
			done <"$DATA.tmp/tags" &&
			gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1 || true
		)
		mkdir -p "$DATA.tmp/maint/.xenstable"
		cp -R "$ROOT/branches" "$ROOT/MAINTAINERS" "$DATA.tmp/maint/"
		# it stands for the Xen project's key: pinned for advisories and releases
		printf '\nBENCH RELEASE KEY\nM:\tBench Release <release@example.org>\nG:\t%s release *\nG:\t%s advisory\n' \
			"$(cat "$DATA.tmp/release-fpr")" "$(cat "$DATA.tmp/release-fpr")" \
			>"$DATA.tmp/maint/.xenstable/MAINTAINERS.local"
		# a keyring with the public key only: a maintainer's, as it were
		mkdir -m 700 "$DATA.tmp/pubhome"
		GNUPGHOME=$DATA.tmp/pubhome gpg --batch --import "$DATA.tmp/release-key.asc" 2>/dev/null
		echo "$key" >"$DATA.tmp/key"
		mv "$DATA.tmp" "$DATA"
	fi
	SRC=$W/src.git
	cp -a "$DATA/src.git" "$SRC"
	MAINT=$DATA/maint
	GNUPGHOME=$W/pubhome && export GNUPGHOME
	cp -a "$DATA/pubhome" "$GNUPGHOME"
	REV=RELEASE-4.19.5
	what="a generated history (bench/history-synth.py)"
fi

XS="'$XENSTABLE' -q -C '$MAINT' --source '$SRC'"
total=$(git -C "$SRC" rev-list --all --count)
bench_time history-baseline "$BENCH_RUNS" 1 "git -C '$SRC' log --all -i --grep=XSA- >/dev/null"
base=$T_MEDIAN
bench_time history-cold 3 0 "rm -rf '$SRC/xenstable'; $XS xsa history >/dev/null"
cold=$T_MEDIAN
bench_time history-warm "$BENCH_RUNS" 1 "$XS xsa history >/dev/null"
warm=$T_MEDIAN
bench_time history-fixed "$BENCH_RUNS" 1 "$XS xsa fixed $REV >/dev/null"
fixed=$T_MEDIAN
C=$(git -C "$SRC" rev-parse "$REV^{commit}" | cut -c1-10)
bench_time history-fixed-commit "$BENCH_RUNS" 1 "$XS xsa fixed $C >/dev/null"
fixedc=$T_MEDIAN
# A release of a line no branch file names (real xen.git only): read in
# once, then warm from the cache.
OLD_REV=
if git -C "$SRC" rev-parse -q --verify RELEASE-4.7.2 >/dev/null; then
	OLD_REV=RELEASE-4.7.2
	sh -c "$XS xsa fixed $OLD_REV" >/dev/null 2>&1
	bench_time history-fixed-old "$BENCH_RUNS" 1 "$XS xsa fixed $OLD_REV >/dev/null"
	fixedold=$T_MEDIAN
fi
mkdir -p "$W/osv"
sh -c "$XS xsa vulns --format osv -o '$W/osv'" 2>/dev/null
nosv=$(ls "$W/osv" | wc -l)
bench_time history-vulns "$BENCH_RUNS" 1 "$XS xsa vulns --format osv -o '$W/osv'"
vulns=$T_MEDIAN
rm -rf "$SRC/xenstable"
bench_xs_rss -q -C "$MAINT" --source "$SRC" xsa history
rss=$XS_RSS child=$XS_CHILD_RSS
summary=$(sh -c "$XS xsa history" 2>/dev/null | grep -c '^  XSA-' || true)
verified=$(sh -c "$XS xsa history" 2>/dev/null | sed -n 's/^RELEASE tags: //p')
ratio=$(md_ratio "$cold" "$base")
# CPU time (user + system, children included) from hyperfine: what the
# wall-clock ratio means when other jobs share the machine.
cpu() {
	tail -1 "$BENCH_OUT/raw/$1.csv" | awk -F, '{ printf "%.2f", $(NF-3) + $(NF-2) }'
}
cpu_base=$(cpu history-baseline) cpu_cold=$(cpu history-cold) cpu_warm=$(cpu history-warm)
met() {
	awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "yes" : "**no**" }'
}
{
	printf '## XSA history, fixed and vulns at scale\n\n'
	printf 'On %s: %s commits; RELEASE tags %s.\n' "$what" "$(md_bytes "$total")" "$verified"
	printf 'xsa fixed is asked about %s (and its commit %s); xsa vulns writes %s OSV records.\n\n' \
		"$REV" "$C" "$nosv"
	printf '| measurement | median | target | met |\n| --- | --- | --- | --- |\n'
	printf '| git log --all -i --grep=XSA- (baseline) | %s (CPU %s s) | | |\n' "$(md_secs "$base")" "$cpu_base"
	printf '| xsa history, cold (no cache) | %s (CPU %s s) | <= 2x baseline (%sx) | %s |\n' \
		"$(md_secs "$cold")" "$cpu_cold" "$ratio" "$(met "$ratio" 2)"
	printf '| xsa history, warm | %s (CPU %s s) | < 0.2 s | %s |\n' "$(md_secs "$warm")" "$cpu_warm" "$(met "$warm" 0.1999)"
	printf '| xsa fixed %s, warm | %s | < 0.2 s | %s |\n' "$REV" "$(md_secs "$fixed")" "$(met "$fixed" 0.1999)"
	printf '| xsa fixed %s (a commit id), warm | %s | < 0.2 s | %s |\n' "$C" "$(md_secs "$fixedc")" "$(met "$fixedc" 0.1999)"
	[ -z "$OLD_REV" ] ||
		printf '| xsa fixed %s (an older line, cached), warm | %s | < 0.2 s | %s |\n' "$OLD_REV" \
			"$(md_secs "$fixedold")" "$(met "$fixedold" 0.1999)"
	printf '| xsa vulns --format osv, every XSA, warm | %s | < 1 s | %s |\n' "$(md_secs "$vulns")" "$(met "$vulns" 0.999)"
	printf '| peak memory, cold history (xenstable / largest child) | %s / %s | < 200 MB | %s |\n\n' \
		"$(md_kib "$rss")" "$(md_kib "$child")" "$(met "$rss" 204800)"
	printf 'The warm runs read the caches in the source'"'"'s git directory (xenstable/).\n'
	printf 'Times are wall-clock medians on this machine; with other jobs running, compare\n'
	printf 'the ratio to the baseline, which ran in the same minutes.  History lines listed: %s.\n\n' "$summary"
} >>"$BENCH_REPORT"
rm -rf "$W"
