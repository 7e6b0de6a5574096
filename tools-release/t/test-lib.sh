# test-lib.sh: shared set-up for xenstable's end-to-end tests.
#
# A test script sets test_description, sources this file, declares tests
# with test_expect_success and ends with test_done:
#
#	test_description='what this file checks'
#	. ./test-lib.sh
#	test_expect_success 'a title' '
#		xs support --date 2026-11-21 >out &&
#		grep "4.19 .*security-only" out
#	'
#	test_done
#
# Each script runs in its own trash directory ($TRASH) with a private
# GNUPGHOME; nothing outside it is touched.  Bodies are evaluated in the
# script's shell, so state carries from one test to the next; chain
# commands with && so the first failure fails the test.


unset CDPATH GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE XENSTABLE_SOURCE XENSTABLE_STOP_AT \
	XENSTABLE_NOW XENSTABLE_LOCK_WAIT
export LC_ALL=C TZ=UTC

TEST_DIR=$(cd "$(dirname "$0")" && pwd)
TOOLS_DIR=$(cd "$TEST_DIR/.." && pwd)
PROJECT_ROOT=$(cd "$TOOLS_DIR/.." && pwd)
SHARED_DIR=$(cd "$PROJECT_ROOT/.." && pwd)/shared
: "${XENSTABLE:=$TOOLS_DIR/xenstable}"
export XENSTABLE PROJECT_ROOT
test_name=$(basename "$0" .sh)

test_count=0
test_failed=0
test_passed=0
test_skipped=0

TRASH_ROOT=${XS_TRASH_ROOT:-$TEST_DIR/trash}
TRASH="$TRASH_ROOT/$test_name"
rm -rf "$TRASH"
mkdir -p "$TRASH"
cd "$TRASH" || exit 1

# gpg-agent sockets must have short paths: keep GNUPGHOME in /tmp.
GNUPGHOME=$(mktemp -d "${TMPDIR:-/tmp}/xsgpg.XXXXXX")
chmod 700 "$GNUPGHOME"
export GNUPGHOME
export GIT_AUTHOR_NAME='Test Author' GIT_AUTHOR_EMAIL='author@example.org' \
	GIT_COMMITTER_NAME='Test Committer' GIT_COMMITTER_EMAIL='committer@example.org'
export GIT_CONFIG_NOSYSTEM=1 HOME="$TRASH"
git config --global init.defaultBranch master
git config --global advice.detachedHead false

test_cleanup_hooks=
test_at_end() {
	test_cleanup_hooks="$test_cleanup_hooks
$1"
}

xs_cleanup() {
	eval "$test_cleanup_hooks"
	gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1
	rm -rf "$GNUPGHOME"
}
trap xs_cleanup EXIT

say_color() {
	printf '%s\n' "$*"
}

test_expect_success() {
	test_count=$((test_count + 1))
	if [ $# -eq 3 ]; then
		if ! test_have_prereq "$1"; then
			test_skipped=$((test_skipped + 1))
			say_color "ok $test_count # skip $2 (missing $1)"
			return 0
		fi
		shift
	fi
	_title=$1
	_body=$2
	_log="$TRASH/.log.$test_count"
	test_run_body_ >"$_log" 2>&1 </dev/null
	_rc=$?
	if [ $_rc -eq 0 ]; then
		test_passed=$((test_passed + 1))
		say_color "ok $test_count - $_title"
	else
		test_failed=$((test_failed + 1))
		say_color "not ok $test_count - $_title"
		sed -e 's/^/#	/' "$_log" | tail -n 40
		printf '#	(body exited %d)\n' "$_rc"
	fi
	cd "$TRASH"
}

# The body runs in a function of its own, so that a "return N" in it ends
# the body with status N (and the test fails or passes by it) instead of
# returning from test_expect_success before the result is counted.
test_run_body_() {
	eval "$_body"
}

test_have_prereq() {
	case "$1" in
	QEMU) command -v qemu-system-x86_64 >/dev/null 2>&1 ;;
	ABIGAIL) command -v abidiff >/dev/null 2>&1 ;;
	QUILT) command -v quilt >/dev/null 2>&1 ;;
	CHROMIUM) command -v chromium >/dev/null 2>&1 ;;
	# A private mount namespace where a small tmpfs can be mounted (root).
	TMPFS) mkdir -p "$TRASH/.tmpfs-probe" &&
		unshare -m sh -c 'mount -t tmpfs -o size=8k tmpfs "$1"' _ "$TRASH/.tmpfs-probe" \
			>/dev/null 2>&1 ;;
	REAL_XEN) test -n "${XS_REAL_XEN:-}" && test -d "$XS_REAL_XEN" ;;
	REAL_XSA) test -n "${XS_REAL_XSA:-}" && test -d "$XS_REAL_XSA" &&
		test -f "$SHARED_DIR/keys/xen.org-key.asc" ;;
	*) echo "unknown prereq $1" >&2; return 1 ;;
	esac
}

