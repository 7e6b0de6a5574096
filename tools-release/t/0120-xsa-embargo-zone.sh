#!/bin/sh
test_description='xsa import: embargo times are read with their time zone, or refused'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"
. "$TEST_DIR/lib-samples.sh"

export XENSTABLE_NOW="2026-11-21 12:00"

# variant DIR BANNER: a copy of sample XSA-905 whose embargo line says BANNER.
variant() {
	rm -rf "$1" && cp -a "$SAMPLES_DIR/905" "$1" &&
	sed -i "6s/.*/             $2/" "$1/advisory-905.txt" &&
	sed -n 6p "$1/advisory-905.txt" | grep -F -q "$2"
}

# until_of DIR: the embargo end xenstable stores for the variant in DIR.
until_of() {
	rm -rf m && make_maint_repo m &&
	"$XENSTABLE" -C m xsa import --allow-unsigned "$1" >/dev/null &&
	"$XENSTABLE" -C m xsa show 905 --json |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["embargo_until"])'
}

test_expect_success 'the same instant written with every zone form xenstable maps' '
	(for b in "*** EMBARGOED UNTIL 2026-12-15 12:00 UTC ***" \
		 "*** EMBARGOED UNTIL 2026-12-15 12:00 GMT ***" \
		 "*** EMBARGOED UNTIL 2026-12-15 12:00:00 UT ***" \
		 "*** EMBARGOED UNTIL 2026-12-15 12:00Z ***" \
		 "*** EMBARGOED UNTIL 2026-12-15T12:00:00Z ***" \
		 "*** EMBARGOED UNTIL 2026-12-15 12:00 +0000 ***" \
		 "*** EMBARGOED UNTIL 2026-12-15 07:00 -0500 ***" \
		 "*** EMBARGOED UNTIL 2026-12-15 07:00 -05:00 ***" \
		 "*** EMBARGOED UNTIL 2026-12-15 13:00 +01 ***" \
		 "*** EMBARGOED UNTIL 2026-12-16 01:45 +13:45 ***" \
		 "*** EMBARGOED UNTIL 2026-12-15 12:00 utc ***"; do
		variant v "$b" &&
		echo "$(until_of v) $b" >>got || exit 1
	done) &&
	cat got &&
	test $(grep -c "^2026-12-15T12:00:00Z " got) -eq 11
'

test_expect_success 'a numeric offset is not read as UTC: -0500 ends at 17:00 UTC' '
	variant v "*** EMBARGOED UNTIL 2026-12-15 12:00 -0500 ***" &&
	test "$(until_of v)" = "2026-12-15T17:00:00Z" &&
	"$XENSTABLE" -C m xsa list --date "2026-12-15 13:00" >out &&
	test_grep "^905 .* embargoed" out &&
	"$XENSTABLE" -C m xsa list --date "2026-12-15 17:00" >out &&
	test_grep "^905 .* public" out
'

test_expect_success 'zones that are ambiguous or unknown, or no zone at all, are refused' '
	(for z in EST EDT CST PST BST IST CET MSK "UTC+1" "GMT+1" "UTC-05:00" XYZ "+25" "+0575" "-5" \
		 "" "(UTC)" "UTCX" "Z0"; do
		variant v "*** EMBARGOED UNTIL 2026-12-15 12:00 $z ***" &&
		rm -rf m && make_maint_repo m &&
		test_expect_code 3 "$XENSTABLE" -C m xsa import --allow-unsigned v 2>err &&
		test_grep "v/advisory-905.txt:6: " err &&
		test_grep "zone" err &&
		test_path_is_missing m/xsa/905 || { echo "zone [$z]"; exit 1; }
	done)
'

test_expect_success 'an embargo statement whose time cannot be read is refused' '
	(for b in "*** EMBARGOED UNTIL 2026-12-15 ***" \
		 "*** EMBARGOED UNTIL 15 December 2026 12:00 UTC ***" \
		 "*** EMBARGOED UNTIL 2026-12-15 at noon ***" \
		 "*** EMBARGOED UNTIL 2026-12-15 25:00 UTC ***" \
		 "*** EMBARGOED UNTIL ***"; do
		variant v "$b" &&
		rm -rf m && make_maint_repo m &&
		test_expect_code 3 "$XENSTABLE" -C m xsa import --allow-unsigned v 2>err &&
		test_grep "v/advisory-905.txt:6: " err || { echo "banner [$b]"; exit 1; }
	done)
'

test_expect_success 'set up the reference upstream; 905 says 12:00 -0500 (17:00 UTC)' '
	setup_reference &&
	xsa_samples_sign &&
	rm -rf s905 && cp -a "$SAMPLES_DIR/905" s905 &&
	sed -i "6s/12:00 UTC/12:00 -0500/" s905/advisory-905.txt &&
	xsa_sign s905/advisory-905.txt &&
	trust_key "$MAINT" "$XSA_KEY" advisory &&
	xs xsa import "$TRASH/samples/902" s905 >out &&
	test_grep "XSA-905 version 1 stored" out
'

test_expect_success 'xsa apply at 13:00 UTC refuses to move a public branch' '
	old=$(git -C "$UPSTREAM" rev-parse stable-4.22) &&
	test_expect_code 3 xs xsa apply 4.22 905 --date "2026-12-15 13:00" 2>err &&
	test_grep "XSA-905 is embargoed until 2026-12-15 17:00 UTC" err &&
	test $(git -C "$UPSTREAM" rev-parse stable-4.22) = $old &&
	xs xsa apply 4.22 905 --date "2026-12-15 17:00" >out &&
	test_grep "XSA-905 *applied" out
'

test_done
