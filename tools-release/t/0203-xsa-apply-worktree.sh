#!/bin/sh
test_description='xsa apply --keep-worktree, --continue, --abort; a wrong mapping and --variant'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"
. "$TEST_DIR/lib-samples.sh"

export XENSTABLE_NOW="2026-11-21 12:00"
D=2026-11-21

rev() {
	git -C "$UPSTREAM" rev-parse "$@"
}

# conflict_on BRANCH: a maintainer's commit that changes the line XSA-903 fixes.
conflict_on() {
	git -C "$UPSTREAM" worktree add -q "$TRASH/co-$1" "stable-$1" &&
	sed -i "s/if ( op->ref > rd->max_grant_entries )/if ( op->ref > rd->max_grant_entries \&\& op->ref != 0 )/" \
		"$TRASH/co-$1/hypervisor/common/grant_table.c" &&
	git -C "$TRASH/co-$1" commit -q -am "hypervisor/grant: always allow reference 0" &&
	git -C "$UPSTREAM" worktree remove "$TRASH/co-$1"
}

test_expect_success 'set up: samples imported, a local change in the way of XSA-903 on 4.22' '
	setup_reference &&
	xsa_samples_import &&
	conflict_on 4.22 &&
	GITDIR=$(git -C "$UPSTREAM" rev-parse --absolute-git-dir) &&
	STATE=$GITDIR/xenstable/apply-state.json
'

test_expect_success '--keep-worktree: the conflict is left in a worktree; the branch does not move' '
	base=$(rev stable-4.22) &&
	test_expect_code 1 xs xsa apply 4.22 --keep-worktree --date $D >out &&
	test $(rev stable-4.22) = $base &&
	WT=$GITDIR/xenstable/apply-4.22 &&
	test_grep "nothing moved yet.  The conflict is left for you in" out &&
	test_grep "^    $WT$" out &&
	test_grep "with conflict markers in: hypervisor/common/grant_table.c" out &&
	test_grep "XSA-901 *waiting" out &&
	test_grep "XSA-904 *pending" out &&
	test_path_is_file "$STATE" &&
	grep -q "^<<<<<<< " "$WT/hypervisor/common/grant_table.c" &&
	git -C "$UPSTREAM" worktree list --porcelain >wts &&
	test_grep "^worktree $WT$" wts &&
	# the worktree starts from the commits of the XSAs before it
	git -C "$WT" log -2 --format=%s >subjects &&
	test_grep "hypervisor/evtchn: validate the port in EVTCHNOP_status" subjects &&
	test $(git -C "$WT" rev-parse HEAD~2) = $base
'

test_expect_success 'while it waits, other applies are refused; a dry run is not' '
	test_expect_code 4 xs xsa apply 4.21 --date $D 2>err &&
	test_grep "an apply to stable-4.22 waits for you in $WT (XSA-903 did not apply)" err &&
	xs xsa apply 4.21 --dry-run --date $D >out &&
	test_grep "would-apply" out
'

test_expect_success '--continue refuses conflict markers and leftover .rej files' '
	test_expect_code 3 xs xsa apply --continue 2>err &&
	test_grep "hypervisor/common/grant_table.c: conflict markers are still in it" err &&
	test_path_is_file "$STATE" &&
	test $(rev stable-4.22) = $base
'

test_expect_success '--continue commits the hand-made fix and applies the rest' '
	python3 - "$WT/hypervisor/common/grant_table.c" <<-\PY &&
	import re, sys
	p = sys.argv[1]
	s = open(p).read()
	s = re.sub(r"<<<<<<< [^\n]*\n.*?>>>>>>> [^\n]*\n",
	           "    if ( op->ref >= rd->max_grant_entries && op->ref != 0 )\n", s, flags=re.S)
	open(p, "w").write(s)
	PY
	xs xsa apply --continue >out &&
	test_grep "XSA-903 *adapted *xsa903.patch -> [0-9a-f]* (adapted by hand)" out &&
	test_grep "XSA-904 *applied" out &&
	test_grep "stable-4.22: $(echo $base | cut -c1-12) -> " out &&
	test $(rev stable-4.22~5) = $base &&
	git -C "$UPSTREAM" log --format=%B -1 stable-4.22~2 >msg &&
	test_grep "^hypervisor/grant: reject the reference one past the table$" msg &&
	test_grep "^XSA-Adapted: by hand (the patch did not apply cleanly)$" msg &&
	test_grep "^XSA: 903$" msg &&
	git -C "$UPSTREAM" log --format=%an -1 stable-4.22~2 >an &&
	echo "Aiko Tanaka" >expect && test_cmp expect an &&
	git -C "$UPSTREAM" show stable-4.22:hypervisor/common/grant_table.c >g &&
	test_grep "op->ref >= rd->max_grant_entries && op->ref != 0" g &&
	test_path_is_missing "$STATE" &&
	test_path_is_missing "$WT" &&
	git -C "$UPSTREAM" worktree list --porcelain >wts &&
	test_grep ! "apply-4.22" wts &&
	xs xsa status 4.22 --date $D >st &&
	test_grep "^903 .* applied" st
