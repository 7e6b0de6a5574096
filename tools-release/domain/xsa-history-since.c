/*
 * xsa-history-since.c: the XSAs fixed at a commit, and those new since
 * another (see xsa-history-since.h).
 */
#include "compat.h"
#include "xsa-history-since.h"
#include "xalloc.h"

void xh_fixed_set_release(struct xh_fixed_set *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		xh_eval_release(&s->v[i].e);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

const struct xh_fixed_row *xh_fixed_find(const struct xh_fixed_set *s, int x)
{
	size_t lo = 0, hi = s->nr;

	/* rows are in the history's XSA order: ascending numbers */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->v[mid].xsa == x)
			return &s->v[mid];
		if (s->v[mid].xsa < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void xsa_history_fixed_at(const struct xsa_history *h, uint32_t c, struct xh_fixed_set *out)
{
	uint64_t *reach;
	int li;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (c == XH_NONE || c >= h->nr)
		return;
	reach = xh_reach(h, c);
	li = xh_line_of(h, c);
	for (i = 0; i < h->nr_xsas; i++) {
		struct xh_fixed_row *r;

		ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		r = &out->v[out->nr];
		r->xsa = h->xsas[i];
		xh_eval_init(&r->e);
		xh_evaluate(h, h->xsas[i], reach, li, &r->e);
		if (r->e.state == XH_NONE_HERE || r->e.state == XH_REVERTED) {
			xh_eval_release(&r->e);
			continue;
		}
		out->nr++;
	}
	free(reach);
}

static int is_new(const struct xh_fixed_row *r, const struct xh_fixed_set *before,
		  const uint64_t *before_reach)
{
	const struct xh_fixed_row *b = xh_fixed_find(before, r->xsa);
	size_t k;

	if (xh_state_complete(r->e.state))
		return !b || !xh_state_complete(b->e.state);
	/* partial: new when some of its commits came after c2 */
	for (k = 0; k < r->e.nr_commits; k++)
		if (!xh_has(before_reach, r->e.commits[k]))
			return 1;
	return 0;
}

void xsa_history_fixed_since(const struct xsa_history *h, uint32_t c, uint32_t c2,
			     struct xh_fixed_set *out)
{
	struct xh_fixed_set before;
	uint64_t *before_reach;
	size_t i, kept = 0;

	xsa_history_fixed_at(h, c, out);
	if (c2 == XH_NONE && c < h->nr) {
		int li = xh_line_of(h, c);

		if (li > 0)
			c2 = h->lines[li].fork;
	}
	if (c2 == XH_NONE || c2 >= h->nr)
		return;
	xsa_history_fixed_at(h, c2, &before);
	before_reach = xh_reach(h, c2);
	for (i = 0; i < out->nr; i++) {
		if (is_new(&out->v[i], &before, before_reach))
			out->v[kept++] = out->v[i];
		else
			xh_eval_release(&out->v[i].e);
	}
	out->nr = kept;
	free(before_reach);
	xh_fixed_set_release(&before);
}
