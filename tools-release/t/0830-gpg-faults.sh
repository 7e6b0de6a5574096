#!/bin/sh
test_description='fault injection: gpg missing, its agent unreachable, expired and revoked keys'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"
. "$TEST_DIR/lib-samples.sh"

D="2026-11-21 10:00"
FAST="--skip build --skip abi --skip boot"
export XENSTABLE_NOW="2026-11-21 12:00"

# Everything a release may change.
published() {
	git -C "$UPSTREAM" for-each-ref --format="%(refname) %(objectname)" &&
	{ ls -A "$MAINT/dist" 2>/dev/null || true; }
}

test_expect_success 'set up the reference upstream; sign the samples' '
	setup_reference &&
	xsa_samples_sign &&
	trust_key "$MAINT" "$XSA_KEY" advisory &&
	published >before
'

test_expect_success 'XENSTABLE_GPG names a missing program: exit 4, it says which' '
	XENSTABLE_GPG=/nonexistent/gpg test_expect_code 4 xs verify RELEASE-4.19.2 2>err &&
	test_grep "/nonexistent/gpg" err &&
	XENSTABLE_GPG=/nonexistent/gpg test_expect_code 4 xs xsa import samples/902 2>err &&
	test_grep "/nonexistent/gpg" err &&
	XENSTABLE_GPG=/nonexistent/gpg test_expect_code 4 xs release 4.19 --date "$D" $FAST \
		>out 2>err &&
	test_grep "/nonexistent/gpg" err &&
	published >after && test_cmp before after &&
	test_path_is_missing "$MAINT/xsa/902"
'

test_expect_success 'no gpg in PATH: exit 4, it says gpg is missing' '
	mkdir nogpg &&
	for p in git sh; do ln -s "$(command -v $p)" nogpg/$p || return 1; done &&
	PATH=$TRASH/nogpg test_expect_code 4 "$XENSTABLE" -C "$MAINT" verify RELEASE-4.19.2 2>err &&
	test_grep "gpg" err &&
	test_grep -i "not found\|cannot run" err &&
	PATH=$TRASH/nogpg test_expect_code 4 "$XENSTABLE" -C "$MAINT" xsa import samples/902 2>err &&
	test_grep "gpg" err &&
	published >after && test_cmp before after
'

test_expect_success 'gpg-agent unreachable: the key check says so, exit 4, nothing is published' '
	gpgconf --kill gpg-agent &&
	echo no-autostart >>"$GNUPGHOME/gpg.conf" &&
	test_expect_code 4 xs release 4.19 --date "$D" $FAST >out 2>err &&
	test_grep "gpg could not list the secret key .*No agent running" err &&
	test_grep "ERR  key        gpg could not be asked about key" out &&
	published >after &&
	grep -v "^refs/xenstable/" after >after.pub &&
	test_cmp before after.pub &&
	test_path_is_missing "$MAINT/dist/4.19.3" &&
	sed -i "/^no-autostart$/d" "$GNUPGHOME/gpg.conf"
'

test_expect_success 'with the agent back, the release completes' '
	xs release 4.19 --date "$D" $FAST >out 2>&1 &&
	xs verify RELEASE-4.19.3 >v &&
	published >before
'

test_expect_success 'the agent killed in the middle of a release: exit 4, a rerun completes' '
	commit_on stable-4.20 README "s/^/ /" "README: indent" &&
	{ XENSTABLE_PAUSE_AT=release-checks:1 xs release 4.20 --date "$D" $FAST >out 2>err & } &&
	pid=$! &&
	xpid=$(paused_pid err) &&
	test_grep "paused at release-checks:1" err &&
	gpgconf --kill gpg-agent &&
	echo no-autostart >>"$GNUPGHOME/gpg.conf" &&
	kill -CONT $xpid &&
	{ wait $pid; test $? -eq 4; } &&
	test_grep "gpg did not sign" err &&
	test_must_fail git -C "$UPSTREAM" rev-parse -q --verify refs/tags/RELEASE-4.20.2 &&
	sed -i "/^no-autostart$/d" "$GNUPGHOME/gpg.conf" &&
	xs release 4.20 --date "$D" $FAST >out 2>&1 &&
	test_grep "completing the interrupted release" out &&
	xs verify RELEASE-4.20.2 >v
'

test_expect_success 'an advisory signed by a key that has since expired is refused (exit 3)' '
	old=$(gpg --batch --no-tty --passphrase "" --faked-system-time 20200101T000000 \
		--quick-gen-key "Old Team <old@xsa.example.org>" ed25519 sign 1y >/dev/null 2>&1 &&
		gpg --batch --with-colons --list-keys "<old@xsa.example.org>" |
		awk -F: "/^fpr:/ { print \$10; exit }") &&
	test -n "$old" &&
	cp -a samples/902 exp902 &&
	cp "$SAMPLES_DIR/902/advisory-902.txt" exp902/ &&
	gpg --batch --yes --no-tty --faked-system-time 20200601T000000 --local-user "$old!" \
		--digest-algo SHA256 --clearsign --output exp902/a.asc exp902/advisory-902.txt &&
	mv exp902/a.asc exp902/advisory-902.txt &&
	trust_key "$MAINT" "$old" advisory &&
	test_expect_code 3 xs xsa import exp902 2>err &&
	test_grep "advisory-902.txt: signed by key .*, which has expired" err &&
	test_path_is_missing "$MAINT/xsa/902"
'

test_expect_success 'a release key that has expired stops the preflight (exit 1, nothing published)' '
	trust_key "$MAINT" "$old" release "*" &&
	commit_on stable-4.21 README "s/^/ /" "README: indent" &&
	published >before &&
	test_expect_code 1 xs release 4.21 --key "$old" --date "$D" $FAST >out 2>err &&
	test_grep "FAIL key        key $old has expired" out &&
	published >after && grep -v "^refs/xenstable/" after >after.pub &&
	grep -v "^refs/xenstable/" before >before.pub &&
	test_cmp before.pub after.pub
'

test_expect_success 'an advisory signed by a key revoked since is refused (exit 3)' '
	rev=$(make_key "Revoked Team" revoked@xsa.example.org) &&
	cp -a samples/903 rev903 &&
	cp "$SAMPLES_DIR/903/advisory-903.txt" rev903/ &&
	gpg --batch --yes --no-tty --local-user "$rev!" --digest-algo SHA256 \
		--clearsign --output rev903/a.asc rev903/advisory-903.txt &&
	mv rev903/a.asc rev903/advisory-903.txt &&
	trust_key "$MAINT" "$rev" advisory &&
	sed "s/^:-----BEGIN/-----BEGIN/" "$GNUPGHOME/openpgp-revocs.d/$rev.rev" |
		gpg --batch --import 2>/dev/null &&
	test_expect_code 3 xs xsa import rev903 2>err &&
	test_grep "advisory-903.txt: signed by key .*, which has been revoked" err &&
	test_path_is_missing "$MAINT/xsa/903"
'

test_expect_success 'a release tag whose key was revoked since fails verify' '
	sed "s/^:-----BEGIN/-----BEGIN/" "$GNUPGHOME/openpgp-revocs.d/$RM_KEY.rev" |
		gpg --batch --import 2>/dev/null &&
	test_must_fail xs verify RELEASE-4.19.3 >out 2>err &&
	cat out err &&
	test_grep "revoked" out err
'

test_done
