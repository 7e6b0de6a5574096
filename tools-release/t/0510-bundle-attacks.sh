#!/bin/sh
test_description='bundle: every attack on the receiving side is refused (exit 3), and nothing is written'
. ./test-lib.sh
. "$TEST_DIR/lib-bundle.sh"

FORGE="python3 $TEST_DIR/bundle-forge.py"

test_expect_success 'set up; a bundle forged without xenstable is accepted as valid' '
	setup_bundles &&
	set -- "$TRASH"/series/0001-*.patch &&
	P1=$1 && set -- "$TRASH"/series/0002-*.patch && P2=$1 &&
	BASE=$(git -C "$RUP" rev-parse stable-4.16) &&
	echo "$P1 $P2 $BASE" >vars &&
	$FORGE valid.tar.gz --home "$P_HOME" --key "$P_KEY" --producer producer \
		--base-commit "$BASE" --embargo "$EMBARGO_ISO" --cve CVE-2024-96001 \
		--patch "$P1:prerequisite:960:$PREREQ" --patch "$P2:fix:960:$FIX" >id &&
	as_receiver bundle verify valid.tar.gz --date "$BEFORE" >out &&
	test_grep "^verified  signature by member .producer., 2 file hashes, format 1$" out
'
read P1 P2 BASE <vars

# forge NAME [forge options]: a bundle NAME.tar.gz[.gpg] from the 4.16 series.
forge() {
	_n=$1
	shift
	$FORGE "$_n" --home "$P_HOME" --key "$P_KEY" --producer producer --base-commit "$BASE" \
		--embargo "$EMBARGO_ISO" --patch "$P1:prerequisite:960:$PREREQ" \
		--patch "$P2:fix:960:$FIX" "$@" >/dev/null
}

# refused NAME MESSAGE: verify and apply both exit 3 with MESSAGE, and
# neither the maintenance repository nor any ref of the source changed.
refused() {
	receiver_state >state-before &&
	test_expect_code 3 as_receiver bundle verify "$1" --date "$BEFORE" 2>err-verify &&
	test_grep -e "$2" err-verify &&
	test_expect_code 3 as_receiver bundle apply "$1" --branch 4.16 --date "$BEFORE" \
		>out 2>err-apply &&
	test_grep -e "$2" err-apply &&
	receiver_state >state-after &&
	test_cmp state-before state-after &&
	test_path_is_missing /tmp/xenstable-owned.patch
}

while read attack message; do
	test_expect_success "refused: $attack" "
		forge $attack.tar.gz --attack $attack &&
		refused $attack.tar.gz \"$message\"
	"
