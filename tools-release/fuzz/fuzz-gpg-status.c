/* gpg's status lines, the only thing signature decisions rest on: after
 * parsing, the verdict must agree with what the lines say. */
#include "fuzz.h"
#include "gpg.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gpg_sig s;
	struct strvec trusted = STRVEC_INIT;

	gpg_sig_init(&s);
	gpg_parse_verify_status((const char *)data, size, &s);
	if (s.verdict == GPG_GOOD) {
		/* Good means one signature and a primary fingerprint in hex. */
		if (strlen(s.primary_fpr) != GPG_FPR_LEN ||
		    !is_hex_string(s.primary_fpr, GPG_FPR_LEN) || s.nsigs > 1)
			__builtin_trap();
		if (!memmem(data, size, "[GNUPG:] VALIDSIG ", 18))
			__builtin_trap();
	}
	strvec_push(&trusted, "0123456789ABCDEF0123456789ABCDEF01234567");
	gpg_sig_require(&s, &trusted, "fuzz");
	strvec_clear(&trusted);
	{
		/* The release tags' reading: good where the strict one is, and
		 * otherwise only for one SHA-1 signature made before the cut-off. */
		struct gpg_sig t;

		gpg_sig_init(&t);
		gpg_parse_verify_status_sha1_until((const char *)data, size, &t,
						   GPG_SHA1_TRUSTED_UNTIL);
		if (s.verdict == GPG_GOOD && t.verdict != GPG_GOOD)
			__builtin_trap();
		if (t.verdict == GPG_GOOD && s.verdict != GPG_GOOD &&
		    (t.sig_time <= 0 || t.sig_time >= GPG_SHA1_TRUSTED_UNTIL))
			__builtin_trap();
		gpg_sig_release(&t);
	}
	gpg_sig_release(&s);
	return 0;
}
