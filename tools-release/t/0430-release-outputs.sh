#!/bin/sh
test_description='release: the output directory is checked before building; a rerun is never blocked; interrupted runs give the same bytes'
. ./test-lib.sh

D="2026-11-21 10:00"
NOBOOT="--skip abi --skip boot"

# no_leftovers MAINT SRC: nothing of an unfinished release remains.
no_leftovers() {
	test_path_is_missing "$1/.xenstable/release/4.19.json" &&
	test -z "$(git -C "$2" for-each-ref refs/xenstable/release)"
}

# same_release DIR1 DIR2: every file of both release directories, byte for byte.
same_release() {
	(cd "$1" && ls -A) >names1 && (cd "$2" && ls -A) >names2 &&
	test_cmp names1 names2 &&
	for f in $(cat names1); do
		cmp "$1/$f" "$2/$f" || return 1
	done
}

test_expect_success 'set up; the uninterrupted run in a twin repository' '
	setup_reference &&
	cp -a "$MAINT" maint0 && cp -a "$UPSTREAM" upstream0 &&
	cp -a maint0 mref && cp -a upstream0 uref &&
	"$XENSTABLE" -C mref --source uref release 4.19 --date "$D" $NOBOOT >ref-out 2>&1 &&
	test_grep "^  ok   build      hypervisor built; toolstack built" ref-out &&
	test_path_is_file mref/dist/4.19.3/XSA-931.osv.json &&
	git -C uref rev-parse RELEASE-4.19.3 RELEASE-4.19.3^{commit} stable-4.19 >ref-refs
'

test_expect_success 'an empty dist/4.19.3 left before the release is used; nothing is left behind' '
	rm -rf m u && cp -a maint0 m && cp -a upstream0 u &&
	mkdir -p m/dist/4.19.3 &&
	"$XENSTABLE" -C m --source u release 4.19 --date "$D" $NOBOOT >out 2>&1 &&
	test_grep "ok   output     4.19.3/ is empty in the output directory" out &&
	test_grep "released 4.19.3" out &&
	(cd m/dist/4.19.3 && sha256sum -c --quiet SHA256SUMS) &&
	no_leftovers m u &&
	"$XENSTABLE" -C m --source u release 4.19 --date "$D" $NOBOOT >out2 2>&1 &&
	test_grep "Release 4.19.3 of stable-4.19 exists" out2
'

test_expect_success 'an occupied dist/4.19.3 stops the preflight before any build or commit' '
	rm -rf m u && cp -a maint0 m && cp -a upstream0 u &&
	mkdir -p m/dist/4.19.3 && echo mine >m/dist/4.19.3/notes.txt &&
	git -C u for-each-ref >refs-before &&
	test_expect_code 1 "$XENSTABLE" -C m --source u release 4.19 --date "$D" $NOBOOT >out 2>err &&
	test_grep "FAIL output .*dist/4.19.3 exists and holds 1 file(s) that are not this release" out &&
	test_grep "nothing was changed" out &&
	test_grep ! "building" err &&
	git -C u for-each-ref >refs-after &&
	test_cmp refs-before refs-after &&
	no_leftovers m u &&
	test_path_is_missing m/.xenstable/build &&
	echo mine >expect && test_cmp expect m/dist/4.19.3/notes.txt &&
	mv m/dist/4.19.3 kept &&
	"$XENSTABLE" -C m --source u release 4.19 --date "$D" $NOBOOT >out 2>&1 &&
	no_leftovers m u &&
	same_release mref/dist/4.19.3 m/dist/4.19.3
'

test_expect_success 'another release in dist/4.19.3, a file there, an output directory that is a file: refused up front' '
	rm -rf m u && cp -a maint0 m && cp -a upstream0 u &&
	mkdir -p m/dist && cp -a mref/dist/4.19.3 m/dist/4.19.3 &&
	python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
r[\"commit\"] = \"0123456789abcdef0123456789abcdef01234567\"
json.dump(r, open(sys.argv[1], \"w\"))
" m/dist/4.19.3/release.json &&
	test_expect_code 1 "$XENSTABLE" -C m --source u release 4.19 --date "$D" $NOBOOT >out 2>&1 &&
	test_grep "FAIL output .*holds another release (commit 0123456789ab)" out &&
	rm -rf m/dist && mkdir m/dist && echo x >m/dist/4.19.3 &&
	test_expect_code 1 "$XENSTABLE" -C m --source u release 4.19 --date "$D" $NOBOOT >out 2>&1 &&
	test_grep "FAIL output .*dist/4.19.3 exists and is not a directory" out &&
	rm -rf m/dist && echo x >m/dist &&
	test_expect_code 1 "$XENSTABLE" -C m --source u release 4.19 --date "$D" $NOBOOT >out 2>&1 &&
	test_grep "FAIL output .*dist is not a directory" out &&
	no_leftovers m u
'

test_expect_success 'a directory made while a release is interrupted stops the rerun up front; emptied, the rerun completes' '
	rm -rf m u && cp -a maint0 m && cp -a upstream0 u &&
	XENSTABLE_STOP_AT=release-checks:1 test_expect_code 137 \
		"$XENSTABLE" -C m --source u release 4.19 --date "$D" $NOBOOT >out 2>&1 &&
	mkdir -p m/dist/4.19.3 && echo racer >m/dist/4.19.3/x &&
	test_expect_code 1 "$XENSTABLE" -C m --source u release 4.19 --date "$D" $NOBOOT >out 2>&1 &&
	test_grep "FAIL output" out &&
	rm -r m/dist/4.19.3 && mkdir m/dist/4.19.3 &&
	"$XENSTABLE" -C m --source u release 4.19 --date "$D" $NOBOOT >out 2>&1 &&
	no_leftovers m u &&
	same_release mref/dist/4.19.3 m/dist/4.19.3
'

# Killed anywhere (after the build, before its verdict was saved, too):
# the rerun gives the same tag, commits and every file byte for byte.
for point in release-built:1 release-held:1 release-checks:1 release-artifact:2 \
	     release-artifacts-done:1 release-tag:1; do
	test_expect_success "killed at $point: the rerun makes exactly the uninterrupted release" "
		rm -rf m u && cp -a maint0 m && cp -a upstream0 u &&
		XENSTABLE_STOP_AT=$point test_expect_code 137 \"\$XENSTABLE\" -C m --source u \
			release 4.19 --date \"\$D\" \$NOBOOT >out 2>&1 &&
		\"\$XENSTABLE\" -C m --source u release 4.19 --date \"\$D\" \$NOBOOT >out2 2>&1 &&
		git -C u rev-parse RELEASE-4.19.3 RELEASE-4.19.3^{commit} stable-4.19 >refs &&
		test_cmp ref-refs refs &&
		same_release mref/dist/4.19.3 m/dist/4.19.3 &&
		no_leftovers m u
	"
done

test_expect_success 'release.json records the build verdict without a word about reuse' '
	python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
c = {x[\"check\"]: x for x in r[\"checks\"]}
assert c[\"build\"][\"reason\"] == \"hypervisor built; toolstack built\", c[\"build\"]
assert \"reused\" not in json.dumps(r), r
" m/dist/4.19.3/release.json
'

test_done
