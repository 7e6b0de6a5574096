# lib-gpg.sh: throwaway OpenPGP keys for tests, made on the fly in the
# test's private $GNUPGHOME.  ed25519/cv25519 keys are generated in well
# under a second and need no passphrase.

# make_key "Name" email -> prints the 40-digit fingerprint
make_key() {
	gpg --batch --no-tty --passphrase '' --quick-gen-key "$1 <$2>" ed25519 sign 2y \
		>/dev/null 2>&1 || return 1
	_fpr=$(gpg --batch --with-colons --list-keys "<$2>" 2>/dev/null |
		awk -F: '/^fpr:/ { print $10; exit }')
	gpg --batch --no-tty --passphrase '' --quick-add-key "$_fpr" cv25519 encr 2y \
		>/dev/null 2>&1 || return 1
	echo "$_fpr"
}

# Armored public key of a fingerprint.
export_key() {
	gpg --batch --armor --export "$1"
}

# A second, separate keyring holding only the public keys given.
# make_pub_home DIR FPR... : DIR becomes a GNUPGHOME with those keys.
make_pub_home() {
	_dir=$1
	shift
	mkdir -p "$_dir" && chmod 700 "$_dir" &&
	for _f in "$@"; do
		gpg --batch --armor --export "$_f" | GNUPGHOME=$_dir gpg --batch --import 2>/dev/null
	done
}

# trust_key MAINT FPR ROLE SCOPE... : pin a key for this machine only.
trust_key() {
	_m=$1 _fpr=$2 _role=$3
	shift 3
	mkdir -p "$_m/.xenstable" &&
	printf '\nTEST KEY\nM:\tTest Signer <test@example.org>\nG:\t%s %s %s\n' \
		"$_fpr" "$_role" "$*" >>"$_m/.xenstable/MAINTAINERS.local"
}

# make_old_rsa_key NAME EMAIL: an RSA key (SHA-1 signatures need one) made
# on 2018-01-01 that never expires, as the Xen project's key was; prints
# its fingerprint.
make_old_rsa_key() {
	gpg --batch --no-tty --passphrase '' --faked-system-time '1514764800!' \
		--quick-gen-key "$1 <$2>" rsa2048 sign never >/dev/null 2>&1 || return 1
	gpg --batch --with-colons --list-keys "<$2>" 2>/dev/null |
		awk -F: '/^fpr:/ { print $10; exit }'
}

# hand_tag REPO NAME OBJECT KEY DIGEST WHEN [TYPE]: a signed annotated tag
# made by hand (git mktag), refs/tags/NAME, its signature over DIGEST
# (SHA1, SHA256) made at WHEN (seconds since the epoch), as old GnuPG made
# the Xen project's tags up to 4.11.0.  TYPE is the tagged object's type.
hand_tag() {
	_repo=$1 _name=$2 _obj=$3 _key=$4 _digest=$5 _when=$6 _type=${7:-commit}
	printf 'object %s\ntype %s\ntag %s\ntagger Release Manager <rm@example.org> %s +0000\n\nXen %s\n' \
		"$_obj" "$_type" "$_name" "$_when" "${_name#RELEASE-}" >"$TRASH/tag.txt" &&
	gpg --batch --no-tty --faked-system-time "$_when!" --digest-algo "$_digest" -u "$_key" \
		--armor --detach-sign -o "$TRASH/tag.sig" "$TRASH/tag.txt" 2>/dev/null &&
	cat "$TRASH/tag.txt" "$TRASH/tag.sig" >"$TRASH/tag.obj" &&
	_id=$(git -C "$_repo" mktag <"$TRASH/tag.obj") &&
	git -C "$_repo" update-ref "refs/tags/$_name" "$_id" &&
	rm -f "$TRASH/tag.txt" "$TRASH/tag.sig" "$TRASH/tag.obj"
}
