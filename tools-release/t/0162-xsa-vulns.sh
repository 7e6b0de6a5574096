#!/bin/sh
test_description='xsa vulns: OSV, CVE JSON 5 and dyad records, valid against the published schemas'
. ./test-lib.sh
. "$TEST_DIR/lib-fixture.sh"

# The published schemas, kept with their licences (tests/data/schemas/README.md).
S=$TOOLS_DIR/tests/data/schemas

# validate SCHEMA FILE...: every FILE is valid (python3-jsonschema).
validate() {
	python3 - "$@" <<-\EOF
	import json, sys, jsonschema
	schema = json.load(open(sys.argv[1]))
	cls = jsonschema.validators.validator_for(schema)
	v = cls(schema)
	bad = 0
	for f in sys.argv[2:]:
	    for e in v.iter_errors(json.load(open(f))):
	        bad += 1
	        print("%s: %s: %s" % (f, "/".join(str(p) for p in e.absolute_path), e.message[:200]))
	sys.exit(1 if bad else 0)
	EOF
}

py() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

test_expect_success 'set up the reference upstream' '
	setup_reference &&
	# its RELEASE tags stand for upstream ones: the key is pinned for advisories too
	trust_key "$MAINT" "$RM_KEY" advisory &&
	python3 -c "import jsonschema" &&
	F930=$(git -C "$UPSTREAM" log --format=%H --grep="extraversion fits" RELEASE-4.19.0..RELEASE-4.19.1) &&
	test -n "$F930" && echo "$F930" >f930
'

