# lib-xsa.sh: sample Xen Security Advisories for tests, written in the
# published format (a throwaway key signs them; none is a real one).
#
#	XSA_KEY=$(xsa_make_key)                  # and trust it in $MAINT
#	xsa_advisory DIR 901 1 "CVE-2026-90101" "Title" \
#		"xsa901.patch	xen-unstable - Xen 4.20.x" \
#		"xsa901-4.19.patch	Xen 4.19.x"
#	xsa_sign DIR/advisory-901.txt
#	xsa_mail DIR 901 >901.eml
#
# Environment knobs for xsa_advisory:
#	XSA_EMBARGO="2026-12-01 12:00"   predisclosure text with that embargo end
#	XSA_EXTRA_SECTION="TITLE|text"   one more section after MITIGATION
#	XSA_VULNERABLE="text"            the VULNERABLE SYSTEMS section's text

# A signing key for the test security team; prints its fingerprint.
xsa_make_key() {
	make_key "Test Security Team" "security@xsa.example.org"
}

# xsa_centre TEXT: TEXT centred in 70 columns, as advisories set headings.
xsa_centre() {
	_xsa_len=$(printf '%s' "$1" | wc -c)
	_xsa_pad=$(( (70 - _xsa_len) / 2 ))
	[ "$_xsa_pad" -lt 0 ] && _xsa_pad=0
	printf '%*s%s\n' "$_xsa_pad" '' "$1"
}

# xsa_advisory DIR NUM VERSION CVES TITLE MAPPING...
#   CVES: comma-separated ("" for none).  MAPPING: "name<TAB>range", where
#   name may be a glob of files below DIR ("xsa902/*.patch") and range may
#   be empty (for a .meta file).  Files must exist in DIR; their sha256
#   block is computed.  Writes DIR/advisory-NUM.txt, unsigned.
xsa_advisory() {
	_xsa_dir=$1 _xsa_num=$2 _xsa_ver=$3 _xsa_cves=$4 _xsa_title=$5
	shift 5
	_xsa_out="$_xsa_dir/advisory-$_xsa_num.txt"
	{
		if [ -n "$_xsa_cves" ]; then
			xsa_centre "Xen Security Advisory $_xsa_cves / XSA-$_xsa_num"
		else
			xsa_centre "Xen Security Advisory XSA-$_xsa_num"
		fi
		xsa_centre "version $_xsa_ver"
		echo
		xsa_centre "$_xsa_title"
		echo
		if [ -n "${XSA_EMBARGO:-}" ]; then
			xsa_centre "*** EMBARGOED UNTIL $XSA_EMBARGO UTC ***"
			echo
		fi
		if [ "$_xsa_ver" -gt 1 ]; then
			echo "UPDATES IN VERSION $_xsa_ver"
			echo "====================="
			echo
			if [ -n "${XSA_EMBARGO:-}" ]; then
				echo "Revised patches for the predisclosure list."
			else
				echo "Public release.  Patches revised."
			fi
			echo
		fi
		cat <<-EOF
		ISSUE DESCRIPTION
		=================

		A test hypercall of XSA-$_xsa_num trusts a guest-supplied length.  This
		text was written for xenstable's tests.

		IMPACT
		======

		A guest could crash the host.

		VULNERABLE SYSTEMS
		==================

		${XSA_VULNERABLE:-Test systems only.}

		MITIGATION
		==========

		None.

		EOF
		if [ -n "${XSA_EXTRA_SECTION:-}" ]; then
			_xsa_t=${XSA_EXTRA_SECTION%%|*}
			echo "$_xsa_t"
			echo "$_xsa_t" | sed 's/./=/g'
			echo
			echo "${XSA_EXTRA_SECTION#*|}"
			echo
		fi
		cat <<-EOF
		CREDITS
		=======

		Found by the xenstable test suite.

		RESOLUTION
		==========

		Applying the appropriate attached patch resolves this issue.

		EOF
		_xsa_names=
		for _xsa_m in "$@"; do
			_xsa_name=$(printf '%s' "$_xsa_m" | cut -f1)
			_xsa_range=$(printf '%s' "$_xsa_m" | cut -s -f2)
			printf '%-22s %s\n' "$_xsa_name" "$_xsa_range" | sed 's/ *$//'
			_xsa_names="$_xsa_names $_xsa_name"
		done
		echo
		echo "\$ sha256sum xsa$_xsa_num*"
		(cd "$_xsa_dir" && for _xsa_n in $_xsa_names; do sha256sum $_xsa_n; done)
		echo "\$"
		echo
		cat <<-EOF
		DEPLOYMENT DURING EMBARGO
		=========================

		Deploying the patches during the embargo is allowed in this test.
		EOF
	} >"$_xsa_out"
}

