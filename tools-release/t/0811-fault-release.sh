#!/bin/sh
test_description='fault injection: release killed at the steps t/0420 does not cover'
. ./test-lib.sh

D="2026-11-21 10:00"
FAST="--skip build --skip abi --skip boot"

test_expect_success 'set up; the uninterrupted run' '
	setup_reference &&
	cp -a "$MAINT" maint0 && cp -a "$UPSTREAM" upstream0 &&
	cp -a maint0 mref && cp -a upstream0 uref &&
	"$XENSTABLE" -C mref --source uref release 4.19 --date "$D" $FAST >out 2>&1 &&
	git -C uref rev-parse RELEASE-4.19.3^{commit} stable-4.19 >ref-commits &&
	(cd mref/dist/4.19.3 && sha256sum xen-4.19.3.tar.gz xen-4.19.3.tar.xz release.json) >ref-sums
'

# release-held: the commits are held by private refs, the state is not
# written yet.  release-unheld: everything is published, the state file
# is still there.
for point in release-held:1 release-unheld:1; do
	test_expect_success "killed at $point: consistent; the rerun completes the same release" "
		rm -rf m u && cp -a maint0 m && cp -a upstream0 u &&
		XENSTABLE_STOP_AT=$point test_expect_code 137 \"\$XENSTABLE\" -C m --source u \
			release 4.19 --date \"\$D\" \$FAST >out 2>&1 &&
		if git -C u rev-parse -q --verify refs/tags/RELEASE-4.19.3 >/dev/null; then
			(cd m/dist/4.19.3 && sha256sum -c --quiet SHA256SUMS)
		else
			test \"\$(git -C u rev-parse stable-4.19)\" = \"\$(git -C upstream0 rev-parse stable-4.19)\" &&
			test_path_is_missing m/dist/4.19.3
		fi &&
		\"\$XENSTABLE\" -C m --source u release 4.19 --date \"\$D\" \$FAST >out2 2>&1 &&
		git -C u rev-parse RELEASE-4.19.3^{commit} stable-4.19 >commits &&
		test_cmp ref-commits commits &&
		(cd m/dist/4.19.3 && sha256sum xen-4.19.3.tar.gz xen-4.19.3.tar.xz release.json) >sums &&
		test_cmp ref-sums sums &&
		test_path_is_missing m/.xenstable/release/4.19.json &&
		test -z \"\$(git -C u for-each-ref refs/xenstable/release)\" &&
		\"\$XENSTABLE\" -C m --source u verify RELEASE-4.19.3 >v
	"
done

test_done
