#!/bin/sh
# demo.sh: one month of stable maintenance on the reference tree, told step
# by step.  Run by "make demo"; everything lands in demo-out/ (removed and
# made again on every run).  Nothing outside demo-out/ is touched, and no
# key made here is worth anything: they are thrown away with it.

set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${DEMO_OUT:-$ROOT/demo-out}
XS_BIN=${XENSTABLE:-$ROOT/tools-release/xenstable}
case $XS_BIN in /*) ;; *) XS_BIN=$(pwd)/$XS_BIN ;; esac

D="2026-11-21 12:00"		# the day of the story
AFTER="2026-12-16 09:00"	# a day after XSA-905's embargo
START=$(date +%s)

step=0
heading() {
	step=$((step + 1))
	if [ -t 1 ]; then
		printf '\n\033[1m== %d. %s\033[0m\n' "$step" "$1"
	else
		printf '\n== %d. %s\n' "$step" "$1"
	fi
	shift
	for line in "$@"; do
		printf '   %s\n' "$line"
	done
}

# sq WORD: WORD quoted for a POSIX shell (as xenstable quotes what it
# prints): plain words as they are, anything else in single quotes.
sq() {
	case $1 in
	'' | *[!A-Za-z0-9_./:@%+=,-]*)
		printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
	*) printf '%s' "$1" ;;
	esac
}

# shown ARGS...: the command line as a person pastes it in demo-out/:
# every word quoted, demo-out's own paths relative, xenstable by the name
# that runs it.
shown() {
	_line=
	for _w in "$@"; do
		case $_w in
		"$XS_BIN") _w=$XS_SHOWN ;;
		"$OUT") _w=. ;;
		"$OUT"/*) _w=${_w#"$OUT"/} ;;
		esac
		[ "$_w" = "$XS_SHOWN" ] && [ "$_w" = xenstable ] && { _line="$_line xenstable"; continue; }
		_line="$_line $(sq "$_w")"
	done
	printf '%s' "${_line# }"
}

# run [-n N] [-t N] [-x CODE] [-e VAR=VALUE]... CMD...: show the command
# and its output (the first N lines, or with -t the last N, default all),
# expect exit CODE (default 0).  The command runs in demo-out/, so what is
# shown can be pasted there; -e sets one variable for it, shown in front.
# demo-out/log.txt gets each command and its whole output.
run() {
	max=0 tail=0 want=0 env_var=X_DEMO_UNSET env_val=
	while :; do
		case $1 in
		-n) max=$2; shift 2 ;;
		-t) tail=$2; shift 2 ;;
		-x) want=$2; shift 2 ;;
		-e) env_var=${2%%=*}; env_val=${2#*=}; shift 2 ;;
		*) break ;;
		esac
	done
	line=$(shown "$@")
	[ "$env_var" = X_DEMO_UNSET ] || line="$env_var=$(sq "$env_val") $line"
	printf '\n   $ %s\n' "$line"
	printf '$ %s\n' "$line" >>"$OUT/log.txt"
	set +e
	(cd "$OUT" && export "$env_var=$env_val" && exec "$@") >"$OUT/.last" 2>&1
	rc=$?
	set -e
	if [ "$tail" -gt 0 ] && [ "$(wc -l <"$OUT/.last")" -gt "$tail" ]; then
		printf '     ... (%d lines before these in demo-out/log.txt)\n' $(($(wc -l <"$OUT/.last") - tail))
		tail -n "$tail" "$OUT/.last" | sed "s|$OUT/||g; s/^/     /"
	elif [ "$max" -gt 0 ] && [ "$(wc -l <"$OUT/.last")" -gt "$max" ]; then
		head -n "$max" "$OUT/.last" | sed "s|$OUT/||g; s/^/     /"
		printf '     ... (%d more lines in demo-out/log.txt)\n' $(($(wc -l <"$OUT/.last") - max))
	else
		sed "s|$OUT/||g; s/^/     /" "$OUT/.last"
	fi
	sed "s|$OUT/||g" "$OUT/.last" >>"$OUT/log.txt"
	printf '(exit %d)\n\n' "$rc" >>"$OUT/log.txt"
	if [ "$rc" -ne "$want" ]; then
		printf '   (exit %d, expected %d: the demo stops here)\n' "$rc" "$want"
		exit 1
	fi
	[ "$rc" -eq 0 ] || printf '     (exit %d, as expected)\n' "$rc"
}

# xs [-n N] [-x CODE] ARGS: xenstable on the maintenance repository.
xs() {
	opts=
	while [ "$1" = -n ] || [ "$1" = -t ] || [ "$1" = -x ] || [ "$1" = -e ]; do
		opts="$opts $1 $(sq "$2")"
		shift 2
	done
	eval "run $opts \"\$XS_BIN\" -C \"\$OUT/maint\" --source \"\$OUT/upstream\" \"\$@\""
}

# --- the stage ---------------------------------------------------------
rm -rf "$OUT"
mkdir -p "$OUT"
: >"$OUT/log.txt"
# The name a person pastes in demo-out/: xenstable when that is this one
# on $PATH, else the path that reaches it from there.
if [ "$(command -v xenstable 2>/dev/null | xargs -r readlink -f)" = "$(readlink -f "$XS_BIN")" ]; then
	XS_SHOWN=xenstable
else
	XS_SHOWN=$(realpath --relative-to="$OUT" "$XS_BIN" 2>/dev/null || echo "$XS_BIN")
	case $XS_SHOWN in /*|../*) ;; *) XS_SHOWN=./$XS_SHOWN ;; esac
fi
# gpg-agent sockets need short paths: the keyrings live in /tmp while the
# demo runs and are exported to demo-out/keys/.
GNUPGHOME=$(mktemp -d "${TMPDIR:-/tmp}/xsdemo.XXXXXX")
BOB_HOME=$(mktemp -d "${TMPDIR:-/tmp}/xsdemo-bob.XXXXXX")
chmod 700 "$GNUPGHOME" "$BOB_HOME"
export GNUPGHOME
cleanup() {
	gpgconf --homedir "$GNUPGHOME" --kill all >/dev/null 2>&1 || true
	gpgconf --homedir "$BOB_HOME" --kill all >/dev/null 2>&1 || true
	rm -rf "$GNUPGHOME" "$BOB_HOME" "$OUT/.last"
}
trap cleanup EXIT
export LC_ALL=C TZ=UTC GIT_CONFIG_NOSYSTEM=1
unset XENSTABLE_SOURCE XENSTABLE_NOW

newkey() {
	GNUPGHOME=$1 gpg --batch --no-tty --passphrase '' --quick-gen-key "$2 <$3>" ed25519 sign 1y \
		>/dev/null 2>&1
	fpr=$(GNUPGHOME=$1 gpg --batch --with-colons --list-keys "<$3>" 2>/dev/null |
		awk -F: '/^fpr:/ { print $10; exit }')
	GNUPGHOME=$1 gpg --batch --no-tty --passphrase '' --quick-add-key "$fpr" cv25519 encr 1y \
		>/dev/null 2>&1
	echo "$fpr"
}

heading "The cast" \
	"A maintenance repository (a copy of this one), throwaway keys for the" \
	"release manager, the Xen security team and two predisclosure list" \
	"members, Alice (who still ships 4.16) and Bob."
mkdir -p "$OUT/maint" "$OUT/keys"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _ |
	tar --null -T - -cf -) | tar -C "$OUT/maint" -xf -
(cd "$OUT/maint" && rm -rf dist .xenstable xsa/[0-9]* && git init -q &&
	git add -A && git -c user.name=demo -c user.email=demo@example.org commit -q -m "maintenance repository")
RM=$(newkey "$GNUPGHOME" "Rita Release (demo release manager)" rita@example.org)
SEC=$(newkey "$GNUPGHOME" "Demo Xen security team" security@example.org)
ALICE=$(newkey "$GNUPGHOME" "Alice (distro A, predisclosure member)" alice@distro-a.example)
BOB=$(newkey "$BOB_HOME" "Bob (distro B, predisclosure member)" bob@distro-b.example)
GNUPGHOME=$BOB_HOME gpg --batch --armor --export "$BOB" | gpg --batch --quiet --import 2>/dev/null
gpg --batch --armor --export "$ALICE" "$RM" "$SEC" |
	GNUPGHOME=$BOB_HOME gpg --batch --quiet --import 2>/dev/null
for k in RM SEC ALICE BOB; do
	eval "fpr=\$$k"
	gpg --batch --armor --export "$fpr" >"$OUT/keys/$k.asc"
done
mkdir -p "$OUT/maint/.xenstable" "$OUT/maint/backports/members"
cp "$OUT/keys/ALICE.asc" "$OUT/maint/backports/members/alice.asc"
cp "$OUT/keys/BOB.asc" "$OUT/maint/backports/members/bob.asc"
git -C "$OUT/maint" add backports/members
git -C "$OUT/maint" -c user.name=demo -c user.email=demo@example.org commit -q \
	-m "backports/members: Alice and Bob (demo keys)"
cat >"$OUT/maint/.xenstable/MAINTAINERS.local" <<EOT

DEMO KEYS (this machine only; throwaway keys made by make demo)
M:	Rita Release <rita@example.org>
G:	$RM release *
M:	Demo Xen security team <security@example.org>
G:	$SEC advisory
M:	Alice <alice@distro-a.example>
G:	$ALICE backport alice
M:	Bob <bob@distro-b.example>
G:	$BOB backport bob
EOT
printf '   release manager %s\n   security team   %s\n   Alice           %s\n   Bob             %s\n' \
	"$RM" "$SEC" "$ALICE" "$BOB"
printf '   pinned in maint/.xenstable/MAINTAINERS.local (G: lines), public keys in demo-out/keys/\n'

heading "The reference upstream" \
	"A git repository shaped like xen.git, built from hypervisor/ and toolstack/:" \
	"master and stable-4.16 ... stable-4.22 with signed RELEASE tags, the same" \
	"commit ids on every machine."
run "$XS_BIN" -C "$OUT/maint" upstream init --key "$RM" "$OUT/upstream"
git -C "$OUT/upstream" config user.name "Rita Release"
git -C "$OUT/upstream" config user.email rita@example.org
xs support --date "$D"

heading "XSA intake" \
	"Five sample advisories in the published format (xsa/samples/), signed by the" \
	"security team: XSA-901 in two versions, a multi-patch series (904), per-branch" \
	"variants (903), one embargoed until 2026-12-15 (905).  Each signature and each" \
	"patch's sha256 is checked before anything is stored."
cp -a "$ROOT/xsa/samples" "$OUT/advisories"
for a in "$OUT"/advisories/*/advisory-*.txt; do
	gpg --batch --yes --no-tty --local-user "$SEC!" --digest-algo SHA256 --clearsign \
		--output "$a.asc" "$a" 2>/dev/null && mv "$a.asc" "$a"
