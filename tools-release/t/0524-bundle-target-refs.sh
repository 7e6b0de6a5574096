#!/bin/sh
test_description='bundle apply: a target ref git cannot move or create is named as such (not "it changed under us"), and nothing is written'
. ./test-lib.sh
. "$TEST_DIR/lib-bundle.sh"

FORGE="python3 $TEST_DIR/bundle-forge.py"

test_expect_success 'set up; a valid bundle' '
	setup_bundles &&
	set -- "$TRASH"/series/0001-*.patch &&
	P1=$1 && set -- "$TRASH"/series/0002-*.patch && P2=$1 &&
	BASE=$(git -C "$RUP" rev-parse stable-4.16) &&
	$FORGE b.tar.gz --home "$P_HOME" --key "$P_KEY" --producer producer \
		--base-commit "$BASE" --embargo "$EMBARGO_ISO" \
		--patch "$P1:prerequisite:960:$PREREQ" --patch "$P2:fix:960:$FIX" >/dev/null &&
	cp -a "$RMAINT" rmaint0 && cp -a "$RUP" rup0
'

reset_receiver() {
	rm -rf "$RMAINT" "$RUP" && cp -a rmaint0 "$RMAINT" && cp -a rup0 "$RUP"
}

test_expect_success 'the branch ref points at an annotated tag object: exit 3, the cause named' '
	git -C "$RUP" tag -a -m "a tag object" on-the-branch stable-4.16 &&
	TAG=$(git -C "$RUP" rev-parse on-the-branch) &&
	# git update-ref refuses that now; older git, other tools and hands do not
	echo "$TAG" >"$(git -C "$RUP" rev-parse --absolute-git-dir)/refs/heads/stable-4.16" &&
	test "$(git -C "$RUP" rev-parse refs/heads/stable-4.16)" = "$TAG" &&
	receiver_state >before &&
	test_expect_code 3 as_receiver bundle apply b.tar.gz --branch 4.16 --date "$AFTER" 2>err &&
	test_grep "refs/heads/stable-4.16 points at a tag object ($(echo $TAG | cut -c1-12)), not at a commit" err &&
	test_grep ! "changed under us" err &&
	receiver_state >after &&
	test_cmp before after
'

test_expect_success 'under embargo: --to refs/embargo/4.16 while refs/embargo/4.16/xsa-960 exists: exit 2' '
	reset_receiver &&
	as_receiver bundle apply b.tar.gz --branch 4.16 --date "$BEFORE" >out &&
	test_grep "^refs/embargo/4.16/xsa-960 created at " out &&
	receiver_state >before &&
	test_expect_code 2 as_receiver bundle apply b.tar.gz --branch 4.16 --date "$BEFORE" \
		--to refs/embargo/4.16 2>err &&
	test_grep "to refs/embargo/4.16: cannot create refs/embargo/4.16 while refs/embargo/4.16/xsa-960 exists" err &&
	test_grep ! "changed under us" err &&
	receiver_state >after &&
	test_cmp before after
'

test_expect_success 'and the other way round: the default ref under an existing refs/embargo/4.16: exit 3' '
	reset_receiver &&
	as_receiver bundle apply b.tar.gz --branch 4.16 --date "$BEFORE" --to refs/embargo/4.16 >out &&
	test_grep "^refs/embargo/4.16 created at " out &&
	receiver_state >before &&
	test_expect_code 3 as_receiver bundle apply b.tar.gz --branch 4.16 --date "$BEFORE" 2>err &&
	test_grep "cannot create refs/embargo/4.16/xsa-960, where this bundle goes by default, while refs/embargo/4.16 exists" err &&
	test_grep ! "changed under us" err &&
	receiver_state >after &&
	test_cmp before after
'

test_expect_success 'xsa apply names a branch on a tag object too (the same check in apply_run_init)' '
	reset_receiver &&
	git -C "$RUP" tag -a -m "a tag object" on-the-branch stable-4.16 &&
	git -C "$RUP" rev-parse on-the-branch >"$(git -C "$RUP" rev-parse --absolute-git-dir)/refs/heads/stable-4.16" &&
	receiver_state >before &&
	test_expect_code 3 as_receiver xsa apply 4.16 960 --variant xsa960.patch --date "$AFTER" >out 2>err &&
	test_grep "refs/heads/stable-4.16 points at a tag object" err &&
	receiver_state >after &&
	test_cmp before after
'

test_done
