#!/bin/sh
test_description='bundle: verify refuses every patch apply would refuse (one check), as input (exit 3) naming the bundle entry'
. ./test-lib.sh
. "$TEST_DIR/lib-bundle.sh"

FORGE="python3 $TEST_DIR/bundle-forge.py"

test_expect_success 'set up' '
	setup_bundles &&
	set -- "$TRASH"/series/0001-*.patch &&
	P1=$1 && set -- "$TRASH"/series/0002-*.patch && P2=$1 &&
	BASE=$(git -C "$RUP" rev-parse stable-4.16) &&
	echo "$P1 $P2 $BASE" >vars
'
read P1 P2 BASE <vars
ENTRY="patches/0002-hypervisor-evtchn-check-the-port-in-EVTCHNOP_status.patch"

# with_extra NAME: the fix's mail with the diff in file NAME.extra added
# before its signature line.
with_extra() {
	sed '/^-- $/,$d' "$P2" >"$1.patch" &&
	cat "$1.extra" >>"$1.patch" &&
	printf -- "-- \n2.39.5\n\n" >>"$1.patch"
}

# edited NAME SED: the fix's mail edited by sed.
edited() {
	sed "$2" "$P2" >"$1.patch" &&
	! cmp -s "$P2" "$1.patch"
}

# refused NAME MESSAGE: a member-signed bundle with NAME.patch as its fix;
# verify and apply exit 3 naming the entry (and MESSAGE); nothing is
# kept or recorded; no ref moves.
refused() {
	$FORGE "$1.tar.gz" --home "$P_HOME" --key "$P_KEY" --producer producer \
		--base-commit "$BASE" --embargo "$EMBARGO_ISO" \
		--patch "$P1:prerequisite:960:$PREREQ" --patch "$1.patch:fix:960:$FIX" >/dev/null &&
	receiver_state >state-before &&
	test_expect_code 3 as_receiver bundle verify "$1.tar.gz" --date "$BEFORE" >out 2>err-verify &&
	test_grep ! "^verified" out &&
	test_grep -e "^xenstable: error: $1.tar.gz: $ENTRY:[0-9]*: $2" err-verify &&
	test_expect_code 3 as_receiver bundle apply "$1.tar.gz" --branch 4.16 --date "$AFTER" \
		>out 2>err-apply &&
	test_grep -e "$1.tar.gz: $ENTRY:[0-9]*: $2" err-apply &&
	test_grep ! "/tmp/" err-apply &&
	receiver_state >state-after &&
	test_cmp state-before state-after &&
	test_path_is_missing "$RMAINT/backports/seen.json"
}

test_expect_success 'a symbolic link, a binary file, a rename into .git: verify refuses what apply refuses' '
	printf "%s\n" "diff --git a/hypervisor/link b/hypervisor/link" "new file mode 120000" \
		"index 0000000..1111111" "--- /dev/null" "+++ b/hypervisor/link" "@@ -0,0 +1 @@" \
		"+/etc/passwd" "\\ No newline at end of file" >symlink.extra &&
	with_extra symlink &&
	refused symlink "patch creates a symbolic link" &&
	printf "%s\n" "diff --git a/hypervisor/blob.bin b/hypervisor/blob.bin" \
		"new file mode 100644" "index 0000000..e69de29" "GIT binary patch" "literal 4" \
		"LcmZ?wbaM;<0RR91" "" "literal 0" "HcmV?d00001" "" >binary.extra &&
	with_extra binary &&
	refused binary "binary patch" &&
	printf "%s\n" "diff --git a/README b/.git/x" "similarity index 100%" "rename from README" \
		"rename to .git/x" >renamegit.extra &&
	with_extra renamegit &&
	refused renamegit "patch touches .\.git/x." &&
	printf "%s\n" "diff --git a/README b/README2" "similarity index 100%" \
		"copy from hypervisor/.GIT/x" "copy to README2" >copyfrom.extra &&
	with_extra copyfrom &&
	refused copyfrom "patch touches .hypervisor/\.GIT/x."
'

# Paths git alone refused (reported as a conflict, exit 1), in every
# spelling a filesystem would take for .git, on every line git reads.
F=hypervisor/common/event_channel.c
while IFS='|' read name sed message; do
	test_expect_success "unsafe path refused as input: $name" "
		edited $name '$sed' &&
		refused $name \"$message\"
	"
done <<EOF
upper|s#$F#.GIT/config#g|patch touches .\.GIT/config.
nested|s#$F#hypervisor/.git/config#g|patch touches .hypervisor/\.git/config.
deeper|s#$F#foo/.git/config#g|patch touches .foo/\.git/config.
dot|s#$F#.git./config#g|patch touches .\.git\./config.
shortname|s#$F#GIT~1/config#g|patch touches .GIT~1/config.
stream|s#$F#.git::\$INDEX_ALLOCATION/config#g|patch touches
dotsonly|s#$F#hypervisor/.../x.c#g|path .hypervisor/\.\.\./x.c. has a component of dots and spaces only
diffline|/^diff --git/s#a/$F#a/../outside#g|path .\.\./outside. leaves the source tree
minusline|/^--- a/s#a/$F#a/.Git/config#|patch touches .\.Git/config.
plusline|/^+++ b/s#b/$F#b/x/.git/config#|patch touches .x/\.git/config.
EOF

test_expect_success 'a patch without the mail headers its commit is made from' '
	edited nofrom "/^From: /d" &&
	refused nofrom "no From: (with an address) and Subject: header"
'

test_expect_success 'the untouched series is still verified and applies' '
	$FORGE good.tar.gz --home "$P_HOME" --key "$P_KEY" --producer producer \
		--base-commit "$BASE" --embargo "$EMBARGO_ISO" \
		--patch "$P1:prerequisite:960:$PREREQ" --patch "$P2:fix:960:$FIX" >/dev/null &&
	as_receiver bundle apply good.tar.gz --branch 4.16 --date "$AFTER" >out &&
	test_grep "^refs/heads/stable-4.16 moved to " out
'

test_done