test_expect_success 'osv: one file per XSA, valid OSV 1.6 (-o DIR is made when missing)' '
	: >not-a-dir &&
	test_expect_code 2 xs -C "$MAINT" xsa vulns --format osv -o not-a-dir 2>err &&
	test_grep "not-a-dir is not a directory" err &&
	xs -C "$MAINT" xsa vulns --format osv -o osv 2>err &&
	test_grep "4 records, 4 written to osv" err &&
	ls osv >list &&
	printf "XSA-930.json\nXSA-931.json\nXSA-932.json\nXSA-933.json\n" >expect &&
	test_cmp expect list &&
	validate "$S/osv-1.6.0/schema.json" osv/*.json
'

test_expect_success 'osv: the newest schema (1.7.5) finds nothing but the id prefix' '
	! validate "$S/osv-1.7.5/schema.json" osv/*.json >errs &&
	test_grep "XSA-930.json: id: " errs &&
	test $(grep -c ": id: " errs) = 4 &&
	test $(wc -l <errs) = 4
'

test_expect_success 'osv: ranges per branch, fixed only where a verified release has the fix' '
	py osv/XSA-930.json "j[\"id\"], j[\"aliases\"], j[\"schema_version\"]" >got &&
	echo "('"'"'XSA-930'"'"', ['"'"'CVE-2024-90930'"'"'], '"'"'1.6.0'"'"')" >want && test_cmp want got &&
	python3 - osv/XSA-930.json "$(cat f930)" <<-\EOF
	import json, sys
	j = json.load(open(sys.argv[1]))
	a = {x["database_specific"]["branch"]: x for x in j["affected"]}
	# 4.19: fixed at the commit that completes the fix, in RELEASE-4.19.1
	r = a["4.19"]["ranges"][0]
	assert r["type"] == "GIT" and r["repo"] == "https://xenbits.xen.org/git-http/xen.git", r
	ev = [list(e.items())[0] for e in r["events"]]
	assert [k for k, _ in ev] == ["introduced", "fixed", "limit"], ev
	assert dict(ev)["fixed"] == sys.argv[2], ev
	assert a["4.19"]["versions"] == ["RELEASE-4.19.0"]
	assert a["4.19"]["database_specific"]["fixed_in"] == "RELEASE-4.19.1"
	# 4.18: partial, no fixed event, every release affected
	assert [list(e)[0] for e in a["4.18"]["ranges"][0]["events"]] == ["introduced", "limit"]
	assert a["4.18"]["database_specific"]["partial"] is True
	assert a["4.18"]["versions"] == ["RELEASE-4.18.0", "RELEASE-4.18.1"]
	# branches that forked after the master fix: none affected, said once
	assert "4.20" not in a and "4.20" in j["database_specific"]["fixed_before_branch"]
	refs = [r["url"] for r in j["references"]]
	assert refs[0] == "https://xenbits.xen.org/xsa/advisory-930.html", refs
	assert any(sys.argv[2] in u for u in refs)
	EOF
'

test_expect_success 'osv: a claimed fix is no fixed event; a reverted one neither' '
	python3 - osv/XSA-931.json osv/XSA-932.json <<-\EOF
	import json, sys
	a = {x["database_specific"]["branch"]: x for x in json.load(open(sys.argv[1]))["affected"]}
	assert a["4.19"]["database_specific"]["state"] == "claimed"
	assert "fixed" not in [list(e)[0] for e in a["4.19"]["ranges"][0]["events"]]
	assert "fixed" in [list(e)[0] for e in a["4.20"]["ranges"][0]["events"]]
	b = {x["database_specific"]["branch"]: x for x in json.load(open(sys.argv[2]))["affected"]}
	assert b["4.17"]["database_specific"]["state"] == "reverted"
	assert "fixed" not in [list(e)[0] for e in b["4.17"]["ranges"][0]["events"]]
	assert b["4.17"]["versions"][-1] == "RELEASE-4.17.2"
	EOF
'

test_expect_success 'records are byte-stable: a second run rewrites nothing' '
	cp -a osv osv.before &&
	xs -C "$MAINT" xsa vulns --format osv -o osv 2>err &&
	test_grep "0 written" err &&
	diff -r osv.before osv &&
	xs -C "$MAINT" xsa vulns --format osv 930 >one.json &&
	test_cmp osv/XSA-930.json one.json &&
	python3 -c "
import json, sys
t = open(\"one.json\").read()
def sorted_keys(o):
    if isinstance(o, dict):
        assert list(o) == sorted(o), list(o)
        for v in o.values(): sorted_keys(v)
    elif isinstance(o, list):
        for v in o: sorted_keys(v)
sorted_keys(json.loads(t))
"
'

test_expect_success 'cve5: one record per CVE, valid CVE JSON 5' '
	mkdir cve &&
	xs -C "$MAINT" xsa vulns --format cve5 -o cve --org-id 11111111-2222-4333-8444-555555555555 2>err &&
	ls cve >list &&
	echo CVE-2024-90930.json >expect && test_cmp expect list &&
	test_grep "XSAs name no CVE" err &&
	validate "$S/cve-5.2.0/CVE_Record_Format_bundled.json" cve/*.json &&
	python3 - cve/CVE-2024-90930.json <<-\EOF
	import json, sys
	j = json.load(open(sys.argv[1]))
	c = j["containers"]["cna"]
	assert j["cveMetadata"]["assignerOrgId"] == "11111111-2222-4333-8444-555555555555"
	a = c["affected"][0]
	assert a["programFiles"] == ["hypervisor/common/kernel.c"], a["programFiles"]
	v = a["versions"]
	assert {"version": "4.19.0", "lessThan": "4.19.1", "status": "affected", "versionType": "semver"} in v, v
	assert {"version": "4.19.1", "lessThan": "4.19.*", "status": "unaffected", "versionType": "semver"} in v, v
	assert {"version": "4.18.0", "lessThanOrEqual": "4.18.1", "status": "affected", "versionType": "semver"} in v, v
	assert {"version": "4.20.0", "lessThan": "4.20.*", "status": "unaffected", "versionType": "semver"} in v, v
	EOF
'

test_expect_success 'dyad: one line per branch' '
	xs -C "$MAINT" xsa vulns --format dyad 930 >d &&
	test_grep "^4.19.0:0:4.19.1:$(cat f930)$" d &&
	test_grep "^4.18.0:0:0:0$" d &&
	test $(wc -l <d) = 2
'

test_expect_success 'bad arguments' '
	test_expect_code 2 "$XENSTABLE" -C "$MAINT" xsa vulns 2>err &&
	test_grep "format" err &&
	test_expect_code 2 "$XENSTABLE" -C "$MAINT" xsa vulns --format yaml 2>err &&
	test_expect_code 2 "$XENSTABLE" -C "$MAINT" xsa vulns --format cve5 --org-id nope 2>err &&
	test_expect_code 3 "$XENSTABLE" -C "$MAINT" xsa vulns --format osv 999 2>err &&
	test_grep "XSA-999: neither the history" err
'

test_done
