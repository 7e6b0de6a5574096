#!/bin/sh
test_description='xsa history, fixed, open: what the reference upstream history says about XSAs'
. ./test-lib.sh
. "$TEST_DIR/lib-fixture.sh"
. "$TEST_DIR/lib-xsa.sh"

# The reference upstream (tools-release/upstream/plan) holds:
#   XSA-930  two patches on master; stable-4.19 cherry-picks both before
#            RELEASE-4.19.1, stable-4.18 only the first (after its last tag)
#   XSA-931  master's "This is XSA-931."; backports to 4.20 (before 4.20.1)
#            and 4.19 (after 4.19.2) name only the master commit; a 4.18
#            commit mentions it in prose
#   XSA-932  master fix backported to 4.17 and 4.16, reverted on 4.17
#   XSA-933  claimed by a stable-4.21 commit; its advisory is for XAPI

# py FILE EXPR: evaluate EXPR with j = the JSON in FILE, print the result.
py() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# entry JSON BRANCH XSA EXPR: EXPR on that branch's entry x of xsa history --json
entry() {
	python3 -c '
import json,sys
j=json.load(open(sys.argv[1]))
b=[b for b in j["branches"] if b["branch"]==sys.argv[2]][0]
x=[x for x in b["xsas"] if x["xsa"]==int(sys.argv[3])]
x=x[0] if x else None
print(eval(sys.argv[4]))' "$@"
}

test_expect_success 'set up the reference upstream with signed tags' '
	setup_reference &&
	# its RELEASE tags stand for upstream ones: the key is pinned for advisories too
	trust_key "$MAINT" "$RM_KEY" advisory &&
	git -C "$UPSTREAM" log --format=%H --grep="trailing" master >m932 &&
	test $(wc -l <m932) = 1 &&
	M932=$(cat m932) &&
	M930A=$(git -C "$UPSTREAM" log --format=%H --grep="clear the extraversion" master) &&
	M930B=$(git -C "$UPSTREAM" log --format=%H --grep="extraversion fits" master) &&
	M931=$(git -C "$UPSTREAM" log --format=%H --grep="empty table slots" master) &&
	B931_20=$(git -C "$UPSTREAM" log --format=%H --grep="empty table slots" RELEASE-4.20.0..stable-4.20) &&
	B930B_19=$(git -C "$UPSTREAM" log --format=%H --grep="extraversion fits" RELEASE-4.19.0..stable-4.19) &&
	test -n "$M930A" && test -n "$M930B" && test -n "$M931" && test -n "$B931_20" &&
	echo "$M932 $M930A $M930B $M931 $B931_20 $B930B_19" >ids
'

