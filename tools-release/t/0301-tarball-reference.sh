#!/bin/sh
test_description='tarball on the reference upstream: signed RELEASE tags, -pre branches'
. ./test-lib.sh
. "$TEST_DIR/lib-fixture.sh"

field() {
	awk -v k="$1" '$1 == k { print $2 }' "$2"
}

test_expect_success 'set up the reference upstream' '
	setup_reference &&
	git -C "$UPSTREAM" rev-parse --verify -q "RELEASE-4.19.0^{commit}" >/dev/null
'

test_expect_success 'a signed RELEASE tag: prefix from the tag, tar stream is git archive' '
	"$XENSTABLE" tarball RELEASE-4.19.0 >rep &&
	test_grep "^prefix  *xen-4.19.0/$" rep &&
	test_path_is_file xen-4.19.0.tar.gz &&
	gzip -t xen-4.19.0.tar.gz &&
	want=$(git -C "$UPSTREAM" archive --format=tar --prefix=xen-4.19.0/ RELEASE-4.19.0 |
		sha256sum | cut -d" " -f1) &&
	test "$(field tar_sha256 rep)" = "$want" &&
	test "$(gzip -dc xen-4.19.0.tar.gz | sha256sum | cut -d" " -f1)" = "$want" &&
	tar -xzf xen-4.19.0.tar.gz &&
	test_path_is_file xen-4.19.0/hypervisor/Makefile &&
	"$XENSTABLE" tarball --check xen-4.19.0.tar.gz RELEASE-4.19.0 >chk &&
	test_grep "^sha256  *ok " chk
'

test_expect_success 'a stable branch: the version comes from hypervisor/Makefile' '
	"$XENSTABLE" tarball stable-4.19 -o dev.tar.gz >rep &&
	test_grep "^prefix  *xen-4.19.[0-9]*-pre/$" rep &&
	tar -tzf dev.tar.gz | head -1 | grep -q "^xen-4.19.[0-9]*-pre/"
'

test_expect_success 'another release does not pass for this one' '
	test_expect_code 3 "$XENSTABLE" tarball --check xen-4.19.0.tar.gz RELEASE-4.18.0 \
		--prefix xen-4.19.0 >chk 2>err &&
	test_grep "^tar_sha256  *DIFFERS" chk &&
	test_grep "differs: *xen-4.19.0/hypervisor/Makefile (content)" chk
'

test_done
