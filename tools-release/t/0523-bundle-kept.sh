#!/bin/sh
test_description='bundle: kept files are never overwritten, kept and recorded together, and the replay guard survives losing seen.json'
. ./test-lib.sh
. "$TEST_DIR/lib-bundle.sh"

FORGE="python3 $TEST_DIR/bundle-forge.py"
ID_A=1b4e28ba-0000-4000-8000-00000000000a
ID_B=1b4e28ba-1111-4111-8111-00000000000b

test_expect_success 'set up' '
	setup_bundles &&
	set -- "$TRASH"/series/0001-*.patch &&
	P1=$1 && set -- "$TRASH"/series/0002-*.patch && P2=$1 &&
	BASE=$(git -C "$RUP" rev-parse stable-4.16) &&
	echo "$P1 $P2 $BASE" >vars &&
	cp -a "$RMAINT" rmaint0
'
read P1 P2 BASE <vars

# forge NAME HOME KEY PRODUCER [options]
forge() {
	_n=$1 _h=$2 _k=$3 _p=$4
	shift 4
	$FORGE "$_n" --home "$_h" --key "$_k" --producer "$_p" --base-commit "$BASE" \
		--embargo "$EMBARGO_ISO" --patch "$P1:prerequisite:960:$PREREQ" \
		--patch "$P2:fix:960:$FIX" "$@" >/dev/null
}

# Every record of seen.json names a kept file holding the bytes it recorded.
seen_consistent() {
	python3 - "$RMAINT" <<-\EOF
	import hashlib, json, os, sys
	root = sys.argv[1]
	seen = json.load(open(os.path.join(root, "backports/seen.json")))["bundles"]
	files = [b["file"] for b in seen if b["file"]]
	assert len(files) == len(set(files)), ("two records, one file", files)
	for b in seen:
	    data = open(os.path.join(root, b["file"]), "rb").read()
	    assert hashlib.sha256(data).hexdigest() == b["file_sha256"], (b["file"], "changed")
	print(len(seen))
	EOF
}

reset_receiver() {
	rm -rf "$RMAINT" && cp -a rmaint0 "$RMAINT"
}

test_expect_success 'two members, ids with the same first 8 hex digits, same XSA and revision: both kept' '
	forge a.tar.gz "$P_HOME" "$P_KEY" producer --id $ID_A &&
	forge b.tar.gz "$R_HOME" "$R_KEY" receiver --id $ID_B &&
	as_receiver bundle verify a.tar.gz --date "$BEFORE" >out-a &&
	KA=$(sed -n "s/^kept      \([^ ]*\) .*/\1/p" out-a) &&
	test "$KA" = backports/4.16/xsa960-4.16-1b4e28ba-r1.tar.gz &&
	as_receiver bundle verify b.tar.gz --date "$BEFORE" >out-b &&
	KB=$(sed -n "s/^kept      \([^ ]*\) .*/\1/p" out-b) &&
	test "$KB" = backports/4.16/xsa960-4.16-$ID_B-r1.tar.gz &&
	cmp a.tar.gz "$RMAINT/$KA" &&
	cmp b.tar.gz "$RMAINT/$KB" &&
	test "$(seen_consistent)" = 2 &&
	as_receiver bundle list --branch 4.16 --date "$BEFORE" >list &&
	test_grep "^$KA  *1b4e28ba r1 .*embargoed$" list &&
	test_grep "^$KB  *1b4e28ba r1 .*embargoed$" list
'

test_expect_success 'another copy of a kept revision (same manifest, other bytes) overwrites nothing' '
	forge a-again.tar.gz.gpg "$P_HOME" "$P_KEY" producer --id $ID_A --encrypt-to "$R_KEY" &&
	tree_state "$RMAINT" >before &&
	as_receiver bundle verify a-again.tar.gz.gpg --date "$BEFORE" >out &&
	test_grep "^kept      $KA " out &&
	cmp a.tar.gz "$RMAINT/$KA" &&
	tree_state "$RMAINT" >after &&
	test_cmp before after &&
	test "$(seen_consistent)" = 2
'

test_expect_success 'a file that is not ours under the short name is never overwritten' '
	reset_receiver &&
	mkdir -p "$RMAINT/backports/4.16" &&
	echo "somebody else" >"$RMAINT/backports/4.16/xsa960-4.16-1b4e28ba-r1.tar.gz" &&
	as_receiver bundle verify a.tar.gz --date "$BEFORE" >out &&
	test_grep "^kept      backports/4.16/xsa960-4.16-$ID_A-r1.tar.gz " out &&
	test "$(cat "$RMAINT/backports/4.16/xsa960-4.16-1b4e28ba-r1.tar.gz")" = "somebody else" &&
	test "$(seen_consistent)" = 1
'

