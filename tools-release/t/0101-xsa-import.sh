#!/bin/sh
test_description='xsa import: advisories, mails and mboxes into the XSA store'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"

MAINT=$TRASH/maint
export XENSTABLE_NOW="2026-11-21 12:00"

test_expect_success 'set up a repository and a throwaway security team key' '
	make_maint_repo "$MAINT" &&
	XSA_KEY=$(xsa_make_key) &&
	test -n "$XSA_KEY" &&
	trust_key "$MAINT" "$XSA_KEY" advisory &&
	echo "$XSA_KEY" >key
'
XSA_KEY=$(cat key 2>/dev/null)

test_expect_success 'write advisories: multi-CVE, no CVE, patch directory, other projects' '
	mkdir -p pub/xsa902 &&
	xsa_patch_file pub/xsa901.patch "x86: fix 901" "This is XSA-901." xen/a.c &&
	xsa_patch_file pub/xsa901-4.19.patch "x86: fix 901 (4.19)" "This is XSA-901." xen/a.c &&
	xsa_patch_file pub/xsa901-linux.patch "xen-netback: fix 901" "This is XSA-901." drivers/n.c &&
	xsa_advisory pub 901 1 "CVE-2026-90101,CVE-2026-90102" "Two flaws in a test hypercall" \
		"xsa901.patch	xen-unstable - Xen 4.20.x" \
		"xsa901-4.19.patch	Xen 4.19.x" \
		"xsa901-linux.patch	Linux 6.7-rc - 6.5" &&
	xsa_sign pub/advisory-901.txt &&
	xsa_patch_file pub/xsa902/0001-first.patch "first part" "This is XSA-902." xen/b.c &&
	xsa_patch_file pub/xsa902/0002-second.patch "second part" "This is XSA-902." xen/c.c &&
	xsa_patch_file pub/xsa902-xapi.patch "xapi part" "This is XSA-902." ocaml/x.ml &&
	printf "{\"XSA\": 902, \"SupportedVersions\": [\"4.19\"], \"Trees\": [\"xen\"],\n" \
		>pub/xsa902.meta &&
	printf " \"Recipes\": {\"4.19\": {\"XenVersion\": \"4.19\", \"Recipes\": {\"xen\": {\n" \
		>>pub/xsa902.meta &&
	printf "  \"StableRef\": \"%s\", \"Prereqs\": [], \"Patches\": [\"xsa902/*.patch\"]}}}}}\n" \
		0123456789abcdef0123456789abcdef01234567 >>pub/xsa902.meta &&
	xsa_advisory pub 902 1 "" "A flaw without a CVE" \
		"xsa902/*.patch	xen-unstable, Xen 4.21.x - 4.19.x" \
		"xsa902-xapi.patch	XAPI master" \
		"xsa902.meta	" &&
	xsa_sign pub/advisory-902.txt &&
	head -3 pub/advisory-902.txt | grep -q "BEGIN PGP SIGNED MESSAGE" &&
	grep -q "Xen Security Advisory XSA-902$" pub/advisory-902.txt
'

test_expect_success 'import a xenbits-like directory' '
	xs xsa import pub >out 2>err &&
	test_grep "XSA-901 version 1 stored in xsa/901/v1" out &&
	test_grep "XSA-902 version 1 stored in xsa/902/v1" out &&
	test_path_is_file "$MAINT/xsa/901/v1/advisory-901.txt" &&
	test_path_is_file "$MAINT/xsa/902/v1/xsa902/0002-second.patch" &&
	test_path_is_file "$MAINT/xsa/902/v1/xsa902.meta" &&
	test_cmp pub/xsa902/0001-first.patch "$MAINT/xsa/902/v1/xsa902/0001-first.patch" &&
	test_cmp pub/advisory-901.txt "$MAINT/xsa/901/v1/advisory-901.txt"
'

test_expect_success 'meta.json records what was verified' '
	python3 - "$MAINT/xsa/901/v1/meta.json" "$MAINT/xsa/902/v1/meta.json" "$XSA_KEY" <<-\PY
	import json, sys
	a = json.load(open(sys.argv[1]))
	assert a["xsa"] == 901 and a["version"] == 1, a
	assert a["cves"] == ["CVE-2026-90101", "CVE-2026-90102"], a["cves"]
	assert a["title"] == "Two flaws in a test hypercall"
	assert a["signature"]["fingerprint"] == sys.argv[3], a["signature"]
	assert a["unsigned"] is False
	assert a["imported_at"] == "2026-11-21T12:00:00Z"
	f = {x["name"]: x for x in a["files"]}
	assert f["xsa901.patch"]["project"] == "xen"
	assert f["xsa901.patch"]["ranges"] == [["xen-unstable", "4.20"]], f["xsa901.patch"]
	assert f["xsa901-4.19.patch"]["ranges"] == [["4.19"]]
	assert f["xsa901-linux.patch"]["project"] == "linux"
	assert f["xsa901-linux.patch"]["range"] == "Linux 6.7-rc - 6.5"
	assert len(f["xsa901.patch"]["sha256"]) == 64
	b = json.load(open(sys.argv[2]))
	assert b["cves"] == []
	f = {x["name"]: x for x in b["files"]}
	assert f["xsa902/0001-first.patch"]["ranges"] == [["xen-unstable"], ["4.21", "4.19"]], f
	assert f["xsa902-xapi.patch"]["project"] == "xapi"
	assert f["xsa902.meta"]["project"] == "meta"
	PY
