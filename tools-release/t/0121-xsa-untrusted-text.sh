#!/bin/sh
test_description='untrusted text: control characters never reach a terminal, a JSON file or the page raw'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"
. "$TEST_DIR/lib-samples.sh"

export XENSTABLE_NOW="2026-11-21 12:00"
D=2026-11-21

# no_raw FILE...: no C0 control but tab and newline, no DEL, no C1 (as a
# byte or as UTF-8), no bidi override in the files.
no_raw() {
	! LC_ALL=C grep -n "$(printf '[\001-\010\013-\037\177]')" "$@" &&
	! LC_ALL=C grep -n "$(printf '\302[\200-\237]')" "$@" &&
	! LC_ALL=C grep -n "$(printf '\342\200[\252-\256]')" "$@" &&
	! LC_ALL=C grep -n "$(printf '\342\201[\246-\251]')" "$@"
}

# evil_index FILE PYEXPR: xenbits' sample index with one change made by
# the python statement PYEXPR on d (the parsed document).
evil_index() {
	python3 - "$SAMPLES_DIR/xsa.json" "$1" "$2" <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	exec(sys.argv[3])
	open(sys.argv[2], "w").write(json.dumps(d))
	PY
}

test_expect_success 'set up the reference upstream with the samples imported' '
	setup_reference &&
	xsa_samples_import &&
	tree_state "$MAINT/xsa" >store-before
'

test_expect_success 'xsa.json whose title holds an escape sequence is refused; nothing changes' '
	evil_index evil.json "d[0][\"xsas\"][0][\"title\"] = \"\\x1b]0;owned\\x07\\x1b[2Jpage accounting\"" &&
	grep -F "\\u001b]0;owned" evil.json &&
	test_expect_code 3 xs xsa import evil.json >out 2>err &&
	test_grep "evil.json:1:[0-9]*: a control character (0x1b) in a string" err &&
	no_raw out err &&
	tree_state "$MAINT/xsa" >store-after &&
	test_cmp store-before store-after
'

test_expect_success 'every kind of control character, in any string or key, is refused' '
	(for e in "d[0][\"xsas\"][1][\"title\"] = \"a\\x9b31mb\"" \
		  "d[0][\"xsas\"][1][\"title\"] = \"a\\u202eb\"" \
		  "d[0][\"xsas\"][1][\"title\"] = \"a\\rb\"" \
		  "d[0][\"xsas\"][1][\"title\"] = \"a\\x00b\"" \
		  "d[0][\"xsas\"][1][\"title\"] = \"a\\x7fb\"" \
		  "d[0][\"xsas\"][2][\"cve\"] = [\"CVE-2026-1\\x1b[0m\"]" \
		  "d[0][\"xsas\"][3][\"files\"][0][\"name\"] = \"x\\x1b.patch\"" \
		  "d[0][\"xsas\"][0][\"x\\x1by\"] = 1"; do
		evil_index evil.json "$e" &&
		test_expect_code 3 xs xsa import evil.json >out 2>err &&
		test_grep "evil.json:1:[0-9]*: a control character" err &&
		no_raw out err || { echo "case: $e"; exit 1; }
	done) &&
	tree_state "$MAINT/xsa" >store-after &&
	test_cmp store-before store-after
'

test_expect_success 'a stored xenbits.json with a raw escape (put there by hand) is refused on reading' '
	cp -a "$MAINT" m2 &&
	evil_index m2/xsa/xenbits.json "d[0][\"xsas\"].append({\"xsa\": \"950\", \"title\": \"\\x1b[2Jgone\"})" &&
	test_expect_code 3 "$XENSTABLE" -C m2 xsa list --all >out 2>err &&
	test_grep "xsa/xenbits.json:1:[0-9]*: a control character (0x1b)" err &&
	no_raw out err
'

test_expect_success 'a stored meta.json title with a raw escape is refused on reading' '
	rm -rf m2 && cp -a "$MAINT" m2 &&
	python3 -c "import json,sys; p=sys.argv[1]; d=json.load(open(p)); d[\"title\"]=\"\\x1b[31mred\"; json.dump(d,open(p,\"w\"))" \
		m2/xsa/902/v2/meta.json &&
	test_expect_code 3 "$XENSTABLE" -C m2 xsa list >out 2>err &&
	test_grep "xsa/902/v2/meta.json:1:[0-9]*: a control character (0x1b)" err &&
	no_raw out err
