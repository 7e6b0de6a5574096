#!/bin/sh
# reference-env.sh: the reference environment of this checkout, for
# "make release BRANCH=X.Y" without SOURCE= and KEY=.
#
# Makes, once, in .xenstable/ of the maintenance repository (never
# committed):
#   demo-gnupg/          a GNUPGHOME with a throwaway demo release key
#   MAINTAINERS.local    that key pinned for releases of every branch
#   upstream/            the reference upstream, tags signed by that key
# and prints nothing else but what it made.  Safe to run again.

set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
xs=$root/tools-release/xenstable
state=$root/.xenstable
home=$state/demo-gnupg

mkdir -p "$state"
if ! test -s "$state/demo-key"; then
	rm -rf "$home"
	mkdir -p "$home" && chmod 700 "$home"
	GNUPGHOME=$home gpg --batch --no-tty --passphrase '' --quick-gen-key \
		"xenstable demo release key (throwaway, never trust it) <demo-release@example.org>" \
		ed25519 sign 1y >/dev/null 2>&1
	GNUPGHOME=$home gpg --batch --with-colons --list-keys demo-release@example.org |
		awk -F: '/^fpr:/ { print $10; exit }' >"$state/demo-key"
	echo "reference-env: made the demo release key $(cat "$state/demo-key") in $home"
fi
key=$(cat "$state/demo-key")
if ! grep -q "$key" "$state/MAINTAINERS.local" 2>/dev/null; then
	printf '\nDEMO RELEASE KEY (this machine only; a throwaway key)\nM:\txenstable demo <demo-release@example.org>\nG:\t%s release *\n' \
		"$key" >>"$state/MAINTAINERS.local"
	echo "reference-env: pinned the demo key in $state/MAINTAINERS.local"
fi
if ! test -d "$state/upstream/.git"; then
	rm -rf "$state/upstream"
	GNUPGHOME=$home "$xs" -q -C "$root" upstream init --key "$key" "$state/upstream" >/dev/null
	git -C "$state/upstream" config user.name "xenstable demo"
	git -C "$state/upstream" config user.email "demo-release@example.org"
	echo "reference-env: made the reference upstream in $state/upstream"
fi
