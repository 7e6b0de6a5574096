#!/bin/sh
test_description='boot-check of a release tag: the version expected is the tag'\''s, and the Makefile must agree'
. ./test-lib.sh

if ! test_have_prereq QEMU; then
	test_expect_success QEMU 'qemu-system-x86_64 is needed' 'true'
	test_done
fi

test_expect_success 'set up: RELEASE-4.19.9 tagged on the 4.19.2 tree (its Makefile says 4.19.2)' '
	setup_reference &&
	git -C "$UPSTREAM" tag -a -m "Xen 4.19.9" RELEASE-4.19.9 RELEASE-4.19.2^{commit} &&
	git -C "$UPSTREAM" tag RELEASE-4.15.9 RELEASE-4.19.2^{commit}
'

test_expect_success 'a release tag whose tree says another version fails, without booting' '
	test_expect_code 1 xs boot-check RELEASE-4.19.9 >out 2>err &&
	test_grep "^boot-check of RELEASE-4.19.9 failed in .*: RELEASE-4.19.9 names Xen 4.19.9, but hypervisor/Makefile at it says Xen 4.19.2$" out &&
	test_grep ! "booting" err
'

test_expect_success 'the same for refs/tags/..., tags/... and a branch not in branches/' '
	test_expect_code 1 xs boot-check refs/tags/RELEASE-4.19.9 >out 2>err &&
	test_grep "names Xen 4.19.9, but hypervisor/Makefile at it says Xen 4.19.2" out &&
	test_expect_code 1 xs boot-check tags/RELEASE-4.19.9 >out 2>err &&
	test_grep "names Xen 4.19.9" out &&
	test_expect_code 1 xs boot-check RELEASE-4.15.9 >out 2>err &&
	test_grep "RELEASE-4.15.9 names Xen 4.15.9, but hypervisor/Makefile at it says Xen 4.19.2" out
'

test_expect_success '--expect does not hide the disagreement' '
	test_expect_code 1 xs boot-check --expect 4.19.2 RELEASE-4.19.9 >out 2>err &&
	test_grep "names Xen 4.19.9, but hypervisor/Makefile at it says Xen 4.19.2" out
'

test_expect_success 'a true release tag boots and passes; the JSON names the version expected' '
	xs boot-check RELEASE-4.19.2 >out 2>err &&
	test_grep "the console says Xen version 4.19.2 and the self-test passed" out &&
	"$XENSTABLE" -C "$MAINT" --json boot-check RELEASE-4.19.2 >out.json &&
	python3 -c "import json; d = json.load(open(\"out.json\")); assert d[\"tag_version\"] == \"4.19.2\" and d[\"result\"][\"status\"] == \"passed\", d"
'

test_expect_success 'a branch named like a release tag is judged by its Makefile, as any branch' '
	git -C "$UPSTREAM" branch RELEASE-4.19.8 RELEASE-4.19.2^{commit} &&
	xs boot-check RELEASE-4.19.8 >out 2>err &&
	test_grep "the console says Xen version 4.19.2" out
'

test_done
