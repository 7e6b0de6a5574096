# lib-release.sh: helpers for release tests on the reference upstream.

# commit_on BRANCH FILE SED-EXPR SUBJECT [BODY]: a commit on BRANCH of
# $UPSTREAM changing FILE, made in a temporary worktree.
commit_on() {
	_wt=$TRASH/.wt-$$
	git -C "$UPSTREAM" worktree add -q "$_wt" "$1" &&
	(cd "$_wt" && sed -i "$3" "$2" && git commit -q -am "$4" ${5:+-m "$5"}) &&
	git -C "$UPSTREAM" worktree remove --force "$_wt"
}

# make_xsa NUM RANGE SUBJECT FILE SED-EXPR: a signed advisory in xsa-NUM/
# whose single patch xsaNUM.patch makes the change on top of stable-4.22,
# mapped to RANGE ("xen-unstable - Xen 4.17.x").
make_xsa() {
	_n=$1 _range=$2 _subj=$3 _file=$4 _sed=$5
	mkdir -p "xsa-$_n" &&
	git clone -q "$UPSTREAM" "xsa-$_n/src" &&
	git -C "xsa-$_n/src" checkout -q stable-4.22 &&
	xsa_commit_patch "xsa-$_n/src" "$_file" "$_subj" "This is XSA-$_n / CVE-2026-${_n}01." \
		"$_sed" "$TRASH/xsa-$_n/xsa$_n.patch" &&
	rm -rf "xsa-$_n/src" &&
	xsa_advisory "xsa-$_n" "$_n" 1 "CVE-2026-${_n}01" "$_subj" "xsa$_n.patch	$_range" &&
	xsa_sign "xsa-$_n/advisory-$_n.txt"
}

# git am a stored patch onto BRANCH of $UPSTREAM (as a maintainer by hand).
am_on() {
	_wt=$TRASH/.wt-am-$$
	git -C "$UPSTREAM" worktree add -q "$_wt" "$1" &&
	(cd "$_wt" && git am -q "$2") &&
	git -C "$UPSTREAM" worktree remove --force "$_wt"
}
