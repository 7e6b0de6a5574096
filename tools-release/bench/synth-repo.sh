#!/bin/sh
# synth-repo.sh: a git repository shaped like xen.git at a release tag.
#
#   synth-repo.sh DIR [FILES [BYTES [VERSION]]]
#
# DIR (removed first) gets the deterministic tree of synth-tree.awk
# (default 3,200 files and 30,000,000 bytes of text: a ~33 MB tar, like
# xen.git RELEASE-4.19.4), plus what release tarballs must carry right:
# xen/Makefile with the version lines, an export-subst .gitarchive-info,
# a symbolic link, an executable script, a path longer than 100 bytes
# (pax header) and a UTF-8 file name.  One commit and an annotated tag
# RELEASE-VERSION (default 4.19.4), with fixed names and dates, so the
# commit id is the same on every machine.
set -eu

if [ $# -lt 1 ]; then
	echo "usage: synth-repo.sh DIR [FILES [BYTES [VERSION]]]" >&2
	exit 2
fi
dir=$1
files=${2:-3200}
bytes=${3:-30000000}
version=${4:-4.19.4}
here=$(cd "$(dirname "$0")" && pwd)

major=${version%%.*}
rest=${version#*.}
minor=${rest%%.*}
point=${rest#*.}

rm -rf "$dir"
mkdir -p "$dir"
awk -v root="$dir" -v files="$files" -v bytes="$bytes" -f "$here/synth-tree.awk"

mkdir -p "$dir/xen" "$dir/scripts" "$dir/docs/misc"
cat >"$dir/xen/Makefile" <<EOF
# Synthetic tree for xenstable's tarball tests and bench.
export XEN_VERSION       = $major
export XEN_SUBVERSION    = $minor
export XEN_EXTRAVERSION ?= .$point\$(XEN_VENDORVERSION)
export XEN_FULLVERSION   = \$(XEN_VERSION).\$(XEN_SUBVERSION)\$(XEN_EXTRAVERSION)
EOF
printf 'Changeset: $Format:%%H$\nCommit date: $Format:%%cD$\n' >"$dir/.gitarchive-info"
printf '.gitarchive-info export-subst\n' >"$dir/.gitattributes"
printf '#!/bin/sh\necho "Xen %s"\n' "$version" >"$dir/scripts/print-version.sh"
chmod 755 "$dir/scripts/print-version.sh"
ln -s xen/Makefile "$dir/Makefile.xen"
long="$dir/docs/misc/a-directory-name-long-enough-that-the-whole-path-needs-a-pax-header"
mkdir -p "$long"
printf 'ustar names stop at 100 bytes\n' >"$long/and-a-file-name-that-makes-it-longer-still.txt"
printf 'caf\303\251 au lait\n' >"$dir/docs/misc/caf$(printf '\303\251').txt"

export GIT_AUTHOR_NAME='Xen Release' GIT_AUTHOR_EMAIL='release@example.org' \
	GIT_COMMITTER_NAME='Xen Release' GIT_COMMITTER_EMAIL='release@example.org' \
	GIT_AUTHOR_DATE='2024-12-03T12:00:00Z' GIT_COMMITTER_DATE='2024-12-03T12:00:00Z'
cd "$dir"
git init -q
git config core.autocrlf false
git config commit.gpgSign false
git config tag.gpgSign false
git add -A
git commit -q -m "update Xen version to $version"
git tag -a -m "Xen $version" "RELEASE-$version"
