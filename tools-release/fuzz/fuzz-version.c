/* The version lines of xen/Makefile (hypervisor/Makefile), read and set. */
#include "fuzz.h"
#include "version.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xen_version v;
	int point, pre;

	memset(&v, 0, sizeof(v));
	if (!version_parse_makefile((const char *)data, size, "Makefile", &v)) {
		struct strbuf text = STRBUF_INIT;
		char *s = xen_version_string(&v);

		if (v.extra)
			version_parse_extra(v.extra, &point, &pre);
		strbuf_add(&text, data, size);
		if (!version_set_makefile(&text, "Makefile", 4, 19, ".7-pre")) {
			struct xen_version w;

			memset(&w, 0, sizeof(w));
			if (version_parse_makefile(text.buf, text.len, "Makefile", &w) ||
			    w.major != 4 || w.minor != 19)
				__builtin_trap();
			xen_version_release(&w);
		}
		strbuf_release(&text);
		free(s);
	}
	xen_version_release(&v);
	return 0;
}
