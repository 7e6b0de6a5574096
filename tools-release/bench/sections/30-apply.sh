#!/bin/sh
# 30-apply.sh: xenstable xsa status and xsa apply at xen.git's scale.
#
# On a generated repository shaped like xen.git (apply-synth.py: master and
# 7 stable branches of $BENCH_APPLY_COMMITS (10,000) commits each since
# their branch points, $BENCH_APPLY_XSAS (500) XSAs in the store,
# $BENCH_APPLY_PENDING (20) pending on each supported branch), made once
# and kept in $BENCH_OUT/apply-data, this section times:
#   - xsa status, the full matrix, with a cold and a warm cache
#     (target: warm under 1 s)
#   - xsa apply --all against git checkout + git am of the same patches
#     onto the same branches, each run on a fresh copy of the repository
#     (target: within 1.3x), and checks both made the same trees.
# It uses its own repository whatever SOURCE is: what it measures depends
# on the number of commits and XSAs, which it fixes.
set -eu
. "$BENCH_DIR/lib.sh"

COMMITS=${BENCH_APPLY_COMMITS:-10000}
XSAS=${BENCH_APPLY_XSAS:-500}
PENDING=${BENCH_APPLY_PENDING:-20}
DATA=$BENCH_OUT/apply-data
W=$BENCH_OUT/apply-work
BRANCHES="4.17 4.18 4.19 4.20 4.21 4.22"
ROOT=$(cd "$BENCH_DIR/../.." && pwd)

export LC_ALL=C TZ=UTC GIT_CONFIG_NOSYSTEM=1 XENSTABLE_NOW="2026-11-21 12:00"
export GIT_AUTHOR_NAME="Bench Maintainer" GIT_AUTHOR_EMAIL=bench@example.org
export GIT_COMMITTER_NAME="Bench Maintainer" GIT_COMMITTER_EMAIL=bench@example.org
unset XENSTABLE_SOURCE GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
HOME=$BENCH_OUT/apply-home
export HOME
mkdir -p "$HOME"

# --- the data, made once --------------------------------------------------
key="$COMMITS $XSAS $PENDING $(sha256sum <"$BENCH_DIR/apply-synth.py" | cut -c1-16) $(cd "$ROOT" && git ls-files -s branches | sha256sum | cut -c1-16)"
gen=
if [ "$(cat "$DATA/key" 2>/dev/null)" != "$key" ]; then
	echo "bench: generating the apply repository and XSA store (once)" >&2
	rm -rf "$DATA" "$DATA.tmp"
	t0=$(date +%s)
	python3 "$BENCH_DIR/apply-synth.py" "$DATA.tmp" "$COMMITS" "$XSAS" "$PENDING"
	# A maintenance repository: the project's branch files, an empty store.
	mkdir -p "$DATA.tmp/maint"
	(cd "$ROOT" && git ls-files -z branches MAINTAINERS | tar --null -T - -cf -) |
		(cd "$DATA.tmp/maint" && tar -xf -)
	(cd "$DATA.tmp/adv" && ls -d [0-9]*) | sed "s|^|$DATA.tmp/adv/|" |
		xargs "$XENSTABLE" -q -C "$DATA.tmp/maint" xsa import --allow-unsigned >/dev/null
	"$XENSTABLE" -q -C "$DATA.tmp/maint" xsa import "$DATA.tmp/adv/xsa.json" >/dev/null
	gen=$(( $(date +%s) - t0 ))
	echo "$key" >"$DATA.tmp/key"
	mv "$DATA.tmp" "$DATA"
