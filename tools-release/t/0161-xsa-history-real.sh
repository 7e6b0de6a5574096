#!/bin/sh
test_description='xsa history and xsa fixed on a real xen.git (XS_REAL_XEN=/path/to/xen.git)'
. ./test-lib.sh

# Runs only with XS_REAL_XEN set (a clone with the stable branches and the
# signed RELEASE tags), e.g. XS_REAL_XEN=/work/xen.git T=0161 make check.
# The Xen release key comes from $SHARED_DIR/keys/xen.org-key.asc, else
# from XS_XEN_KEY.  Read-only clones are fine (nothing is cached then).

py() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

test_expect_success REAL_XEN 'set up: a maintenance repository and the Xen release key' '
	make_maint_repo maint &&
	MAINT=$TRASH/maint &&
	KEY=${XS_XEN_KEY:-$SHARED_DIR/keys/xen.org-key.asc} &&
	test -f "$KEY" &&
	gpg --batch --import "$KEY" 2>/dev/null &&
	git -C "$XS_REAL_XEN" for-each-ref --format="%(refname) %(objectname)" >refs.before
'

test_expect_success REAL_XEN 'history: every RELEASE tag of 4.16 to 4.22 verifies; the branches carry their XSAs' '
	"$XENSTABLE" -C "$MAINT" --source "$XS_REAL_XEN" xsa history --json >h.json 2>err &&
	test_grep ! "cannot be verified" err &&
	test "$(py h.json "j[\"tags_verified\"] == j[\"tags_total\"] >= 30")" = True &&
	python3 - h.json <<-\EOF
	import json, sys
	j = json.load(open(sys.argv[1]))
	b = {x["branch"]: {y["xsa"]: y for y in x["xsas"]} for x in j["branches"]}
	# XSA-480 (4.17 and later, public 2026-03-17) is in RELEASE-4.19.5
	assert b["4.19"][480]["fixed_in"] == "RELEASE-4.19.5", b["4.19"][480]
	assert b["4.19"][480]["affected"][0] == "RELEASE-4.19.0"
	# XSA-481: 4.18 and later only; 4.17 carries no fix for it
	assert 481 not in b["4.17"] and b["4.18"][481]["state"] == "fixed"
	# XSA-478 is for XAPI (varstored): no xen.git commit fixes it
	assert all(478 not in x for x in b.values())
	# the prose of "Rename spec_ctrl_flags" (XSA-455 was caused ...) is no fix
	for x in b.values():
	    if 455 in x:
	        assert all("Rename spec_ctrl_flags" not in c["subject"] for c in x[455]["commits"])
	EOF
'

test_expect_success REAL_XEN 'fixed: what RELEASE-4.19.5 adds to RELEASE-4.19.4' '
	"$XENSTABLE" -C "$MAINT" --source "$XS_REAL_XEN" xsa fixed RELEASE-4.19.5 \
		--since RELEASE-4.19.4 --json >f.json &&
	test "$(py f.json "[x[\"xsa\"] for x in j[\"fixed\"]]")" = "[477, 479, 480, 481]" &&
	test "$(py f.json "j[\"partial\"] + j[\"claimed\"]")" = "[]" &&
	"$XENSTABLE" -C "$MAINT" --source "$XS_REAL_XEN" xsa fixed RELEASE-4.19.4 --json >f4.json &&
	test "$(py f4.json "[x[\"xsa\"] for k in (\"fixed\",\"claimed\") for x in j[k] if 477 <= x[\"xsa\"] <= 481]")" = "[]" &&
	test "$(py f4.json "len(j[\"fixed\"]) > 300")" = True
'

test_expect_success REAL_XEN 'fixed: what Debian says 4.17.2+55-g0b56bed864 fixed since 4.17.2' '
	# Debian changelog of xen 4.17.2+55-g0b56bed864-1: XSA-437, 438, 439,
	# 440 (whose commit says "This CVE-2023-34323 / XSA-440."), 442 ...
	"$XENSTABLE" -C "$MAINT" --source "$XS_REAL_XEN" xsa fixed 4.17.2+55-g0b56bed864 \
		--since RELEASE-4.17.2 --json >d.json &&
	test "$(py d.json "{437, 438, 439, 440, 442} <= {x[\"xsa\"] for x in j[\"fixed\"]}")" = True
'

test_expect_success REAL_XEN 'the clone is not changed' '
	git -C "$XS_REAL_XEN" for-each-ref --format="%(refname) %(objectname)" >refs.after &&
	test_cmp refs.before refs.after
'

test_done
