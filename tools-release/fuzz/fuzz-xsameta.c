/* The security team's xsaNNN.meta, read at intake and again from the store. */
#include "fuzz.h"
#include "json-strict.h"
#include "xsa-meta.h"

FUZZ_QUIET()

/* The sha256sum block of the advisory the seeds belong to. */
static const char *const names[] = {
	"xsa490.meta", "xsa490.patch", "xsa490-4.19/0001-a.patch", "xsa490-4.19/0002-b.patch",
	"xsa490-4.17.patch",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xsameta m;
	size_t i, k;

	xsameta_init(&m);
	/* 0: any XSA number is taken, so the fuzzer gets past it. */
	if (!xsameta_parse(&m, (const char *)data, size, "xsa490.meta", 0, names,
			   ARRAY_SIZE(names))) {
		for (i = 0; i < m.nr; i++) {
			const struct xsameta_recipe *r = &m.r[i];

			/* What was read names only files of the block, and is found again. */
			if (xsameta_recipe(&m, r->version, r->tree) != r ||
			    strlen(r->stable_ref) < 40)
				__builtin_trap();
			for (k = 0; k < r->files.nr; k++)
				if (!strcmp(r->files.v[k], "xsa490.meta"))
					__builtin_trap();
			for (k = 0; k < r->nr_prereqs; k++)
				if (r->prereqs[k] == m.xsa)
					__builtin_trap();
		}
	}
	xsameta_release(&m);
	return 0;
}
