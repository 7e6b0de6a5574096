#!/bin/sh
test_description='xsa import of real published advisories (only with XS_REAL_XSA=DIR)'
# XS_REAL_XSA names a directory of real advisories as published: xenbits
# files (advisory-NNN.txt with their patches), announcement mails (*.eml)
# or mboxes.  Nothing real is kept in this repository; without the
# variable every test here is skipped.
. ./test-lib.sh

MAINT=$TRASH/maint
XEN_KEY_FILE=$SHARED_DIR/keys/xen.org-key.asc
XEN_FPR=23E3222C145F4475FA8060A783FE14C957E82BD9

test_expect_success REAL_XSA 'set up a repository whose MAINTAINERS pins the Xen key' '
	make_maint_repo "$MAINT" &&
	grep "23E3 222C 145F 4475 FA80  60A7 83FE 14C9 57E8 2BD9  advisory" "$MAINT/MAINTAINERS"
'

test_expect_success REAL_XSA 'every real advisory verifies and is stored' '
	xs xsa import --keyring "$XEN_KEY_FILE" "$XS_REAL_XSA" >out 2>err ||
	{ cat err; return 1; } &&
	test_grep "stored in xsa/" out &&
	for m in "$MAINT"/xsa/[0-9]*/v*/meta.json; do
		python3 -c "import json,sys; m=json.load(open(sys.argv[1])); assert m[\"signature\"][\"fingerprint\"] == sys.argv[2], m" \
			"$m" "$XEN_FPR" || return 1
	done
'

test_expect_success REAL_XSA 'a mail stating no embargo dates its advisory by its Date, not before the signature' '
	if ls "$XS_REAL_XSA" | grep -q "\.eml$\|\.mbox$"; then mails=1; else mails=0; fi &&
	if test -f "$XS_REAL_XSA/xsa.json"; then mails=0; fi &&
	python3 - "$MAINT" "$mails" <<-\PY
	import glob, json, sys
	n = 0
	for m in glob.glob(sys.argv[1] + "/xsa/*/v*/meta.json"):
	    d = json.load(open(m))
	    if d.get("public_time_source") != "mail-date":
	        continue
	    n += 1
	    assert d["embargo_until"] is None, m
	    assert d["public_time"] >= d["signature"]["signed_at"], m
	# Mails and no xenbits index: some public advisory must be dated by one.
	assert n > 0 or sys.argv[2] == "0", "no advisory took its public time from a mail"
	PY
'

test_expect_success REAL_XSA 'importing them again changes nothing' '
	tree_state "$MAINT/xsa" >before &&
	xs xsa import --keyring "$XEN_KEY_FILE" "$XS_REAL_XSA" >out &&
	! grep "stored in" out &&
	tree_state "$MAINT/xsa" >after &&
	test_cmp before after
'

test_expect_success REAL_XSA 'without the key trusted they are refused' '
	make_maint_repo untrusting &&
	sed -i "/57E8 2BD9  advisory/d" untrusting/MAINTAINERS &&
	test_expect_code 3 "$XENSTABLE" -C untrusting xsa import --keyring "$XEN_KEY_FILE" \
		"$XS_REAL_XSA" 2>err &&
	test_grep "good signature by 23E3 222C 145F 4475 FA80  60A7 83FE 14C9 57E8 2BD9 .*not trusted here" err &&
	test_path_is_missing untrusting/xsa/[0-9]*
'

test_expect_success REAL_XSA 'without the key at all they are refused' '
	make_maint_repo nokey &&
	test_expect_code 3 "$XENSTABLE" -C nokey xsa import "$XS_REAL_XSA" 2>err &&
	test_grep "83FE14C957E82BD9, which is not among the trusted keys" err
'

test_done
