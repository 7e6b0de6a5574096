/* Mail as it arrives: RFC 5322 headers, MIME multiparts, base64 and
 * quoted-printable bodies; and the decoders on their own. */
#include "fuzz.h"
#include "mime.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned k = fuzz_pick(&data, &size);
	struct strbuf out = STRBUF_INIT;
	size_t bad;

	switch (k % 4) {
	case 0:
		base64_decode(&out, (const char *)data, size, &bad);
		break;
	case 1:
		qp_decode(&out, (const char *)data, size, &bad);
		break;
	default: {
		struct mime_message m;
		size_t i;

		memset(&m, 0, sizeof(m));
		if (!mime_parse(&m, (const char *)data, size, "fuzz.eml", 1)) {
			(void)mime_get_header(&m, "Subject");
			for (i = 0; i < m.nr; i++)
				if (m.parts[i].body.len && !m.parts[i].content_type)
					__builtin_trap();
		}
		mime_release(&m);
	}
	}
	strbuf_release(&out);
	return 0;
}
