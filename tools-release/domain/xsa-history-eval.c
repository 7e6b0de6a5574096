/*
 * xsa-history-eval.c: the judgement of each XSA on each line of history
 * (see xsa-history.h): master fixes, reverts, and the states fixed,
 * claimed, partial, reverted.
 */
#include "compat.h"
#include "xsa-history.h"
#include "xsa-history-internal.h"
#include "xalloc.h"

/* --- evaluation ------------------------------------------------------------ */

const char *xh_state_name(enum xh_state s)
{
	switch (s) {
	case XH_FIXED:
		return "fixed";
	case XH_CLAIMED:
		return "claimed";
	case XH_PARTIAL:
		return "partial";
	case XH_REVERTED:
		return "reverted";
	case XH_NONE_HERE:
		break;
	}
	return "none";
}

static int ident_has(const struct xsa_history *h, uint32_t c, uint32_t x)
{
	const struct xh_fact *f = xh_fact_of(h, c);
	size_t k;

	if (c == x)
		return 1;
	for (k = 0; f && k < f->nr_ident; k++)
		if (f->ident[k] == x)
			return 1;
	return 0;
}

static int reverted_in(const struct xsa_history *h, uint32_t c, const uint64_t *reach, int depth)
{
	const struct xh_fact *fc = xh_fact_of(h, c);
	size_t i, k, j;

	if (depth > MAX_DEPTH || !h->targeted)
		return 0;
	{
		int any = xh_has(h->targeted, c);

		for (k = 0; fc && k < fc->nr_ident && !any; k++)
			any = xh_has(h->targeted, fc->ident[k]);
		if (!any)
			return 0;
	}
	for (i = 0; i < h->nr_revert_commits; i++) {
		uint32_t r = h->revert_commits[i];
		const struct xh_fact *f = xh_fact_of(h, r);
		int hit = 0;

		if (r == c || !xh_has(reach, r) || !f)
			continue;
		for (k = 0; k < f->nr_targets && !hit; k++) {
			if (f->targets[k] == c)
				hit = 1;
			for (j = 0; fc && j < fc->nr_ident && !hit; j++)
				if (fc->ident[j] == f->targets[k])
					hit = 1;
		}
		if (hit && !reverted_in(h, r, reach, depth + 1))
			return 1;
	}
	return 0;
}

size_t xh_master_fixes(const struct xsa_history *h, int x, uint32_t **out)
{
	long s = xh_xsa_slot(h, x);

	*out = NULL;
	if (s < 0 || !h->mfix || !h->nr_mfix[s])
		return 0;
	*out = xmalloc(h->nr_mfix[s] * sizeof(uint32_t));
	memcpy(*out, h->mfix[s], h->nr_mfix[s] * sizeof(uint32_t));
	return h->nr_mfix[s];
}

void xh_compute_master_fixes(struct xsa_history *h)
{
	size_t s, k;

	h->mfix = xcalloc(h->nr_xsas + 1, sizeof(*h->mfix));
	h->nr_mfix = xcalloc(h->nr_xsas + 1, sizeof(*h->nr_mfix));
	if (!h->nr_lines || !h->lines[0].reach)
		return;
	for (s = 0; s < h->nr_xsas; s++)
		for (k = 0; k < h->nr_fixers[s]; k++) {
			uint32_t c = h->fixers[s][k];

			if (xh_has(h->lines[0].reach, c) && !reverted_in(h, c, h->lines[0].reach, 0))
				xh_push_u32(&h->mfix[s], &h->nr_mfix[s], c);
		}
}

void xh_eval_init(struct xh_eval *e)
{
	memset(e, 0, sizeof(*e));
	strbuf_init(&e->why, 0);
	e->state = XH_NONE_HERE;
}

void xh_eval_release(struct xh_eval *e)
{
	free(e->commits);
	free(e->missing);
	free(e->reverted);
	strbuf_release(&e->why);
	memset(e, 0, sizeof(*e));
}

static int64_t commit_time(const struct xsa_history *h, uint32_t c)
{
	const struct xh_fact *f = xh_fact_of(h, c);

	return f ? f->time : 0;
}

static const struct xsa_history *sort_h;

static int cmp_by_time(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int64_t tx = commit_time(sort_h, x), ty = commit_time(sort_h, y);

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return x > y ? -1 : x < y;	/* older commits come later in log order */
}

/* The master fix a branch commit stands for, or the commit itself. */
static uint32_t key_of(const struct xsa_history *h, uint32_t c, const uint32_t *m, size_t nm)
{
	const char *p = xh_pid_of(h, c);
	size_t k;

	for (k = 0; k < nm; k++)
		if (ident_has(h, c, m[k]))
			return m[k];
	for (k = 0; p && k < nm; k++) {
		const char *q = xh_pid_of(h, m[k]);

		if (q && !strcmp(p, q))
			return m[k];
	}
	/* A backport made from the advisory's patch names no master commit,
	 * but keeps its subject (and claims the same XSA). */
	for (k = 0; k < nm; k++)
		if (xh_subject_eq(h, c, m[k]))
			return m[k];
	return c;
}

