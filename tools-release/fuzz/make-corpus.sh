#!/bin/sh
# make-corpus.sh: (re)make the seed corpora in fuzz/corpus/<target>/ from
# the project's own inputs: the sample advisories and their patches, the
# branch files, MAINTAINERS, the upstream plan, SUPPORT.md, the version
# Makefile, ABI baselines; mails, mboxes, tarballs and meta.json made
# from them with the real tools (xenstable itself for meta.json); bundles
# from what t/0500-bundle.sh leaves (see the end).
#
#   fuzz/make-corpus.sh [XENSTABLE]
#
# Run once after a format changes and commit the result; `make fuzz`
# starts from these and keeps what it finds in build/fuzz/corpus/ only.
set -eu
cd "$(dirname "$0")/.."
TOOLS=$(pwd)
ROOT=$(cd .. && pwd)
XS=${1:-$TOOLS/xenstable}
C=$TOOLS/fuzz/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C TZ=UTC GIT_CONFIG_NOSYSTEM=1 HOME=$tmp XENSTABLE_NOW="2026-11-21 12:00"

for t in advisory range mime mbox intake xsa-json meta patch embargo commit branch cfg \
	 maintainers gpg-status plan support version apply-state abi-baseline tar xsa-vuln date escape \
	 xsameta history; do
	rm -rf "${C:?}/$t"
	mkdir -p "$C/$t"
done
S=$ROOT/xsa/samples

# Advisories, their RESOLUTION ranges and patches.
for d in 901-v1 901 902 903 904 905; do
	cp "$S/$d"/advisory-*.txt "$C/advisory/$d.txt"
done
# Embargo times in other zones (one mapped, one refused), a second heading.
sed '6s/12:00 UTC/07:00 -05:00/' "$S/905/advisory-905.txt" >"$C/advisory/905-offset.txt"
sed '6s/12:00 UTC/12:00 EST/' "$S/905/advisory-905.txt" >"$C/advisory/905-est.txt"
{ cat "$S/902/advisory-902.txt"; sed -n '1,4p' "$S/903/advisory-903.txt"; } \
	>"$C/advisory/902-two-headings.txt"
# Times: the selector byte 0 for advisory times, 1 for mail Date fields.
printf '\0002026-12-15 12:00 UTC ***' >"$C/date/utc"
printf '\0002026-12-15T07:00:00-05:00 ***' >"$C/date/offset"
printf '\0002026-12-15 12:00 EST' >"$C/date/est"
printf '\001Fri, 17 Apr 2026 17:02:12 +0000' >"$C/date/mail"
printf '\001Fri, 17 Apr 2026 19:02:12 +0200 (CEST)' >"$C/date/mail-comment"
printf '\001 17 Apr 2026 12:02 EST' >"$C/date/mail-est"
# Text for the terminal: escapes, C1, bidi, bytes that are not UTF-8.
printf 'a\033]0;t\007b\033[2J\r\n' >"$C/escape/c0"
printf '\003x\302\233y\233z\342\200\256w\tv\r\n' >"$C/escape/c1-bidi"
awk '/^RESOLUTION/{r=1} r && /^xsa[0-9].*[ \t][ \t]/ {
	name=$1; $1=""; sub(/^ +/, ""); n++
	printf "%s\n%s", name, $0 > (dir "/r" n) }' dir="$C/range" "$S"/*/advisory-*.txt
