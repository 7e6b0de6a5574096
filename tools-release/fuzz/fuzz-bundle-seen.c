/* backports/seen.json, the replay guard a receiver keeps. */
#include "fuzz.h"
#include "fs.h"
#include "bundle-store.h"

static char *root, *file;

/* libFuzzer leaves through exit(): take the scratch directory along. */
static void cleanup(void)
{
	remove_tree(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *dir;

	(void)argc;
	(void)argv;
	xs_quiet = 1;
	root = make_temp_dir("fuzz-seen");
	if (!root)
		abort();
	atexit(cleanup);
	dir = path_join(root, "backports");
	if (mkdir_p(dir, 0755))
		abort();
	file = path_join(dir, "seen.json");
	free(dir);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle_store s;

	if (write_file_atomic(file, data, size, 0600))
		abort();
	bundle_store_load(&s, root);
	bundle_store_release(&s);
	return 0;
}
