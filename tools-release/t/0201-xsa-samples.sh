#!/bin/sh
test_description='the sample advisories of xsa/samples: every patch applies where its advisory maps it, and builds'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"
. "$TEST_DIR/lib-samples.sh"

S=$SAMPLES_DIR
export XENSTABLE_NOW="2026-11-21 12:00"

# mapped BRANCH: the latest version's patches that advisory maps to X.Y,
# one "XSA path" line each, in XSA order, read straight from RESOLUTION
# (not through xenstable).
mapped() {
	python3 - "$S" "$1" <<-\PY
	import glob, os, re, sys
	root, want = sys.argv[1], tuple(int(x) for x in sys.argv[2].split("."))
	def ver(s):
	    s = s.strip()
	    if s == "xen-unstable":
	        return (99, 0)
	    m = re.fullmatch(r"(?:Xen )?(\d+)\.(\d+)\.x", s)
	    assert m, s
	    return (int(m.group(1)), int(m.group(2)))
	for num in ("901", "902", "903", "904", "905"):
	    d = os.path.join(root, num)
	    text = open(os.path.join(d, "advisory-%s.txt" % num)).read()
	    res = text.split("RESOLUTION\n==========\n", 1)[1].split("\n$ sha256sum", 1)[0]
	    for line in res.splitlines():
	        m = re.match(r"^(xsa\S+)\s+(.+)$", line)
	        if not m:
	            continue
	        ends = [ver(x) for x in m.group(2).split(" - ")]
	        lo, hi = min(ends), max(ends)
	        if lo <= want <= hi:
	            for f in sorted(glob.glob(os.path.join(d, m.group(1)))):
	                print(num, f)
	PY
}

test_expect_success 'a checkout of the reference upstream' '
	setup_reference &&
	git clone -q "$UPSTREAM" w
'

# fresh BRANCH: check out the branch's tip, clean.
fresh() {
	{ git -C w am --abort >/dev/null 2>&1; true; } &&
	git -C w checkout -q -f --detach "origin/stable-$1" && git -C w clean -q -f -d -x
}

test_expect_success 'the mapping: the right variant for each branch' '
	mapped 4.17 | sed "s|$S/||" >m17 &&
	mapped 4.19 | sed "s|$S/||" >m19 &&
	mapped 4.20 | sed "s|$S/||" >m20 &&
	mapped 4.16 >m16 &&
	cat >e17 <<-\EOF &&
	901 901/xsa901.patch
	902 902/xsa902.patch
	903 903/xsa903-4.19.patch
	904 904/xsa904-4.17/0001-toolstack-xenstored-refuse-node-paths-that-do-not-fi.patch
	904 904/xsa904-4.17/0002-toolstack-xenstored-do-not-split-over-long-request-l.patch
	905 905/xsa905.patch
	EOF
	test_cmp e17 m17 &&
	grep -q "^903 903/xsa903-4.19.patch$" m19 &&
	grep -q "^904 904/xsa904/0001-" m19 &&
	grep -q "^903 903/xsa903.patch$" m20 &&
	test_must_fail test -s m16
'

test_expect_success 'every mapped patch applies with git apply, alone, on its branches' '
	for b in 4.17 4.18 4.19 4.20 4.21 4.22; do
		fresh $b &&
		mapped $b >list &&
		test -s list &&
		while read x p; do
			git -C w apply --check "$p" || { echo "$p does not apply to $b"; return 1; }
		done <list &&
		git -C w apply --check "$S/901-v1/xsa901.patch" || return 1
	done
'

test_expect_success 'on each branch all of them apply in XSA order, and it builds' '
	for b in 4.17 4.18 4.19 4.20 4.21 4.22; do
		fresh $b &&
		mapped $b | cut -d" " -f2 >list &&
		xargs git -C w am -q <list || { echo "git am failed on $b"; return 1; }
		make -s -C w/hypervisor >build-$b.log 2>&1 &&
		make -s -C w/toolstack >>build-$b.log 2>&1 ||
		{ cat build-$b.log; echo "build failed on $b"; return 1; }
		test_path_is_file w/hypervisor/xen || return 1
		test $(git -C w log --oneline origin/stable-$b..HEAD | wc -l) = $(wc -l <list) || return 1
	done
'

test_expect_success '903 and 905 touch the same file and apply in either order' '
	fresh 4.20 &&
	git -C w apply --index "$S/905/xsa905.patch" &&
	git -C w apply --index "$S/903/xsa903.patch" &&
	fresh 4.17 &&
	git -C w apply --index "$S/905/xsa905.patch" &&
	git -C w apply --index "$S/903/xsa903-4.19.patch"
'

test_expect_success 'the newest variants do not apply to the older branches' '
	for b in 4.17 4.18 4.19; do
		fresh $b &&
		test_must_fail git -C w apply --check "$S/903/xsa903.patch" 2>err &&
		test_grep "hypervisor/common/grant_table.c" err || return 1
	done &&
	for b in 4.20 4.21 4.22; do
		fresh $b &&
		test_must_fail git -C w apply --check "$S/903/xsa903-4.19.patch" || return 1
	done &&
	fresh 4.17 &&
	test_must_fail git -C w apply --check "$S"/904/xsa904/0001-*.patch 2>err &&
	test_grep "toolstack/xenstored/core.c" err &&
	fresh 4.18 &&
	test_must_fail git -C w apply --check "$S"/904/xsa904-4.17/0001-*.patch
'

test_expect_success 'version 2 of 901 changed the patch; it does not go on top of version 1' '
	! cmp -s "$S/901-v1/xsa901.patch" "$S/901/xsa901.patch" &&
	fresh 4.19 &&
	git -C w am -q "$S/901-v1/xsa901.patch" &&
	test_must_fail git -C w apply --check "$S/901/xsa901.patch"
'

test_expect_success '4.16 needs the prerequisite 0002 for 902; then it applies and builds' '
	fresh 4.16 &&
	test_must_fail git -C w apply --check "$S/902/xsa902.patch" 2>err &&
	test_grep "hypervisor/common/event_channel.c" err &&
	git -C w am -q "$TOOLS_DIR"/upstream/patches/0002-*.patch &&
	git -C w am -q "$S/902/xsa902.patch" &&
	make -s -C w/hypervisor >build-416.log 2>&1 ||
	{ cat build-416.log; return 1; }
'

test_expect_success 'the samples import as signed advisories; status as documented' '
	xsa_samples_import &&
	xs xsa list >list &&
	test_grep "^901 *v2 .*public" list &&
	test_grep "^905 *v1 *2026-12-15 12:00 embargoed" list &&
	test -d "$MAINT/xsa/901/v1" && test -d "$MAINT/xsa/901/v2" &&
	xs xsa status --date 2026-11-21 >status &&
	test_grep "^901 .* needs-backport *pending *pending *pending *pending *pending *pending" status &&
	test_grep "^905 .* needs-backport *embargoed *embargoed" status &&
	xs xsa status --date 2026-12-16 >after &&
	test_grep "^905 .* needs-backport *pending *pending" after
'

test_done
