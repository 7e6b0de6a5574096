#!/bin/sh
test_description='embargo by content: xsa apply never moves a public ref that would carry an embargoed fix (runs, dry runs, --all, --continue, --to)'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"

D="2026-11-21 10:00"
AFTER="2026-12-16"
F=hypervisor/common/memory.c
FIX1='s/^    if ( d->tot_pages + r->nr_extents > d->max_pages )$/    if ( r->nr_extents > d->max_pages ||\n         d->tot_pages > d->max_pages - r->nr_extents )/'
FIX2='s/^            return -EPERM;$/&\n        if ( reservation.nr_extents > (1UL << 20) )\n            return -E2BIG;/'

refs() {
	git -C "$UPSTREAM" for-each-ref --format="%(refname) %(objectname)"
}

# on BRANCH COMMANDS: run COMMANDS in a worktree of BRANCH, as a person would.
on() {
	git -C "$UPSTREAM" worktree add -q "$TRASH/w" "$1" &&
	(cd "$TRASH/w" && eval "$2") &&
	git -C "$UPSTREAM" worktree remove --force "$TRASH/w"
}

test_expect_success 'set up: XSA-970 embargoed; XSA-971 and XSA-972 public' '
	setup_reference &&
	XSA_KEY=$(xsa_make_key) &&
	trust_key "$MAINT" "$XSA_KEY" advisory &&
	git clone -q "$UPSTREAM" src && git -C src checkout -q stable-4.19 &&
	mkdir xsa-970 xsa-971 xsa-972 &&
	xsa_commit_patch src "$F" "xen/memory: bound reservation changes" \
		"This is XSA-970 / CVE-2026-97001." "$FIX1;$FIX2" "$TRASH/xsa-970/xsa970.patch" &&
	XSA_EMBARGO="2026-12-15 12:00" xsa_advisory xsa-970 970 1 "CVE-2026-97001" \
		"Unbounded reservation changes" "xsa970.patch	xen-unstable - Xen 4.19.x" &&
	xsa_commit_patch src README "README: say where security fixes go" \
		"This is XSA-971 / CVE-2026-97101." "1s/^/Security fixes: see SUPPORT.md.\n/" \
		"$TRASH/xsa-971/xsa971.patch" &&
	xsa_advisory xsa-971 971 1 "CVE-2026-97101" "A public one" \
		"xsa971.patch	xen-unstable - Xen 4.19.x" &&
	git -C src checkout -q stable-4.22 &&
	xsa_commit_patch src toolstack/xl/xl_vmcontrol.c "xl: forget the list once freed" \
		"This is XSA-972 / CVE-2026-97201." \
		"s/^    libxl_dominfo_list_free(list, nb);/&\n    list = NULL;/" \
		"$TRASH/xsa-972/xsa972.patch" &&
	xsa_advisory xsa-972 972 1 "CVE-2026-97201" "Another public one" \
		"xsa972.patch	Xen 4.19.x" &&
	for n in 970 971 972; do xsa_sign xsa-$n/advisory-$n.txt || return 1; done &&
	XENSTABLE_NOW="2026-11-20 09:00" xs xsa import xsa-970 xsa-971 >/dev/null &&
	cp -a "$UPSTREAM" upstream0
'

test_expect_success 'a clean branch takes a public XSA (no false alarm), dry run and run' '
	xs xsa apply 4.19 971 --date "$D" --dry-run >out &&
	test_grep "stable-4.19: would move " out &&
	xs xsa apply 4.19 971 --date "$D" >out &&
	test_grep "XSA-971 *applied" out &&
	rm -rf "$UPSTREAM" && cp -a upstream0 "$UPSTREAM"
'

