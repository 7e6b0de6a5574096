# lib-report.sh: check a status page in headless Chromium (t/0740, t/0720).
#
#	check_page DIR WIDTH NAME    render DIR/index.html at WIDTH px with
#	                             report-check.js; NAME.check holds what it
#	                             found, $ARTIFACTS/NAME.png a screenshot
#	check_filter NAME ROWS       the filter worked on ROWS rows

chromium_run() {
	timeout 180 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$TRASH/chromium-profile" "$@" 2>>"$TRASH/chromium.log"
}

# check_page DIR WIDTH NAME: render DIR/index.html with report-check.js at
# WIDTH px, keep a screenshot, and check what the script found.
check_page() {
	_d=$1 _w=$2 _n=$3
	sed "s|</body>|<script>$(sed 's/[&|\\]/\\&/g' "$TEST_DIR/report-check.js" | tr '\n' ' ')</script></body>|" \
		"$_d/index.html" >"$_d/check.html" &&
	# A frame of exactly WIDTH px: headless windows are at least 500 px wide.
	printf '<!DOCTYPE html><body style="margin:0"><iframe src="%s" style="border:0;width:%spx;height:%s"></iframe></body>\n' \
		check.html "$_w" 900px >"$_d/frame.html" &&
	chromium_run --window-size="$((_w + 100)),900" --hide-scrollbars --allow-file-access-from-files \
		--virtual-time-budget=10000 --dump-dom "file://$_d/frame.html" >"$_n.dom" &&
	sed -n '/<pre id="xs-check">/,/<\/pre>/p' "$_n.dom" >"$_n.check" &&
	grep -v "^LINK\|^EXTERNAL\|^ANCHOR ok" "$_n.check" &&
	test_grep "VIEWPORT $_w\$" "$_n.check" &&
	test_grep ! "^WIDE\|^HSCROLL" "$_n.check" &&
	test_grep ! "ANCHOR missing" "$_n.check" &&
	test_grep ! "^INJECTED [1-9]" "$_n.check" &&
	sed -n "s/^LINK //p" "$_n.check" | sed 's/&amp;/\&/g' >"$_n.links" &&
	while read -r _l; do
		test -e "$_d/$_l" || { echo "dangling link: $_l"; return 1; }
	done <"$_n.links" &&
	mkdir -p "$ARTIFACTS" &&
	sed "s|check.html|index.html|; s|height:900px|height:2000px|" "$_d/frame.html" >"$_d/shot.html" &&
	chromium_run --window-size="$_w,2000" --hide-scrollbars \
		--screenshot="$ARTIFACTS/$_n.png" "file://$_d/shot.html" &&
	rm -f "$_d/check.html" "$_d/frame.html" "$_d/shot.html" &&
	test -s "$ARTIFACTS/$_n.png"
}

# check_filter NAME ROWS: the filter hides all rows but one and shows them again.
check_filter() {
	test_grep "^FILTER shown" "$1.check" &&
	test_grep "^ROWS $2 $2\$" "$1.check" &&
	test_grep "^FILTER-ONE 1 1 visible" "$1.check" &&
	test_grep "^FILTER-CLEAR $2\$" "$1.check" &&
	test_grep "^TOGGLE [a-z-]* [0-9]* bad 0\$" "$1.check" &&
	test_grep "^TOGGLE-ALL $2\$" "$1.check"
}

