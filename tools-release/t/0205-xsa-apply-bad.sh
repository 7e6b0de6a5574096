#!/bin/sh
test_description='xsa apply: bad patches, missing branches, dirty or locked checkouts, held locks'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"
. "$TEST_DIR/lib-samples.sh"

export XENSTABLE_NOW="2026-11-21 12:00"
D=2026-11-21

common_dir() {
	(cd "$UPSTREAM" && cd "$(git rev-parse --git-common-dir)" && pwd)
}

# Everything about the source repository a run may change.
repo_state() {
	git -C "$UPSTREAM" for-each-ref --format="%(refname) %(objectname)" &&
	git -C "$UPSTREAM" worktree list --porcelain &&
	git -C "$UPSTREAM" count-objects -v | grep -v -e "^size" -e "^prune" &&
	find "$(common_dir)/objects" | sort
}

mail_head() {
	printf "From: Mallory <mallory@example.org>\nSubject: [PATCH] %s\n\nThis is XSA-%s.\n---\n" "$1" "$2"
}

test_expect_success 'set up: samples, and advisories whose patches are not safe' '
	setup_reference &&
	xsa_samples_import &&
	mkdir bad &&
	{ mail_head "climb out" 911 &&
	  printf "diff --git a/../evil b/../evil\n--- a/../evil\n+++ b/../evil\n@@ -1 +1 @@\n-a\n+b\n"
	} >bad/xsa911.patch &&
	{ mail_head "absolute" 912 &&
	  printf -- "--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-root\n+toor\n"
	} >bad/xsa912.patch &&
	{ mail_head "prose" 913 && printf "Just apply the obvious fix.\n"; } >bad/xsa913.patch &&
	{ mail_head "binary" 914 &&
	  printf "diff --git a/hypervisor/x.bin b/hypervisor/x.bin\nnew file mode 100644\n" &&
	  printf "index 0000000..e69de29\nGIT binary patch\nliteral 0\nHcmV?d00001\n\n"
	} >bad/xsa914.patch &&
	{ mail_head "link" 915 &&
	  printf "diff --git a/hypervisor/evil b/hypervisor/evil\nnew file mode 120000\n" &&
	  printf "index 0000000..1111111\n--- /dev/null\n+++ b/hypervisor/evil\n@@ -0,0 +1 @@\n" &&
	  printf "+../../../../etc/passwd\n\\\\ No newline at end of file\n"
	} >bad/xsa915.patch &&
	{ printf "Subject: nobody\n\n---\n" &&
	  sed -n "/^diff --git/,\$p" "$SAMPLES_DIR/901/xsa901.patch"
	} >bad/xsa916.patch &&
	for n in 911 912 913 914 915 916; do
		xsa_advisory bad $n 1 "" "Bad patch $n" "xsa$n.patch	xen-unstable - Xen 4.17.x" &&
		xsa_sign bad/advisory-$n.txt || return 1
	done &&
	xsa_xenbits_json bad/xsa.json "911:2026-11-10 12:00" "912:2026-11-10 12:00" \
		"913:2026-11-10 12:00" "914:2026-11-10 12:00" "915:2026-11-10 12:00" \
		"916:2026-11-10 12:00" &&
	xs xsa import bad >/dev/null
'

# refused N PATTERN: applying XSA-N to 4.19 exits 3 naming the problem; nothing changes.
refused() {
	repo_state >before &&
	test_expect_code 3 xs xsa apply 4.19 $1 --date $D >out 2>err &&
	test_grep -e "$2" err &&
	repo_state >after &&
	test_cmp before after
}

test_expect_success 'a path outside the tree (../)' '
	refused 911 "xsa/911/v1/xsa911.patch:6: path .\.\./evil. leaves the source tree"
'

test_expect_success 'an absolute path' '
	refused 912 "xsa/912/v1/xsa912.patch:6: path ./etc/passwd. leaves the source tree"
'

test_expect_success 'not a patch' '
	refused 913 "xsa/913/v1/xsa913.patch: not a patch (no file changes found)"
'

test_expect_success 'a binary patch' '
	refused 914 "xsa/914/v1/xsa914.patch:9: binary patch; xenstable applies text patches only"
'

test_expect_success 'a symbolic link (pointing outside the tree)' '
	refused 915 "xsa/915/v1/xsa915.patch:7: patch creates a symbolic link; refusing it"
'

test_expect_success 'a patch without an author to keep' '
	refused 916 "xsa916.patch: the patch has no From: and Subject: header"
'

test_expect_success 'one unsafe patch among the pending ones: nothing at all is applied' '
	repo_state >before &&
	test_expect_code 3 xs xsa apply 4.19 --date $D >out 2>err &&
	test_grep "XSA-911 *rejected" out &&
	test_grep "stable-4.19: nothing moved" out &&
	repo_state >after &&
	test_cmp before after
'

