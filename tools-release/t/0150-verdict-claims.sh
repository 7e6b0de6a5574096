#!/bin/sh
test_description='verdicts from evidence: a message that claims an XSA is not its fix (TRUST.md)'
. ./test-lib.sh
. "$TEST_DIR/lib-bundle.sh"
. "$TEST_DIR/lib-samples.sh"

D=2026-11-21
NOW="2026-11-21 12:00"
export XENSTABLE_NOW="$NOW"

# cell JSON XSA BRANCH -> "state commit detail"
cell() {
	python3 - "$1" "$2" "$3" <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	x = [e for e in d["xsas"] if e["xsa"] == int(sys.argv[2])][0]
	c = x["branches"][sys.argv[3]]
	print(c["state"], c["commit"] or "-", c["detail"] or "-")
	PY
}

# expect JSON XSA BRANCH STATE [DETAIL-PATTERN]
expect() {
	_c=$(cell "$1" "$2" "$3") &&
	case "$_c" in
	"$4 "*) ;;
	*) echo "XSA-$2 $3: expected $4, got: $_c"; return 1 ;;
	esac &&
	if [ -n "${5:-}" ]; then
		echo "$_c" | grep -q -e "$5" || { echo "XSA-$2 $3: detail not /$5/: $_c"; return 1; }
	fi
}

# on_branch REPO BRANCH SCRIPT: run SCRIPT in a worktree of BRANCH.
on_branch() {
	_wt=$TRASH/.wt-$$-$(date +%N)
	git -C "$1" worktree add -q "$_wt" "$2" &&
	(cd "$_wt" && eval "$3") &&
	git -C "$1" worktree remove --force "$_wt"
}

test_expect_success 'set up: two members, the sample advisories in both stores' '
	setup_bundles &&
	MAINT=$PMAINT xsa_samples_import "$TRASH/samples-p" &&
	MAINT=$RMAINT xsa_samples_import "$TRASH/samples-r" &&
	as_receiver xsa status 4.19 --date $D --json >st0.json &&
	expect st0.json 902 4.19 pending &&
	expect st0.json 903 4.19 pending
'

test_expect_success 'a member bundle for XSA-902 whose patch message adds "XSA: 903"' '
	git -C "$PUP" branch bp-902 stable-4.19 &&
	on_branch "$PUP" bp-902 "git am -q \"$SAMPLES_DIR/902/xsa902.patch\" &&
		git log -1 --format=%B >msg && printf \"XSA: 903\\n\" >>msg &&
		git commit -q --amend -F msg" &&
	git -C "$PUP" log -1 --format=%B bp-902 >msg &&
	test_grep "^XSA: 903$" msg &&
	GNUPGHOME=$P_HOME "$XENSTABLE" -C "$PMAINT" --source "$PUP" bundle create --branch 4.19 \
		--xsa 902 --commits stable-4.19..bp-902 --key "$P_KEY" --encrypt-to "$R_KEY" \
		--no-build >out 2>err &&
	B=$(ls "$PMAINT"/backports/4.19/xsa902-4.19-*-r1.tar.gz.gpg) &&
	as_receiver bundle apply "$B" --branch 4.19 --date $D >out 2>err &&
	git -C "$RUP" log -1 --format=%B stable-4.19 >msg &&
	test_grep "^XSA: 903$" msg
'

test_expect_success 'afterwards XSA-902 is applied, XSA-903 only claimed; --check fails' '
	as_receiver xsa status 4.19 --date $D --json >st.json &&
	c=$(git -C "$RUP" rev-parse stable-4.19) &&
	expect st.json 902 4.19 applied "$c" &&
	expect st.json 903 4.19 claimed "commit ${c%????????????????????????????} says it is XSA-903, which is only a claim: xsa903-4.19.patch, the patch the advisory maps here, is not in the tree" &&
	python3 -c "import json,sys; s=json.load(open(sys.argv[1]))[\"summary\"]; assert s[\"claimed\"] == 1, s" st.json &&
	test_expect_code 1 as_receiver xsa status 4.19 --date $D --check >out 2>err &&
	test_grep "only claimed by a commit message" err &&
	test_grep "^903 .* claimed [0-9a-f]\{10\}" out &&
	! grep "^903 .* applied" out
'

test_expect_success 'the release preflight does not list XSA-903 as fixed, and fails on it' '
	# 3 XSAs from the history: XSA-902 fixed, XSA-903 and XSA-931 of the reference claimed
	test_expect_code 1 as_receiver release 4.19 --date "$NOW" --dry-run >plan 2>err &&
	test_grep "FAIL xsa .*XSA-903 (claimed by $(git -C "$RUP" rev-parse --short=12 stable-4.19))" plan &&
	test_grep "^Plan for release 4.19.3 of stable-4.19: from RELEASE-4.19.2, [0-9]* commit(s), 3 XSA(s)$" plan &&
	! grep "every public XSA" plan &&
	test_grep "a commit claims XSA-903, but the XSA status has no evidence" err
