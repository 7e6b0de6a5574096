#!/bin/sh
test_description='make demo: the whole story runs, starts clean, and ends saying where to look'
. ./test-lib.sh

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
		 "Bob receives it" "Monthly releases" "A distro verifies a release" "The status page"; do
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
	git -C demo-out/bob/upstream log --format=%B -1 stable-4.16 >msg &&
	test_grep "XSA-905" msg &&
	test_grep "The tampered advisory\|sha256 mismatch" demo-out/log.txt
'

test_done
