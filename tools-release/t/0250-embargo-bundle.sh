#!/bin/sh
test_description='embargo by content: a bundle that carries an embargoed fix under another label never reaches a public branch'
. ./test-lib.sh
. "$TEST_DIR/lib-bundle.sh"

FORGE="python3 $TEST_DIR/bundle-forge.py"

# variant DIR SUBJECT: commit what the worktree $V has changed and write that
# commit as a mail patch into DIR.
variant() {
	mkdir -p "$TRASH/$1" &&
	git -C "$V" commit -q -a -m "$2" &&
	git -C "$V" format-patch -q -1 -o "$TRASH/$1"
}

# leak NAME LABEL-XSA PATCH...: a public (no embargo) bundle NAME.tar.gz
# for 4.16 signed by the producer, every patch labelled XSA LABEL-XSA.
leak() {
	_n=$1 _x=$2
	shift 2
	_args=
	for _p in "$@"; do
		_args="$_args --patch $_p:fix:$_x"
	done
	$FORGE "$_n.tar.gz" --home "$P_HOME" --key "$P_KEY" --producer producer \
		--base-commit "$BASE" --xsa "$_x" $_args >/dev/null
}

# refused_leak BUNDLE [MAINT SOURCE]: bundle apply exits 3 naming the
# embargoed fix it found, and neither repository changed.
refused_leak() {
	_m=${2:-$RMAINT} _u=${3:-$RUP}
	{ tree_state "$_m"; git -C "$_u" for-each-ref --format="%(refname) %(objectname)"; } >st-before &&
	GNUPGHOME=$R_HOME test_expect_code 3 "$XENSTABLE" -C "$_m" --source "$_u" \
		bundle apply "$1" --branch 4.16 --date "$BEFORE" >out 2>err &&
	test_grep "refusing to move refs/heads/stable-4.16: embargoed content" err &&
	test_grep "refs/heads/stable-4.16 was not changed" out &&
	{ tree_state "$_m"; git -C "$_u" for-each-ref --format="%(refname) %(objectname)"; } >st-after &&
	test_cmp st-before st-after
}

test_expect_success 'set up: XSA-960 embargoed in the store, and ways to dress up its fix' '
	setup_bundles &&
	BASE=$(git -C "$RUP" rev-parse stable-4.16) &&
	set -- "$TRASH"/series/0001-*.patch && P1=$1 &&
	set -- "$TRASH"/series/0002-*.patch && P2=$1 &&
	V=$TRASH/v &&
	git -C "$PUP" worktree add -q --detach "$V" bp-960~1 &&
	F=hypervisor/common/event_channel.c &&
	# split in two commits: the check, then the blank line after it
	sed -i "s/^    chn = evtchn_from_port(d, status->port);/    if ( !port_is_valid(d, status->port) )\n        return -EINVAL;\n&/" "$V/$F" &&
	variant split "evtchn: check the status port" &&
	sed -i "/^    if ( !port_is_valid(d, status->port) )$/{n;s/$/\n/}" "$V/$F" &&
	variant split "evtchn: tidy" &&
	git -C "$V" diff --quiet bp-960 &&
	# the fix and one more hunk elsewhere in the file
	git -C "$V" checkout -q --detach bp-960~1 &&
	git -C "$V" cherry-pick -n "$FIX" >/dev/null &&
	sed -i "1s/^/\/* event channels *\/\n/" "$V/$F" &&
	variant extra "evtchn: small cleanups" &&
	# whitespace changed: tabs and trailing blanks
	git -C "$V" checkout -q --detach bp-960~1 &&
	sed -i "s/^    chn = evtchn_from_port(d, status->port);/\tif ( !port_is_valid(d, status->port) )  \n\t\treturn -EINVAL;\n\n&/" "$V/$F" &&
	variant ws "evtchn: harden status" &&
	# re-diffed with one line of context
	git -C "$PUP" format-patch -q -U1 -o "$TRASH/u1" bp-960~1..bp-960 &&
	# prerequisite and fix squashed into one commit of a different message
	git -C "$V" checkout -q --detach stable-4.16 &&
	git -C "$V" merge -q --squash bp-960 >/dev/null &&
	git -C "$V" commit -q -m "evtchn: assorted updates" &&
	git -C "$V" format-patch -q -1 -o "$TRASH/squash" &&
	git -C "$PUP" worktree remove --force "$V" &&
	echo "$P1 $P2" >vars
