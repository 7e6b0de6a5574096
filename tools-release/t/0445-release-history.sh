#!/bin/sh
test_description='release: the XSAs from the source history (fixed, claimed, partial) with their commits, their OSV records in the release directory, verify lists them'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"
. "$TEST_DIR/lib-release.sh"

D="2026-11-21 10:00"
S=$TOOLS_DIR/tests/data/schemas

# On stable-4.19 after RELEASE-4.19.2, besides the reference's XSA-931
# backport (its message links to master's statement: claimed):
#   XSA-951  a stored, signed advisory with two patches, applied with git am
#            (two commits whose patch-ids are the advisory's: fixed)
#   XSA-962  two master commits, one cherry-picked (partial)
#   XSA-963  a commit that only says "This is XSA-963." (claimed)
test_expect_success 'set up the branch' '
	setup_reference &&
	XSA_KEY=$(xsa_make_key) && export XSA_KEY && trust_key "$MAINT" "$XSA_KEY" advisory &&
	mkdir -p xsa-951 &&
	git clone -q "$UPSTREAM" src951 &&
	git -C src951 checkout -q stable-4.19 &&
	(cd src951 &&
	 sed -i "s/if ( d->tot_pages + r->nr_extents > d->max_pages )/if ( r->nr_extents > d->max_pages - d->tot_pages )/" \
		hypervisor/common/memory.c &&
	 git commit -q -am "xen/memory: check the extent count" -m "This is part of XSA-951." &&
	 echo "/* XSA-951: checked above */" >>hypervisor/common/memory.c &&
	 git commit -q -am "xen/memory: say where the count is checked" -m "This is part of XSA-951." &&
	 git format-patch -q -2 -o "$TRASH/xsa-951") &&
	(cd xsa-951 && mv 0001-*.patch xsa951-1.patch && mv 0002-*.patch xsa951-2.patch) &&
	xsa_advisory xsa-951 951 1 "CVE-2026-95101" "xen/memory: extent count overflow" \
		"xsa951-*.patch	xen-unstable - Xen 4.17.x" &&
	xsa_sign xsa-951/advisory-951.txt &&
	xs xsa import xsa-951 &&
	am_on stable-4.19 "$TRASH/xsa-951/xsa951-1.patch" &&
	am_on stable-4.19 "$TRASH/xsa-951/xsa951-2.patch" &&
	(cd "$UPSTREAM" && test "$(git symbolic-ref --short HEAD)" = master &&
	 sed -i "1s|^|/* a */\n|" hypervisor/common/memory.c &&
	 git commit -q -am "xen: first half" -m "This is part of XSA-962." &&
	 sed -i "1s|^|/* b */\n|" hypervisor/common/memory.c &&
	 git commit -q -am "xen: second half" -m "This is part of XSA-962.") &&
	M962A=$(git -C "$UPSTREAM" log --format=%H --grep="first half" master) &&
	git -C "$UPSTREAM" worktree add -q "$TRASH/wt962" stable-4.19 &&
	git -C "$TRASH/wt962" cherry-pick -x "$M962A" >/dev/null &&
	git -C "$UPSTREAM" worktree remove --force "$TRASH/wt962" &&
	commit_on stable-4.19 hypervisor/Makefile "1s|^|# c\n|" "build: a comment" "This is XSA-963." &&
	git -C "$UPSTREAM" log --format=%H --grep="XSA-951" RELEASE-4.19.2..stable-4.19 | sort >c951 &&
	git -C "$UPSTREAM" log --format=%H --grep="first half" RELEASE-4.19.2..stable-4.19 >c962 &&
	git -C "$UPSTREAM" log --format=%H --grep="XSA-963" RELEASE-4.19.2..stable-4.19 >c963 &&
	git -C "$UPSTREAM" log --format=%H --grep="empty table slots" RELEASE-4.19.2..stable-4.19 >c931 &&
	test $(wc -l <c951) = 2 && test $(wc -l <c962) = 1 && test $(wc -l <c963) = 1 && test $(wc -l <c931) = 1
