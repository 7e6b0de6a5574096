/* An advisory's VULNERABLE SYSTEMS section (domain/xsa-vuln.h): the
 * section found in a whole advisory file, its sentences read, and what
 * they say of every branch. */
#include "fuzz.h"
#include "xsa-vuln.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct strbuf body = STRBUF_INIT;
	struct xsa_vuln x;
	int first = 0, major, minor;

	/* As a whole stored advisory, and as a section body. */
	if (!xsa_vuln_section(text, size, &body, &first)) {
		xsa_vuln_parse(&x, body.buf, body.len, first);
		xsa_vuln_release(&x);
	}
	xsa_vuln_parse(&x, text, size, 1);
	for (major = 3; major <= 5; major++)
		for (minor = 0; minor <= 24; minor++) {
			const struct xsa_vuln_stmt *s;

			if (xsa_vuln_branch(&x, major, minor, &s) != XSA_VULN_UNKNOWN && !s)
				__builtin_trap();
		}
	xsa_vuln_release(&x);
	strbuf_release(&body);
	free(text);
	return 0;
}
