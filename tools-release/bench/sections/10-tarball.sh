#!/bin/sh
# 10-tarball.sh: xenstable's release tarballs against what forges and
# release managers use: git archive's own gzip, gzip -9n and pigz.
# Targets (issue 5): size <= git archive --format=tar.gz, wall time
# <= 0.5x of it, xenstable's peak memory < 64 MiB.
set -eu
. "$BENCH_DIR/lib.sh"

W=$BENCH_OUT/tarball
rm -rf "$W"
mkdir -p "$W"
cd "$W"
SRC=$BENCH_SRC
REF=$BENCH_REF
RUNS=$BENCH_RUNS
JOBS=$(nproc)
[ "$JOBS" -gt 2 ] || JOBS=2

# The prefix xenstable chooses, so every command writes the same tar.
"$XENSTABLE" -q --source "$SRC" tarball "$REF" --json -o probe.tar.gz >probe.json
PFX=$(sed -n 's/^ *"prefix": "\(.*\)",$/\1/p' probe.json)
TAR_SHA=$(sed -n 's/^ *"tar_sha256": "\(.*\)",$/\1/p' probe.json)
GA="git -C '$SRC' archive --prefix='$PFX'"
XS="'$XENSTABLE' -q --source '$SRC' tarball '$REF'"

ROWS=$W/rows
: >"$ROWS"
# row NAME LABEL RUNS WARMUP OUTPUT CMD: time it, size it, measure memory.
# (LABEL is markdown: a pipe is written \|.)
row() {
	_n=$1 _l=$2 _r=$3 _w=$4 _o=$5
	shift 5
	echo "bench: tarball: $_l" >&2
	bench_time "$_n" "$_r" "$_w" "$*"
	_size=$(wc -c <"$_o")
	case $_n in
	xs-*)
		# shellcheck disable=SC2086
		eval "bench_xs_rss --source '$SRC' tarball '$REF' ${XS_ARGS:-} -o rss.out"
		_rss="$(md_kib "$XS_RSS") (git archive $(md_kib "$XS_CHILD_RSS"))"
		;;
	*)
		_rss=$(md_kib "$(bench_rss "$*")")
		;;
	esac
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$_n" "$_l" "$T_MEDIAN" "$T_MIN" "$T_SD" \
		"$_size" "$_rss" >>"$ROWS"
}

row tar "git archive --format=tar (the tar stream alone)" "$RUNS" 1 tar.tar \
	"$GA --format=tar '$REF' >tar.tar"
row git-tgz "git archive --format=tar.gz" "$RUNS" 1 git.tar.gz \
	"$GA --format=tar.gz '$REF' >git.tar.gz"
row gzip9 "git archive \| gzip -n -9" "$RUNS" 1 gzip9.tar.gz \
	"$GA --format=tar '$REF' | gzip -n -9 >gzip9.tar.gz"
row pigz9 "git archive \| pigz -n -9" "$RUNS" 1 pigz9.tar.gz \
	"$GA --format=tar '$REF' | pigz -n -9 >pigz9.tar.gz"
row pigz6 "git archive \| pigz -n -6" "$RUNS" 1 pigz6.tar.gz \
	"$GA --format=tar '$REF' | pigz -n -6 >pigz6.tar.gz"
XS_ARGS="--jobs 1" row xs-gz-j1 "xenstable tarball --jobs 1 (.tar.gz)" "$RUNS" 1 xs-j1.tar.gz \
	"$XS --jobs 1 -o xs-j1.tar.gz"
XS_ARGS="--jobs $JOBS" row xs-gz "xenstable tarball --jobs $JOBS (.tar.gz)" "$RUNS" 1 xs.tar.gz \
	"$XS --jobs $JOBS -o xs.tar.gz"
XS_ARGS="--jobs $JOBS --format xz" row xs-xz "xenstable tarball --jobs $JOBS --format xz" 2 0 xs.tar.xz \
	"$XS --jobs $JOBS --format xz -o xs.tar.xz"

# The outputs must be what they claim, or the figures mean nothing.
cmp -s xs-j1.tar.gz xs.tar.gz || { echo "bench: --jobs changed the bytes" >&2; exit 1; }
gzip -t xs.tar.gz
[ "$(sha256sum <tar.tar | cut -d" " -f1)" = "$TAR_SHA" ] ||
	{ echo "bench: tar_sha256 is not git archive's" >&2; exit 1; }
[ "$(gzip -dc xs.tar.gz | sha256sum | cut -d" " -f1)" = "$TAR_SHA" ] ||
	{ echo "bench: xs.tar.gz does not hold the tar" >&2; exit 1; }
[ "$(xz -dc xs.tar.xz | sha256sum | cut -d" " -f1)" = "$TAR_SHA" ] ||
	{ echo "bench: xs.tar.xz does not hold the tar" >&2; exit 1; }

get() {
	awk -F'\t' -v n="$1" -v f="$2" '$1 == n { print $f }' "$ROWS"
}
GIT_T=$(get git-tgz 3)
GIT_S=$(get git-tgz 6)
GZ9_S=$(get gzip9 6)

{
	printf '## Release tarballs (%s, %s files, %s-byte tar)\n\n' "$BENCH_KIND" \
		"$(tar -tf tar.tar | grep -vc '/$')" "$(md_bytes "$(wc -c <tar.tar)")"
	printf '| command | wall (median) | min | sd | bytes | size / git archive | time / git archive | peak RSS |\n'
	printf '|---|---:|---:|---:|---:|---:|---:|---|\n'
	tab=$(printf '\t')
	while IFS=$tab read -r n l med min sd size rss; do
		printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$l" "$(md_secs "$med")" \
			"$(md_secs "$min")" "$(md_secs "$sd")" "$(md_bytes "$size")" \
			"$(md_ratio "$size" "$GIT_S")" "$(md_ratio "$med" "$GIT_T")" "$rss"
	done <"$ROWS"
	XS_T=$(get xs-gz 3)
	XS_S=$(get xs-gz 6)
	XS_M=$(get xs-gz 7 | cut -d" " -f1)
	printf '\nTargets for `xenstable tarball --jobs %s` (.tar.gz):\n\n' "$JOBS"
	awk -v s="$XS_S" -v g="$GIT_S" -v g9="$GZ9_S" 'BEGIN {
		printf "- size <= git archive --format=tar.gz: %s (%d vs %d bytes, %+.2f%%); vs gzip -n -9: %+.2f%%\n",
			s <= g ? "**met**" : "**not met**", s, g, (s - g) * 100 / g, (s - g9) * 100 / g9 }'
	awk -v t="$XS_T" -v g="$GIT_T" 'BEGIN {
		printf "- wall time <= 0.5x git archive --format=tar.gz: %s (%.2f s vs %.2f s: %.2fx)\n",
			t <= 0.5 * g ? "**met**" : "**not met**", t, g, t / g }'
	awk -v m="$XS_M" 'BEGIN {
		printf "- xenstable peak memory < 64 MiB: %s (%d MiB; git archive itself is counted apart)\n",
			m < 64 ? "**met**" : "**not met**", m }'
	printf -- '- the same bytes with --jobs 1 and --jobs %s; tar_sha256 = sha256 of git archive\n\n' "$JOBS"
} >>"$BENCH_REPORT"