done
cp -a "$OUT/advisories/903" "$OUT/advisories/903-tampered"
printf '+    /* one line slipped in */\n' >>"$OUT/advisories/903-tampered/xsa903.patch"
xs -x 3 xsa import "$OUT/advisories/903-tampered"
xs xsa import "$OUT/advisories/901-v1" "$OUT/advisories/901" "$OUT/advisories/902" \
	"$OUT/advisories/903" "$OUT/advisories/904" "$OUT/advisories/905" "$OUT/advisories/xsa.json"
xs xsa list --date "$D"

heading "The XSA x branch matrix" \
	"What each maintained branch still needs on $D."
xs -x 1 xsa status --date "$D" --check

heading "The wrong variant" \
	"XSA-903's patch for 4.20 and later, forced onto 4.17 (as 'patch -p1' users" \
	"might): xenstable refuses, names the file and hunk, and says which variant fits."
xs -x 1 xsa apply 4.17 903 --variant xsa903.patch --date "$D"

heading "Applying every public XSA" \
	"Each branch gets the variant its advisory maps to it, through a private" \
	"index; the embargoed XSA-905 is not applied to any stable branch."
xs xsa apply --all --date "$D"
xs xsa apply 4.19 --date "$D"
xs -n 12 xsa status --date "$D"

