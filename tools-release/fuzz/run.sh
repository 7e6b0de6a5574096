#!/bin/sh
# run.sh: run every libFuzzer target for FUZZ_SECONDS (default 30) each,
# JOBS at a time (default: the number of CPUs), and print per target the
# executions and the coverage libFuzzer reports at the end
# (stat::number_of_executed_units, cov:).
#
#   FUZZ_SECONDS=N   seconds per target
#   FUZZ_TARGETS=".." only these (names without "fuzz-")
#   JOBS=N           targets at a time
#
# Each target starts from fuzz/corpus/<target>/ (committed seeds) and keeps
# what it finds in build/fuzz/corpus/<target>/.  A crash, leak or timeout
# leaves its input in build/fuzz/crashes/ and makes the run fail: turn it
# into a regression test (tests/unit/test-hardening.c or tests/bad/) and fix
# the parser.
cd "$(dirname "$0")/.." || exit 4
B=build/fuzz
: "${FUZZ_SECONDS:=30}"
: "${JOBS:=$(nproc 2>/dev/null || echo 2)}"
mkdir -p "$B/corpus" "$B/crashes" "$B/logs"

targets=
for f in fuzz/fuzz-*.c; do
	t=$(basename "$f" .c)
	t=${t#fuzz-}
	if [ -n "${FUZZ_TARGETS:-}" ]; then
		case " $FUZZ_TARGETS " in *" $t "*) ;; *) continue ;; esac
	fi
	[ -x "$B/fuzz-$t" ] || { echo "run.sh: $B/fuzz-$t is not built (make SAN=fuzz fuzzers)" >&2; exit 4; }
	targets="$targets $t"
done

# One target: libFuzzer from both corpora for FUZZ_SECONDS.  Leaks are
# errors too; -close_fd_mask=3 keeps the parsers' error messages out of
# the log while libFuzzer's own report stays.
run_one='
	t=$1 B=$2
	mkdir -p "$B/corpus/$t"
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$B/fuzz-$t" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -close_fd_mask=3 -print_final_stats=1 \
		-artifact_prefix="$B/crashes/$t-" "$B/corpus/$t" "fuzz/corpus/$t" \
		>"$B/logs/$t.log" 2>&1
	echo $? >"$B/logs/$t.rc"
'
export FUZZ_SECONDS
# A pool of $JOBS workers.
for t in $targets; do echo "$t"; done |
	xargs -P "$JOBS" -I{} sh -c "$run_one" _ {} "$B"

total=0
bad=
printf '%-16s %12s %8s %8s %s\n' target executions cov ft result
for t in $targets; do
	log=$B/logs/$t.log
	rc=$(cat "$B/logs/$t.rc" 2>/dev/null || echo 1)
	ex=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | awk '{print $2}')
	res=ok
	if [ "$rc" -ne 0 ]; then
		res="FAILED (rc $rc): $(grep -o 'Test unit written to .*' "$log" | tail -1 | sed 's/Test unit written to //')"
		bad="$bad $t"
	fi
	printf '%-16s %12s %8s %8s %s\n' "$t" "${ex:-?}" "${cov:-?}" "${ft:-?}" "$res"
	total=$((total + ${ex:-0}))
done
echo "fuzz: $total executions in all, ${FUZZ_SECONDS}s per target"
for t in $bad; do
	echo
	echo "=== $t ($B/logs/$t.log)"
	grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' "$B/logs/$t.log" | head -30
done
[ -z "$bad" ]