# xsa_sign FILE: clear-sign FILE in place with $XSA_KEY (SHA256).
xsa_sign() {
	gpg --batch --yes --no-tty --local-user "$XSA_KEY!" --digest-algo SHA256 \
		--clearsign --output "$1.asc" "$1" 2>/dev/null &&
	mv "$1.asc" "$1"
}

# xsa_mail DIR NUM [FILE...]: an announcement mail on stdout: the signed
# advisory inline, FILEs (default: every file its sha256 block lists) as
# base64 attachments named as listed.
xsa_mail() {
	_xsa_dir=$1 _xsa_num=$2
	shift 2
	if [ $# -eq 0 ]; then
		set -- $(sed -n '/^\$ sha256sum/,/^\$$/p' "$_xsa_dir/advisory-$_xsa_num.txt" |
			awk 'NF == 2 && length($1) == 64 { print $2 }')
	fi
	cat <<-EOF
	From: Test Security Team <security@xsa.example.org>
	To: announce@xsa.example.org
	Subject: Xen Security Advisory $_xsa_num - test advisory with a subject
	 long enough to be folded
	Date: Sat, 21 Nov 2026 12:00:00 +0000
	Message-Id: <xsa$_xsa_num@xsa.example.org>
	MIME-Version: 1.0
	Content-Type: multipart/mixed; boundary="=separator"; charset="utf-8"
	Content-Transfer-Encoding: binary

	--=separator
	Content-Type: text/plain; charset="utf-8"
	Content-Disposition: inline
	Content-Transfer-Encoding: 7bit

	EOF
	cat "$_xsa_dir/advisory-$_xsa_num.txt"
	for _xsa_f in "$@"; do
		printf '\n--=separator\n'
		printf 'Content-Type: application/octet-stream; name="%s"\n' "$_xsa_f"
		printf 'Content-Disposition: attachment; filename="%s"\n' "$_xsa_f"
		printf 'Content-Transfer-Encoding: base64\n\n'
		base64 -w 60 "$_xsa_dir/$_xsa_f"
	done
	printf '\n--=separator--\n'
}

# xsa_patch_file FILE SUBJECT BODY_LINE PATH: a small mail-style patch
# (not from git) that changes PATH; content depends on SUBJECT.
xsa_patch_file() {
	cat >"$1" <<-EOF
	From: Test Author <author@example.org>
	Subject: [PATCH] $2

	$3

	Signed-off-by: Test Author <author@example.org>
	---
	diff --git a/$4 b/$4
	--- a/$4
	+++ b/$4
	@@ -1 +1 @@
	-old
	+new: $2
	EOF
}

# xsa_xenbits_json FILE NUM:"YYYY-MM-DD HH:MM"...: a small xsa.json in
# xenbits' schema giving public times.
xsa_xenbits_json() {
	_xsa_f=$1
	shift
	{
		printf '[{"xsas":['
		_xsa_sep=
		for _xsa_e in "$@"; do
			printf '%s{"xsa":"%s","title":"Test advisory %s","cve":[],"files":[],' \
				"$_xsa_sep" "${_xsa_e%%:*}" "${_xsa_e%%:*}"
			printf '"public_time":"%s","version":1,"version_time":"%s"}' \
				"${_xsa_e#*:}" "${_xsa_e#*:}"
			_xsa_sep=,
		done
		printf ']}]\n'
	} >"$_xsa_f"
}

# xsa_plain_patch IN OUT: the same patch without git's "diff --git" and
# "index" lines, as some real XSA patches are (plain ---/+++ only).
xsa_plain_patch() {
	grep -v -e '^diff --git ' -e '^index [0-9a-f]*\.\.[0-9a-f]*' "$1" >"$2"
}

# xsa_commit_patch REPO FILE SUBJECT BODY SED-EXPR OUT: change FILE (in
# REPO) with SED-EXPR on top of REPO's HEAD, commit with SUBJECT and BODY,
# and write that commit as a mail patch to OUT (an absolute path).  The
# commit is made on a detached HEAD; REPO's branch is left as it was.
xsa_commit_patch() {
	(
		cd "$1" &&
		_xsa_ref=$(git symbolic-ref -q --short HEAD || git rev-parse HEAD) &&
		git checkout -q --detach &&
		sed -i "$5" "$2" &&
		git commit -q -a -m "$3" -m "$4" &&
		git format-patch -q -1 --stdout >"$6" &&
		git checkout -q "$_xsa_ref"
	)
}
