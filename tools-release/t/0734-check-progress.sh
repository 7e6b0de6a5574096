#!/bin/sh
test_description='make check: a line per finished script with its time, the skip list with what enables it, the summary line CI reads'
. ./test-lib.sh

# A copy of the runner beside three small scripts (never the real suite:
# its results and trash would be those of the run this test is part of).
test_expect_success 'a runner with three scripts: one passes, one skips, one fails' '
	mkdir -p tt &&
	cp "$TEST_DIR/run-tests.sh" "$TEST_DIR/run-one.sh" "$TEST_DIR/test-lib.sh" \
		"$TEST_DIR/lib-gpg.sh" "$TEST_DIR/lib-fixture.sh" "$TEST_DIR/lib-release.sh" tt/ &&
	cat >tt/0001-pass.sh <<-\EOS &&
	test_description="passes"
	. ./test-lib.sh
	test_expect_success "one" "true"
	test_expect_success "two" "sleep 1"
	test_done
	EOS
	cat >tt/0002-skip.sh <<-\EOS &&
	test_description="skips without a real xen.git"
	. ./test-lib.sh
	test_expect_success "here" "true"
	test_expect_success REAL_XEN "a real tag verifies" "true"
	test_done
	EOS
	cat >tt/0003-fail.sh <<-\EOS &&
	test_description="fails"
	. ./test-lib.sh
	test_expect_success "bad" "false"
	test_done
	EOS
	(unset XS_REAL_XEN T XS_TEST_KEEP; JOBS=2 UNIT_TESTS= sh tt/run-tests.sh) >out 2>&1;
	echo $? >rc &&
	test "$(cat rc)" -eq 1
'

test_expect_success 'one progress line per finished script, with its time' '
	test_grep "^running 3 end-to-end scripts, 2 at a time" out &&
	test_grep "^ok   0001-pass  *2 passed   0 failed   0 skipped  *[0-9][0-9]*s$" out &&
	test_grep "^ok   0002-skip  *1 passed   0 failed   1 skipped  *[0-9]*s$" out &&
	test_grep "^FAIL 0003-fail  *0 passed   1 failed   0 skipped  *[0-9]*s$" out
'

test_expect_success 'the skip list says what was skipped and the variable that enables it' '
	sed -n "/^skipped (1):/,/^\$/p" out >skips &&
	test_grep "^  0002-skip: 1 (set XS_REAL_XEN to a clone of xen.git .* to run them)$" skips &&
	test_grep "^      a real tag verifies$" skips
'

test_expect_success 'the last line is exactly "N passed, N failed, N skipped"' '
	test "$(tail -n 1 out)" = "3 passed, 1 failed, 1 skipped" &&
	progress=$(grep -n "^FAIL 0003-fail" out | cut -d: -f1) &&
	summary=$(grep -n "^=== 0003-fail ===" out | cut -d: -f1) &&
	test "$progress" -lt "$summary"
'

test_done