/* set while eval_core looks at the sibling lines (no recursion beyond) */
static int sibling_pass;

static void eval_core(const struct xsa_history *h, int x, const uint64_t *reach, int li,
		      struct xh_eval *e, uint32_t **keys_out, size_t *nkeys_out)
{
	long s = xh_xsa_slot(h, x);
	uint32_t *m = NULL, *keys = NULL;
	size_t nm, nk = 0, k, j;
	const struct xh_advice *a = xh_advice_of(h, x);

	e->xsa = x;
	e->state = XH_NONE_HERE;
	if (s < 0 || !xh_xsa_is_xen(h, x))
		return;
	nm = xh_master_fixes(h, x, &m);
	for (k = 0; k < h->nr_fixers[s]; k++) {
		uint32_t c = h->fixers[s][k];

		if (!xh_has(reach, c))
			continue;
		if (reverted_in(h, c, reach, 0)) {
			xh_push_u32(&e->reverted, &e->nr_reverted, c);
			continue;
		}
		xh_push_u32(&e->commits, &e->nr_commits, c);
	}
	sort_h = h;
	if (e->nr_commits > 1)
		qsort(e->commits, e->nr_commits, sizeof(uint32_t), cmp_by_time);
	for (k = 0; k < e->nr_commits; k++) {
		uint32_t c = e->commits[k];

		xh_push_u32(&keys, &nk, key_of(h, c, m, nm));
		if (!xh_has(h->evidence, c) && !xh_matches_advisory(h, x, c))
			e->unevidenced++;
	}
	e->units = nk;
	for (k = 0; k < nm; k++) {
		int found = 0;

		for (j = 0; j < nk && !found; j++)
			found = keys[j] == m[k];
		if (!found)
			xh_push_u32(&e->missing, &e->nr_missing, m[k]);
	}
	if (a && a->xen && li > 0 && xh_mapped(a, (size_t)li) > 0) {
		e->need = (size_t)a->mapped[li];
		e->need_from = "advisory";
	} else if (nm) {
		e->need = nm;
		e->need_from = "master";
	} else if (e->nr_commits && !sibling_pass) {
		/*
		 * No master fix (master was not affected, or fixed it without
		 * the words and no backport names it) and no advisory: the
		 * branches that carry it agree on how many fixes it takes, or
		 * it stays partial where fewer are found.
		 */
		size_t sl;

		e->need = 0;
		e->need_from = "branches";
		for (sl = 1; sl < h->nr_lines; sl++) {
			struct xh_eval t;

			if (!h->lines[sl].reach || h->lines[sl].tip == XH_NONE)
				continue;
			xh_eval_init(&t);
			sibling_pass = 1;
			eval_core(h, x, h->lines[sl].reach, (int)sl, &t, NULL, NULL);
			sibling_pass = 0;
			if (t.units > e->need)
				e->need = t.units;
			xh_eval_release(&t);
		}
	} else {
		e->need = 0;
		e->need_from = NULL;
	}
	if (keys_out) {
		*keys_out = keys;
		*nkeys_out = nk;
		keys = NULL;
	}
	free(keys);
	free(m);
}

void xh_evaluate(const struct xsa_history *h, int x, const uint64_t *reach, int li,
		 struct xh_eval *e)
{
	uint32_t *keys = NULL, *tip_keys = NULL;
	size_t nk = 0, ntk = 0, k, j;
	int complete, tip_ok = 1;
	char hex[GIT_MAX_HEXSZ + 1];

