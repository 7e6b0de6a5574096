#!/bin/sh
test_description='xsa import: a missing or broken gpg home is an environment fault (exit 4), not an untrusted key'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"
. "$TEST_DIR/lib-samples.sh"

MAINT=$TRASH/maint
export XENSTABLE_NOW="2026-11-21 12:00"

# The repository without its lock file (a run may leave it, empty).
state() {
	tree_state "$MAINT" | grep -v " \./\.xenstable/lock\$"
}

test_expect_success 'set up: the samples signed; their key trusted, and exported' '
	make_maint_repo "$MAINT" &&
	xsa_samples_sign &&
	trust_key "$MAINT" "$XSA_KEY" advisory &&
	export_key "$XSA_KEY" >team.asc &&
	echo "$XSA_KEY" >key &&
	state >before
'

# try_import ENV...: xsa import of samples 902 and 903 under env ENV.
try_import() {
	env "$@" "$XENSTABLE" -C "$MAINT" xsa import "$TRASH/samples/902" "$TRASH/samples/903"
}

test_expect_success 'GNUPGHOME naming a directory that does not exist: exit 4, says so' '
	test_expect_code 4 try_import GNUPGHOME="$TRASH/no-such-dir" >out 2>err &&
	test_grep "gpg home .*no-such-dir. (\$GNUPGHOME): no such directory" err &&
	! test_grep "trusted keys" err &&
	test $(grep -c "error:" err) -eq 1 &&
	state >after &&
	test_cmp before after
'

test_expect_success 'GNUPGHOME naming a regular file: exit 4, says so' '
	echo "not a keyring" >afile &&
	test_expect_code 4 try_import GNUPGHOME="$TRASH/afile" >out 2>err &&
	test_grep "gpg home .*afile. (\$GNUPGHOME) is not a directory" err &&
	! test_grep "trusted keys" err &&
	state >after &&
	test_cmp before after
'

test_expect_success 'GNUPGHOME unset and no ~/.gnupg: exit 4, says so' '
	mkdir emptyhome &&
	test_expect_code 4 try_import -u GNUPGHOME HOME="$TRASH/emptyhome" >out 2>err &&
	test_grep "gpg home .*emptyhome/.gnupg. (~/.gnupg, as GNUPGHOME is not set): no such directory" err &&
	test_path_is_missing emptyhome/.gnupg &&
	test_expect_code 4 try_import -u GNUPGHOME -u HOME >out 2>err &&
	test_grep "neither GNUPGHOME nor HOME is set" err &&
	state >after &&
	test_cmp before after
'

test_expect_success 'GNUPGHOME unset and a ~/.gnupg with the key: it is used' '
	mkdir -p keyhome/.gnupg && chmod 700 keyhome/.gnupg &&
	GNUPGHOME=$TRASH/keyhome/.gnupg gpg --batch --import team.asc 2>/dev/null &&
	test_at_end "gpgconf --homedir \"$TRASH/keyhome/.gnupg\" --kill all >/dev/null 2>&1" &&
	try_import -u GNUPGHOME HOME="$TRASH/keyhome" >out 2>err &&
	test_grep "XSA-902 version 2 stored" out &&
	gpgconf --homedir "$TRASH/keyhome/.gnupg" --kill all >/dev/null 2>&1
'

test_expect_success 'with --keyring the broken GNUPGHOME does not matter' '
	rm -rf "$MAINT/xsa/902" "$MAINT/xsa/903" &&
	env GNUPGHOME="$TRASH/no-such-dir" "$XENSTABLE" -C "$MAINT" xsa import --keyring team.asc \
		"$TRASH/samples/902" >out 2>err &&
	test_grep "XSA-902 version 2 stored" out
'

test_expect_success 'an existing but empty keyring is still an unknown key (exit 3)' '
	rm -rf "$MAINT/xsa/902" &&
	mkdir -m 700 emptyring &&
	test_expect_code 3 try_import GNUPGHOME="$TRASH/emptyring" >out 2>err &&
	gpgconf --homedir "$TRASH/emptyring" --kill all >/dev/null 2>&1;
	test_grep "not among the trusted keys" err
'

test_done
