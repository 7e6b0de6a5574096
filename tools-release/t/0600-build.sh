#!/bin/sh
test_description='build: the tree at a revision, away from every checkout, log and products kept'
. ./test-lib.sh

# A branch of $UPSTREAM made in a worktree: new_branch NAME FROM, then
# edit and commit in wt-NAME.
new_branch() {
	git -C "$UPSTREAM" worktree add -q -b "$1" "$TRASH/wt-$1" "$2"
}

test_expect_success 'set up the reference upstream' '
	setup_reference &&
	tree_state "$UPSTREAM" >upstream.before &&
	git -C "$UPSTREAM" rev-parse HEAD >head.before
'

test_expect_success 'build a release: both components, log and products kept' '
	xs build RELEASE-4.19.2 >out 2>err &&
	C=$(git -C "$UPSTREAM" rev-parse "RELEASE-4.19.2^{commit}") &&
	D="$MAINT/.xenstable/build/$C" &&
	test_grep "^build of RELEASE-4.19.2 (commit ${C%????????????????????????????}, Xen 4.19.2, reference tree)" out &&
	test_grep "^hypervisor: passed in .*: built hypervisor/xen (Xen 4.19.2)$" out &&
	test_grep "^toolstack: passed in .*: built libxenlight.so.4.19.0 and xl$" out &&
	test_grep "^    log: $D/hypervisor/build.log$" out &&
	test_grep "^    made: $D/toolstack/lib/libxenlight.so.4.19.0$" out &&
	test_grep "^build passed in " out &&
	test_path_is_file "$D/hypervisor/xen" &&
	test_path_is_file "$D/hypervisor/xen.gz" &&
	test_path_is_file "$D/toolstack/include/libxl.h" &&
	test_grep "^\$ make -C hypervisor -j" "$D/hypervisor/build.log" &&
	test_grep "\"status\": \"passed\"" "$D/toolstack/result.json" &&
	readelf -d "$D/toolstack/lib/libxenlight.so.4.19.0" >dyn &&
	test_grep "SONAME.*libxenlight.so.4.19\]" dyn &&
	LD_LIBRARY_PATH="$D/toolstack/lib" "$D/toolstack/bin/xl" --version >v &&
	test_grep "4.19.2" v &&
	LD_LIBRARY_PATH="$D/toolstack/lib" "$D/toolstack/bin/xl" info --image "$D/hypervisor/xen.gz" >info &&
	test_grep "4.19.2" info
'

test_expect_success 'no checkout of the source repository was touched' '
	tree_state "$UPSTREAM" >upstream.after &&
	test_cmp upstream.before upstream.after &&
	git -C "$UPSTREAM" rev-parse HEAD >head.after &&
	test_cmp head.before head.after &&
	git -C "$UPSTREAM" status --porcelain >st &&
	test_must_fail test -s st
'

test_expect_success 'the same commit again reuses the result that passed; --force rebuilds' '
	xs build RELEASE-4.19.2 >out 2>err &&
	test_grep "hypervisor of RELEASE-4.19.2 .* was built and passed before; reusing it" err &&
	test_grep "^toolstack: passed in .* (reused)" out &&
	xs build --force --components toolstack RELEASE-4.19.2 >out 2>err &&
	test_grep ! "reusing" err &&
	test_grep "^toolstack: passed" out &&
	test_grep ! "(reused)" out &&
	test_grep ! "^hypervisor:" out
'

test_expect_success 'a broken build fails with a one-line reason and keeps its log' '
	new_branch t-broken stable-4.19 &&
	(cd wt-t-broken &&
	 printf "int broken = not_declared_anywhere;\n" >>hypervisor/common/kernel.c &&
	 git commit -q -am "hypervisor: a fix that does not compile") &&
	test_expect_code 1 xs build t-broken >out 2>err &&
	test_grep "^hypervisor: failed in .*: hypervisor/common/kernel.c:[0-9]*:[0-9]*: error: .not_declared_anywhere. undeclared" out &&
	test_grep "^build failed in .*: hypervisor failed: hypervisor/common/kernel.c:" out &&
	test_grep ! "xenstable-build-" out &&
	C=$(git -C "$UPSTREAM" rev-parse t-broken) &&
	test_grep "not_declared_anywhere" "$MAINT/.xenstable/build/$C/hypervisor/build.log" &&
	test_grep "\"status\": \"failed\"" "$MAINT/.xenstable/build/$C/hypervisor/result.json" &&
	test_path_is_missing "$MAINT/.xenstable/build/$C/hypervisor/xen"
