#!/bin/sh
test_description='xsa import refuses every bad input with exit 3 and changes nothing'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"

MAINT=$TRASH/maint
export XENSTABLE_NOW="2026-11-21 12:00"

test_expect_success 'set up a repository, a trusted key, an untrusted key, a good advisory' '
	make_maint_repo "$MAINT" &&
	XSA_KEY=$(xsa_make_key) &&
	trust_key "$MAINT" "$XSA_KEY" advisory &&
	make_key "Someone Else" "else@example.org" >other &&
	echo "$XSA_KEY" >key &&
	mkdir good &&
	xsa_patch_file good/xsa910.patch "fix 910" "This is XSA-910." xen/a.c &&
	xsa_patch_file good/xsa910-4.19.patch "fix 910 for 4.19" "This is XSA-910." xen/a.c &&
	xsa_advisory good 910 1 "CVE-2026-91001" "A test flaw" \
		"xsa910.patch	xen-unstable - Xen 4.20.x" \
		"xsa910-4.19.patch	Xen 4.19.x" &&
	cp good/advisory-910.txt good.unsigned &&
	xsa_sign good/advisory-910.txt &&
	xs xsa import good >out &&
	test_grep "XSA-910 version 1 stored" out
'
XSA_KEY=$(cat key 2>/dev/null)