'

test_expect_success 'importing the same version again changes nothing' '
	tree_state "$MAINT/xsa" >before &&
	XENSTABLE_NOW="2026-11-22 12:00" xs xsa import pub/advisory-901.txt >out &&
	test_grep "XSA-901 version 1 is already in the store (unchanged)" out &&
	tree_state "$MAINT/xsa" >after &&
	test_cmp before after
'

test_expect_success 'a newer version is stored beside the old one' '
	mkdir v2 &&
	cp pub/xsa901-4.19.patch pub/xsa901-linux.patch v2/ &&
	xsa_patch_file v2/xsa901.patch "x86: fix 901, take two" "This is XSA-901." xen/a.c &&
	xsa_advisory v2 901 2 "CVE-2026-90101,CVE-2026-90102" "Two flaws in a test hypercall" \
		"xsa901.patch	xen-unstable - Xen 4.20.x" \
		"xsa901-4.19.patch	Xen 4.19.x" \
		"xsa901-linux.patch	Linux 6.7-rc - 6.5" &&
	xsa_sign v2/advisory-901.txt &&
	xs xsa import v2/advisory-901.txt >out &&
	test_grep "XSA-901 version 2 stored in xsa/901/v2" out &&
	test_path_is_file "$MAINT/xsa/901/v1/xsa901.patch" &&
	test_path_is_file "$MAINT/xsa/901/v2/xsa901.patch" &&
	xs xsa show 901 >show &&
	test_grep "XSA-901 version 2 (held: v1 v2)" show &&
	test_grep "Changed since version 1: xsa901.patch$" show &&
	test_grep "CVE-2026-90101, CVE-2026-90102" show &&
	xs xsa show 901 --version 1 >show1 &&
	test_grep "XSA-901 version 1" show1
'

