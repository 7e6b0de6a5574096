/* RESOLUTION ranges ("xen-unstable - Xen 4.18.x", "Linux 6.7-rc - 6.5")
 * and single endpoints, with a file name to hint the project. */
#include "fuzz.h"
#include "xsa.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *name, *nl, *project = NULL;
	struct xsa_range *ranges = NULL;
	struct xsa_endpoint e;
	struct strbuf why = STRBUF_INIT, s = STRBUF_INIT;
	size_t nr = 0, i;

	/* "name\nrange": the first line is the file name. */
	nl = memchr(text, '\n', size);
	if (nl) {
		*nl = '\0';
		name = text;
		nl++;
	} else {
		name = (char *)"xsa999.patch";
		nl = text;
	}
	if (!xsa_parse_range(nl, name, &project, &ranges, &nr, &why)) {
		for (i = 0; i < nr; i++) {
			xsa_endpoint_str(&ranges[i].a, &s);
			xsa_endpoint_str(&ranges[i].b, &s);
		}
	}
	if (!xsa_parse_endpoint(nl, &e))
		xsa_endpoint_str(&e, &s);
	free(project);
	free(ranges);
	strbuf_release(&why);
	strbuf_release(&s);
	free(text);
	return 0;
}