fi
MAINT=$DATA/maint
PATCHES=$(ls "$DATA"/adv/*/xsa*.patch | tail -n "$PENDING" | tr '\n' ' ')
rm -rf "$W"
mkdir -p "$W"

# --- status, cold and warm --------------------------------------------------
cp -a "$DATA/src.git" "$W/status"
rm -rf "$W/status/xenstable"
XS_STATUS="'$XENSTABLE' -q -C '$MAINT' --source '$W/status' xsa status"
bench_time apply-status-cold 3 0 "rm -rf '$W/status/xenstable'; $XS_STATUS"
cold=$T_MEDIAN
bench_time apply-status-warm "$BENCH_RUNS" 1 "$XS_STATUS"
warm=$T_MEDIAN
summary=$(sh -c "$XS_STATUS" | tail -n 1)
# Later runs start from this warm cache, as a maintainer's would.
rm -rf "$DATA/src.git/xenstable"
cp -a "$W/status/xenstable" "$DATA/src.git/xenstable"

# --- xsa apply --all against git am ----------------------------------------
AM=
for b in $BRANCHES; do
	AM="$AM git -C '$W/B.wt' checkout -q stable-$b && git -C '$W/B.wt' am -q $PATCHES &&"
done
hyperfine --style none --runs "$BENCH_RUNS" \
	--prepare "rm -rf '$W/A'; cp -a '$DATA/src.git' '$W/A'" \
	--command-name apply "'$XENSTABLE' -q -C '$MAINT' --source '$W/A' xsa apply --all" \
	--prepare "rm -rf '$W/B' '$W/B.wt'; cp -a '$DATA/src.git' '$W/B'; git --git-dir='$W/B' worktree add -q --detach '$W/B.wt' stable-4.22" \
	--command-name git-am "$AM true" \
	--export-csv "$BENCH_OUT/raw/apply.csv" >/dev/null 2>"$BENCH_OUT/raw/apply.err" || {
	cat "$BENCH_OUT/raw/apply.err" >&2
	exit 1
}
apply=$(awk -F, '$1 == "apply" { print $4 }' "$BENCH_OUT/raw/apply.csv")
am=$(awk -F, '$1 == "git-am" { print $4 }' "$BENCH_OUT/raw/apply.csv")

# Both made the same trees on every branch (from their last runs).
for b in $BRANCHES; do
	ta=$(git --git-dir="$W/A" rev-parse "stable-$b^{tree}")
	tb=$(git --git-dir="$W/B" rev-parse "stable-$b^{tree}")
	if [ "$ta" != "$tb" ]; then
		echo "bench: stable-$b differs between xsa apply and git am" >&2
		exit 1
	fi
done
n=$(git --git-dir="$W/A" log --format=%B "$(git --git-dir="$DATA/src.git" rev-parse stable-4.22)..stable-4.22" | grep -c "^XSA-Patch: ")
total=$(git --git-dir="$DATA/src.git" rev-list --count --all)
ratio=$(md_ratio "$apply" "$am")
met() {
	awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "yes" : "**no**" }'
}

{
	printf '## XSA status and apply at scale (synthetic history)\n\n'
	printf 'master and 7 stable branches, %s commits each since its branch point\n' "$COMMITS"
	printf '(%s commits in all); %s XSAs in the store, %s pending on each of the\n' "$(md_bytes "$total")" "$XSAS" "$PENDING"
	printf '6 supported branches (bench/apply-synth.py, kept in %s/apply-data%s).\n\n' \
		"$(basename "$BENCH_OUT")" "${gen:+; made in $gen s}"
	printf '| measurement | median | target | met |\n| --- | --- | --- | --- |\n'
	printf '| xsa status, full matrix, cold cache | %s | | |\n' "$(md_secs "$cold")"
	printf '| xsa status, full matrix, warm cache | %s | < 1 s | %s |\n' "$(md_secs "$warm")" "$(met "$warm" 0.999)"
	printf '| xsa apply --all (%s patches onto each of 6 branches) | %s | | |\n' "$n" "$(md_secs "$apply")"
	printf '| git checkout + git am, the same patches, the same branches | %s | | |\n' "$(md_secs "$am")"
	printf '| xsa apply / git am | %sx | <= 1.3x | %s |\n\n' "$ratio" "$(met "$ratio" 1.3)"
	printf 'Status: %s.  Both made the same trees on every branch.\n\n' "$summary"
} >>"$BENCH_REPORT"
rm -rf "$W"