'

test_expect_success '--continue moves the branch only from where it was: compare-and-swap' '
	conflict_on 4.21 &&
	test_expect_code 1 xs xsa apply 4.21 --keep-worktree --date $D >out &&
	WT=$GITDIR/xenstable/apply-4.21 &&
	sed -i "/^<<<<<<< /,/^>>>>>>> /c\\    if ( op->ref >= rd->max_grant_entries )" \
		"$WT/hypervisor/common/grant_table.c" &&
	! grep -q "<<<<<<<" "$WT/hypervisor/common/grant_table.c" &&
	git -C "$UPSTREAM" commit-tree -p stable-4.21 -m "someone else" stable-4.21^{tree} >other &&
	git -C "$UPSTREAM" update-ref refs/heads/stable-4.21 $(cat other) &&
	test_expect_code 4 xs xsa apply --continue 2>err &&
	test_grep "stable-4.21 moved since the apply began" err &&
	test $(rev stable-4.21) = $(cat other) &&
	test_path_is_file "$STATE" &&
	xs xsa apply --abort >out &&
	test_grep "aborted: removed $WT; stable-4.21 never moved" out &&
	test_path_is_missing "$STATE" &&
	test_path_is_missing "$WT" &&
	test $(rev stable-4.21) = $(cat other) &&
	test_expect_code 3 xs xsa apply --continue 2>err &&
	test_grep "no XSA apply is waiting" err
'

test_expect_success 'an advisory whose mapping is wrong for a branch (a test-only XSA-906)' '
	mkdir adv &&
	sed -e "s/XSA-903/XSA-906/" -e "s/CVE-2026-99903/CVE-2026-99906/" \
		"$SAMPLES_DIR/903/xsa903.patch" >with-index.patch &&
	xsa_plain_patch with-index.patch adv/xsa906.patch &&
	sed -e "s/XSA-903/XSA-906/" -e "s/CVE-2026-99903/CVE-2026-99906/" \
		"$SAMPLES_DIR/903/xsa903-4.19.patch" >adv/xsa906-4.19.patch &&
	xsa_advisory adv 906 1 "CVE-2026-99906" "Wrongly mapped" \
		"xsa906.patch	xen-unstable - Xen 4.19.x" "xsa906-4.19.patch	Xen 4.18.x - Xen 4.17.x" &&
	xsa_sign adv/advisory-906.txt &&
	xsa_xenbits_json adv/xsa.json "906:2026-11-10 12:00" &&
	xs xsa import adv >/dev/null &&
	base=$(rev stable-4.19) &&
	test_expect_code 1 xs xsa apply 4.19 906 --date $D >out &&
	test_grep "XSA-906 *conflict *xsa906.patch$" out &&
	test_grep "hypervisor/common/grant_table.c, hunk @@ -13,7 +13,7 @@" out &&
	test_grep "xsa906-4.19.patch of XSA-906 applies cleanly here; it is not used unless you say so" out &&
	test $(rev stable-4.19) = $base
'

test_expect_success 'a patch git cannot merge (no blob ids): kept with .rej files' '
	test_expect_code 1 xs xsa apply 4.19 906 --keep-worktree --date $D >out &&
	WT=$GITDIR/xenstable/apply-4.19 &&
	test_grep "with the hunks that did not apply in .rej files: hypervisor/common/grant_table.c.rej" out &&
	test_path_is_file "$WT/hypervisor/common/grant_table.c.rej" &&
	sed -i "s/op->ref > NR_GRANT_ENTRIES/op->ref >= NR_GRANT_ENTRIES/" \
		"$WT/hypervisor/common/grant_table.c" &&
	test_expect_code 3 xs xsa apply --continue 2>err &&
	test_grep "grant_table.c.rej: a leftover of the failed patch" err &&
	xs xsa apply --abort >/dev/null &&
	test $(rev stable-4.19) = $base
'

test_expect_success '--variant takes the one that applies; the real fix is then seen as in' '
	xs xsa apply 4.19 906 --variant xsa906-4.19.patch --date $D >out &&
	test_grep "XSA-906 *applied *xsa906-4.19.patch (--variant)" out &&
	git -C "$UPSTREAM" log -1 --format=%B stable-4.19 >msg &&
	test_grep "^XSA-Patch: xsa906-4.19.patch " msg &&
	xs xsa apply 4.19 903 --date $D >out &&
	test_grep "XSA-903 *already" out &&
	test $(rev stable-4.19~1) = $base
'

test_done
