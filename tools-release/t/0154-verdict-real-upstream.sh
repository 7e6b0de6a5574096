#!/bin/sh
test_description='signed upstream history on a real xen.git (only with XS_REAL_XEN=DIR)'
# Upstream's own "This is XSA-N" lines count as evidence only under a
# RELEASE tag that the Xen key (pinned in MAINTAINERS for advisories and
# releases) signed.  The advisory here carries a patch that is NOT the
# fix, so content evidence fails and the verdict rests on the signature
# alone: the real tags, the real key, gpg's status lines.
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"

MAINT=$TRASH/maint
SRC=$TRASH/xen.git
XEN_KEY_FILE=$SHARED_DIR/keys/xen.org-key.asc
export XENSTABLE_NOW="2026-11-21 12:00"

test_expect_success REAL_XEN 'a bare copy of xen.git, the Xen key, a maintenance repository' '
	test -f "$XEN_KEY_FILE" &&
	git clone -q --bare "$XS_REAL_XEN" "$SRC" &&
	gpg --batch --import "$XEN_KEY_FILE" 2>/dev/null &&
	make_maint_repo "$MAINT" &&
	grep "57E8 2BD9  advisory" "$MAINT/MAINTAINERS" &&
	grep "57E8 2BD9  release \*" "$MAINT/MAINTAINERS" &&
	XSA_KEY=$(xsa_make_key) &&
	trust_key "$MAINT" "$XSA_KEY" advisory
'

# An XSA fixed on stable-4.19 by one commit that a RELEASE-4.19.* tag holds.
test_expect_success REAL_XEN 'an advisory whose 4.19 patch is not the fix upstream committed' '
	N= &&
	for n in $(git -C "$SRC" log --format=%B -600 stable-4.19 |
			sed -n "s/^This is XSA-\([0-9][0-9]*\)\.$/\1/p"); do
		c=$(git -C "$SRC" log --format=%H -E --grep="^This is XSA-$n\.$" stable-4.19)
		test "$(echo "$c" | wc -l)" = 1 || continue
		git -C "$SRC" tag --contains "$c" "RELEASE-4.19.*" | grep -q . || continue
		N=$n && FIX=$c && break
	done &&
	test -n "$N" && echo "XSA-$N in $FIX" >&2 &&
	echo "$N $FIX" >picked &&
	mkdir adv &&
	xsa_patch_file adv/xsa$N.patch "not the fix" "This is XSA-$N." xen/not-a-file.c &&
	xsa_advisory adv $N 1 "" "A real XSA, a stand-in patch" "xsa$N.patch	Xen 4.19.x" &&
	xsa_sign adv/advisory-$N.txt &&
	xsa_xenbits_json adv/xsa.json "$N:2026-11-01 12:00" &&
	xs --source "$SRC" xsa import adv >/dev/null
'
read N FIX <picked 2>/dev/null

test_expect_success REAL_XEN 'applied on upstream'"'"'s signed word, the real tag and key named' '
	start=$(date +%s) &&
	xs --source "$SRC" xsa status 4.19 --date 2026-11-21 --json >st.json &&
	echo "first status: $(( $(date +%s) - start )) s" >>timings &&
	python3 - st.json $N $FIX <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	c = [e for e in d["xsas"] if e["xsa"] == int(sys.argv[2])][0]["branches"]["4.19"]
	assert c["state"] == "applied" and c["commit"] == sys.argv[3], c
	assert c["evidence"] == "upstream-signature", c
	assert "signed by 23E3 222C 145F 4475 FA80  60A7 83FE 14C9 57E8 2BD9" in c["detail"], c
	assert "is in RELEASE-4.19." in c["detail"], c
	PY
	start=$(date +%s) &&
	xs --source "$SRC" xsa status 4.19 --date 2026-11-21 --json >again.json &&
	echo "cached status: $(( $(date +%s) - start )) s" >>timings &&
	cmp st.json again.json
'

test_expect_success REAL_XEN 'with the key pinned for releases only, the same line is a claim' '
	sed -i "/57E8 2BD9  advisory/d" "$MAINT/MAINTAINERS" &&
	xs --source "$SRC" xsa status 4.19 --date 2026-11-21 --json >st.json &&
	python3 - st.json $N <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	c = [e for e in d["xsas"] if e["xsa"] == int(sys.argv[2])][0]["branches"]["4.19"]
	assert c["state"] == "claimed", c
	PY
'

test_done
