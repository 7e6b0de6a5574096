#!/bin/sh
test_description='xsa apply on a real xen.git (only with XS_REAL_XEN=DIR)'
# XS_REAL_XEN names a clone of xen.git with stable-4.19 ... stable-4.22.
# The test works on a bare copy of it (its refs move; the clone's never
# do).  From the newest XSA fixed on all four branches it makes an
# advisory (signed by a throwaway key) whose per-branch variants are the
# real backports as git format-patch writes them, winds three branches
# back to just before their fix, and checks that xsa apply puts the right
# variant on each, making exactly the tree upstream made.
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"

MAINT=$TRASH/maint
SRC=$TRASH/xen.git
export XENSTABLE_NOW="2026-11-21 12:00"

test_expect_success REAL_XEN 'a bare copy of xen.git and a maintenance repository' '
	git clone -q --bare "$XS_REAL_XEN" "$SRC" &&
	git -C "$SRC" config user.name "Stable Maintainer" &&
	git -C "$SRC" config user.email stable@example.org &&
	make_maint_repo "$MAINT" &&
	XSA_KEY=$(xsa_make_key) &&
	trust_key "$MAINT" "$XSA_KEY" advisory
'

# fix_on N BRANCH: the commit on BRANCH that says it is XSA-N (oldest first: the first one).
fix_on() {
	git -C "$SRC" log --reverse --format=%H -E --grep="^This is (part of )?XSA-$1([^0-9]|$)" \
		"stable-$2" | head -n 1
}

# differs N: 4.22's fix of XSA-N does not apply to 4.19 just before its own fix.
differs() {
	_f=$(fix_on $1 4.19) &&
	GIT_INDEX_FILE=$TRASH/idx git -C "$SRC" read-tree $_f^ &&
	git -C "$SRC" format-patch -q -1 --stdout "$(fix_on $1 4.22)" >"$TRASH/cand.patch" &&
	! GIT_INDEX_FILE=$TRASH/idx git -C "$SRC" apply --cached --check "$TRASH/cand.patch" 2>/dev/null
}

test_expect_success REAL_XEN 'a recent XSA fixed by one commit on each of 4.19 ... 4.22' '
	git -C "$SRC" log --format=%B -400 stable-4.22 |
		sed -n "s/^This is XSA-\([0-9][0-9]*\)\b.*/\1/p" >nums &&
	N= && FIRST= &&
	for n in $(cat nums); do
		ok=1
		for b in 4.19 4.20 4.21 4.22; do
			c=$(git -C "$SRC" log --format=%H -E --grep="^This is XSA-$n([^0-9]|$)" stable-$b | wc -l)
			test "$c" = 1 || ok=
		done
		test -n "$ok" || continue
		FIRST=${FIRST:-$n}
		# Rather one whose newest variant does not fit the oldest branch.
		if differs $n; then N=$n; break; fi
	done &&
	N=${N:-$FIRST} &&
	test -n "$N" &&
	echo "XSA-$N" >&2 &&
	mkdir adv &&
	for b in 4.19 4.20 4.21 4.22; do
		git -C "$SRC" format-patch -q -1 --stdout "$(fix_on $N $b)" >adv/xsa$N-$b.patch || return 1
	done &&
	xsa_advisory adv $N 1 "" "A real fix, as backported upstream" \
		"xsa$N-4.22.patch	xen-unstable - Xen 4.22.x" "xsa$N-4.21.patch	Xen 4.21.x" \
		"xsa$N-4.20.patch	Xen 4.20.x" "xsa$N-4.19.patch	Xen 4.19.x" &&
	xsa_sign adv/advisory-$N.txt &&
	xsa_xenbits_json adv/xsa.json "$N:2026-11-01 12:00" &&
	xs --source "$SRC" xsa import adv >/dev/null
'

test_expect_success REAL_XEN 'on the branches that have it, it is reported and left alone' '
	tip=$(git -C "$SRC" rev-parse stable-4.22) &&
	xs --source "$SRC" xsa apply 4.22 $N --date 2026-11-21 >out &&
	test_grep "XSA-$N *already" out &&
	test $(git -C "$SRC" rev-parse stable-4.22) = $tip
'

test_expect_success REAL_XEN 'wound back to before the fix, each branch gets its own variant' '
	for b in 4.19 4.20 4.21; do
		fix=$(fix_on $N $b) &&
		git -C "$SRC" update-ref refs/heads/stable-$b $fix^ &&
		xs --source "$SRC" xsa apply $b $N --date 2026-11-21 >out-$b || { cat out-$b; return 1; }
		test_grep "XSA-$N *applied *xsa$N-$b.patch" out-$b &&
		test $(git -C "$SRC" rev-parse stable-$b^{tree}) = $(git -C "$SRC" rev-parse $fix^{tree}) &&
		test $(git -C "$SRC" rev-parse stable-$b^) = $(git -C "$SRC" rev-parse $fix^) &&
		git -C "$SRC" log -1 --format=%an stable-$b >a &&
		git -C "$SRC" log -1 --format=%an $fix >b &&
		test_cmp b a || return 1
	done
'

test_expect_success REAL_XEN 'the 4.22 variant on a 4.19 without the fix: refused if it does not apply' '
	fix=$(fix_on $N 4.19) &&
	git -C "$SRC" update-ref refs/heads/stable-4.19 $fix^ &&
	GIT_INDEX_FILE=$TRASH/idx git -C "$SRC" read-tree $fix^ &&
	if GIT_INDEX_FILE=$TRASH/idx git -C "$SRC" apply --cached --check "$TRASH/adv/xsa$N-4.22.patch" 2>/dev/null
	then
		echo "xsa$N-4.22.patch happens to apply to 4.19; nothing to check" >&2
	else
		test_expect_code 1 xs --source "$SRC" xsa apply 4.19 $N --variant xsa$N-4.22.patch \
			--date 2026-11-21 >out &&
		test_grep "XSA-$N *conflict *xsa$N-4.22.patch (--variant)" out &&
		test_grep "xsa$N-4.19.patch of XSA-$N applies cleanly here" out &&
		test $(git -C "$SRC" rev-parse stable-4.19) = $(git -C "$SRC" rev-parse $fix^)
	fi &&
	xs --source "$SRC" xsa apply 4.19 $N --date 2026-11-21 >out &&
	test $(git -C "$SRC" rev-parse stable-4.19^{tree}) = $(git -C "$SRC" rev-parse $fix^{tree})
'

test_expect_success REAL_XEN 'the status matrix agrees' '
	xs --source "$SRC" xsa status 4.19 4.20 4.21 4.22 --date 2026-11-21 --json >st.json &&
	python3 - st.json $N <<-\PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	x = [e for e in d["xsas"] if e["xsa"] == int(sys.argv[2])][0]
	s = {b: c["state"] for b, c in x["branches"].items()}
	assert s == {"4.19": "applied", "4.20": "applied", "4.21": "applied", "4.22": "applied"}, s
	PY
'

test_done
