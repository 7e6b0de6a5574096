#!/bin/sh
test_description='embargo by content: release refuses a branch that carries an embargoed fix, whatever the merge style or message'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"

D="2026-11-21 10:00"
AFTER="2026-12-16 10:00"
FAST="--skip build --skip abi --skip boot"
F=hypervisor/common/memory.c
# The embargoed fix: two hunks of hypervisor/common/memory.c.
FIX1='s/^    if ( d->tot_pages + r->nr_extents > d->max_pages )$/    if ( r->nr_extents > d->max_pages ||\n         d->tot_pages > d->max_pages - r->nr_extents )/'
FIX2='s/^            return -EPERM;$/&\n        if ( reservation.nr_extents > (1UL << 20) )\n            return -E2BIG;/'

# hand NAME COMMANDS: in a copy (m-NAME, u-NAME) of the pristine set-up
# with the embargo ref, run COMMANDS in a worktree of stable-4.19 ($W).
hand() {
	_n=$1
	rm -rf "m-$_n" "u-$_n" && cp -a maint0 "m-$_n" && cp -a upstream0 "u-$_n" &&
	W=$TRASH/w-$_n &&
	git -C "u-$_n" worktree add -q "$W" stable-4.19 &&
	(cd "$W" && eval "$2") &&
	git -C "u-$_n" worktree remove --force "$W"
}

# refused NAME: release exits 1 at the preflight, names XSA-970 without
# showing its content, and tags nothing.
refused() {
	git -C "u-$1" for-each-ref >refs-before &&
	test_expect_code 1 "$XENSTABLE" -C "m-$1" --source "u-$1" release 4.19 --date "$D" \
		$FAST >out 2>err &&
	test_grep "^  FAIL embargo .*embargoed content is on stable-4.19: XSA-970 (embargoed until 2026-12-15 12:00 UTC)" out &&
	! grep -e "nr_extents" -e "E2BIG" out err &&
	git -C "u-$1" for-each-ref >refs-after &&
	test_cmp refs-before refs-after &&
	test_path_is_missing "m-$1/dist/4.19.3"
}

test_expect_success 'set up: XSA-970 embargoed, applied to the private ref refs/embargo/4.19' '
	setup_reference &&
	XSA_KEY=$(xsa_make_key) &&
	trust_key "$MAINT" "$XSA_KEY" advisory &&
	mkdir xsa-970 &&
	git clone -q "$UPSTREAM" src970 && git -C src970 checkout -q stable-4.19 &&
	xsa_commit_patch src970 "$F" "xen/memory: bound reservation changes" \
		"This is XSA-970 / CVE-2026-97001." "$FIX1;$FIX2" "$TRASH/xsa-970/xsa970.patch" &&
	test "$(grep -c "^@@" xsa-970/xsa970.patch)" = 2 &&
	XSA_EMBARGO="2026-12-15 12:00" xsa_advisory xsa-970 970 1 "CVE-2026-97001" \
		"Unbounded reservation changes" "xsa970.patch	xen-unstable - Xen 4.19.x" &&
	xsa_sign xsa-970/advisory-970.txt &&
	XENSTABLE_NOW="2026-11-20 09:00" xs xsa import xsa-970 >/dev/null &&
	xs xsa apply 4.19 970 --to refs/embargo/4.19 --date "$D" >out &&
	test_grep "XSA-970 *applied" out &&
	cp -a "$MAINT" maint0 && cp -a "$UPSTREAM" upstream0
'

test_expect_success 'the branch without the fix is released (no false alarm)' '
	rm -rf m-clean u-clean && cp -a maint0 m-clean && cp -a upstream0 u-clean &&
	"$XENSTABLE" -C m-clean --source u-clean release 4.19 --date "$D" $FAST --dry-run >out 2>err &&
	test_grep "^  ok   embargo " out
'

test_expect_success 'hole 6: a hand git merge --squash of the embargo ref (indented trailers) is refused' '
	hand squash "git merge -q --squash refs/embargo/4.19 >/dev/null && git commit -q --no-edit" &&
	git -C u-squash log -1 --format=%B stable-4.19 >msg &&
	test_grep "^    XSA: 970$" msg &&
	refused squash &&
	test_grep ! "RELEASE-4.19.3" refs-after
'

# Ways to bring the fix onto stable-4.19 by hand, each in the worktree.
v_cherry_pick_edited() {
	git cherry-pick refs/embargo/4.19 >/dev/null && git commit -q --amend -m "memory: tidy up"
}
v_apply_own_message() {
	git apply "$TRASH/xsa-970/xsa970.patch" && git commit -q -a -m "memory: small cleanups"
}
v_merge_no_ff() {
	git merge -q --no-ff -m "Merge branch cleanups" refs/embargo/4.19
}
v_squash_with_more() {
	git merge -q --squash refs/embargo/4.19 >/dev/null && echo more >>README &&
	git commit -q -a -m "assorted updates"
}
v_split_per_hunk() {
	sed -i "$FIX1" "$F" && git commit -q -a -m "memory: one" &&
	sed -i "$FIX2" "$F" && git commit -q -a -m "memory: two"
}
v_one_hunk_only() {
	sed -i "$FIX2" "$F" && git commit -q -a -m "memory: limit requests"
}
v_whitespace() {
	sed -i "$FIX1;$FIX2" "$F" &&
	sed -i "s/^        if ( reservation.nr_extents/\tif ( reservation.nr_extents/; s/^            return -E2BIG;/\t\treturn -E2BIG;  /" "$F" &&
	git commit -q -a -m "memory: limits"
}
v_applied_then_reworded() {
	sed -i "$FIX1;$FIX2" "$F" && git commit -q -a -m "a" &&
	sed -i "s/^            return -EPERM;$/            return -EPERM; \/* not ours *\//" "$F" &&
	git commit -q -a -m "b"
}

for v in cherry_pick_edited apply_own_message merge_no_ff squash_with_more split_per_hunk \
	 one_hunk_only whitespace applied_then_reworded; do
	test_expect_success "refused: $v" "
		hand $v v_$v &&
		refused $v
	"
done

test_expect_success 'after the embargo the squashed branch is released' '
	"$XENSTABLE" -C m-squash --source u-squash release 4.19 --date "$AFTER" $FAST --dry-run >out 2>err &&
	test_grep "^  ok   embargo " out
'

test_done
