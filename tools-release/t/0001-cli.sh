#!/bin/sh
test_description='command line: dispatch, help, usage errors, exit codes'
. ./test-lib.sh

MAINT=$TRASH/maint

test_expect_success 'set up a maintenance repository' '
	make_maint_repo "$MAINT" &&
	test_path_is_dir "$MAINT/branches"
'

test_expect_success '--version and the version command agree' '
	"$XENSTABLE" --version >a &&
	"$XENSTABLE" version >b &&
	test_cmp a b &&
	test_grep "^xenstable [0-9]" a
'

test_expect_success 'help lists every command' '
	"$XENSTABLE" help >out &&
	test_grep "support" out &&
	test_grep "upstream" out
'

test_expect_success 'every command answers --help and help COMMAND the same way' '
	for c in $("$XENSTABLE" help | sed -n "/^commands:/,/^$/p" | awk "NR>1 && NF {print \$1}"); do
		xs $c --help >h1 || { echo "$c --help failed"; return 1; }
		xs help $c >h2 || { echo "help $c failed"; return 1; }
		test_cmp h1 h2 || return 1
		# help has no usage of its own: the global one names it.
		case $c in
		help) grep -q "^       xenstable --version | help \[COMMAND\]" h1 ;;
		*) grep -q "^usage: xenstable $c" h1 ;;
		esac || { echo "$c: no usage line"; cat h1; return 1; }
	done
'

test_expect_success 'an unknown command is a usage error (exit 2)' '
	test_expect_code 2 "$XENSTABLE" frobnicate 2>err &&
	test_grep "not a xenstable command" err
'

test_expect_success 'an unknown option is a usage error (exit 2)' '
	test_expect_code 2 xs support --frobnicate 2>err &&
	test_grep "unknown option" err &&
	test_expect_code 2 "$XENSTABLE" --frobnicate support 2>err &&
	test_expect_code 2 xs version --frobnicate 2>err &&
	test_grep "unknown option" err &&
	test_expect_code 2 xs version extra 2>err &&
	test_grep "unexpected argument .extra." err
'

test_expect_success 'a directory that is not a maintenance repository is an environment error (exit 4)' '
	mkdir empty &&
	test_expect_code 4 "$XENSTABLE" -C empty support 2>err &&
	test_grep "not a xenstable maintenance repository" err
'

test_expect_success 'a missing source repository names what to do (exit 4)' '
	test_expect_code 4 xs support --import stable-4.19 2>err &&
	test_grep "make upstream" err
'

test_expect_success 'writing to a closed pipe is not an error' '
	xs support --date 2026-11-21 | head -1 >out &&
	test_grep "Support matrix" out
'

test_expect_success 'a full disk on stdout is reported (exit 4)' '
	if test -w /dev/full; then
		test_expect_code 4 xs support >/dev/full 2>err &&
		test_grep "cannot write standard output" err
	fi
'

test_done
