/* A stored version's meta.json (the store is a git repository others push to). */
#include "fuzz.h"
#include "xsa-store.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xsa_version v;

	memset(&v, 0, sizeof(v));
	strvec_init(&v.cves);
	xsa_meta_parse(&v, "xsa/999/v1/meta.json", (const char *)data, size);
	xsa_version_release(&v);
	return 0;
}
