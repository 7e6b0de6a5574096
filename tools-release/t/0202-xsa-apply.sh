#!/bin/sh
test_description='xsa apply: the sample advisories onto the reference upstream'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"
. "$TEST_DIR/lib-samples.sh"

export XENSTABLE_NOW="2026-11-21 12:00"
D=2026-11-21

# Everything about the source repository a run may change.
repo_state() {
	git -C "$UPSTREAM" for-each-ref --format="%(refname) %(objectname)" &&
	git -C "$UPSTREAM" worktree list --porcelain &&
	git -C "$UPSTREAM" count-objects -v | grep -v -e "^size" -e "^prune" &&
	git -C "$UPSTREAM" status --porcelain
}

# patch_names REV RANGE: the XSA-Patch trailers of RANGE, oldest first.
patch_names() {
	git -C "$UPSTREAM" log --reverse --format=%B "$1" |
		sed -n "s/^XSA-Patch: \([^ ]*\) [0-9a-f]\{64\}$/\1/p"
}

test_expect_success 'set up the reference upstream with the samples imported' '
	setup_reference &&
	xsa_samples_import &&
	git -C "$UPSTREAM" worktree add -q "$TRASH/co-4.21" stable-4.21 &&
	tree_state "$TRASH/co-4.21" >co-before
'

test_expect_success '--dry-run says what would happen and changes nothing' '
	repo_state >before &&
	xs xsa apply 4.19 --dry-run --date $D >out &&
	repo_state >after &&
	test_cmp before after &&
	test_grep "dry run: nothing is changed" out &&
	test_grep "XSA-901 *would-apply *xsa901.patch" out &&
	test_grep "XSA-903 *would-apply *xsa903-4.19.patch" out &&
	test_grep "XSA-905 *embargoed" out &&
	test_grep "stable-4.19: would move" out
'

test_expect_success 'apply 4.19: each XSA with the variant mapped to 4.19, in XSA order' '
	old=$(git -C "$UPSTREAM" rev-parse stable-4.19) &&
	xs xsa apply 4.19 --date $D >out &&
	test_grep "XSA-903 *applied *xsa903-4.19.patch" out &&
	test_grep "XSA-904 *applied *xsa904/\*.patch" out &&
	patch_names $old..stable-4.19 >names &&
	cat >expect <<-\EOF &&
	xsa901.patch
	xsa902.patch
	xsa903-4.19.patch
	xsa904/0001-toolstack-xenstored-refuse-node-paths-that-do-not-fi.patch
	xsa904/0002-toolstack-xenstored-do-not-split-over-long-request-l.patch
	EOF
	test_cmp expect names &&
	test $(git -C "$UPSTREAM" rev-parse stable-4.19~5) = $old
'

test_expect_success 'the commits keep author, message and date, and carry the trailers' '
	git -C "$UPSTREAM" log -1 --format="%an <%ae>|%ad|%s" --date=iso-strict \
		stable-4.19~2 >one &&
	echo "Aiko Tanaka <aiko.tanaka@example.com>|2026-10-06T11:05:00+00:00|hypervisor/grant: reject the reference one past the table" >expect &&
	test_cmp expect one &&
	git -C "$UPSTREAM" log -1 --format=%B stable-4.19~2 >msg &&
	test_grep "^This is XSA-903 / CVE-2026-99903.$" msg &&
	test_grep "^Signed-off-by: Aiko Tanaka" msg &&
	sha=$(sha256sum <"$SAMPLES_DIR/903/xsa903-4.19.patch" | cut -d" " -f1) &&
	grep -e "^XSA" -e "^CVE" msg >trailers &&
	printf "XSA: 903\nCVE: CVE-2026-99903\nXSA-Patch: xsa903-4.19.patch %s\n" $sha >expect &&
	test_cmp expect trailers &&
	git -C "$UPSTREAM" log -1 --format="%cn|%ci" stable-4.19 >c &&
	echo "Test Committer|2026-11-21 12:00:00 +0000" >expect && test_cmp expect c
'

test_expect_success 'the status matrix sees them; the embargoed one stays out' '
	xs xsa status 4.19 --date $D --json >st.json &&
	python3 -c "
