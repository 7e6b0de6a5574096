# lib-bundle.sh: the predisclosure set-up the bundle tests share.
#
# setup_bundles
#   Gives, on top of setup_reference (lib-fixture.sh):
#     $P_KEY $R_KEY $O_KEY     producer, receiver and outsider fingerprints,
#     $P_HOME $R_HOME $O_HOME  their own GNUPGHOMEs (each holds only its own
#                              secret key and the others' public keys)
#     $PMAINT / $PUP           the producer's maintenance repository and
#                              source (the reference upstream)
#     $RMAINT / $RUP           the receiver's (a clone of the upstream)
#     $XSA_KEY                 the test security team's key
#   producer and receiver are members (backports/members/NAME.asc, pinned
#   with role backport in .xenstable/MAINTAINERS.local); the outsider is not.
#   XSA-960 (bug A of the reference tree, event channel port not checked
#   in EVTCHNOP_status) is imported into both XSA stores, embargoed until
#   $EMBARGO.  On the producer's upstream:
#     $PREREQ   master's commit of patch 0002 (port_is_valid(), divergence c)
#     $FIX      the fix on master ("This is XSA-960")
#     bp-960    stable-4.16 + cherry-pick -x of both: the 4.16 backport
#   and $TRASH/series/000[12]-*.patch are that branch as format-patch files.

EMBARGO="2024-06-04 12:00"
EMBARGO_ISO="2024-06-04T12:00:00Z"
BEFORE="2024-06-01"
AFTER="2024-06-05"
CREATED="2024-05-20 10:00"

# bundle_home VAR: a fresh GNUPGHOME in VAR, removed (agent stopped) at the end.
bundle_home() {
	_h=$(mktemp -d "${TMPDIR:-/tmp}/xsgpg.XXXXXX") && chmod 700 "$_h" &&
	test_at_end "gpgconf --homedir '$_h' --kill all >/dev/null 2>&1; rm -rf '$_h'" &&
	eval "$1=\$_h"
}

# key_in HOME "Name" email -> fingerprint of a new key made in HOME
key_in() {
	GNUPGHOME=$1 make_key "$2" "$3"
}

# share_pub FROM_HOME TO_HOME FPR
share_pub() {
	GNUPGHOME=$1 gpg --batch --armor --export "$3" |
		GNUPGHOME=$2 gpg --batch --import 2>/dev/null
}

make_member() {
	_m=$1 _name=$2 _fpr=$3 _home=$4
	mkdir -p "$_m/backports/members" &&
	GNUPGHOME=$_home gpg --batch --armor --export "$_fpr" >"$_m/backports/members/$_name.asc" &&
	trust_key "$_m" "$_fpr" backport "$_name"
}

setup_bundles() {
	setup_reference &&
	. "$TEST_DIR/lib-xsa.sh" &&
	bundle_home P_HOME && bundle_home R_HOME && bundle_home O_HOME &&
	P_KEY=$(key_in "$P_HOME" "Bundle Producer" producer@example.org) &&
	R_KEY=$(key_in "$R_HOME" "Bundle Receiver" receiver@example.net) &&
	O_KEY=$(key_in "$O_HOME" "Not A Member" outsider@example.com) &&
	for _a in P R O; do
		for _b in P R O; do
			[ $_a = $_b ] && continue
			eval "share_pub \"\$${_a}_HOME\" \"\$${_b}_HOME\" \"\$${_a}_KEY\"" || return 1
		done
	done &&
	XSA_KEY=$(xsa_make_key) &&
	PMAINT=$TRASH/pmaint RMAINT=$TRASH/rmaint PUP=$UPSTREAM RUP=$TRASH/rup &&
	cp -a "$MAINT" "$PMAINT" && cp -a "$MAINT" "$RMAINT" &&
	git clone -q "$PUP" "$RUP" &&
	for _b in $(git -C "$PUP" for-each-ref --format='%(refname:short)' refs/heads/); do
		git -C "$RUP" update-ref "refs/heads/$_b" "origin/$_b" || return 1
	done &&
	git -C "$RUP" config user.name "Receiving Maintainer" &&
	git -C "$RUP" config user.email "receiver@example.net" &&
	for _m in "$PMAINT" "$RMAINT"; do
		make_member "$_m" producer "$P_KEY" "$P_HOME" &&
		make_member "$_m" receiver "$R_KEY" "$R_HOME" &&
		trust_key "$_m" "$XSA_KEY" advisory || return 1
	done &&
	bundle_make_fix &&
	XENSTABLE_NOW="$CREATED" "$XENSTABLE" -C "$PMAINT" xsa import "$TRASH/xsa-960" >/dev/null &&
	XENSTABLE_NOW="$CREATED" "$XENSTABLE" -C "$RMAINT" xsa import "$TRASH/xsa-960" >/dev/null &&
	export P_KEY R_KEY O_KEY P_HOME R_HOME O_HOME PMAINT RMAINT PUP RUP XSA_KEY
}

# The natural fix for bug A on master, its advisory, and the 4.16 backport.
bundle_make_fix() {
	_wt=$TRASH/.wt-fix
	PREREQ=$(git -C "$PUP" log --format=%H --grep="introduce port_is_valid" master) &&
	test -n "$PREREQ" &&
	git -C "$PUP" worktree add -q --detach "$_wt" master &&
	(cd "$_wt" &&
		sed -i 's/^    chn = evtchn_from_port(d, status->port);/    if ( !port_is_valid(d, status->port) )\n        return -EINVAL;\n\n&/' \
			hypervisor/common/event_channel.c &&
		git commit -q -a -m "hypervisor/evtchn: check the port in EVTCHNOP_status" \
			-m "A guest-supplied port indexed the event channel array unchecked." \
			-m "This is XSA-960 / CVE-2024-96001." &&
		mkdir -p "$TRASH/xsa-960" &&
		git format-patch -q -1 --stdout >"$TRASH/xsa-960/xsa960.patch") &&
	FIX=$(git -C "$_wt" rev-parse HEAD) &&
	git -C "$PUP" worktree remove --force "$_wt" &&
	XSA_EMBARGO="$EMBARGO" xsa_advisory "$TRASH/xsa-960" 960 1 "CVE-2024-96001" \
		"Event channel status reads beyond the port array" \
		"xsa960.patch	xen-unstable - Xen 4.17.x" &&
	xsa_sign "$TRASH/xsa-960/advisory-960.txt" &&
	git -C "$PUP" worktree add -q -b bp-960 "$_wt" stable-4.16 &&
	(cd "$_wt" && git cherry-pick -x "$PREREQ" >/dev/null && git cherry-pick -x "$FIX" >/dev/null &&
		mkdir -p "$TRASH/series" &&
		git format-patch -q -o "$TRASH/series" stable-4.16..HEAD) &&
	git -C "$PUP" worktree remove --force "$_wt" &&
	export PREREQ FIX
}

# Run xenstable as the producer / the receiver / the outsider.
as_producer() {
	GNUPGHOME=$P_HOME XENSTABLE_NOW="$CREATED" "$XENSTABLE" -C "$PMAINT" --source "$PUP" "$@"
}
as_receiver() {
	GNUPGHOME=$R_HOME "$XENSTABLE" -C "$RMAINT" --source "$RUP" "$@"
}
as_outsider() {
	GNUPGHOME=$O_HOME "$XENSTABLE" -C "$RMAINT" --source "$RUP" "$@"
}

# What must not change when a bundle is refused.
receiver_state() {
	tree_state "$RMAINT" &&
	git -C "$RUP" for-each-ref --format='%(refname) %(objectname)'
}
