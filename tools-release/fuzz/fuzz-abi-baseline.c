/* toolstack/abi/X.Y/BASELINE: the recorded ABI of the last release. */
#include "fuzz.h"
#include "abi.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct abi_baseline b;

	abi_baseline_init(&b);
	abi_baseline_parse(&b, "BASELINE", (const char *)data, size);
	abi_baseline_release(&b);
	return 0;
}
