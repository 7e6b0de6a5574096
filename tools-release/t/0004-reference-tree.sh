#!/bin/sh
test_description='the reference tree builds, boots in qemu and reports its version'
. ./test-lib.sh

test_expect_success 'copy the reference tree' '
	cp -r "$PROJECT_ROOT/hypervisor" "$PROJECT_ROOT/toolstack" . &&
	make -s -C hypervisor clean >/dev/null 2>&1; make -s -C toolstack clean >/dev/null 2>&1; true
'

test_expect_success 'the hypervisor builds reproducibly' '
	make -s -C hypervisor >build.log 2>&1 &&
	test_path_is_file hypervisor/xen &&
	test_path_is_file hypervisor/xen.gz &&
	sha256sum <hypervisor/xen.gz >one &&
	make -s -C hypervisor clean >/dev/null && make -s -C hypervisor >/dev/null 2>&1 &&
	sha256sum <hypervisor/xen.gz >two &&
	test_cmp one two
'

test_expect_success 'the toolstack builds a versioned library and xl' '
	make -s -C toolstack >>build.log 2>&1 &&
	readelf -d toolstack/libs/light/libxenlight.so.4.23.0 >dyn &&
	test_grep "SONAME.*libxenlight.so.4.23" dyn &&
	toolstack/xl/xl --version >v &&
	test_grep "4.23-unstable" v
'

test_expect_success 'xl info reads the version out of the built image' '
	toolstack/xl/xl info --image hypervisor/xen.gz >info &&
	test_grep "4.23-unstable" info &&
	toolstack/xl/xl info --json --image hypervisor/xen.gz >info.json &&
	python3 -c "import json,sys; d=json.load(open(\"info.json\")); assert \"4.23-unstable\" in json.dumps(d)"
'

test_expect_success QEMU 'the hypervisor boots in qemu and prints its version' '
	timeout 60 qemu-system-x86_64 -kernel hypervisor/xen -nographic -serial mon:stdio \
		-no-reboot -nic none -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		</dev/null >console 2>&1
	rc=$? &&
	test_grep "(XEN) Xen version 4.23-unstable (reference tree)" console &&
	test "$rc" -eq 1
'

test_done
