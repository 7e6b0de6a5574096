/* A patch file from an advisory or a bundle: the safety check apply runs
 * before git sees it, the normalisation behind patch ids, and the XSA
 * numbers and subject taken from its header. */
#include "fuzz.h"
#include "apply.h"
#include "xsa.h"
#include "xsa-commits.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct strbuf norm = STRBUF_INIT, subj = STRBUF_INIT;
	int nums[16];
	size_t n, i;

	apply_check_patch("xsa999.patch", text, size);
	xsa_normalize_patch(text, size, &norm);
	n = xsa_mentions(text, size, nums, 16);
	if (n > 16)
		__builtin_trap();
	for (i = 1; i < n; i++)
		if (nums[i - 1] >= nums[i])
			__builtin_trap();	/* sorted and unique, as promised */
	xsa_clean_subject(text, size < 200 ? size : 200, &subj);
	strbuf_release(&norm);
	strbuf_release(&subj);
	return 0;
}
