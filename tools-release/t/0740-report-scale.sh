#!/bin/sh
test_description='report at scale: hundreds of XSAs, checked in headless Chromium at 1400 and 400 px'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"

D="2026-11-21 10:00"
ARTIFACTS=$TEST_DIR/artifacts/0740
NR=${XS_REPORT_XSAS:-300}

. "$TEST_DIR/lib-report.sh"

test_expect_success 'set up: advisories on the reference upstream, a release of 4.19' '
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
	xs release 4.19 --date "$D" --skip build --skip abi --skip boot >/dev/null 2>&1 &&
	xs report --html small --date "$D" >out
'

test_expect_success CHROMIUM 'the small page at 1400 px: nothing too wide, links resolve, filter works' '
	check_page "$TRASH/small" 1400 small-1400 &&
	check_filter small-1400 6
'

test_expect_success CHROMIUM 'the small page at 400 px' '
	check_page "$TRASH/small" 400 small-400 &&
	check_filter small-400 6
'

test_expect_success 'releases link their files, name the signer and explain the tar stream' '
	test_grep "href=\"../maint/dist/4.19.3/xen-4.19.3.tar.gz\"" small/index.html &&
	test_grep "href=\"../maint/dist/4.19.3/xen-4.19.3.tar.gz.sig\"" small/index.html &&
	test_grep "href=\"../maint/dist/4.19.3/SHA256SUMS.asc\"" small/index.html &&
	test_grep "href=\"../maint/dist/4.19.3/release.json\"" small/index.html &&
	test_grep "Signed by Test Signer" small/index.html &&
	test_grep "git archive --format=tar --prefix=xen-4.19.3/ RELEASE-4.19.3 | sha256sum" small/index.html &&
	test_grep "advisory-950.html\">XSA-950</a> xen/memory" small/index.html &&
	test_grep "4.19</b>: 3 XSAs fixed since 4.19.0" small/index.html
'

test_expect_success 'hundreds of signed advisories across ten years' '
	mkdir -p many &&
	git -C "$UPSTREAM" show master:README >README.b &&
	sed "\$d" README.b >README.a &&
	{ diff -u --label a/README --label b/README README.a README.b >present.patch; test $? = 1; } &&
	python3 "$TEST_DIR/report-many-xsas.py" many "$NR" "$TRASH/xsa-950/xsa950.patch" \
		"$TRASH/xsa-951/xsa951.patch" present.patch &&
	for f in many/advisory-*.txt; do xsa_sign "$f" || return 1; done &&
	xs xsa import many/xsa.json >/dev/null &&
	xs xsa import many >import.out 2>import.err &&
	xs report --html big --date "$D" >out &&
	test "$(ls big/xsa | wc -l)" -eq $((NR + 2)) &&
	size=$(wc -c <big/index.html) &&
	echo "page of $NR XSAs: $size bytes" &&
	test "$size" -lt 1000000 &&
	test_grep "<details class=\"year\" data-year=\"2016\">" big/index.html &&
	test_grep "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;" big/index.html
'

test_expect_success CHROMIUM 'the big page at 1400 px' '
	check_page "$TRASH/big" 1400 big-1400 &&
	check_filter big-1400 $((NR + 6))
'

test_expect_success CHROMIUM 'the big page at 400 px' '
	check_page "$TRASH/big" 400 big-400 &&
	check_filter big-400 $((NR + 6))
'

test_expect_success CHROMIUM 'print to PDF' '
	chromium_run --no-pdf-header-footer --print-to-pdf="$ARTIFACTS/big.pdf" \
		"file://$TRASH/big/index.html" &&
	test "$(head -c 5 "$ARTIFACTS/big.pdf")" = "%PDF-"
'

test_done
