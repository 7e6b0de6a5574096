#!/bin/sh
# run-tests.sh: run the C unit tests and the numbered end-to-end tests
# (one progress line per finished script, with its time), then list what
# was skipped and how to enable it, and end with one summary line
# "N passed, N failed, N skipped" (CI reads it: keep its form).
#
#   XENSTABLE   the binary to test (default: ../xenstable)
#   UNIT_TESTS  unit test programs to run (space separated)
#   T           only the scripts whose names start with these (e.g. "0001 01")
#   JOBS        scripts run in parallel (default: number of CPUs)
#   XS_TEST_KEEP=1 keeps trash directories
#   XS_TEST_WRAP  a command put in front of every xenstable run (valgrind)

cd "$(dirname "$0")" || exit 1
T_DIR=$(pwd)
: "${XENSTABLE:=$T_DIR/../xenstable}"
export XENSTABLE
: "${JOBS:=$(nproc 2>/dev/null || echo 2)}"
RESULTS=$T_DIR/results
rm -rf "$RESULTS" "$T_DIR/trash"
mkdir -p "$RESULTS" "$T_DIR/trash"
export XS_TRASH_ROOT="$T_DIR/trash"

passed=0
failed=0
skipped=0
failures=

# --- C unit tests ----------------------------------------------------
for u in ${UNIT_TESTS:-}; do
	name=$(basename "$u")
	if [ -n "${T:-}" ]; then
		case " $T " in *" unit "*|*" $name "*) ;; *) continue ;; esac
	fi
	$XS_UNIT_WRAP "$u" >"$RESULTS/$name.out" 2>&1
	rc=$?
	line=$(grep '^# passed' "$RESULTS/$name.out" | tail -1)
	p=$(echo "$line" | awk '{print $3}')
	f=$(echo "$line" | awk '{print $5}')
	[ -z "$p" ] && p=0
	[ -z "$f" ] && f=1
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -ne 0 ] && failures="$failures $name"
	printf '%-32s %4d passed %3d failed\n' "$name" "$p" "$f"
done

# --- end-to-end tests ------------------------------------------------
scripts=
for s in [0-9][0-9][0-9][0-9]-*.sh; do
	[ -f "$s" ] || continue
	if [ -n "${T:-}" ]; then
		match=
		for pat in $T; do
			case "$s" in "$pat"*) match=1 ;; esac
		done
		[ -n "$match" ] || continue
	fi
	scripts="$scripts $s"
done

if [ -n "$scripts" ]; then
	# A pool of $JOBS workers (xargs -P); the slowest scripts, by the
	# times of the last run when there is one, start first.
	order=
	for s in $scripts; do
		secs=$(cat "$T_DIR/.last-secs/${s%.sh}.secs" 2>/dev/null || echo 0)
		order="$order$secs $s
"
	done
	n=$(printf '%s' "$order" | grep -c .)
	echo "running $n end-to-end scripts, $JOBS at a time (each line: one finished)"
	printf '%s' "$order" | sort -k1,1nr | awk '{print $2}' |
		xargs -P "$JOBS" -n 1 sh "$T_DIR/run-one.sh" "$RESULTS"
	echo
	mkdir -p "$T_DIR/.last-secs"
	for s in $scripts; do
		cp "$RESULTS/${s%.sh}.secs" "$T_DIR/.last-secs/" 2>/dev/null
	done
fi

for s in $scripts; do
	name=${s%.sh}
	out=$RESULTS/$name.out
	rc=$(cat "$RESULTS/$name.rc" 2>/dev/null || echo 1)
	line=$(grep "^# $name: passed" "$out" | tail -1)
	p=$(echo "$line" | awk '{print $4}')
	f=$(echo "$line" | awk '{print $6}')
	sk=$(echo "$line" | awk '{print $8}')
	[ -z "$p" ] && p=0
	[ -z "$f" ] && f=0
	[ -z "$sk" ] && sk=0
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# the script died before test_done
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + sk))
	[ "$f" -ne 0 ] && failures="$failures $name"
done

# What was skipped, and what enables it.
enable_hint() {
	case "$1" in
	REAL_XEN) echo "set XS_REAL_XEN to a clone of xen.git (all branches, signed RELEASE tags)" ;;
	REAL_XSA) echo "set XS_REAL_XSA to a directory of xenbits advisories (and have shared/keys/xen.org-key.asc)" ;;
	QEMU) echo "install qemu-system-x86 (tools-release/deps.sh check)" ;;
	ABIGAIL) echo "install abigail-tools (tools-release/deps.sh check)" ;;
	QUILT) echo "install quilt (tools-release/deps.sh check)" ;;
	CHROMIUM) echo "install chromium (tools-release/deps.sh check)" ;;
	TMPFS) echo "run as root where a private mount namespace can mount a tmpfs" ;;
	ROOT) echo "run as root" ;;
	*) echo "see the script" ;;
	esac
}
if [ "$skipped" -gt 0 ]; then
	echo "skipped ($skipped):"
	for s in $scripts; do
		name=${s%.sh}
		sed -n "s/^ok [0-9]* # skip \(.*\) (missing \([A-Z_]*\))\$/\2\t\1/p" \
			"$RESULTS/$name.out" 2>/dev/null >"$RESULTS/$name.skips"
		for pre in $(cut -f1 "$RESULTS/$name.skips" | sort -u); do
			printf '  %s: %d (%s to run them)\n' "$name" \
				"$(grep -c "^$pre	" "$RESULTS/$name.skips")" "$(enable_hint "$pre")"
			grep "^$pre	" "$RESULTS/$name.skips" | cut -f2- | sed 's/^/      /'
		done
	done
fi

for name in $failures; do
	echo
	echo "=== $name ==="
	grep -v '^ok ' "$RESULTS/$name.out" | head -80
done
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
