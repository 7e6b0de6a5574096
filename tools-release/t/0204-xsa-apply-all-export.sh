#!/bin/sh
test_description='xsa apply --all: one table, one branch failing does not stop the others; xsa export as a quilt series'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"
. "$TEST_DIR/lib-samples.sh"

export XENSTABLE_NOW="2026-11-21 12:00"
D=2026-11-21

rev() {
	git -C "$UPSTREAM" rev-parse "$@"
}

test_expect_success 'set up: samples imported; 4.18 carries version 1 of XSA-901' '
	setup_reference &&
	xsa_samples_import &&
	git -C "$UPSTREAM" worktree add -q "$TRASH/co-4.18" stable-4.18 &&
	git -C "$TRASH/co-4.18" am -q "$SAMPLES_DIR/901-v1/xsa901.patch" &&
	for b in 4.16 4.17 4.18 4.19 4.20 4.21 4.22; do
		echo "$b $(rev stable-$b)" || return 1
	done >tips
'

test_expect_success '--all --dry-run --json: the plan for every security-supported branch' '
	test_expect_code 1 xs xsa apply --all --dry-run --date $D --json >dry.json &&
	python3 - dry.json <<-\PY &&
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["exit"] == 1, d["exit"]
	b = {p["branch"]: p for p in d["branches"]}
	assert sorted(b) == ["4.17", "4.18", "4.19", "4.20", "4.21", "4.22"], sorted(b)
	assert all(p["dry_run"] and not p["moved"] for p in b.values())
	out = {p["branch"]: {e["xsa"]: e["outcome"] for e in p["xsas"]} for p in d["branches"]}
	assert out["4.18"][901] == "conflict", out["4.18"]
	assert out["4.17"] == {901: "applied", 902: "applied", 903: "applied", 904: "applied", 905: "embargoed"}, out["4.17"]
	PY
	for b in 4.16 4.17 4.18 4.19 4.20 4.21 4.22; do
		echo "$b $(rev stable-$b)" || return 1
	done >now &&
	test_cmp tips now
'

test_expect_success '--all: one table; 4.18 fails, every other branch gets its fixes' '
	test_expect_code 1 xs xsa apply --all --date $D >out 2>err &&
	test_grep "XSAs did not apply on every branch" err &&
	test_grep "skipping 4.16: not security-supported" err &&
	test_grep "^XSA *4.17 *4.18 *4.19 *4.20 *4.21 *4.22 *$" out &&
	test_grep "^901 *applied *conflict *applied *applied *applied *applied *$" out &&
	test_grep "^902 *applied *not-tried *applied *applied *applied *applied *$" out &&
	test_grep "^905 *embargoed *embargoed *embargoed *embargoed *embargoed *embargoed *$" out &&
	test_grep "^4.18:$" out &&
	test_grep "xsa901.patch does not apply to stable-4.18: hypervisor/common/memory.c" out &&
	test_grep "^4.19: moved " out &&
	test $(rev stable-4.18) = $(sed -n "s/^4.18 //p" tips) &&
	test $(rev stable-4.16) = $(sed -n "s/^4.16 //p" tips) &&
	for b in 4.17 4.19 4.20 4.21 4.22; do
		git -C "$UPSTREAM" log --format=%B "$(sed -n "s/^$b //p" tips)..stable-$b" >log-$b &&
		test $(grep -c "^XSA: " log-$b) = 5 || return 1
	done &&
	grep -q "^XSA-Patch: xsa903-4.19.patch" log-4.17 &&
	grep -q "^XSA-Patch: xsa904-4.17/0001-" log-4.17 &&
	grep -q "^XSA-Patch: xsa903.patch" log-4.20
'

test_expect_success '--all again: the applied ones show as already in' '
	test_expect_code 1 xs xsa apply --all --date $D >out 2>err &&
	test_grep "^901 *already *conflict *already *already *already *already *$" out &&
	test_grep "^4.19: unchanged$" out
'

