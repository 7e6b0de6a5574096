#!/bin/sh
test_description='verify: a distro checks a release tag, its artifacts and upstream tarballs'
. ./test-lib.sh

D="2026-11-21 10:00"

test_expect_success 'set up a release of 4.19' '
	setup_reference &&
	xs release 4.19 --date "$D" --skip abi --skip boot >out 2>&1 &&
	test_path_is_file "$MAINT/dist/4.19.3/release.json"
'

test_expect_success 'a good release verifies' '
	xs verify RELEASE-4.19.3 >v &&
	test_grep "Primary key fingerprint: " v &&
	test_grep "all checks passed" v
'

test_expect_success 'verify --json gives the checks, the fingerprint and the verdict' '
	xs verify RELEASE-4.19.3 --json >v.json &&
	python3 - v.json "$RM_KEY" <<-\PY
	import json, sys
	v = json.load(open(sys.argv[1]))
	assert v["passed"] is True and v["tag"] == "RELEASE-4.19.3", v
	assert v["fingerprint"] == sys.argv[2]
	names = [c["check"] for c in v["checks"]]
	assert "signature" in names and "pinned" in names and "SHA256SUMS" in names, names
	assert all(c["ok"] for c in v["checks"])
	assert [(x["xsa"], x["state"], x["osv"]) for x in v["xsas"]] == \
		[(931, "claimed", "XSA-931.osv.json")], v["xsas"]
	assert len(v["xsas"][0]["commits"]) == 1 and len(v["xsas"][0]["commits"][0]) == 40
	PY
'

test_expect_success 'a tampered tarball is caught (exit 3) and named' '
	cp -a "$MAINT/dist" dist-copy &&
	printf "\001" | dd of=dist-copy/4.19.3/xen-4.19.3.tar.xz bs=1 seek=200 conv=notrunc 2>/dev/null &&
	test_expect_code 3 xs verify RELEASE-4.19.3 --dist dist-copy >v 2>err &&
	test_grep "FAIL xen-4.19.3.tar.xz does not match its SHA256SUMS line" v &&
	test_grep "does not verify" err
'

test_expect_success 'a tarball whose SHA256SUMS was rewritten too is still caught by the signature' '
	rm -rf dist-copy && cp -a "$MAINT/dist" dist-copy &&
	f=dist-copy/4.19.3/xen-4.19.3.tar.gz &&
	printf "\001" | dd of=$f bs=1 seek=300 conv=notrunc 2>/dev/null &&
	sum=$(sha256sum <$f | cut -d" " -f1) &&
	sed -i "s/^[0-9a-f]*  xen-4.19.3.tar.gz$/$sum  xen-4.19.3.tar.gz/" dist-copy/4.19.3/SHA256SUMS &&
	test_expect_code 3 xs verify RELEASE-4.19.3 --dist dist-copy >v &&
	test_grep "SHA256SUMS.asc signs other content than SHA256SUMS" v
'

test_expect_success 'a tag signed by a key not in MAINTAINERS is refused (exit 3)' '
	OTHER=$(make_key "Someone Else" other@example.org) &&
	git -C "$UPSTREAM" tag -s -u "$OTHER" -m "Xen 4.19.9" RELEASE-4.19.9 stable-4.19 &&
	test_expect_code 3 xs verify RELEASE-4.19.9 >v 2>err &&
	test_grep "FAIL pinned .*NOT pinned" v &&
	test_grep "Primary key fingerprint: $(echo $OTHER | cut -c1-4) " v
'

test_expect_success 'an unsigned or lightweight tag is refused' '
	git -C "$UPSTREAM" tag -a -m "Xen 4.19.8" RELEASE-4.19.8 stable-4.19 &&
	test_expect_code 3 xs verify RELEASE-4.19.8 >v &&
	test_grep "is not signed" v &&
	git -C "$UPSTREAM" tag RELEASE-4.19.7 stable-4.19 &&
	test_expect_code 3 xs verify RELEASE-4.19.7 2>err &&
	test_grep "lightweight" err
'

