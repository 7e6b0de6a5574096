/* xenbits' xsa.json, the index `xsa import` reads beside the advisories. */
#include "fuzz.h"
#include "xsa-store.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xsa_store s;
	struct strbuf out = STRBUF_INIT;

	memset(&s, 0, sizeof(s));
	if (!xsa_index_parse(&s, "xsa.json", (const char *)data, size)) {
		/* What we write back must read again. */
		xsa_index_write(&s, &out);
		if (xsa_index_parse(&s, "xsa.json (rewritten)", out.buf, out.len))
			__builtin_trap();
	}
	strbuf_release(&out);
	xsa_store_release(&s);
	return 0;
}
