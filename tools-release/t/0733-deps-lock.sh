#!/bin/sh
test_description='make deps waits for the Debian package lock, saying so, instead of failing at once'
. ./test-lib.sh

# A dpkg-query that knows no package, an apt-get that finds the lock held
# for its first $HELD runs (forever when HELD=all) and logs its arguments.
test_expect_success 'fake dpkg-query and apt-get' '
	mkdir -p fake &&
	cat >fake/dpkg-query <<-\EOS &&
	#!/bin/sh
	echo "deinstall ok config-files"
	EOS
	cat >fake/apt-get <<-EOS &&
	#!/bin/sh
	echo "\$*" >>"$TRASH/apt-args"
	n=\$(cat "$TRASH/apt-count" 2>/dev/null || echo 0)
	echo \$((n + 1)) >"$TRASH/apt-count"
	if [ "\$HELD" = all ] || [ "\$n" -lt "\$HELD" ]; then
		echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)" >&2
		echo "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?" >&2
		exit 100
	fi
	exit 0
	EOS
	chmod +x fake/dpkg-query fake/apt-get
'

test_expect_success ROOT 'a lock held for a while: waits, says so, then installs' '
	rm -f apt-args apt-count &&
	HELD=2 XS_APT_LOCK_WAIT=60 PATH="$TRASH/fake:$PATH" sh "$TOOLS_DIR/deps.sh" build >out 2>err &&
	test_grep "another apt or dpkg holds the package lock; waiting for it (up to 60 s" err &&
	test_grep "deps: done" err &&
	test "$(cat apt-count)" -eq 3 &&
	test_grep "^-o DPkg::Lock::Timeout=[0-9]* install -y" apt-args &&
	test "$(grep -c "waiting for it" err)" -eq 1
'

test_expect_success ROOT 'a lock never released: gives up after the wait, exit 4, says why' '
	rm -f apt-args apt-count &&
	start=$(date +%s) &&
	HELD=all XS_APT_LOCK_WAIT=3 PATH="$TRASH/fake:$PATH" test_expect_code 4 \
		sh "$TOOLS_DIR/deps.sh" build >out 2>err &&
	end=$(date +%s) &&
	test $((end - start)) -ge 3 && test $((end - start)) -lt 30 &&
	test_grep "the package lock was still held after 3 s" err &&
	test_grep ! "update" apt-args
'

test_expect_success ROOT 'another failure is not waited for: update, then install' '
	rm -f apt-args apt-count &&
	cat >fake/apt-get <<-EOS &&
	#!/bin/sh
	echo "\$*" >>"$TRASH/apt-args"
	case "\$*" in *" update "*) exit 0 ;; esac
	n=\$(cat "$TRASH/apt-count" 2>/dev/null || echo 0)
	echo \$((n + 1)) >"$TRASH/apt-count"
	[ "\$n" -ge 1 ] || { echo "E: Unable to locate package gcc" >&2; exit 100; }
	EOS
	XS_APT_LOCK_WAIT=60 PATH="$TRASH/fake:$PATH" sh "$TOOLS_DIR/deps.sh" build >out 2>err &&
	test_grep ! "waiting" err &&
	test "$(grep -c " update " apt-args)" -eq 1
'

test_done