	eval_core(h, x, reach, li, e, &keys, &nk);
	if (!e->nr_commits) {
		if (e->nr_reverted)
			e->state = XH_REVERTED;
		free(keys);
		return;
	}
	/* What the line's tip has, this history must have too. */
	if (li >= 0 && (size_t)li < h->nr_lines && h->lines[li].tip != XH_NONE &&
	    h->lines[li].reach != reach) {
		struct xh_eval t;

		xh_eval_init(&t);
		eval_core(h, x, h->lines[li].reach, li, &t, &tip_keys, &ntk);
		for (k = 0; k < ntk; k++) {
			int found = 0;

			for (j = 0; j < nk && !found; j++)
				found = keys[j] == tip_keys[k];
			if (!found) {
				tip_ok = 0;
				if (!e->why.len) {
					xh_oid_hex(h, tip_keys[k], hex);
					strbuf_addf(&e->why, "the branch later adds %.12s", hex);
				}
			}
		}
		if (t.units > e->need && e->need_from && !strcmp(e->need_from, "master")) {
			e->need = t.units;
			e->need_from = "branch";
		}
		xh_eval_release(&t);
	}
	complete = e->need > 0 && e->units >= e->need && tip_ok &&
		   (!e->need_from || strcmp(e->need_from, "master") || !e->nr_missing);
	if (complete) {
		e->state = e->unevidenced ? XH_CLAIMED : XH_FIXED;
	} else {
		e->state = XH_PARTIAL;
		if (!e->why.len) {
			if (!e->need)
				strbuf_addstr(&e->why, "no master fix and no stored advisory to "
					      "compare with");
			else if (e->need_from && !strcmp(e->need_from, "branches") && tip_ok)
				strbuf_addf(&e->why, "%zu of %zu fixes (no master fix; another branch "
					    "has %zu)", e->units, e->need, e->need);
			else if (e->nr_missing && (!e->need_from || strcmp(e->need_from, "advisory"))) {
				const struct xh_fact *f = xh_fact_of(h, e->missing[0]);
				size_t master = 0, found = 0;

				/* master fixes: those found (keys) and those missing */
				{
					uint32_t *mf = NULL;
					size_t n = xh_master_fixes(h, e->xsa, &mf), k2;

					master = n;
					for (k2 = 0; k2 < n; k2++) {
						size_t q;
						int missing = 0;

						for (q = 0; q < e->nr_missing; q++)
							missing |= e->missing[q] == mf[k2];
						found += !missing;
					}
					free(mf);
				}
				xh_oid_hex(h, e->missing[0], hex);
				strbuf_addf(&e->why, "%zu of %zu master fixes found; missing %.12s", found,
					    master, hex);
				if (f && f->subject)
					strbuf_addf(&e->why, " (%s)", f->subject);
				if (e->nr_missing > 1)
					strbuf_addf(&e->why, " and %zu more", e->nr_missing - 1);
				if (e->units > found)
					strbuf_addf(&e->why, "; %zu commit%s here claim%s it without naming "
						    "a master fix", e->units - found,
						    e->units - found == 1 ? "" : "s",
						    e->units - found == 1 ? "s" : "");
			} else {
				strbuf_addf(&e->why, "%zu of %zu fixes (%s)", e->units, e->need,
					    e->need_from ? e->need_from : "?");
			}
		}
	}
	free(keys);
	free(tip_keys);
}

void xh_branch_xsa_init(struct xh_branch_xsa *bx)
{
	memset(bx, 0, sizeof(*bx));
	xh_eval_init(&bx->at_tip);
	bx->fixed_in = -1;
}

void xh_branch_xsa_release(struct xh_branch_xsa *bx)
{
	xh_eval_release(&bx->at_tip);
	free(bx->affected);
	memset(bx, 0, sizeof(*bx));
}

void xh_branch_evaluate(const struct xsa_history *h, int x, size_t li, struct xh_branch_xsa *bx)
{
	const struct xh_line *l = &h->lines[li];
	const struct xh_advice *a = xh_advice_of(h, x);
	int complete;
	size_t k, upto;

	xh_branch_xsa_init(bx);
	if (l->tip == XH_NONE)
		return;
	xh_evaluate(h, x, l->reach, (int)li, &bx->at_tip);
	complete = bx->at_tip.state == XH_FIXED || bx->at_tip.state == XH_CLAIMED;
	if (a && a->vuln_known && li > 0) {
		int v = xh_line_version(l);

		if ((a->vuln_lo && v < a->vuln_lo) || (a->vuln_hi && v > a->vuln_hi))
			bx->not_affected = 1;
	}
	if (complete && l->fork != XH_NONE) {
		int all = 1;

		for (k = 0; k < bx->at_tip.nr_commits; k++)
			if (!xh_has(h->lines[0].reach, bx->at_tip.commits[k]) ||
			    bx->at_tip.commits[k] == XH_NONE)
				all = 0;
		/* inherited: every fix is a master commit the fork already had */
		if (all && l->fork_reach) {
			for (k = 0; k < bx->at_tip.nr_commits; k++)
				if (!xh_has(l->fork_reach, bx->at_tip.commits[k]))
					all = 0;
			bx->inherited = all;
		}
	}
	if (complete) {
		for (k = 0; k < l->nr_tags && bx->fixed_in < 0; k++) {
			struct xh_eval e;
			size_t q;
			int has_all = 1;

			for (q = 0; q < bx->at_tip.nr_commits && has_all; q++)
				has_all = xh_has(l->tags[k].reach, bx->at_tip.commits[q]);
			if (!has_all)
				continue;
			xh_eval_init(&e);
			xh_evaluate(h, x, l->tags[k].reach, (int)li, &e);
			if (e.state == XH_FIXED || e.state == XH_CLAIMED)
				bx->fixed_in = (int)k;
			xh_eval_release(&e);
		}
	}
	if (bx->not_affected || li == 0)
		return;
	upto = bx->fixed_in >= 0 ? (size_t)bx->fixed_in : l->nr_tags;
	for (k = 0; k < upto; k++) {
		bx->affected = xrealloc(bx->affected, (bx->nr_affected + 1) * sizeof(int));
		bx->affected[bx->nr_affected++] = (int)k;
	}
}

int xh_line_touches(const struct xsa_history *h, int x, size_t li)
{
	long s = xh_xsa_slot(h, x);
	size_t k;

	if (s < 0 || li >= h->nr_lines || !h->lines[li].reach)
		return 0;
	for (k = 0; k < h->nr_fixers[s]; k++)
		if (xh_has(h->lines[li].reach, h->fixers[s][k]))
			return 1;
	return 0;
}