test_expect_success 'a branch that does not exist' '
	test_expect_code 3 xs xsa apply 4.99 --date $D 2>err &&
	test_grep "no maintained branch .4.99." err &&
	git -C "$UPSTREAM" branch -q -m stable-4.17 old-4.17 &&
	test_expect_code 3 xs xsa apply 4.17 --date $D 2>err &&
	test_grep "branch 4.17 (stable-4.17) does not exist in the source repository" err &&
	git -C "$UPSTREAM" branch -q -m old-4.17 stable-4.17
'

test_expect_success 'unknown XSAs and bad arguments' '
	test_expect_code 3 xs xsa apply 4.19 999 --date $D 2>err &&
	test_grep "XSA-999 is not in the store" err &&
	test_expect_code 2 xs xsa apply 4.19 nine 2>err &&
	test_expect_code 2 xs xsa apply 4.19 901 902 --variant xsa901.patch 2>err &&
	test_grep "exactly one XSA" err &&
	test_expect_code 2 xs xsa apply 4.19 --keep-worktree --dry-run 2>err &&
	test_expect_code 2 xs xsa apply --all 4.19 2>err &&
	test_expect_code 2 xs xsa apply --continue 4.19 2>err &&
	test_expect_code 2 xs xsa apply 2>err &&
	test_expect_code 2 xs xsa apply 4.19 --to refs/tags/x 2>err &&
	test_expect_code 2 xs xsa apply 4.19 --to "refs/heads/bad..name" 2>err
'

test_expect_success 'a checkout of the branch with changes: refused before any work' '
	git -C "$UPSTREAM" worktree add -q "$TRASH/co" stable-4.19 &&
	echo "local change" >>"$TRASH/co/README" &&
	tree_state "$TRASH/co" >co-before &&
	repo_state >before &&
	test_expect_code 4 xs xsa apply 4.19 901 --date $D 2>err &&
	test_grep "stable-4.19 is checked out in $TRASH/co, which has uncommitted changes" err &&
	repo_state >after &&
	test_cmp before after &&
	tree_state "$TRASH/co" >co-after &&
	test_cmp co-before co-after &&
	git -C "$TRASH/co" checkout -q -- README
'

test_expect_success 'a locked worktree, or one where git holds the index lock' '
	git -C "$UPSTREAM" worktree lock --reason "on a USB disk" "$TRASH/co" &&
	test_expect_code 4 xs xsa apply 4.19 901 --date $D 2>err &&
	test_grep "checked out in $TRASH/co, which is locked: on a USB disk" err &&
	git -C "$UPSTREAM" worktree unlock "$TRASH/co" &&
	lock=$(git -C "$TRASH/co" rev-parse --git-path index.lock) &&
	(cd "$TRASH/co" && touch "$lock") &&
	repo_state >before &&
	test_expect_code 4 xs xsa apply 4.19 901 --date $D 2>err &&
	test_grep "another git command holds the index lock" err &&
	repo_state >after &&
	test_cmp before after &&
	(cd "$TRASH/co" && rm "$lock")
'

test_expect_success 'a branch being rebased elsewhere' '
	git -C "$TRASH/co" checkout -q --detach &&
	GITDIR=$(git -C "$TRASH/co" rev-parse --absolute-git-dir) &&
	mkdir "$GITDIR/rebase-merge" &&
	echo refs/heads/stable-4.19 >"$GITDIR/rebase-merge/head-name" &&
	test_expect_code 4 xs xsa apply 4.19 901 --date $D 2>err &&
	test_grep "stable-4.19 is being rebased in $TRASH/co" err &&
	rm -r "$GITDIR/rebase-merge" &&
	git -C "$TRASH/co" checkout -q stable-4.19
'

# hold FILE: keep an flock on FILE in the background until release.
hold() {
	rm -f held || return 1
	python3 -c "
import fcntl, sys, time
f = open(sys.argv[1], \"a\")
fcntl.flock(f, fcntl.LOCK_EX)
open(\"held\", \"w\").close()
time.sleep(30)
" "$1" &
	HOLDER=$! &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		test -f held && return 0
		sleep 0.1
	done
	return 1
}
release() {
	kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null; true
}

test_expect_success 'the maintenance repository or the source repository is locked' '
	mkdir -p "$MAINT/.xenstable" &&
	hold "$MAINT/.xenstable/lock" &&
	{ test_expect_code 4 xs xsa apply 4.19 901 --date $D 2>err1; r=$?; release; test $r = 0; } &&
	test_grep "locked by another xenstable.*$MAINT/.xenstable/lock" err1 &&
	hold "$(common_dir)/xenstable.lock" &&
	{ test_expect_code 4 xs xsa apply 4.19 901 --date $D 2>err2; r=$?; release; test $r = 0; } &&
	test_grep "locked by another xenstable.*/upstream/.git/xenstable.lock" err2 &&
	xs xsa apply 4.19 901 --date $D >out &&
	test_grep "XSA-901 *applied" out
'

test_done