'
read P1 P2 <vars
BASE=$(git -C "$RUP" rev-parse stable-4.16)

test_expect_success 'hole 2: the fix labelled as an unknown public XSA-961 is refused for stable-4.16' '
	leak leak961 961 "$P1" "$P2" &&
	refused_leak leak961.tar.gz &&
	test_grep "XSA-960 (embargoed until 2024-06-04 12:00 UTC)" err &&
	! grep -i "port_is_valid\|EINVAL\|event_channel" err &&
	as_receiver xsa status 4.16 --date "$BEFORE" >st &&
	test_grep ! "^960 .*applied" st
'

test_expect_success 'the fix labelled as a known public XSA is refused the same way' '
	mkdir xsa-962 &&
	git clone -q "$PUP" x962 && git -C x962 checkout -q stable-4.16 &&
	xsa_commit_patch x962 README "README: a public fix" "This is XSA-962." \
		"1s/^/Note: read SUPPORT.md.\n/" "$TRASH/xsa-962/xsa962.patch" &&
	xsa_advisory xsa-962 962 1 "CVE-2024-96201" "A public issue" "xsa962.patch	xen-unstable - Xen 4.16.x" &&
	xsa_sign xsa-962/advisory-962.txt &&
	XENSTABLE_NOW="$CREATED" "$XENSTABLE" -C "$RMAINT" xsa import xsa-962 >/dev/null &&
	leak leak962 962 "$P1" "$P2" &&
	refused_leak leak962.tar.gz &&
	test_grep "XSA-960" err
'

for v in split extra ws u1 squash; do
	test_expect_success "the fix dressed up ($v) is refused" "
		if test $v = squash; then first=; else first=\$P1; fi &&
		leak leak-$v 961 \$first \"\$TRASH\"/$v/*.patch &&
		refused_leak leak-$v.tar.gz &&
		test_grep \"XSA-960\" err
	"
done

