#!/bin/sh
test_description='xsa.meta: the security team recipes, read on intake, used by xsa apply and xsa show'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"

export XENSTABLE_NOW="2026-11-21 12:00"
D=2026-11-21

# meta NUM VERSION STABLEREF PREREQS PATCH...: an xsaNUM.meta with one
# recipe, laid out as the security team's tooling writes it.
meta() {
	_n=$1 _v=$2 _ref=$3 _pre=$4
	shift 4
	printf '{\n  "XSA": %s,\n  "SupportedVersions": [\n    "%s"\n  ],\n' "$_n" "$_v"
	printf '  "Trees": [\n    "xen"\n  ],\n  "Recipes": {\n    "%s": {\n' "$_v"
	printf '      "XenVersion": "%s",\n      "Recipes": {\n        "xen": {\n' "$_v"
	printf '          "StableRef": "%s",\n          "Prereqs": [%s],\n' "$_ref" "$_pre"
	printf '          "Patches": [\n'
	_sep=
	for _p in "$@"; do
		printf '%s            "%s"' "$_sep" "$_p"
		_sep=",
"
	done
	printf '\n          ]\n        }\n      }\n    }\n  }\n}\n'
}

# commit_on WORKTREE FILE SED SUBJECT NUM OUT: a commit changing FILE on a
# detached HEAD of WORKTREE, written as XSA-NUM's patch to OUT; HEAD stays
# there (the next patch can build on it).
commit_on() {
	sed -i "$3" "$1/$2" &&
	git -C "$1" commit -q -a -m "$4" -m "This is XSA-$5 / CVE-2026-9$5." &&
	git -C "$1" format-patch -q -1 --stdout >"$6"
}

# advisory DIR NUM RANGE: sign advisory NUM with xsaNUM.patch and xsaNUM.meta.
advisory() {
	xsa_advisory "$1" "$2" 1 "CVE-2026-9$2" "Test advisory $2" \
		"xsa$2.patch	$3" "xsa$2.meta	" &&
	xsa_sign "$1/advisory-$2.txt"
}

test_expect_success 'two XSAs for 4.19, the second made on top of the first' '
	setup_reference &&
	XSA_KEY=$(xsa_make_key) &&
	trust_key "$MAINT" "$XSA_KEY" advisory &&
	git -C "$UPSTREAM" worktree add -q --detach "$TRASH/w19" stable-4.19 &&
	BASE=$(git -C "$UPSTREAM" rev-parse stable-4.19) &&
	mkdir a921 a920 &&
	commit_on w19 hypervisor/common/domain.c "1s| \*/| (921) */|" \
		"hypervisor: mark domains for 921" 921 "$TRASH/a921/xsa921.patch" &&
	commit_on w19 hypervisor/common/domain.c "1s|(921)|(921, 920)|" \
		"hypervisor: mark domains for 920" 920 "$TRASH/a920/xsa920.patch" &&
	meta 921 4.19 $BASE "" xsa921.patch >a921/xsa921.meta &&
	meta 920 4.19 $BASE 921 xsa920.patch >a920/xsa920.meta &&
	advisory a921 921 "Xen 4.19.x" &&
	advisory a920 920 "Xen 4.19.x" &&
	git -C w19 checkout -q stable-4.19 &&
	echo one >>w19/README && git -C w19 commit -q -a -m "README: one" &&
	echo two >>w19/README && git -C w19 commit -q -a -m "README: two" &&
	DAY=$(git -C "$UPSTREAM" log -1 --format=%cs $BASE) &&
	B12=$(echo $BASE | cut -c1-12)
'

test_expect_success 'import reads the .meta its signed sha256sum block lists and stores it' '
	xs xsa import a921 a920 >out 2>err &&
	test_grep "XSA-920 version 1 stored" out &&
	test_grep "a920/xsa920.meta: recipes: 4.19 xen (prerequisite XSA-921)" err &&
	test_grep "a921/xsa921.meta: recipes: 4.19 xen (no prerequisites)" err &&
	test_cmp a920/xsa920.meta "$MAINT/xsa/920/v1/xsa920.meta" &&
	python3 -c "
