#!/bin/sh
# run.sh: xenstable's benchmarks ("make bench"); timing targets live here,
# never in the tests.
#
#   SOURCE=/path/to/xen.git REF=RELEASE-4.19.4 RUNS=5 SECTIONS="tarball" run.sh
#
# Without SOURCE a synthetic tree of the same size and shape as xen.git
# RELEASE-4.19.4 is made (bench/synth-repo.sh, deterministic).  Every
# section is a script bench/sections/NN-name.sh, run in order; each appends
# its own part to $BENCH_OUT/report.md (a markdown report) using the
# helpers in bench/lib.sh.  To add a section, drop a new NN-name.sh there.
# The report is printed at the end; raw figures stay in $BENCH_OUT/raw/.
#
# Environment for sections: XENSTABLE, BENCH_DIR, BENCH_OUT, BENCH_REPORT,
# BENCH_SRC (a git repository), BENCH_REF, BENCH_RUNS, BENCH_KIND
# ("real" or "synthetic").
set -eu

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/../.." && pwd)
: "${XENSTABLE:=$ROOT/tools-release/xenstable}"
: "${BENCH_OUT:=$ROOT/bench-out}"
: "${RUNS:=5}"
: "${REF:=RELEASE-4.19.4}"
SOURCE=${SOURCE:-}
SECTIONS=${SECTIONS:-}

mkdir -p "$BENCH_OUT/raw"
BENCH_REPORT=$BENCH_OUT/report.md

for tool in hyperfine /usr/bin/time git; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "bench: '$tool' is missing (tools-release/deps.sh bench)" >&2
		exit 4
	}
done
test -x "$XENSTABLE" || { echo "bench: no xenstable at $XENSTABLE (make build)" >&2; exit 4; }

if [ -n "$SOURCE" ]; then
	BENCH_SRC=$(cd "$SOURCE" && pwd)
	BENCH_KIND=real
	git -C "$BENCH_SRC" rev-parse --verify -q "$REF^{commit}" >/dev/null || {
		echo "bench: $REF is not a commit or tag in $SOURCE" >&2
		exit 3
	}
else
	# The synthetic tree is rebuilt when its generator changes.
	BENCH_SRC=$BENCH_OUT/synth.git
	BENCH_KIND=synthetic
	REF=RELEASE-4.19.4
	stamp=$(cat "$BENCH_DIR/synth-tree.awk" "$BENCH_DIR/synth-repo.sh" | sha256sum | cut -c1-16)
	if [ "$(cat "$BENCH_OUT/synth.stamp" 2>/dev/null)" != "$stamp" ]; then
		echo "bench: building the synthetic tree (3,200 files, ~33 MB tar) in $BENCH_SRC" >&2
		"$BENCH_DIR/synth-repo.sh" "$BENCH_SRC" 3200 30000000 4.19.4
		echo "$stamp" >"$BENCH_OUT/synth.stamp"
	fi
fi
export XENSTABLE BENCH_DIR BENCH_OUT BENCH_REPORT BENCH_SRC BENCH_KIND
export BENCH_REF=$REF BENCH_RUNS=$RUNS

. "$BENCH_DIR/lib.sh"
bench_header >"$BENCH_REPORT"

for s in "$BENCH_DIR"/sections/[0-9][0-9]-*.sh; do
	name=$(basename "$s" .sh)
	name=${name#[0-9][0-9]-}
	if [ -n "$SECTIONS" ]; then
		case " $SECTIONS " in *" $name "*) ;; *) continue ;; esac
	fi
	echo "bench: section $name" >&2
	sh "$s" || { echo "bench: section $name failed" >&2; exit 1; }
done

cat "$BENCH_REPORT"
echo "bench: report in $BENCH_REPORT" >&2
