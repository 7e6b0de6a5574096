#!/bin/sh
test_description='release: the publish lines can be pasted as printed (quoted paths, a remote that exists)'
. ./test-lib.sh

D="2026-11-21 10:00"
FAST="--skip build --skip abi --skip boot"
NASTY="$TRASH/src dir/it's \$(touch $TRASH/pwned) \`touch $TRASH/pwned2\`
second line;touch $TRASH/pwned3"

# paste OUT: run what follows "to publish" in OUT as a person pasting it.
paste_lines() {
	sed -n "/^to publish/,\$p" "$1" | tail -n +2 >pasted.sh &&
	sh -e pasted.sh
}

no_pwned() {
	test_path_is_missing "$TRASH/pwned" && test_path_is_missing "$TRASH/pwned2" &&
	test_path_is_missing "$TRASH/pwned3"
}

test_expect_success 'set up a source at a path with spaces, quotes, a newline and $(...)' '
	setup_reference &&
	cp -a "$MAINT" maint0 &&
	mkdir -p "$(dirname "$NASTY")" && cp -a "$UPSTREAM" "$NASTY" &&
	cp -a "$NASTY" src0 &&
	git init -q --bare pub.git &&
	git init -q --bare other.git
'

test_expect_success 'one remote, not tracked: the pasted push line publishes, nothing else runs' '
	git -C "$NASTY" remote add pub "$TRASH/pub.git" &&
	"$XENSTABLE" -C "$MAINT" --source "$NASTY" release 4.19 --date "$D" $FAST >out 2>&1 &&
	test_grep "^to publish (xenstable never pushes):$" out &&
	test_grep "push pub stable-4.19 RELEASE-4.19.3\$" out &&
	paste_lines out &&
	no_pwned &&
	git -C pub.git rev-parse RELEASE-4.19.3^{commit} stable-4.19 >pushed &&
	git -C "$NASTY" rev-parse RELEASE-4.19.3^{commit} stable-4.19 >want &&
	test_cmp want pushed
'

# fresh NAME: a new maintenance repository and source (at the nasty path).
fresh() {
	rm -rf "$MAINT" "$NASTY" && cp -a maint0 "$MAINT" && cp -a src0 "$NASTY"
}

test_expect_success 'the remote the branch tracks is the one named, among several' '
	fresh &&
	git -C "$NASTY" remote add other "$TRASH/other.git" &&
	git -C "$NASTY" remote add "up/stream" "$TRASH/pub.git" &&
	git -C "$NASTY" update-ref refs/remotes/up/stream/stable-4.19 stable-4.19 &&
	git -C "$NASTY" branch -q -u up/stream/stable-4.19 stable-4.19 &&
	"$XENSTABLE" -C "$MAINT" --source "$NASTY" release 4.19 --date "$D" $FAST >out 2>&1 &&
	test_grep "ok   remote     stable-4.19 is where up/stream/stable-4.19 has it" out &&
	test_grep "push up/stream stable-4.19 RELEASE-4.19.3\$" out &&
	test_grep ! "push other" out &&
	no_pwned
'

test_expect_success 'several remotes, none tracked: one line per remote, each pasteable' '
	fresh &&
	git -C "$NASTY" remote add a "$TRASH/pub.git" &&
	git -C "$NASTY" remote add b "$TRASH/other.git" &&
	"$XENSTABLE" -C "$MAINT" --source "$NASTY" release 4.19 --date "$D" $FAST >out 2>&1 &&
	test_grep "one of:\$" out &&
	test_grep "push a stable-4.19 RELEASE-4.19.3\$" out &&
	test_grep "push b stable-4.19 RELEASE-4.19.3\$" out &&
	no_pwned
'

