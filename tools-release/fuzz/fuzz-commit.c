/* A commit object from the source repository (git cat-file), and the
 * XSA numbers its message names. */
#include "fuzz.h"
#include "git.h"
#include "xsa.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct git_commit c;
	int nums[8];

	git_commit_init(&c);
	if (!git_commit_parse(&c, (const char *)data, size) && c.message)
		xsa_mentions(c.message, strlen(c.message), nums, 8);
	git_commit_release(&c);
	return 0;
}
