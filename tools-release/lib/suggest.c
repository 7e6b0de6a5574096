#include "compat.h"
#include "suggest.h"
#include "xalloc.h"

size_t suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d;
	size_t *prev2, *prev, *cur;

	if (la > 256 || lb > 256)
		return SIZE_MAX;
	prev2 = xcalloc(lb + 1, sizeof(*prev2));
	prev = xcalloc(lb + 1, sizeof(*prev));
	cur = xcalloc(lb + 1, sizeof(*cur));
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		size_t *t;

		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev[j - 1] + (a[i - 1] != b[j - 1]);

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	d = prev[lb];
	free(prev2);
	free(prev);
	free(cur);
	return d;
}

const char *suggest_closest(const char *word, const char *const *cands)
{
	const char *best = NULL, *prefix = NULL;
	size_t i, bd = SIZE_MAX, len = strlen(word), nprefix = 0;

	if (!*word)
		return NULL;
	for (i = 0; cands[i]; i++) {
		size_t d = suggest_distance(word, cands[i]);

		if (d < bd) {
			bd = d;
			best = cands[i];
		} else if (d == bd) {
			best = NULL;	/* a tie: no single likely one */
		}
		if (!strncmp(cands[i], word, len)) {
			prefix = cands[i];
			nprefix++;
		}
	}
	if (nprefix == 1)
		return prefix;
	/* One or two slips, fewer for short words. */
	if (best && bd <= (len <= 3 ? 1 : len <= 6 ? 2 : 3))
		return best;
	return NULL;
}