'

test_expect_success 'the status page shows it claimed, with its own legend entry' '
	as_receiver report --date $D --html page >/dev/null &&
	grep -o "<td class=\"cell st-claimed\" data-state=\"claimed\" data-branch=\"4.19\" data-xsa=\"903\"" page/index.html &&
	test_grep "<span class=\"st-claimed\">claimed: 1</span>" page/index.html
'

test_expect_success 'xsa apply 4.19 903 does not say it is in already: it applies the fix' '
	as_receiver xsa apply 4.19 903 --date $D --dry-run >out &&
	test_grep "XSA-903 *would-apply *xsa903-4.19.patch" out &&
	! grep "already" out &&
	as_receiver xsa apply 4.19 903 --date $D >out &&
	test_grep "XSA-903 *applied *xsa903-4.19.patch" out &&
	as_receiver xsa status 4.19 --date $D --json >st.json &&
	expect st.json 903 4.19 applied "$(git -C "$RUP" rev-parse stable-4.19)"
'

test_expect_success 'variants: a plain "This is XSA-N." commit of unrelated content' '
	on_branch "$RUP" stable-4.20 "echo note >>README &&
		git commit -q -am \"Tidy the README\" -m \"This is XSA-901.\"" &&
	as_receiver xsa status 4.20 --date $D --json >st.json &&
	expect st.json 901 4.20 claimed "says it is XSA-901, which is only a claim" &&
	as_receiver xsa apply 4.20 901 --date $D --dry-run >out &&
	test_grep "XSA-901 *would-apply" out
'

test_expect_success 'variants: a forged cherry-pick (the real fix id, other content)' '
	fix=$(git -C "$PUP" rev-parse bp-902) &&
	on_branch "$RUP" stable-4.21 "sed -i \"s/if ( op->ref > rd->max_grant_entries )/if ( op->ref > rd->max_grant_entries + 0 )/\" hypervisor/common/grant_table.c &&
		git commit -q -am \"hypervisor/grant: reject the reference one past the table\" \
			-m \"This is XSA-903 / CVE-2026-99903.\" -m \"(cherry picked from commit $fix)\"" &&
	as_receiver xsa status 4.21 --date $D --json >st.json &&
	expect st.json 903 4.21 claimed "xsa903.patch, the patch the advisory maps here, is not in the tree" &&
	as_receiver xsa export 4.21 q21 --since RELEASE-4.21.1 >out 2>err &&
	test_grep "left out [0-9a-f]\{12\}: it claims XSA-903 (claimed in the XSA status); a claim is not the fix" err &&
	! grep xsa903 q21/series
'

test_expect_success 'variants: the same subject and a trailer, half the fix' '
	on_branch "$RUP" stable-4.22 "git am -q \"$SAMPLES_DIR/904/xsa904/0001-\"*.patch &&
		git log -1 --format=%B >msg && printf \"XSA: 904\\n\" >>msg && git commit -q --amend -F msg" &&
	as_receiver xsa status 4.22 --date $D --json >st.json &&
	expect st.json 904 4.22 pending "1 of 2 patches found" &&
	on_branch "$RUP" stable-4.22 "echo x >>README && git commit -q -am \"$(sed -n "s/^Subject: \[PATCH[^]]*\] //p" "$SAMPLES_DIR"/904/xsa904/0002-*.patch)\" -m \"This is part of XSA-904.\"" &&
	as_receiver xsa status 4.22 --date $D --json >st.json &&
	expect st.json 904 4.22 claimed "1 of the 2 patches the advisory maps here is not in the tree"
'

test_expect_success 'one verdict: a fix squashed into another commit is found by content everywhere' '
	on_branch "$RUP" stable-4.17 "git apply \"$SAMPLES_DIR/901/xsa901.patch\" &&
		echo more >>README && git commit -q -am \"Reservation checks and a README line\"" &&
	as_receiver xsa status 4.17 --date $D --json >st.json &&
	expect st.json 901 4.17 applied "found by content" &&
	as_receiver xsa apply 4.17 901 --date $D >out &&
	test_grep "XSA-901 *already" out &&
	{ as_receiver xsa status 4.17 --date $D --check >out 2>err || true; } &&
	! grep "^901 .* pending" out
'

test_expect_success '--all --dry-run: a branch where nothing moves says so' '
	as_receiver xsa apply 4.19 --date $D >out &&
	{ as_receiver xsa apply --all --dry-run --date $D >out 2>err || true; } &&
	t=$(git -C "$RUP" rev-parse --short=12 stable-4.19) &&
	test_grep "^4.19: nothing would move (stays at $t)" out &&
	! grep -E "would move ([0-9a-f]{12}) -> \1" out &&
	as_receiver xsa apply 4.19 --dry-run --date $D >out &&
	test_grep "stable-4.19: nothing would move (stays at $t)" out &&
	! grep "would move $t -> $t" out
'

test_done
