#!/bin/sh
# addmeta.sh ADVISORY FILE...: list each FILE (beside ADVISORY, e.g. an
# xsaNNN.meta) in the advisory's sha256sum block, as the security team
# lists its .meta files.  Cases then sign the advisory or import it
# --allow-unsigned.
adv=$1
shift
for f in "$@"; do
	sum=$(sha256sum "$f" | cut -d' ' -f1)
	sed -i "/^\\\$ sha256sum/a $sum  $(basename "$f")" "$adv" || exit 1
done
