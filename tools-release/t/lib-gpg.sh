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