test_expect_success 'seen.json removed: an older revision is still refused (rebuilt from the kept, signed file)' '
	reset_receiver &&
	forge r1.tar.gz "$P_HOME" "$P_KEY" producer --id $ID_A --revision 1 &&
	forge r2.tar.gz.gpg "$P_HOME" "$P_KEY" producer --id $ID_A --revision 2 --encrypt-to "$R_KEY" &&
	as_receiver bundle verify r2.tar.gz.gpg --date "$BEFORE" >out &&
	rm "$RMAINT/backports/seen.json" &&
	receiver_state >before &&
	test_expect_code 3 as_receiver bundle verify r1.tar.gz --date "$BEFORE" 2>err &&
	test_grep "revision 1 of bundle $ID_A is older than revision 2" err &&
	test_expect_code 3 as_receiver bundle apply r1.tar.gz --branch 4.16 --date "$AFTER" 2>err &&
	test_grep "refusing a replay" err &&
	receiver_state >after &&
	test_cmp before after
'

test_expect_success 'seen.json that disagrees (the newer record edited out): refused all the same' '
	as_receiver bundle verify r2.tar.gz.gpg --date "$BEFORE" >out 2>err &&
	test_grep "verified again and recorded in backports/seen.json" err &&
	test "$(seen_consistent)" = 1 &&
	python3 -c "import json,sys; p=sys.argv[1]; d=json.load(open(p)); d[\"bundles\"]=[]; json.dump(d,open(p,\"w\"))" \
		"$RMAINT/backports/seen.json" &&
	test_expect_code 3 as_receiver bundle verify r1.tar.gz --date "$BEFORE" 2>err &&
	test_grep "revision 1 of bundle $ID_A is older than revision 2" err
'

test_expect_success 'a kept file that no longer verifies does not count, and says so' '
	reset_receiver &&
	mkdir -p "$RMAINT/backports/4.16" &&
	head -c 100 r2.tar.gz.gpg >"$RMAINT/backports/4.16/xsa960-4.16-1b4e28ba-r2.tar.gz.gpg" &&
	as_receiver bundle verify r1.tar.gz --date "$BEFORE" >out 2>err &&
	test_grep "xsa960-4.16-1b4e28ba-r2.tar.gz.gpg is kept here but backports/seen.json does not record it, and it does not verify" err &&
	test_grep "^verified  " out
'

# in_full_backports PAGES CMD...: CMD with $RMAINT/backports a tmpfs that
# holds what backports/ held and has PAGES pages (4 KiB) free; what it
# holds afterwards is listed in backports.left.
in_full_backports() {
	_pages=$1
	shift
	rm -rf saved && cp -a "$RMAINT/backports" saved &&
	unshare -m sh -c '
		b=$1 saved=$2 pages=$3
		shift 3
		mount -t tmpfs -o size=1m tmpfs "$b" || exit 125
		cp -a "$saved/." "$b/" || exit 125
		dd if=/dev/zero of="$b/.filler" bs=4096 2>/dev/null
		truncate -s -$((pages * 4096)) "$b/.filler" || exit 125
		"$@"
		rc=$?
		rm -f "$b/.filler"
		(cd "$b" && find . -type f | sort | xargs sha256sum) >"$saved.left"
		exit $rc
	' _ "$RMAINT/backports" "$TRASH/saved" "$_pages" "$@"
}

test_expect_success TMPFS 'disk full after the kept file: exit 4, and neither kept nor recorded (verify, apply)' '
	reset_receiver &&
	pages=$(( ($(wc -c <a.tar.gz) + 4095) / 4096 )) &&
	(cd "$RMAINT/backports" && find . -type f | sort | xargs sha256sum) >expect &&
	receiver_state >before &&
	test_expect_code 4 in_full_backports $pages env GNUPGHOME="$R_HOME" "$XENSTABLE" -C "$RMAINT" \
		--source "$RUP" bundle verify "$TRASH/a.tar.gz" --date "$BEFORE" 2>err &&
	test_grep "No space left on device" err &&
	test_cmp expect saved.left &&
	test_expect_code 4 in_full_backports $pages env GNUPGHOME="$R_HOME" "$XENSTABLE" -C "$RMAINT" \
		--source "$RUP" bundle apply "$TRASH/a.tar.gz" --branch 4.16 --date "$AFTER" 2>err &&
	test_grep "No space left on device" err &&
	test_cmp expect saved.left &&
	receiver_state >after &&
	test_cmp before after
'

test_expect_success TMPFS 'with room again both are done, consistently' '
	as_receiver bundle apply a.tar.gz --branch 4.16 --date "$AFTER" >out &&
	test_grep "^refs/heads/stable-4.16 moved to " out &&
	test_grep "^kept backports/4.16/xsa960-4.16-1b4e28ba-r1.tar.gz " out &&
	test "$(seen_consistent)" = 1
'

test_done
