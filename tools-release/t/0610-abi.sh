#!/bin/sh
test_description='abi dump and abi check: libxenlight ABI baselines and point-release checks'
. ./test-lib.sh

if ! test_have_prereq ABIGAIL; then
	test_expect_success ABIGAIL 'abidw and abidiff are needed' 'true'
	test_done
fi

# new_branch NAME FROM: a branch of $UPSTREAM in a worktree wt-NAME.
new_branch() {
	git -C "$UPSTREAM" worktree add -q -b "$1" "$TRASH/wt-$1" "$2"
}

test_expect_success 'set up the reference upstream' '
	setup_reference
'

test_expect_success 'the committed baselines are what a fresh dump of each last release gives' '
	for tag in RELEASE-4.16.2 RELEASE-4.17.2 RELEASE-4.18.1 RELEASE-4.19.2 \
		   RELEASE-4.20.1 RELEASE-4.21.1 RELEASE-4.22.0; do
		v=${tag#RELEASE-} &&
		test_path_is_file "$MAINT/toolstack/abi/${v%.*}/BASELINE" &&
		xs abi dump "$tag" >out 2>err &&
		test_grep "is already the baseline of Xen $v ($tag)" out || return 1
	done &&
	git -C "$MAINT" status --porcelain -- toolstack/abi >st &&
	test_must_fail test -s st
'

test_expect_success 'the baselines name the last release tag of each branch' '
	for b in 16 17 18 19 20 21 22; do
		last=$(git -C "$UPSTREAM" tag -l "RELEASE-4.$b.*" | sort -V | tail -1) &&
		test_grep "^	tag = $last$" "$MAINT/toolstack/abi/4.$b/BASELINE" &&
		c=$(git -C "$UPSTREAM" rev-parse "$last^{commit}") &&
		test_grep "^	commit = $c$" "$MAINT/toolstack/abi/4.$b/BASELINE" || return 1
	done
'

test_expect_success 'the description does not depend on where it was built' '
	mkdir -p elsewhere/deeper &&
	cp -a "$MAINT" elsewhere/deeper/maint2 &&
	rm -rf elsewhere/deeper/maint2/.xenstable/build elsewhere/deeper/maint2/toolstack/abi/4.19 &&
	TMPDIR=$TRASH/elsewhere "$XENSTABLE" -C elsewhere/deeper/maint2 abi dump RELEASE-4.19.2 >out &&
	test_grep "wrote the ABI baseline of Xen 4.19.2" out &&
	cmp elsewhere/deeper/maint2/toolstack/abi/4.19/libxenlight.xml \
	    "$MAINT/toolstack/abi/4.19/libxenlight.xml" &&
	cmp elsewhere/deeper/maint2/toolstack/abi/4.19/BASELINE "$MAINT/toolstack/abi/4.19/BASELINE" &&
	test_grep ! "$TRASH" "$MAINT/toolstack/abi/4.19/libxenlight.xml" &&
	test_grep ! "/tmp/" "$MAINT/toolstack/abi/4.19/libxenlight.xml"
'

test_expect_success 'the branch tip has no ABI change since its last release' '
	xs abi check 4.19 >out 2>err &&
	test_grep "^libxenlight: unchanged: no ABI change$" out &&
	test_grep "^abi check of 4.19 at stable-4.19: passed in .*: no ABI change since RELEASE-4.19.2 in 1 library$" out
'

test_expect_success 'a fix that changes a structure in libxl.h is stopped with abidiff explaining it' '
	new_branch t-struct stable-4.19 &&
	(cd wt-t-struct &&
	 sed -i "s/^    int        running;$/    int        running;\n    uint32_t   cpupool;/" \
		toolstack/include/libxl.h &&
	 git diff --quiet && exit 1;
	 git commit -q -am "libxl: report the cpupool of a domain") &&
	test_expect_code 1 xs abi check 4.19 t-struct >out 2>err &&
	test_grep "^libxenlight: incompatible: Functions changes summary: 0 Removed, 1 Changed" out &&
	test_grep "^  | .*libxl_dominfo.* changed:" out &&
	test_grep "^  | .*type size changed from 832 to 896 (in bits)" out &&
	test_grep "^  | .*.uint32_t cpupool., at offset 832 (in bits)" out &&
	test_grep "^abi check of 4.19 at t-struct: failed in .*: incompatible ABI change since RELEASE-4.19.2: libxenlight" out &&
	C=$(git -C "$UPSTREAM" rev-parse t-struct) &&
	test_grep "cpupool" "$MAINT/.xenstable/build/$C/abi/libxenlight.abidiff"
'

test_expect_success 'a fix that only adds a function passes, and the addition is reported' '
	new_branch t-add stable-4.19 &&
	(cd wt-t-add &&
	 sed -i "s/^libxl_dominfo \*libxl_list_domain(.*$/&\nint libxl_domain_count(libxl_ctx *ctx);/" \
		toolstack/include/libxl.h &&
	 grep -q "^int libxl_domain_count" toolstack/include/libxl.h &&
	 printf "\nint libxl_domain_count(libxl_ctx *ctx)\n{\n    int n = 0;\n\n    free(libxl_list_domain(ctx, &n));\n    return n;\n}\n" \
		>>toolstack/libs/light/libxl_domain.c &&
	 sed -i "s/^        libxl_list_domain;$/&\n        libxl_domain_count;/" toolstack/libs/light/libxenlight.map &&
	 git commit -q -am "libxl: add libxl_domain_count()") &&
	xs abi check 4.19 t-add >out 2>err &&
	test_grep "^libxenlight: additions: Functions changes summary: 0 Removed, 0 Changed, 1 Added function" out &&
	test_grep "^  | .*\[A\] .function int libxl_domain_count(libxl_ctx\*)" out &&
	test_grep "^abi check of 4.19 at t-add: passed in .*: additions only since RELEASE-4.19.2" out
'

test_expect_success 'a renamed (so removed) function is incompatible' '
	new_branch t-rename stable-4.19 &&
	(cd wt-t-rename &&
	 git grep -l libxl_image_version_info -- toolstack >files &&
	 test -s files &&
	 sed -i "s/libxl_image_version_info/libxl_image_read_version/g" $(cat files) &&
	 git commit -q -am "libxl: rename libxl_image_version_info") &&
	test_expect_code 1 xs abi check 4.19 t-rename >out 2>err &&
	test_grep "^libxenlight: incompatible: Functions changes summary: 1 Removed, 0 Changed, 1 Added function" out &&
	test_grep "^  | .*\[D\] .function int libxl_image_version_info" out &&
	test_grep "^  | .*\[A\] .function int libxl_image_read_version" out
'

test_expect_success 'a SONAME change is refused unless the branch allows it' '
	new_branch t-soname stable-4.19 &&
	(cd wt-t-soname &&
	 sed -i "s/^SONAME := \$(LIB).\$(MAJOR)$/SONAME := \$(LIB).\$(MAJOR).1/" \
		toolstack/libs/light/Makefile &&
	 git diff --quiet && exit 1;
	 git commit -q -am "libxl: bump the SONAME") &&
	test_expect_code 1 xs abi check 4.19 t-soname >out 2>err &&
	test_grep "^libxenlight: incompatible: SONAME changed from libxenlight.so.4.19 to libxenlight.so.4.19.1" out &&
	test_grep "^  | SONAME changed from .libxenlight.so.4.19. to .libxenlight.so.4.19.1." out &&
	cp "$MAINT/branches/4.19.conf" 4.19.conf.orig &&
	printf "[abi]\n\tallow-soname-change = true\n" >>"$MAINT/branches/4.19.conf" &&
	xs abi check 4.19 t-soname >out 2>err &&
	test_grep "^libxenlight: allowed: SONAME changed from libxenlight.so.4.19 to libxenlight.so.4.19.1 (allowed by the branch)" out &&
	test_grep "^abi check of 4.19 at t-soname: passed" out &&
	printf "\tallow-soname-change = false\n" >>"$MAINT/branches/4.19.conf" &&
	test_expect_code 1 xs abi check 4.19 t-soname >out 2>err &&
	printf "\tallow-soname-change = perhaps\n" >>"$MAINT/branches/4.19.conf" &&
	test_expect_code 3 xs abi check 4.19 t-soname >out 2>err &&
	test_grep "branches/4.19.conf:[0-9]*: abi.allow-soname-change .perhaps. is not a boolean" err &&
	cp 4.19.conf.orig "$MAINT/branches/4.19.conf"
'

test_expect_success 'an allowed SONAME change does not hide a layout change' '
	new_branch t-soname-struct t-soname &&
	(cd wt-t-soname-struct &&
	 sed -i "s/^    int        running;$/    int        running;\n    uint32_t   cpupool;/" \
		toolstack/include/libxl.h &&
	 git commit -q -am "libxl: report the cpupool of a domain") &&
	printf "[abi]\n\tallow-soname-change = true\n" >>"$MAINT/branches/4.19.conf" &&
	test_expect_code 1 xs abi check 4.19 t-soname-struct >out 2>err &&
	test_grep "^libxenlight: incompatible: SONAME changed .* (allowed by the branch); Functions changes summary: 0 Removed, 1 Changed" out &&
	cp 4.19.conf.orig "$MAINT/branches/4.19.conf"
'

test_expect_success 'a branch with no release yet has nothing to compare: skipped' '
	cat >"$MAINT/branches/4.23.conf" <<-\EOF &&
	[branch]
		version = 4.23
		ref = master
		initial-release = 2027-01-01
		supported-until = 2028-01-01
		security-support-until = 2029-01-01
	EOF
	xs abi check 4.23 >out 2>err &&
	test_grep "^abi check of 4.23 at master: skipped in .*: 4.23 has no release yet" out &&
	rm "$MAINT/branches/4.23.conf"
'

test_expect_success 'a missing, stale or altered baseline is refused with what to do' '
	mv "$MAINT/toolstack/abi/4.18" saved-4.18 &&
	test_expect_code 3 xs abi check 4.18 >out 2>err &&
	test_grep "no ABI baseline for 4.18 in toolstack/abi/4.18; first run: [^ ]*xenstable -C $MAINT abi dump RELEASE-4.18.1\$" err &&
	xs abi dump --force RELEASE-4.18.0 >out 2>err &&
	test_expect_code 3 xs abi check 4.18 >out 2>err &&
	test_grep "toolstack/abi/4.18 is the baseline of 4.18.0, but the last release of 4.18 is RELEASE-4.18.1" err &&
	rm -rf "$MAINT/toolstack/abi/4.18" && mv saved-4.18 "$MAINT/toolstack/abi/4.18" &&
	cp "$MAINT/toolstack/abi/4.18/libxenlight.xml" xml.orig &&
	sed -i "s/size-in-bits=.832./size-in-bits=\"800\"/" "$MAINT/toolstack/abi/4.18/libxenlight.xml" &&
	test_expect_code 3 xs abi check 4.18 >out 2>err &&
	test_grep "libxenlight.xml: does not match the sha256 in .*BASELINE" err &&
	cp xml.orig "$MAINT/toolstack/abi/4.18/libxenlight.xml" &&
	xs abi check 4.18 >out 2>err
'

test_expect_success 'abi dump refuses a -pre tree and an older release over a newer one' '
	test_expect_code 3 xs abi dump stable-4.19 >out 2>err &&
	test_grep "stable-4.19 is Xen 4.19.3-pre, not a release" err &&
	test_expect_code 3 xs abi dump RELEASE-4.19.1 >out 2>err &&
	test_grep "toolstack/abi/4.19 holds the baseline of 4.19.2, newer than 4.19.1" err &&
	git -C "$MAINT" status --porcelain -- toolstack/abi >st &&
	test_must_fail test -s st
'

test_expect_success 'a toolstack that does not build fails the check with the reason' '
	new_branch t-broken stable-4.19 &&
	(cd wt-t-broken &&
	 printf "#error broken on purpose\n" >>toolstack/libs/light/libxl.c &&
	 git commit -q -am "libxl: broken") &&
	test_expect_code 1 xs abi check 4.19 t-broken >out 2>err &&
	test_grep "^abi check of 4.19 at t-broken: failed in .*: the toolstack of t-broken did not build: toolstack/libs/light/libxl.c:[0-9]*:[0-9]*: error: #error broken on purpose" out
'

test_expect_success '--json gives the verdict and each library' '
	"$XENSTABLE" --json -C "$MAINT" abi check 4.19 t-add >out.json &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
assert d[\"branch\"] == \"4.19\" and d[\"ref\"] == \"t-add\"
assert d[\"result\"][\"check\"] == \"abi\" and d[\"result\"][\"status\"] == \"passed\"
assert d[\"libraries\"][0][\"verdict\"] == \"additions\", d
assert \"libxl_domain_count\" in d[\"libraries\"][0][\"report\"]
"
'

test_expect_success 'usage errors' '
	test_expect_code 2 xs abi 2>err &&
	test_expect_code 2 xs abi frobnicate 2>err &&
	test_grep "unknown sub-command" err &&
	test_expect_code 2 xs abi check 2>err &&
	test_expect_code 2 xs abi check 4.99 2>err &&
	test_grep "no maintained branch .4.99." err &&
	test_expect_code 2 xs abi dump 2>err
'

test_done
