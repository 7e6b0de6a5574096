#!/bin/sh
test_description='no gpg-agent outlives its run: xenstable'\''s temporary homes, killed runs, the tests'\'' own keyrings'
. ./test-lib.sh
. "$TEST_DIR/lib-xsa.sh"

# agents_in DIR: pids of the gpg-agents whose homedir is below DIR.
agents_in() {
	ps -eo pid=,args= | while read -r _pid _args; do
		case "$_args" in "gpg-agent --homedir $1"*) echo "$_pid" ;; esac
	done
}

# no_agents_in DIR: none there (an agent told to stop takes a moment).
no_agents_in() {
	for _i in $(seq 50); do
		test -z "$(agents_in "$1")" && return 0
		sleep 0.1
	done
	echo "gpg-agent still running in $1: $(agents_in "$1")" >&2
	return 1
}

test_expect_success 'set up: an advisory and its key as a keyring file' '
	setup_reference &&
	XSA_KEY=$(xsa_make_key) &&
	trust_key "$MAINT" "$XSA_KEY" advisory &&
	gpg --batch --armor --export "$XSA_KEY" >keyring.asc &&
	make_xsa 950 "xen-unstable - Xen 4.17.x" "xen/memory: avoid overflow" \
		hypervisor/common/memory.c "s/d->max_pages )/d->max_pages ) \/* 950 *\//" &&
	test_path_is_file xsa-950/advisory-950.txt
'

test_expect_success 'a run that ends leaves no home and no agent' '
	xs xsa import --keyring keyring.asc xsa-950 >out 2>&1 &&
	test -z "$(ls -d "$TMPDIR"/xenstable-gnupg-* 2>/dev/null)" &&
	no_agents_in "$TMPDIR/xenstable-gnupg-"
'

test_expect_success 'a killed run leaves its home and agent; the next run stops and removes them' '
	rm -rf "$MAINT/xsa/950" &&
	XENSTABLE_STOP_AT=xsa-store-add:1 test_expect_code 137 \
		xs xsa import --keyring keyring.asc xsa-950 >out 2>&1 &&
	home=$(ls -d "$TMPDIR"/xenstable-gnupg-*) &&
	test -n "$home" && test_path_is_file "$home/xenstable.pid" &&
	test -n "$(agents_in "$home")" &&
	xs xsa import --keyring keyring.asc xsa-950 >out 2>&1 &&
	test_path_is_missing "$home" &&
	no_agents_in "$TMPDIR/xenstable-gnupg-"
'

test_expect_success 'a home of a live process is left alone' '
	mkdir -m 700 "$TMPDIR/xenstable-gnupg-live" &&
	echo $$ >"$TMPDIR/xenstable-gnupg-live/xenstable.pid" &&
	xs xsa import --keyring keyring.asc xsa-950 >out 2>&1 &&
	test_path_is_dir "$TMPDIR/xenstable-gnupg-live" &&
	rm -r "$TMPDIR/xenstable-gnupg-live"
'

test_expect_success 'test-lib stops the agents of a test: its GNUPGHOME, keyrings in its trash, left xenstable homes' '
	mkdir -p mini &&
	cp "$TEST_DIR/test-lib.sh" "$TEST_DIR/lib-gpg.sh" "$TEST_DIR/lib-fixture.sh" \
		"$TEST_DIR/lib-release.sh" mini/ &&
	cat >mini/9999-agents.sh <<-\EOS &&
	test_description="starts agents and ends"
	. ./test-lib.sh
	test_expect_success "agents everywhere" "
		make_key One one@example.org >/dev/null &&
		mkdir -m 700 other && GNUPGHOME=\$TRASH/other make_key Two two@example.org >/dev/null &&
		mkdir -m 700 \$TMPDIR/xenstable-gnupg-left &&
		gpg-connect-agent --homedir \$TMPDIR/xenstable-gnupg-left /bye >/dev/null 2>&1 &&
		printf \"%s\n%s\n%s\n\" \"\$GNUPGHOME\" \"\$TRASH\" \"\$TMPDIR\" >\$TRASH_ROOT/dirs &&
		ps -eo args= | grep -c \"^gpg-agent --homedir \\(\$GNUPGHOME\\|\$TRASH/\\|\$TMPDIR/\\)\" >\$TRASH_ROOT/started
	"
	test_done
	EOS
	(cd mini && XS_TRASH_ROOT="$TRASH/mini-trash" sh ./9999-agents.sh) >mini.out 2>&1 &&
	test_grep "^ok 1" mini.out &&
	test "$(cat mini-trash/started)" -eq 3 &&
	for d in $(cat mini-trash/dirs); do
		no_agents_in "$d" || return 1
	done &&
	test_path_is_missing "$(sed -n 3p mini-trash/dirs)"
'

test_done
