#!/bin/sh
test_description='make install: the installed xenstable works outside a checkout, upstream init included'
. ./test-lib.sh

test_expect_success 'set up: the reference upstream of a checkout, to compare with' '
	setup_reference
'

test_expect_success 'make install DESTDIR=... PREFIX=/usr puts the program, its docs and its data in place' '
	make -s -C "$PROJECT_ROOT" install DESTDIR="$TRASH/stage" PREFIX=/usr >out 2>&1 &&
	S=$TRASH/stage/usr &&
	test -x "$S/bin/xenstable" &&
	test_path_is_file "$S/share/man/man1/xenstable.1" &&
	test_path_is_file "$S/share/bash-completion/completions/xenstable" &&
	test_path_is_file "$S/share/xenstable/upstream/plan" &&
	test_path_is_dir "$S/share/xenstable/upstream/patches" &&
	test_path_is_file "$S/share/xenstable/upstream/top/Makefile" &&
	test_path_is_file "$S/share/xenstable/hypervisor/Makefile" &&
	test_path_is_dir "$S/share/xenstable/toolstack" &&
	test_path_is_missing "$S/share/xenstable/toolstack/abi"
'

# A maintenance repository that is not a checkout of xenstable: its
# branches, its MAINTAINERS, nothing of the program.
test_expect_success 'a maintenance repository with no tools-release/, hypervisor/ or toolstack/' '
	mkdir lone && cp -a "$MAINT/branches" "$MAINT/MAINTAINERS" lone/ &&
	mkdir -p lone/.xenstable && cp "$MAINT/.xenstable/MAINTAINERS.local" lone/.xenstable/ &&
	git -C lone init -q && git -C lone add -A && git -C lone commit -q -m lone &&
	test_path_is_missing lone/tools-release
'

test_expect_success 'the installed program runs from elsewhere; upstream init builds the very same upstream' '
	X=$TRASH/stage/usr/bin/xenstable &&
	(cd / && "$X" --version) >v && test_grep "^xenstable " v &&
	(cd / && "$X" -C "$TRASH/lone" upstream init "$TRASH/up" --key "$RM_KEY") >out 2>err &&
	test_grep "reference upstream ready" out &&
	for r in master stable-4.16 stable-4.19 stable-4.22 RELEASE-4.19.2^{commit} RELEASE-4.22.0^{commit}; do
		test "$(git -C up rev-parse "$r")" = "$(git -C "$UPSTREAM" rev-parse "$r")" || return 1
	done &&
	git -C up verify-tag RELEASE-4.19.2 2>/dev/null &&
	(cd / && "$X" -C "$TRASH/lone" --source "$TRASH/up" release --due --date 2026-11-21) >due &&
	test_grep "^  4.19   due " due
'

test_expect_success 'PREFIX alone, and XENSTABLE_DATA to point elsewhere; none found is exit 4 saying where it looked' '
	make -s -C "$PROJECT_ROOT" install PREFIX="$TRASH/prefix" >out 2>&1 &&
	(cd / && "$TRASH/prefix/bin/xenstable" -C "$TRASH/lone" upstream init "$TRASH/up2") >out 2>err &&
	test "$(git -C up2 rev-parse stable-4.19)" = "$(git -C "$UPSTREAM" rev-parse stable-4.19)" &&
	mkdir -p bare/bin && cp "$TRASH/prefix/bin/xenstable" bare/bin/ &&
	(cd / && XENSTABLE_DATA="$TRASH/prefix/share/xenstable" "$TRASH/bare/bin/xenstable" \
		-C "$TRASH/lone" upstream init "$TRASH/up3") >out 2>err &&
	test "$(git -C up3 rev-parse master)" = "$(git -C "$UPSTREAM" rev-parse master)" &&
	(cd / && test_expect_code 4 "$TRASH/bare/bin/xenstable" -C "$TRASH/lone" upstream init \
		"$TRASH/up4") 2>err &&
	test_grep "no reference tree: .*lone has no tools-release/upstream/plan" err
'

test_done
