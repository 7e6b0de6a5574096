/* backports/seen.json, the replay guard a receiver keeps. */
#include "fuzz.h"
#include "bundle-store.h"

static char *file;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xs_quiet = 1;
	file = fuzz_scratch_file("fuzz-seen", "backports/seen.json");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle_store s;

	if (write_file_atomic(file, data, size, 0600))
		abort();
	bundle_store_load(&s, fuzz_scratch_root);
	bundle_store_release(&s);
	return 0;
}