import json; m = json.load(open(\"$MAINT/xsa/920/v1/meta.json\"))
x = m[\"xsa_meta\"]
assert x[\"file\"] == \"xsa920.meta\" and x[\"in_sha256_block\"] is True, x
assert [f[\"project\"] for f in m[\"files\"] if f[\"name\"] == \"xsa920.meta\"] == [\"meta\"]
"
'

test_expect_success 'the announcement mail gives the same store, byte for byte' '
	cp -a "$MAINT" m2 && rm -rf m2/xsa/920 &&
	xsa_mail a920 920 >920.eml &&
	"$XENSTABLE" -C m2 xsa import 920.eml >out 2>err &&
	test_grep "920.eml: attachment xsa920.meta: recipes: 4.19 xen (prerequisite XSA-921)" err &&
	diff -r "$MAINT/xsa/920" m2/xsa/920
'

test_expect_success 'xsa show prints the recipes and where the base stands' '
	xs xsa show 920 >out &&
	test_grep "^Recipes (xsa920.meta, in the signed sha256sum block):" out &&
	test_grep "4.19 *xen *made against $BASE; prerequisite XSA-921" out &&
	test_grep "patches were made against $B12 (stable-4.19 tip as of $DAY); the branch is 2 commits ahead" out &&
	test_grep "^ *xsa920.patch$" out &&
	xs xsa show 920 --json >show.json &&
	python3 -c "
import json; d = json.load(open(\"show.json\"))[\"xsa_meta\"]
assert d[\"signed\"] is True and d[\"supported_versions\"] == [\"4.19\"], d
r = d[\"recipes\"][0]
assert (r[\"version\"], r[\"tree\"], r[\"prereqs\"], r[\"files\"]) == (\"4.19\", \"xen\", [921], [\"xsa920.patch\"]), r
assert r[\"stable_ref\"] == \"$BASE\"
"
'

repo_state() {
	git -C "$UPSTREAM" for-each-ref --format="%(refname) %(objectname)" &&
	git -C "$UPSTREAM" worktree list --porcelain
}

test_expect_success 'a conflict names the missing prerequisite and the base of the patches' '
	repo_state >before &&
	test_expect_code 1 xs xsa apply 4.19 920 --date $D >out &&
	repo_state >after && test_cmp before after &&
	test_grep "XSA-920 *conflict" out &&
	test_grep "xsa920 needs XSA-921 first (xsa920.meta Prereqs); XSA-921 is pending on stable-4.19" out &&
	test_grep "patches were made against $B12 (stable-4.19 tip as of $DAY); the branch is 2 commits ahead (xsa920.meta StableRef)" out &&
	test_expect_code 1 xs xsa apply 4.19 920 --date $D --json >out.json &&
	python3 -c "
import json; e = json.load(open(\"out.json\"))[\"xsas\"][0]
assert e[\"meta\"] == \"xsa920.meta\" and e[\"made_against\"] == \"$BASE\", e
assert e[\"prerequisites\"] == [{\"xsa\": 921, \"state\": \"pending\"}], e[\"prerequisites\"]
assert any(\"needs XSA-921 first\" in h for h in e[\"failure\"][\"meta_hints\"]), e[\"failure\"]
"
'

test_expect_success 'a run takes prerequisites first (XSA order would fail)' '
	xs xsa apply 4.19 --date $D --dry-run >out &&
	grep -n "would-apply" out >lines &&
	test_grep "XSA-921" lines && test_grep "XSA-920" lines &&
	test $(grep -n "XSA-921" out | cut -d: -f1) -lt $(grep -n "XSA-920" out | cut -d: -f1) &&
	old=$(git -C "$UPSTREAM" rev-parse stable-4.19) &&
	xs xsa apply --all --date $D >out &&
	test_grep "^4.19: moved" out &&
	git -C "$UPSTREAM" log --reverse --format=%B $old..stable-4.19 |
		sed -n "s/^XSA-Patch: \([^ ]*\) .*/\1/p" >names &&
	printf "xsa921.patch\nxsa920.patch\n" >expect &&
	test_cmp expect names
'

test_expect_success 'prerequisites that need each other are refused (exit 3), nothing moves' '
	git -C "$UPSTREAM" worktree add -q --detach "$TRASH/w18" stable-4.18 &&
	BASE18=$(git -C "$UPSTREAM" rev-parse stable-4.18) &&
	mkdir a930 a931 &&
	commit_on w18 hypervisor/common/lib.c "1s|^|/* 930 */\n|" "lib: 930" 930 \
		"$TRASH/a930/xsa930.patch" &&
	git -C w18 checkout -q --detach stable-4.18 &&
	commit_on w18 hypervisor/common/kernel.c "1s|^|/* 931 */\n|" "kernel: 931" 931 \
		"$TRASH/a931/xsa931.patch" &&
	meta 930 4.18 $BASE18 931 xsa930.patch >a930/xsa930.meta &&
	meta 931 4.18 $BASE18 930 xsa931.patch >a931/xsa931.meta &&
	advisory a930 930 "Xen 4.18.x" &&
	advisory a931 931 "Xen 4.18.x" &&
	xs xsa import a930 a931 &&
	repo_state >before &&
	test_expect_code 3 xs xsa apply 4.18 --date $D >out 2>err &&
	test_grep "go round in a circle on 4.18: XSA-930 needs XSA-931 needs XSA-930" err &&
	test_grep "xsa/930/v1/xsa930.meta:15, xsa/931/v1/xsa931.meta:15" err &&
	test_expect_code 3 xs xsa apply --all --date $D >out 2>err &&
	test_grep "circle on 4.18" err &&
	repo_state >after && test_cmp before after
'

test_expect_success 'a bad .meta refuses the advisory (exit 3, file and line), nothing is stored' '
	mkdir a940 && cp a920/xsa920.patch a940/xsa940.patch &&
	meta 941 4.19 $BASE "" xsa940.patch >a940/xsa940.meta &&
	advisory a940 940 "Xen 4.19.x" &&
	test_expect_code 3 xs xsa import a940 2>err &&
	test_grep "a940/xsa940.meta:2: XSA is 941, but the advisory is XSA-940" err &&
	test_path_is_missing "$MAINT/xsa/940" &&
	sed -i "s/\"XSA\": 941,/\"XSA\": 940, \"XSA\": 940,/" a940/xsa940.meta &&
	advisory a940 940 "Xen 4.19.x" &&
	test_expect_code 3 xs xsa import a940 2>err &&
	test_grep "a940/xsa940.meta:2: key \"XSA\" appears twice" err &&
	test_path_is_missing "$MAINT/xsa/940"
'

test_expect_success 'an unlisted .meta beside a signed advisory is left, with a note' '
	mkdir a950 && cp a920/xsa920.patch a950/xsa950.patch &&
	xsa_advisory a950 950 1 "" "Test advisory 950" "xsa950.patch	Xen 4.19.x" &&
	xsa_sign a950/advisory-950.txt &&
	meta 950 4.19 $BASE "" xsa950.patch >a950/xsa950.meta &&
	xs xsa import a950 2>err &&
	test_grep "note: a950/xsa950.meta is not in the advisory.s sha256sum block: not read" err &&
	test_path_is_missing "$MAINT/xsa/950/v1/xsa950.meta" &&
	! grep xsa_meta "$MAINT/xsa/950/v1/meta.json" &&
	xs xsa show 950 >out && ! grep Recipes out
'

test_expect_success '--allow-unsigned reads an unlisted one, and says so' '
	mkdir a951 && cp a920/xsa920.patch a951/xsa951.patch &&
	xsa_advisory a951 951 1 "" "Test advisory 951" "xsa951.patch	Xen 4.19.x" &&
	meta 951 4.19 $BASE 920 xsa951.patch >a951/xsa951.meta &&
	xs xsa import --allow-unsigned a951 2>err &&
	test_grep "a951/xsa951.meta: NOT in the sha256sum block, read because of --allow-unsigned" err &&
	test_cmp a951/xsa951.meta "$MAINT/xsa/951/v1/xsa951.meta" &&
	xs xsa show 951 >out &&
	test_grep "Recipes (xsa951.meta, NOT in the sha256sum block: read with --allow-unsigned)" out &&
	xsa_mail a950 950 xsa950.patch xsa950.meta >950.eml &&
	cp -a "$MAINT" m3 && rm -rf m3/xsa/950 &&
	test_expect_code 3 "$XENSTABLE" -C m3 xsa import 950.eml 2>err &&
	test_grep "attachment xsa950.meta is not listed" err &&
	test_path_is_missing m3/xsa/950 &&
	"$XENSTABLE" -C m3 xsa import --allow-unsigned 950.eml 2>err &&
	test_grep "950.eml: attachment xsa950.meta: NOT in the sha256sum block" err &&
	test_cmp a950/xsa950.meta m3/xsa/950/v1/xsa950.meta &&
	"$XENSTABLE" -C m3 xsa show 950 >out &&
	test_grep "Recipes (xsa950.meta, NOT in the sha256sum block: read with --allow-unsigned)" out
'

test_expect_success 'a prerequisite still under embargo is named as such, never applied' '
	git -C "$UPSTREAM" worktree add -q --detach "$TRASH/w20" stable-4.20 &&
	BASE20=$(git -C "$UPSTREAM" rev-parse stable-4.20) &&
	mkdir a960 a961 &&
	commit_on w20 hypervisor/common/domain.c "1s| \*/| (960) */|" \
		"hypervisor: mark domains for 960" 960 "$TRASH/a960/xsa960.patch" &&
	commit_on w20 hypervisor/common/domain.c "1s|(960)|(960, 961)|" \
		"hypervisor: mark domains for 961" 961 "$TRASH/a961/xsa961.patch" &&
	meta 960 4.20 $BASE20 "" xsa960.patch >a960/xsa960.meta &&
	meta 961 4.20 $BASE20 960 xsa961.patch >a961/xsa961.meta &&
	XSA_EMBARGO="2026-12-15 12:00" advisory a960 960 "Xen 4.20.x" &&
	advisory a961 961 "Xen 4.20.x" &&
	xs xsa import a960 a961 &&
	repo_state >before &&
	test_expect_code 1 xs xsa apply 4.20 --date $D >out &&
	repo_state >after && test_cmp before after &&
	test_grep "XSA-960 *embargoed" out &&
	test_grep "XSA-961 *conflict" out &&
	test_grep "xsa961 needs XSA-960 first (xsa961.meta Prereqs); XSA-960 is embargoed on stable-4.20" out &&
	test $(grep -n "XSA-960" out | head -1 | cut -d: -f1) -lt $(grep -n "XSA-961" out | head -1 | cut -d: -f1)
'

test_expect_success 'a stored .meta changed afterwards is refused where it is used' '
	sed -i "s/921/922/" "$MAINT/xsa/920/v1/xsa920.meta" &&
	test_expect_code 3 xs xsa show 920 >out 2>err &&
	test_grep "xsa/920/v1/xsa920.meta: its sha256 is" err &&
	test_grep "Recipes: xsa/920/v1/xsa920.meta cannot be used" out &&
	test_expect_code 3 xs xsa apply 4.19 920 --date $D 2>err &&
	test_grep "xsa/920/v1/xsa920.meta: its sha256 is" err
'

test_done
