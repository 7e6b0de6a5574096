#!/bin/sh
test_description='xsa fixed on a line no branch file names: its signed RELEASE tags are evidence'
. ./test-lib.sh
. "$TEST_DIR/lib-fixture.sh"
. "$TEST_DIR/lib-xsa.sh"

# The reference upstream with branches/4.16.conf taken away: stable-4.16
# becomes a line upstream no longer maintains, as stable-4.7 is on the real
# xen.git.  Its backport of XSA-932 comes after its last tag (RELEASE-4.16.2).
# A revision on it is judged with its own RELEASE tags: those signed by a
# key pinned for release ("*") are evidence, any other signature is not.

# fixed_state JSON XSA: "fixed", "claimed", "partial" or "none"
fixed_state() {
	python3 -c '
import json,sys
j=json.load(open(sys.argv[1]))
x=int(sys.argv[2])
print(next((k for k in ("fixed","claimed","partial") if any(e["xsa"]==x for e in j[k])), "none"))' "$1" "$2"
}

test_expect_success 'the reference upstream; 4.16 no longer maintained here' '
	setup_reference &&
	# its RELEASE tags stand for upstream ones: the key is pinned for advisories too
	trust_key "$MAINT" "$RM_KEY" advisory &&
	rm "$MAINT/branches/4.16.conf" &&
	TIP16=$(git -C "$UPSTREAM" rev-parse stable-4.16) &&
	git -C "$UPSTREAM" log --format=%H --grep="trailing" RELEASE-4.16.2..stable-4.16 >b932 &&
	test $(wc -l <b932) = 1 &&
	echo "$TIP16" >tip16
'

test_expect_success 'after the line'"'"'s last tag, a backport is only claimed' '
	xs xsa fixed stable-4.16 --json >f.json &&
	test "$(fixed_state f.json 932)" = claimed
'

test_expect_success 'a later RELEASE tag signed by the pinned key makes it fixed' '
	git -C "$UPSTREAM" tag -s -u "$RM_KEY" -m "Xen 4.16.3" RELEASE-4.16.3 stable-4.16 &&
	xs xsa fixed RELEASE-4.16.3 --json >f.json &&
	test "$(fixed_state f.json 932)" = fixed &&
	python3 -c "import json,sys; j=json.load(open(sys.argv[1])); \
		print([e[\"commits\"] for e in j[\"fixed\"] if e[\"xsa\"]==932][0][0])" f.json >c &&
	test_cmp b932 c &&
	xs xsa fixed RELEASE-4.16.3 >f.txt &&
	test_grep "^RELEASE-4.16.3 is commit $(cat tip16) (4.16)" f.txt &&
	# what was read for the older line is cached with the rest
	test_grep "^tip $(cat tip16)$" "$UPSTREAM/.git/xenstable/xsa-history.v1" &&
	xs xsa fixed 4.16.3 --since 4.16.2 --json >s.json &&
	test "$(fixed_state s.json 932)" = fixed &&
	xs xsa fixed "$(cat tip16)" --json >f.json &&
	test "$(fixed_state f.json 932)" = fixed
'

test_expect_success 'a key pinned for releases only (a local release manager) is no evidence' '
	cp "$MAINT/.xenstable/MAINTAINERS.local" maintainers.local &&
	grep -v "advisory" maintainers.local >"$MAINT/.xenstable/MAINTAINERS.local" &&
	xs xsa fixed RELEASE-4.16.3 --json >f.json 2>err &&
	test "$(fixed_state f.json 932)" = claimed &&
	test_grep "does not pin for both advisories and releases" err &&
	cp maintainers.local "$MAINT/.xenstable/MAINTAINERS.local" &&
	xs xsa fixed RELEASE-4.16.3 --json >f.json &&
	test "$(fixed_state f.json 932)" = fixed
'

test_expect_success 'the older line is not listed by xsa history' '
	xs xsa history --json >h.json &&
	python3 -c "import json,sys; j=json.load(open(sys.argv[1])); \
		print(sorted(b[\"branch\"] for b in j[\"branches\"]))" h.json >branches &&
	test_grep ! "4.16" branches &&
	test_grep "4.17" branches
'

test_expect_success 'a tag signed by a key not pinned is no evidence' '
	git -C "$UPSTREAM" tag -d RELEASE-4.16.3 >/dev/null &&
	OTHER=$(make_key "Someone Else" other@example.org) &&
	git -C "$UPSTREAM" tag -s -u "$OTHER" -m "Xen 4.16.3" RELEASE-4.16.3 stable-4.16 &&
	xs xsa fixed RELEASE-4.16.3 --json >f.json &&
	test "$(fixed_state f.json 932)" = claimed
'

test_expect_success 'a key pinned for release that signed with SHA-1 in 2019 and in 2021' '
	OLD=$(make_old_rsa_key "Old Release Manager" old@example.org) &&
	trust_key "$MAINT" "$OLD" release "*" &&
	trust_key "$MAINT" "$OLD" advisory &&
	git -C "$UPSTREAM" tag -d RELEASE-4.16.3 >/dev/null &&
	hand_tag "$UPSTREAM" RELEASE-4.16.3 "$(cat tip16)" "$OLD" SHA256 1559347200 &&
	xs xsa fixed RELEASE-4.16.3 --json >f.json &&
	test "$(fixed_state f.json 932)" = fixed &&
	git -C "$UPSTREAM" tag -d RELEASE-4.16.3 >/dev/null &&
	hand_tag "$UPSTREAM" RELEASE-4.16.3 "$(cat tip16)" "$OLD" SHA1 1559347200 &&
	xs xsa fixed RELEASE-4.16.3 --json >f.json &&
	test "$(fixed_state f.json 932)" = fixed &&
	git -C "$UPSTREAM" tag -d RELEASE-4.16.3 >/dev/null &&
	hand_tag "$UPSTREAM" RELEASE-4.16.3 "$(cat tip16)" "$OLD" SHA1 1622505600 &&
	xs xsa fixed RELEASE-4.16.3 --json >f.json &&
	test "$(fixed_state f.json 932)" = claimed
'

test_expect_success 'a release tag of a tag names no commit of its own: no evidence' '
	git -C "$UPSTREAM" tag -d RELEASE-4.16.3 >/dev/null &&
	git -C "$UPSTREAM" tag -s -u "$OTHER" -m "inner" inner-4.16.3 stable-4.16 &&
	hand_tag "$UPSTREAM" RELEASE-4.16.3 "$(git -C "$UPSTREAM" rev-parse inner-4.16.3)" "$RM_KEY" SHA256 \
		"$(date +%s)" tag &&
	xs xsa fixed RELEASE-4.16.3 --json >f.json &&
	test "$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"commit\"])" f.json)" = \
		"$(cat tip16)" &&
	test "$(fixed_state f.json 932)" = claimed
'

test_done
