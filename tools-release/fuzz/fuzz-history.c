/* Commit messages as the history scan reads them (claims, links, reverts,
 * CVEs), an advisory's VULNERABLE SYSTEMS text, and describe-like
 * revision names. */
#include "fuzz.h"
#include "xsa-history.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xh_msg_facts f;
	struct strbuf base = STRBUF_INIT, hex = STRBUF_INIT;
	char *s = fuzz_text(data, size);
	int v[XH_MAX_CLAIMS], lo, hi;
	long ahead;

	xh_msg_scan((const char *)data, size, &f);
	xh_statement_parse((const char *)data, size, v, XH_MAX_CLAIMS, &f);
	xh_vulnerable_parse((const char *)data, size, &lo, &hi);
	xh_rev_describe_parse(s, &base, &ahead, &hex);
	strbuf_release(&base);
	strbuf_release(&hex);
	free(s);
	return 0;
}
