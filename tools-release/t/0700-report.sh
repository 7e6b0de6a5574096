#!/bin/sh
test_description='report: the static status page, rendered in headless Chromium'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"

D="2026-11-21 10:00"
ARTIFACTS=$TEST_DIR/artifacts

chromium_run() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$TRASH/chromium-profile" "$@" 2>>"$TRASH/chromium.log"
}

test_expect_success 'set up: the reference upstream, two advisories, one applied on 4.19, a release' '
	setup_reference &&
	XSA_KEY=$(xsa_make_key) &&
	trust_key "$MAINT" "$XSA_KEY" advisory &&
	# the RELEASE tags of the reference upstream stand for upstream ones (history rows)
	trust_key "$MAINT" "$RM_KEY" advisory &&
	make_xsa 950 "xen-unstable - Xen 4.17.x" "xen/memory: avoid overflow in increase_reservation" \
		hypervisor/common/memory.c \
		"s/if ( d->tot_pages + r->nr_extents > d->max_pages )/if ( r->nr_extents > d->max_pages - d->tot_pages )/" &&
	make_xsa 951 "xen-unstable - Xen 4.20.x" "toolstack/xl: a test fix" README "s/^/ /" &&
	xs xsa import xsa-950 xsa-951 &&
	am_on stable-4.19 "$TRASH/xsa-950/xsa950.patch" &&
	xs release 4.19 --date "$D" --skip build --skip abi --skip boot >/dev/null 2>&1
'

test_expect_success 'report --html writes a self-contained page' '
	xs report --html page --date "$D" >out &&
	test_grep "status page: page/index.html" out &&
	test_path_is_file page/index.html &&
	test_path_is_file page/xsa/advisory-950.txt &&
	test_grep ! "<script[^>]*src=" page/index.html &&
	test_grep ! "<link" page/index.html &&
	test_grep ! "src=\"http" page/index.html &&
	test_grep ! "href=\"http[^\"]*\.css" page/index.html
'

test_expect_success CHROMIUM 'Chromium renders it: matrix cells, timeline and releases' '
	chromium_run --dump-dom "file://$TRASH/page/index.html" >dom.html &&
	test_grep "<svg id=\"timeline\"" dom.html &&
	test_grep "<line id=\"today\"" dom.html &&
	grep -o "data-state=\"[a-z-]*\" data-branch=\"4.19\" data-xsa=\"950\"" dom.html >c1 &&
	test_grep "applied" c1 &&
	grep -o "data-state=\"[a-z-]*\" data-branch=\"4.18\" data-xsa=\"950\"" dom.html >c2 &&
	test_grep "pending" c2 &&
	grep -o "data-state=\"[a-z-]*\" data-branch=\"4.19\" data-xsa=\"951\"" dom.html >c3 &&
	test_grep "not-affected" c3 &&
	grep -o "data-state=\"[a-z-]*\" data-branch=\"4.16\" data-xsa=\"950\"" dom.html >c4 &&
	test_grep "needs-backport" c4 &&
	# 2 stored advisories and 4 history rows (XSA-930..933: the reference
	# upstream says "This is XSA-N" under its verified RELEASE tags), 7 branches.
	test "$(grep -o "class=\"cell st-" dom.html | wc -l)" -eq 42 &&
	test "$(grep -c "no advisory stored: from the source history" dom.html)" -eq 4 &&
	test_grep "data-branch=\"4.16\" data-status=\"eol\"" dom.html &&
	test_grep "data-branch=\"4.22\" data-status=\"supported\"" dom.html &&
	test_grep "RELEASE-4.19.3" dom.html
'

test_expect_success CHROMIUM 'a screenshot is kept as a test artifact' '
	mkdir -p "$ARTIFACTS" &&
	chromium_run --window-size=1280,1400 --screenshot="$ARTIFACTS/report.png" \
		"file://$TRASH/page/index.html" &&
	test -s "$ARTIFACTS/report.png" &&
	test "$(head -c 8 "$ARTIFACTS/report.png" | od -An -tx1 | tr -d " \n")" = "89504e470d0a1a0a"
'

test_expect_success 'the page says when there is no source repository' '
	"$XENSTABLE" -C "$MAINT" --source "$TRASH/nowhere" report --html page2 2>err &&
	test_grep "no source repository" err &&
	test_grep "No source repository or XSA store" page2/index.html
'

test_done
