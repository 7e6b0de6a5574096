#!/bin/sh
test_description='names resolved exactly: a tag with a maintained branch'"'"'s short name is not the branch'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"
. "$TEST_DIR/lib-samples.sh"

D=2026-11-21
NOW="2026-11-21 12:00"
export XENSTABLE_NOW="$NOW"

test_expect_success 'set up: the samples; a tag stable-4.19 on a commit with every public fix' '
	setup_reference &&
	xsa_samples_import &&
	# A private ref (the embargoed XSA-905 may go only there), then the tag.
	xs xsa apply 4.19 --to refs/embargo/fixed-4.19 --date $D >out &&
	test_grep "XSA-901 *applied" out &&
	git -C "$UPSTREAM" tag stable-4.19 refs/embargo/fixed-4.19 &&
	git -C "$UPSTREAM" update-ref -d refs/embargo/fixed-4.19 &&
	test "$(git -C "$UPSTREAM" rev-parse refs/tags/stable-4.19)" != \
		"$(git -C "$UPSTREAM" rev-parse refs/heads/stable-4.19)" &&
	git -C "$UPSTREAM" rev-parse stable-4.19 >short 2>/dev/null &&
	test "$(cat short)" = "$(git -C "$UPSTREAM" rev-parse refs/tags/stable-4.19)"
'

test_expect_success 'xsa status reads the branch: pending, and --check fails' '
	test_expect_code 1 xs xsa status 4.19 --date $D --check >out 2>err &&
	test_grep "^901 .* pending" out &&
	test_grep "public XSA fixes are pending" err &&
	xs xsa status 4.19 --date $D --json >st.json &&
	python3 - st.json "$(git -C "$UPSTREAM" rev-parse refs/heads/stable-4.19)" <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["branches"][0]["tip"] == sys.argv[2], d["branches"]
	PY
'

test_expect_success 'xsa apply reads the branch: the fixes are to be applied, not "in already"' '
	xs xsa apply 4.19 --date $D --dry-run >out &&
	test_grep "XSA-901 *would-apply" out &&
	! grep "already" out
'

test_expect_success 'the release preflight does not say every public XSA is applied' '
	test_expect_code 1 xs release 4.19 --date "$NOW" --dry-run >plan 2>err &&
	test_grep "FAIL xsa .*public XSAs not applied to 4.19: XSA-901" plan &&
	! grep "every public XSA" plan
'

test_expect_success 'xsa export reads the branch, not the tag' '
	xs xsa export 4.19 q19 >out &&
	test_grep "0 XSA patches since RELEASE-4.19.2" out &&
	! test -s q19/series
'

test_expect_success 'a branches/ conf that names the full ref works the same; a tag is refused' '
	sed -i "s|^\(\s*ref = \).*|\1refs/heads/stable-4.19|" "$MAINT/branches/4.19.conf" &&
	test_expect_code 1 xs xsa status 4.19 --date $D --check >out 2>err &&
	test_grep "^901 .* pending" out &&
	sed -i "s|^\(\s*ref = \).*|\1refs/tags/stable-4.19|" "$MAINT/branches/4.19.conf" &&
	test_expect_code 3 xs xsa status 4.19 --date $D 2>err &&
	test_grep "branches/4.19.conf:[0-9]*: ref .refs/tags/stable-4.19. is not under refs/heads/" err
'

test_done
