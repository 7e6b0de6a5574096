#!/bin/sh
test_description='branch files and the support matrix'
. ./test-lib.sh

MAINT=$TRASH/maint

test_expect_success 'set up' '
	make_maint_repo "$MAINT"
'

test_expect_success 'status of every branch on 2026-11-21' '
	xs support --date 2026-11-21 >out &&
	test_grep "^4.16 .* eol$" out &&
	test_grep "^4.17 .* security-only$" out &&
	test_grep "^4.18 .* security-only$" out &&
	test_grep "^4.19 .* security-only$" out &&
	test_grep "^4.20 .* supported$" out &&
	test_grep "^4.21 .* supported$" out &&
	test_grep "^4.22 .* supported$" out
'

test_expect_success 'the JSON form carries the documented fields' '
	xs --json support --date 2026-11-21 >out.json &&
	python3 - out.json <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["date"] == "2026-11-21", d
	st = {b["branch"]: b["status"] for b in d["branches"]}
	assert st == {"4.16": "eol", "4.17": "security-only", "4.18": "security-only",
	              "4.19": "security-only", "4.20": "supported", "4.21": "supported",
	              "4.22": "supported"}, st
	b = [b for b in d["branches"] if b["branch"] == "4.19"][0]
	assert b["ref"] == "stable-4.19"
	assert b["initial_release"] == "2024-07-29"
	assert b["supported_until"] == "2026-01-29"
	assert b["security_support_until"] == "2029-07-29"
	PY
'

test_expect_success 'boundaries: the last day of support is still supported' '
	xs support --date 2026-01-29 >out &&
	test_grep "^4.19 .* supported$" out &&
	xs support --date 2026-01-30 >out &&
	test_grep "^4.19 .* security-only$" out &&
	xs support --date 2026-07-29 >out &&
	test_grep "^4.22 .* unreleased$" out
'

test_expect_success 'a bad --date is a usage error' '
	test_expect_code 2 xs support --date 2026-02-30 2>err &&
	test_grep "expected YYYY-MM-DD" err
'

test_expect_success 'a malformed branch file: exit 3, file and line named' '
	cp -r "$MAINT" bad1 &&
	sed -i "s/supported-until = 2026-01-29/supported-until = 2026-01-32/" bad1/branches/4.19.conf &&
	test_expect_code 3 "$XENSTABLE" -C bad1 support 2>err &&
	test_grep "branches/4.19.conf:7: supported-until .2026-01-32. is not a date" err
'

test_expect_success 'a syntax error in a branch file names file and line' '
	cp -r "$MAINT" bad2 &&
	printf "[branch\n" >>bad2/branches/4.20.conf &&
	test_expect_code 3 "$XENSTABLE" -C bad2 support 2>err &&
	test_grep "branches/4.20.conf:12:" err
'

test_expect_success 'an unknown key or section is refused, not ignored' '
	cp -r "$MAINT" bad3 &&
	printf "\tsecurity-suport-until = 2030-01-01\n" >>bad3/branches/4.21.conf &&
	test_expect_code 3 "$XENSTABLE" -C bad3 support 2>err &&
	test_grep "branches/4.21.conf:12: unknown key .branch.security-suport-until." err &&
	cp -r "$MAINT" bad4 &&
	printf "[bulid]\n\tx = y\n" >>bad4/branches/4.21.conf &&
	test_expect_code 3 "$XENSTABLE" -C bad4 support 2>err &&
	test_grep "unknown section \[bulid\]" err
'

test_expect_success 'dates out of order are refused' '
	cp -r "$MAINT" bad5 &&
	sed -i "s/security-support-until = 2029-07-29/security-support-until = 2025-07-29/" bad5/branches/4.19.conf &&
	test_expect_code 3 "$XENSTABLE" -C bad5 support 2>err &&
	test_grep "dates out of order" err
'

test_expect_success 'a version that does not match the file name is refused' '
	cp -r "$MAINT" bad6 &&
	sed -i "s/version = 4.19/version = 4.18/" bad6/branches/4.19.conf &&
	test_expect_code 3 "$XENSTABLE" -C bad6 support 2>err &&
	test_grep "does not match the file name" err
'

test_expect_success 'SUPPORT.md is up to date with the branch files' '
	xs support --check
'

test_expect_success '--check notices a stale table and --write fixes it' '
	cp -r "$MAINT" stale &&
	sed -i "s/cadence = monthly/cadence = on-xsa/" stale/branches/4.22.conf &&
	test_expect_code 1 "$XENSTABLE" -C stale support --check 2>err &&
	test_grep "out of date" err &&
	"$XENSTABLE" -C stale support --write &&
	"$XENSTABLE" -C stale support --check &&
	test_grep "| 4.22 | .stable-4.22. | 2026-07-30 | 2029-07-30 | 2031-07-30 | on-xsa |" stale/SUPPORT.md
'

make_source_with_support() {
	git init -q src &&
	cat >src/SUPPORT.md <<-\EOF &&
	% Support statement for this release

	# Release Support

	    Xen-Version: 4.23
	    Initial-Release: 2027-03-01
	    Supported-Until: 2030-03-01
	    Security-Support-Until: 2032-03-01

	# Feature Support
	EOF
	git -C src add SUPPORT.md &&
	git -C src commit -q -m support &&
	git -C src branch stable-4.23 &&
	sed -i "s/Security-Support-Until: 2032-03-01/Security-Support-Until: 2032-09-01/" src/SUPPORT.md &&
	git -C src commit -q -am "extend security support" &&
	git -C src branch stable-4.23-later &&
	sed -i "s/Initial-Release: 2027-03-01/Initial-Release: n\/a/" src/SUPPORT.md &&
	git -C src commit -q -am "master" &&
	git -C src branch unreleased
}

test_expect_success 'support --import creates a branch file from SUPPORT.md' '
	make_source_with_support &&
	xs --source src support --import stable-4.23 >out &&
	test_grep "branches/4.23.conf: imported 4.23" out &&
	test_grep "ref = stable-4.23" "$MAINT/branches/4.23.conf" &&
	xs support --date 2027-03-01 >out &&
	test_grep "^4.23 .* supported$" out
'

test_expect_success 'support --import updates dates and keeps everything else' '
	printf "# local note\n[abi]\n\tallow-soname-change = false\n" >>"$MAINT/branches/4.23.conf" &&
	xs --source src support --import stable-4.23-later &&
	test_grep "security-support-until = 2032-09-01" "$MAINT/branches/4.23.conf" &&
	test_grep "# local note" "$MAINT/branches/4.23.conf" &&
	test_grep "allow-soname-change = false" "$MAINT/branches/4.23.conf" &&
	xs --source src support --import stable-4.23-later 2>err &&
	test_grep "up to date" err
'

test_expect_success 'support --import refuses an unreleased branch (exit 3) and writes nothing' '
	cp "$MAINT/branches/4.23.conf" before &&
	test_expect_code 3 xs --source src support --import unreleased 2>err &&
	test_grep "not released yet" err &&
	test_cmp before "$MAINT/branches/4.23.conf"
'

test_expect_success 'support --import of a ref with no SUPPORT.md is input error' '
	test_expect_code 3 xs --source src support --import no-such-branch 2>err &&
	test_grep "no such file" err
'

test_done
