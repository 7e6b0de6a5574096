/*
 * xsa-history.c: loading the history of XSAs (see xsa-history.h): what
 * the messages say resolved into effective fixes and their index, the
 * lines of history with their RELEASE tags and evidence, and the
 * orchestration of the load.  The commit graph and its cache are in
 * xsa-history-graph.c, patch-ids and stored advisories in
 * xsa-history-advice.c, the judgement of each XSA in xsa-history-eval.c.
 */
#include "compat.h"
#include "xsa-history.h"
#include "xsa-history-internal.h"
#include "branch.h"
#include "fs.h"
#include "upstream-tags.h"
#include "usage.h"
#include "xalloc.h"

/* --- resolving what messages say ------------------------------------------ */

void xh_push_u32(uint32_t **v, size_t *nr, uint32_t x)
{
	size_t k;

	for (k = 0; k < *nr; k++)
		if ((*v)[k] == x)
			return;
	*v = xrealloc(*v, (*nr + 1) * sizeof(**v));
	(*v)[(*nr)++] = x;
}

static void push_int_sorted(int **v, size_t *nr, int x)
{
	size_t k, j;

	for (k = 0; k < *nr; k++)
		if ((*v)[k] == x)
			return;
	*v = xrealloc(*v, (*nr + 1) * sizeof(**v));
	for (k = 0; k < *nr && (*v)[k] < x; k++)
		;
	for (j = *nr; j > k; j--)
		(*v)[j] = (*v)[j - 1];
	(*v)[k] = x;
	(*nr)++;
}

/* Commits i links to, transitively (depth-limited), into ident. */
static void collect_ident(const struct xsa_history *h, uint32_t i, int depth, uint32_t **v,
			  size_t *nr)
{
	const struct xh_fact *f = xh_fact_of(h, i);
	size_t k;

	xh_push_u32(v, nr, i);
	if (!f || depth >= MAX_DEPTH)
		return;
	for (k = 0; k < f->nr_pid_links; k++)
		xh_push_u32(v, nr, f->pid_links[k]);
	for (k = 0; k < f->nr_links; k++) {
		uint32_t t = xh_find(h, f->links[k]);
		size_t before = *nr;

		if (t == XH_NONE || t == i)
			continue;
		xh_push_u32(v, nr, t);
		if (*nr > before)
			collect_ident(h, t, depth + 1, v, nr);
	}
}

