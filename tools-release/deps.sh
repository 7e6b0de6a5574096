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
# read JSON output with python3; python3-jsonschema validates the OSV and
# CVE records of xsa vulns (tests/data/schemas/).
pkgs_check="$pkgs_build $pkgs_run lzip tzdata chromium python3 python3-jsonschema groff-base bash"
pkgs_demo="$pkgs_build $pkgs_run"
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
if ! apt-get install -y -q --no-install-recommends $missing >/tmp/xenstable-apt.log 2>&1; then
	# The package lists may be stale or absent on a fresh machine.
	apt-get update -q >>/tmp/xenstable-apt.log 2>&1
	if ! apt-get install -y -q --no-install-recommends $missing >>/tmp/xenstable-apt.log 2>&1; then
		tail -20 /tmp/xenstable-apt.log >&2
		echo "deps: apt-get failed; see /tmp/xenstable-apt.log" >&2
		exit 4
	fi
fi
echo "deps: done" >&2
