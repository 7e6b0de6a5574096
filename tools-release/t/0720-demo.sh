#!/bin/sh
test_description='make demo: the whole story runs, starts clean, and ends saying where to look'
. ./test-lib.sh
. "$TEST_DIR/lib-report.sh"

test_expect_success QEMU 'the demo runs to the end in a clean demo-out/' '
	mkdir -p demo-out/stale && echo old >demo-out/stale/file &&
	DEMO_OUT=$TRASH/demo-out sh "$TOOLS_DIR/demo/demo.sh" >demo.log 2>&1 &&
	test_path_is_missing demo-out/stale &&
	test_grep "^== Where to look" demo.log &&
	test_grep "demo-out/report/index.html" demo.log
'

test_expect_success QEMU 'it told every step, with its headings' '
	for h in "The cast" "The reference upstream" "XSA intake" "The XSA x branch matrix" \
		 "The wrong variant" "Applying every public XSA" "A predisclosure backport bundle for 4.16" \
		 "Bob receives it" "Monthly releases" "A distro verifies a release" \
		 "What the history already knows" "The status page"; do
		grep -q "^== [0-9]*\. $h" demo.log || { echo "missing step: $h"; return 1; }
	done
'

test_expect_success QEMU 'what it made is there and checks out' '
	for v in 4.17.3 4.18.2 4.19.3 4.20.2 4.21.2 4.22.1; do
		(cd demo-out/maint/dist/$v && sha256sum -c --quiet SHA256SUMS) || return 1
	done &&
	test_path_is_file demo-out/report/index.html &&
	ls demo-out/maint/backports/4.16/*.tar.gz.gpg &&
	test_path_is_file demo-out/quilt-4.19/series &&
	test_path_is_file demo-out/osv/XSA-930.json &&
	ls demo-out/maint/dist/4.19.3/XSA-*.osv.json &&
	git -C demo-out/bob/upstream log --format=%B -1 stable-4.16 >msg &&
	test_grep "XSA-905" msg &&
	test_grep "The tampered advisory\|sha256 mismatch" demo-out/log.txt
'

test_expect_success QEMU 'its releases pass a distro'"'"'s checks: xenstable verify, git evtag verify, the README steps' '
	O=$TRASH/demo-out &&
	test_grep "RELEASE-4.19.3: all checks passed" demo.log &&
	RM=$(awk "/^G:.* release /{print \$2; exit}" $O/maint/.xenstable/MAINTAINERS.local) &&
	test ${#RM} = 40 &&
	git clone -q $O/upstream distro-xen &&
	sed -n "/^<!-- distro-check -->\$/,/^<!-- \/distro-check -->\$/p" "$PROJECT_ROOT/README.md" |
		sed -e "/^<!--/d" -e "/^\`\`\`/d" -e "s/^FPR=.*/FPR=$RM/" >check.sh &&
	for v in 4.17.3 4.18.2 4.19.3 4.20.2 4.21.2 4.22.1; do
		"$XENSTABLE" -C $O/maint --source $O/upstream verify RELEASE-$v --dist $O/maint/dist >v.$v ||
			{ cat v.$v; return 1; }
		test_grep "ok   evtag      Git-EVTag-v0-SHA512 matches" v.$v &&
		test_grep "ok   provenance in-toto Statement v1" v.$v &&
		if test_have_prereq GIT_EVTAG; then
			gpg --batch --quiet --import $O/maint/dist/$v/release-key.asc 2>/dev/null &&
			(cd distro-xen && git checkout -q RELEASE-$v && git evtag verify RELEASE-$v) >e.$v 2>&1 &&
			test_grep "^Successfully verified: Git-EVTag-v0-SHA512" e.$v &&
			sed "s/^V=.*/V=$v/" check.sh >check.$v.sh &&
			(cd $O/maint/dist/$v && TMPDIR=$TRASH XEN=$TRASH/distro-xen sh $TRASH/check.$v.sh) >r.$v 2>&1 &&
			test_grep "RELEASE-$v: all checks passed" r.$v
		fi || return 1
	done
'

test_expect_success QEMU 'log.txt holds each command beside its output and exit code' '
	grep "^   \$ " demo.log | sed "s/^   \\$ //" >shown &&
	grep "^\$ " demo-out/log.txt | sed "s/^\\$ //" >logged &&
	test_cmp shown logged &&
	test "$(grep -c "^(exit [0-9]*)$" demo-out/log.txt)" -eq "$(wc -l <logged)" &&
	sed -n "/^\$ .* xsa list --date /,/^(exit/p" demo-out/log.txt >block &&
	test_grep "^905 .* embargoed " block &&
	test_grep "^(exit 0)$" block
'

test_expect_success QEMU 'the output keeps its order: what a command printed before running a child comes first' '
	sed -n "/^\$ .* release 4.19 --date /,/^(exit/p" demo-out/log.txt >rel &&
	a=$(grep -n "^  ok   output " rel | cut -d: -f1) &&
	b=$(grep -n "^making the release commits" rel | cut -d: -f1) &&
	c=$(grep -n "^released 4.19.3" rel | cut -d: -f1) &&
	test -n "$a" && test -n "$b" && test -n "$c" &&
	test "$a" -lt "$b" && test "$b" -lt "$c"
'

test_expect_success QEMU 'commands are shown so that pasting them in demo-out/ runs them as the demo did' '
	test_grep "support --date .2026-11-21 12:00.$" shown &&
	test_grep "^XENSTABLE_NOW=.2026-11-21 12:00. .* bundle create " shown &&
	for pat in " support --date " " xsa list --date "; do
		cmd=$(grep -- "$pat" shown | head -1) &&
		test -n "$cmd" &&
		awk -v c="\$ $cmd" "\$0 == c { p = 1; next } p && /^\\(exit/ { exit } p" \
			demo-out/log.txt >want &&
		test -s want &&
		(cd demo-out && sh -c "$cmd") >got 2>&1 &&
		sed -i "s|$TRASH/demo-out/||g" got &&
		test_cmp want got || return 1
	done
'

test_expect_success QEMU 'bundle list columns line up with long file names' '
	sed -n "/^\$ .* bundle list /,/^(exit/p" demo-out/log.txt | sed "1d;\$d" >bl &&
	test "$(wc -l <bl)" -ge 2 &&
	awk "{ match(\$0, /^[^ ]+ +/); print RLENGTH }" bl | sort -u >cols &&
	test "$(wc -l <cols)" -eq 1
'

test_expect_success QEMU 'the demo page in Chromium at 1400 and 400 px: nothing too wide, links resolve, filter works' '
	if ! test_have_prereq CHROMIUM; then echo "no chromium: not checked"; return 0; fi &&
	ARTIFACTS=$TEST_DIR/artifacts/0720 &&
	rows=$(grep -c "<tr id=\"xsa-" demo-out/report/index.html) &&
	for w in 1400 400; do
		check_page "$TRASH/demo-out/report" $w demo-$w &&
		check_filter demo-$w "$rows" || return 1
	done
'

test_done