'

test_expect_success 'a failed build is not reused: it runs again' '
	test_expect_code 1 xs build --components hypervisor t-broken >out 2>err &&
	test_grep ! "reusing" err &&
	test_grep "^hypervisor: failed" out
'

test_expect_success 'a toolstack link failure names the missing symbol' '
	new_branch t-link stable-4.19 &&
	(cd wt-t-link &&
	 sed -i "s/^        libxl_list_domain;$//" toolstack/libs/light/libxenlight.map &&
	 git commit -q -am "libxl: drop a symbol xl needs") &&
	test_expect_code 1 xs build --components toolstack t-link >out 2>err &&
	test_grep "^toolstack: failed in .*undefined reference to .libxl_list_domain" out
'

test_expect_success '--keep keeps the exported tree and prints its path' '
	xs build --keep --force --components hypervisor stable-4.18 >out 2>err &&
	tree=$(sed -n "s/^build tree kept: //p" out) &&
	test -n "$tree" &&
	test_path_is_file "$tree/hypervisor/xen" &&
	test_path_is_file "$tree/hypervisor/Makefile" &&
	rm -rf "$tree"
'

test_expect_success '--json gives the results as JSON' '
	"$XENSTABLE" --json -C "$MAINT" build --components hypervisor RELEASE-4.19.2 >out.json &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
assert d[\"version\"] == \"4.19.2\", d
assert d[\"tree\"] == \"reference\"
assert d[\"result\"][\"check\"] == \"build\" and d[\"result\"][\"status\"] == \"passed\"
assert d[\"result\"][\"reused\"] is True
assert [c[\"check\"] for c in d[\"components\"]] == [\"hypervisor\"]
assert d[\"components\"][0][\"artifacts\"][0].endswith(\"/hypervisor/xen\")
"
'

test_expect_success 'bad input: unknown revision, component, option, branch file key' '
	test_expect_code 3 xs build no-such-ref 2>err &&
	test_grep "no-such-ref: no such revision" err &&
	test_expect_code 2 xs build --components hypervisor,firmware RELEASE-4.19.2 2>err &&
	test_grep "unknown component .firmware." err &&
	test_expect_code 2 xs build 2>err &&
	test_expect_code 2 xs build --jobs x RELEASE-4.19.2 2>err &&
	cp "$MAINT/branches/4.19.conf" 4.19.conf.orig &&
	printf "[build]\n\tconfigur = --disable-docs\n" >>"$MAINT/branches/4.19.conf" &&
	test_expect_code 3 xs build RELEASE-4.19.2 2>err &&
	test_grep "branches/4.19.conf:[0-9]*: unknown key .build.configur." err &&
	cp 4.19.conf.orig "$MAINT/branches/4.19.conf"
'

test_expect_success 'a revision that is not a Xen tree is refused' '
	T=$(printf "hello\n" | git -C "$UPSTREAM" hash-object -w --stdin) &&
	TREE=$(printf "100644 blob %s\tREADME\n" "$T" | git -C "$UPSTREAM" mktree) &&
	C=$(git -C "$UPSTREAM" commit-tree -m "not xen" "$TREE") &&
	test_expect_code 3 xs build "$C" 2>err &&
	test_grep "neither xen/Makefile nor hypervisor/Makefile" err
'

test_expect_success 'without a source repository the error says how to get one' '
	test_expect_code 4 env -u XENSTABLE_SOURCE "$XENSTABLE" -C "$MAINT" build RELEASE-4.19.2 2>err &&
	test_grep "no source repository" err
'

test_done
