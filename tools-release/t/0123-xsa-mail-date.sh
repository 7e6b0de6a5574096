#!/bin/sh
test_description='xsa import: a public advisory takes its public time from the mail Date, within what the signature allows'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"

MAINT=$TRASH/maint
export XENSTABLE_NOW="2026-11-21 12:00"

# A key made on 2026-01-01 signs at the times the tests say (gpg's faked
# clock), so that signature times are known and fixed.
dated_sign() {	# dated_sign FILE YYYYMMDDTHHMMSS
	gpg --batch --yes --no-tty --faked-system-time "$2" --local-user "$(cat key)!" \
		--digest-algo SHA256 --clearsign --output "$1.asc" "$1" 2>/dev/null &&
	mv "$1.asc" "$1"
}

# mail DIR NUM DATE...: the announcement mail of DIR's advisory with these
# Date fields (none when DATE is "-").
mail() {
	_d=$1 _n=$2
	shift 2
	xsa_mail "$_d" "$_n" | sed "/^Date: /d" >mail.tmp &&
	{ for _x in "$@"; do [ "$_x" = - ] || printf 'Date: %s\n' "$_x"; done; cat mail.tmp; }
}

# meta KEY...: fields of the newest meta.json of XSA $1 as "key=value" lines.
meta() {
	python3 - "$MAINT" "$@" <<-\PY
	import json, sys, glob
	m = sorted(glob.glob(sys.argv[1] + "/xsa/" + sys.argv[2] + "/v*/meta.json"))[-1]
	d = json.load(open(m))
	for k in sys.argv[3:]:
	    print("%s=%s" % (k, d.get(k)))
	PY
}

test_expect_success 'set up: a repository trusting a key made on 2026-01-01' '
	make_maint_repo "$MAINT" &&
	gpg --batch --no-tty --passphrase "" --faked-system-time 20260101T000000 \
		--quick-gen-key "Dated Team <dated@xsa.example.org>" ed25519 sign 5y >/dev/null 2>&1 &&
	gpg --batch --with-colons --list-keys "<dated@xsa.example.org>" |
		awk -F: "/^fpr:/ { print \$10; exit }" >key &&
	test -s key &&
	trust_key "$MAINT" "$(cat key)" advisory
'

# adv DIR NUM VERSION: an advisory with one patch, unsigned.
adv() {
	mkdir -p "$1" &&
	xsa_patch_file "$1/xsa$2.patch" "fix $2" "This is XSA-$2." xen/a$2.c &&
	xsa_advisory "$1" "$2" "$3" "" "Test advisory $2" "xsa$2.patch	xen-unstable - Xen 4.17.x"
}

test_expect_success 'a public advisory from a mail: the Date (with its zone) is the public time' '
	adv p940 940 1 &&
	dated_sign p940/advisory-940.txt 20260417T165000 &&
	mail p940 940 "Fri, 17 Apr 2026 13:02:12 -0400" >940.eml &&
	xs xsa import 940.eml >out 2>err &&
	! test_grep "warning" err &&
	meta 940 public_time public_time_source embargo >got &&
	cat >expect <<-\EOF &&
	public_time=2026-04-17T17:02:12Z
	public_time_source=mail-date
	embargo=public
	EOF
	test_cmp expect got &&
	xs xsa show 940 >show &&
	test_grep "^Public: *2026-04-17 17:02 UTC (public; from the announcement mail.s Date field)" show &&
	xs xsa list >list &&
	test_grep "^940 .*2026-04-17 17:02 public" list &&
	xs xsa index >/dev/null &&
	grep "\"public_time\": \"2026-04-17 17:02\"" "$MAINT/xsa/xsa.json"
'

test_expect_success 'a Date before the signature (a relay can write any): the signature time counts' '
	adv p941 941 1 &&
	dated_sign p941/advisory-941.txt 20260417T165000 &&
	mail p941 941 "Thu, 01 Jan 2026 00:00:00 +0000" >941.eml &&
	xs xsa import 941.eml >out 2>err &&
	test_grep "warning: 941.eml:[0-9]*: the mail.s Date (2026-01-01 00:00 UTC) is before the advisory was signed (2026-04-17 16:50 UTC)" err &&
	meta 941 public_time >got &&
	echo "public_time=2026-04-17T16:50:00Z" >expect &&
	test_cmp expect got
'

