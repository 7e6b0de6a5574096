#!/bin/sh
test_description='what the advisory says: a mapping to no known branch is unmapped; VULNERABLE SYSTEMS excludes branches'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"

D=2026-11-21
export XENSTABLE_NOW="2026-11-21 12:00"

state() {
	python3 - st.json "$1" "$2" <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	x = [e for e in d["xsas"] if e["xsa"] == int(sys.argv[2])][0]
	c = x["branches"][sys.argv[3]]
	print(c["state"], c["detail"] or "-")
	PY
}

# adv NUM RANGE [VULNERABLE-TEXT]: a signed advisory with one patch on memory.c
adv() {
	mkdir -p "a$1" &&
	xsa_patch_file "a$1/xsa$1.patch" "xen/memory: fix $1" "This is XSA-$1." \
		hypervisor/common/memory.c &&
	XSA_VULNERABLE=${3:-} xsa_advisory "a$1" "$1" 1 "" "Test $1" "xsa$1.patch	$2" &&
	xsa_sign "a$1/advisory-$1.txt"
}

test_expect_success 'set up' '
	setup_reference &&
	XSA_KEY=$(xsa_make_key) &&
	trust_key "$MAINT" "$XSA_KEY" advisory
'

test_expect_success 'a signed advisory mapping its only Xen patch to Xen 4.99.x: stored, loudly' '
	adv 970 "Xen 4.99.x" &&
	xs xsa import a970 >out 2>err &&
	test_grep "XSA-970 version 1 stored" out &&
	line=$(grep -n "^xsa970.patch *Xen 4.99.x$" a970/advisory-970.txt | cut -d: -f1) &&
	test_grep "warning: xsa/970/v1/advisory-970.txt:$line: xsa970.patch maps to Xen 4.99.x, which is no maintained branch" err &&
	xs xsa show 970 >show &&
	test_grep "note: xsa970.patch maps to Xen 4.99.x, which is no maintained branch: xsa status shows XSA-970 unmapped" show
'

test_expect_success '... and unmapped on every branch, never not-affected; --check fails' '
	xs xsa status --date $D --json >st.json &&
	for b in 4.16 4.17 4.18 4.19 4.20 4.21 4.22; do
		state 970 $b >c && test_grep "^unmapped xsa970.patch maps to Xen 4.99.x" c || return 1
	done &&
	test_expect_code 1 xs xsa status --date $D --check >out 2>err &&
	test_grep "(state unmapped)" err &&
	test_expect_code 1 xs release 4.19 --date "$XENSTABLE_NOW" --dry-run >plan &&
	test_grep "FAIL xsa .*XSA-970 (unmapped)" plan
'

test_expect_success 'a maintainer says what holds with xsa mark' '
	xs xsa mark 970 4.19 not-affected --reason "the code is not there" &&
	xs xsa status --date $D --json >st.json &&
	state 970 4.19 >c && test_grep "^not-affected marked: the code is not there" c &&
	state 970 4.20 >c && test_grep "^unmapped " c
'

test_expect_success 'a range with one unknown end still maps the known branches' '
	adv 971 "xen-unstable - Xen 4.20.x" &&
	adv 972 "Xen 4.19.x - Xen 4.91.x" &&
	xs xsa import a971 a972 >out 2>err &&
	! grep "971" err &&
	test_grep "xsa972.patch maps to Xen 4.91.x" err &&
	xs xsa status --date $D --json >st.json &&
	state 972 4.19 >c && test_grep "^pending" c &&
	state 972 4.17 >c && test_grep "^unmapped" c
'

test_expect_success 'VULNERABLE SYSTEMS: "Xen 4.17 and onwards" leaves 4.16 not-affected (as XSA-480 says)' '
	adv 980 "xen-unstable - Xen 4.17.x" \
		"Xen 4.17 and onwards are vulnerable.  Xen 4.16 and older are not vulnerable.

Only x86 Intel systems with EPT support are vulnerable." &&
	adv 981 "xen-unstable - Xen 4.17.x" "Xen versions 4.17 and later are vulnerable.

Only x86 systems are vulnerable." &&
	adv 982 "xen-unstable - Xen 4.17.x" "All versions of Xen are vulnerable." &&
	adv 983 "xen-unstable - Xen 4.17.x" "All versions of Xen containing the XSA-407 fixes are
vulnerable." &&
	adv 984 "xen-unstable - Xen 4.18.x" "Xen versions 4.11 through 4.16 are vulnerable." &&
	xs xsa import a980 a981 a982 a983 a984 >out &&
	xs xsa status --date $D --json >st.json &&
	state 980 4.16 >c &&
	test_grep "^not-affected the advisory (line [0-9]*): \"Xen 4.16 and older are not vulnerable.\"" c &&
	state 980 4.17 >c && test_grep "^pending" c &&
	state 981 4.16 >c &&
	test_grep "^not-affected the advisory (line [0-9]*): \"Xen versions 4.17 and later are vulnerable.\"" c &&
	state 982 4.16 >c && test_grep "^needs-backport" c &&
	state 983 4.16 >c && test_grep "^needs-backport" c &&
	state 984 4.16 >c && test_grep "^needs-backport" c &&
	state 984 4.17 >c && test_grep "^not-affected the advisory" c &&
	line=$(grep -n "^Xen 4.17 and onwards are vulnerable" a980/advisory-980.txt | cut -d: -f1) &&
	state 980 4.16 >c && test_grep "(line $line)" c
'

test_expect_success 'said vulnerable, supported, and no patch mapped: unmapped, not not-affected' '
	adv 986 "xen-unstable - Xen 4.20.x" "All versions of Xen are vulnerable." &&
	xs xsa import a986 >out &&
	xs xsa status --date $D --json >st.json &&
	state 986 4.19 >c &&
	test_grep "^unmapped the advisory says it is vulnerable (line [0-9]*: \"All versions of Xen are vulnerable.\") but maps no patch to 4.19" c &&
	state 986 4.16 >c && test_grep "^needs-backport" c &&
	state 986 4.20 >c && test_grep "^pending" c
'

test_expect_success 'a patch the advisory maps still counts when VULNERABLE SYSTEMS disagrees' '
	adv 985 "xen-unstable - Xen 4.17.x" "Xen versions 4.18 and later are vulnerable." &&
	xs xsa import a985 >out &&
	xs xsa status --date $D --json >st.json &&
	state 985 4.17 >c && test_grep "^pending" c
'

test_done