# VULNERABLE SYSTEMS: a sample advisory whole, and phrasings real ones use.
cp "$S/903/advisory-903.txt" "$C/xsa-vuln/sample-903"
printf 'Xen 4.17 and onwards are vulnerable.  Xen 4.16 and older are not vulnerable.\n\nOnly x86 Intel systems with EPT support are vulnerable.\n' >"$C/xsa-vuln/onwards"
printf 'Xen versions 4.6 and later are vulnerable.  Xen versions 4.5 and earlier\nare not vulnerable.\n' >"$C/xsa-vuln/later"
printf 'All Xen versions from at least 3.2 onwards are vulnerable.  Older versions\nhave not been inspected.\n' >"$C/xsa-vuln/at-least"
printf 'Xen versions 4.11 through 4.16 are vulnerable.  Xen versions 4.10 and\nearlier are not vulnerable.\n' >"$C/xsa-vuln/through"
printf 'Only Xen version 4.17 is vulnerable.\n\nOnly x86 AMD systems are vulnerable.\n' >"$C/xsa-vuln/only"
printf 'All versions of Xen containing the XSA-407 fixes are vulnerable.\n' >"$C/xsa-vuln/conditional"
printf 'For stable Xen releases: 4.13.4, 4.14.3 and 4.15.1 are vulnerable.\nOther versions of Xen released by the Xen Project are not affected.\n' >"$C/xsa-vuln/releases"
printf 'xsa1-linux.patch\nLinux 6.7-rc - 6.5' >"$C/range/linux"
printf 'xsa1.patch\nxen-unstable, Xen 4.16.x - 4.13.x' >"$C/range/list"
n=0
for p in $(cd "$S" && find . -name '*.patch' | sort) $(cd "$TOOLS/upstream/patches" && ls | head -4); do
	n=$((n + 1))
	f=$S/$p
	[ -f "$f" ] || f=$TOOLS/upstream/patches/$p
	cp "$f" "$C/patch/p$n"
	cp "$f" "$C/embargo/p$n"
done
# What the embargo check reads besides patches: git log -p of commits.
git -C "$ROOT" log -p -3 --format="commit %H" --src-prefix=a/ --dst-prefix=b/ -- hypervisor \
	>"$C/embargo/log" || :

