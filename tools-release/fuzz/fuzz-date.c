/* Times from untrusted text: an advisory's embargo time with its zone
 * (first byte 0) and a mail's Date field (first byte 1). */
#include "fuzz.h"
#include "date.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned pick = fuzz_pick(&data, &size);
	char *s = fuzz_text(data, size);
	const char *why = NULL;
	char out[32];
	size_t used = 0;
	int64_t t = 0;

	if (pick & 1) {
		if (!date_parse_rfc5322(s, &t, &why))
			date_format_rfc2822(t, out);
		else if (!why)
			__builtin_trap();	/* a refusal always says why */
	} else {
		int rc = date_parse_zoned(s, &t, &used, &why);

		if (used > strlen(s) || (rc && !why))
			__builtin_trap();
		if (!rc)
			date_format_iso(t, out);
	}
	free(s);
	return 0;
}
