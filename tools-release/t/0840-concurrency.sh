#!/bin/sh
test_description='fault injection: two xenstable processes on one repository'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"
. "$TEST_DIR/lib-samples.sh"

export XENSTABLE_NOW="2026-11-21 12:00"
D="2026-11-21 10:00"
FAST="--skip build --skip abi --skip boot"

test_expect_success 'set up the reference upstream; sign the samples' '
	setup_reference &&
	cp -a "$MAINT" maint0 &&
	xsa_samples_sign &&
	trust_key "$MAINT" "$XSA_KEY" advisory
'

test_expect_success 'a second import while one holds the lock: exit 4 naming the holder' '
	{ XENSTABLE_PAUSE_AT=xsa-store-add:1 "$XENSTABLE" -C "$MAINT" xsa import samples/902 >o2a 2>e2a & } &&
	job=$! &&
	pid=$(paused_pid e2a) &&
	tree_state "$MAINT/xsa" >before &&
	test_expect_code 4 xs xsa import samples/903 >o2b 2>e2b &&
	test_grep "repository is locked by another xenstable: pid $pid since .*: xsa import" e2b &&
	test_grep "\.xenstable/lock" e2b &&
	tree_state "$MAINT/xsa" >after &&
	test_cmp before after &&
	kill -CONT $pid &&
	wait $job &&
	test_path_is_dir "$MAINT/xsa/902/v2" &&
	test_path_is_missing "$MAINT/xsa/903"
'

test_expect_success 'with XENSTABLE_LOCK_WAIT the second waits, then does its work after the first' '
	{ XENSTABLE_PAUSE_AT=xsa-store-add:1 "$XENSTABLE" -C "$MAINT" xsa import samples/903 >o3a 2>e3a & } &&
	job1=$! &&
	pid=$(paused_pid e3a) &&
	{ XENSTABLE_LOCK_WAIT=60 "$XENSTABLE" -C "$MAINT" xsa import samples/904 >o3b 2>e3b & } &&
	job2=$! &&
	sleep 1 &&
	test_path_is_missing "$MAINT/xsa/904" &&
	test_path_is_missing "$MAINT/xsa/903" &&
	kill -CONT $pid &&
	wait $job1 && wait $job2 &&
	test_path_is_dir "$MAINT/xsa/903/v2" &&
	test_path_is_dir "$MAINT/xsa/904/v2" &&
	test "$(stat -c %Y "$MAINT/xsa/903/v2/meta.json")" -le "$(stat -c %Y "$MAINT/xsa/904/v2/meta.json")"
'

test_expect_success 'a lock wait that runs out is exit 4 too' '
	{ XENSTABLE_PAUSE_AT=xsa-store-add:1 "$XENSTABLE" -C "$MAINT" xsa import samples/905 >o4a 2>e4a & } &&
	job=$! &&
	pid=$(paused_pid e4a) &&
	XENSTABLE_LOCK_WAIT=1 test_expect_code 4 xs xsa import samples/901 >o4b 2>e4b &&
	test_grep "locked by another xenstable: pid $pid" e4b &&
	kill -CONT $pid && wait $job
'

test_expect_success 'xsa apply on a source a release is writing: exit 4 naming the release' '
	{ XENSTABLE_PAUSE_AT=release-checks:1 "$XENSTABLE" -C maint0 release 4.19 --date "$D" $FAST \
		>o5a 2>e5a & } &&
	pid=$(paused_pid e5a) &&
	git -C "$UPSTREAM" for-each-ref >refs-before &&
	test_expect_code 4 xs xsa apply 4.19 --date 2026-11-21 >o5b 2>e5b &&
	test_grep "locked by another xenstable: pid $pid since .*: release" e5b &&
	test_grep "xenstable.lock" e5b &&
	git -C "$UPSTREAM" for-each-ref >refs-after &&
	test_cmp refs-before refs-after &&
	kill -CONT $pid &&
	for i in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done &&
	"$XENSTABLE" -C maint0 verify RELEASE-4.19.3 >v &&
	XENSTABLE_LOCK_WAIT=30 xs xsa apply 4.19 --date 2026-11-21 >o5c &&
	test_grep "XSA-902 *applied" o5c
'

test_expect_success 'the lock of a process killed with -9 is free at once' '
	XENSTABLE_STOP_AT=xsa-store-add:1 test_expect_code 137 xs xsa import samples/901 2>err &&
	xs xsa import samples/901 >out &&
	test_path_is_dir "$MAINT/xsa/901/v2"
'

test_done
