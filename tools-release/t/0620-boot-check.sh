#!/bin/sh
test_description='boot-check: the built hypervisor boots and reports exactly the version released'
. ./test-lib.sh

if ! test_have_prereq QEMU; then
	test_expect_success QEMU 'qemu-system-x86_64 is needed' 'true'
	test_done
fi

# new_branch NAME FROM: a branch of $UPSTREAM in a worktree wt-NAME.
new_branch() {
	git -C "$UPSTREAM" worktree add -q -b "$1" "$TRASH/wt-$1" "$2"
}

# Is the process running (a zombie waiting for its reaper is not)?
running() {
	_st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case "$_st" in Z*|"") return 1 ;; esac
	return 0
}

test_expect_success 'set up the reference upstream and a release commit of 4.19.3' '
	setup_reference &&
	new_branch t-release stable-4.19 &&
	(cd wt-t-release &&
	 sed -i "s/^export XEN_EXTRAVERSION ?= .3-pre\$(XEN_VENDORVERSION)$/export XEN_EXTRAVERSION ?= .3\$(XEN_VENDORVERSION)/" \
		hypervisor/Makefile &&
	 git diff --quiet && exit 1;
	 git commit -q -am "update Xen version to 4.19.3")
'

test_expect_success 'the release commit boots as 4.19.3 (the version in its Makefile)' '
	xs boot-check t-release >out 2>err &&
	test_grep "^build: passed in .*: hypervisor built" out &&
	test_grep "^boot-check of t-release passed in .*: booted; the console says Xen version 4.19.3 and the self-test passed$" out &&
	C=$(git -C "$UPSTREAM" rev-parse t-release) &&
	test_grep "^    log: $MAINT/.xenstable/build/$C/boot/console.log$" out &&
	test_grep "(XEN) Xen version 4.19.3 (reference tree)" "$MAINT/.xenstable/build/$C/boot/console.log" &&
	xs boot-check --expect 4.19.3 t-release >out 2>err &&
	test_grep "reusing it" err &&
	test_grep "^boot-check of t-release passed" out
'

test_expect_success 'with the version bump reverted, the boot check of 4.19.3 fails' '
	(cd wt-t-release && git revert --no-edit HEAD >/dev/null) &&
	test_expect_code 1 xs boot-check --expect 4.19.3 t-release >out 2>err &&
	test_grep "^boot-check of t-release failed in .*: the console says Xen version 4.19.3-pre, expected 4.19.3$" out &&
	C=$(git -C "$UPSTREAM" rev-parse t-release) &&
	test_grep "(XEN) Xen version 4.19.3-pre (reference tree)" "$MAINT/.xenstable/build/$C/boot/console.log"
'

test_expect_success 'the previous release does not pass for the next one' '
	test_expect_code 1 xs boot-check --expect 4.19.3 RELEASE-4.19.2 >out 2>err &&
	test_grep "the console says Xen version 4.19.2, expected 4.19.3" out &&
	xs boot-check RELEASE-4.19.2 >out 2>err &&
	test_grep "the console says Xen version 4.19.2 and the self-test passed" out
'

test_expect_success 'a hypervisor whose self-test fails does not pass' '
	new_branch t-selftest stable-4.19 &&
	(cd wt-t-selftest &&
	 sed -i "s/\.nr_extents = 16,/.nr_extents = 17,/" hypervisor/common/hypercall.c &&
	 git diff --quiet && exit 1;
	 git commit -q -am "hypervisor: break the self-test") &&
	test_expect_code 1 xs boot-check t-selftest >out 2>err &&
	test_grep "Xen 4.19.3-pre booted but its hypercall self-test failed" out
'

test_expect_success 'a hypervisor that does not build fails the boot check' '
	new_branch t-broken stable-4.19 &&
	(cd wt-t-broken &&
	 printf "int broken = not_declared_anywhere;\n" >>hypervisor/common/kernel.c &&
	 git commit -q -am "hypervisor: does not compile") &&
	test_expect_code 1 xs boot-check t-broken >out 2>err &&
	test_grep "^boot-check of t-broken failed in .*: the hypervisor of t-broken did not build: hypervisor/common/kernel.c:[0-9]*:[0-9]*: error: .not_declared_anywhere. undeclared" out
'

test_expect_success 'qemu that never ends is stopped at the time limit, children and all' '
	cat >hang-qemu <<-EOF &&
	#!/bin/sh
	sleep 600 &
	echo \$! >"$TRASH/hang-child"
	echo \$\$ >"$TRASH/hang-parent"
	wait
	EOF
	chmod +x hang-qemu &&
	start=$(date +%s) &&
	test_expect_code 1 env XENSTABLE_QEMU="$TRASH/hang-qemu" \
		"$XENSTABLE" -C "$MAINT" boot-check --timeout 2 RELEASE-4.19.2 >out 2>err &&
	end=$(date +%s) &&
	test $((end - start)) -lt 30 &&
	test_grep "no .Xen version. banner on the serial console within 2 s (qemu stopped)" out &&
	test_path_is_file hang-child &&
	! running "$(cat hang-parent)" &&
	! running "$(cat hang-child)"
'

test_expect_success 'a missing qemu is an environment error' '
	test_expect_code 4 env XENSTABLE_QEMU=/nonexistent/qemu-system-x86_64 \
		"$XENSTABLE" -C "$MAINT" boot-check RELEASE-4.19.2 >out 2>err &&
	test_grep "/nonexistent/qemu-system-x86_64 not found: install qemu-system-x86" err
'

test_expect_success '--json gives the build and boot verdicts' '
	"$XENSTABLE" --json -C "$MAINT" boot-check --expect 4.19.2 RELEASE-4.19.2 >out.json &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
assert d[\"build\"][\"status\"] == \"passed\" and d[\"build\"][\"reused\"] is True, d
r = d[\"result\"]
assert r[\"check\"] == \"boot\" and r[\"status\"] == \"passed\", r
assert r[\"logs\"][0].endswith(\"/boot/console.log\")
assert r[\"duration_ms\"] >= 0
"
'

test_expect_success 'usage errors' '
	test_expect_code 2 xs boot-check 2>err &&
	test_expect_code 2 xs boot-check --timeout 0 RELEASE-4.19.2 2>err &&
	test_grep "timeout" err &&
	test_expect_code 2 xs boot-check --expect "" RELEASE-4.19.2 2>err &&
	test_expect_code 3 xs boot-check no-such-ref 2>err &&
	test_grep "no-such-ref: no such revision" err
'

test_done