# Mail: the advisory inline and a patch attached (base64, quoted-printable).
mail() {	# mail NUM ENCODING
	adv=$(ls "$S/$1"/advisory-*.txt)
	pat=$(ls "$S/$1"/*.patch | head -1)
	printf 'From: Xen.org security team <security@xen.org>\n'
	printf 'To: xen-announce@lists.xen.org\n'
	printf 'Subject: Xen Security Advisory %s\n' "$1"
	printf 'Date: Tue, 6 Oct 2026 12:00:00 +0000\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="=-=b%s=-="\n\n' "$1"
	printf -- '--=-=b%s=-=\nContent-Type: text/plain; charset=utf-8\n' "$1"
	printf 'Content-Transfer-Encoding: 7bit\n\n'
	cat "$adv"
	printf -- '--=-=b%s=-=\nContent-Type: application/octet-stream; name="%s"\n' "$1" \
		"$(basename "$pat")"
	printf 'Content-Disposition: attachment; filename="%s"\n' "$(basename "$pat")"
	if [ "$2" = base64 ]; then
		printf 'Content-Transfer-Encoding: base64\n\n'
		base64 "$pat"
	else
		printf 'Content-Transfer-Encoding: quoted-printable\n\n'
		sed -e 's/=/=3D/g' -e 's/\t/=09/g' "$pat"
	fi
	printf -- '--=-=b%s=-=--\n' "$1"
}
mail 902 base64 >"$C/mime/m902"
mail 903 qp >"$C/mime/m903"
cp "$C/mime/m902" "$C/intake/m902"
{ printf 'From security@xen.org Tue Oct  6 12:00:00 2026\n'; mail 902 base64
  printf '\nFrom security@xen.org Tue Oct 20 12:00:00 2026\n'; mail 903 qp
  printf '\n>From the quoted line\n'; } >"$C/mbox/two"
cp "$C/mbox/two" "$C/intake/mbox"
cp "$S/901/advisory-901.txt" "$C/intake/plain"
for f in "$C"/mime/*; do
	# the mime target reads a selector byte first
	printf '\002' | cat - "$f" >"$f.x" && mv "$f.x" "$f"
done
printf '\000SGVsbG8sIHdvcmxk\nIQ==\n' >"$C/mime/b64"
printf '\001caf=C3=A9 =\nsoft break=3D\n' >"$C/mime/qp"

# xenbits' xsa.json and the store's meta.json, made by importing the samples.
cp "$S/xsa.json" "$C/xsa-json/samples"
mkdir "$tmp/m"
(cd "$ROOT" && git ls-files -z branches MAINTAINERS | xargs -0 tar -cf -) | (cd "$tmp/m" && tar -xf -)
git -C "$tmp/m" init -q
cp -r "$S" "$tmp/s"
"$XS" -C "$tmp/m" --quiet xsa import --allow-unsigned "$tmp/s/901-v1" "$tmp/s/901" \
	"$tmp/s/903" "$tmp/s/904" "$tmp/s/905" "$tmp/s/xsa.json"
for f in $(cd "$tmp/m/xsa" && ls */v*/meta.json); do
	cp "$tmp/m/xsa/$f" "$C/meta/$(echo "$f" | tr / -)"
done
cp "$tmp/m/xsa/xenbits.json" "$C/xsa-json/stored"
# Refused since: a key twice, a comment, a control character.
sed 's/"version":2,/"version":2,"version":3,/' "$S/xsa.json" >"$C/xsa-json/dup-key"
sed 's|^\[|[ /* c */ |' "$S/xsa.json" >"$C/xsa-json/comment"
sed 's/"title":"hypervisor: missing/"title":"\\u001b[2Jmissing/' "$S/xsa.json" >"$C/xsa-json/ctrl"
sed '0,/"title": /s//"title": "x",\n  "title": /' "$C/meta/901-v1-meta.json" >"$C/meta/dup-key"

# The security team's xsaNNN.meta (the published layout; the fuzz target
# gives the files xsa490.patch, xsa490-4.19/000[12]-*.patch and
# xsa490-4.17.patch), and a few of its shapes.
R1=0123456789abcdef0123456789abcdef01234567
R2=89abcdef0123456789abcdef0123456789abcdef
cat >"$C/xsameta/published" <<JSON
{
  "XSA": 490,
  "SupportedVersions": [
    "master",
    "4.19",
    "4.17"
  ],
  "Trees": [
    "xen"
  ],
  "Recipes": {
    "master": {
      "XenVersion": "master",
      "Recipes": {
        "xen": {
          "StableRef": "$R1",
          "Prereqs": [],
          "Patches": [
            "xsa490.patch"
          ]
        }
      }
    },
    "4.19": {
      "XenVersion": "4.19",
      "Recipes": {
        "xen": {
          "StableRef": "$R2",
          "Prereqs": null,
          "Patches": [
            "xsa490-4.19/*"
          ]
        }
      }
    },
    "4.17": {
      "XenVersion": "4.17",
      "Recipes": {
        "xen": {
          "StableRef": "$R2",
          "Prereqs": [
            489,
            488
          ],
          "Patches": [
            "xsa490-4.17.patch"
          ]
        }
      }
    }
  }
}
JSON
printf '{"XSA":490,"SupportedVersions":["4.19"],"Trees":["xen","qemu-xen"],"Recipes":{"4.19":{"XenVersion":"4.19","Recipes":{"xen":{"StableRef":"%s","Prereqs":[1,99999],"Patches":["xsa490-4.19/0002-b.patch","xsa490-4.19/0001-*"]}}}}}' \
	"$R1" >"$C/xsameta/compact"
printf '{"XSA":490,"XSA":490,"Recipes":{"4.19":{"XenVersion":"4.19","Recipes":{"xen":{"StableRef":"%s","Prereqs":[490,1.5,"x"],"Patches":["../x","xsa490.meta"]}}}}}\n' \
	"$R1" >"$C/xsameta/refused"

# Branch files (also as generic config), MAINTAINERS, the plan, SUPPORT.md,
# the version Makefile, ABI baselines.
for f in "$ROOT"/branches/4.1[69].conf "$ROOT"/branches/4.22.conf; do
	cp "$f" "$C/branch/"
	cp "$f" "$C/cfg/"
done
printf '[companion "qemu-xen"]\n\tmirror = "/srv/q\\"x" ; c\n[branch]\n\tflag\n' >"$C/cfg/sub"
cp "$ROOT/MAINTAINERS" "$C/maintainers/MAINTAINERS"
cp "$TOOLS/upstream/plan" "$C/plan/plan"
head -c 2000 "$TOOLS/upstream/plan" >"$C/plan/head"
cp "$ROOT/SUPPORT.md" "$C/support/SUPPORT.md"
cp "$ROOT/hypervisor/Makefile" "$C/version/Makefile"
printf 'XEN_VERSION       = 4\nXEN_SUBVERSION    = 19\nXEN_EXTRAVERSION ?= .7-pre$(XEN_VENDORVERSION)\n' \
	>"$C/version/xen-style"
for f in "$ROOT"/toolstack/abi/*/BASELINE; do
	cp "$f" "$C/abi-baseline/$(basename "$(dirname "$f")")"
done

# Commit objects as git cat-file prints them.
git -C "$tmp/m" add -A >/dev/null
GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@example.org GIT_COMMITTER_NAME=C \
GIT_COMMITTER_EMAIL=c@example.org GIT_AUTHOR_DATE=@1700000000 GIT_COMMITTER_DATE=@1700000000 \
	git -C "$tmp/m" commit -q -m "x86: fix it" -m "This is XSA-902 / CVE-2026-90002." -m "XSA: 902, 903"
git -C "$tmp/m" cat-file commit HEAD >"$C/commit/c1"

# gpg status lines of the verdicts gpg_parse_verify_status() tells apart.
F=0123456789ABCDEF0123456789ABCDEF01234567
K=89ABCDEF01234567
st() { printf '[GNUPG:] %s\n' "$@"; }
{ st "NEWSIG" "KEY_CONSIDERED $F 0" "SIG_ID abc 2026-10-06 1791371100" \
     "GOODSIG $K Xen.org security team <security@xen.org>" \
     "VALIDSIG $F 2026-10-06 1791371100 0 4 0 1 10 01 $F" "TRUST_UNDEFINED 0 pgp"; } \
	>"$C/gpg-status/good"
{ st "NEWSIG" "BADSIG $K Xen.org security team <security@xen.org>"; } >"$C/gpg-status/bad"
{ st "NEWSIG" "ERRSIG $K 1 10 01 1791371100 9 -" "NO_PUBKEY $K"; } >"$C/gpg-status/nokey"
{ st "NEWSIG" "EXPKEYSIG $K Old Key <old@example.org>" \
     "VALIDSIG $F 2026-10-06 1791371100 0 4 0 1 10 01 $F"; } >"$C/gpg-status/expkey"
{ st "NEWSIG" "REVKEYSIG $K Revoked <r@example.org>" \
     "VALIDSIG $F 2026-10-06 1791371100 0 4 0 1 10 01 $F"; } >"$C/gpg-status/revkey"
{ st "NEWSIG" "GOODSIG $K a" "VALIDSIG $F 2026-10-06 1791371100 0 4 0 1 10 01 $F" \
     "NEWSIG" "GOODSIG $K b" "VALIDSIG $F 2026-10-06 1791371100 0 4 0 1 10 01 $F"; } \
	>"$C/gpg-status/two"

# The apply state file a conflicted `xsa apply` leaves.
O=0123456789abcdef0123456789abcdef01234567
cat >"$C/apply-state/state" <<JSON
{"schema": 1, "branch": "4.19", "ref": "stable-4.19", "target": "stable-4.19",
 "private_target": false, "dry_run": false, "date": "2026-11-21T12:00:00Z",
 "base": "$O", "tip": "$O", "moved": false, "applied_before": 0,
 "checkouts": [], "worktree": {"path": "/tmp/w", "method": "3way", "clean": false,
 "files": ["hypervisor/common/grant_table.c"]},
 "xsas": [{"xsa": 903, "version": 2, "state": "needs-backport", "state_detail": null,
   "cves": ["CVE-2026-90003"], "variant": null, "forced": false, "stale": null,
   "stale_version": 0, "outcome": "conflict", "commit": null, "detail": "hunk 1"}]}
JSON

# Tarballs: plain, gzip, xz, lzip (when installed), with a symlink.
mkdir -p "$tmp/t/xen-4.19.5/docs"
printf 'XEN\n' >"$tmp/t/xen-4.19.5/README"
printf 'doc\n' >"$tmp/t/xen-4.19.5/docs/a.txt"
ln -s README "$tmp/t/xen-4.19.5/LINK"
tar --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner -C "$tmp/t" \
	-cf "$tmp/x.tar" xen-4.19.5
cp "$tmp/x.tar" "$C/tar/plain"
gzip -9n <"$tmp/x.tar" >"$C/tar/gz"
xz -9 <"$tmp/x.tar" >"$C/tar/xz"
if command -v lzip >/dev/null 2>&1; then lzip -9 <"$tmp/x.tar" >"$C/tar/lz"; fi

# Raw deflate streams for the deflate walk: gzip members without their
# 10-byte header (gzip -n writes no name) and 8-byte trailer; fast, best,
# stored (gzip of gzip) and empty.
rm -rf "$C/deflate"
mkdir -p "$C/deflate"
raw() { tail -c +11 | head -c -8; }
adv=$(ls "$S"/901/advisory-*.txt | head -1)
gzip -n -1 <"$adv" | raw >"$C/deflate/fast"
gzip -n -9 <"$adv" | raw >"$C/deflate/best"
gzip -n -9 <"$adv" | gzip -n -9 | raw >"$C/deflate/stored"
gzip -n <"$ROOT/hypervisor/Makefile" | raw >"$C/deflate/makefile"
printf '' | gzip -n | raw >"$C/deflate/empty"

# Bundles need members, keys and a producer: the seeds come from what
# t/0500-bundle.sh makes (run it with XS_TEST_KEEP=1 first); without
# that trash the committed seeds stay as they are.
# The history scan: commit messages (the reference upstream's), VULNERABLE
# SYSTEMS texts, describe-like names.
for p in "$TOOLS"/upstream/patches/*.patch; do
	sed -n '/^Subject:/,/^---$/p' "$p" >"$C/history/$(basename "$p" .patch)"
done
printf 'Revert "x"\n\nThis reverts commit 16f4360325c2acd7db1cc9195baa3c2b6a5484e2.\n' >"$C/history/revert"
printf 's\n\nbody\nmaster commit: 0bfe567b58f1182889dea9207103fc9d00baf414\nmaster date: 2024-11-12 13:32:45 +0100\n' >"$C/history/link"
printf 'Xen versions 4.13.x through 4.17.x are vulnerable.  Xen 4.12 is not vulnerable.\n' >"$C/history/vuln"
printf '4.17.2+55-g0b56bed864' >"$C/history/describe"

B=$TOOLS/t/trash/0500-bundle
if [ -f "$B/from-dir.tar.gz" ]; then
	rm -rf "$C/bundle" "$C/bundle-manifest" "$C/bundle-seen"
	mkdir -p "$C/bundle" "$C/bundle-manifest" "$C/bundle-seen"
	# the bundle target reads a selector byte: 0 tar, 1 tar.gz, 2 bundle_parse
	{ printf '\000'; gzip -dc "$B/from-dir.tar.gz"; } >"$C/bundle/tar"
	{ printf '\001'; cat "$B/from-dir.tar.gz"; } >"$C/bundle/tgz"
	{ printf '\002'; cat "$B/r1.tar.gz"; } >"$C/bundle/parse"
	# what the strict reader refuses (tests/bad/mkbundle.py), to start near it
	for m in tar-prefix tar-name-junk tar-gnu-magic tar-out-of-order patch-dotgit-nested \
		 nul-subject comment; do
		python3 "$TOOLS/tests/bad/mkbundle.py" "$m" "$tmp/$m.tar.gz"
		{ printf '\002'; cat "$tmp/$m.tar.gz"; } >"$C/bundle/$m"
	done
	for m in nul-subject comment duplicate-key control-subject; do
		python3 "$TOOLS/tests/bad/mkbundle.py" "$m" "$tmp/$m.tar.gz"
		tar -xzOf "$tmp/$m.tar.gz" manifest.json >"$C/bundle-manifest/$m"
	done
	cp "$B/manifest.json" "$C/bundle-manifest/r1"
	tar -xzOf "$B/from-dir.tar.gz" manifest.json >"$C/bundle-manifest/from-dir"
	cp "$B/pmaint/backports/seen.json" "$C/bundle-seen/producer"
	cp "$B/rmaint/backports/seen.json" "$C/bundle-seen/receiver"
fi

du -sh "$C"
