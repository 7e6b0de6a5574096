#!/bin/sh
test_description='xsa status: the XSA x branch matrix on a history made with git am'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"

MAINT=$TRASH/maint
SRC=$TRASH/src
P=$TRASH/pub
export XENSTABLE_NOW="2026-11-21 12:00"

# The source: master with stable-4.16, 4.19, 4.20, 4.21 forked from it
# in turn, then XSA fixes on master and stable-4.22 forked after them.
test_expect_success 'set up a source repository with stable branches' '
	git init -q "$SRC" &&
	mkdir -p "$SRC/xen/common" &&
	for n in 901 902 903 904 905; do
		printf "int x%s(void)\n{\n\treturn 0;\n}\n" $n >"$SRC/xen/common/x$n.c" || return 1
	done &&
	echo base >"$SRC/README" &&
	git -C "$SRC" add -A && git -C "$SRC" commit -q -m "M0: base" &&
	git -C "$SRC" branch stable-4.16 &&
	for v in 4.19 4.20 4.21; do
		echo "work before $v" >>"$SRC/README" &&
		git -C "$SRC" commit -q -am "master work before $v" &&
		git -C "$SRC" branch stable-$v || return 1
	done
'

test_expect_success 'make the patches the advisories carry' '
	mkdir -p "$P/xsa902" "$P/v1" "$P/emb" &&
	xsa_commit_patch "$SRC" xen/common/x901.c "x901: check the length" \
		"This is XSA-901 / CVE-2026-90101." "s/return 0/return 1/" "$P/xsa901.patch" &&
	xsa_commit_patch "$SRC" xen/common/x901.c "x901: check the length (for 4.19)" \
		"This is XSA-901 / CVE-2026-90101." "s/return 0/return 1/" "$P/xsa901-4.19.patch" &&
	(cd "$SRC" && git checkout -q --detach &&
	 sed -i "s/return 0/return 1/" xen/common/x902.c && git commit -q -am "x902: part one" -m "This is part of XSA-902." &&
	 sed -i "s/^{/{\n\t\/* checked *\//" xen/common/x902.c && git commit -q -am "x902: part two" -m "This is part of XSA-902." &&
	 git format-patch -q -2 -o "$P/xsa902" && git checkout -q master) &&
	ls "$P/xsa902" >list && test $(wc -l <list) = 2 &&
	xsa_commit_patch "$SRC" xen/common/x903.c "x903: fix" "This is XSA-903." \
		"s/return 0/return 1/" "$P/emb/xsa903.patch" &&
	xsa_commit_patch "$SRC" xen/common/x904.c "x904: fix" "This is XSA-904." \
		"s/return 0/return 1/" "$P/v1/xsa904.patch" &&
	xsa_commit_patch "$SRC" xen/common/x904.c "x904: fix" "This is XSA-904." \
		"s/return 0/return 2/" "$P/xsa904.patch" &&
	xsa_commit_patch "$SRC" xen/common/x905.c "x905: fix" "This is XSA-905." \
		"s/return 0/return 1/" "$P/git905.patch" &&
	xsa_plain_patch "$P/git905.patch" "$P/xsa905.patch" &&
	! grep -q "^diff --git" "$P/xsa905.patch" &&
	xsa_patch_file "$P/xsa906-linux.patch" "xen-netback: fix" "This is XSA-906." drivers/x.c
'