test_expect_success 'no remote, push-url in [release]: the exact git remote add, then the push' '
	fresh &&
	rm -rf pub.git && git init -q --bare pub.git &&
	printf "[release]\n\tpush-url = %s\n" "$TRASH/pub.git" >>"$MAINT/branches/4.19.conf" &&
	"$XENSTABLE" -C "$MAINT" --source "$NASTY" release 4.19 --date "$D" $FAST >out 2>&1 &&
	test_grep "add the remote of push-url, then push:" out &&
	test_grep "remote add origin $TRASH/pub.git\$" out &&
	paste_lines out &&
	no_pwned &&
	test "$(git -C "$NASTY" config remote.origin.url)" = "$TRASH/pub.git" &&
	git -C pub.git rev-parse RELEASE-4.19.3 >/dev/null
'

test_expect_success 'push-url that a remote has already: that remote is named' '
	fresh &&
	git -C "$NASTY" remote add origin "$TRASH/other.git" &&
	git -C "$NASTY" remote add mine "$TRASH/pub.git" &&
	printf "[release]\n\tpush-url = %s\n" "$TRASH/pub.git" >>"$MAINT/branches/4.19.conf" &&
	"$XENSTABLE" -C "$MAINT" --source "$NASTY" release 4.19 --date "$D" $FAST >out 2>&1 &&
	test_grep "push mine stable-4.19 RELEASE-4.19.3\$" out &&
	test_grep ! "remote add" out
'

test_expect_success 'no remote, no push-url: says so and shows the two lines to adapt; origin is never invented as existing' '
	fresh &&
	"$XENSTABLE" -C "$MAINT" --source "$NASTY" release 4.19 --date "$D" $FAST >out 2>&1 &&
	test_grep "the source repository has no remote" out &&
	test_grep "remote add origin URL\$" out &&
	no_pwned
'

test_expect_success 'a push-url with a control character is bad input naming the file' '
	fresh &&
	printf "[release]\n\tpush-url = a\033b\n" >>"$MAINT/branches/4.19.conf" &&
	test_expect_code 3 "$XENSTABLE" -C "$MAINT" --source "$NASTY" release 4.19 --date "$D" $FAST >out 2>err &&
	test_grep "branches/4.19.conf:[0-9]*: push-url has a control character" err
'

test_expect_success 'the shallow-clone hint quotes the path' '
	git clone -q --depth 1 "file://$UPSTREAM" "$TRASH/sh a\$(touch $TRASH/pwned)" &&
	test_expect_code 4 "$XENSTABLE" -C "$MAINT" --source "$TRASH/sh a\$(touch $TRASH/pwned)" \
		xsa status 2>err &&
	sed -n "s/.*first run: //p" err >fix.sh &&
	test_grep "^git -C '\''$TRASH/sh a\$(touch $TRASH/pwned)'\'' fetch --unshallow\$" fix.sh &&
	sh fix.sh 2>/dev/null && no_pwned &&
	test "$(git -C "$TRASH/sh a\$(touch $TRASH/pwned)" rev-parse --is-shallow-repository)" = false
'

test_expect_success 'hints name this xenstable as it can be run, with the -C given' '
	fresh &&
	sed -i "s/supported-until = 2026-01-29/supported-until = 2026-02-27/" "$MAINT/branches/4.19.conf" &&
	test_expect_code 1 "$XENSTABLE" -C "$MAINT" support --check 2>err &&
	sed -n "s/.*run: //p" err >fix.sh &&
	test_grep -- "-C $MAINT support --write\$" fix.sh &&
	(cd / && sh "$TRASH/fix.sh") &&
	"$XENSTABLE" -C "$MAINT" support --check &&
	mkdir -p pathbin && cp "$XENSTABLE" pathbin/xenstable &&
	sed -i "s/supported-until = 2026-02-27/supported-until = 2026-02-26/" "$MAINT/branches/4.19.conf" &&
	(cd "$MAINT" && PATH="$TRASH/pathbin:$PATH" && export PATH &&
	 test_expect_code 1 xenstable support --check) 2>err &&
	test_grep "run: xenstable support --write\$" err
'

test_done