test_done() {
	printf '# %s: passed %d failed %d skipped %d\n' "$test_name" \
		"$test_passed" "$test_failed" "$test_skipped"
	# The end hooks may need the trash directory: run them before it goes.
	eval "$test_cleanup_hooks"
	test_cleanup_hooks=
	if [ "$test_failed" -eq 0 ] && [ -z "${XS_TEST_KEEP:-}" ]; then
		cd "$TEST_DIR" && rm -rf "$TRASH"
	fi
	[ "$test_failed" -eq 0 ]
	exit $?
}

# --- helpers ---------------------------------------------------------

# Run xenstable on the test's maintenance repository ($MAINT).
xs() {
	"$XENSTABLE" -C "${MAINT:-.}" "$@"
}

# paused_pid ERRFILE: wait until the xenstable run writing ERRFILE has
# stopped at XENSTABLE_PAUSE_AT, print its pid; the process is killed when
# the script ends if it is still there.
paused_pid() {
	for _i in $(seq 300); do
		_p=$(sed -n "s/.*XENSTABLE_PAUSE_AT: paused at .* (pid \([0-9]*\)).*/\1/p" "$1")
		if [ -n "$_p" ]; then
			echo "$_p" >>"$TRASH/paused-pids"
			echo "$_p"
			return 0
		fi
		sleep 0.1
	done
	echo "no process paused (see $1)" >&2
	return 1
}
test_at_end 'test -f "$TRASH/paused-pids" && for p in $(cat "$TRASH/paused-pids"); do kill -KILL $p 2>/dev/null; done'

# Run a command and insist on its exit code.
test_expect_code() {
	_want=$1
	shift
	"$@"
	_got=$?
	if [ "$_got" -ne "$_want" ]; then
		echo "test_expect_code: '$*' exited $_got, expected $_want" >&2
		return 1
	fi
	return 0
}

# A command that must fail (exit 1..125), not crash (> 128).
test_must_fail() {
	"$@"
	_got=$?
	if [ "$_got" -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	fi
	if [ "$_got" -gt 125 ]; then
		echo "test_must_fail: '$*' died (exit $_got)" >&2
		return 1
	fi
	return 0
}

test_cmp() {
	diff -u "$1" "$2"
}

# grep that shows the file when it fails.
test_grep() {
	if [ "$1" = "!" ]; then
		shift
		if grep "$@"; then
			echo "test_grep: unexpected match for '$*'" >&2
			return 1
		fi
		return 0
	fi
	if ! grep "$@"; then
		_f=$(eval "echo \${$#}")
		echo "test_grep: no match for '$*' in:" >&2
		sed 's/^/  | /' "$_f" >&2
		return 1
	fi
}

test_path_is_file() { test -f "$1" || { echo "missing file $1" >&2; return 1; }; }
test_path_is_dir() { test -d "$1" || { echo "missing dir $1" >&2; return 1; }; }
test_path_is_missing() { ! test -e "$1" || { echo "unexpected $1" >&2; return 1; }; }

# Tree listing with hashes, to prove a directory did not change.
tree_state() {
	(cd "$1" && find . -path ./.git -prune -o -type f -print0 | LC_ALL=C sort -z |
		xargs -0 -r sha256sum)
}

# The project's files as a fresh git repository (what a clone would hold,
# plus uncommitted work), for tests that need a maintenance repository.
make_maint_repo() {
	_dest=$1
	mkdir -p "$_dest" &&
	(cd "$PROJECT_ROOT" &&
		{ git ls-files -z --cached --others --exclude-standard 2>/dev/null ||
		  find . -path ./.git -prune -o -type f -print0; } |
		xargs -0 -I{} sh -c 'test -e "$1" && printf "%s\0" "$1"' _ {} |
		tar --null -T - -cf -) | (cd "$_dest" && tar -xf -) &&
	(cd "$_dest" && rm -rf xsa/[0-9]* dist demo-out .xenstable &&
		git init -q && git add -A && git commit -q -m "maintenance repository") >/dev/null
}

. "$TEST_DIR/lib-gpg.sh"
. "$TEST_DIR/lib-fixture.sh"
. "$TEST_DIR/lib-release.sh"