test_expect_success 'export: the XSA commits since the last release, quilt-named' '
	xs xsa export 4.19 q19 >out &&
	test_grep "stable-4.19: 5 XSA patches since RELEASE-4.19.2 in q19/series (3 other commits left out)" out &&
	cat >expect <<-\EOF &&
	0001-xen-xsa901-hypervisor-memory-check-the-reservation-without-4.19.patch
	0002-xen-xsa902-hypervisor-evtchn-validate-the-port-in-evtchnop-4.19.patch
	0003-xen-xsa903-hypervisor-grant-reject-the-reference-one-past-the-4.19.patch
	0004-xen-xsa904-toolstack-xenstored-refuse-node-paths-that-do-not-4.19.patch
	0005-xen-xsa904-toolstack-xenstored-do-not-split-over-long-request-4.19.patch
	EOF
	test_cmp expect q19/series &&
	ls q19 | grep -v "^series$" >files && test_cmp expect files &&
	head -1 q19/0003-*.patch | grep -q "^From [0-9a-f]\{40\} Mon Sep 17 00:00:00 2001$" &&
	test_grep "^Subject: \[PATCH\] hypervisor/grant: reject the reference one past the table$" q19/0003-*.patch &&
	test_grep "^XSA-Patch: xsa903-4.19.patch " q19/0003-*.patch &&
	test_grep "^index [0-9a-f]\{40\}\.\.[0-9a-f]\{40\} 100644$" q19/0003-*.patch &&
	test_grep ! "^-- $" q19/0003-*.patch
'

test_expect_success 'export is stable: the same bytes again, whatever the configuration says' '
	git -C "$UPSTREAM" config format.signature "a signature" &&
	git -C "$UPSTREAM" config format.numbered true &&
	git config --global diff.noprefix true &&
	git config --global format.subjectPrefix "MINE" &&
	xs xsa export 4.19 again >/dev/null &&
	git config --global --unset diff.noprefix &&
	git config --global --unset format.subjectPrefix &&
	git -C "$UPSTREAM" config --unset format.signature &&
	git -C "$UPSTREAM" config --unset format.numbered &&
	diff -r q19 again
'

test_expect_success QUILT 'quilt push -a on the last release tarball of the branch' '
	for b in 4.19 4.17; do
		tag=$(git -C "$UPSTREAM" describe --tags --abbrev=0 --match "RELEASE-$b.*" stable-$b) &&
		test -d q$b || xs xsa export $b q$b >/dev/null || return 1
		mkdir -p tb-$b &&
		git -C "$UPSTREAM" archive --format=tar --prefix=xen-${tag#RELEASE-}/ $tag | tar -x -C tb-$b &&
		(cd tb-$b/xen-${tag#RELEASE-} && QUILT_PATCHES=$TRASH/q$b quilt push -a -q >../quilt.log 2>&1) ||
		{ cat tb-$b/quilt.log; return 1; }
		for f in hypervisor/common/memory.c hypervisor/common/event_channel.c \
			 hypervisor/common/grant_table.c; do
			git -C "$UPSTREAM" show stable-$b:$f | cmp - tb-$b/xen-${tag#RELEASE-}/$f || return 1
		done
	done
'

test_expect_success 'export: bad arguments' '
	test_expect_code 3 xs xsa export 4.19 q19 2>err &&
	test_grep "q19 is not empty" err &&
	test_expect_code 3 xs xsa export 4.99 x 2>err &&
	test_grep "no maintained branch .4.99." err &&
	test_expect_code 3 xs xsa export 4.19 x --since RELEASE-9.9.9 2>err &&
	test_grep "no such tag or commit" err &&
	test_expect_code 3 xs xsa export 4.19 x --since RELEASE-4.20.0 2>err &&
	test_grep "is not on stable-4.19" err &&
	test_path_is_missing x &&
	test_expect_code 2 xs xsa export 4.19 2>err &&
	mkdir empty &&
	xs xsa export 4.19 empty --since RELEASE-4.19.1 >out &&
	test_cmp q19/series empty/series
'

test_done
