/* The SUPPORT.md block of a source tree, read and written back. */
#include "fuzz.h"
#include "support.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct support_block b;

	memset(&b, 0, sizeof(b));
	if (!support_parse_block((const char *)data, size, "SUPPORT.md", &b)) {
		struct strbuf text = STRBUF_INIT;
		struct support_block again;

		strbuf_add(&text, data, size);
		if (!support_set_block(&text, "SUPPORT.md", &b)) {
			memset(&again, 0, sizeof(again));
			if (support_parse_block(text.buf, text.len, "SUPPORT.md", &again))
				__builtin_trap();	/* what we wrote must read */
			support_block_release(&again);
		}
		strbuf_release(&text);
	}
	support_block_release(&b);
	return 0;
}