heading "A predisclosure backport bundle for 4.16" \
	"4.16 left security support in 2024, but Alice's distro still ships it.  She" \
	"backports XSA-902 (which needs an upstream helper first) and the embargoed" \
	"XSA-905, and sends Bob a signed bundle encrypted to him."
git -C "$OUT/upstream" branch -q alice/4.16-backports stable-4.16
PREREQ=$(git -C "$OUT/upstream" log --format=%H --grep="introduce port_is_valid" master | tail -1)
git -C "$OUT/upstream" worktree add -q "$OUT/alice-wt" alice/4.16-backports
(cd "$OUT/alice-wt" && git cherry-pick -x "$PREREQ" >/dev/null &&
	git am -q "$OUT/advisories/902/xsa902.patch" "$OUT/advisories/905/xsa905.patch")
git -C "$OUT/upstream" worktree remove --force "$OUT/alice-wt"
run git -C "$OUT/upstream" log --oneline stable-4.16..alice/4.16-backports
xs -e XENSTABLE_NOW="$D" bundle create --branch 4.16 --xsa 902 --xsa 905 --commits stable-4.16..alice/4.16-backports \
	--embargo "2026-12-15 12:00" --key "$ALICE" --producer alice --encrypt-to "$BOB"
BUNDLE=$(ls "$OUT"/maint/backports/4.16/*.tar.gz.gpg)
xs bundle list --date "$D"
xs -n 9 xsa status 4.16 --date "$D"

heading "Bob receives it" \
	"On his own clone, with only his own secret key: decrypt, check Alice's" \
	"signature and every hash, then apply.  During the embargo it goes to a" \
	"private ref; stable-4.16 is refused until the embargo ends."
git clone -q "$OUT/maint" "$OUT/bob/maint"
mkdir -p "$OUT/bob/maint/.xenstable"
cp "$OUT/maint/.xenstable/MAINTAINERS.local" "$OUT/bob/maint/.xenstable/"
cp -a "$OUT/maint/xsa/." "$OUT/bob/maint/xsa/"	# Bob imported the same advisories
git clone -q --mirror "$OUT/upstream" "$OUT/bob/upstream.git"
git clone -q "$OUT/bob/upstream.git" "$OUT/bob/upstream"
for b in $(git -C "$OUT/bob/upstream" for-each-ref --format='%(refname:lstrip=3)' refs/remotes/origin/); do
	[ "$b" = HEAD ] || git -C "$OUT/bob/upstream" update-ref "refs/heads/$b" "refs/remotes/origin/$b"
done
git -C "$OUT/bob/upstream" config user.name Bob
git -C "$OUT/bob/upstream" config user.email bob@distro-b.example
bob() { run -e GNUPGHOME="$BOB_HOME" "$XS_BIN" -C "$OUT/bob/maint" --source "$OUT/bob/upstream" "$@"; }
bob_x() { code=$1; shift; run -x "$code" -e GNUPGHOME="$BOB_HOME" "$XS_BIN" -C "$OUT/bob/maint" --source "$OUT/bob/upstream" "$@"; }
bob bundle verify "$BUNDLE" --date "$D"
bob_x 3 bundle apply "$BUNDLE" --branch 4.16 --to refs/heads/stable-4.16 --date "$D"
bob bundle apply "$BUNDLE" --branch 4.16 --date "$D"
run git -C "$OUT/bob/upstream" log --oneline -3 refs/embargo/4.16/xsa-902-905
bob bundle apply "$BUNDLE" --branch 4.16 --date "$AFTER"
run git -C "$OUT/bob/upstream" log --oneline -3 stable-4.16

heading "Monthly releases" \
	"Which branches are due; then 4.19 in full: preflight, version commit, build," \
	"ABI check, boot in qemu, reproducible tarballs, signatures, and only then the" \
	"signed tag; then every other due branch in one go."
xs release --due --date "$D"
xs release 4.19 --date "$D"
xs -t 10 release --all-due --date "$D"

heading "A distro verifies a release" \
	"The tag's signature against the pinned key, its Git-EVTag line (SHA-512 over" \
	"the whole tree), every checksum and signature, the SLSA provenance, and the" \
	"tarballs rebuilt from the tag, byte for byte; then the same with the tools a" \
	"distro already has: git-evtag, and the README's stock gpg + sha256sum steps."
xs verify RELEASE-4.19.3
git clone -q "$OUT/upstream" "$OUT/distro-xen"
if command -v git-evtag >/dev/null 2>&1; then
	run sh -c "cd '$OUT/distro-xen' && git checkout -q RELEASE-4.19.3 && git evtag verify RELEASE-4.19.3"
else
	printf '\n   (git-evtag is not installed: apt-get install git-evtag to run git evtag verify)\n'
fi
sed -n '/^<!-- distro-check -->$/,/^<!-- \/distro-check -->$/p' "$ROOT/README.md" |
	sed -e '/^<!--/d' -e '/^```/d' -e 's/^V=.*/V=4.19.3/' -e "s/^FPR=.*/FPR=$RM/" \
	>"$OUT/distro-check.sh"
command -v git-evtag >/dev/null 2>&1 || sed -i '/git evtag verify/d' "$OUT/distro-check.sh"
run -t 8 sh -c "cd '$OUT/maint/dist/4.19.3' && TMPDIR='$OUT' XEN='$OUT/distro-xen' sh '$OUT/distro-check.sh'"
xs xsa export 4.19 "$OUT/quilt-4.19" --since RELEASE-4.19.2
run cat "$OUT/quilt-4.19/series"

heading "What the history already knows" \
	"Every XSA's fixing commits on master and on each branch, read from the upstream" \
	"history: 'This is XSA-N.' statements, backports naming their master commit," \
	"patch-ids.  A fix counts only under a RELEASE tag signed by a key pinned for" \
	"advisories and releases (upstream's own), or by content.  Rita's key, which" \
	"signed the reference upstream's tags, is pinned for releases only: her tags" \
	"vouch for nothing, and the fixes are claimed.  With her key standing in for" \
	"the Xen project's (--keyring), the same history is evidence; then a distro's" \
	"questions, and the records scanners read (OSV, CVE JSON 5, dyad)."
xs xsa history 4.19
xs xsa fixed RELEASE-4.19.3 --since RELEASE-4.19.2
xs xsa fixed RELEASE-4.19.3 --since RELEASE-4.19.2 --keyring "$OUT/keys/RM.asc"
xs -n 12 xsa open stable-4.18 --keyring "$OUT/keys/RM.asc"
xs xsa vulns --format osv -o "$OUT/osv" --keyring "$OUT/keys/RM.asc"
xs xsa vulns --format dyad --keyring "$OUT/keys/RM.asc" 930 931
run ls "$OUT/maint/dist/4.19.3"

heading "The status page" \
	"A static page with the support timeline, the XSA matrix, the releases and" \
	"the bundles."
xs report --html "$OUT/report" --date "$D"

END=$(date +%s)
cat <<EOT

== Where to look ($((END - START)) s)
   demo-out/report/index.html     the status page (open it in a browser)
   demo-out/maint/dist/           the releases: tarballs, .sig, SHA256SUMS(.asc), release.json,
                                  provenance.intoto.json(.sig), release-key.asc
   demo-out/distro-check.sh       the README's distro checks (gpg, sha256sum, git-evtag) for 4.19.3
   demo-out/maint/xsa/            the XSA store
   demo-out/maint/backports/4.16/ Alice's encrypted bundle (Bob keeps his copy in demo-out/bob/)
   demo-out/upstream/             the reference upstream, with the new RELEASE tags
   demo-out/quilt-4.19/           the 4.19 XSA fixes as a quilt series for packagers
   demo-out/osv/                  an OSV record per XSA the history knows (XSA-N.json)
   demo-out/log.txt               every command ($ ...) beside its full output and exit code
   Commands are shown as run in demo-out/: paste them there (cd demo-out).
   Try: make release BRANCH=4.19 (the same command on .xenstable/, with a demo key)
EOT
