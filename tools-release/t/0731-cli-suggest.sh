#!/bin/sh
test_description='an unknown command, sub-command or branch: the likely one, and the maintained branches'
. ./test-lib.sh

test_expect_success 'set up' '
	setup_reference
'

test_expect_success 'an unknown command suggests the closest one (exit 2)' '
	test_expect_code 2 xs relase 4.19 2>err &&
	test_grep "error: .relase. is not a xenstable command; did you mean .release.?" err &&
	test_expect_code 2 xs verfy RELEASE-4.19.2 2>err &&
	test_grep "did you mean .verify.?" err &&
	test_expect_code 2 xs help relese 2>err &&
	test_grep "did you mean .release.?" err &&
	test_expect_code 2 xs zzzzzz 2>err &&
	test_grep "is not a xenstable command (every command: .*help)" err &&
	test_grep ! "did you mean" err
'

test_expect_success 'an unknown sub-command too' '
	test_expect_code 2 xs xsa stauts 2>err &&
	test_grep "error: .stauts. is not an xsa subcommand; did you mean .status.?" err &&
	test_expect_code 2 xs bundle lst 2>err &&
	test_grep "did you mean .list.?" err &&
	test_expect_code 2 xs abi chek 2>err &&
	test_grep "did you mean .check.?" err
'

test_expect_success 'an unknown branch lists the maintained ones, and the likely one' '
	list="4.16, 4.17, 4.18, 4.19, 4.20, 4.21, 4.22" &&
	test_expect_code 3 xs release 4.199 >out 2>err &&
	test_grep "no maintained branch .4.199.; did you mean .4.19.? (maintained: $list; see branches/\*.conf)" err &&
	test_expect_code 3 xs xsa status stable-4.200 2>err &&
	test_grep "no maintained branch .stable-4.200.; did you mean .4.20.?" err &&
	test_expect_code 3 xs xsa export 5.0 dir 2>err &&
	test_grep "no maintained branch .5.0. (maintained: $list" err
'

test_done