test_expect_success 'the embargoed fix applied by hand (git apply, own message): no public XSA moves the branch' '
	on stable-4.19 "git apply \"$TRASH/xsa-970/xsa970.patch\" && git commit -q -am \"memory: cleanups\"" &&
	refs >before &&
	test_expect_code 3 xs xsa apply 4.19 971 --date "$D" >out 2>err &&
	test_grep "refusing to move refs/heads/stable-4.19: embargoed content would be on it, whatever the messages say: XSA-970 (embargoed until 2026-12-15 12:00 UTC) patch 1/1" err &&
	test_grep "XSA-971 *held" out &&
	test_grep "not kept: the result would carry embargoed content" out &&
	test_grep "stable-4.19: nothing moved (stays at .*): the result would carry embargoed content" out &&
	! grep -e nr_extents -e E2BIG out err &&
	test_expect_code 3 xs xsa apply 4.19 971 --date "$D" --dry-run >out 2>err &&
	test_grep "refusing to move refs/heads/stable-4.19" err &&
	refs >after &&
	test_cmp before after
'

test_expect_success '--all: the branch that carries it stays, the others move' '
	old419=$(git -C "$UPSTREAM" rev-parse stable-4.19) &&
	old420=$(git -C "$UPSTREAM" rev-parse stable-4.20) &&
	test_expect_code 3 xs xsa apply --all --date "$D" >out 2>err &&
	test_grep "refusing to move refs/heads/stable-4.19" err &&
	test "$(git -C "$UPSTREAM" rev-parse stable-4.19)" = "$old419" &&
	test "$(git -C "$UPSTREAM" rev-parse stable-4.20)" != "$old420" &&
	git -C "$UPSTREAM" log -1 --format=%B stable-4.20 >msg &&
	test_grep "^XSA: 971$" msg &&
	rm -rf "$UPSTREAM" && cp -a upstream0 "$UPSTREAM"
'

test_expect_success '--continue: embargoed content added in the worktree is refused there too' '
	XENSTABLE_NOW="2026-11-20 09:00" xs xsa import xsa-972 >/dev/null &&
	GITDIR=$(git -C "$UPSTREAM" rev-parse --absolute-git-dir) &&
	test_expect_code 1 xs xsa apply 4.19 972 --keep-worktree --date "$D" >out &&
	WT=$GITDIR/xenstable/apply-4.19 &&
	test_path_is_dir "$WT" &&
	git -C "$WT" checkout -q HEAD -- toolstack/xl/xl_vmcontrol.c &&
	rm -f "$WT"/toolstack/xl/*.rej "$WT"/toolstack/xl/*.orig &&
	sed -i "s/^    free(list);/&\n    list = NULL;/" "$WT/toolstack/xl/xl_vmcontrol.c" &&
	(cd "$WT" && git apply "$TRASH/xsa-970/xsa970.patch") &&
	refs >before &&
	test_expect_code 3 xs xsa apply --continue >out 2>err &&
	test_grep "refusing to move refs/heads/stable-4.19: embargoed content would be on it" err &&
	refs >after &&
	test_cmp before after &&
	test_path_is_file "$GITDIR/xenstable/apply-state.json" &&
	xs xsa apply --abort >out &&
	test_path_is_missing "$GITDIR/xenstable/apply-state.json"
'

test_expect_success '--to: an embargoed XSA goes to refs/embargo/ only' '
	refs >before &&
	test_expect_code 3 xs xsa apply 4.19 970 --to refs/heads/private-970 --date "$D" >out 2>err &&
	test_grep "refusing to move refs/heads/private-970: embargoed content" err &&
	refs >after &&
	test_cmp before after &&
	xs xsa apply 4.19 970 --to refs/embargo/4.19 --date "$D" >out &&
	test_grep "XSA-970 *applied" out
'

test_expect_success 'after the embargo the same moves are let through' '
	on stable-4.19 "git apply \"$TRASH/xsa-970/xsa970.patch\" && git commit -q -am \"memory: cleanups\"" &&
	xs xsa apply 4.19 971 --date "$AFTER" >out &&
	test_grep "XSA-971 *applied" out
'

test_done