test_expect_success 'a different text under an existing version number is refused' '
	mkdir v2b && cp v2/*.patch v2b/ &&
	XSA_EXTRA_SECTION="NOTE|Changed without a new version." \
	xsa_advisory v2b 901 2 "CVE-2026-90101,CVE-2026-90102" "Two flaws in a test hypercall" \
		"xsa901.patch	xen-unstable - Xen 4.20.x" \
		"xsa901-4.19.patch	Xen 4.19.x" \
		"xsa901-linux.patch	Linux 6.7-rc - 6.5" &&
	xsa_sign v2b/advisory-901.txt &&
	tree_state "$MAINT/xsa" >before &&
	test_expect_code 3 xs xsa import v2b/advisory-901.txt 2>err &&
	test_grep "XSA-901 version 2 is already stored (xsa/901/v2) with a different text" err &&
	tree_state "$MAINT/xsa" >after &&
	test_cmp before after
'

test_expect_success 'xsa list and show, text and JSON' '
	xs xsa list >list &&
	test_grep "^901 *v2 .*Two flaws in a test hypercall" list &&
	test_grep "^902 *v1 .*A flaw without a CVE" list &&
	xs xsa list --json >list.json &&
	xs xsa show 902 --json >show.json &&
	xs --json xsa show 902 >show2.json &&
	test_cmp show.json show2.json &&
	python3 - list.json show.json <<-\PY
	import json, sys
	l = json.load(open(sys.argv[1]))
	assert [x["xsa"] for x in l["xsas"]] == [901, 902], l
	assert l["xsas"][0]["versions"] == [1, 2]
	s = json.load(open(sys.argv[2]))
	assert s["xsa"] == 902 and s["cves"] == []
	assert s["dir"] == "xsa/902/v1"
	assert sorted(f["name"] for f in s["files"]) == ["xsa902-xapi.patch", "xsa902.meta",
		"xsa902/0001-first.patch", "xsa902/0002-second.patch"], s["files"]
	PY
'

test_expect_success 'show of an XSA not in the store is refused' '
	test_expect_code 3 xs xsa show 999 2>err &&
	test_grep "XSA-999 is not in the store" err &&
	test_expect_code 2 xs xsa show nine 2>err
'

test_expect_success 'a mail gives exactly the store the xenbits files give' '
	xsa_mail pub 901 >901.eml &&
	make_maint_repo m2 &&
	trust_key m2 "$XSA_KEY" advisory &&
	"$XENSTABLE" -C m2 xsa import 901.eml >out &&
	test_grep "XSA-901 version 1 stored" out &&
	make_maint_repo m3 &&
	trust_key m3 "$XSA_KEY" advisory &&
	"$XENSTABLE" -C m3 xsa import pub/advisory-901.txt &&
	tree_state m2/xsa >from-mail &&
	tree_state m3/xsa >from-files &&
	test_cmp from-files from-mail &&
	test_line_count_ge() { test $(wc -l <"$1") -ge "$2"; } &&
	test_line_count_ge from-mail 5
'

test_expect_success 'a mail with a patch directory and an mbox of several mails' '
	xsa_mail pub 902 >902.eml &&
	{ echo "From security@xsa.example.org Sat Nov 21 12:00:00 2026" && cat 901.eml &&
	  echo && echo "From security@xsa.example.org Sat Nov 21 12:00:01 2026" && cat 902.eml &&
	  echo && echo "From security@xsa.example.org Sat Nov 21 12:00:02 2026" &&
	  xsa_mail v2 901; } >all.mbox &&
	make_maint_repo m4 &&
	trust_key m4 "$XSA_KEY" advisory &&
	"$XENSTABLE" -C m4 xsa import all.mbox >out &&
	test_grep "all.mbox, message 1: XSA-901 version 1 stored" out &&
	test_grep "all.mbox, message 2: XSA-902 version 1 stored" out &&
	test_grep "all.mbox, message 3: XSA-901 version 2 stored" out &&
	tree_state m4/xsa >mbox-state &&
	tree_state "$MAINT/xsa" >files-state &&
	test_cmp files-state mbox-state
'

test_expect_success 'attachments named by base name fill a patch directory' '
	{ xsa_mail pub 902 | sed "s|\"xsa902/|\"|g"; } >flat.eml &&
	test_grep "filename=\"0001-first.patch\"" flat.eml &&
	make_maint_repo m5 &&
	trust_key m5 "$XSA_KEY" advisory &&
	"$XENSTABLE" -C m5 xsa import flat.eml &&
	test_cmp pub/xsa902/0002-second.patch m5/xsa/902/v1/xsa902/0002-second.patch
'

test_expect_success 'an unsigned advisory is refused, or stored marked unsigned' '
	mkdir plain &&
	cp pub/xsa901.patch pub/xsa901-4.19.patch pub/xsa901-linux.patch plain/ &&
	xsa_advisory plain 901 3 "CVE-2026-90101" "Unsigned" \
		"xsa901.patch	xen-unstable - Xen 4.20.x" &&
	sed -i "/xsa901-4.19.patch\|xsa901-linux.patch/d" plain/advisory-901.txt &&
	make_maint_repo m6 &&
	tree_state m6/xsa >before &&
	test_expect_code 3 "$XENSTABLE" -C m6 xsa import plain/advisory-901.txt 2>err &&
	test_grep "plain/advisory-901.txt: the advisory is not signed" err &&
	tree_state m6/xsa >after &&
	test_cmp before after &&
	"$XENSTABLE" -C m6 xsa import --allow-unsigned plain/advisory-901.txt &&
	python3 -c "import json,sys; m=json.load(open(sys.argv[1])); assert m[\"unsigned\"] is True and m[\"signature\"] is None" \
		m6/xsa/901/v3/meta.json &&
	"$XENSTABLE" -C m6 xsa list >list &&
	test_grep "UNSIGNED" list
'

test_expect_success '--keyring verifies with a key that is not in the keyring' '
	export_key "$XSA_KEY" >team.asc &&
	make_maint_repo m7 &&
	trust_key m7 "$XSA_KEY" advisory &&
	mkdir empty-gnupg && chmod 700 empty-gnupg &&
	test_expect_code 3 env GNUPGHOME="$TRASH/empty-gnupg" \
		"$XENSTABLE" -C m7 xsa import pub/advisory-901.txt 2>err &&
	test_grep "not among the trusted keys\|no public key" err &&
	GNUPGHOME="$TRASH/empty-gnupg" "$XENSTABLE" -C m7 xsa import \
		--keyring team.asc pub/advisory-901.txt >out &&
	test_grep "stored" out
'

test_expect_success 'xenbits xsa.json gives public times and titles; xsa index writes ours' '
	xsa_xenbits_json xb.json "901:2026-05-01 12:00" "700:2025-01-14 12:00" &&
	xs xsa import xb.json >out &&
	test_grep "xenbits index of 2 advisories" out &&
	test_cmp xb.json "$MAINT/xsa/xenbits.json" &&
	xs xsa list --all >list &&
	test_grep "^700 .*2025-01-14 12:00 .*not held" list &&
	test_grep "^901 *v2 *2026-05-01 12:00 *public" list &&
	test_expect_code 1 xs xsa index --check &&
	xs xsa index >out &&
	test_grep "xsa/xsa.json: 2 advisories" out &&
	xs xsa index --check &&
	python3 - "$MAINT/xsa/xsa.json" <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	x = {e["xsa"]: e for e in d[0]["xsas"]}
	assert set(x) == {"901", "902"}, x.keys()
	assert x["901"]["public_time"] == "2026-05-01 12:00"
	assert x["901"]["version"] == 2
	assert x["901"]["cve"] == ["CVE-2026-90101", "CVE-2026-90102"]
	f = {e["name"]: e for e in x["902"]["files"]}
	assert f["xsa902/0001-first.patch"]["versions"] == [["xen-unstable"], ["4.21.x", "4.19.x"]]
	assert f["xsa902/0001-first.patch"]["upstream"] == "Xen"
	assert f["xsa902-xapi.patch"]["versions"] == [["XAPI master"]]
	assert x["902"]["public_time"] is None
	PY
'

test_expect_success 'a broken xsa.json is refused and the old one kept' '
	cp "$MAINT/xsa/xenbits.json" before.json &&
	printf "[{\"xsas\":[{\"xsa\":\"abc\"}]}]\n" >bad.json &&
	test_expect_code 3 xs xsa import bad.json 2>err &&
	test_grep "bad.json: xsas\[0\]" err &&
	test_cmp before.json "$MAINT/xsa/xenbits.json"
'

test_expect_success 'an embargo statement gives the public time' '
	mkdir emb &&
	cp pub/xsa901.patch emb/xsa903.patch &&
	XSA_EMBARGO="2026-12-01 12:00" xsa_advisory emb 903 1 "CVE-2026-90301" "Embargoed" \
		"xsa903.patch	xen-unstable - Xen 4.19.x" &&
	xsa_sign emb/advisory-903.txt &&
	xs xsa import emb >out &&
	xs xsa list --date 2026-11-30 >list &&
	test_grep "^903 .*2026-12-01 12:00 *embargoed" list &&
	xs xsa list --date 2026-12-01 >list &&
	test_grep "^903 .*2026-12-01 12:00 *public" list &&
	python3 -c "import json,sys; m=json.load(open(sys.argv[1])); assert m[\"embargo\"] == \"embargoed\" and m[\"embargo_until\"] == \"2026-12-01T12:00:00Z\", m" \
		"$MAINT/xsa/903/v1/meta.json"
'

test_expect_success 'a crash while storing leaves no half version behind' '
	make_maint_repo m8 &&
	trust_key m8 "$XSA_KEY" advisory &&
	tree_state m8/xsa >before &&
	test_expect_code 137 env XENSTABLE_STOP_AT=xsa-store-add:1 \
		"$XENSTABLE" -C m8 xsa import pub/advisory-902.txt 2>err &&
	test_grep "killed at xsa-store-add" err &&
	test_path_is_missing m8/xsa/902 &&
	ls -a m8/xsa | grep -q "^.incoming-" &&
	"$XENSTABLE" -C m8 xsa import pub/advisory-902.txt &&
	! ls -a m8/xsa | grep -q "^.incoming-" &&
	test_cmp pub/xsa902/0002-second.patch m8/xsa/902/v1/xsa902/0002-second.patch
'

test_expect_success 'xsa mark records a judgement' '
	xs xsa mark 902 4.16 not-affected --reason "code added in 4.17" >out &&
	test_grep "XSA-902 on 4.16: not-affected" out &&
	xs xsa show 902 >show &&
	test_grep "4.16 *not-affected *code added in 4.17" show &&
	xs xsa mark 902 stable-4.16 needs-backport --reason "it is there after all" &&
	xs xsa show 902 --json >s.json &&
	python3 -c "import json,sys; m=json.load(open(sys.argv[1]))[\"marks\"]; assert len(m) == 1 and m[0][\"state\"] == \"needs-backport\", m" s.json &&
	test_expect_code 2 xs xsa mark 902 4.16 fixed --reason x &&
	test_expect_code 2 xs xsa mark 902 4.16 not-affected &&
	test_expect_code 3 xs xsa mark 902 9.9 not-affected --reason x 2>err &&
	test_grep "no maintained branch" err &&
	test_expect_code 3 xs xsa mark 999 4.16 not-affected --reason x
'

test_done
