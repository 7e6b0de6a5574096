/* provenance.intoto.json from a release directory a distro fetched: read
 * before its fields are compared, whatever signed it. */
#include "fuzz.h"
#include "provenance.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct provenance p;
	size_t i;

	provenance_init(&p);
	if (!provenance_parse((const char *)data, size, "fuzz", &p)) {
		/* Every subject is "name<TAB>64 hex digits". */
		for (i = 0; i < p.subjects.nr; i++) {
			const char *tab = strchr(p.subjects.v[i], '\t');

			if (!tab || strlen(tab + 1) != SHA256_HEX_LEN || tab == p.subjects.v[i])
				__builtin_trap();
		}
		if (p.evtag && strlen(p.evtag) != 128)
			__builtin_trap();
	}
	provenance_release(&p);
	return 0;
}