import json; d = json.load(open(\"st.json\"))
s = {x[\"xsa\"]: x[\"branches\"][\"4.19\"][\"state\"] for x in d[\"xsas\"] if x[\"from\"] == \"advisory\"}
assert s == {901: \"applied\", 902: \"applied\", 903: \"applied\", 904: \"applied\", 905: \"embargoed\"}, s
" &&
	! git -C "$UPSTREAM" log --format=%B stable-4.19 | grep -q "XSA-905"
'

test_expect_success 'again: nothing pending, nothing moves; a named one is reported as in' '
	repo_state >before &&
	xs xsa apply 4.19 --date $D >out &&
	test_grep "4 more XSAs are in 4.19 already" out &&
	test_grep "stable-4.19: unchanged" out &&
	xs xsa apply 4.19 902 904 --date $D >out &&
	test_grep "XSA-902 *already" out &&
	test_grep "XSA-904 *already" out &&
	repo_state >after &&
	test_cmp before after
'

test_expect_success 'applied by hand with git am first: reported, left alone, never reverted' '
	git -C "$TRASH/co-4.21" am -q "$SAMPLES_DIR/902/xsa902.patch" &&
	hand=$(git -C "$UPSTREAM" rev-parse stable-4.21) &&
	tree_state "$TRASH/co-4.21" >co-before &&
	xs xsa apply 4.21 --date $D >out &&
	! grep "XSA-902" out &&
	test_grep "(1 more XSA is in 4.21 already)" out &&
	xs xsa apply 4.21 902 --date $D >out2 &&
	test_grep "XSA-902 *already" out2 &&
	test_grep "in 4.21 already (commit $(echo $hand | cut -c1-12)); left alone" out2 &&
	git -C "$UPSTREAM" rev-list stable-4.21 | grep -q $hand &&
	patch_names $hand..stable-4.21 >names &&
	! grep xsa902 names &&
	test_grep "^xsa903.patch$" names &&
	git -C "$UPSTREAM" show stable-4.21:hypervisor/common/event_channel.c >ev &&
	test $(grep -c "port_is_valid(d, status->port)" ev) = 1
'

test_expect_success 'the clean checkout of the branch was updated along with it' '
	test_grep "checkout .*co-4.21 updated" out &&
	git -C "$TRASH/co-4.21" status --porcelain >st && test_must_fail test -s st &&
	test $(git -C "$TRASH/co-4.21" rev-parse HEAD) = $(git -C "$UPSTREAM" rev-parse stable-4.21) &&
	grep -q "op->ref >= rd->max_grant_entries" "$TRASH/co-4.21/hypervisor/common/grant_table.c"
'

test_expect_success 'in already in another form: found by content, one verdict for status and apply' '
	git -C "$UPSTREAM" worktree add -q "$TRASH/co-4.20" stable-4.20 &&
	(cd "$TRASH/co-4.20" &&
	 git apply "$SAMPLES_DIR/901/xsa901.patch" &&
	 echo "local note" >>README &&
	 git commit -q -am "Check reservations; add a note") &&
	mine=$(git -C "$UPSTREAM" rev-parse stable-4.20) &&
	xs xsa status 4.20 --date $D >st && test_grep "^901 .* applied" st &&
	test_grep "XSA-901 4.20: applied: 1 of 1 patch found by content" st &&
	xs xsa status 4.20 --date $D --json >st.json &&
	python3 -c "import json,sys; c=json.load(open(\"st.json\"))[\"xsas\"][0][\"branches\"][\"4.20\"]; assert c[\"state\"] == \"applied\", c" &&
	xs xsa apply 4.20 901 --date $D >out &&
	test_grep "XSA-901 *already" out &&
	test_grep "in 4.20 already; left alone" out &&
	test $(git -C "$UPSTREAM" rev-parse stable-4.20) = $mine &&
	xs xsa apply 4.20 --date $D >out &&
	test $(git -C "$UPSTREAM" rev-parse stable-4.20~4) = $mine &&
	git -C "$UPSTREAM" show stable-4.20:hypervisor/common/memory.c >mem &&
	test_grep "max_pages - d->tot_pages" mem
'

test_expect_success 'a conflict leaves the branch and its checkout exactly as they were' '
	git -C "$UPSTREAM" worktree add -q "$TRASH/co-4.22" stable-4.22 &&
	(cd "$TRASH/co-4.22" &&
	 sed -i "s/if ( op->ref > rd->max_grant_entries )/if ( op->ref > rd->max_grant_entries \&\& op->ref != 0 )/" \
		hypervisor/common/grant_table.c &&
	 git commit -q -am "hypervisor/grant: always allow reference 0") &&
	blamed=$(git -C "$UPSTREAM" rev-parse --short=12 stable-4.22) &&
	repo_state >before &&
	tree_state "$TRASH/co-4.22" >co-before &&
	test_expect_code 1 xs xsa apply 4.22 --date $D >out &&
	repo_state >after &&
	test_cmp before after &&
	tree_state "$TRASH/co-4.22" >co-after &&
	test_cmp co-before co-after &&
	test_grep "XSA-901 *held" out &&
	test_grep "XSA-902 *held" out &&
	test_grep "XSA-903 *conflict *xsa903.patch" out &&
	test_grep "xsa903.patch does not apply to stable-4.22: hypervisor/common/grant_table.c, hunk @@ -13,7 +13,7 @@" out &&
	test_grep "last touched by: " out &&
	test_grep "$blamed hypervisor/grant: always allow reference 0" out &&
	test_grep "no other variant of XSA-903 applies cleanly here" out &&
	test_grep "XSA-904 *not-tried" out &&
	test_grep "stable-4.22: nothing moved" out
'

test_expect_success 'the stale version 1 patch: pending, and the conflict names it' '
	git -C "$UPSTREAM" worktree add -q "$TRASH/co-4.18" stable-4.18 &&
	git -C "$TRASH/co-4.18" am -q "$SAMPLES_DIR/901-v1/xsa901.patch" &&
	v1=$(git -C "$UPSTREAM" rev-parse --short=12 stable-4.18) &&
	test_expect_code 1 xs xsa apply 4.18 901 --date $D >out &&
	test_grep "XSA-901 *conflict" out &&
	test_grep "hypervisor/common/memory.c" out &&
	test_grep "the branch has version 1.s patch (commit $v1)" out &&
	test_grep "$v1 hypervisor/memory: bound the extent count" out &&
	test $(git -C "$UPSTREAM" rev-parse --short=12 stable-4.18) = $v1
'

test_expect_success 'half a series in already: the other half applied, the first left alone' '
	git -C "$TRASH/co-4.18" am -q "$SAMPLES_DIR"/904/xsa904/0001-*.patch &&
	first=$(git -C "$UPSTREAM" rev-parse stable-4.18) &&
	xs xsa status 4.18 --date $D >st &&
	test_grep "XSA-904 4.18: pending: 1 of 2 patches found" st &&
	xs xsa apply 4.18 904 --date $D >out &&
	test_grep "XSA-904 *applied *xsa904/\*.patch" out &&
	test_grep "already *xsa904/0001-.* -> $(echo $first | cut -c1-12)" out &&
	test_grep "applied *xsa904/0002-" out &&
	test_grep "1 of 2 patches were in already" out &&
	test $(git -C "$UPSTREAM" rev-parse stable-4.18~1) = $first
'

test_expect_success '--variant: another variant is named, never taken unasked' '
	old=$(git -C "$UPSTREAM" rev-parse stable-4.17) &&
	test_expect_code 1 xs xsa apply 4.17 903 --variant xsa903.patch --date $D >out &&
	test_grep "XSA-903 *conflict *xsa903.patch (--variant)" out &&
	test_grep "xsa903-4.19.patch of XSA-903 applies cleanly here" out &&
	test_grep "\-\-variant .xsa903-4.19.patch." out &&
	test $(git -C "$UPSTREAM" rev-parse stable-4.17) = $old &&
	xs xsa apply 4.17 903 --variant xsa903-4.19.patch --date $D >out &&
	test_grep "XSA-903 *applied *xsa903-4.19.patch (--variant)" out &&
	xs xsa apply 4.17 904 --variant xsa904-4.17 --date $D >out &&
	test_grep "XSA-904 *applied *xsa904-4.17/\*.patch (--variant)" out &&
	test_expect_code 3 xs xsa apply 4.17 904 --variant xsa999.patch --date $D 2>err &&
	test_grep "has no Xen patch or series .xsa999.patch." err
'

test_expect_success 'an XSA not mapped to the branch: refused without --variant' '
	test_expect_code 3 xs xsa apply 4.16 902 --date $D 2>err &&
	test_grep "XSA-902 maps no patch to 4.16 (needs-backport: out of security support" err &&
	old=$(git -C "$UPSTREAM" rev-parse stable-4.16) &&
	test_expect_code 1 xs xsa apply 4.16 902 --variant xsa902.patch --date $D >out &&
	test_grep "hypervisor/common/event_channel.c" out &&
	test_grep "no other variant of XSA-902 applies cleanly" out &&
	test $(git -C "$UPSTREAM" rev-parse stable-4.16) = $old
'

test_expect_success 'embargoed: refused for a stable branch, applied to a private ref' '
	test_expect_code 3 xs xsa apply 4.22 905 --date $D 2>err &&
	test_grep "XSA-905 is embargoed until 2026-12-15 12:00 UTC: it is never applied to stable-4.22" err &&
	test_expect_code 2 xs xsa apply 4.22 905 --to refs/heads/stable-4.22 2>err &&
	test_expect_code 2 xs xsa apply 4.22 905 --to embargo 2>err &&
	base=$(git -C "$UPSTREAM" rev-parse stable-4.22) &&
	xs xsa apply 4.17 905 --to refs/embargo/4.17 --date $D >out &&
	test_grep "XSA-905 *applied" out &&
	test_grep "(created)" out &&
	git -C "$UPSTREAM" log -1 --format=%B refs/embargo/4.17 >msg &&
	test_grep "^XSA: 905$" msg &&
	test $(git -C "$UPSTREAM" rev-parse refs/embargo/4.17~1) = $(git -C "$UPSTREAM" rev-parse stable-4.17) &&
	! git -C "$UPSTREAM" log --format=%B stable-4.17 | grep -q "XSA: 905" &&
	test $(git -C "$UPSTREAM" rev-parse stable-4.22) = $base
'

test_expect_success 'after the embargo date it goes to the stable branch' '
	xs xsa apply 4.19 --date 2026-12-16 >out &&
	test_grep "XSA-905 *applied *xsa905.patch" out &&
	git -C "$UPSTREAM" log -1 --format=%B stable-4.19 >msg &&
	test_grep "^XSA: 905$" msg
'

test_expect_success 'killed just before the ref moves: nothing moved; the next run cleans up' '
	objects=$(cd "$UPSTREAM" && cd "$(git rev-parse --git-common-dir)/objects" && pwd) &&
	git -C "$UPSTREAM" worktree remove --force "$TRASH/co-4.22" &&
	git -C "$UPSTREAM" branch -f stable-4.22 stable-4.22~1 &&
	base=$(git -C "$UPSTREAM" rev-parse stable-4.22) &&
	XENSTABLE_STOP_AT=apply-before-ref:1 xs xsa apply 4.22 --date $D >out 2>err
	test $? = 137 &&
	test $(git -C "$UPSTREAM" rev-parse stable-4.22) = $base &&
	ls -d "$objects"/xenstable-incoming-* >left &&
	test -s left &&
	xs xsa apply 4.22 --date $D >out &&
	test_grep "stable-4.22: $(echo $base | cut -c1-12) -> " out &&
	test_must_fail ls -d "$objects"/xenstable-incoming-* 2>/dev/null &&
	git -C "$UPSTREAM" fsck --no-dangling 2>&1 | tee fsck &&
	test_must_fail test -s fsck
'

test_expect_success '--json report' '
	xs xsa apply 4.17 --date $D --json >out.json &&
	python3 -c "
import json; d = json.load(open(\"out.json\"))
assert d[\"branch\"] == \"4.17\" and d[\"moved\"], d
x = {e[\"xsa\"]: e for e in d[\"xsas\"]}
assert x[901][\"outcome\"] == \"applied\" and x[901][\"patches\"][0][\"name\"] == \"xsa901.patch\", x[901]
assert x[905][\"outcome\"] == \"embargoed\", x[905]
assert d[\"tip\"] == x[902][\"commit\"], d
"
'

test_done
