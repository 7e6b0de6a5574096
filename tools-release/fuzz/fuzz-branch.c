/* branches/X.Y.conf through the config reader and the branch rules. */
#include "fuzz.h"
#include "branch.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct branch b;

	if (!branch_parse(&b, "branches/4.19.conf", (const char *)data, size)) {
		char *t = branch_tag_name(&b, "4.19.5"), *z = branch_tarball_base(&b, "4.19.5");
		int point;

		branch_tag_point(&b, t, &point);
		branch_state_on(&b, 20000);
		free(t);
		free(z);
	}
	branch_release(&b);
	return 0;
}
