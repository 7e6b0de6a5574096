#!/bin/sh
test_description='fault injection: a full disk and a file size limit give exit 4 and leave nothing half-written'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"
. "$TEST_DIR/lib-samples.sh"

D="2026-11-21 10:00"
FAST="--skip build --skip abi --skip boot"

# in_tmpfs SIZE DIR CMD...: run CMD in a private mount namespace where DIR
# is a fresh tmpfs of SIZE; what DIR holds afterwards goes to DIR.left
# (the mount vanishes with the namespace).  CMD's exit code is kept.
in_tmpfs() {
	_size=$1 _dir=$2
	shift 2
	mkdir -p "$_dir" &&
	unshare -m sh -c '
		mount -t tmpfs -o size="$1" tmpfs "$2" || exit 125
		d=$2
		shift 2
		"$@"
		rc=$?
		(cd "$d" && find . -mindepth 1 | sort) >"$d.left"
		exit $rc
	' _ "$_size" "$_dir" "$@"
}

test_expect_success 'set up the reference upstream' '
	setup_reference &&
	cp -a "$MAINT" maint0 && cp -a "$UPSTREAM" upstream0
'

test_expect_success TMPFS 'tarball onto a full disk: exit 4, the reason, no file left' '
	test_expect_code 4 in_tmpfs 8k full "$XENSTABLE" -C "$MAINT" tarball RELEASE-4.19.2 \
		-o full/xen.tar.gz 2>err &&
	test_grep "No space left on device" err &&
	test_grep "full/" err &&
	test_must_fail test -s full.left
'

test_expect_success 'tarball over the file size limit: exit 4, the reason, no file left' '
	mkdir lim &&
	(ulimit -f 16 && exec "$XENSTABLE" -C "$MAINT" tarball RELEASE-4.19.2 -o lim/xen.tar.gz) 2>err
	test $? -eq 4 &&
	test_grep "File too large" err &&
	test -z "$(ls -A lim)"
'

test_expect_success TMPFS 'xsa import into a full store: exit 4; the store has nothing of it' '
	xsa_samples_sign &&
	trust_key "$MAINT" "$XSA_KEY" advisory &&
	tree_state "$MAINT" | grep -v /.xenstable/lock >before &&
	test_expect_code 4 in_tmpfs 8k "$MAINT/xsa" "$XENSTABLE" -C "$MAINT" xsa import \
		samples/902 2>err &&
	test_grep "No space left on device" err &&
	test_must_fail test -s "$MAINT/xsa.left" &&
	rm "$MAINT/xsa.left" &&
	tree_state "$MAINT" | grep -v /.xenstable/lock >after &&
	test_cmp before after
'

test_expect_success 'release over the file size limit: exit 4, no tag, no moved branch, no dist' '
	git -C "$UPSTREAM" for-each-ref >refs-before &&
	(ulimit -f 16 && exec "$XENSTABLE" -C "$MAINT" release 4.19 --date "$D" $FAST) >out 2>err
	test $? -eq 4 &&
	test_grep "File too large" err &&
	test_must_fail git -C "$UPSTREAM" rev-parse -q --verify refs/tags/RELEASE-4.19.3 &&
	test "$(git -C "$UPSTREAM" rev-parse stable-4.19)" = "$(git -C upstream0 rev-parse stable-4.19)" &&
	test_path_is_missing "$MAINT/dist/4.19.3" &&
	find "$MAINT/dist" "$UPSTREAM/.git/xenstable" -name "*.tmp*" -o -name "*.partial" >stray &&
	{ cat stray; test_must_fail test -s stray; }
'

test_expect_success 'with room again the release completes, as an uninterrupted run would' '
	xs release 4.19 --date "$D" $FAST >out 2>&1 &&
	cp -a maint0 mref && cp -a upstream0 uref &&
	"$XENSTABLE" -C mref --source uref release 4.19 --date "$D" $FAST >out 2>&1 &&
	git -C uref rev-parse RELEASE-4.19.3^{commit} stable-4.19 >expect &&
	git -C "$UPSTREAM" rev-parse RELEASE-4.19.3^{commit} stable-4.19 >actual &&
	test_cmp expect actual &&
	xs verify RELEASE-4.19.3 >v
'

test_done