void xh_resolve_facts(struct xsa_history *h)
{
	size_t i, k, j, nr;

	/* The commits a claiming commit links to get a fact of their own:
	 * they are fixes too (master often has a fix before its advisory is
	 * out, without the words; the backport says which XSA it was). */
	nr = h->nr_facts;
	for (i = 0; i < nr; i++) {
		size_t nl = h->facts[i].nr_links;

		if (!h->facts[i].nr_claims)
			continue;
		for (k = 0; k < nl; k++) {
			uint32_t t = xh_find(h, h->facts[i].links[k]);

			if (t != XH_NONE && !h->c[t].fact)
				xh_fact_new(h, t);	/* may move h->facts */
		}
	}
	for (i = 0; i < h->nr_facts; i++) {
		struct xh_fact *f = &h->facts[i];

		free(f->ident);
		free(f->eff);
		free(f->targets);
		f->ident = NULL;
		f->eff = NULL;
		f->targets = NULL;
		f->nr_ident = f->nr_eff = f->nr_targets = 0;
		collect_ident(h, f->commit, 0, &f->ident, &f->nr_ident);
	}
	/* base: own claims, and the claims of commits that backport it (master
	 * often has a fix before its advisory is out, without the words; the
	 * backport says which XSA it was). */
	for (i = 0; i < h->nr_facts; i++) {
		struct xh_fact *f = &h->facts[i];

		for (j = 0; j < f->nr_claims; j++)
			push_int_sorted(&f->eff, &f->nr_eff, f->claims[j]);
	}
	for (i = 0; i < h->nr_facts; i++) {
		const struct xh_fact *f = &h->facts[i];

		if (!f->nr_claims)
			continue;
		for (k = 1; k < f->nr_ident; k++) {
			struct xh_fact *g;

			if (!h->c[f->ident[k]].fact)
				continue;
			g = &h->facts[h->c[f->ident[k]].fact - 1];
			for (j = 0; j < f->nr_claims; j++)
				push_int_sorted(&g->eff, &g->nr_eff, f->claims[j]);
		}
	}
	/* effective: the base of everything it is (itself and what it links to) */
	{
		int **base = xcalloc(h->nr_facts + 1, sizeof(*base));
		size_t *nbase = xcalloc(h->nr_facts + 1, sizeof(*nbase));

		for (i = 0; i < h->nr_facts; i++) {
			base[i] = h->facts[i].eff;
			nbase[i] = h->facts[i].nr_eff;
			h->facts[i].eff = NULL;
			h->facts[i].nr_eff = 0;
		}
		for (i = 0; i < h->nr_facts; i++) {
			struct xh_fact *f = &h->facts[i];

			for (k = 0; k < f->nr_ident; k++) {
				uint32_t gi = h->c[f->ident[k]].fact;
				const struct xh_fact *g = gi ? &h->facts[gi - 1] : NULL;

				if (!g)
					continue;
				for (j = 0; j < nbase[gi - 1]; j++)
					push_int_sorted(&f->eff, &f->nr_eff, base[gi - 1][j]);
				/* a backported revert reverts what its original reverted */
				for (j = 0; j < g->nr_reverts; j++) {
					uint32_t t = xh_find(h, g->reverts[j]);

					if (t != XH_NONE)
						xh_push_u32(&f->targets, &f->nr_targets, t);
				}
			}
		}
		for (i = 0; i < h->nr_facts; i++)
			free(base[i]);
		free(base);
		free(nbase);
	}
}

/* Subject and date of facts made for link targets (one git process). */
static int fill_details(struct xsa_history *h)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	char hex[GIT_MAX_HEXSZ + 1];
	size_t i, pos = 0, n;
	const char *line;
	int rc = 0;

	for (i = 0; i < h->nr_facts; i++) {
		if (h->facts[i].subject && h->facts[i].time)
			continue;
		xh_oid_hex(h, h->facts[i].commit, hex);
		strbuf_addf(&in, "%s\n", hex);
	}
	if (!in.len)
		goto out;
	{
		const char *const argv[] = { "log", "--no-walk=unsorted", "--stdin",
					     "--format=%H %ct %s", "--no-color", NULL };

		rc = git_run(h->repo, NULL, in.buf, in.len, &out, NULL, argv);
		if (rc > 0)
			rc = error_env("git log in %s failed", h->repo->git_dir);
	}
	while (!rc && next_line(out.buf, out.len, &pos, &line, &n)) {
		const char *sp = memchr(line, ' ', n), *sp2;
		char *id;
		uint32_t c;

		if (!sp)
			continue;
		sp2 = memchr(sp + 1, ' ', (size_t)(line + n - sp - 1));
		id = xmemdupz(line, (size_t)(sp - line));
		c = xh_find(h, id);
		free(id);
		if (c == XH_NONE || !h->c[c].fact)
			continue;
		{
			struct xh_fact *f = &h->facts[h->c[c].fact - 1];

			f->time = strtoll(sp + 1, NULL, 10);
			free(f->subject);
			f->subject = sp2 ? xh_clean_subject(sp2 + 1, (size_t)(line + n - sp2 - 1))
					 : xstrdup("");
		}
	}
	h->dirty = 1;
out:
	strbuf_release(&in);
	strbuf_release(&out);
	return rc;
}

