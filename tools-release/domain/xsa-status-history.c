/*
 * xsa-status-history.c: the rows of the XSA x branch matrix for XSAs the
 * source history knows and the store holds no advisory for (see
 * xsa-status.h, "History rows").
 */
#include "compat.h"
#include "xsa-status.h"
#include "xsa-status-internal.h"
#include "branch.h"
#include "maintainers.h"
#include "upstream-tags.h"
#include "xalloc.h"
#include "xsa-history.h"
#include "xsa-store.h"
#include "xsa.h"

static int store_has(const struct xsa_store *s, int x)
{
	size_t lo = 0, hi = s->nr;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->x[mid].number == x)
			return 1;
		if (s->x[mid].number < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The history's verdict for XSA x on line li as a cell (xsa-status.h). */
static void history_cell(const struct xsa_history *h, int x, size_t li, const char *lines_fixed,
			 const char *no_tags, struct xsa_cell *cell, int *inherited,
			 int64_t *first)
{
	const struct xh_line *l = &h->lines[li];
	struct xh_branch_xsa bx;
	const struct xh_eval *e = &bx.at_tip;
	char hex[GIT_MAX_HEXSZ + 1] = "";

	strvec_init(&cell->patches);
	strvec_init(&cell->names);
	strvec_init(&cell->found_in);
	xh_branch_evaluate(h, x, li, &bx);
	*inherited = bx.inherited && (e->state == XH_FIXED || e->state == XH_CLAIMED);
	if (e->nr_commits) {
		const struct xh_fact *f = xh_fact_of(h, e->commits[0]);

		xh_oid_hex(h, e->commits[e->nr_commits - 1], hex);
		if (f && f->time && (!*first || f->time < *first))
			*first = f->time;
	}
	switch (e->state) {
	case XH_FIXED:
		cell->state = XSA_APPLIED;
		cell->upstream = 1;
		cell->inherited = bx.inherited;
		snprintf(cell->commit, sizeof(cell->commit), "%s", hex);
		xsa_detail(cell, "%sno advisory stored; the source history has %zu fix%s "
			   "(last %.12s), all under verified RELEASE tags%s%s",
			   bx.inherited ? "inherited from master (xen-unstable); " : "", e->units,
			   e->units == 1 ? "" : "es", hex, bx.fixed_in >= 0 ? ", first in " : "",
			   bx.fixed_in >= 0 ? l->tags[bx.fixed_in].name : "");
		break;
	case XH_CLAIMED:
		cell->state = XSA_CLAIMED;
		cell->inherited = bx.inherited;
		snprintf(cell->commit, sizeof(cell->commit), "%s", hex);
		xsa_detail(cell, "no advisory stored; %zu commit%s of the source history "
			   "claim%s XSA-%d (last %.12s), not held by a verified RELEASE tag%s%s",
			   e->unevidenced, e->unevidenced == 1 ? "" : "s",
			   e->unevidenced == 1 ? "s" : "", x, hex, no_tags ? ": " : "", no_tags ? no_tags : "");
		break;
	case XH_PARTIAL:
		cell->state = XSA_PENDING;
		cell->found = e->units;
		cell->total = e->need > e->units ? e->need : e->units + 1;
		snprintf(cell->commit, sizeof(cell->commit), "%s", hex);
		xsa_detail(cell, "partial: %zu of %zu fixes (as many as %s has) in the source "
			   "history, no advisory stored%s%s", e->units, cell->total,
			   e->need_from ? e->need_from : "the fullest line", e->why.len ? ": " : "",
			   e->why.buf);
		break;
	case XH_REVERTED:
		cell->state = XSA_UNKNOWN;
		xsa_detail(cell, "affectedness unknown: a fix of it was applied and reverted "
			   "here, and no advisory stored says whether %s is affected", l->name);
		break;
	case XH_NONE_HERE:
		cell->state = XSA_UNKNOWN;
		xsa_detail(cell, "affectedness unknown: fixed on %s, not here, and no advisory "
			   "stored says whether %s is affected", lines_fixed, l->name);
		break;
	}
	xh_branch_xsa_release(&bx);
}

/*
 * Rows for the XSAs the source history knows and the store does not hold
 * (after the store's rows, by number).
 */
int xsa_status_history_rows(const struct xsa_status_opts *o, struct xsa_matrix *m)
{
	struct upstream_tags tags;
	struct maintainers mt;
	struct gpg_ctx g;
	struct xsa_history h;
	struct xh_opts ho;
	struct strbuf why = STRBUF_INIT, fixed = STRBUF_INIT;
	size_t *line_of = xcalloc(m->nr_br + 1, sizeof(*line_of));
	size_t i, k, li, nr = 0, alloc = 0, alloc_nums = 0, alloc_times = 0;
	struct xsa_cell *cells = NULL;
	int *nums = NULL;
	int64_t *times = NULL;
	int rc, loaded = 0;

	memset(&mt, 0, sizeof(mt));
	memset(&h, 0, sizeof(h));
	upstream_tags_init(&tags);
	gpg_init(&g, NULL);
	rc = maintainers_load_repo(&mt, o->store->root);
	if (!rc)
		rc = upstream_tags_list(&tags, o->src, o->branches);
	if (!rc)
		rc = upstream_tags_verify(&tags, o->src, &g, &mt, NULL, !o->no_cache);
	if (rc)
		goto out;
	memset(&ho, 0, sizeof(ho));
	ho.src = o->src;
	ho.branches = o->branches;
	ho.store = o->store;
	ho.tags = &tags;
	ho.no_cache = o->no_cache;
	rc = xsa_history_load(&h, &ho);
	if (rc)
		goto out;
	loaded = 1;
	/*
	 * Without one verified RELEASE tag the source is not upstream's history
	 * as far as anyone can tell: its messages alone are no list of XSAs.
	 */
	if (!h.tags_verified)
		goto out;
	upstream_tags_explain(&tags, &mt, NULL, &why);
	for (k = 0; k < m->nr_br; k++) {
		line_of[k] = SIZE_MAX;
		for (li = 1; li < h.nr_lines; li++)
			if (h.lines[li].b && !strcmp(h.lines[li].b->name, m->br[k].b->name) &&
			    h.lines[li].tip != XH_NONE)
				line_of[k] = li;
	}
	for (i = 0; i < h.nr_xsas; i++) {
		int x = h.xsas[i], all_inherited = 1, any = 0;
		int64_t first = 0;

		if (store_has(o->store, x) || !xh_xsa_is_xen(&h, x))
			continue;
		strbuf_reset(&fixed);
		for (li = 0; li < h.nr_lines; li++) {
			if (h.lines[li].tip == XH_NONE || !xh_line_touches(&h, x, li))
				continue;
			strbuf_addf(&fixed, "%s%s", fixed.len ? ", " : "", h.lines[li].name);
			any = 1;
		}
		if (!any)
			continue;
		ALLOC_GROW(cells, (nr + 1) * m->nr_br + 1, alloc);
		for (k = 0; k < m->nr_br; k++) {
			struct xsa_cell *c = &cells[nr * m->nr_br + k];
			int inh = 0;

			memset(c, 0, sizeof(*c));
			if (line_of[k] == SIZE_MAX) {
				strvec_init(&c->patches);
				strvec_init(&c->names);
				strvec_init(&c->found_in);
				c->state = XSA_UNKNOWN;
				xsa_detail(c, "affectedness unknown: the source history of %s was "
					   "not read", m->br[k].b->name);
			} else {
				history_cell(&h, x, line_of[k], fixed.buf, why.len ? why.buf : NULL,
					     c, &inh, &first);
			}
			all_inherited &= inh;
		}
		if (all_inherited && m->nr_br) {
			/* Fixed on master before every shown branch forked: no news. */
			for (k = 0; k < m->nr_br; k++) {
				struct xsa_cell *c = &cells[nr * m->nr_br + k];

				free(c->detail);
				strvec_clear(&c->patches);
				strvec_clear(&c->names);
				strvec_clear(&c->found_in);
			}
			continue;
		}
		ALLOC_GROW(nums, nr + 1, alloc_nums);
		ALLOC_GROW(times, nr + 1, alloc_times);
		nums[nr] = x;
		times[nr] = first;
		nr++;
	}
	if (nr) {
		size_t base = m->nr_xsa;

		m->hist = xcalloc(nr + 1, sizeof(*m->hist));
		m->xsa = xrealloc(m->xsa, (base + nr + 1) * sizeof(*m->xsa));
		m->cells = xrealloc(m->cells, ((base + nr) * m->nr_br + 1) * sizeof(*m->cells));
		memcpy(&m->cells[base * m->nr_br], cells, nr * m->nr_br * sizeof(*cells));
		for (i = 0; i < nr; i++) {
			struct xsa_record *r = &m->hist[i];

			r->number = nums[i];
			r->v = xcalloc(1, sizeof(*r->v));
			r->nr = r->alloc = 1;
			r->v[0].number = nums[i];
			r->v[0].title = xstrdup("");
			strvec_init(&r->v[0].cves);
			/* Dates the row like the advisory would be: its first fix. */
			r->v[0].imported_at = times[i];
			m->xsa[base + i] = r;
		}
		m->nr_hist = nr;
		m->nr_xsa = base + nr;
	}
out:
	if (loaded)
		xsa_history_release(&h);
	upstream_tags_release(&tags);
	gpg_release(&g);
	maintainers_release(&mt);
	strbuf_release(&why);
	strbuf_release(&fixed);
	free(line_of);
	free(cells);
	free(nums);
	free(times);
	return rc;
}