test_expect_success 'history: complete, partial, marker-less, reverted, prose' '
	xs -C "$MAINT" xsa history --json >h.json 2>err &&
	test_grep ! "cannot be verified" err &&
	test "$(py h.json "j[\"tags_verified\"] == j[\"tags_total\"] > 0")" = True &&
	test "$(entry h.json 4.19 930 "x[\"state\"], x[\"fixed_in\"], x[\"affected\"]")" = \
		"('"'"'fixed'"'"', '"'"'RELEASE-4.19.1'"'"', ['"'"'RELEASE-4.19.0'"'"'])" &&
	test "$(entry h.json 4.19 930 "len(x[\"commits\"])")" = 2 &&
	test "$(entry h.json 4.19 930 "[c[\"via\"] for c in x[\"commits\"]]")" = \
		"['"'"'statement'"'"', '"'"'statement'"'"']" &&
	test "$(entry h.json 4.20 931 "x[\"state\"], x[\"fixed_in\"], x[\"affected\"]")" = \
		"('"'"'fixed'"'"', '"'"'RELEASE-4.20.1'"'"', ['"'"'RELEASE-4.20.0'"'"'])" &&
	test "$(entry h.json 4.20 931 "x[\"commits\"][0][\"via\"], x[\"commits\"][0][\"links\"]")" = \
		"('"'"'link'"'"', ['"'"'$M931'"'"'])" &&
	test "$(entry h.json 4.19 931 "x[\"state\"], x[\"fixed_in\"]")" = "('"'"'claimed'"'"', None)" &&
	test "$(entry h.json 4.18 930 "x[\"state\"], x[\"missing\"]")" = \
		"('"'"'partial'"'"', ['"'"'$M930B'"'"'])" &&
	test "$(entry h.json 4.18 931 "x")" = None &&
	test "$(entry h.json 4.17 932 "x[\"state\"], x[\"fixed_in\"], len(x[\"reverted\"])")" = \
		"('"'"'reverted'"'"', None, 1)" &&
	test "$(entry h.json 4.16 932 "x[\"state\"], x[\"affected\"][-1]")" = \
		"('"'"'claimed'"'"', '"'"'RELEASE-4.16.2'"'"')" &&
	test "$(entry h.json master 930 "x[\"state\"], sorted(c[\"commit\"] for c in x[\"commits\"])")" = \
		"$(python3 -c "import sys; print((\"fixed\", sorted(sys.argv[1:])))" $M930A $M930B)" &&
	test "$(entry h.json master 931 "x[\"state\"]")" = fixed &&
	xs -C "$MAINT" xsa history 4.19 >h.txt &&
	test_grep "XSA-930  fixed in RELEASE-4.19.1; affected RELEASE-4.19.0" h.txt &&
	test_grep "XSA-931  claimed (not yet in a verified release)" h.txt &&
	test_grep ! "^4.18" h.txt
'

test_expect_success 'fixes a branch inherited from master: listed with --all' '
	test "$(entry h.json 4.22 930 "x")" = None &&
	xs -C "$MAINT" xsa history --all --json 4.22 >all.json &&
	test "$(entry all.json 4.22 930 "x[\"state\"], x[\"inherited\"], x[\"fixed_in\"], x[\"affected\"]")" = \
		"('"'"'fixed'"'"', True, '"'"'RELEASE-4.22.0'"'"', [])"
'

test_expect_success 'a commit claiming an XAPI advisory counts until that advisory is stored' '
	test "$(entry h.json 4.21 933 "x[\"state\"], x[\"fixed_in\"], x[\"needed_from\"]")" = \
		"('"'fixed'"', '"'RELEASE-4.21.1'"', '"'branches'"')" &&
	XSA_KEY=$(xsa_make_key) && trust_key "$MAINT" "$XSA_KEY" advisory &&
	mkdir adv && xsa_patch_file adv/xsa933-xapi.patch "xapi: fix it" "This is XSA-933." ocaml/x.ml &&
	xsa_advisory adv 933 1 "" "XAPI trusts a guest" "xsa933-xapi.patch	XAPI master" &&
	xsa_sign adv/advisory-933.txt &&
	xs -C "$MAINT" xsa import adv >/dev/null &&
	xs -C "$MAINT" xsa history --json >h2.json &&
	test "$(entry h2.json 4.21 933 "x")" = None &&
	test "$(py h2.json "j[\"excluded\"]")" = "[{'"'"'xsa'"'"': 933, '"'"'projects'"'"': '"'"'xapi'"'"'}]" &&
	xs -C "$MAINT" xsa history 4.21 >h2.txt &&
	test_grep "XSA-933 is not counted on Xen branches: its stored advisory is for xapi" h2.txt &&
	xs -C "$MAINT" xsa fixed RELEASE-4.21.1 --json >f.json &&
	test "$(py f.json "[r for k in (\"fixed\",\"partial\",\"claimed\") for r in j[k] if r[\"xsa\"]==933]")" = "[]"
'

test_expect_success 'xsa fixed: the JSON a script relies on' '
	xs -C "$MAINT" xsa fixed RELEASE-4.19.1 --json >f.json &&
	test "$(py f.json "sorted(j.keys())")" = \
		"['"'"'claimed'"'"', '"'"'commit'"'"', '"'"'fixed'"'"', '"'"'partial'"'"', '"'"'rev'"'"']" &&
	test "$(py f.json "j[\"rev\"], j[\"commit\"]")" = \
		"('"'"'RELEASE-4.19.1'"'"', '"'"'$(git -C "$UPSTREAM" rev-parse RELEASE-4.19.1^{commit})'"'"')" &&
	test "$(py f.json "[x[\"xsa\"] for x in j[\"fixed\"]]")" = "[930, 932]" &&
	test "$(py f.json "sorted(j[\"fixed\"][0].keys()), len(j[\"fixed\"][0][\"commits\"])")" = \
		"(['"'"'commits'"'"', '"'"'xsa'"'"'], 2)" &&
	xs -C "$MAINT" xsa fixed RELEASE-4.19.1 --since RELEASE-4.19.0 --json >s.json &&
	test "$(py s.json "[x[\"xsa\"] for x in j[\"fixed\"]], j[\"since\"][\"rev\"]")" = \
		"([930], '"'"'RELEASE-4.19.0'"'"')" &&
	xs -C "$MAINT" xsa fixed 4.19.1 --json >v.json &&
	test "$(py v.json "j[\"commit\"]")" = "$(py f.json "j[\"commit\"]")" &&
	xs -C "$MAINT" xsa fixed RELEASE-4.19.0 --json >f0.json &&
	test "$(py f0.json "[x[\"xsa\"] for x in j[\"fixed\"]]")" = "[932]"
'

test_expect_success 'xsa fixed: claimed beyond the last verified tag, partial with what is missing' '
	xs -C "$MAINT" xsa fixed stable-4.19 --json >t.json &&
	test "$(py t.json "[x[\"xsa\"] for x in j[\"claimed\"]]")" = "[931]" &&
	test "$(py t.json "[x[\"xsa\"] for x in j[\"fixed\"]]")" = "[930, 932]" &&
	xs -C "$MAINT" xsa fixed stable-4.18 --json >p.json &&
	test "$(py p.json "[x[\"xsa\"] for x in j[\"partial\"]]")" = "[930]" &&
	py p.json "j[\"partial\"][0][\"missing\"]" >missing &&
	test_grep "1 of 2 master fixes found; missing $(echo $M930B | cut -c1-12)" missing &&
	test "$(py p.json "[x[\"xsa\"] for k in (\"fixed\",\"claimed\") for x in j[k]]")" = "[932]"
'

test_expect_success 'xsa fixed: a reverted fix was fixed only between the fix and its revert' '
	B932_17=$(git -C "$UPSTREAM" log --format=%H --grep="^hypervisor/console: stop" stable-4.17) &&
	xs -C "$MAINT" xsa fixed "$B932_17" --json >r1.json &&
	test "$(py r1.json "[x[\"xsa\"] for x in j[\"fixed\"]]")" = "[932]" &&
	xs -C "$MAINT" xsa fixed RELEASE-4.17.2 --json >r2.json &&
	test "$(py r2.json "[x[\"xsa\"] for k in (\"fixed\",\"claimed\",\"partial\") for x in j[k]]")" = "[]"
'

test_expect_success 'xsa fixed: describe-like names, abbreviated ids, bad names' '
	C=$(git -C "$UPSTREAM" rev-parse stable-4.19~1) &&
	N=$(git -C "$UPSTREAM" rev-list --count RELEASE-4.19.2..$C) &&
	short=$(echo $C | cut -c1-10) &&
	xs -C "$MAINT" xsa fixed "4.19.2+$N-g$short" --json >d.json &&
	test "$(py d.json "j[\"commit\"]")" = "$C" &&
	xs -C "$MAINT" xsa fixed "RELEASE-4.19.2-$N-g$short" --json >d2.json &&
	test "$(py d2.json "j[\"commit\"]")" = "$C" &&
	xs -C "$MAINT" xsa fixed "$short" --json >d3.json &&
	test "$(py d3.json "j[\"commit\"]")" = "$C" &&
	test_expect_code 3 "$XENSTABLE" -C "$MAINT" xsa fixed "4.18.1+3-g$short" 2>err &&
	test_grep "is not a descendant of 4.18.1" err &&
	test_expect_code 3 "$XENSTABLE" -C "$MAINT" xsa fixed RELEASE-9.9.9 2>err &&
	test_grep "no tag, release or commit" err &&
	test_expect_code 2 "$XENSTABLE" -C "$MAINT" xsa fixed 2>err
'

test_expect_success 'xsa open: affected, and affectedness unknown' '
	xs -C "$MAINT" xsa open RELEASE-4.19.0 --json >o.json &&
	test "$(py o.json "sorted((x[\"xsa\"], x[\"affected\"]) for x in j[\"open\"])")" = \
		"[(930, '"'"'yes'"'"'), (931, '"'"'yes'"'"')]" &&
	xs -C "$MAINT" xsa open stable-4.18 --json >o2.json &&
	test "$(py o2.json "sorted((x[\"xsa\"], x[\"affected\"], x[\"state\"]) for x in j[\"open\"])")" = \
		"[(930, '"'"'yes'"'"', '"'"'partial'"'"'), (931, '"'"'unknown'"'"', '"'"'unfixed'"'"')]" &&
	xs -C "$MAINT" xsa open stable-4.18 >o2.txt &&
	test_grep "XSA-931 *affectedness unknown: fixed on 4.19, 4.20, 4.21, 4.22, master" o2.txt &&
	xs -C "$MAINT" xsa open RELEASE-4.17.2 --json >o3.json &&
	test "$(py o3.json "[(x[\"xsa\"], x[\"state\"]) for x in j[\"open\"] if x[\"xsa\"]==932]")" = \
		"[(932, '"'"'reverted'"'"')]"
'

test_expect_success 'a stored advisory: its patch is evidence, and it says which branch is affected' '
	mkdir adv931 &&
	cp "$TOOLS_DIR/upstream/patches/0020-hypervisor-refuse-hypercalls-to-empty-table-slots.patch" \
		adv931/xsa931.patch &&
	xsa_advisory adv931 931 1 "CVE-2025-90931" "Hypercalls to empty slots" \
		"xsa931.patch	xen-unstable - Xen 4.18.x" &&
	xsa_sign adv931/advisory-931.txt &&
	xs -C "$MAINT" xsa import adv931 >/dev/null &&
	xs -C "$MAINT" xsa history --json >h3.json &&
	test "$(entry h3.json 4.19 931 "x[\"state\"], x[\"fixed_in\"]")" = "('"'"'fixed'"'"', None)" &&
	xs -C "$MAINT" xsa open stable-4.18 --json >o4.json &&
	test "$(py o4.json "[(x[\"xsa\"], x[\"affected\"]) for x in j[\"open\"] if x[\"xsa\"]==931]")" = \
		"[(931, '"'"'yes'"'"')]"
'

test_expect_success 'a marker-less backport with neither link nor subject: same patch-id' '
	(cd "$UPSTREAM" && git checkout -q stable-4.18 &&
	 git cherry-pick --no-commit "$M930B" &&
	 git commit -q -m "hypervisor: refuse long version suffixes" &&
	 git checkout -q master) &&
	xs -C "$MAINT" xsa history --json 4.18 >h4.json &&
	test "$(entry h4.json 4.18 930 "x[\"state\"], x[\"missing\"], [c[\"via\"] for c in x[\"commits\"]]")" = \
		"('"'"'claimed'"'"', [], ['"'"'statement'"'"', '"'"'patch-id'"'"'])"
'

test_expect_success 'without the release key: said once, with the command that fixes it' '
	export_key "$RM_KEY" >rm.asc &&
	(GNUPGHOME=$TRASH/empty-gnupg && mkdir -m 700 "$GNUPGHOME" && export GNUPGHOME &&
	 xs -C "$MAINT" xsa history --json >k.json 2>kerr) &&
	test $(grep -c "cannot be verified" kerr) = 1 &&
	test_grep "gpg --recv-keys $RM_KEY" kerr &&
	test_grep "pass --keyring KEYFILE" kerr &&
	test "$(py k.json "j[\"tags_verified\"]")" = 0 &&
	test "$(entry k.json 4.19 930 "x[\"state\"]")" = claimed &&
	(GNUPGHOME=$TRASH/empty-gnupg && export GNUPGHOME &&
	 xs -C "$MAINT" xsa fixed RELEASE-4.19.1 --json >kf.json 2>/dev/null &&
	 xs -C "$MAINT" xsa history --keyring "$TRASH/rm.asc" --json >kk.json 2>kkerr) &&
	test "$(py kf.json "j[\"fixed\"]")" = "[]" &&
	test "$(py kf.json "[x[\"xsa\"] for x in j[\"claimed\"]]")" = "[930, 932]" &&
	test_grep ! "cannot be verified" kkerr &&
	test "$(entry kk.json 4.19 930 "x[\"state\"]")" = fixed
'

test_expect_success 'the caches: warm runs agree, a damaged cache is read again' '
	test -f "$UPSTREAM/.git/xenstable/xsa-history.v1" &&
	test -f "$UPSTREAM/.git/xenstable/upstream-tags.v1" &&
	xs -C "$MAINT" xsa history --json >w1.json 2>werr &&
	test_grep ! "reading the history" werr &&
	echo "c zz" >>"$UPSTREAM/.git/xenstable/xsa-history.v1" &&
	xs -C "$MAINT" xsa history --json >w2.json 2>werr &&
	test_grep "damaged cache" werr &&
	test_cmp w1.json w2.json
'

test_expect_success 'a RELEASE ref naming another release'"'"'s signed tag is refused, not read' '
	xs -C "$MAINT" xsa fixed RELEASE-4.19.0 --json >r0.json &&
	test "$(py r0.json "930 in [x[\"xsa\"] for x in j[\"fixed\"]]")" = False &&
	obj=$(git -C "$UPSTREAM" rev-parse refs/tags/RELEASE-4.19.1) &&
	git -C "$UPSTREAM" update-ref refs/tags/RELEASE-4.19.0 "$obj" &&
	test_expect_code 3 xs -C "$MAINT" xsa fixed RELEASE-4.19.0 --json >r1.json 2>rerr &&
	test_grep "RELEASE-4.19.0: the tag object behind this name is signed as .RELEASE-4.19.1." rerr &&
	xs -C "$MAINT" xsa history --json 4.19 >rh.json 2>rherr &&
	test_grep "1 RELEASE tags are signed under another name" rherr &&
	test "$(entry rh.json 4.19 930 "x[\"state\"], x[\"fixed_in\"]")" = \
		"('"'"'fixed'"'"', '"'"'RELEASE-4.19.1'"'"')"
'

test_done
