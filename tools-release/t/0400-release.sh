#!/bin/sh
test_description='release: preflight, commits, artifacts, signed tag, rerun'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"

D="2026-11-21 10:00"

test_expect_success 'set up the reference upstream, a release key and a security key' '
	setup_reference &&
	XSA_KEY=$(xsa_make_key) &&
	trust_key "$MAINT" "$XSA_KEY" advisory &&
	git -C "$UPSTREAM" rev-parse stable-4.19 >base-4.19
'

test_expect_success 'release --due: 4.19 and 4.18 have changes and a month-old tag' '
	xs release --due --date "$D" >due &&
	test_grep "^  4.19   due " due &&
	test_grep "^  4.18   due " due &&
	test_grep "^  4.20   not due  nothing since RELEASE-4.20.1" due &&
	test_grep "^  4.16   not due  eol on that day" due &&
	xs release --due --date 2025-05-20 >due2 &&
	test_grep "^  4.19   not due  2 commit(s) since RELEASE-4.19.2; next monthly release from 2025-06-13" due2
'

test_expect_success 'release --due --json' '
	"$XENSTABLE" -C "$MAINT" --json release --due --date "$D" >due.json &&
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); b={x[\"branch\"]: x for x in d[\"branches\"]}; assert b[\"4.19\"][\"due\"] and not b[\"4.20\"][\"due\"] and b[\"4.19\"][\"last_release\"] == \"RELEASE-4.19.2\", d" due.json
'

test_expect_success 'an advisory for every branch that nobody applied yet' '
	make_xsa 950 "xen-unstable - Xen 4.17.x" "xen/memory: avoid overflow in increase_reservation" \
		hypervisor/common/memory.c \
		"s/if ( d->tot_pages + r->nr_extents > d->max_pages )/if ( r->nr_extents > d->max_pages - d->tot_pages )/" &&
	xs xsa import xsa-950 &&
	xs xsa status 4.19 --date "$D" >st &&
	test_grep "pending" st
'

test_expect_success 'a missing XSA stops the release (exit 1) and changes nothing' '
	tree_state "$MAINT" >maint-before &&
	git -C "$UPSTREAM" for-each-ref >refs-before &&
	test_expect_code 1 xs release 4.19 --date "$D" >out 2>err &&
	test_grep "FAIL xsa .*XSA-950" out &&
	test_grep "nothing was changed" out &&
	git -C "$UPSTREAM" for-each-ref >refs-after &&
	test_cmp refs-before refs-after &&
	test_path_is_missing "$MAINT/dist"
'

test_expect_success 'the maintainer applies it by hand with git am' '
	am_on stable-4.19 "$TRASH/xsa-950/xsa950.patch" &&
	xs xsa status 4.19 --date "$D" >st &&
	test_grep "applied" st
'

test_expect_success '--dry-run prints the plan and changes nothing' '
	git -C "$UPSTREAM" for-each-ref >refs-before &&
	xs release 4.19 --date "$D" --dry-run >plan &&
	test_grep "Plan for release 4.19.3 of stable-4.19: from RELEASE-4.19.2, 3 commit(s), 2 XSA(s)" plan &&
	test_grep "xsa       XSA-931  \[claimed: [0-9a-f]\{12\}\]" plan &&
	test_grep "xsa       XSA-950 (CVE-2026-95001)" plan &&
	test_grep "tag       RELEASE-4.19.3, signed by $RM_KEY" plan &&
	test_grep "dry run: nothing was changed" plan &&
	git -C "$UPSTREAM" for-each-ref >refs-after &&
	test_cmp refs-before refs-after &&
	test_path_is_missing "$MAINT/dist"
'

test_expect_success 'release 4.19: commits, artifacts, signed tag, branch moved' '
	xs release 4.19 --date "$D" >out 2>err &&
	test_grep "^  ok   build " out &&
	test_grep "^  ok   abi " out &&
	test_grep "^  ok   boot .*Xen version 4.19.3" out &&
	test_grep "released 4.19.3: tag RELEASE-4.19.3" out &&
	test_grep "the source repository has no remote" out &&
	test_grep "^  git -C $UPSTREAM push origin stable-4.19 RELEASE-4.19.3\$" out &&
	git -C "$UPSTREAM" log --format=%s -2 stable-4.19 >log &&
	printf "update Xen version to 4.19.4-pre\nupdate Xen version to 4.19.3\n" >expect &&
	test_cmp expect log
'

test_expect_success 'the version commit changes the Makefile line and the CHANGELOG' '
	git -C "$UPSTREAM" diff RELEASE-4.19.3^ RELEASE-4.19.3 -- hypervisor/Makefile >mk.diff &&
	test_grep "^-export XEN_EXTRAVERSION ?= .3-pre\$(XEN_VENDORVERSION)" mk.diff &&
	test_grep "^+export XEN_EXTRAVERSION ?= .3\$(XEN_VENDORVERSION)" mk.diff &&
	git -C "$UPSTREAM" show RELEASE-4.19.3:CHANGELOG.md >cl &&
	test_grep "^## \[4.19.3\](https://xenbits.xenproject.org/gitweb/?p=xen.git;a=shortlog;h=RELEASE-4.19.3) - 2026-11-21$" cl &&
	test_grep "^ - XSA-950 (CVE-2026-95001): xen/memory: avoid overflow in increase_reservation (commit [0-9a-f]\{12\})$" cl &&
	test_grep "^ - XSA-931 (claimed, commit [0-9a-f]\{12\})$" cl &&
	test_grep "^ - toolstack/xl: show memory in MiB in xl list$" cl &&
	git -C "$UPSTREAM" show stable-4.19:hypervisor/Makefile >mk &&
	test_grep "XEN_EXTRAVERSION ?= .4-pre" mk
'

test_expect_success 'the tag is signed, says Xen 4.19.3 and lists the XSA' '
	git -C "$UPSTREAM" cat-file tag RELEASE-4.19.3 >tag &&
	test_grep "^Xen 4.19.3$" tag &&
	test_grep "^  XSA-950 (CVE-2026-95001): xen/memory: avoid overflow" tag &&
	git -C "$UPSTREAM" verify-tag --raw RELEASE-4.19.3 2>raw &&
	test_grep "VALIDSIG $RM_KEY" raw
'

test_expect_success 'the artifacts: tarballs, signatures, SHA256SUMS, release.json' '
	dist=$MAINT/dist/4.19.3 &&
	for f in xen-4.19.3.tar.gz xen-4.19.3.tar.xz xen-4.19.3.tar.gz.sig xen-4.19.3.tar.xz.sig \
		 SHA256SUMS SHA256SUMS.asc release.json; do
		test_path_is_file "$dist/$f" || return 1
	done &&
	(cd "$dist" && sha256sum -c SHA256SUMS) &&
	gpg --batch --verify "$dist/xen-4.19.3.tar.gz.sig" "$dist/xen-4.19.3.tar.gz" &&
	gpg --batch --verify "$dist/SHA256SUMS.asc" &&
	git -C "$UPSTREAM" archive --format=tar --prefix=xen-4.19.3/ RELEASE-4.19.3 | sha256sum >a &&
	gzip -dc "$dist/xen-4.19.3.tar.gz" | sha256sum >b &&
	test_cmp a b &&
	python3 - "$dist/release.json" "$RM_KEY" <<-\PY
	import json, sys
	r = json.load(open(sys.argv[1]))
	assert r["version"] == "4.19.3" and r["tag"] == "RELEASE-4.19.3", r
	assert r["signer"] == sys.argv[2]
	assert [(x["xsa"], x["state"]) for x in r["xsas"]] == [(931, "claimed"), (950, "fixed")], r["xsas"]
	assert all(len(c) == 40 for x in r["xsas"] for c in x["commits"]) and r["xsas"][1]["commits"]
	assert [x["osv"] for x in r["xsas"]] == ["XSA-931.osv.json", "XSA-950.osv.json"]
	assert {f["name"] for f in r["files"]} == {"xen-4.19.3.tar.gz", "xen-4.19.3.tar.xz"}
	assert {c["check"]: c["status"] for c in r["checks"]}["boot"] == "passed"
	assert r["tar_sha256"] == r["files"][0]["tar_sha256"]
	PY
'

test_expect_success 'a second run says the release exists and exits 0' '
	git -C "$UPSTREAM" for-each-ref >refs-before &&
	xs release 4.19 --date "$D" >out &&
	test_grep "Release 4.19.3 of stable-4.19 exists" out &&
	git -C "$UPSTREAM" for-each-ref >refs-after &&
	test_cmp refs-before refs-after
'

test_expect_success 'verify: the distro side passes' '
	xs verify RELEASE-4.19.3 >v &&
	test_grep "ok   pinned" v &&
	test_grep "xen-4.19.3.tar.gz rebuilt from the tag: identical tar stream and identical compressed bytes" v &&
	test_grep "XSA-950" v &&
	test_grep "all checks passed" v
'

test_expect_success '--skip boot is loud and recorded' '
	am_on stable-4.18 "$TRASH/xsa-950/xsa950.patch" &&
	xs release 4.18 --date "$D" --skip boot >out 2>err &&
	test_grep "SKIP boot .*SKIPPED by --skip boot" out &&
	test_grep "the boot check is SKIPPED" err &&
	python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert {c[\"check\"]: c[\"status\"] for c in r[\"checks\"]}[\"boot\"] == \"skipped\"" \
		"$MAINT/dist/4.18.2/release.json"
'

test_expect_success 'usage errors' '
	test_expect_code 2 xs release &&
	test_expect_code 2 xs release 4.19 --skip tag &&
	test_expect_code 2 xs release 4.19 --key nope &&
	test_expect_code 3 xs release 9.9
'

test_done
