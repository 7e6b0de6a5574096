#!/bin/sh
test_description='the reference upstream: deterministic history, branches, signed tags'
. ./test-lib.sh

test_expect_success 'set up a maintenance repository and a release key' '
	make_maint_repo maint &&
	RM=$(make_key "Release Manager" rm@example.org) &&
	trust_key maint "$RM" release "*"
'

test_expect_success 'upstream init builds the branches and tags' '
	"$XENSTABLE" -C maint upstream init --key "$RM" up1 >out &&
	test_grep "reference upstream ready" out &&
	git -C up1 for-each-ref --format="%(refname)" refs/heads >branches &&
	for v in 16 17 18 19 20 21 22; do
		test_grep "^refs/heads/stable-4.$v$" branches || return 1
		git -C up1 rev-parse --verify -q "RELEASE-4.$v.0^{commit}" >/dev/null || return 1
	done &&
	test_grep "^refs/heads/master$" branches
'

test_expect_success 'twice gives identical commit ids' '
	"$XENSTABLE" -q -C maint upstream init up2 >/dev/null &&
	git -C up1 for-each-ref --format="%(objectname) %(refname)" refs/heads >a &&
	git -C up2 for-each-ref --format="%(objectname) %(refname)" refs/heads >b &&
	test_cmp a b &&
	git -C up1 for-each-ref --format="%(*objectname) %(refname)" refs/tags >a &&
	git -C up2 for-each-ref --format="%(*objectname) %(refname)" refs/tags >b &&
	test_cmp a b
'

test_expect_success 'the tags are signed, annotated "Xen X.Y.Z", and verify with git' '
	git -C up1 cat-file tag RELEASE-4.19.0 >tag &&
	test_grep "^Xen 4.19.0$" tag &&
	test_grep "BEGIN PGP SIGNATURE" tag &&
	git -C up1 verify-tag --raw RELEASE-4.19.0 2>raw &&
	test_grep "VALIDSIG $RM" raw &&
	git -C up2 cat-file tag RELEASE-4.19.0 >tag2 &&
	test_grep ! "BEGIN PGP SIGNATURE" tag2
'

test_expect_success 'each branch carries its own version and support dates' '
	git -C up1 show stable-4.19:hypervisor/Makefile >mk &&
	test_grep "^export XEN_SUBVERSION    = 19$" mk &&
	test_grep "^export XEN_EXTRAVERSION ?= .3-pre\$(XEN_VENDORVERSION)$" mk &&
	git -C up1 show RELEASE-4.19.0:hypervisor/Makefile >mk &&
	test_grep "^export XEN_EXTRAVERSION ?= .0\$(XEN_VENDORVERSION)$" mk &&
	git -C up1 show stable-4.19:SUPPORT.md >sup &&
	test_grep "^    Security-Support-Until: 2029-07-29$" sup &&
	git -C up1 show master:hypervisor/Makefile >mk &&
	test_grep "^export XEN_EXTRAVERSION ?= -unstable" mk
'

test_expect_success 'master ends at the reference tree of this repository' '
	git -C up1 rev-parse master:hypervisor >a &&
	(cd maint && git rev-parse HEAD:hypervisor) >b &&
	test_cmp a b
'

test_expect_success 'real divergence: the xenstored rename and the new domain field' '
	git -C up1 cat-file -e stable-4.17:toolstack/xenstore/xenstored_core.c &&
	! git -C up1 cat-file -e stable-4.17:toolstack/xenstored/core.c 2>/dev/null &&
	git -C up1 cat-file -e stable-4.18:toolstack/xenstored/core.c &&
	git -C up1 grep -q max_grant_entries stable-4.20 -- hypervisor/include/xen/sched.h &&
	test_must_fail git -C up1 grep -q max_grant_entries stable-4.19 -- hypervisor/include/xen/sched.h
'

test_expect_success 'support --import reads the dates from an upstream branch' '
	"$XENSTABLE" -C maint --source up1 support --import stable-4.19 2>err &&
	test_grep "up to date" err &&
	test_expect_code 3 "$XENSTABLE" -C maint --source up1 support --import master 2>err &&
	test_grep "not released yet" err
'

test_expect_success 'init refuses a non-empty directory and a bad plan' '
	test_expect_code 4 "$XENSTABLE" -C maint upstream init up1 2>err &&
	test_grep "not empty" err &&
	mkdir -p badplan/patches &&
	printf "init 2021-01-01T00:00:00Z x\nfrobnicate 2021-01-02T00:00:00Z a b\n" >badplan/plan &&
	test_expect_code 3 "$XENSTABLE" -C maint upstream init --plan badplan up3 2>err &&
	test_grep "badplan/plan:2: unknown step" err
'

test_expect_success 'a key without a secret part is refused before anything is made' '
	test_expect_code 4 "$XENSTABLE" -C maint upstream init --key 0123456789ABCDEF0123456789ABCDEF01234567 up4 2>err &&
	test_grep "no secret key" err &&
	test_path_is_missing up4
'

test_done