done <<'EOF'
absolute tar entry 5 '/tmp/xenstable-owned.patch': an absolute path
dotdot tar entry 5 'patches/../../owned.patch': a '..' component
symlink tar entry 5 'patches/0009-link.patch': is a symbolic link; a bundle holds regular files only
hardlink tar entry 5 'patches/0009-link.patch': is a hard link; a bundle holds regular files only
chardev tar entry 5 'patches/0009-dev.patch': is a character device file
blockdev tar entry 5 'patches/0009-dev.patch': is a block device file
fifo tar entry 5 'patches/0009-fifo.patch': is a FIFO
pax tar entry 5 'PaxHeader': is a pax extended header
duplicate tar entry 5 'patches/0001-hypervisor-evtchn-introduce-port_is_valid-and-evtchn.patch': duplicate name
casefold tar entry 5 'patches/0001-Hypervisor-evtchn-introduce-port_is_valid-and-evtchn.patch': collides with 'patches/0001-hypervisor-evtchn-introduce-port_is_valid-and-evtchn.patch' when case is folded
outside tar entry 5 'README': outside patches/
bigfile tar entry 5 'patches/0009-big.patch': a file of 17825792 bytes, over the 16 MiB limit
badjson badjson.tar.gz: manifest.json:5:15: invalid JSON: parse error
unknownfield unknownfield.tar.gz: manifest.json:[0-9]*: top level: unknown required field .frobnicate. (format 1 does not define it
formatv2 manifest.json:[0-9]*: format_version: format version 2; this xenstable reads version 1 only
hashmismatch patches/0002-hypervisor-evtchn-check-the-port-in-EVTCHNOP_status.patch: sha256 [0-9a-f]* does not match manifest.json's
othersig manifest.json.asc: BAD signature
EOF

test_expect_success 'refused: a decompression bomb, stopped while streaming' '
	forge bomb.tar.gz --attack bomb &&
	test $(wc -c <bomb.tar.gz) -lt 2000000 &&
	receiver_state >state-before &&
	XENSTABLE_RUSAGE=1 test_expect_code 3 as_receiver bundle verify bomb.tar.gz --date "$BEFORE" 2>err &&
	test_grep "bomb.tar.gz: expands to more than 256 MiB; stopped reading" err &&
	kib=$(sed -n "s/.*rusage: maxrss_kib=\([0-9]*\) .*/\1/p" err) &&
	echo "peak memory reading a 1 GiB bomb: $kib KiB" &&
	test "$kib" -lt 131072 &&
	test_expect_code 3 as_receiver bundle apply bomb.tar.gz --branch 4.16 --date "$BEFORE" 2>err &&
	receiver_state >state-after &&
	test_cmp state-before state-after
'

test_expect_success 'refused: signed by a key that is not a member' '
	forge nonmember.tar.gz --sign-home "$O_HOME" --sign-key "$O_KEY" &&
	refused nonmember.tar.gz "manifest.json.asc: signed by key [0-9A-F]*, which is not a predisclosure member.s"
'

test_expect_success 'refused: a member key signing a manifest that names another producer' '
	$FORGE impostor.tar.gz --home "$R_HOME" --key "$P_KEY" --producer producer --base-commit "$BASE" \
		--embargo "$EMBARGO_ISO" --patch "$P1:prerequisite:960" --patch "$P2:fix:960" \
		--sign-key "$R_KEY" >/dev/null &&
	refused impostor.tar.gz "names producer key $P_KEY, but member .receiver. signed it"
'

test_expect_success 'refused: encrypted to someone else' '
	forge other.tar.gz.gpg --encrypt-to "$O_KEY" &&
	refused other.tar.gz.gpg "other.tar.gz.gpg: encrypted to key(s) [0-9A-F]*; no matching secret key here"
'

test_expect_success 'refused: an older revision replayed after a newer one' '
	ID=$(cat id) &&
	forge r2.tar.gz --id "$ID" --revision 2 &&
	forge r1.tar.gz --id "$ID" --revision 1 &&
	as_receiver bundle verify r2.tar.gz --date "$BEFORE" >out &&
	refused r1.tar.gz "revision 1 of bundle $ID is older than revision 2, seen here on"
'

test_expect_success 'refused: the same revision with another manifest, and a revision by another member' '
	ID=$(cat id) &&
	forge r2-changed.tar.gz --id "$ID" --revision 2 --cve CVE-2024-96002 &&
	refused r2-changed.tar.gz "revision 2 of bundle $ID differs from the revision 2 seen here before" &&
	$FORGE takeover.tar.gz --home "$R_HOME" --key "$R_KEY" --producer receiver --base-commit "$BASE" \
		--embargo "$EMBARGO_ISO" --patch "$P1:prerequisite:960" --patch "$P2:fix:960" \
		--id "$ID" --revision 3 >/dev/null &&
	refused takeover.tar.gz "bundle $ID was produced by member .producer. (key $P_KEY); revision 3 is signed by .receiver."
'

test_expect_success 'refused: an embargo end in the past, later than the advisory public time' '
	forge late.tar.gz --embargo 2024-06-05T12:00:00Z &&
	receiver_state >state-before &&
	test_expect_code 3 as_receiver bundle verify late.tar.gz --date 2024-06-06 2>err &&
	test_grep "late.tar.gz: manifest.json.s embargo ended at 2024-06-05 12:00 UTC, later than XSA-960.s public time 2024-06-04 12:00 UTC in the XSA store (the latest of its advisories): the two disagree" err &&
	test_expect_code 3 as_receiver bundle apply late.tar.gz --branch 4.16 --date 2024-06-06 2>err &&
	receiver_state >state-after &&
	test_cmp state-before state-after &&
	as_receiver bundle verify late.tar.gz --date 2024-06-05 >out &&
	test_grep "^embargo   until 2024-06-05 12:00 UTC: embargoed on 2024-06-05 00:00 UTC$" out
'

test_expect_success 'refused: a bundle that calls an embargoed XSA public' '
	forge early.tar.gz --embargo null &&
	refused early.tar.gz "early.tar.gz: manifest.json says it is public (embargo_until null), but the XSA store says XSA-960 is embargoed until 2024-06-04 12:00 UTC"
'

test_expect_success 'a valid bundle with an x- extension field is accepted, the field noted' '
	forge ext.tar.gz --attack extension &&
	as_receiver bundle verify ext.tar.gz --date "$BEFORE" >out &&
	test_grep "^note      ignored extension field x-note$" out
'

test_expect_success 'not a bundle at all, a truncated one, and a missing file' '
	receiver_state >state-before &&
	echo "hello" >text.tar.gz &&
	test_expect_code 3 as_receiver bundle verify text.tar.gz 2>err &&
	test_grep "text.tar.gz: not a bundle (neither gzip nor an OpenPGP message)" err &&
	head -c 300 valid.tar.gz >short.tar.gz &&
	test_expect_code 3 as_receiver bundle verify short.tar.gz 2>err &&
	test_grep "short.tar.gz: truncated gzip data" err &&
	test_expect_code 3 as_receiver bundle verify nothing-here.tar.gz 2>err &&
	ln -s valid.tar.gz link.tar.gz &&
	test_must_fail as_receiver bundle verify link.tar.gz 2>err &&
	receiver_state >state-after &&
	test_cmp state-before state-after
'

test_done