static void free_index(struct xsa_history *h)
{
	size_t i;

	for (i = 0; i < h->nr_xsas; i++) {
		free(h->fixers[i]);
		if (h->mfix)
			free(h->mfix[i]);
	}
	free(h->mfix);
	free(h->nr_mfix);
	h->mfix = NULL;
	h->nr_mfix = NULL;
	free(h->xsas);
	free(h->fixers);
	free(h->nr_fixers);
	free(h->revert_commits);
	free(h->targeted);
	h->targeted = NULL;
	h->xsas = NULL;
	h->fixers = NULL;
	h->nr_fixers = NULL;
	h->revert_commits = NULL;
	h->nr_xsas = h->nr_revert_commits = 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

long xh_xsa_slot(const struct xsa_history *h, int x)
{
	const int *p = h->nr_xsas ? bsearch(&x, h->xsas, h->nr_xsas, sizeof(int), cmp_int) : NULL;

	return p ? (long)(p - h->xsas) : -1;
}

void xh_build_index(struct xsa_history *h)
{
	size_t i, k;
	int *all = NULL;
	size_t nr_all = 0;

	free_index(h);
	for (i = 0; i < h->nr_facts; i++) {
		const struct xh_fact *f = &h->facts[i];

		for (k = 0; k < f->nr_eff; k++) {
			all = xrealloc(all, (nr_all + 1) * sizeof(*all));
			all[nr_all++] = f->eff[k];
		}
		if (f->nr_targets) {
			h->revert_commits = xrealloc(h->revert_commits,
						     (h->nr_revert_commits + 1) * sizeof(uint32_t));
			h->revert_commits[h->nr_revert_commits++] = f->commit;
		}
	}
	if (nr_all)
		qsort(all, nr_all, sizeof(*all), cmp_int);
	for (i = 0; i < nr_all; i++) {
		if (h->nr_xsas && h->xsas[h->nr_xsas - 1] == all[i])
			continue;
		h->xsas = xrealloc(h->xsas, (h->nr_xsas + 1) * sizeof(int));
		h->xsas[h->nr_xsas++] = all[i];
	}
	free(all);
	h->targeted = xcalloc((h->nr + 63) / 64 + 1, sizeof(uint64_t));
	for (i = 0; i < h->nr_revert_commits; i++) {
		const struct xh_fact *f = xh_fact_of(h, h->revert_commits[i]);

		for (k = 0; f && k < f->nr_targets; k++)
			h->targeted[f->targets[k] / 64] |= 1ULL << (f->targets[k] % 64);
	}
	h->fixers = xcalloc(h->nr_xsas + 1, sizeof(*h->fixers));
	h->nr_fixers = xcalloc(h->nr_xsas + 1, sizeof(*h->nr_fixers));
	for (i = 0; i < h->nr_facts; i++) {
		const struct xh_fact *f = &h->facts[i];

		for (k = 0; k < f->nr_eff; k++) {
			long s = xh_xsa_slot(h, f->eff[k]);

			if (s >= 0)
				xh_push_u32(&h->fixers[s], &h->nr_fixers[s], f->commit);
		}
	}
}

/* --- lines, tags, evidence ---------------------------------------------- */

int xh_line_version(const struct xh_line *l)
{
	return l->b ? l->b->major * 100 + l->b->minor : 9999;
}

static void setup_lines(struct xsa_history *h, const struct xh_opts *o)
{
	const struct branch_set *bs = o->branches;
	size_t i;

	h->nr_lines = bs->nr + 1 + h->nr_old_lines;
	h->lines = xcalloc(h->nr_lines, sizeof(*h->lines));
	snprintf(h->lines[0].name, sizeof(h->lines[0].name), "master");
	snprintf(h->lines[0].ref, sizeof(h->lines[0].ref), "refs/heads/master");
	for (i = 0; i < bs->nr; i++) {
		struct xh_line *l = &h->lines[i + 1];

		l->b = &bs->v[i];
		snprintf(l->name, sizeof(l->name), "%s", bs->v[i].name);
		if (starts_with(bs->v[i].ref, "refs/"))
			snprintf(l->ref, sizeof(l->ref), "%s", bs->v[i].ref);
		else
			snprintf(l->ref, sizeof(l->ref), "refs/heads/%s", bs->v[i].ref);
	}
	for (i = 0; i < h->nr_old_lines; i++) {
		struct xh_line *l = &h->lines[bs->nr + 1 + i];

		l->b = h->old_lines[i];
		l->old = 1;
		snprintf(l->name, sizeof(l->name), "%s", l->b->name);
		snprintf(l->ref, sizeof(l->ref), "%s", l->b->full_ref);
	}
	for (i = 0; i < h->nr_lines; i++) {
		h->lines[i].tip = XH_NONE;
		h->lines[i].fork = XH_NONE;
	}
}

static void compute_lines(struct xsa_history *h, const struct xh_opts *o)
{
	size_t i, k;

	for (i = 0; i < h->nr_lines; i++) {
		struct xh_line *l = &h->lines[i];
		const struct upstream_head *hd = o->tags ? upstream_head(o->tags, l->ref) : NULL;

		if (!hd && i == 0 && o->tags)
			hd = upstream_head(o->tags, "refs/heads/main");
		l->tip = hd ? xh_find(h, hd->oid) : XH_NONE;
	}
	h->lines[0].reach = xh_reach(h, h->lines[0].tip);
	for (i = 1; i < h->nr_lines; i++) {
		struct xh_line *l = &h->lines[i];
		uint64_t *fork_reach = NULL;

		if (l->tip == XH_NONE) {
			l->reach = xcalloc(h->words + 1, sizeof(uint64_t));
			continue;
		}
		l->fork = xh_first_in(h, l->tip, h->lines[0].reach);
		if (l->fork != XH_NONE)
			fork_reach = xh_reach(h, l->fork);
		l->reach = xh_reach_from(h, l->tip, fork_reach);
		l->fork_reach = fork_reach;
	}
	/* RELEASE tags, each seeded with the one before it when that is an
	 * ancestor on the first-parent chain. */
	for (i = 1; o->tags && i < h->nr_lines; i++) {
		struct xh_line *l = &h->lines[i];
		const uint64_t *prev = NULL;
		uint32_t prev_c = XH_NONE;

		const struct upstream_tag *tv = l->old ? o->tags->old : o->tags->v;
		size_t tn = l->old ? o->tags->nr_old : o->tags->nr;

		for (k = 0; k < tn; k++) {
			const struct upstream_tag *tg = &tv[k];
			struct xh_rtag *rt;
			uint32_t c;

			if (tg->b != l->b || tg->renamed)
				continue;	/* not its release; a ref name says so only */
			c = xh_find(h, tg->commit);
			if (c == XH_NONE || !xh_has(l->reach, c))
				continue;	/* not on the branch: no release of it */
			l->tags = xrealloc(l->tags, (l->nr_tags + 1) * sizeof(*l->tags));
			rt = &l->tags[l->nr_tags++];
			memset(rt, 0, sizeof(*rt));
			rt->name = tg->name;
			rt->point = tg->point;
			rt->commit = c;
			rt->verified = tg->verified;
			if (prev && xh_on_first_parents(h, prev_c, c))
				rt->reach = xh_reach_from(h, c, prev);
			else
				rt->reach = xh_reach(h, c);
			prev = rt->reach;
			prev_c = c;
			if (l->old)
				continue;
			h->tags_total++;
			if (rt->verified)
				h->tags_verified++;
		}
	}
	for (i = 0; i < h->nr_lines; i++) {
		struct xh_line *l = &h->lines[i];
		uint32_t c = l->tip, d = 0;

		l->fp_dist = xmalloc((h->nr + 1) * sizeof(uint32_t));
		memset(l->fp_dist, 0xff, (h->nr + 1) * sizeof(uint32_t));
		while (c != XH_NONE && l->fp_dist[c] == UINT32_MAX) {
			l->fp_dist[c] = d++;
			if (h->c[c].npar == UINT16_MAX || !h->c[c].npar)
				break;
			c = h->parents[h->c[c].par];
		}
	}
	h->evidence = xcalloc(h->words + 1, sizeof(uint64_t));
	for (i = 1; i < h->nr_lines; i++)
		for (k = 0; k < h->lines[i].nr_tags; k++) {
			const struct xh_rtag *rt = &h->lines[i].tags[k];
			size_t w;

			if (!rt->verified)
				continue;
			for (w = 0; w < h->words; w++)
				h->evidence[w] |= rt->reach[w];
		}
}

static void free_lines(struct xsa_history *h)
{
	size_t i, k;

	for (i = 0; i < h->nr_lines; i++) {
		free(h->lines[i].reach);
		free(h->lines[i].fork_reach);
		free(h->lines[i].fp_dist);
		for (k = 0; k < h->lines[i].nr_tags; k++)
			free(h->lines[i].tags[k].reach);
		free(h->lines[i].tags);
	}
	free(h->lines);
	h->lines = NULL;
	h->nr_lines = 0;
	free(h->evidence);
	h->evidence = NULL;
	h->tags_total = h->tags_verified = 0;
}

int xh_line_of(const struct xsa_history *h, uint32_t i)
{
	size_t k;

	if (i == XH_NONE || !h->nr_lines)
		return -1;
	if (h->lines[0].reach && xh_has(h->lines[0].reach, i))
		return 0;
	for (k = 1; k < h->nr_lines; k++)
		if (h->lines[k].reach && xh_has(h->lines[k].reach, i))
			return (int)k;
	return -1;
}

/* --- loading ----------------------------------------------------------------- */

int xsa_history_load(struct xsa_history *h, const struct xh_opts *o)
{
	struct strvec cached_tips = STRVEC_INIT, include = STRVEC_INIT, exclude = STRVEC_INIT,
		      all_tips = STRVEC_INIT;
	size_t i;
	int rc = 0;

	memset(h, 0, sizeof(*h));
	h->repo = o->src;
	h->opts = o;
	strvec_init(&h->notes);
	strvec_init(&h->tips);
	setup_lines(h, o);
	if (!o->no_cache)
		xh_load_cache(h, &cached_tips);
	/* Every tip: the lines' refs and the RELEASE tags' commits. */
	for (i = 0; i < h->nr_lines; i++) {
		const struct upstream_head *hd = o->tags ? upstream_head(o->tags, h->lines[i].ref) : NULL;

		if (!hd && i == 0 && o->tags)
			hd = upstream_head(o->tags, "refs/heads/main");
		if (hd && !strvec_contains(&all_tips, hd->oid))
			strvec_push(&all_tips, hd->oid);
	}
	for (i = 0; o->tags && i < o->tags->nr; i++)
		if (o->tags->v[i].commit[0] && !strvec_contains(&all_tips, o->tags->v[i].commit))
			strvec_push(&all_tips, o->tags->v[i].commit);
	for (i = 0; i < all_tips.nr; i++) {
		uint32_t c = xh_find(h, all_tips.v[i]);

		if (c == XH_NONE || h->c[c].npar == UINT16_MAX)
			strvec_push(&include, all_tips.v[i]);
	}
	if (include.nr) {
		for (i = 0; i < cached_tips.nr; i++) {
			uint32_t c = xh_find(h, cached_tips.v[i]);

			if (c != XH_NONE && h->c[c].npar != UINT16_MAX)
				strvec_push(&exclude, cached_tips.v[i]);
		}
		if (h->nr > 2000 || !h->nr)
			say("reading the history of %s (cached for next time)", h->repo->git_dir);
		rc = xh_scan_log(h, &include, &exclude);
		if (rc)
			goto out;
		h->dirty = 1;
		for (i = 0; i < cached_tips.nr; i++)
			if (!strvec_contains(&all_tips, cached_tips.v[i]) &&
			    xh_find(h, cached_tips.v[i]) != XH_NONE)
				strvec_push(&all_tips, cached_tips.v[i]);
	} else {
		strvec_clear(&all_tips);
		strvec_pushv(&all_tips, cached_tips.v);
	}
	if (!h->hexsz)
		h->hexsz = 40;
	h->words = (h->nr + 63) / 64;
	if (o->no_cache) {
		free(h->cache_path);
		h->cache_path = NULL;
	} else if (!h->cache_path) {
		char *dir = path_join(h->repo->common_dir, "xenstable");

		h->cache_path = path_join(dir, HISTORY_CACHE);
		free(dir);
	}
	xh_resolve_facts(h);
	rc = fill_details(h);
	if (!rc && o->tags_ready) {
		int rc2 = o->tags_ready(o->tags_ready_data);

		if (rc2 < 0)
			rc = rc2;
	}
	if (rc)
		goto out;
	xh_build_index(h);
	compute_lines(h, o);
	xh_compute_master_fixes(h);
	rc = xh_link_by_patch_id(h);
	if (!rc)
		rc = xh_load_advice(h, o);
	if (!rc)
		rc = xh_pids_for_evidence(h);
	if (!rc)
		rc = fill_details(h);
	strvec_pushv(&h->tips, all_tips.v);
	if (!rc && h->dirty)
		xh_save_cache(h, &h->tips);
out:
	strvec_clear(&cached_tips);
	strvec_clear(&include);
	strvec_clear(&exclude);
	strvec_clear(&all_tips);
	return rc;
}

void xsa_history_release(struct xsa_history *h)
{
	xh_free_advice(h);
	free_lines(h);
	free(h->old_lines);
	free_index(h);
	xh_clear_graph(h);
	strvec_clear(&h->notes);
	strvec_clear(&h->tips);
	free(h->cache_path);
	memset(h, 0, sizeof(*h));
}

/* After commits or lines were added: the index, lines and master fixes
 * again (the stored advisories' per-line arrays keep their size). */
static void rebuild(struct xsa_history *h)
{
	h->words = (h->nr + 63) / 64;
	free_index(h);
	free_lines(h);
	setup_lines(h, h->opts);
	xh_resolve_facts(h);
	xh_build_index(h);
	compute_lines(h, h->opts);
	xh_compute_master_fixes(h);
}

/*
 * Read the history of the commits in include that the graph lacks, as
 * more tips of the graph (xsa_history_keep() caches them with the rest).
 */
static int scan_more(struct xsa_history *h, struct strvec *include)
{
	size_t before = h->nr, i;
	int rc;

	if (!include->nr)
		return 0;
	rc = xh_scan_log(h, include, &h->tips);
	if (rc || h->nr == before)
		return rc;
	for (i = 0; i < include->nr; i++)
		if (!strvec_contains(&h->tips, include->v[i]))
			strvec_push(&h->tips, include->v[i]);
	h->dirty = 1;
	return 0;
}

int xsa_history_extend(struct xsa_history *h, const char *oid)
{
	struct strvec include = STRVEC_INIT;
	size_t before = h->nr;
	int rc;

	if (xh_find(h, oid) != XH_NONE)
		return 0;
	strvec_push(&include, oid);
	rc = scan_more(h, &include);
	strvec_clear(&include);
	if (rc)
		return rc;
	if (h->nr == before)
		return 0;
	rebuild(h);
	return 0;
}

int xsa_history_add_old_line(struct xsa_history *h, const struct branch *b)
{
	const struct upstream_tags *t = h->opts->tags;
	const struct upstream_head *hd = t ? upstream_head(t, b->full_ref) : NULL;
	struct strvec include = STRVEC_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < h->nr_old_lines; i++)
		if (h->old_lines[i] == b)
			return (int)(h->nr_lines - h->nr_old_lines + i);
	if (hd && xh_find(h, hd->oid) == XH_NONE)
		strvec_push(&include, hd->oid);
	for (i = 0; t && i < t->nr_old; i++)
		if (t->old[i].b == b && t->old[i].commit[0] &&
		    xh_find(h, t->old[i].commit) == XH_NONE &&
		    !strvec_contains(&include, t->old[i].commit))
			strvec_push(&include, t->old[i].commit);
	rc = scan_more(h, &include);
	strvec_clear(&include);
	if (rc)
		return rc;
	h->old_lines = xreallocarray(h->old_lines, h->nr_old_lines + 1, sizeof(*h->old_lines));
	h->old_lines[h->nr_old_lines++] = b;
	rebuild(h);
	return (int)(h->nr_lines - 1);
}

