#!/bin/sh
# apply.sh: the XSA apply and status section of make bench.
#
#   bench/apply.sh            (or: make bench-apply at the top level)
#
# Appends a markdown section to $BENCH_OUT/report.md (default bench-out/)
# with, measured in the same run on the same machine:
#   - xenstable xsa status, full matrix, cold and warm cache
#     (target: warm under 1 s)
#   - xenstable xsa apply --all against plain git checkout + git am of
#     the same patches onto the same branches (target: within 1.3x)
# on a generated repository shaped like xen.git: 7 stable branches of
# $BENCH_APPLY_COMMITS (10,000) commits each since their branch points,
# $BENCH_APPLY_XSAS (500) XSAs in the store, $BENCH_APPLY_PENDING (20) of
# them pending on every supported branch.  The repository and the store
# are made once by apply-synth.py and kept in $BENCH_OUT/apply-data.
# Each timing is the median of $BENCH_APPLY_ROUNDS (5) runs, the apply
# and git am runs alternating, each on a fresh copy of the repository.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
XS=${XENSTABLE:-$root/tools-release/xenstable}
OUT=${BENCH_OUT:-$root/bench-out}
COMMITS=${BENCH_APPLY_COMMITS:-10000}
XSAS=${BENCH_APPLY_XSAS:-500}
PENDING=${BENCH_APPLY_PENDING:-20}
ROUNDS=${BENCH_APPLY_ROUNDS:-5}
DATA=$OUT/apply-data
WORK=$OUT/apply-work
BRANCHES="4.17 4.18 4.19 4.20 4.21 4.22"

export LC_ALL=C TZ=UTC GIT_CONFIG_NOSYSTEM=1
export XENSTABLE_NOW="2026-11-21 12:00"
export GIT_AUTHOR_NAME="Bench Maintainer" GIT_AUTHOR_EMAIL=bench@example.org
export GIT_COMMITTER_NAME="Bench Maintainer" GIT_COMMITTER_EMAIL=bench@example.org
unset XENSTABLE_SOURCE GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
HOME=$OUT/apply-home
export HOME
mkdir -p "$OUT" "$HOME"

test -x "$XS" || { echo "apply.sh: build xenstable first ($XS)" >&2; exit 4; }

now_ms() {
	date +%s%N | cut -c1-13
}

# median of the numbers on stdin
median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

secs() {
	awk -v ms="$1" 'BEGIN { printf "%.2f s", ms / 1000 }'
}

# --- the data, made once -------------------------------------------------
key="$COMMITS $XSAS $PENDING $(sha256sum <"$here/apply-synth.py" | cut -c1-16) $(cd "$root" && git ls-files -s branches | sha256sum | cut -c1-16)"
gen_ms=
if [ ! -f "$DATA/key" ] || [ "$(cat "$DATA/key")" != "$key" ]; then
	echo "apply.sh: generating the repository and the store (once) ..." >&2
	rm -rf "$DATA" "$DATA.tmp"
	t0=$(now_ms)
	python3 "$here/apply-synth.py" "$DATA.tmp" "$COMMITS" "$XSAS" "$PENDING"
	# A maintenance repository: the project's branches/ and MAINTAINERS, an empty store.
	mkdir -p "$DATA.tmp/maint"
	(cd "$root" && git ls-files -z branches MAINTAINERS xsa/README.md | tar --null -T - -cf -) |
		(cd "$DATA.tmp/maint" && tar -xf -)
	(cd "$DATA.tmp/adv" && ls -d [0-9]*) | sed "s|^|$DATA.tmp/adv/|" |
		xargs "$XS" -q -C "$DATA.tmp/maint" xsa import --allow-unsigned >/dev/null
	"$XS" -q -C "$DATA.tmp/maint" xsa import "$DATA.tmp/adv/xsa.json" >/dev/null
	t1=$(now_ms)
	gen_ms=$((t1 - t0))
	echo "$key" >"$DATA.tmp/key"
	mv "$DATA.tmp" "$DATA"