test_expect_success 'a Date in the future, an unknown zone, two Date fields, none: the time stays unknown' '
	(i=942 &&
	for d in "Sat, 19 Dec 2026 12:00:00 +0000" "Fri, 17 Apr 2026 17:02:12 CEST" \
		 "Fri, 17 Apr 2026 17:02:12 A" "Mon, 17 Apr 2026 17:02:12 +0000" "-"; do
		adv p$i $i 1 &&
		dated_sign p$i/advisory-$i.txt 20260417T165000 &&
		mail p$i $i "$d" >$i.eml &&
		xs xsa import $i.eml >out 2>err &&
		meta $i public_time >got &&
		echo "public_time=None" >expect &&
		test_cmp expect got &&
		{ [ "$d" = - ] || test_grep "warning: $i.eml:[0-9]*: " err; } ||
			{ echo "Date: $d"; cat err; exit 1; }
		i=$((i + 1))
	done) &&
	adv p950 950 1 &&
	dated_sign p950/advisory-950.txt 20260417T165000 &&
	mail p950 950 "Fri, 17 Apr 2026 17:02:12 +0000" "Fri, 17 Apr 2026 10:00:00 +0000" >950.eml &&
	xs xsa import 950.eml >out 2>err &&
	test_grep "warning: 950.eml:[0-9]*: the mail has 2 Date fields" err &&
	meta 950 public_time >got &&
	echo "public_time=None" >expect &&
	test_cmp expect got
'

test_expect_success 'an embargoed text: the embargo line decides, the Date does not' '
	mkdir e951 &&
	xsa_patch_file e951/xsa951.patch "fix 951" "This is XSA-951." xen/a951.c &&
	XSA_EMBARGO="2026-12-01 12:00" xsa_advisory e951 951 1 "" "Embargoed 951" \
		"xsa951.patch	xen-unstable - Xen 4.17.x" &&
	dated_sign e951/advisory-951.txt 20261020T100000 &&
	mail e951 951 "Tue, 20 Oct 2026 10:05:00 +0000" >951.eml &&
	xs xsa import 951.eml >out 2>err &&
	meta 951 public_time public_time_source embargo >got &&
	cat >expect <<-\EOF &&
	public_time=2026-12-01T12:00:00Z
	public_time_source=embargo
	embargo=embargoed
	EOF
	test_cmp expect got &&
	xs xsa list >list &&
	test_grep "^951 .*2026-12-01 12:00 embargoed" list
'

test_expect_success 'its public version with a forged early Date: not public before the embargo end' '
	mkdir e951v2 && cp e951/xsa951.patch e951v2/ &&
	xsa_advisory e951v2 951 2 "" "Embargoed 951" "xsa951.patch	xen-unstable - Xen 4.17.x" &&
	grep -q "^Public release" e951v2/advisory-951.txt &&
	dated_sign e951v2/advisory-951.txt 20261020T110000 &&
	mail e951v2 951 "Mon, 02 Nov 2026 12:00:00 +0000" >951v2.eml &&
	xs xsa import 951v2.eml >out 2>err &&
	test_grep "public time 2026-11-02 12:00 UTC (mail-date) is before the embargo end of version 1 (2026-12-01 12:00 UTC)" err &&
	meta 951 public_time public_time_source >got &&
	cat >expect <<-\EOF &&
	public_time=2026-12-01T12:00:00Z
	public_time_source=embargo
	EOF
	test_cmp expect got &&
	xs xsa list >list &&
	test_grep "^951 .*2026-12-01 12:00 embargoed" list
'

test_expect_success 'xenbits index (unsigned) cannot end a signed embargo early' '
	mkdir e952 &&
	xsa_patch_file e952/xsa952.patch "fix 952" "This is XSA-952." xen/a952.c &&
	XSA_EMBARGO="2026-12-10 12:00" xsa_advisory e952 952 1 "" "Embargoed 952" \
		"xsa952.patch	xen-unstable - Xen 4.17.x" &&
	dated_sign e952/advisory-952.txt 20261020T100000 &&
	xsa_xenbits_json idx.json 952:"2026-10-01 12:00" &&
	xs xsa import idx.json e952 >out 2>err &&
	meta 952 public_time embargo >got &&
	cat >expect <<-\EOF &&
	public_time=2026-12-10T12:00:00Z
	embargo=embargoed
	EOF
	test_cmp expect got &&
	xs xsa list >list &&
	test_grep "^952 .*2026-12-10 12:00 embargoed" list &&
	xs xsa show 952 --json | python3 -c "import json,sys; d=json.load(sys.stdin); assert d[\"embargoed\"] is True, d"
'

test_expect_success 'a stored public time earlier than a stated embargo (an older store) is not believed' '
	m=$(ls "$MAINT"/xsa/952/v1/meta.json) &&
	sed -i "s/\"public_time\": \"2026-12-10T12:00:00Z\"/\"public_time\": \"2026-10-01T12:00:00Z\"/" "$m" &&
	grep -q "\"public_time\": \"2026-10-01T12:00:00Z\"" "$m" &&
	xs xsa list >list &&
	test_grep "^952 .*2026-12-10 12:00 embargoed" list
'

test_done