'

test_expect_success 'a byte that is not UTF-8 (0x9b, CSI to some terminals) is shown as U+FFFD everywhere' '
	rm -rf a && mkdir a &&
	cp "$SAMPLES_DIR/905/xsa905.patch" a/xsa906.patch &&
	sed -e "s/XSA-905/XSA-906/" -e "s/99905/99906/" -e "/EMBARGOED/d" -e "s/xsa905/xsa906/g" \
	    -e "4s/unbounded/$(printf "\233")31munbounded/" \
	    "$SAMPLES_DIR/905/advisory-905.txt" >a/advisory-906.txt &&
	LC_ALL=C grep -q "$(printf "\233")31m" a/advisory-906.txt &&
	xs xsa import --allow-unsigned a >out 2>err &&
	xs xsa list >list &&
	xs xsa show 906 >show &&
	xs xsa list --json >list.json &&
	xs xsa show 906 --json >show.json &&
	xs xsa status --date $D >status &&
	xs report --html page --date $D >report.out &&
	no_raw out err list show list.json show.json status page/index.html &&
	! LC_ALL=C grep -q "$(printf "\233")" list show list.json show.json status page/index.html &&
	test_grep "^906 .*$(printf "\357\277\275")31munbounded" list &&
	test_grep "Title: *hypervisor: $(printf "\357\277\275")31munbounded" show &&
	test_grep "$(printf "\357\277\275")31munbounded" page/index.html
'

test_expect_success 'a mail attachment named with an escape sequence: the error shows it escaped' '
	sh "$TOOLS_DIR/tests/bad/mkmail.sh" 902 "$TRASH/samples/902" | sed "\$d" >m.eml &&
	printf -- "--=-=b902=-=\nContent-Type: application/octet-stream\n" >>m.eml &&
	printf "Content-Disposition: attachment; filename=\"x\033[2Jy.patch\"\n" >>m.eml &&
	printf "Content-Transfer-Encoding: base64\n\naGk=\n--=-=b902=-=--\n" >>m.eml &&
	LC_ALL=C grep -q "$(printf "\033")\[2J" m.eml &&
	test_expect_code 3 xs xsa import m.eml >out 2>err &&
	test_grep "x\\\\x1b\[2Jy.patch" err &&
	no_raw out err
'

test_expect_success 'a signing key whose user id holds a bidi override: stored and shown escaped' '
	k=$(make_key "Team $(printf "\342\200\256")maet" rlo@xsa.example.org) &&
	trust_key "$MAINT" "$k" advisory &&
	rm -rf r && mkdir r && cp "$SAMPLES_DIR/905/xsa905.patch" r/xsa907.patch &&
	sed -e "s/XSA-905/XSA-907/" -e "s/99905/99907/" -e "/EMBARGOED/d" -e "s/xsa905/xsa907/g" \
	    "$SAMPLES_DIR/905/advisory-905.txt" >r/advisory-907.txt &&
	gpg --batch --yes --no-tty --local-user "$k!" --digest-algo SHA256 --clearsign \
		--output r/advisory-907.txt.asc r/advisory-907.txt 2>/dev/null &&
	mv r/advisory-907.txt.asc r/advisory-907.txt &&
	xs xsa import r >out 2>err &&
	grep "\"uid\": \"Team .*maet <rlo@xsa.example.org>\"" "$MAINT/xsa/907/v1/meta.json" &&
	xs xsa list >list &&
	xs xsa show 907 >show &&
	test_grep "Signed by:.*(Team .*maet <rlo@xsa.example.org>)" show &&
	no_raw out err list show "$MAINT/xsa/907/v1/meta.json"
'

test_expect_success 'xsa mark refuses a reason with control characters' '
	tree_state "$MAINT/xsa" >store-before &&
	test_expect_code 2 xs xsa mark 902 4.19 not-affected --reason "$(printf "ok\033[2J")" 2>err &&
	test_grep "without control characters" err &&
	no_raw err &&
	tree_state "$MAINT/xsa" >store-after &&
	test_cmp store-before store-after
'

test_done