test_expect_success 'a ref holding another release'"'"'s signed tag is refused (exit 3)' '
	git -C "$UPSTREAM" update-ref refs/tags/RELEASE-4.19.6 "$(git -C "$UPSTREAM" rev-parse refs/tags/RELEASE-4.19.3)" &&
	test_expect_code 3 xs verify RELEASE-4.19.6 --dist "$MAINT/dist/4.19.3" >v 2>err &&
	test_grep "FAIL name .*calls itself .RELEASE-4.19.3., not RELEASE-4.19.6" v
'

test_expect_success 'a SHA-1 tag signature counts when made before 2020 (as upstream made them), not after' '
	OLDK=$(make_old_rsa_key "Old Release Manager" old@example.org) &&
	trust_key "$MAINT" "$OLDK" release "*" &&
	hand_tag "$UPSTREAM" RELEASE-4.19.5 "$(git -C "$UPSTREAM" rev-parse stable-4.19)" "$OLDK" SHA1 1559347200 &&
	xs verify RELEASE-4.19.5 >v &&
	test_grep "ok   signature  good signature" v &&
	test_grep "ok   pinned" v &&
	git -C "$UPSTREAM" tag -d RELEASE-4.19.5 >/dev/null &&
	hand_tag "$UPSTREAM" RELEASE-4.19.5 "$(git -C "$UPSTREAM" rev-parse stable-4.19)" "$OLDK" SHA1 1622505600 &&
	test_expect_code 3 xs verify RELEASE-4.19.5 >v &&
	test_grep "FAIL signature" v &&
	git -C "$UPSTREAM" tag -d RELEASE-4.19.5 >/dev/null
'

test_expect_success '--keyring pins exactly the keys of a keyring file' '
	gpg --batch --armor --export "$RM_KEY" >rm.asc &&
	xs verify RELEASE-4.19.3 --keyring rm.asc >v &&
	test_grep "pinned by --keyring" v &&
	gpg --batch --armor --export "$OTHER" >other.asc &&
	test_expect_code 3 xs verify RELEASE-4.19.3 --keyring other.asc >v &&
	test_grep "FAIL signature" v
'

test_expect_success 'an upstream-style tarball (gzip -9) is proven equal to the tag' '
	git -C "$UPSTREAM" archive --format=tar --prefix=xen-4.19.2/ RELEASE-4.19.2 | gzip -9 >up.tar.gz &&
	xs verify RELEASE-4.19.2 --tarball up.tar.gz >v &&
	test_grep "ok   up.tar.gz *rebuilt from the tag: identical tar stream" v &&
	git -C "$UPSTREAM" archive --format=tar --prefix=xen-4.19.2/ RELEASE-4.19.2 | xz >up.tar.xz &&
	xs verify RELEASE-4.19.2 --tarball up.tar.xz
'

test_expect_success 'a tarball with an extra or changed file lists the paths' '
	mkdir mod && git -C "$UPSTREAM" archive --format=tar --prefix=xen-4.19.2/ RELEASE-4.19.2 | tar -C mod -xf - &&
	echo "backdoor" >>mod/xen-4.19.2/hypervisor/common/kernel.c &&
	echo extra >mod/xen-4.19.2/EXTRA &&
	tar -C mod -czf mod.tar.gz xen-4.19.2 &&
	test_expect_code 3 xs verify RELEASE-4.19.2 --tarball mod.tar.gz >v &&
	test_grep "only in the tarball: xen-4.19.2/EXTRA" v &&
	test_grep "differs: .*xen-4.19.2/hypervisor/common/kernel.c" v
'

test_expect_success 'a truncated tarball is reported as damaged' '
	head -c 2000 "$MAINT/dist/4.19.3/xen-4.19.3.tar.gz" >cut.tar.gz &&
	test_expect_code 3 xs verify RELEASE-4.19.3 --dist /nonexistent --tarball cut.tar.gz >v &&
	test_grep "damaged" v
'

test_expect_success REAL_XEN 'a real xen.git tag verifies with the Xen key (XS_REAL_XEN)' '
	test -f "$SHARED_DIR/keys/xen.org-key.asc" &&
	"$XENSTABLE" -C "$MAINT" --source "$XS_REAL_XEN" verify RELEASE-4.22.0 \
		--keyring "$SHARED_DIR/keys/xen.org-key.asc" >v &&
	test_grep "Primary key fingerprint: 23E3 222C 145F 4475 FA80  60A7 83FE 14C9 57E8 2BD9" v &&
	test_grep "all checks passed" v
'

test_done
