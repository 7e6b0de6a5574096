#!/bin/sh
test_description='embargo by content on a real xen.git (XS_REAL_XEN=/path/to/xen.git): found where it is, and cheap'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"

# Run only with XS_REAL_XEN set.  A bare --shared clone of it is made in
# the trash directory (nothing is written to XS_REAL_XEN), with stable-4.19
# set back one commit before its last release, so that "release 4.19"
# has that release's commits to check.  Two made-up advisories:
#   XSA-991  embargoed; its patches are ten recent master commits that
#            4.19 does not have (the check must find nothing)
#   XSA-990  embargoed; its patch is a 20-hunk fix that is on 4.19
#   XSA-992  public, a one-line change to README, to move the branch with
# The times are printed at the end ("# ...").

D="2030-01-10 10:00"
FAST="--skip build --skip abi --skip boot"

ms() {
	echo $(( $(date +%s%N) / 1000000 ))
}

test_expect_success REAL_XEN 'set up a clone, a maintenance repository and the advisories' '
	git clone -q --bare --shared "$XS_REAL_XEN" xen.git &&
	X=$TRASH/xen.git &&
	git -C "$X" config user.name "Stable Maintainer" &&
	git -C "$X" config user.email "stable@example.org" &&
	LAST=$(git -C "$X" tag -l "RELEASE-4.19.*" | sort -V | tail -1) &&
	git -C "$X" update-ref refs/heads/stable-4.19 "$LAST~1" &&
	PREV=$(git -C "$X" describe --tags --abbrev=0 "$LAST~1") &&
	FIX=$(git -C "$X" log --format=%H --grep="^gnttab: cope with version changes racing" "$PREV..$LAST~1") &&
	test -n "$FIX" &&
	make_maint_repo maint && MAINT=$TRASH/maint &&
	XSA_KEY=$(xsa_make_key) && trust_key "$MAINT" "$XSA_KEY" advisory &&
	mkdir xsa-990 xsa-991 xsa-992 &&
	git -C "$X" format-patch -q -1 --stdout "$FIX" >xsa-990/xsa990.patch &&
	git -C "$X" format-patch -q -o "$TRASH/xsa-991/xsa991" master~10..master &&
	test "$(ls xsa-991/xsa991 | wc -l)" = 10 &&
	XSA_EMBARGO="2030-02-01 12:00" xsa_advisory xsa-990 990 1 "" "A fix on 4.19" \
		"xsa990.patch	xen-unstable - Xen 4.19.x" &&
	XSA_EMBARGO="2030-02-01 12:00" xsa_advisory xsa-991 991 1 "" "Fixes on master only" \
		"xsa991/*.patch	xen-unstable - Xen 4.19.x" &&
	git clone -q --shared -b stable-4.19 "$X" src &&
	xsa_commit_patch src README "README: a public note" "This is XSA-992." \
		"1s/^/Security: see SUPPORT.md.\n/" "$TRASH/xsa-992/xsa992.patch" &&
	xsa_advisory xsa-992 992 1 "" "A public one" "xsa992.patch	xen-unstable - Xen 4.19.x" &&
	for n in 990 991 992; do xsa_sign xsa-$n/advisory-$n.txt || return 1; done &&
	XENSTABLE_NOW="2030-01-02 09:00" "$XENSTABLE" -C "$MAINT" xsa import xsa-991 xsa-992 >/dev/null &&
	echo "$FIX $PREV" >vars
'
read FIX PREV <vars 2>/dev/null
X=$TRASH/xen.git

test_expect_success REAL_XEN 'release preflight: 10 embargoed master patches are not on 4.19' '
	"$XENSTABLE" -C "$MAINT" --source "$X" release 4.19 --date "$D" $FAST --dry-run >warm 2>&1;
	t0=$(ms) &&
	test_expect_code 1 "$XENSTABLE" -C "$MAINT" --source "$X" release 4.19 --date "$D" $FAST \
		--dry-run >out 2>err &&
	t1=$(ms) &&
	test_grep "^  ok   embargo    no embargoed fix is on the branch (by content)" out &&
	test_expect_code 1 "$XENSTABLE" -C "$MAINT" --source "$X" release 4.19 --date "2030-03-01" \
		$FAST --dry-run >out2 2>err2 &&
	t2=$(ms) &&
	echo "release preflight, 53 commits since $PREV, 10 embargoed patches: $((t1 - t0)) ms; no embargo: $((t2 - t1)) ms" >>times
'

test_expect_success REAL_XEN 'a public XSA moves the branch past them (dry run)' '
	t0=$(ms) &&
	"$XENSTABLE" -C "$MAINT" --source "$X" xsa apply 4.19 992 --date "$D" --dry-run >out 2>err &&
	t1=$(ms) &&
	test_grep "stable-4.19: would move" out &&
	echo "xsa apply --dry-run with 10 embargoed patches: $((t1 - t0)) ms" >>times
'

test_expect_success REAL_XEN 'the fix on 4.19 is found by release and by xsa apply' '
	XENSTABLE_NOW="2030-01-02 09:00" "$XENSTABLE" -C "$MAINT" xsa import xsa-990 >/dev/null &&
	t0=$(ms) &&
	test_expect_code 1 "$XENSTABLE" -C "$MAINT" --source "$X" release 4.19 --date "$D" $FAST \
		--dry-run >out 2>err &&
	t1=$(ms) &&
	test_grep "FAIL embargo    embargoed content is on stable-4.19: XSA-990 (embargoed until 2030-02-01 12:00 UTC) patch 1/1 .*: 20 of its 20 hunk(s) in the tree, commit $(echo $FIX | cut -c1-12) carries its changes" out &&
	test_expect_code 3 "$XENSTABLE" -C "$MAINT" --source "$X" xsa apply 4.19 992 --date "$D" \
		>out 2>err &&
	t2=$(ms) &&
	test_grep "refusing to move refs/heads/stable-4.19: embargoed content" err &&
	echo "release preflight, the fix found: $((t1 - t0)) ms; xsa apply refused: $((t2 - t1)) ms" >>times
'

test_expect_success REAL_XEN 'nothing was written to the real repository' '
	git -C "$XS_REAL_XEN" rev-parse refs/heads/stable-4.19 >/dev/null &&
	test "$(git -C "$X" rev-parse stable-4.19)" = "$(git -C "$X" rev-parse "$(git -C "$X" tag -l "RELEASE-4.19.*" | sort -V | tail -1)~1")"
'

test -f "$TRASH/times" && sed 's/^/# /' "$TRASH/times"

test_done
