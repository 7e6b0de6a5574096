#!/bin/sh
# run-one.sh RESULTS SCRIPT: run one numbered test script (from
# run-tests.sh's worker pool) and record its output, exit code and time.
results=$1
s=$2
name=${s%.sh}
start=$(date +%s)
sh "./$s" >"$results/$name.out" 2>&1
echo $? >"$results/$name.rc"
echo $(( $(date +%s) - start )) >"$results/$name.secs"
exit 0
