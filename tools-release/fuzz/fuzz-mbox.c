/* An mbox: split at "From " lines, unquote, parse each message. */
#include "fuzz.h"
#include "mime.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct mbox_msg *msgs = NULL;
	size_t n = mbox_split(text, size, &msgs), i;

	for (i = 0; i < n; i++) {
		struct strbuf body = STRBUF_INIT;
		struct mime_message m;

		if (msgs[i].off > size || msgs[i].len > size - msgs[i].off)
			__builtin_trap();	/* a message outside the text */
		mbox_unquote(&body, text + msgs[i].off, msgs[i].len);
		memset(&m, 0, sizeof(m));
		mime_parse(&m, body.buf, body.len, "fuzz.mbox", msgs[i].line);
		mime_release(&m);
		strbuf_release(&body);
	}
	free(msgs);
	return 0;
}
