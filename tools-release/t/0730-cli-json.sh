#!/bin/sh
test_description='--json before or after the command; every JSON output has its shape in the man page; no silent text'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"

D="2026-11-21 10:00"
MAN=$TOOLS_DIR/xenstable.1
SHAPE="python3 $TEST_DIR/check-json-shape.py $MAN"

# both NAME ARGS...: "xs --json ARGS" and "xs ARGS --json" give the same
# JSON, of the shape the man page gives for NAME.
both() {
	_name=$1
	shift
	xs --json "$@" >before.json 2>before.err &&
	xs "$@" --json >after.json 2>after.err &&
	python3 -c "import json, sys; json.load(open(sys.argv[1])); json.load(open(sys.argv[2]))" \
		before.json after.json &&
	test_cmp before.json after.json &&
	$SHAPE "$_name" after.json
}

test_expect_success 'set up: the reference upstream, an advisory, a release' '
	setup_reference &&
	XSA_KEY=$(xsa_make_key) &&
	trust_key "$MAINT" "$XSA_KEY" advisory &&
	make_xsa 950 "xen-unstable - Xen 4.17.x" "xen/memory: avoid overflow" \
		hypervisor/common/memory.c "s/d->max_pages )/d->max_pages ) \/* 950 *\//" &&
	xs xsa import xsa-950 >/dev/null &&
	am_on stable-4.19 "$TRASH/xsa-950/xsa950.patch" &&
	xs release 4.19 --date "$D" --skip build --skip abi --skip boot >/dev/null 2>&1
'

test_expect_success 'read-only commands: the same JSON either side, the documented shape' '
	both support support --date 2026-11-21 &&
	both "release --due" release --due --date "$D" &&
	both "xsa list" xsa list --date "$D" &&
	both "xsa show" xsa show 950 &&
	both "xsa status" xsa status --date "$D" &&
	xs --json xsa apply 4.18 --dry-run --date "$D" >a1.json &&
	xs xsa apply 4.18 --dry-run --date "$D" --json >a2.json &&
	$SHAPE "xsa apply" a1.json && $SHAPE "xsa apply" a2.json &&
	xs --json xsa export 4.19 "$TRASH/exp1" --since RELEASE-4.19.2 >e1.json &&
	xs xsa export 4.19 "$TRASH/exp2" --since RELEASE-4.19.2 --json >e2.json &&
	$SHAPE "xsa export" e1.json && $SHAPE "xsa export" e2.json &&
	both verify verify RELEASE-4.19.3 &&
	both "bundle list" bundle list &&
	both version version
'

test_expect_success 'build, boot-check, abi and tarball: valid JSON of the documented shape, either side' '
	xs build RELEASE-4.19.2 --json >b.json 2>/dev/null &&
	$SHAPE build b.json &&
	xs --json build RELEASE-4.19.2 >b2.json 2>/dev/null && $SHAPE build b2.json &&
	xs abi dump RELEASE-4.19.2 --json >ad.json 2>/dev/null && $SHAPE "abi dump" ad.json &&
	xs abi check 4.20 --json >ac.json 2>/dev/null && $SHAPE "abi check" ac.json &&
	"$XENSTABLE" -C "$MAINT" tarball RELEASE-4.19.2 -o t.tar.gz --json >t.json &&
	$SHAPE tarball t.json &&
	"$XENSTABLE" -C "$MAINT" tarball --check t.tar.gz RELEASE-4.19.2 --json >tc.json &&
	$SHAPE "tarball --check" tc.json
'

test_expect_success QEMU 'boot-check --json after the command' '
	xs boot-check RELEASE-4.19.2 --json >bc.json 2>/dev/null &&
	$SHAPE boot-check bc.json
'

test_expect_success 'a command or mode without JSON output refuses --json (exit 2), either side, and does nothing' '
	for args in "report --html $TRASH/page" "xsa import xsa-950" "xsa index" \
		    "xsa mark 950 4.16 not-affected --reason x" "upstream init $TRASH/up2" \
		    "release 4.18 --date 2026-11-21" "release --all-due --date 2026-11-21" \
		    "support --write" "support --check" "help" "bundle create --branch 4.19 --xsa 950 --commits a..b"; do
		test_expect_code 2 xs $args --json >out 2>err &&
		test_grep "has no JSON output" err &&
		test_expect_code 2 xs --json $args >out 2>err &&
		test_grep "has no JSON output" err &&
		test ! -s out || return 1
	done &&
	test_path_is_missing page && test_path_is_missing up2 &&
	git -C "$UPSTREAM" rev-parse -q --verify RELEASE-4.18.2 >/dev/null; test $? -ne 0
'

test_expect_success 'every command whose --help offers --json has its shape in the man page, and back' '
	$SHAPE --list >documented &&
	for c in support release build boot-check tarball verify version \
		 "xsa list" "xsa show" "xsa status" "xsa apply" "xsa export" \
		 "xsa import" "xsa mark" "xsa index" "abi dump" "abi check" \
		 "bundle list" "bundle verify" "bundle create" "bundle apply" report upstream; do
		if "$XENSTABLE" $c --help 2>/dev/null | grep -q -- "--json"; then
			grep -q "^$c" documented || { echo "$c: --json, but no shape in the man page"; return 1; }
		else
			! grep -q "^$c\$" documented || { echo "$c: documented, but --help has no --json"; return 1; }
		fi
	done
'

test_done