test_expect_success 'a public bundle that does not touch the fix applies during the embargo' '
	git -C "$PUP" worktree add -q --detach "$TRASH/v2" stable-4.16 &&
	echo "harmless" >>"$TRASH/v2/README" &&
	V=$TRASH/v2 variant other "README: a public note" &&
	git -C "$PUP" worktree remove --force "$TRASH/v2" &&
	leak other962 962 "$TRASH"/other/*.patch &&
	cp -a "$RMAINT" m-other && cp -a "$RUP" u-other &&
	GNUPGHOME=$R_HOME "$XENSTABLE" -C m-other --source u-other bundle apply other962.tar.gz \
		--branch 4.16 --date "$BEFORE" >out 2>err &&
	test_grep "^refs/heads/stable-4.16 moved to " out
'

test_expect_success 'only a kept embargoed bundle knows the fix: still refused, and the bundle is named' '
	cp -a "$RMAINT" m-kept && cp -a "$RUP" u-kept &&
	rm -rf m-kept/xsa/960 &&
	$FORGE real960.tar.gz --home "$P_HOME" --key "$P_KEY" --producer producer \
		--base-commit "$BASE" --embargo "$EMBARGO_ISO" --cve CVE-2024-96001 \
		--patch "$P1:prerequisite:960:$PREREQ" --patch "$P2:fix:960:$FIX" \
		--encrypt-to "$R_KEY" --encrypt-home "$P_HOME" >real-id &&
	GNUPGHOME=$R_HOME "$XENSTABLE" -C m-kept --source u-kept bundle apply real960.tar.gz \
		--branch 4.16 --date "$BEFORE" >out 2>err &&
	test_grep "^refs/embargo/4.16/xsa-960 created at " out &&
	refused_leak leak961.tar.gz m-kept u-kept &&
	test_grep "bundle $(cut -c1-8 real-id) r1 (XSA-960, embargoed until 2024-06-04 12:00 UTC)" err
'

test_expect_success 'a hand leak is found from the kept bundle without the member key (its private copy)' '
	gpgconf --homedir "$R_HOME" --kill all >/dev/null 2>&1 &&
	git -C u-kept worktree add -q "$TRASH/hand" stable-4.16 &&
	git -C "$TRASH/hand" am -q "$TRASH"/squash/*.patch &&
	git -C u-kept worktree remove --force "$TRASH/hand" &&
	{ tree_state m-kept; git -C u-kept for-each-ref; } >st-before &&
	test_expect_code 3 "$XENSTABLE" -C m-kept --source u-kept xsa apply 4.16 962 \
		--date "$BEFORE" >out 2>err &&
	test_grep "refusing to move refs/heads/stable-4.16: embargoed content" err &&
	test_grep "bundle $(cut -c1-8 real-id) r1 (XSA-960" err &&
	{ tree_state m-kept; git -C u-kept for-each-ref; } >st-after &&
	test_cmp st-before st-after
'

test_expect_success 'hole 6: a hand squash of the embargo ref (trailers indented) stops the release' '
	cp -a m-kept m-rel && cp -a u-kept u-rel &&
	git -C u-rel worktree add -q --detach "$TRASH/sq" "$BASE" &&
	git -C "$TRASH/sq" merge -q --squash refs/embargo/4.16/xsa-960 >/dev/null &&
	git -C "$TRASH/sq" commit -q --no-edit &&
	git -C u-rel update-ref refs/heads/stable-4.16 "$(git -C "$TRASH/sq" rev-parse HEAD)" &&
	git -C u-rel worktree remove --force "$TRASH/sq" &&
	git -C u-rel log -1 --format=%B stable-4.16 >msg &&
	test_grep "^    Embargo-Until: 2024-06-04 12:00 UTC$" msg &&
	git -C u-rel for-each-ref >refs-before &&
	test_expect_code 1 "$XENSTABLE" -C m-rel --source u-rel release 4.16 --date "2024-06-01 10:00" \
		--skip build --skip abi --skip boot >out 2>err &&
	test_grep "FAIL embargo .*embargoed content is on stable-4.16: bundle $(cut -c1-8 real-id) r1 (XSA-960, embargoed until 2024-06-04 12:00 UTC)" out &&
	git -C u-rel for-each-ref >refs-after &&
	test_cmp refs-before refs-after
'

test_expect_success 'without the private copy and without the key: exit 4, nothing moves' '
	ls m-kept/.xenstable/embargo >copies &&
	test "$(wc -l <copies)" = 1 &&
	rm -rf m-kept/.xenstable/embargo &&
	{ tree_state m-kept; git -C u-kept for-each-ref; } >st-before &&
	test_expect_code 4 "$XENSTABLE" -C m-kept --source u-kept xsa apply 4.16 962 \
		--date "$BEFORE" >out 2>err &&
	test_grep "backports/4.16/.*: a kept bundle under embargo until 2024-06-04 12:00 UTC cannot be read here" err &&
	{ tree_state m-kept; git -C u-kept for-each-ref; } >st-after &&
	test_cmp st-before st-after
'

test_expect_success 'with the member key the kept file is read, and the copy made again' '
	GNUPGHOME=$R_HOME test_expect_code 3 "$XENSTABLE" -C m-kept --source u-kept \
		xsa apply 4.16 962 --date "$BEFORE" >out 2>err &&
	test_grep "refusing to move refs/heads/stable-4.16: embargoed content" err &&
	ls m-kept/.xenstable/embargo >copies2 &&
	test_cmp copies copies2 &&
	test "$(stat -c %a m-kept/.xenstable/embargo/$(cat copies))" = 700
'

test_expect_success 'once the embargo is over the copy goes, and the branch moves' '
	"$XENSTABLE" -C m-kept --source u-kept xsa apply 4.16 962 --date "$AFTER" >out 2>err &&
	test_grep "stable-4.16: .* -> " out &&
	test -z "$(ls m-kept/.xenstable/embargo)"
'

test_expect_success 'a public fix inside an embargoed bundle stays public (the store published it)' '
	cp -a "$RMAINT" m-mix && cp -a "$RUP" u-mix &&
	$FORGE mixed.tar.gz --home "$P_HOME" --key "$P_KEY" --producer producer \
		--base-commit "$BASE" --embargo "$EMBARGO_ISO" --xsa 960 --xsa 962 \
		--patch "$TRASH/xsa-962/xsa962.patch:fix:962" --patch "$P1:prerequisite:960:$PREREQ" \
		--patch "$P2:fix:960:$FIX" >/dev/null &&
	GNUPGHOME=$R_HOME "$XENSTABLE" -C m-mix --source u-mix bundle apply mixed.tar.gz \
		--branch 4.16 --date "$BEFORE" >out 2>err &&
	test_grep "^refs/embargo/4.16/xsa-960-962 created at " out &&
	"$XENSTABLE" -C m-mix --source u-mix xsa apply 4.16 962 --variant xsa962.patch \
		--date "$BEFORE" >out 2>err &&
	test_grep "XSA-962 *applied" out &&
	test_expect_code 3 "$XENSTABLE" -C m-mix --source u-mix bundle apply leak961.tar.gz \
		--branch 4.16 --date "$BEFORE" >out 2>err &&
	test_grep "refusing to move refs/heads/stable-4.16: embargoed content" err
'

test_expect_success 'an unsigned "public" advisory carrying the fix does not make it public' '
	cp -a "$RMAINT" m-uns && cp -a "$RUP" u-uns &&
	mkdir xsa-963 && cp "$P1" xsa-963/xsa963-1.patch && cp "$P2" xsa-963/xsa963-2.patch &&
	xsa_advisory xsa-963 963 1 "" "Not signed" "xsa963-*.patch	xen-unstable - Xen 4.16.x" &&
	XENSTABLE_NOW="$CREATED" "$XENSTABLE" -C m-uns xsa import --allow-unsigned \
		xsa-963/advisory-963.txt >/dev/null 2>&1 &&
	test -d m-uns/xsa/963 &&
	GNUPGHOME=$R_HOME test_expect_code 3 "$XENSTABLE" -C m-uns --source u-uns bundle apply \
		leak961.tar.gz --branch 4.16 --date "$BEFORE" >out 2>err &&
	test_grep "refusing to move refs/heads/stable-4.16: embargoed content .*XSA-960" err
'

test_expect_success 'a bundle made under embargo leaves its producer a private copy: checks need no key' '
	as_producer bundle create --branch 4.16 --xsa 960 --commits stable-4.16..bp-960 \
		--embargo "$EMBARGO" --key "$P_KEY" --encrypt-to "$R_KEY" --no-build >out 2>err &&
	test "$(ls "$PMAINT/.xenstable/embargo" | wc -l)" = 1 &&
	"$XENSTABLE" -C "$PMAINT" --source "$PUP" release 4.16 \
		--date "2024-05-21 10:00" --skip build --skip abi --skip boot --dry-run >out 2>err &&
	test_grep "^  ok   embargo " out
'

test_expect_success 'after the embargo the same bundle applies' '
	cp -a "$RMAINT" m-after && cp -a "$RUP" u-after &&
	GNUPGHOME=$R_HOME "$XENSTABLE" -C m-after --source u-after bundle apply leak961.tar.gz \
		--branch 4.16 --date "$AFTER" >out 2>err &&
	test_grep "^refs/heads/stable-4.16 moved to " out
'

test_done