'

test_expect_success 'release 4.19.3: release.json lists the XSAs with their states and commits' '
	xs release 4.19 --date "$D" --skip abi --skip boot >out 2>&1 &&
	test_grep "released 4.19.3" out &&
	python3 - "$MAINT/dist/4.19.3/release.json" <<-\PY
	import json, sys
	r = json.load(open(sys.argv[1]))
	rows = {x["xsa"]: x for x in r["xsas"]}
	assert sorted(rows) == [931, 951, 962, 963], r["xsas"]
	want = {931: "claimed", 951: "fixed", 962: "partial", 963: "claimed"}
	for n, st in want.items():
	    assert rows[n]["state"] == st, rows[n]
	    assert rows[n]["osv"] == "XSA-%d.osv.json" % n, rows[n]
	    assert sorted(rows[n]["commits"]) == sorted(open("c%d" % n).read().split()), rows[n]
	assert rows[951]["cves"] == ["CVE-2026-95101"] and rows[951]["title"] == "xen/memory: extent count overflow"
	PY
'

test_expect_success 'the CHANGELOG entry and the tag message list them with short commit ids' '
	git -C "$UPSTREAM" show RELEASE-4.19.3:CHANGELOG.md >cl &&
	a=$(sed -n 1p c951 | cut -c1-12) && b=$(sed -n 2p c951 | cut -c1-12) &&
	test_grep "^ - XSA-951 (CVE-2026-95101): xen/memory: extent count overflow (commits \($a, $b\|$b, $a\))$" cl &&
	test_grep "^ - XSA-962 (partial, commit $(cut -c1-12 c962))$" cl &&
	test_grep "^ - XSA-963 (claimed, commit $(cut -c1-12 c963))$" cl &&
	test_grep "^ - XSA-931 (claimed, commit $(cut -c1-12 c931))$" cl &&
	git -C "$UPSTREAM" cat-file tag RELEASE-4.19.3 >tag &&
	test_grep "^  XSA-951 (CVE-2026-95101): xen/memory: extent count overflow (commits " tag &&
	test_grep "^  XSA-963 (claimed, commit $(cut -c1-12 c963))$" tag
'

test_expect_success 'the OSV records: in SHA256SUMS, valid, this release fixes XSA-951, the claimed ones are no fix' '
	dist=$MAINT/dist/4.19.3 &&
	for n in 931 951 962 963; do
		grep -q "^[0-9a-f]\{64\}  XSA-$n.osv.json$" "$dist/SHA256SUMS" || return 1
	done &&
	(cd "$dist" && sha256sum -c --quiet SHA256SUMS) &&
	python3 - "$S/osv-1.6.0/schema.json" "$dist"/XSA-*.osv.json <<-\PY
	import json, sys, jsonschema
	schema = json.load(open(sys.argv[1]))
	v = jsonschema.validators.validator_for(schema)(schema)
	recs = {}
	for f in sys.argv[2:]:
	    j = json.load(open(f))
	    errs = list(v.iter_errors(j))
	    assert not errs, (f, [e.message for e in errs])
	    recs[j["id"]] = {a["database_specific"]["branch"]: a for a in j["affected"]}
	def fixed(a):
	    return [e["fixed"] for r in a["ranges"] for e in r["events"] if "fixed" in e]
	a = recs["XSA-951"]["4.19"]
	assert a["database_specific"]["fixed_in"] == "RELEASE-4.19.3", a
	assert a["database_specific"]["state"] == "fixed" and fixed(a), a
	assert "RELEASE-4.19.2" in a["versions"] and "RELEASE-4.19.3" not in a["versions"]
	for x in ("XSA-963", "XSA-931"):
	    a = recs[x]["4.19"]
	    assert a["database_specific"]["state"] == "claimed" and not fixed(a), (x, a)
	a = recs["XSA-962"]["4.19"]
	assert a["database_specific"]["state"] == "partial" and not fixed(a), a
	PY
'