void xsa_history_keep(struct xsa_history *h)
{
	if (h->dirty && h->cache_path)
		xh_save_cache(h, &h->tips);	/* best effort, as at load */
}

void xsa_history_mark_evidence(struct xsa_history *h, uint32_t c)
{
	if (c < h->nr && h->evidence)
		h->evidence[c / 64] |= (uint64_t)1 << (c % 64);
}

void xsa_history_push_tag(struct xsa_history *h, size_t li, const char *name, int point,
			  uint32_t c)
{
	struct xh_line *l = &h->lines[li];
	struct xh_rtag *rt;

	l->tags = xrealloc(l->tags, (l->nr_tags + 1) * sizeof(*l->tags));
	rt = &l->tags[l->nr_tags++];
	memset(rt, 0, sizeof(*rt));
	rt->name = name;
	rt->point = point;
	rt->commit = c;
	rt->verified = 1;
	rt->reach = xh_reach(h, c);
}

void xsa_history_pop_tag(struct xsa_history *h, size_t li)
{
	struct xh_line *l = &h->lines[li];

	if (!l->nr_tags)
		return;
	free(l->tags[l->nr_tags - 1].reach);
	l->nr_tags--;
}

int xsa_history_files(struct xsa_history *h, const uint32_t *list, size_t n)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	char hex[GIT_MAX_HEXSZ + 1];
	size_t i, pos = 0;
	const char *rec;
	int rc = 0;

	for (i = 0; i < n; i++) {
		const struct xh_fact *f = xh_fact_of(h, list[i]);

		if (f && f->files_known)
			continue;
		xh_oid_hex(h, list[i], hex);
		strbuf_addf(&in, "%s\n", hex);
	}
	if (!in.len)
		goto out;
	{
		const char *const argv[] = { "log", "--no-walk=unsorted", "--stdin", "-z",
					     "--format=%x01%H", "--name-only", "--no-renames",
					     "--no-color", NULL };

		rc = git_run(h->repo, NULL, in.buf, in.len, &out, NULL, argv);
		if (rc > 0)
			rc = error_env("git log --name-only in %s failed", h->repo->git_dir);
	}
	if (rc)
		goto out;
	/* "\x01<id>\n\0?<path>\0<path>\0..." per commit */
	while (pos < out.len) {
		const char *start = memchr(out.buf + pos, '\x01', out.len - pos), *end, *p;
		struct xh_fact *f;
		uint32_t c;

		if (!start)
			break;
		end = memchr(start + 1, '\x01', (size_t)(out.buf + out.len - start - 1));
		if (!end)
			end = out.buf + out.len;
		rec = start + 1;
		p = memchr(rec, '\n', (size_t)(end - rec));
		if (!p)
			p = end;
		{
			char *id = xmemdupz(rec, (size_t)(p - rec));

			c = xh_find(h, id);
			free(id);
		}
		pos = (size_t)(end - out.buf);
		if (c == XH_NONE)
			continue;
		f = xh_fact_new(h, c);
		f->files_known = 1;
		while (p < end) {
			const char *z;

			while (p < end && (*p == '\n' || *p == '\0'))
				p++;
			if (p >= end)
				break;
			z = memchr(p, '\0', (size_t)(end - p));
			if (!z)
				z = end;
			f->files = xrealloc(f->files, (f->nr_files + 1) * sizeof(char *));
			f->files[f->nr_files++] = xmemdupz(p, (size_t)(z - p));
			p = z;
		}
	}
	h->dirty = 1;
	if (h->cache_path)
		xh_save_cache(h, &h->tips);
out:
	strbuf_release(&in);
	strbuf_release(&out);
	return rc;
}
