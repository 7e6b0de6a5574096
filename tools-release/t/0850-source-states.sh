#!/bin/sh
test_description='fault injection: a shallow, detached or incomplete source, and a branch moved by someone else'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"
. "$TEST_DIR/lib-samples.sh"

export XENSTABLE_NOW="2026-11-21 12:00"
D="2026-11-21 10:00"
FAST="--skip build --skip abi --skip boot"

refs() { git -C "$1" for-each-ref --format="%(refname) %(objectname)"; }

test_expect_success 'set up the reference upstream' '
	setup_reference &&
	cp -a "$MAINT" maint0 && cp -a "$UPSTREAM" upstream0
'

test_expect_success 'a shallow clone as source: exit 4 saying so, for release, xsa apply, status, verify' '
	git clone -q --depth 1 --no-single-branch "file://$UPSTREAM" shallow &&
	git -C shallow branch -q stable-4.19 origin/stable-4.19 &&
	refs shallow >before &&
	for cmd in "release 4.19 --date 2026-11-21 $FAST" "xsa apply 4.19" "xsa status" \
		   "verify RELEASE-4.19.2"; do
		test_expect_code 4 "$XENSTABLE" -C "$MAINT" --source shallow $cmd >out 2>err &&
		test_grep "shallow is a shallow clone: .*fetch --unshallow" err || return 1
	done &&
	refs shallow >after && test_cmp before after &&
	"$XENSTABLE" -C "$MAINT" --source shallow tarball RELEASE-4.19.2 -o x.tar.gz >out
'

test_expect_success 'a detached HEAD in the source does not matter: refs are what move' '
	git -C "$UPSTREAM" checkout -q --detach stable-4.18 &&
	head=$(git -C "$UPSTREAM" rev-parse HEAD) &&
	xs release 4.19 --date "$D" $FAST >out 2>&1 &&
	test "$(git -C "$UPSTREAM" rev-parse HEAD)" = "$head" &&
	test_must_fail git -C "$UPSTREAM" symbolic-ref -q HEAD &&
	xs verify RELEASE-4.19.3 >v
'

test_expect_success 'a source without the branch: exit 3 naming it, nothing written' '
	git -C "$UPSTREAM" branch -q -D stable-4.20 &&
	refs "$UPSTREAM" >before &&
	test_expect_code 3 xs release 4.20 --date "$D" $FAST >out 2>err &&
	test_grep "stable-4.20" err &&
	xsa_samples_import &&
	test_expect_code 3 xs xsa apply 4.20 --date 2026-11-21 >out 2>err &&
	test_grep "stable-4.20" err &&
	refs "$UPSTREAM" >after && test_cmp before after &&
	test_path_is_missing "$MAINT/dist/4.20.2"
'

test_expect_success 'xsa apply: the branch moved by someone else before the ref moves: exit 4, their commit stays' '
	{ XENSTABLE_PAUSE_AT=apply-before-ref:1 "$XENSTABLE" -C "$MAINT" xsa apply 4.21 \
		--date 2026-11-21 >o1 2>e1 & } &&
	pid=$(paused_pid e1) &&
	commit_on stable-4.21 README "s/^/ /" "someone else" &&
	theirs=$(git -C "$UPSTREAM" rev-parse stable-4.21) &&
	kill -CONT $pid &&
	for i in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done &&
	test_grep "stable-4.21" e1 &&
	test "$(git -C "$UPSTREAM" rev-parse stable-4.21)" = "$theirs" &&
	git -C "$UPSTREAM" fsck --connectivity-only --no-dangling &&
	xs xsa apply 4.21 --date 2026-11-21 >o2 &&
	test "$(git -C "$UPSTREAM" rev-list --count $theirs..stable-4.21)" -gt 0 &&
	git -C "$UPSTREAM" merge-base --is-ancestor $theirs stable-4.21
'

test_expect_success 'release: the branch moved by someone else before the tag: exit 4, nothing published' '
	commit_on stable-4.22 README "s/^/ /" "README: indent" &&
	refs "$UPSTREAM" | grep -v "^refs/heads/stable-4.22 " >before &&
	{ XENSTABLE_PAUSE_AT=release-checks:1 "$XENSTABLE" -C maint0 release 4.22 --date "$D" \
		$FAST >o3 2>e3 & } &&
	pid=$(paused_pid e3) &&
	commit_on stable-4.22 README "s/^ //" "someone else" &&
	theirs=$(git -C "$UPSTREAM" rev-parse stable-4.22) &&
	kill -CONT $pid &&
	for i in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done &&
	test_grep "stable-4.22 moved to .* during the release .*nothing was published" e3 &&
	test_must_fail git -C "$UPSTREAM" rev-parse -q --verify refs/tags/RELEASE-4.22.1 &&
	test "$(git -C "$UPSTREAM" rev-parse stable-4.22)" = "$theirs" &&
	refs "$UPSTREAM" | grep -v "^refs/heads/stable-4.22 " >after &&
	test_cmp before after &&
	test_path_is_missing maint0/dist/4.22.1 &&
	test_path_is_missing maint0/.xenstable/release/4.22.json &&
	"$XENSTABLE" -C maint0 release 4.22 --date "$D" $FAST >o4 2>&1 &&
	git -C "$UPSTREAM" merge-base --is-ancestor $theirs RELEASE-4.22.1 &&
	"$XENSTABLE" -C maint0 verify RELEASE-4.22.1 >v
'

test_done
