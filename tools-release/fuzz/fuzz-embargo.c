/* A patch from an advisory or a bundle, or git log -p output, as the
 * embargo check cuts it into hunks (embargo_parse_diff) and keeps them
 * (embargo_set_add: normalised, hashed, each with its own header). */
#include "fuzz.h"
#include "embargo.h"

FUZZ_QUIET()

static int look(const struct embargo_diff_hunk *h, void *data)
{
	size_t *n = data;

	if (h->hunk_len < 4 || memcmp(h->hunk, "@@ -", 4) || h->header_len < 11 ||
	    memcmp(h->header, "diff --git ", 11) || (!h->old_path && !h->new_path))
		__builtin_trap();	/* the parser promised a hunk with its header */
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct embargo_set es;
	size_t n = 0, added, i, k;

	embargo_parse_diff(text, size, look, &n);
	embargo_set_init(&es, 0);
	added = embargo_set_add(&es, "XSA-1", NULL, 1, 1, 1, text, size);
	for (i = 0; i < es.nr; i++)
		for (k = 0; k < es.v[i].nr; k++)
			if (!es.v[i].h[k].path || !strstr(es.v[i].h[k].text, "\n@@ -"))
				__builtin_trap();
	if (added != (es.nr ? es.v[0].nr : 0))
		__builtin_trap();
	embargo_set_release(&es);
	return 0;
}
