#!/bin/sh
# run-one.sh RESULTS SCRIPT: run one numbered test script (from
# run-tests.sh's worker pool), record its output, exit code and time, and
# print one progress line when it is done.
results=$1
s=$2
name=${s%.sh}
start=$(date +%s)
sh "./$s" >"$results/$name.out" 2>&1
rc=$?
echo $rc >"$results/$name.rc"
secs=$(( $(date +%s) - start ))
echo $secs >"$results/$name.secs"
line=$(grep "^# $name: passed" "$results/$name.out" | tail -1)
set -- $line
p=${4:-0} f=${6:-0} sk=${8:-0}
[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
if [ "$f" -ne 0 ]; then verdict=FAIL; else verdict=ok; fi
# One write, so that lines of parallel workers do not mix.
printf '%-4s %-32s %4d passed %3d failed %3d skipped %4ss\n' "$verdict" "$name" "$p" "$f" \
	"$sk" "$secs"
exit 0
