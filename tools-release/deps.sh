#!/bin/sh
# deps.sh: make sure the Debian packages xenstable needs are installed.
#
#   deps.sh [GROUP...]    groups: build check demo bench fuzz valgrind report
#                                 xen-build
#
# As root, missing packages are installed with apt-get; otherwise the exact
# apt-get command is printed and the script exits 4.  Set XS_NO_INSTALL=1
# to only check.

set -u

pkgs_build="gcc make pkg-config libc6-dev binutils git libyajl-dev libssl-dev zlib1g-dev liblzma-dev uuid-dev libarchive-dev libdeflate-dev"
# What the commands run: gpg for signatures, quilt for exported series,
# qemu and abigail-tools for the release preflight, xz/gzip/tar for checks.
pkgs_run="gnupg gpg-agent quilt xz-utils gzip tar qemu-system-x86 abigail-tools"
# The tests also make upstream-style .tar.lz files, switch time zones and
# read JSON output with python3; they check releases with the tools a
# distro has: git-evtag, diffoscope (verify runs it when a rebuild differs;
# without recommends it is 4 packages, ~5 s to install) and the provenance
# against its JSON Schemas (python3-jsonschema, which also validates the
# OSV and CVE records of xsa vulns, tests/data/schemas/).
pkgs_check="$pkgs_build $pkgs_run lzip tzdata chromium python3 groff-base bash git-evtag diffoscope python3-jsonschema"
# The demo ends with a distro's checks, git-evtag's among them.
pkgs_demo="$pkgs_build $pkgs_run git-evtag"
pkgs_report="chromium"
# bench/apply-synth.py generates the history the apply section measures.
pkgs_bench="pigz hyperfine time python3"
pkgs_fuzz="clang libclang-rt-14-dev"
pkgs_valgrind="valgrind"
# Building a real xen.git hypervisor (make -C xen) for the release preflight
# on a xen.git clone; not part of 'check', so CI stays fast.  Xen's
# toolstack needs much more (iasl, ...); xenstable build skips it when
# ./configure says what is missing.
pkgs_xen_build="gcc make binutils libc6-dev flex bison python3 gzip qemu-system-x86"

groups=${*:-build}
want=
for g in $groups; do
	gv=$(printf '%s' "$g" | tr -- '-' '_')
	case "$gv" in *[!a-z_]*|"") gv=unknown ;; esac
	eval "list=\${pkgs_$gv:-}"
	if [ -z "$list" ]; then
		echo "deps.sh: unknown group '$g'" >&2
		exit 2
	fi
	want="$want $list"
done

missing=
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ] || [ -n "${XS_NO_INSTALL:-}" ]; then
	echo "xenstable needs these Debian packages:$missing" >&2
	echo "install them with:  sudo apt-get install --no-install-recommends$missing" >&2
	exit 4
fi

echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
LOG=${TMPDIR:-/tmp}/xenstable-apt.log
: >"$LOG"
# Another apt or dpkg (an unattended upgrade, a second make) may hold the
# package lock: wait for it, up to XS_APT_LOCK_WAIT seconds, and say so.
LOCK_WAIT=${XS_APT_LOCK_WAIT:-300}
case $LOCK_WAIT in ''|*[!0-9]*) LOCK_WAIT=300 ;; esac

locked() {
	grep -q -e "Could not get lock" -e "Unable to acquire the dpkg frontend lock" \
		-e "Unable to lock" "$1"
}

# apt_get ARGS...: apt-get, waiting while the package lock is held.
apt_get() {
	_deadline=$(($(date +%s) + LOCK_WAIT))
	_told=
	_wait=0
	while :; do
		_one=$LOG.one
		apt-get -o DPkg::Lock::Timeout="$_wait" "$@" >"$_one" 2>&1
		_rc=$?
		cat "$_one" >>"$LOG"
		if [ "$_rc" -eq 0 ]; then
			rm -f "$_one"
			return 0
		fi
		if ! locked "$_one" || [ "$(date +%s)" -ge "$_deadline" ]; then
			if locked "$_one"; then
				echo "deps: the package lock was still held after $LOCK_WAIT s" >&2
				_rc=75
			fi
			rm -f "$_one"
			return "$_rc"
		fi
		if [ -z "$_told" ]; then
			echo "deps: another apt or dpkg holds the package lock; waiting for it" \
				"(up to $LOCK_WAIT s; XS_APT_LOCK_WAIT sets how long)" >&2
			_told=1
		fi
		# apt waits by itself (DPkg::Lock::Timeout) where it can; else poll.
		_wait=$((_deadline - $(date +%s)))
		[ "$_wait" -gt 0 ] || _wait=1
		sleep 2
	done
}

apt_get install -y -q --no-install-recommends $missing
rc=$?
[ "$rc" -eq 75 ] && exit 4
if [ "$rc" -ne 0 ]; then
	# The package lists may be stale or absent on a fresh machine.
	apt_get update -q || [ $? -ne 75 ] || exit 4
	if ! apt_get install -y -q --no-install-recommends $missing; then
		tail -20 "$LOG" >&2
		echo "deps: apt-get failed; see $LOG" >&2
		exit 4
	fi
fi
echo "deps: done" >&2
