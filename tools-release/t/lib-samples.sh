# lib-samples.sh: the sample advisories of xsa/samples/, signed and imported.
#
#	setup_reference                 # from lib-fixture.sh
#	xsa_samples_import [DIR]        # sign copies in DIR (default
#	                                # $TRASH/samples) and import them into
#	                                # $MAINT; sets XSA_KEY
#
# The samples are committed unsigned; a throwaway security-team key signs
# the copies (lib-xsa.sh's xsa_sign) and is trusted for the advisory role
# in $MAINT.  Version 1 of XSA-901 goes in before version 2, then the rest
# and xenbits' index of public times.

SAMPLES_DIR=$PROJECT_ROOT/xsa/samples

xsa_samples_sign() {
	_s_dir=${1:-$TRASH/samples}
	rm -rf "$_s_dir" && cp -a "$SAMPLES_DIR" "$_s_dir" &&
	if [ -z "${XSA_KEY:-}" ]; then
		XSA_KEY=$(xsa_make_key) && export XSA_KEY
	fi &&
	for _s_a in "$_s_dir"/*/advisory-*.txt; do
		xsa_sign "$_s_a" || return 1
	done
}

xsa_samples_import() {
	_s_dir=${1:-$TRASH/samples}
	xsa_samples_sign "$_s_dir" &&
	trust_key "$MAINT" "$XSA_KEY" advisory &&
	"$XENSTABLE" -q -C "$MAINT" xsa import "$_s_dir/901-v1" "$_s_dir/901" "$_s_dir/902" \
		"$_s_dir/903" "$_s_dir/904" "$_s_dir/905" "$_s_dir/xsa.json" >/dev/null
}
