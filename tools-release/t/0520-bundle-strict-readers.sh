#!/bin/sh
test_description='bundle: the tar and manifest.json are read as strictly as FORMAT.md writes them (exit 3, naming the file)'
. ./test-lib.sh
. "$TEST_DIR/lib-bundle.sh"

FORGE="python3 $TEST_DIR/bundle-forge.py"

test_expect_success 'set up; a bundle forged by the rules is accepted' '
	setup_bundles &&
	set -- "$TRASH"/series/0001-*.patch &&
	P1=$1 && set -- "$TRASH"/series/0002-*.patch && P2=$1 &&
	BASE=$(git -C "$RUP" rev-parse stable-4.16) &&
	echo "$P1 $P2 $BASE" >vars &&
	$FORGE valid.tar.gz --home "$P_HOME" --key "$P_KEY" --producer producer \
		--base-commit "$BASE" --embargo "$EMBARGO_ISO" --cve CVE-2024-96001 \
		--patch "$P1:prerequisite:960:$PREREQ" --patch "$P2:fix:960:$FIX" >/dev/null &&
	cp -a "$RMAINT" rmaint0 &&
	as_receiver bundle verify valid.tar.gz --date "$BEFORE" >out &&
	test_grep "^verified  signature by member .producer., 2 file hashes, format 1$" out &&
	rm -rf "$RMAINT" && cp -a rmaint0 "$RMAINT"
'
read P1 P2 BASE <vars

forge() {
	_n=$1
	shift
	$FORGE "$_n" --home "$P_HOME" --key "$P_KEY" --producer producer --base-commit "$BASE" \
		--embargo "$EMBARGO_ISO" --patch "$P1:prerequisite:960:$PREREQ" \
		--patch "$P2:fix:960:$FIX" "$@" >/dev/null
}

# refused NAME MESSAGE: verify and apply both exit 3 with MESSAGE (which
# names the file), nothing is kept or recorded, no ref moves.
refused() {
	receiver_state >state-before &&
	test_expect_code 3 as_receiver bundle verify "$1" --date "$BEFORE" >out 2>err-verify &&
	test_grep -e "$2" err-verify &&
	test_grep ! "^verified" out &&
	test_expect_code 3 as_receiver bundle apply "$1" --branch 4.16 --date "$BEFORE" \
		>out 2>err-apply &&
	test_grep -e "$2" err-apply &&
	receiver_state >state-after &&
	test_cmp state-before state-after &&
	test_path_is_missing "$RMAINT/backports/seen.json"
}

# The tar: what FORMAT.md says a writer does, a reader requires.
while read attack message; do
	test_expect_success "tar refused: $attack" "
		forge $attack.tar.gz --attack $attack &&
		refused $attack.tar.gz \"$message\"
	"
done <<'EOF'
prefix prefix.tar.gz: tar entry 3 'patches/0001-hypervisor-evtchn-introduce-port_is_valid-and-evtchn.patch': uses the ustar prefix field
namejunk namejunk.tar.gz: tar entry 1 'manifest.json': bytes after the NUL that ends the name
gnumagic gnumagic.tar.gz: tar entry 1 'manifest.json': a GNU tar header (magic 'ustar  ')
setuid setuid.tar.gz: tar entry 3 'patches/0001-[^:]*': mode is not 0644
outoforder outoforder.tar.gz: tar entry 3 'patches/0002-[^:]*': out of order: patch 0001 comes next
ascfirst ascfirst.tar.gz: tar entry 1 'manifest.json.asc': out of order: the first entry must be manifest.json
EOF

# manifest.json: no comments, no key twice, no control character anywhere.
while read attack message; do
	test_expect_success "manifest refused: $attack" "
		forge $attack.tar.gz --attack $attack &&
		refused $attack.tar.gz \"$message\"
	"
done <<'EOF'
comment comment.tar.gz: manifest.json:2:[0-9]*: invalid JSON: lexical error: probable comment found
dupkey dupkey.tar.gz: manifest.json:[0-9]*:[0-9]*: key .embargo_until. appears twice in one object
nulsubject nulsubject.tar.gz: manifest.json:[0-9]*:[0-9]*: a string holds a NUL character
nulref nulref.tar.gz: manifest.json:[0-9]*:[0-9]*: a string holds a NUL character
ctlkey ctlkey.tar.gz: manifest.json: top level: the key .x-?.2J. holds a control character
c1subject c1subject.tar.gz: manifest.json:[0-9]*: files.0..subject: .subject. holds a control character
EOF

test_expect_success 'the refusal of a hidden subject does not print what follows the NUL' '
	forge hidden.tar.gz --attack nulsubject &&
	test_expect_code 3 as_receiver bundle verify hidden.tar.gz --date "$BEFORE" >out 2>err &&
	test_grep ! "only some readers see" out err
'

test_expect_success 'the valid bundle is still accepted after all that' '
	as_receiver bundle verify valid.tar.gz --date "$BEFORE" >out &&
	test_grep "^verified  " out
'

test_done
