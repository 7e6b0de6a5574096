#!/bin/sh
test_description='fault injection: xsa apply killed at each step, then run again'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"
. "$TEST_DIR/lib-samples.sh"

export XENSTABLE_NOW="2026-11-21 12:00"
D=2026-11-21

test_expect_success 'set up the samples on the reference upstream; a pristine copy' '
	setup_reference &&
	xsa_samples_import &&
	cp -a "$MAINT" m0 && cp -a "$UPSTREAM" u0 &&
	git -C u0 rev-parse stable-4.19 >base
'

test_expect_success 'the uninterrupted run' '
	cp -a m0 mref && cp -a u0 uref &&
	"$XENSTABLE" -C mref --source uref xsa apply 4.19 --date $D >out &&
	git -C uref rev-parse stable-4.19 >ref-tip &&
	! test_cmp base ref-tip >/dev/null &&
	git -C uref log --format=%H%n%T%n%B stable-4.19~5..stable-4.19 >ref-log
'

# After a kill the branch is where it was or where the whole run puts it,
# never in between, and everything it points to is in the repository.
check_after_kill() {
	tip=$(git -C u rev-parse stable-4.19) &&
	case "$tip" in
	"$(cat base)"|"$(cat ref-tip)") ;;
	*) echo "stable-4.19 at $tip: moved part of the way"; return 1 ;;
	esac &&
	git -C u fsck --connectivity-only --no-dangling 2>fsck-err &&
	test_must_fail test -s fsck-err
}

objects() { (cd u && cd "$(git rev-parse --git-common-dir)/objects" && pwd); }

for point in apply-commit:1 apply-commit:3 apply-commit:5 apply-flushed:1 apply-migrate:1 \
	     apply-before-ref:1 apply-after-ref:1; do
	test_expect_success "killed at $point: consistent; the rerun ends where the clean run did" "
		rm -rf m u && cp -a m0 m && cp -a u0 u &&
		XENSTABLE_STOP_AT=$point test_expect_code 137 \"\$XENSTABLE\" -C m --source u \
			xsa apply 4.19 --date \$D >out 2>err &&
		test_grep \"killed at $point\" err &&
		check_after_kill &&
		\"\$XENSTABLE\" -C m --source u xsa apply 4.19 --date \$D >out2 2>err2 &&
		git -C u rev-parse stable-4.19 >tip &&
		test_cmp ref-tip tip &&
		git -C u log --format=%H%n%T%n%B stable-4.19~5..stable-4.19 >log &&
		test_cmp ref-log log &&
		test_must_fail ls -d \"\$(objects)\"/xenstable-incoming-* 2>/dev/null &&
		test_path_is_missing \"\$(git -C u rev-parse --git-common-dir)/xenstable/apply-state.json\" &&
		git -C u fsck --no-dangling >fsck 2>&1 &&
		test_grep ! -i -e error -e missing -e garbage fsck
	"
done

test_expect_success 'a third run after the kill finds everything in and changes nothing' '
	git -C u for-each-ref >refs-before &&
	"$XENSTABLE" -C m --source u xsa apply 4.19 --date $D >out3 &&
	git -C u for-each-ref >refs-after &&
	test_cmp refs-before refs-after
'

# --keep-worktree / --continue: a maintainer's change in the way of XSA-903.
conflict_on() {
	git -C "$1" worktree add -q "$TRASH/co-$2" "stable-$2" &&
	sed -i "s/if ( op->ref > rd->max_grant_entries )/if ( op->ref > rd->max_grant_entries \&\& op->ref != 0 )/" \
		"$TRASH/co-$2/hypervisor/common/grant_table.c" &&
	git -C "$TRASH/co-$2" commit -q -am "hypervisor/grant: always allow reference 0" &&
	git -C "$1" worktree remove "$TRASH/co-$2"
}
fix_by_hand() {
	sed -i "/^<<<<<<< /,/^>>>>>>> /c\\    if ( op->ref >= rd->max_grant_entries \&\& op->ref != 0 )" \
		"$(git -C "$1" rev-parse --absolute-git-dir)/xenstable/apply-4.22/hypervisor/common/grant_table.c"
}

test_expect_success 'the uninterrupted --keep-worktree and --continue' '
	rm -rf m u && cp -a m0 m && cp -a u0 u && conflict_on u 4.22 &&
	cp -a u u1 && git -C u1 rev-parse stable-4.22 >base22 &&
	test_expect_code 1 "$XENSTABLE" -C m --source u xsa apply 4.22 --keep-worktree --date $D >out &&
	fix_by_hand u &&
	"$XENSTABLE" -C m --source u xsa apply --continue >out &&
	git -C u rev-parse stable-4.22 >ref22
'

test_expect_success 'killed before the state of a kept conflict is saved: no half state; run again' '
	rm -rf m u && cp -a m0 m && cp -a u1 u &&
	XENSTABLE_STOP_AT=xa-kept:1 test_expect_code 137 "$XENSTABLE" -C m --source u \
		xsa apply 4.22 --keep-worktree --date $D >out 2>err &&
	git -C u rev-parse stable-4.22 >now && test_cmp base22 now &&
	test_path_is_missing "$(git -C u rev-parse --absolute-git-dir)/xenstable/apply-state.json" &&
	test_expect_code 1 "$XENSTABLE" -C m --source u xsa apply 4.22 --keep-worktree --date $D >out &&
	test_path_is_missing "$(git -C u rev-parse --absolute-git-dir)/xenstable/apply-4.22-2" &&
	git -C u worktree list --porcelain >wts &&
	test "$(grep -c "^worktree .*/xenstable/apply-" wts)" = 1 &&
	fix_by_hand u &&
	"$XENSTABLE" -C m --source u xsa apply --continue >out &&
	git -C u rev-parse stable-4.22 >now && test_cmp ref22 now
'

test_expect_success 'killed after --continue moved the branch: running --continue again finishes' '
	rm -rf m u && cp -a m0 m && cp -a u1 u &&
	test_expect_code 1 "$XENSTABLE" -C m --source u xsa apply 4.22 --keep-worktree --date $D >out &&
	fix_by_hand u &&
	XENSTABLE_STOP_AT=xa-continue-done:1 test_expect_code 137 "$XENSTABLE" -C m --source u \
		xsa apply --continue >out 2>err &&
	git -C u rev-parse stable-4.22 >now && test_cmp ref22 now &&
	"$XENSTABLE" -C m --source u xsa apply --continue >out 2>err &&
	test_grep "already where this --continue takes it" err &&
	git -C u rev-parse stable-4.22 >now && test_cmp ref22 now &&
	test_path_is_missing "$(git -C u rev-parse --absolute-git-dir)/xenstable/apply-state.json" &&
	test_path_is_missing "$(git -C u rev-parse --absolute-git-dir)/xenstable/apply-4.22"
'

test_done
