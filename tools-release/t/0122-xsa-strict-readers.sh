#!/bin/sh
test_description='xsa import: xsa.json and meta.json are read strictly; one signed text holds one advisory'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"
. "$TEST_DIR/lib-samples.sh"

export XENSTABLE_NOW="2026-11-21 12:00"

# index FILE: xenbits' sample index written one entry per line, so that
# errors can name a line; then sed expressions are applied.
index() {
	_f=$1
	shift
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("[{\"xsas\":[")
print(",\n".join(json.dumps(x) for x in d[0]["xsas"]))
print("]}]")' "$SAMPLES_DIR/xsa.json" >"$_f" &&
	for _e in "$@"; do sed -i -e "$_e" "$_f" || return 1; done
}

test_expect_success 'set up: a repository trusting a test advisory key; the samples signed' '
	make_maint_repo "$TRASH/maint" &&
	xsa_samples_sign &&
	trust_key "$TRASH/maint" "$XSA_KEY" advisory &&
	echo "$XSA_KEY" >key
'
MAINT=$TRASH/maint
XSA_KEY=$(cat key 2>/dev/null)

test_expect_success 'the index as xenbits writes it is read' '
	index ok.json &&
	xs xsa import ok.json >out &&
	test_grep "xenbits index of 4 advisories" out &&
	rm "$MAINT/xsa/xenbits.json" &&
	tree_state "$MAINT" >before
'

test_expect_success 'a key given twice in one entry is refused with its line (first and last differ)' '
	index dup.json "4s/\"public_time\": \"2026-10-20 12:00\"/\"public_time\": \"2026-12-31 12:00\", \"public_time\": \"2026-10-20 12:00\"/" &&
	test $(grep -c public_time dup.json) -eq 4 &&
	grep -c "\"public_time\".*\"public_time\"" dup.json &&
	test_expect_code 3 xs xsa import dup.json 2>err &&
	test_grep "dup.json:4:[0-9]*: key .public_time. appears twice in one object" err &&
	index dup2.json "3s/{\"xsa\": \"902\"/{\"xsa\": \"902\", \"xsa\": \"905\"/" &&
	test_expect_code 3 xs xsa import dup2.json 2>err &&
	test_grep "dup2.json:3:[0-9]*: key .xsa. appears twice" err &&
	tree_state "$MAINT" >after &&
	test_cmp before after
'

test_expect_success 'other leniencies of the index are refused too' '
	(for e in "1s|^|/* xenbits */|" \
		  "\$s|\$|,{\"xsas\":[]}|" \
		  "\$s|]}]|]},{\"xsas\":[{\"xsa\":\"950\",\"title\":\"hidden\"}]}]|" \
		  "1s/\"xsa\": \"901\"/\"xsa\": \"0901\"/" \
		  "1s/\"xsa\": \"901\"/\"xsa\": \"901 \"/" \
		  "1s/\"title\": \"[^\"]*\"/\"title\": 7/" \
		  "1s/\"cve\": \[[^]]*\]/\"cve\": [7]/" \
		  "1s/\"cve\": \[[^]]*\]/\"cve\": \"CVE-2026-99901\"/" \
		  "1s/\"version\": 2/\"version\": \"2\"/" \
		  "1s/\"version\": 2/\"version\": 0/" \
		  "1s/\"public_time\": \"[^\"]*\"/\"public_time\": 1789560000/" \
		  "1s/\"public_time\": \"[^\"]*\"/\"public_time\": \"2026-09-15 12:00 EST\"/"; do
		case "$e" in 1s*) e=$(echo "$e" | sed "s/^1s/2s/");; esac
		index bad.json "$e" &&
		! cmp -s bad.json ok.json &&
		test_expect_code 3 xs xsa import bad.json 2>err &&
		test_grep "bad.json" err || { echo "case: $e"; cat bad.json; exit 1; }
	done) &&
	tree_state "$MAINT" >after &&
	test_cmp before after
'

test_expect_success 'a stored meta.json with a key twice, or signature and unsigned disagreeing, is refused' '
	xs xsa import "$TRASH/samples/902" >out &&
	m=$MAINT/xsa/902/v2/meta.json &&
	cp "$m" meta.orig &&
	sed -i "0,/\"title\": /s//\"title\": \"An innocent title\",\n  \"title\": /" "$m" &&
	test $(grep -c "\"title\"" "$m") -eq 2 &&
	test_expect_code 3 xs xsa list 2>err &&
	test_grep "xsa/902/v2/meta.json:[0-9]*:[0-9]*: key .title. appears twice" err &&
	cp meta.orig "$m" &&
	sed -i "s/\"unsigned\": false/\"unsigned\": true/" "$m" &&
	test_expect_code 3 xs xsa list 2>err &&
	test_grep "xsa/902/v2/meta.json: .signature. and .unsigned. are missing or disagree" err &&
	cp meta.orig "$m" &&
	sed -i "s/\"public_release\": true/\"public_release\": \"yes\"/" "$m" &&
	test_expect_code 3 xs xsa list 2>err &&
	test_grep "public_release" err &&
	cp meta.orig "$m" &&
	xs xsa list >out &&
	test_grep "^902 " out
'

test_expect_success 'a signed XSA-902 whose text holds a heading for XSA-903 is refused' '
	rm -rf two && cp -a "$SAMPLES_DIR/902" two &&
	sed -n "1,/^RESOLUTION/p" "$SAMPLES_DIR/903/advisory-903.txt" | sed "\$d" >part903 &&
	awk -v f=part903 "/^RESOLUTION\$/ { while ((getline l < f) > 0) print l } { print }" \
		"$SAMPLES_DIR/902/advisory-902.txt" >two/advisory-902.txt &&
	grep -n "XSA-903" two/advisory-902.txt &&
	xsa_sign two/advisory-902.txt &&
	tree_state "$MAINT" >before &&
	test_expect_code 3 xs xsa import two 2>err &&
	test_grep "two/advisory-902.txt:[0-9]*: a second advisory heading (.Xen Security Advisory CVE-2026-99903 / XSA-903.) in the text of XSA-902" err &&
	tree_state "$MAINT" >after &&
	test_cmp before after
'

test_expect_success 'the same in a mail, and in a mail whose second heading is for 902 again' '
	xsa_mail two 902 >two.eml &&
	test_expect_code 3 xs xsa import two.eml 2>err &&
	test_grep "two.eml:[0-9]*: a second advisory heading" err &&
	rm -rf again && cp -a "$SAMPLES_DIR/902" again &&
	{ cat "$SAMPLES_DIR/902/advisory-902.txt" &&
	  printf "\n            Xen Security Advisory CVE-2026-99902 / XSA-902\n" &&
	  printf "                              version 3\n"; } >again/advisory-902.txt &&
	xsa_sign again/advisory-902.txt &&
	test_expect_code 3 xs xsa import again 2>err &&
	test_grep "a second advisory heading (.Xen Security Advisory CVE-2026-99902 / XSA-902.)" err &&
	tree_state "$MAINT" >after &&
	test_cmp before after
'

test_done