test_expect_success 'apply some fixes by hand, some differently, leave some out' '
	(cd "$SRC" &&
	 git am -q "$P/xsa901.patch" "$P"/xsa902/*.patch &&
	 git branch stable-4.22 &&
	 echo "after 4.22" >>README && git commit -q -am "master work after 4.22" &&
	 git checkout -q stable-4.21 &&
	 git am -q "$P/xsa901.patch" "$P"/xsa902/*.patch "$P/v1/xsa904.patch" &&
	 git checkout -q stable-4.20 &&
	 git apply "$P/xsa901.patch" && git commit -q -am "Harden the x901 length check" &&
	 git am -q "$P"/xsa902/0001-*.patch &&
	 git apply "$P/xsa905.patch" && git commit -q -am "Tidy x905" &&
	 git checkout -q master) &&
	git -C "$SRC" log --format=%s stable-4.20 | grep -v XSA >/dev/null
'

test_expect_success 'sign and import the advisories' '
	make_maint_repo "$MAINT" &&
	XSA_KEY=$(xsa_make_key) && echo "$XSA_KEY" >key &&
	trust_key "$MAINT" "$XSA_KEY" advisory &&
	xsa_advisory "$P" 901 1 "CVE-2026-90101" "Length not checked" \
		"xsa901.patch	xen-unstable - Xen 4.20.x" "xsa901-4.19.patch	Xen 4.19.x" &&
	xsa_advisory "$P" 902 1 "" "Two-part fix" "xsa902/*.patch	xen-unstable - Xen 4.19.x" &&
	XSA_EMBARGO="2026-12-01 12:00" xsa_advisory "$P/emb" 903 1 "CVE-2026-90301" "Still embargoed" \
		"xsa903.patch	xen-unstable - Xen 4.19.x" &&
	xsa_advisory "$P/v1" 904 1 "" "Revised fix" "xsa904.patch	xen-unstable - Xen 4.21.x" &&
	xsa_advisory "$P" 904 2 "" "Revised fix" "xsa904.patch	xen-unstable - Xen 4.21.x" &&
	xsa_advisory "$P" 905 1 "" "Plain diff" "xsa905.patch	xen-unstable - Xen 4.20.x" &&
	xsa_advisory "$P" 906 1 "" "Linux only" "xsa906-linux.patch	Linux 6.6 - 6.1" &&
	for a in "$P"/advisory-*.txt "$P"/v1/advisory-904.txt "$P"/emb/advisory-903.txt; do
		xsa_sign "$a" || return 1
	done &&
	rm "$P/git905.patch" &&
	xsa_xenbits_json "$P/xsa.json" "901:2026-05-01 12:00" "902:2026-05-01 12:00" \
		"904:2026-05-01 12:00" "905:2026-05-01 12:00" "906:2026-05-01 12:00" &&
	xs xsa import "$P/v1/advisory-904.txt" "$P" "$P/emb" >out &&
	test $(grep -c "version [0-9] stored" out) = 7
'

cell() {
	python3 - status.json "$1" "$2" <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	x = [e for e in d["xsas"] if e["xsa"] == int(sys.argv[2])][0]
	c = x["branches"][sys.argv[3]]
	print(c["state"], c["commit"] or "-", c["detail"] or "-")
	PY
}

# expect XSA BRANCH STATE [DETAIL-PATTERN]
expect() {
	_c=$(cell "$1" "$2") &&
	case "$_c" in
	"$3 "*) ;;
	*) echo "XSA-$1 $2: expected $3, got: $_c"; return 1 ;;
	esac &&
	if [ -n "${4:-}" ]; then
		echo "$_c" | grep -q -e "$4" || { echo "XSA-$1 $2: detail not /$4/: $_c"; return 1; }
	fi
}

test_expect_success 'the matrix' '
	xs --source "$SRC" xsa status --date 2026-11-21 --json >status.json 2>err &&
	test_grep "skipping 4.17: no stable-4.17" err &&
	c=$(git -C "$SRC" log -1 --format=%H --grep="x901" stable-4.21) &&
	expect 901 4.21 applied "$c" &&
	c=$(git -C "$SRC" log -1 --format=%H --grep="Harden the x901" stable-4.20) &&
	expect 901 4.20 applied "$c" &&
	c=$(git -C "$SRC" log -1 --format=%H --grep="x901" master) &&
	expect 901 4.22 applied "$c" &&
	expect 901 4.19 pending &&
	expect 901 4.16 needs-backport "out of security support since 2024-12-02" &&
	expect 902 4.21 applied &&
	expect 902 4.22 applied &&
	expect 902 4.20 pending "1 of 2 patches found" &&
	expect 902 4.19 pending &&
	expect 903 4.19 embargoed "public on 2026-12-01 12:00" &&
	expect 903 4.22 embargoed &&
	expect 903 4.16 needs-backport &&
	c=$(git -C "$SRC" log -1 --format=%H --grep="x904" stable-4.21) &&
	expect 904 4.21 pending "has xsa904.patch from version 1 (commit ${c%????????????????????????????}" &&
	expect 904 4.22 pending &&
	expect 904 4.20 not-affected &&
	c=$(git -C "$SRC" log -1 --format=%H --grep="Tidy x905" stable-4.20) &&
	expect 905 4.20 applied "$c" &&
	expect 905 4.21 pending &&
	expect 905 4.19 not-affected &&
	expect 906 4.21 not-affected "no Xen patch" &&
	expect 906 4.16 not-affected
'

test_expect_success 'the text matrix and --check' '
	test_expect_code 1 xs --source "$SRC" xsa status --date 2026-11-21 --check >out 2>err &&
	test_grep "public XSA fixes are pending" err &&
	test_grep "^XSA *public (UTC) *4.16 *4.19 *4.20 *4.21 *4.22" out &&
	test_grep "^901 *2026-05-01 12:00 *needs-backport *pending *applied [0-9a-f]\{10\} *applied" out &&
	test_grep "XSA-904 4.21: pending: has xsa904.patch from version 1" out &&
	test_grep "applied, .* pending" out
'

test_expect_success 'the embargo ends: embargoed becomes pending' '
	xs --source "$SRC" xsa status --date 2026-12-02 --json >status.json &&
	expect 903 4.19 pending &&
	xs --source "$SRC" xsa status --date "2026-12-01 11:59" --json >status.json &&
	expect 903 4.19 embargoed
'

test_expect_success 'selected branches only; an unknown branch is refused' '
	xs --source "$SRC" xsa status 4.20 stable-4.21 >out &&
	test_grep "^XSA *public (UTC) *4.20 *4.21 *$" out &&
	test_expect_code 3 xs --source "$SRC" xsa status 4.99 2>err &&
	test_grep "no maintained branch .4.99." err &&
	test_expect_code 4 xs --source "$SRC" xsa status 4.17 2>err &&
	test_grep "not in the source repository" err
'

test_expect_success 'a maintainer judgement shows in the matrix' '
	xs xsa mark 902 4.19 not-affected --reason "the code is not in 4.19" &&
	xs --source "$SRC" xsa status --date 2026-11-21 --json >status.json &&
	expect 902 4.19 not-affected "marked: the code is not in 4.19" &&
	xs --source "$SRC" xsa status --date 2026-11-21 >out &&
	test_grep "not-affected\*" out
'

test_expect_success 'the caches are written and a new commit is seen' '
	test_path_is_file "$SRC/.git/xenstable/xsa-commits.v1" &&
	test_path_is_file "$SRC/.git/xenstable/xsa-patches.v1" &&
	test_grep "^@mb " "$SRC/.git/xenstable/xsa-commits.v1" &&
	(cd "$SRC" && git checkout -q stable-4.19 && git am -q "$P/xsa901-4.19.patch" &&
	 git checkout -q master) &&
	xs --source "$SRC" xsa status --date 2026-11-21 --json >status.json &&
	c=$(git -C "$SRC" rev-parse stable-4.19) &&
	expect 901 4.19 applied "$c" &&
	xs --source "$SRC" xsa status --date 2026-11-21 --json --no-cache >nocache.json &&
	test_cmp status.json nocache.json &&
	test_grep "^@windows = " "$SRC/.git/xenstable/xsa-commits.v1" &&
	xs --source "$SRC" xsa status --date 2026-11-21 --json >warm.json &&
	test_cmp nocache.json warm.json
'

test_expect_success 'a damaged cache is rebuilt, not trusted' '
	printf "# xenstable xsa-commits v1\nnot a line\n" >"$SRC/.git/xenstable/xsa-commits.v1" &&
	xs --source "$SRC" xsa status --date 2026-11-21 --json >status.json 2>err &&
	test_grep "damaged cache" err &&
	test_cmp nocache.json status.json
'

test_expect_success 'a commit that only claims the XSA is claimed, never applied (TRUST.md)' '
	(cd "$SRC" && git checkout -q stable-4.21 &&
	 sed -i "s/return 0/return 3/" xen/common/x905.c &&
	 git commit -q -am "x905: adapted fix for 4.21" -m "This is XSA-905." &&
	 git checkout -q master) &&
	xs --source "$SRC" xsa status --date 2026-11-21 --json >status.json &&
	c=$(git -C "$SRC" rev-parse stable-4.21) &&
	expect 905 4.21 claimed "commit ${c%????????????????????????????} says it is XSA-905, which is only a claim: xsa905.patch" &&
	test_expect_code 1 xs --source "$SRC" xsa status --date 2026-11-21 --check >out 2>err &&
	test_grep "only claimed by a commit message" err &&
	test_grep "^905 .* claimed [0-9a-f]\{10\}" out
'

test_expect_success 'status with an empty store, and without a source' '
	make_maint_repo empty &&
	"$XENSTABLE" -C empty --source "$SRC" xsa status >out &&
	test_grep "no advisories in the store" out &&
	test_expect_code 4 "$XENSTABLE" -C empty xsa status 2>err &&
	test_grep "no source repository" err
'

test_done