fi
MAINT=$DATA/maint
PATCHES=$(ls "$DATA"/adv/*/xsa*.patch | tail -n "$PENDING")

# fresh NAME: a copy of the source repository (bare), caches included.
fresh() {
	rm -rf "$WORK/$1"
	mkdir -p "$WORK"
	cp -a "$DATA/src.git" "$WORK/$1"
}

# --- status --------------------------------------------------------------
fresh status
rm -rf "$WORK/status/xenstable"
t0=$(now_ms)
"$XS" -q -C "$MAINT" --source "$WORK/status" xsa status >"$WORK/status.txt"
cold_ms=$(( $(now_ms) - t0 ))
for i in $(seq "$ROUNDS"); do
	t0=$(now_ms)
	"$XS" -q -C "$MAINT" --source "$WORK/status" xsa status >"$WORK/status.txt"
	echo $(( $(now_ms) - t0 ))
done | median >"$WORK/warm"
warm_ms=$(cat "$WORK/warm")
summary=$(tail -n 1 "$WORK/status.txt")
# The runs below start from the warm cache, as a maintainer's would.
rm -rf "$DATA/src.git/xenstable"
cp -a "$WORK/status/xenstable" "$DATA/src.git/xenstable"

# --- apply against git am ----------------------------------------------
: >"$WORK/apply-ms"
: >"$WORK/am-ms"
for i in $(seq "$ROUNDS"); do
	fresh A
	t0=$(now_ms)
	"$XS" -q -C "$MAINT" --source "$WORK/A" xsa apply --all >"$WORK/apply.txt"
	echo $(( $(now_ms) - t0 )) >>"$WORK/apply-ms"

	fresh B
	git --git-dir="$WORK/B" worktree add -q --detach "$WORK/B.wt" stable-4.22
	t0=$(now_ms)
	for b in $BRANCHES; do
		git -C "$WORK/B.wt" checkout -q "stable-$b"
		# shellcheck disable=SC2086
		git -C "$WORK/B.wt" am -q $PATCHES
	done
	echo $(( $(now_ms) - t0 )) >>"$WORK/am-ms"
	rm -rf "$WORK/B.wt"
done
apply_ms=$(median <"$WORK/apply-ms")
am_ms=$(median <"$WORK/am-ms")

# Both must have made the same trees on every branch.
for b in $BRANCHES; do
	ta=$(git --git-dir="$WORK/A" rev-parse "stable-$b^{tree}")
	tb=$(git --git-dir="$WORK/B" rev-parse "stable-$b^{tree}")
	if [ "$ta" != "$tb" ]; then
		echo "apply.sh: stable-$b differs between xenstable and git am" >&2
		exit 1
	fi
done
n_applied=$(git --git-dir="$WORK/A" log --format=%B "$(git --git-dir="$DATA/src.git" rev-parse stable-4.22)..stable-4.22" | grep -c "^XSA-Patch: ")
ratio=$(awk -v a="$apply_ms" -v b="$am_ms" 'BEGIN { printf "%.2f", a / b }')
total=$(git --git-dir="$DATA/src.git" rev-list --count --all)
status_ok=$(awk -v w="$warm_ms" 'BEGIN { print (w < 1000) ? "yes" : "NO" }')
ratio_ok=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.3) ? "yes" : "NO" }')

{
	echo
	echo "## XSA apply and status"
	echo
	echo "Repository: master and 7 stable branches, $COMMITS commits each since its"
	echo "branch point ($total commits in all); $XSAS XSAs in the store, $PENDING of them"
	echo "pending on each of the $(echo $BRANCHES | wc -w) supported branches (made by bench/apply-synth.py,"
	echo "kept in $(basename "$OUT")/apply-data${gen_ms:+; generating it took $(secs "$gen_ms")})."
	echo "Machine: $(nproc) CPUs, $(git --version).  Median of $ROUNDS runs each."
	echo
	echo "| measurement | time | target | met |"
	echo "| --- | --- | --- | --- |"
	echo "| xenstable xsa status, full matrix, cold cache | $(secs "$cold_ms") | | |"
	echo "| xenstable xsa status, full matrix, warm cache | $(secs "$warm_ms") | < 1 s | $status_ok |"
	echo "| xenstable xsa apply --all ($n_applied patches on each of 6 branches) | $(secs "$apply_ms") | | |"
	echo "| git checkout + git am of the same patches on the same branches | $(secs "$am_ms") | | |"
	echo "| apply / git am | ${ratio}x | <= 1.3x | $ratio_ok |"
	echo
	echo "Status: $summary."
} | tee -a "$OUT/report.md"
rm -rf "$WORK"