test_expect_success 'a second run says the release exists' '
	xs release 4.19 --date "$D" --skip abi --skip boot >out2 &&
	test_grep "Release 4.19.3 of stable-4.19 exists" out2
'

test_expect_success 'verify lists the XSAs with states, commits and OSV files (text, --json, --dist)' '
	xs verify RELEASE-4.19.3 >v &&
	test_grep "XSA-951: xen/memory: extent count overflow \[fixed: [0-9a-f]\{12\}, [0-9a-f]\{12\}\] OSV XSA-951.osv.json$" v &&
	test_grep "XSA-963 \[claimed: $(cut -c1-12 c963)\] OSV XSA-963.osv.json$" v &&
	test_grep "XSA-962 \[partial: $(cut -c1-12 c962)\] OSV XSA-962.osv.json$" v &&
	test_grep "ok   XSA-951.osv.json sum good" v &&
	test_grep "all checks passed" v &&
	xs verify RELEASE-4.19.3 --json >v.json &&
	python3 - v.json <<-\PY
	import json, sys
	v = json.load(open(sys.argv[1]))
	rows = {x["xsa"]: x for x in v["xsas"]}
	assert v["passed"] and sorted(rows) == [931, 951, 962, 963], v["xsas"]
	assert rows[951]["state"] == "fixed" and len(rows[951]["commits"]) == 2
	assert rows[963]["state"] == "claimed" and rows[963]["osv"] == "XSA-963.osv.json"
	PY
	mkdir fetched && cp "$MAINT"/dist/4.19.3/* fetched/ &&
	xs verify RELEASE-4.19.3 --dist fetched >vd &&
	test_grep "XSA-951.*OSV XSA-951.osv.json$" vd &&
	test_grep "all checks passed" vd
'

test_expect_success 'a tampered OSV record fails verify (exit 3), named' '
	rm -rf bad && mkdir bad && cp "$MAINT"/dist/4.19.3/* bad/ &&
	sed -i "s/\"RELEASE-4.19.3\"/\"RELEASE-4.19.2\"/" bad/XSA-951.osv.json &&
	! cmp -s bad/XSA-951.osv.json "$MAINT/dist/4.19.3/XSA-951.osv.json" &&
	test_expect_code 3 xs verify RELEASE-4.19.3 --dist bad >v 2>err &&
	test_grep "FAIL XSA-951.osv.json does not match its SHA256SUMS line" v &&
	test_grep "does not verify" err
'

test_expect_success 'an OSV record release.json names must be in SHA256SUMS' '
	rm -rf bad && mkdir bad && cp "$MAINT"/dist/4.19.3/* bad/ &&
	grep -v "XSA-963.osv.json" bad/SHA256SUMS >s && mv s bad/SHA256SUMS &&
	gpg --batch --yes --local-user "$RM_KEY" --clearsign -o bad/SHA256SUMS.asc bad/SHA256SUMS 2>/dev/null &&
	test_expect_code 3 xs verify RELEASE-4.19.3 --dist bad >v 2>err &&
	test_grep "FAIL osv .*XSA-963.osv.json (named by release.json) is not in SHA256SUMS" v
'

test_expect_success REAL_XEN 'real xen.git: new in RELEASE-4.19.5 since RELEASE-4.19.4 (the domain function behind xsa fixed --since)' '
	make_maint_repo real &&
	gpg --batch --import "${XS_XEN_KEY:-$SHARED_DIR/keys/xen.org-key.asc}" 2>/dev/null &&
	"$XENSTABLE" -C real --source "$XS_REAL_XEN" xsa fixed RELEASE-4.19.5 --since RELEASE-4.19.4 --json >f.json &&
	python3 - f.json <<-\PY
	import json, sys
	j = json.load(open(sys.argv[1]))
	got = sorted(x["xsa"] for x in j["fixed"] + j["claimed"])
	assert {477, 479, 480, 481} <= set(got), got
	assert all(len(c) == 40 for x in j["fixed"] for c in x["commits"])
	PY
'

test_done
