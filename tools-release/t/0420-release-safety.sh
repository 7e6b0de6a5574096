#!/bin/sh
test_description='release: interrupted runs, a dirty tree, a remote ahead, ABI breaks, companions, --all-due'
. ./test-lib.sh

D="2026-11-21 10:00"
FAST="--skip build --skip abi --skip boot"

test_expect_success 'set up, and keep a pristine copy' '
	setup_reference &&
	cp -a "$MAINT" maint0 && cp -a "$UPSTREAM" upstream0
'

test_expect_success 'the uninterrupted reference run' '
	cp -a maint0 mref && cp -a upstream0 uref &&
	"$XENSTABLE" -C mref --source uref release 4.19 --date "$D" $FAST >out 2>&1 &&
	git -C uref rev-parse RELEASE-4.19.3^{commit} stable-4.19 >ref-commits &&
	(cd mref/dist/4.19.3 && sha256sum xen-4.19.3.tar.gz xen-4.19.3.tar.xz release.json) >ref-sums
'

# The invariants after a kill: a tag only with verified artifacts, the
# branch moved only with the tag.
check_invariants() {
	m=$1 u=$2
	if git -C "$u" rev-parse -q --verify refs/tags/RELEASE-4.19.3 >/dev/null; then
		test -d "$m/dist/4.19.3" || { echo "tag without artifacts"; return 1; }
		(cd "$m/dist/4.19.3" && sha256sum -c --quiet SHA256SUMS) || return 1
	else
		test "$(git -C "$u" rev-parse stable-4.19)" = "$(git -C upstream0 rev-parse stable-4.19)" ||
			{ echo "branch moved without a tag"; return 1; }
	fi
	test_path_is_missing "$m/dist/4.19.3/.partial" &&
	! ls "$m"/dist/4.19.3/.*.tmp-* 2>/dev/null
}

for point in release-commits:1 release-artifact:1 release-artifact:2 release-artifact:3 \
	     atomic-rename:2 release-checks:1 release-artifacts-done:1 release-tag:1 release-branch:1; do
	test_expect_success "killed at $point: consistent, and a rerun gives the same release" "
		rm -rf m u && cp -a maint0 m && cp -a upstream0 u &&
		XENSTABLE_STOP_AT=$point test_expect_code 137 \"\$XENSTABLE\" -C m --source u release 4.19 \
			--date \"\$D\" \$FAST >out 2>&1 &&
		check_invariants m u &&
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

test_expect_success 'a dirty checkout of the branch stops the release' '
	git -C "$UPSTREAM" worktree add -q "$TRASH/wt419" stable-4.19 &&
	echo "local edit" >>"$TRASH/wt419/README" &&
	test_expect_code 1 xs release 4.19 --date "$D" $FAST >out &&
	test_grep "FAIL worktree .*stable-4.19 is checked out in $TRASH/wt419 with uncommitted changes" out
'

test_expect_success 'a clean checkout of the branch follows the release' '
	git -C "$TRASH/wt419" checkout -q -- README &&
	xs release 4.19 --date "$D" $FAST >out &&
	test "$(git -C "$TRASH/wt419" rev-parse HEAD)" = "$(git -C "$UPSTREAM" rev-parse stable-4.19)" &&
	test -z "$(git -C "$TRASH/wt419" status --porcelain)" &&
	grep -q "XEN_EXTRAVERSION ?= .4-pre" "$TRASH/wt419/hypervisor/Makefile"
'

test_expect_success 'a remote that is ahead of the branch stops the release' '
	git clone -q --bare "$UPSTREAM" origin.git &&
	git -C "$UPSTREAM" remote add origin "$TRASH/origin.git" &&
	git -C "$UPSTREAM" fetch -q origin &&
	git -C "$UPSTREAM" branch -q -u origin/stable-4.21 stable-4.21 &&
	commit_on stable-4.21 README "s/^/ /" "README: indent" &&
	xs release 4.21 --date "$D" $FAST --dry-run >out &&
	test_grep "ok   remote     stable-4.21 is ahead of origin/stable-4.21 (not pushed yet)" out &&
	git clone -q -b stable-4.21 origin.git other &&
	(cd other && echo x >>README && git commit -q -am "someone else" && git push -q origin stable-4.21) &&
	git -C "$UPSTREAM" fetch -q origin &&
	test_expect_code 1 xs release 4.21 --date "$D" $FAST >out &&
	test_grep "FAIL remote     origin/stable-4.21 has commits that stable-4.21 lacks" out
'

test_expect_success 'an ABI break in a point release stops it, with abidiff explaining' '
	commit_on stable-4.20 toolstack/include/libxl.h \
		"s/^    int  xen_version_major;/    int  xen_version_flags;\n    int  xen_version_major;/" \
		"libxl: add flags to the version info" &&
	git -C "$UPSTREAM" for-each-ref >refs-before &&
	test_expect_code 1 xs release 4.20 --date "$D" --skip boot >out 2>&1 &&
	test_grep "FAIL abi " out &&
	test_grep "libxl_version_info" out &&
	test_grep "stopped by the checks on the release commit" out &&
	git -C "$UPSTREAM" for-each-ref >refs-after &&
	test_cmp refs-before refs-after &&
	test_path_is_missing "$MAINT/dist/4.20.2" &&
	test_path_is_missing "$MAINT/.xenstable/release/4.20.json"
'

test_expect_success 'companion sources are released as pinned in Config.mk' '
	git init -q minios && (cd minios && echo "mini-os" >README && git add README &&
		git commit -q -m "mini-os") &&
	rev=$(git -C minios rev-parse HEAD) &&
	commit_on stable-4.22 Config.mk "s/^MINIOS_UPSTREAM_REVISION ?= .*/MINIOS_UPSTREAM_REVISION ?= $rev/" \
		"Config.mk: update Mini-OS" &&
	printf "[companion \"mini-os\"]\n\tmirror = %s\n\tvariable = MINIOS_UPSTREAM_REVISION\n" \
		"$TRASH/minios" >>"$MAINT/branches/4.22.conf" &&
	xs release 4.22 --date "$D" $FAST >out &&
	short=$(echo $rev | cut -c1-12) &&
	test_path_is_file "$MAINT/dist/4.22.1/mini-os-$short.tar.gz" &&
	test_grep "  mini-os-$short.tar.gz$" "$MAINT/dist/4.22.1/SHA256SUMS" &&
	python3 -c "import json,sys; r=json.load(open(sys.argv[1])); c=r[\"companions\"][0]; assert c[\"name\"]==\"mini-os\" and c[\"revision\"]==sys.argv[2], c" \
		"$MAINT/dist/4.22.1/release.json" "$rev" &&
	gzip -dc "$MAINT/dist/4.22.1/mini-os-$short.tar.gz" | tar -tf - >list &&
	test_grep "^mini-os-$short/README$" list &&
	xs verify RELEASE-4.22.1 >v
'

test_expect_success '--all-due releases what is due, goes on after a failure, and says so' '
	commit_on stable-4.17 README "s/^/ /" "README: indent" &&
	test_expect_code 1 xs release --all-due --date "$D" $FAST >out 2>&1 &&
	test_grep "^Summary (2026-11-21)" out &&
	test_grep "^  4.21   FAILED     preflight failed" out &&
	test_grep "^  4.17   ok         released RELEASE-4.17.3" out &&
	test_grep "^  4.18   ok         released RELEASE-4.18.2" out &&
	test_grep "^  4.16   not due    eol on that day" out
'

test_done