# bad_case NAME: copy the good advisory into NAME/ for damaging.
bad_case() {
	rm -rf "$1" && mkdir "$1" && cp good/* "$1"/
}

# reject PATH PATTERN: import must exit 3, name PATH and match PATTERN,
# and leave the store exactly as it was.
reject() {
	tree_state "$MAINT/xsa" >.state-before &&
	test_expect_code 3 xs xsa import "$1" 2>err &&
	test_grep -e "$2" err &&
	tree_state "$MAINT/xsa" >.state-after &&
	test_cmp .state-before .state-after
}

test_expect_success 'a signature by a key that is not pinned' '
	bad_case untrusted &&
	cp good.unsigned untrusted/advisory-910.txt &&
	gpg --batch --yes --local-user "$(cat other)!" --digest-algo SHA256 --clearsign \
		--output untrusted/advisory-910.txt.asc untrusted/advisory-910.txt 2>/dev/null &&
	mv untrusted/advisory-910.txt.asc untrusted/advisory-910.txt &&
	reject untrusted/advisory-910.txt "untrusted/advisory-910.txt: good signature by .* but that key is not trusted here"
'

test_expect_success 'a bad signature (signed text altered)' '
	bad_case badsig &&
	sed -i "s/A guest could crash the host./A guest could not crash the host./" badsig/advisory-910.txt &&
	reject badsig/advisory-910.txt "badsig/advisory-910.txt: BAD signature"
'

test_expect_success 'content added before or after the signed part' '
	bad_case prefix &&
	{ printf "Note: patches updated, see below\n\n" && cat good/advisory-910.txt; } >prefix/advisory-910.txt &&
	reject prefix/advisory-910.txt "prefix/advisory-910.txt:1: text before the signed part" &&
	bad_case after &&
	printf "\nxsa910.patch  Xen 4.16.x\n" >>after/advisory-910.txt &&
	reject after/advisory-910.txt "after/advisory-910.txt:[0-9]*: text after the signature"
'

test_expect_success 'a missing patch' '
	bad_case missing &&
	rm missing/xsa910-4.19.patch &&
	reject missing/advisory-910.txt "missing/advisory-910.txt:[0-9]*: xsa910-4.19.patch is missing"
'

test_expect_success 'a patch whose sha256 does not match' '
	bad_case sha &&
	echo "+ one more line" >>sha/xsa910.patch &&
	reject sha/advisory-910.txt "sha/advisory-910.txt:[0-9]*: sha256 mismatch for xsa910.patch"
'

test_expect_success 'a file listed twice' '
	mkdir twice &&
	cp good/*.patch twice/ &&
	xsa_advisory twice 910 1 "CVE-2026-91001" "A test flaw" \
		"xsa910.patch	xen-unstable - Xen 4.20.x" \
		"xsa910-4.19.patch	Xen 4.19.x" &&
	sed -i "/  xsa910.patch$/p" twice/advisory-910.txt &&
	xsa_sign twice/advisory-910.txt &&
	reject twice/advisory-910.txt "twice/advisory-910.txt:[0-9]*: xsa910.patch is listed twice in the sha256sum block" &&
	mkdir twice2 && cp good/*.patch twice2/ &&
	xsa_advisory twice2 910 1 "CVE-2026-91001" "A test flaw" \
		"xsa910.patch	xen-unstable - Xen 4.20.x" \
		"xsa910.patch	Xen 4.17.x" \
		"xsa910-4.19.patch	Xen 4.19.x" &&
	xsa_sign twice2/advisory-910.txt &&
	reject twice2/advisory-910.txt "listed twice"
'

test_expect_success 'patch names that leave the directory' '
	mkdir -p esc/sub &&
	cp good/xsa910.patch esc/ &&
	cp good/xsa910.patch esc/sub/ &&
	xsa_advisory esc/sub 910 1 "" "A test flaw" "xsa910.patch	xen-unstable - Xen 4.20.x" &&
	sed -i "s|xsa910.patch|../xsa910.patch|g" esc/sub/advisory-910.txt &&
	xsa_sign esc/sub/advisory-910.txt &&
	reject esc/sub/advisory-910.txt "esc/sub/advisory-910.txt:[0-9]*: unsafe file name .\\.\\./xsa910.patch" &&
	mkdir abs && cp good/xsa910.patch abs/ &&
	xsa_advisory abs 910 1 "" "A test flaw" "xsa910.patch	xen-unstable - Xen 4.20.x" &&
	sed -i "s|  xsa910.patch$|  /etc/xsa910.patch|" abs/advisory-910.txt &&
	xsa_sign abs/advisory-910.txt &&
	reject abs/advisory-910.txt "unsafe file name ./etc/xsa910.patch"
'

test_expect_success 'a patch reached through a symbolic link' '
	mkdir -p link outside &&
	cp good/xsa910.patch outside/ &&
	cp good/xsa910-4.19.patch link/ &&
	ln -s ../outside/xsa910.patch link/xsa910.patch &&
	cp good/advisory-910.txt link/ &&
	reject link/advisory-910.txt "symbolic link"
'

test_expect_success 'an advisory with no RESOLUTION' '
	mkdir nores && cp good/*.patch nores/ &&
	xsa_advisory nores 910 1 "CVE-2026-91001" "A test flaw" \
		"xsa910.patch	xen-unstable - Xen 4.20.x" &&
	sed -i "s/^RESOLUTION$/RESOLUTIONS/; s/^==========$/===========/" nores/advisory-910.txt &&
	xsa_sign nores/advisory-910.txt &&
	reject nores/advisory-910.txt "nores/advisory-910.txt: XSA-910 has no RESOLUTION section"
'

test_expect_success 'a branch range that does not parse' '
	mkdir range && cp good/*.patch range/ &&
	xsa_advisory range 910 1 "CVE-2026-91001" "A test flaw" \
		"xsa910.patch	xen-unstable - Xen 4.2x" \
		"xsa910-4.19.patch	Xen 4.19.x" &&
	xsa_sign range/advisory-910.txt &&
	reject range/advisory-910.txt "range/advisory-910.txt:[0-9]*: cannot parse the branch range .xen-unstable - Xen 4.2x."
'

test_expect_success 'a file name that does not match the XSA' '
	bad_case wrongname &&
	mv wrongname/advisory-910.txt wrongname/advisory-911.txt &&
	reject wrongname/advisory-911.txt "the file name says XSA-911 but the advisory is XSA-910"
'

test_expect_success 'a truncated mail' '
	xsa_mail good 910 >good.eml &&
	head -n -6 good.eml >trunc.eml &&
	reject trunc.eml "trunc.eml:[0-9]*: the mail is truncated\|trunc.eml:[0-9]*: the base64 .* does not decode"
'

test_expect_success 'a mail cut off at a part boundary' '
	sed "/^--=separator--$/d" good.eml >cut.eml &&
	reject cut.eml "cut.eml:[0-9]*: the mail is truncated: the multipart body has no closing boundary"
'

test_expect_success 'a base64 attachment that does not decode' '
	awk "/Content-Transfer-Encoding: base64/ { n = NR } n && NR == n + 3 { \$0 = \"!!\" substr(\$0, 3) } 1" \
		good.eml >b64.eml &&
	! cmp -s good.eml b64.eml &&
	reject b64.eml "b64.eml:[0-9]*: the base64 xsa910.patch does not decode"
'

test_expect_success 'a mail with an extra attachment or a missing one' '
	cp good/xsa910.patch good/extra.patch &&
	xsa_mail good 910 xsa910.patch xsa910-4.19.patch extra.patch >extra.eml &&
	rm good/extra.patch &&
	reject extra.eml "extra.eml:[0-9]*: attachment extra.patch is not listed" &&
	xsa_mail good 910 xsa910.patch >short.eml &&
	reject short.eml "short.eml:[0-9]*: xsa910-4.19.patch is missing"
'

test_expect_success 'a mail whose advisory was altered' '
	sed "s/A guest could crash the host./A guest could not crash the host./" good.eml >altered.eml &&
	reject altered.eml "altered.eml: BAD signature"
'

test_expect_success 'a mail without an advisory and a file that is none of ours' '
	printf "From: a@b\nSubject: hello\n\nJust text.\n" >hello.eml &&
	reject hello.eml "hello.eml:1: the mail holds no clear-signed advisory" &&
	printf "random bytes\n" >random.txt &&
	reject random.txt "random.txt: not an advisory, a mail, an mbox"
'

test_expect_success 'a signed text that is truncated' '
	head -n -3 good/advisory-910.txt >trunc.txt &&
	mkdir tr && cp good/*.patch tr/ && mv trunc.txt tr/advisory-910.txt &&
	reject tr/advisory-910.txt "tr/advisory-910.txt:[0-9]*: the signed message starting on line 1 is truncated"
'

test_expect_success 'a batch goes on past a bad input and exits 3' '
	bad_case ok2 &&
	test_expect_code 3 xs xsa import sha/advisory-910.txt ok2/advisory-910.txt >out 2>err &&
	test_grep "sha256 mismatch" err &&
	test_grep "XSA-910 version 1 is already in the store" out &&
	test_grep "1 rejected" err
'

test_done
