# lib-fixture.sh: the reference upstream for tests that need real branches.
#
# setup_reference [DIR]
#   Gives the test, under DIR (default $TRASH):
#     $MAINT      a maintenance repository (the project's files, fresh git repo)
#                 whose .xenstable/MAINTAINERS.local trusts $RM_KEY for releases
#     $UPSTREAM   the reference upstream (xenstable upstream init), tags signed
#                 by $RM_KEY, with user.name/user.email set
#     $RM_KEY     fingerprint of the throwaway release-manager key, whose secret
#                 key is in the test's $GNUPGHOME
#   and exports XENSTABLE_SOURCE=$UPSTREAM.
#
# Building the upstream takes a few seconds, so one copy is built per test run
# (under a lock) and each test gets its own cp -a of it.

setup_reference() {
	_dir=${1:-$TRASH}
	_fix=$TRASH_ROOT/.fixture
	mkdir -p "$TRASH_ROOT"
	(
		flock 9
		if ! test -f "$_fix/done"; then
			rm -rf "$_fix" && mkdir -p "$_fix/gnupg" && chmod 700 "$_fix/gnupg" &&
			GNUPGHOME=$_fix/gnupg && export GNUPGHOME &&
			_k=$(make_key "Reference Release Manager" release@example.org) &&
			echo "$_k" >"$_fix/rm-key" &&
			make_maint_repo "$_fix/maint" &&
			trust_key "$_fix/maint" "$_k" release "*" &&
			"$XENSTABLE" -q -C "$_fix/maint" upstream init --key "$_k" "$_fix/upstream" >/dev/null &&
			git -C "$_fix/upstream" config user.name "Stable Maintainer" &&
			git -C "$_fix/upstream" config user.email "stable@example.org" &&
			gpgconf --homedir "$_fix/gnupg" --kill all >/dev/null 2>&1
			touch "$_fix/done"
		fi
	) 9>"$TRASH_ROOT/.fixture.lock"
	test -f "$_fix/done" || { echo "setup_reference: building the fixture failed" >&2; return 1; }
	RM_KEY=$(cat "$_fix/rm-key")
	MAINT=$_dir/maint
	UPSTREAM=$_dir/upstream
	rm -rf "$MAINT" "$UPSTREAM"
	cp -a "$_fix/maint" "$MAINT" &&
	cp -a "$_fix/upstream" "$UPSTREAM" &&
	cp -a "$_fix/gnupg/." "$GNUPGHOME/" &&
	rm -f "$GNUPGHOME"/S.* &&
	XENSTABLE_SOURCE=$UPSTREAM &&
	export RM_KEY MAINT UPSTREAM XENSTABLE_SOURCE
}
