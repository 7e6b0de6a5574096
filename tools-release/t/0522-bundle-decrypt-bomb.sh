#!/bin/sh
test_description='bundle: an encrypted compression bomb is stopped at the size limit, gpg killed, not read to its end'
. ./test-lib.sh
. "$TEST_DIR/lib-bundle.sh"

# A gpg that counts what its --decrypt writes (into $TRASH/gpg-bytes, as it
# goes) and leaves its pid; every other use of gpg goes straight through.
test_expect_success 'set up; a 512 MiB bomb of zeros, zlib-compressed inside the encryption' '
	setup_bundles &&
	cat >count.py <<-\EOF &&
	import os, sys
	n = 0
	while True:
	    b = sys.stdin.buffer.read1(65536)
	    if not b:
	        break
	    try:
	        sys.stdout.buffer.write(b)
	        sys.stdout.buffer.flush()
	    except BrokenPipeError:
	        break
	    n += len(b)
	    with open(sys.argv[1] + ".tmp", "w") as f:
	        f.write("%d\n" % n)
	    os.replace(sys.argv[1] + ".tmp", sys.argv[1])
	EOF
	cat >gpg-count <<-EOF &&
	#!/bin/sh
	for a; do [ "\$a" = --decrypt ] && dec=1; done
	[ -n "\$dec" ] || exec gpg "\$@"
	echo \$\$ >"$TRASH/gpg-count.pid"
	gpg "\$@" | python3 "$TRASH/count.py" "$TRASH/gpg-bytes"
	EOF
	chmod +x gpg-count &&
	head -c 512M /dev/zero | GNUPGHOME=$P_HOME gpg --batch --trust-model always \
		--compress-algo zlib -z 1 -r "$R_KEY" -e -o bomb.tar.gz.gpg &&
	test $(wc -c <bomb.tar.gz.gpg) -lt 4000000
'

test_expect_success 'verify: exit 3 at the limit; gpg stopped after about 64 MiB, and gone' '
	receiver_state >before &&
	rm -f gpg-bytes gpg-count.pid &&
	XENSTABLE_GPG=$TRASH/gpg-count test_expect_code 3 as_receiver bundle verify \
		bomb.tar.gz.gpg 2>err &&
	test_grep "bomb.tar.gz.gpg: decrypts to more than 67108864 bytes; refusing it" err &&
	bytes=$(cat gpg-bytes) &&
	echo "gpg wrote $bytes bytes before it was stopped" &&
	test "$bytes" -ge $((32 << 20)) &&
	test "$bytes" -lt $((96 << 20)) &&
	pid=$(cat gpg-count.pid) &&
	! kill -0 "$pid" 2>/dev/null &&
	! pgrep -f "$TRASH/count.py" &&
	receiver_state >after &&
	test_cmp before after
'

test_expect_success 'apply: the same, and no ref moves' '
	receiver_state >before &&
	rm -f gpg-bytes &&
	XENSTABLE_GPG=$TRASH/gpg-count test_expect_code 3 as_receiver bundle apply \
		bomb.tar.gz.gpg --branch 4.16 --date "$AFTER" 2>err &&
	test_grep "decrypts to more than 67108864 bytes" err &&
	test "$(cat gpg-bytes)" -lt $((96 << 20)) &&
	receiver_state >after &&
	test_cmp before after
'

test_expect_success 'with the real gpg too (a sanity bound only; timing is for make bench)' '
	start=$(date +%s) &&
	test_expect_code 3 as_receiver bundle verify bomb.tar.gz.gpg 2>err &&
	test_grep "decrypts to more than 67108864 bytes" err &&
	secs=$(( $(date +%s) - start )) &&
	echo "refused in $secs s" &&
	test "$secs" -lt 20
'

test_done
