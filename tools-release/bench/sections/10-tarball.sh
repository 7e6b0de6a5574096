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

# Paired runs: git archive --format=tar.gz and xenstable alternate (which
# goes first alternates too), so a machine that speeds up or slows down
# during the bench, as shared VMs do, moves both sides of each ratio.
# The time target is judged on the median of these per-pair ratios.
PAIRS=${BENCH_PAIRS:-$((RUNS * 2))}
one_time() {	# one_time NAME CMD: seconds for one run of CMD
	_n=$1
	shift
	hyperfine --style none --runs 1 --export-csv "$BENCH_OUT/raw/$_n.csv" "$*" \
		>/dev/null 2>"$BENCH_OUT/raw/$_n.err" || { cat "$BENCH_OUT/raw/$_n.err" >&2; return 1; }
	tail -1 "$BENCH_OUT/raw/$_n.csv" | awk -F, '{ print $(NF-6) }'
}
echo "bench: tarball: $PAIRS alternating pairs of git archive and xenstable" >&2
: >"$W/pairs"
i=0
while [ "$i" -lt "$PAIRS" ]; do
	if [ $((i % 2)) -eq 0 ]; then
		g=$(one_time pair-git "$GA --format=tar.gz '$REF' >git.tar.gz")
		x=$(one_time pair-xs "$XS --jobs $JOBS -o xs.tar.gz")
	else
		x=$(one_time pair-xs "$XS --jobs $JOBS -o xs.tar.gz")
		g=$(one_time pair-git "$GA --format=tar.gz '$REF' >git.tar.gz")
	fi
	echo "$g $x" >>"$W/pairs"
	i=$((i + 1))
done
# median, min and max of xs/git over the pairs; medians of each side
PAIRED=$(awk '{ r[NR] = $2 / $1; g[NR] = $1; x[NR] = $2 }
	function med(a, n,   i, j, t) {
		for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
	END { m = med(r, NR); printf "%.3f %.3f %.3f %.3f %.3f %d", m, r[1], r[NR], med(g, NR), med(x, NR), NR }' "$W/pairs")

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
	set -- $PAIRED
	awk -v m="$1" -v lo="$2" -v hi="$3" -v g="$4" -v x="$5" -v n="$6" -v t="$XS_T" -v gt="$GIT_T" -v runs="$RUNS" 'BEGIN {
		printf "- wall time <= 0.5x git archive --format=tar.gz: %s: median of %d alternating pairs %.3fx (range %.3f-%.3f; medians %.2f s vs %.2f s). In the table above, where each command ran its %s runs in a row, %.2f s vs %.2f s: %.3fx\n",
			m <= 0.5 ? "**met**" : "**not met**", n, m, lo, hi, x, g, runs, t, gt, t / gt }'
	awk -v m="$XS_M" 'BEGIN {
		printf "- xenstable peak memory < 64 MiB: %s (%d MiB; git archive itself is counted apart)\n",
			m < 64 ? "**met**" : "**not met**", m }'
	printf -- '- the same bytes with --jobs 1 and --jobs %s; tar_sha256 = sha256 of git archive\n\n' "$JOBS"
} >>"$BENCH_REPORT"
