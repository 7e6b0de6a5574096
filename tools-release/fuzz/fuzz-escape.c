/* Untrusted text on its way to a terminal: whatever comes in, what
 * text_escape() writes holds no control character at all. */
#include "fuzz.h"
#include "escape.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf out = STRBUF_INIT;
	unsigned flags = size ? data[0] & (TEXT_ALLOW_TAB | TEXT_ALLOW_NEWLINE) : 0;
	size_t at;
	unsigned code;

	text_escape(&out, (const char *)data, size, 0);
	if (text_find_ctrl(out.buf, out.len, 0, &at, &code))
		__builtin_trap();
	strbuf_reset(&out);
	text_escape(&out, (const char *)data, size, flags);
	if (text_find_ctrl(out.buf, out.len, flags, &at, &code))
		__builtin_trap();
	if (text_find_ctrl((const char *)data, size, flags, &at, &code) && at >= size)
		__builtin_trap();
	strbuf_release(&out);
	return 0;
}
