#!/bin/sh
test_description='a claim counts only under a RELEASE tag signed by the key pinned for advisories and releases'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"
. "$TEST_DIR/lib-samples.sh"

D=2026-11-21
export XENSTABLE_NOW="2026-11-21 12:00"

state() {
	python3 - st.json "$1" "$2" <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	x = [e for e in d["xsas"] if e["xsa"] == int(sys.argv[2])][0]
	c = x["branches"][sys.argv[3]]
	print(c["state"], c["commit"] or "-", c["detail"] or "-")
	PY
}

test_expect_success 'set up: 4.21 gets an adapted XSA-902 fix that only says so, tagged RELEASE-4.21.2' '
	setup_reference &&
	xsa_samples_import &&
	wt=$TRASH/wt && git -C "$UPSTREAM" worktree add -q "$wt" stable-4.21 &&
	(cd "$wt" &&
	 sed -i "s/^    chn = evtchn_from_port(d, status->port);/    if ( status->port >= 64 )\n        return -EINVAL;\n&/" \
		hypervisor/common/event_channel.c &&
	 git commit -q -am "hypervisor/evtchn: bound the port in EVTCHNOP_status" -m "This is XSA-902.") &&
	git -C "$UPSTREAM" worktree remove --force "$wt" &&
	CLAIM=$(git -C "$UPSTREAM" rev-parse stable-4.21) && echo "$CLAIM" >claim &&
	git -C "$UPSTREAM" tag -s -u "$RM_KEY" -m "Xen 4.21.2" RELEASE-4.21.2 stable-4.21 &&
	xs xsa status 4.21 --date $D --json >st.json &&
	state 902 4.21 >c && test_grep "^claimed $CLAIM " c &&
	test_grep "no RELEASE tag here is signed by a key MAINTAINERS pins for advisories and releases" c
'
CLAIM=$(cat claim 2>/dev/null)

test_expect_success 'the same key pinned for advisories too (the Xen project key): applied, on upstream'"'"'s word' '
	trust_key "$MAINT" "$RM_KEY" advisory &&
	xs xsa status 4.21 --date $D --json >st.json &&
	grep -q "\"evidence\": \"upstream-signature\"" st.json &&
	state 902 4.21 >c &&
	test_grep "^applied $CLAIM upstream says so: commit ${CLAIM%????????????????????????????} (\"This is XSA-902\") is in RELEASE-4.21.2, signed by" c &&
	{ xs xsa status 4.21 --date $D --check >out 2>err || true; } &&
	test_grep "^902 .* applied" out &&
	xs xsa apply 4.21 902 --date $D --dry-run >out &&
	test_grep "XSA-902 *already" out &&
	xs xsa export 4.21 q21 --since RELEASE-4.21.1 >out &&
	test_grep "^0001-xen-xsa902-hypervisor-evtchn-bound-the-port-in-evtchnop-4.21.patch$" q21/series &&
	grep "^@sig [0-9a-f]* = " "$UPSTREAM/.git/xenstable/xsa-commits.v1" >sigs &&
	test_grep "$(git -C "$UPSTREAM" rev-parse RELEASE-4.21.2) = $RM_KEY" sigs
'

test_expect_success 'the verdict does not depend on the cache' '
	xs xsa status 4.21 --date $D --json --no-cache >nocache.json &&
	cmp st.json nocache.json
'

test_expect_success 'an unsigned tag, another key, a tag not named like a release: still claimed' '
	git -C "$UPSTREAM" tag -d RELEASE-4.21.2 >/dev/null &&
	git -C "$UPSTREAM" tag -a -m "Xen 4.21.2" RELEASE-4.21.2 stable-4.21 &&
	xs xsa status 4.21 --date $D --json >st.json &&
	state 902 4.21 >c && test_grep "^claimed " c &&
	git -C "$UPSTREAM" tag -d RELEASE-4.21.2 >/dev/null &&
	OTHER=$(make_key "Someone Else" other@example.org) &&
	trust_key "$MAINT" "$OTHER" release 4.20 &&
	trust_key "$MAINT" "$OTHER" advisory &&
	git -C "$UPSTREAM" tag -s -u "$OTHER" -m "Xen 4.21.2" RELEASE-4.21.2 stable-4.21 &&
	xs xsa status 4.21 --date $D --json >st.json &&
	state 902 4.21 >c && test_grep "^claimed " c &&
	git -C "$UPSTREAM" tag -d RELEASE-4.21.2 >/dev/null &&
	git -C "$UPSTREAM" tag -s -u "$RM_KEY" -m "not a release" signed-4.21 stable-4.21 &&
	xs xsa status 4.21 --date $D --json >st.json &&
	state 902 4.21 >c && test_grep "^claimed " c
'

test_expect_success 'a signed tag object copied under a release name does not count' '
	obj=$(git -C "$UPSTREAM" rev-parse signed-4.21) &&
	git -C "$UPSTREAM" update-ref refs/tags/RELEASE-4.21.2 "$obj" &&
	xs xsa status 4.21 --date $D --json >st.json &&
	state 902 4.21 >c && test_grep "^claimed " c
'

test_done
