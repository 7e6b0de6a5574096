#!/bin/sh
test_description='tarball on a real xen.git (set XS_REAL_XEN=/path/to/xen.git)'
. ./test-lib.sh

TAG=RELEASE-4.19.4

field() {
	awk -v k="$1" '$1 == k { print $2 }' "$2"
}

test_expect_success REAL_XEN 'RELEASE-4.19.4: the tar stream is git archive, smaller than git archive.s gzip' '
	"$XENSTABLE" --source "$XS_REAL_XEN" tarball $TAG >rep &&
	test_grep "^prefix  *xen-4.19.4/$" rep &&
	want=$(git -C "$XS_REAL_XEN" archive --format=tar --prefix=xen-4.19.4/ $TAG |
		sha256sum | cut -d" " -f1) &&
	test "$(field tar_sha256 rep)" = "$want" &&
	gzip -t xen-4.19.4.tar.gz &&
	test "$(gzip -dc xen-4.19.4.tar.gz | sha256sum | cut -d" " -f1)" = "$want" &&
	forge=$(git -C "$XS_REAL_XEN" archive --format=tar.gz --prefix=xen-4.19.4/ $TAG | wc -c) &&
	test "$(field size rep)" -le "$forge" &&
	gzip -dc xen-4.19.4.tar.gz | tar -xOf - xen-4.19.4/.gitarchive-info >info &&
	test_grep "^Changeset: $(git -C "$XS_REAL_XEN" rev-parse "$TAG^{commit}")$" info
'

test_expect_success REAL_XEN '--check accepts it, and accepts git archive | gzip -n -9 by its tar' '
	"$XENSTABLE" --source "$XS_REAL_XEN" tarball --check xen-4.19.4.tar.gz $TAG >chk &&
	test_grep "^sha256  *ok " chk &&
	git -C "$XS_REAL_XEN" archive --format=tar --prefix=xen-4.19.4/ $TAG | gzip -n -9 >up.tar.gz &&
	"$XENSTABLE" --source "$XS_REAL_XEN" tarball --check up.tar.gz $TAG --tar-only >chk &&
	test_grep "^tar_sha256  *ok " chk
'

test_done
