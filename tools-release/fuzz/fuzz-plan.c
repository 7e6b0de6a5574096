/* tools-release/upstream/plan, the steps of the reference upstream. */
#include "fuzz.h"
#include "upstream.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan p;

	plan_parse(&p, "upstream/plan", (const char *)data, size);
	plan_release(&p);
	return 0;
}
