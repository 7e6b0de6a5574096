/*
 * xsa-apply.c: choose the XSA patches for a branch and apply them
 * (see xsa-apply.h).
 */
#include "compat.h"
#include "xsa-apply.h"
#include "apply.h"
#include "branch.h"
#include "date.h"
#include "embargo.h"
#include "fs.h"
#include "json.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa-meta.h"
#include "xsa-store.h"
#include "xsa.h"
#include "quote.h"

#include <pthread.h>

#define XA_STATE_SCHEMA 1

const char *xa_outcome_name(enum xa_outcome o)
{
	switch (o) {
	case XA_PENDING: return "pending";
	case XA_APPLIED: return "applied";
	case XA_ALREADY: return "already";
	case XA_CONFLICT: return "conflict";
	case XA_REJECTED: return "rejected";
	case XA_EMBARGOED: return "embargoed";
	case XA_NOT_TRIED: return "not-tried";
	case XA_ADAPTED: return "adapted";
	case XA_HELD: return "held";
	}
	return "unknown";
}

static int xa_outcome_parse(const char *s, enum xa_outcome *o)
{
	int i;

	for (i = XA_PENDING; i <= XA_HELD; i++)
		if (!strcmp(s, xa_outcome_name((enum xa_outcome)i))) {
			*o = (enum xa_outcome)i;
			return 0;
		}
	return -1;
}

static int apply_outcome_parse(const char *s, enum apply_outcome *o)
{
	int i;

	for (i = APPLY_PENDING; i <= APPLY_SKIPPED; i++)
		if (!strcmp(s, apply_outcome_name((enum apply_outcome)i))) {
			*o = (enum apply_outcome)i;
			return 0;
		}
	return -1;
}

void xa_plan_init(struct xa_plan *p)
{
	memset(p, 0, sizeof(*p));
	strvec_init(&p->checkouts);
	strvec_init(&p->kept_files);
}

static void conflict_clear(struct apply_conflict *c)
{
	free(c->file);
	free(c->hunk);
	free(c->reason);
	strvec_clear(&c->blame);
	memset(c, 0, sizeof(*c));
	strvec_init(&c->blame);
}

static void entry_release(struct xa_entry *e)
{
	size_t i;

	for (i = 0; i < e->nr; i++) {
		free(e->p[i].path);
		free(e->p[i].name);
	}
	free(e->p);
	free(e->state_detail);
	free(e->variant);
	free(e->detail);
	strvec_clear(&e->cves);
	conflict_clear(&e->conflict);
	strvec_clear(&e->clean_variants);
	free(e->meta_file);
	free(e->prereqs);
	strvec_clear(&e->meta_hints);
}

void xa_plan_release(struct xa_plan *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		entry_release(&p->e[i]);
	free(p->e);
	free(p->branch);
	free(p->branch_ref);
	free(p->target);
	free(p->worktree);
	free(p->method);
	strvec_clear(&p->checkouts);
	strvec_clear(&p->kept_files);
	memset(p, 0, sizeof(*p));
}

static struct xa_entry *new_entry(struct xa_plan *p, int xsa)
{
	struct xa_entry *e;

	ALLOC_GROW(p->e, p->nr + 1, p->alloc);
	e = &p->e[p->nr++];
	memset(e, 0, sizeof(*e));
	e->xsa = xsa;
	strvec_init(&e->cves);
	strvec_init(&e->conflict.blame);
	strvec_init(&e->clean_variants);
	strvec_init(&e->meta_hints);
	return e;
}

static struct xa_patch *new_patch(struct xa_entry *e)
{
	struct xa_patch *pt;

	ALLOC_GROW(e->p, e->nr + 1, e->alloc);
	pt = &e->p[e->nr++];
	memset(pt, 0, sizeof(*pt));
	return pt;
}

static void set_str(char **dst, const char *fmt, ...) XS_PRINTF(2, 3);
static void set_str(char **dst, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(*dst);
	*dst = strbuf_detach(&sb, NULL);
}

/* ---- choosing the files ------------------------------------------------- */

/*
 * The variant a Xen file belongs to, as the advisory's RESOLUTION names
 * it: the file itself, or for a series in a directory the glob that names
 * the directory's patches (the store keeps names, not globs, so it is made again).
 */
static char *variant_of(const struct xsa_file *f)
{
	const char *slash = strrchr(f->name, '/'), *dot;

	if (f->pattern && *f->pattern)
		return xstrdup(f->pattern);
	if (!slash)
		return xstrdup(f->name);
	dot = strrchr(slash, '.');
	return xstrfmt("%.*s/*%s", (int)(slash - f->name), f->name, dot ? dot : "");
}

static int same_variant(const struct xsa_file *f, const char *variant)
{
	char *v = variant_of(f);
	int same = !strcmp(v, variant);

	free(v);
	return same;
}

static const struct xsa_file *file_named(const struct xsa_version *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->nr_files; i++)
		if (!strcmp(v->files[i].name, name))
			return &v->files[i];
	return NULL;
}

/* Does Xen file f belong to the variant a person named? */
static int variant_matches(const struct xsa_file *f, const char *want)
{
	size_t n = strlen(want);

	while (n > 1 && want[n - 1] == '/')
		n--;
	if (!strcmp(f->name, want) || same_variant(f, want))
		return 1;
	/* A directory names its series: "xsa904-4.17" or "xsa904-4.17/". */
	return !strncmp(f->name, want, n) && f->name[n] == '/';
}

static void add_file(const struct xsa_store *s, const struct xsa_version *v,
		     const struct xsa_file *f, struct xa_entry *e)
{
	struct xa_patch *pt = new_patch(e);

	pt->path = xsa_store_path(s, v, f->name);
	pt->name = xstrdup(f->name);
	snprintf(pt->sha256, sizeof(pt->sha256), "%s", f->sha256);
}

/* Names of the variants (distinct names or globs) of an advisory's Xen files. */
static void xen_variants(const struct xsa_version *v, struct strvec *out)
{
	size_t i;

	for (i = 0; i < v->nr_files; i++) {
		const struct xsa_file *f = &v->files[i];

		char *vn;

		if (strcmp(f->project, "xen"))
			continue;
		vn = variant_of(f);
		if (!strvec_contains(out, vn))
			strvec_push(out, vn);
		free(vn);
	}
}

static void list_variants(const struct xsa_version *v, struct strbuf *out)
{
	struct strvec vs = STRVEC_INIT;
	size_t i;

	xen_variants(v, &vs);
	for (i = 0; i < vs.nr; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "", vs.v[i]);
	if (!vs.nr)
		strbuf_addstr(out, "none");
	strvec_clear(&vs);
}

static int entry_from_variant(const struct xa_opts *o, const struct xsa_version *v,
			      struct xa_entry *e)
{
	struct strbuf names = STRBUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < v->nr_files; i++) {
		const struct xsa_file *f = &v->files[i];

		if (!strcmp(f->project, "xen") && variant_matches(f, o->variant))
			add_file(o->store, v, f, e);
	}
	if (!e->nr) {
		list_variants(v, &names);
		rc = error_input("XSA-%d version %d has no Xen patch or series '%s' (its "
				 "variants: %s)", e->xsa, v->version, o->variant, names.buf);
	} else {
		e->variant = xstrdup(e->nr == 1 ? e->p[0].name : o->variant);
		for (i = 0; i < v->nr_files; i++)
			if (!strcmp(v->files[i].name, e->p[0].name)) {
				free(e->variant);
				e->variant = variant_of(&v->files[i]);
			}
		e->forced = 1;
	}
	strbuf_release(&names);
	return rc;
}

static int is_named(const struct xa_opts *o, int n)
{
	size_t i;

	for (i = 0; i < o->nr_numbers; i++)
		if (o->numbers[i] == n)
			return 1;
	return 0;
}

int xa_plan_branch(const struct xa_opts *o, const struct xsa_matrix *m, size_t bi,
		   struct xa_plan *plan)
{
	const struct branch *b = m->br[bi].b;
	size_t i, k;
	int rc = 0;

	xa_plan_init(plan);
	plan->branch = xstrdup(b->name);
	plan->branch_ref = xstrdup(b->full_ref);
	plan->target = xstrdup(o->to ? o->to : plan->branch_ref);
	plan->private_target = o->to != NULL;
	plan->dry_run = o->dry_run;
	plan->date = o->date;
	for (i = 0; i < o->nr_numbers; i++) {
		for (k = 0; k < m->nr_xsa && m->xsa[k]->number != o->numbers[i]; k++)
			;
		if (k == m->nr_xsa)
			return error_input("XSA-%d is not in the store (no xsa/%d/); import the "
					   "advisory first", o->numbers[i], o->numbers[i]);
	}
	for (i = 0; i < m->nr_xsa && !rc; i++) {
		const struct xsa_record *r = m->xsa[i];
		const struct xsa_version *v = xsa_latest(r);
		const struct xsa_cell *c = xsa_matrix_cell(m, i, bi);
		int named = is_named(o, r->number);
		struct xa_entry *e;

		if (o->numbers && !named)
			continue;
		if (!o->numbers) {
			if (c->state == XSA_APPLIED)
				plan->applied_before++;
			/* A claim is no evidence: the fix is still to be applied. */
			if (c->state != XSA_PENDING && c->state != XSA_EMBARGOED &&
			    c->state != XSA_CLAIMED)
				continue;
		}
		e = new_entry(plan, r->number);
		e->version = v->version;
		e->state = c->state;
		e->state_detail = c->detail ? xstrdup(c->detail) : NULL;
		strvec_pushv(&e->cves, v->cves.v);
		if (c->stale) {
			snprintf(e->stale, sizeof(e->stale), "%s", c->commit);
			e->stale_version = c->stale_version;
		}
		if (o->variant && (rc = entry_from_variant(o, v, e)))
			break;
		if (c->state == XSA_APPLIED) {
			e->outcome = XA_ALREADY;
			snprintf(e->commit, sizeof(e->commit), "%s", c->commit);
			set_str(&e->detail, "in %s already%s%.12s%s; left alone", plan->branch,
				c->commit[0] ? " (commit " : "", c->commit, c->commit[0] ? ")" : "");
			continue;
		}
		if (!o->variant && (c->state == XSA_PENDING || c->state == XSA_EMBARGOED ||
				    c->state == XSA_CLAIMED)) {
			for (k = 0; k < c->names.nr; k++) {
				const struct xsa_file *f = file_named(v, c->names.v[k]);

				if (!f)
					BUG("mapped file %s is not in XSA-%d", c->names.v[k], r->number);
				add_file(o->store, v, f, e);
				snprintf(e->p[e->nr - 1].known, sizeof(e->p[0].known), "%s",
					 c->found_in.v[k]);
				{
					char *vn = variant_of(f);

					if (!e->variant)
						e->variant = xstrdup(vn);
					else if (!strstr(e->variant, vn))
						set_str(&e->variant, "%s, %s", e->variant, vn);
					free(vn);
				}
			}
			if (!e->nr)
				rc = error_input("XSA-%d maps no Xen patch to %s", r->number,
						 plan->branch);
		} else if (!o->variant) {
			struct strbuf names = STRBUF_INIT;

			list_variants(v, &names);
			rc = error_input("XSA-%d maps no patch to %s (%s%s%s); name one of its "
					 "variants with --variant to apply it anyway: %s", r->number,
					 plan->branch, xsa_state_name(c->state),
					 c->detail ? ": " : "", c->detail ? c->detail : "", names.buf);
			strbuf_release(&names);
		}
		if (!rc && c->state == XSA_EMBARGOED && !plan->private_target) {
			char d[32];

			date_format_short(xsa_public_time(o->store, r), d);
			if (named)
				rc = error_input("XSA-%d is embargoed until %s UTC: it is never applied "
						 "to %s before then (--to REF applies it to a private "
						 "ref)", r->number, d, plan->target + 11);
			e->outcome = XA_EMBARGOED;
			set_str(&e->detail, "embargoed until %s UTC; not applied to a stable "
				"branch before then", d);
		}
	}
	/* The advisories' .meta files: prerequisites first. */
	if (!rc)
		rc = xsameta_plan(o->store, m, bi, plan);
	return rc;
}

/* ---- running ------------------------------------------------------------- */

static void add_trailers(struct apply_item *it, const struct xa_entry *e,
			 const struct xa_patch *pt)
{
	size_t i;

	strvec_pushf(&it->trailers, "XSA: %d", e->xsa);
	for (i = 0; i < e->cves.nr; i++)
		strvec_pushf(&it->trailers, "CVE: %s", e->cves.v[i]);
	strvec_pushf(&it->trailers, "XSA-Patch: %s %s", pt->name, pt->sha256);
}

/* Which entry and patch each item of the run came from. */
struct item_map {
	size_t *ent, *pat;
	size_t nr;
};

static void map_add(struct item_map *im, size_t e, size_t p)
{
	im->ent = xreallocarray(im->ent, im->nr + 1, sizeof(*im->ent));
	im->pat = xreallocarray(im->pat, im->nr + 1, sizeof(*im->pat));
	im->ent[im->nr] = e;
	im->pat[im->nr++] = p;
}

static void map_release(struct item_map *im)
{
	free(im->ent);
	free(im->pat);
	memset(im, 0, sizeof(*im));
}

static void set_committer_date(struct apply_run *run)
{
	char d[32];

	/* Commits made the same day by the same person from the same patches
	 * come out the same; $XENSTABLE_NOW fixes the time for tests. */
	date_format_iso(date_now(), d);
	strvec_pushf(&run->env, "GIT_COMMITTER_DATE=%s", d);
}

static void msg_key(const struct apply_item *it, struct strbuf *key)
{
	size_t i;

	strbuf_addstr(key, it->path);
	for (i = 0; i < it->trailers.nr; i++)
		strbuf_addf(key, "\n%s", it->trailers.v[i]);
}

static const struct xa_msg *msgs_find(const struct xa_msgs *m, const char *key)
{
	size_t i;

	for (i = 0; m && i < m->nr; i++)
		if (!strcmp(m->v[i].key, key))
			return &m->v[i];
	return NULL;
}

void xa_msgs_release(struct xa_msgs *m)
{
	size_t i;

	for (i = 0; i < m->nr; i++) {
		free(m->v[i].key);
		free(m->v[i].msg);
		free(m->v[i].author);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* Add the plan's pending patches from entry e0, patch p0 on. */
static void add_items(struct xa_plan *plan, struct apply_run *run, struct item_map *im,
		      size_t e0, size_t p0, const struct xa_msgs *msgs)
{
	size_t i, k;

	for (i = e0; i < plan->nr; i++) {
		struct xa_entry *e = &plan->e[i];

		if (e->outcome != XA_PENDING)
			continue;
		for (k = i == e0 ? p0 : 0; k < e->nr; k++) {
			struct xa_patch *pt = &e->p[k];
			char group[32];
			struct apply_item *it;

			snprintf(group, sizeof(group), "XSA-%d", e->xsa);
			it = apply_add(run, pt->path, pt->name, group);
			add_trailers(it, e, pt);
			if (pt->known[0]) {
				it->known_applied = 1;
				it->known_commit = xstrdup(pt->known);
			}
			if (msgs) {
				struct strbuf key = STRBUF_INIT;
				const struct xa_msg *m;

				msg_key(it, &key);
				m = msgs_find(msgs, key.buf);
				if (m) {
					it->message = xstrdup(m->msg);
					it->author = xstrdup(m->author);
				}
				strbuf_release(&key);
			}
			map_add(im, i, k);
		}
	}
}

/* Refuse unsafe patches before anything is applied. */
static int check_all(const struct xa_plan *plan, struct xa_entry **bad)
{
	size_t i, k;
	int rc = 0;

	for (i = 0; i < plan->nr && !rc; i++) {
		struct xa_entry *e = &plan->e[i];

		if (e->outcome != XA_PENDING)
			continue;
		for (k = 0; k < e->nr && !rc; k++) {
			struct strbuf text = STRBUF_INIT;

			if (e->p[k].known[0])
				continue;
			rc = read_file(&text, e->p[k].path, 64 << 20);
			if (!rc)
				rc = apply_check_patch(e->p[k].path, text.buf, text.len);
			strbuf_release(&text);
			if (rc == -XS_INPUT) {
				*bad = e;
				e->failed = k;
				e->p[k].outcome = APPLY_REJECTED;
			}
		}
	}
	return rc;
}

/* Which other variants of e's advisory apply cleanly on from? */
static int try_other_variants(const struct xa_opts *o, struct apply_run *run,
			      struct xa_entry *e, const char *from)
{
	const struct xsa_record *r = xsa_store_find(o->store, e->xsa);
	const struct xsa_version *v;
	struct strvec vs = STRVEC_INIT;
	size_t i, k;
	int rc = 0;

	if (!r)
		return 0;
	v = xsa_latest(r);
	xen_variants(v, &vs);
	for (i = 0; i < vs.nr && rc >= 0; i++) {
		struct strvec paths = STRVEC_INIT;
		int same = 0;

		for (k = 0; k < e->nr; k++) {
			const struct xsa_file *f = file_named(v, e->p[k].name);

			same |= f && same_variant(f, vs.v[i]);
		}
		if (same)
			continue;
		for (k = 0; k < v->nr_files; k++) {
			const struct xsa_file *f = &v->files[k];

			if (!strcmp(f->project, "xen") && same_variant(f, vs.v[i])) {
				char *p = xsa_store_path(o->store, v, f->name);

				strvec_push(&paths, p);
				free(p);
			}
		}
		rc = apply_try_series(run, from, paths.v, paths.nr, NULL);
		if (rc == 0)
			strvec_push(&e->clean_variants, vs.v[i]);
		strvec_clear(&paths);
	}
	strvec_clear(&vs);
	return rc < 0 ? rc : 0;
}

static void take_conflict(struct xa_entry *e, struct apply_result *res)
{
	conflict_clear(&e->conflict);
	e->conflict = res->conflict;
	memset(&res->conflict, 0, sizeof(res->conflict));
	strvec_init(&res->conflict.blame);
}

/* Copy the run's results into the plan.  Returns the entry that failed. */
static struct xa_entry *take_results(struct xa_plan *plan, struct apply_run *run,
				     const struct item_map *im, size_t *failed_item,
				     char from[GIT_MAX_HEXSZ + 1])
{
	struct xa_entry *bad = NULL;
	char tip[GIT_MAX_HEXSZ + 1];
	size_t k, last_entry = (size_t)-1;

	/* The commit each item went onto: where the run started, then each new one. */
	snprintf(tip, sizeof(tip), "%s", run->start);
	for (k = 0; k < im->nr; k++) {
		struct xa_entry *e = &plan->e[im->ent[k]];
		struct xa_patch *pt = &e->p[im->pat[k]];
		struct apply_result *res = &run->res[k];

		if (im->ent[k] != last_entry) {
			last_entry = im->ent[k];
			if (!bad)
				snprintf(from, GIT_MAX_HEXSZ + 1, "%s", tip);
		}
		pt->outcome = res->outcome;
		snprintf(pt->commit, sizeof(pt->commit), "%s", res->commit);
		if (res->outcome == APPLY_APPLIED)
			snprintf(tip, sizeof(tip), "%s", res->commit);
		if (!bad && (res->outcome == APPLY_CONFLICT || res->outcome == APPLY_REJECTED)) {
			bad = e;
			e->failed = im->pat[k];
			*failed_item = k;
			take_conflict(e, res);
			free(e->detail);
			e->detail = res->detail ? xstrdup(res->detail) : NULL;
		}
	}
	return bad;
}

/* Outcome of each pending entry from its patches'. */
static void settle(struct xa_plan *plan, const struct xa_entry *bad, int kept)
{
	size_t i, k;
	int after = 0;

	for (i = 0; i < plan->nr; i++) {
		struct xa_entry *e = &plan->e[i];
		int applied = 0, already = 0, adapted = 0;

		if (e == bad) {
			e->outcome = e->p[e->failed].outcome == APPLY_REJECTED ? XA_REJECTED :
				XA_CONFLICT;
			after = 1;
			continue;
		}
		if (e->outcome != XA_PENDING)
			continue;
		if (after) {
			/* A kept worktree goes on with them; otherwise they were never tried. */
			if (!kept)
				e->outcome = XA_NOT_TRIED;
			continue;
		}
		for (k = 0; k < e->nr; k++) {
			applied += e->p[k].outcome == APPLY_APPLIED;
			already += e->p[k].outcome == APPLY_ALREADY;
			adapted += e->p[k].adapted;
			if (e->p[k].outcome == APPLY_APPLIED)
				memcpy(e->commit, e->p[k].commit, sizeof(e->commit));
			else if (e->p[k].outcome == APPLY_ALREADY && !e->commit[0])
				memcpy(e->commit, e->p[k].commit, sizeof(e->commit));
		}
		if (!applied && already == (int)e->nr) {
			e->outcome = XA_ALREADY;
			set_str(&e->detail, "its changes are on %s already; left alone",
				plan->branch);
		} else if (bad && !kept) {
			e->outcome = XA_HELD;
			set_str(&e->detail, "applies cleanly, but nothing was kept because XSA-%d "
				"failed", bad->xsa);
		} else {
			e->outcome = adapted ? XA_ADAPTED : XA_APPLIED;
			if (already)
				set_str(&e->detail, "%d of %zu patches were in already", already,
					e->nr);
		}
	}
}

char *xa_state_path(const struct git_repo *src)
{
	return path_join(src->common_dir, "xenstable/apply-state.json");
}

char *xa_worktree_path(const struct git_repo *src, const char *branch)
{
	return xstrfmt("%s/xenstable/apply-%s", src->common_dir, branch);
}

static int state_save(const struct git_repo *src, const struct xa_plan *plan)
{
	struct json_writer w;
	struct strbuf out = STRBUF_INIT;
	char *path = xa_state_path(src), *dir = path_dirname(path);
	int rc = mkdir_p(dir, 0755);

	jw_init(&w, 1);
	xa_plan_json(plan, &w);
	jw_finish(&w, &out);
	if (!rc)
		rc = write_file_atomic(path, out.buf, out.len, 0644);
	jw_release(&w);
	strbuf_release(&out);
	free(path);
	free(dir);
	return rc;
}

static void state_remove(const struct git_repo *src)
{
	char *path = xa_state_path(src), *dir = path_dirname(path);

	if (unlink(path) == 0)
		fsync_dir(dir);
	free(path);
	free(dir);
}

/* Leave the conflict of item k in a worktree and save the plan. */
static int keep_for_person(const struct git_repo *src, struct xa_plan *plan,
			   struct apply_run *run, size_t k)
{
	struct apply_kept kept;
	char *base = xa_worktree_path(src, plan->branch), *parent = path_dirname(base);
	char *dir = xstrdup(base), *state = xa_state_path(src);
	size_t i;
	int rc = mkdir_p(parent, 0755);

	/*
	 * Without a saved state nobody works in one of our worktrees: what is
	 * there was left by a run killed before it saved its state.
	 */
	for (i = 1; !rc && !path_exists(state) && i < 100; i++) {
		char *old = i == 1 ? xstrdup(base) : xstrfmt("%s-%zu", base, i);

		if (path_exists(old))
			apply_remove_worktree(src, old);
		free(old);
	}
	free(state);
	/* A worktree of an earlier conflict may still be there (--continue). */
	for (i = 2; path_exists(dir) && i < 100; i++) {
		free(dir);
		dir = xstrfmt("%s-%zu", base, i);
	}
	free(parent);
	free(base);
	if (!rc)
		rc = apply_keep_worktree(run, k, dir, &kept);
	free(dir);
	if (rc)
		return rc;
	free(plan->worktree);
	free(plan->method);
	plan->worktree = xstrdup(kept.worktree);
	plan->method = xstrdup(kept.method);
	strvec_clear(&plan->kept_files);
	for (i = 0; i < kept.files.nr; i++)
		strvec_push(&plan->kept_files, kept.files.v[i]);
	plan->kept_clean = kept.clean;
	memcpy(plan->tip, run->tip, sizeof(plan->tip));
	apply_kept_release(&kept);
	crash_point("xa-kept");
	rc = state_save(src, plan);
	if (rc)
		apply_remove_worktree(src, plan->worktree);
	return rc;
}

/* The content check before a public target moves (embargo.h). */
static void set_guard(const struct xa_opts *o, const struct xa_plan *plan, struct apply_run *run,
		      struct embargo_guard *g)
{
	memset(g, 0, sizeof(*g));
	g->es = o->embargo;
	g->branch = o->branches ? branch_find(o->branches, plan->branch) : NULL;
	if (!embargo_ref_is_private(plan->target)) {
		run->guard = embargo_apply_guard;
		run->guard_data = g;
	}
}

/* The guard said no: nothing moves, and the report says why. */
static void embargo_refused(struct xa_plan *plan)
{
	size_t i;

	plan->embargo_refused = 1;
	plan->moved = 0;
	memcpy(plan->tip, plan->base, sizeof(plan->tip));
	for (i = 0; i < plan->nr; i++) {
		struct xa_entry *e = &plan->e[i];

		if (e->outcome != XA_APPLIED && e->outcome != XA_ADAPTED)
			continue;
		e->outcome = XA_HELD;
		set_str(&e->detail, "not kept: the result would carry embargoed content (see the "
			"error)");
	}
}

/* Apply the items of run (already added) and settle the plan.  The
 * target moves only when every item applied or was in already. */
static int run_plan(const struct xa_opts *o, struct xa_plan *plan, struct apply_run *run,
		    struct item_map *im, int keep)
{
	struct xa_entry *bad = NULL;
	char from[GIT_MAX_HEXSZ + 1] = "";
	size_t failed_item = 0;
	int rc;

	rc = check_all(plan, &bad);
	if (rc == -XS_INPUT) {
		set_str(&bad->detail, "%s is not a safe patch", bad->p[bad->failed].name);
		settle(plan, bad, 0);
		memcpy(plan->tip, plan->base, sizeof(plan->tip));
		return rc;
	}
	if (rc)
		return rc;
	rc = run->nr ? apply_all(run) : 0;
	if (rc < 0 && rc != -XS_INPUT)
		return rc;
	if (run->nr)
		bad = take_results(plan, run, im, &failed_item, from);
	if (bad && bad->p[bad->failed].outcome == APPLY_CONFLICT) {
		int trc = try_other_variants(o, run, bad, from);

		if (trc)
			return trc;
		xsameta_explain(o->src, plan, bad);
	}
	if (bad && keep && bad->p[bad->failed].outcome == APPLY_CONFLICT && !plan->dry_run) {
		settle(plan, bad, 1);
		{
			int krc = keep_for_person(o->src, plan, run, failed_item);

			if (krc)
				return krc;
		}
		return rc;
	}
	settle(plan, bad, 0);
	if (bad) {
		memcpy(plan->tip, plan->base, sizeof(plan->tip));
		return rc;
	}
	memcpy(plan->tip, run->tip, sizeof(plan->tip));
	/* A dry run only asks the run's guard. */
	rc = apply_finish(run);
	if (!rc && !plan->dry_run)
		plan->moved = strcmp(run->base, run->tip) != 0;
	return rc;
}

int xa_run(const struct xa_opts *o, struct xa_plan *plan)
{
	struct apply_run run;
	struct item_map im = { NULL, NULL, 0 };
	struct embargo_guard guard;
	int rc;

	rc = apply_run_init(&run, o->src, plan->target,
			    plan->private_target ? plan->branch_ref : NULL);
	if (!rc) {
		memcpy(plan->base, run.base, sizeof(plan->base));
		memcpy(plan->tip, run.tip, sizeof(plan->tip));
		if (!run.base[0])
			memcpy(plan->base, "", 1);
		set_committer_date(&run);
		if (o->dry_run)
			rc = apply_set_dry_run(&run);
	}
	/* Refuse a checkout in the way before any work is done. */
	if (!rc)
		rc = apply_check_worktrees(&run, &plan->checkouts);
	if (!rc) {
		if (plan->checkouts.nr && !o->dry_run)
			say("%s is checked out in %s (clean): it will be updated with the branch",
			    plan->target + 11, plan->checkouts.v[0]);
		add_items(plan, &run, &im, 0, 0, o->msgs);
		set_guard(o, plan, &run, &guard);
		rc = run_plan(o, plan, &run, &im, o->keep_worktree);
		if (rc && guard.refused)
			embargo_refused(plan);
	}
	map_release(&im);
	apply_run_release(&run);
	return rc;
}

int xa_msgs_prepare(struct xa_msgs *m, const struct git_repo *src, const struct xa_plan *plans,
		    size_t nr)
{
	size_t b, i, k;
	int rc = 0;

	for (b = 0; b < nr && !rc; b++) {
		for (i = 0; i < plans[b].nr && !rc; i++) {
			const struct xa_entry *e = &plans[b].e[i];

			if (e->outcome != XA_PENDING)
				continue;
			for (k = 0; k < e->nr && !rc; k++) {
				struct apply_item it;
				struct strbuf key = STRBUF_INIT, msg = STRBUF_INIT,
					      author = STRBUF_INIT;

				memset(&it, 0, sizeof(it));
				it.path = e->p[k].path;
				it.name = e->p[k].name;
				strvec_init(&it.trailers);
				add_trailers(&it, e, &e->p[k]);
				msg_key(&it, &key);
				/* A patch that cannot give its author is left to the run to report. */
				if (!msgs_find(m, key.buf) && !e->p[k].known[0] &&
				    !apply_item_message(src, &it, &msg, &author)) {
					ALLOC_GROW(m->v, m->nr + 1, m->alloc);
					m->v[m->nr].key = strbuf_detach(&key, NULL);
					m->v[m->nr].msg = strbuf_detach(&msg, NULL);
					m->v[m->nr].author = strbuf_detach(&author, NULL);
					m->nr++;
				}
				strbuf_release(&author);
				strvec_clear(&it.trailers);
				strbuf_release(&key);
				strbuf_release(&msg);
			}
		}
	}
	return rc;
}

struct xa_job {
	const struct xa_opts *o;
	struct xa_plan *plan;
	int rc;
};

static void *xa_job_run(void *arg)
{
	struct xa_job *j = arg;

	j->rc = xa_run(j->o, j->plan);
	return NULL;
}

void xa_run_parallel(const struct xa_opts *o, struct xa_plan *plans, size_t nr, int *rcs)
{
	struct xa_job *jobs = xcalloc(nr + 1, sizeof(*jobs));
	pthread_t *th = xcalloc(nr + 1, sizeof(*th));
	int *started = xcalloc(nr + 1, sizeof(*started));
	size_t i;

	for (i = 0; i < nr; i++) {
		jobs[i].o = o;
		jobs[i].plan = &plans[i];
		/* Without a thread, the run goes on in this one. */
		started[i] = !pthread_create(&th[i], NULL, xa_job_run, &jobs[i]);
		if (!started[i])
			xa_job_run(&jobs[i]);
	}
	for (i = 0; i < nr; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		rcs[i] = jobs[i].rc;
	}
	free(jobs);
	free(th);
	free(started);
}

/* ---- the plan as JSON ------------------------------------------------------ */

static void kv_oid(struct json_writer *w, const char *key, const char *oid)
{
	if (oid && *oid)
		jw_kv_str(w, key, oid);
	else
		jw_kv_null(w, key);
}

void xa_plan_json(const struct xa_plan *p, struct json_writer *w)
{
	size_t i, k;
	char d[32];

	jw_obj_begin(w);
	jw_kv_int(w, "schema", XA_STATE_SCHEMA);
	jw_kv_str(w, "branch", p->branch);
	jw_kv_str(w, "ref", p->branch_ref);
	jw_kv_str(w, "target", p->target);
	jw_kv_bool(w, "private_target", p->private_target);
	jw_kv_bool(w, "dry_run", p->dry_run);
	date_format_iso(p->date, d);
	jw_kv_str(w, "date", d);
	kv_oid(w, "base", p->base);
	kv_oid(w, "tip", p->tip);
	jw_kv_bool(w, "moved", p->moved);
	jw_kv_int(w, "applied_before", (long long)p->applied_before);
	jw_kv_strvec(w, "checkouts", &p->checkouts);
	if (p->worktree) {
		jw_key(w, "worktree");
		jw_obj_begin(w);
		jw_kv_str(w, "path", p->worktree);
		jw_kv_str(w, "method", p->method);
		jw_kv_bool(w, "clean", p->kept_clean);
		jw_kv_strvec(w, "files", &p->kept_files);
		jw_obj_end(w);
	} else {
		jw_kv_null(w, "worktree");
	}
	jw_key(w, "xsas");
	jw_arr_begin(w);
	for (i = 0; i < p->nr; i++) {
		const struct xa_entry *e = &p->e[i];

		jw_obj_begin(w);
		jw_kv_int(w, "xsa", e->xsa);
		jw_kv_int(w, "version", e->version);
		jw_kv_str(w, "state", xsa_state_name(e->state));
		jw_kv_str(w, "state_detail", e->state_detail);
		jw_kv_strvec(w, "cves", &e->cves);
		jw_kv_str(w, "variant", e->variant);
		jw_kv_bool(w, "forced", e->forced);
		kv_oid(w, "stale", e->stale);
		jw_kv_int(w, "stale_version", e->stale_version);
		jw_kv_str(w, "outcome", xa_outcome_name(e->outcome));
		kv_oid(w, "commit", e->commit);
		jw_kv_str(w, "detail", e->detail);
		jw_key(w, "patches");
		jw_arr_begin(w);
		for (k = 0; k < e->nr; k++) {
			const struct xa_patch *pt = &e->p[k];

			jw_obj_begin(w);
			jw_kv_str(w, "name", pt->name);
			jw_kv_str(w, "path", pt->path);
			jw_kv_str(w, "sha256", pt->sha256);
			kv_oid(w, "known", pt->known);
			jw_kv_str(w, "outcome", apply_outcome_name(pt->outcome));
			kv_oid(w, "commit", pt->commit);
			jw_kv_bool(w, "adapted", pt->adapted);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_kv_str(w, "meta", e->meta_file);
		kv_oid(w, "made_against", e->made_against);
		jw_key(w, "prerequisites");
		jw_arr_begin(w);
		for (k = 0; k < e->nr_prereqs; k++) {
			jw_obj_begin(w);
			jw_kv_int(w, "xsa", e->prereqs[k].xsa);
			jw_kv_str(w, "state", e->prereqs[k].stored ?
				  xsa_state_name(e->prereqs[k].state) : "not-stored");
			jw_obj_end(w);
		}
		jw_arr_end(w);
		if (e->outcome == XA_CONFLICT || e->outcome == XA_REJECTED) {
			jw_key(w, "failure");
			jw_obj_begin(w);
			jw_kv_str(w, "patch", e->nr ? e->p[e->failed].name : NULL);
			jw_kv_int(w, "index", (long long)e->failed);
			jw_kv_str(w, "file", e->conflict.file);
			jw_kv_int(w, "line", e->conflict.line);
			jw_kv_str(w, "hunk", e->conflict.hunk);
			jw_kv_str(w, "reason", e->conflict.reason);
			jw_kv_strvec(w, "blame", &e->conflict.blame);
			jw_kv_strvec(w, "clean_variants", &e->clean_variants);
			jw_kv_strvec(w, "meta_hints", &e->meta_hints);
			jw_obj_end(w);
		} else {
			jw_kv_null(w, "failure");
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

struct pctx {
	const char *origin;
	int rc;
};

static const char *need_str(struct pctx *c, yajl_val obj, const char *key, int nullable)
{
	yajl_val v = json_get(obj, key);

	if (v && YAJL_IS_STRING(v))
		return YAJL_GET_STRING(v);
	if (nullable && (!v || YAJL_IS_NULL(v)))
		return NULL;
	if (!c->rc)
		c->rc = error_input("%s: \"%s\" is missing or not a string", c->origin, key);
	return NULL;
}

static long long need_int(struct pctx *c, yajl_val obj, const char *key)
{
	long long n = 0;

	if (!json_get_int(obj, key, &n) && !c->rc)
		c->rc = error_input("%s: \"%s\" is missing or not a number", c->origin, key);
	return n;
}

static int need_bool(struct pctx *c, yajl_val obj, const char *key)
{
	yajl_val v = json_get(obj, key);

	if (v && (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)))
		return YAJL_IS_TRUE(v);
	if (!c->rc)
		c->rc = error_input("%s: \"%s\" is missing or not true/false", c->origin, key);
	return 0;
}

static void need_oid(struct pctx *c, yajl_val obj, const char *key, char *out)
{
	const char *s = need_str(c, obj, key, 1);

	out[0] = '\0';
	if (!s)
		return;
	if (!is_oid_hex(s)) {
		if (!c->rc)
			c->rc = error_input("%s: \"%s\" is not a commit id", c->origin, key);
		return;
	}
	snprintf(out, GIT_MAX_HEXSZ + 1, "%s", s);
}

static void need_strvec(struct pctx *c, yajl_val obj, const char *key, struct strvec *out)
{
	yajl_val a = json_get(obj, key);
	size_t i;

	if (!a || !YAJL_IS_ARRAY(a)) {
		if (!c->rc)
			c->rc = error_input("%s: \"%s\" is missing or not a list", c->origin, key);
		return;
	}
	for (i = 0; i < json_array_len(a); i++) {
		yajl_val s = json_array_at(a, i);

		if (YAJL_IS_STRING(s))
			strvec_push(out, YAJL_GET_STRING(s));
		else if (!c->rc)
			c->rc = error_input("%s: \"%s\" holds something other than strings",
					    c->origin, key);
	}
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int xa_plan_parse(struct xa_plan *plan, const char *origin, const char *text, size_t len)
{
	struct pctx c = { origin, 0 };
	yajl_val root, xs, wt;
	size_t i, k;
	const char *s;
	int rc;

	xa_plan_init(plan);
	rc = json_parse(text, len, origin, &root);
	if (rc)
		return rc;
	if (!YAJL_IS_OBJECT(root) || need_int(&c, root, "schema") != XA_STATE_SCHEMA) {
		json_free(root);
		return c.rc ? c.rc : error_input("%s: not an apply state of schema %d", origin,
						 XA_STATE_SCHEMA);
	}
	plan->branch = dup_or_null(need_str(&c, root, "branch", 0));
	plan->branch_ref = dup_or_null(need_str(&c, root, "ref", 0));
	plan->target = dup_or_null(need_str(&c, root, "target", 0));
	plan->private_target = need_bool(&c, root, "private_target");
	plan->dry_run = need_bool(&c, root, "dry_run");
	s = need_str(&c, root, "date", 0);
	if (s && date_parse_time(s, &plan->date) && !c.rc)
		c.rc = error_input("%s: \"date\" is not a time", origin);
	need_oid(&c, root, "base", plan->base);
	need_oid(&c, root, "tip", plan->tip);
	plan->moved = need_bool(&c, root, "moved");
	plan->applied_before = (size_t)need_int(&c, root, "applied_before");
	need_strvec(&c, root, "checkouts", &plan->checkouts);
	wt = json_get(root, "worktree");
	if (wt && YAJL_IS_OBJECT(wt)) {
		plan->worktree = dup_or_null(need_str(&c, wt, "path", 0));
		plan->method = dup_or_null(need_str(&c, wt, "method", 0));
		plan->kept_clean = need_bool(&c, wt, "clean");
		need_strvec(&c, wt, "files", &plan->kept_files);
	}
	xs = json_get(root, "xsas");
	if (!xs || !YAJL_IS_ARRAY(xs)) {
		if (!c.rc)
			c.rc = error_input("%s: \"xsas\" is missing", origin);
		xs = NULL;
	}
	for (i = 0; xs && !c.rc && i < json_array_len(xs); i++) {
		yajl_val o = json_array_at(xs, i), ps, f;
		struct xa_entry *e = new_entry(plan, (int)need_int(&c, o, "xsa"));

		e->version = (int)need_int(&c, o, "version");
		s = need_str(&c, o, "state", 0);
		if (s && xsa_state_from_name(s) >= 0)
			e->state = (enum xsa_state)xsa_state_from_name(s);
		e->state_detail = dup_or_null(need_str(&c, o, "state_detail", 1));
		need_strvec(&c, o, "cves", &e->cves);
		e->variant = dup_or_null(need_str(&c, o, "variant", 1));
		e->forced = need_bool(&c, o, "forced");
		need_oid(&c, o, "stale", e->stale);
		e->stale_version = (int)need_int(&c, o, "stale_version");
		s = need_str(&c, o, "outcome", 0);
		if (s && xa_outcome_parse(s, &e->outcome) && !c.rc)
			c.rc = error_input("%s: XSA-%d: unknown outcome '%s'", origin, e->xsa, s);
		need_oid(&c, o, "commit", e->commit);
		e->detail = dup_or_null(need_str(&c, o, "detail", 1));
		ps = json_get(o, "patches");
		for (k = 0; ps && YAJL_IS_ARRAY(ps) && !c.rc && k < json_array_len(ps); k++) {
			yajl_val po = json_array_at(ps, k);
			struct xa_patch *pt = new_patch(e);

			pt->name = dup_or_null(need_str(&c, po, "name", 0));
			pt->path = dup_or_null(need_str(&c, po, "path", 0));
			s = need_str(&c, po, "sha256", 0);
			if (s && !is_sha256_hex(s) && !c.rc)
				c.rc = error_input("%s: XSA-%d: bad sha256", origin, e->xsa);
			snprintf(pt->sha256, sizeof(pt->sha256), "%s", s ? s : "");
			need_oid(&c, po, "known", pt->known);
			s = need_str(&c, po, "outcome", 0);
			if (s && apply_outcome_parse(s, &pt->outcome) && !c.rc)
				c.rc = error_input("%s: XSA-%d: unknown patch outcome '%s'", origin,
						   e->xsa, s);
			need_oid(&c, po, "commit", pt->commit);
			pt->adapted = need_bool(&c, po, "adapted");
		}
		f = json_get(o, "failure");
		if (f && YAJL_IS_OBJECT(f) && !c.rc) {
			long long idx = need_int(&c, f, "index");

			if (idx < 0 || (size_t)idx >= e->nr) {
				if (!c.rc)
					c.rc = error_input("%s: XSA-%d: failed patch %lld out of range",
							   origin, e->xsa, idx);
			} else {
				e->failed = (size_t)idx;
			}
			e->conflict.file = dup_or_null(need_str(&c, f, "file", 1));
			e->conflict.line = (int)need_int(&c, f, "line");
			e->conflict.hunk = dup_or_null(need_str(&c, f, "hunk", 1));
			e->conflict.reason = dup_or_null(need_str(&c, f, "reason", 1));
			need_strvec(&c, f, "blame", &e->conflict.blame);
			need_strvec(&c, f, "clean_variants", &e->clean_variants);
		}
	}
	json_free(root);
	if (c.rc)
		xa_plan_release(plan);
	return c.rc;
}

int xa_state_load(const struct git_repo *src, struct xa_plan *plan)
{
	struct strbuf text = STRBUF_INIT;
	char *path = xa_state_path(src);
	int rc = read_file_if_exists(&text, path, 16 << 20);

	if (rc == 1) {
		xa_plan_init(plan);
		rc = 0;
	} else if (!rc) {
		rc = xa_plan_parse(plan, path, text.buf, text.len);
		if (!rc && (!plan->worktree || !plan->target || !plan->branch))
			rc = error_input("%s: no worktree recorded", path);
		if (!rc)
			rc = 1;
	}
	strbuf_release(&text);
	free(path);
	return rc;
}

/* ---- a person's worktree: continue and abort ------------------------------ */

static int moved_error(const struct xa_plan *plan, const char *now)
{
	char *fix = self_cmd_str("xsa", "apply", "--abort", NULL);
	int rc = error_env("%s moved since the apply began (it was %.12s, it is %.12s); "
			   "apply again after: %s", plan->target,
			   plan->base[0] ? plan->base : "absent", now ? now : "absent", fix);

	free(fix);
	return rc;
}

/*
 * A fix made by hand is no patch's content: its commit is recorded in the
 * store as the release manager's judgement (an "adapted" mark), which is
 * what makes the XSA applied on the branch (TRUST.md).
 */
static int record_adapted(const struct xa_opts *o, const struct xa_plan *plan)
{
	size_t i, k;
	int rc = 0;

	for (i = 0; i < plan->nr && !rc; i++) {
		const struct xa_entry *e = &plan->e[i];
		struct xsa_record *r = xsa_store_find(o->store, e->xsa);

		for (k = 0; r && k < e->nr && !rc; k++) {
			char *why;

			if (!e->p[k].adapted || !e->p[k].commit[0])
				continue;
			why = xstrfmt("adapted by hand with xsa apply --continue (%s did not apply "
				      "cleanly)", e->p[k].name);
			rc = xsa_store_set_adapted(o->store->root, r, plan->branch, e->p[k].commit,
						   why, date_now());
			free(why);
		}
	}
	return rc;
}

int xa_continue(const struct xa_opts *o, struct xa_plan *plan)
{
	struct apply_run run;
	struct apply_item it;
	struct item_map im = { NULL, NULL, 0 };
	struct xa_entry *e = NULL;
	struct xa_patch *pt;
	struct embargo_guard guard;
	char now[GIT_MAX_HEXSZ + 1] = "", oid[GIT_MAX_HEXSZ + 1], group[32];
	char *old_wt;
	size_t i;
	int rc, at, moved;

	for (i = 0; i < plan->nr && !e; i++)
		if (plan->e[i].outcome == XA_CONFLICT)
			e = &plan->e[i];
	if (!e || e->failed >= e->nr)
		return error_input("the apply state names no conflicting patch");
	/*
	 * The target must still be where the work began, unless an earlier
	 * --continue moved it and was killed before it cleaned up: the work
	 * is then redone without moving anything (its commits are the same,
	 * dates come from the plan) and compared with where the target is.
	 */
	at = git_resolve_commit(o->src, plan->target, now);
	if (at < 0)
		return at;
	moved = strcmp(at ? "" : now, plan->base) != 0;
	if (moved && (at || !plan->base[0] || git_is_ancestor(o->src, plan->base, now) != 1))
		return moved_error(plan, at ? NULL : now);
	pt = &e->p[e->failed];
	rc = apply_run_resume(&run, o->src, plan->target, plan->base, plan->tip);
	if (rc) {
		apply_run_release(&run);
		return rc;
	}
	set_committer_date(&run);
	set_guard(o, plan, &run, &guard);
	if (moved)
		apply_set_dry_run(&run);
	/* The adapted commit: the patch's author and message, and a word on it. */
	memset(&it, 0, sizeof(it));
	it.path = pt->path;
	it.name = pt->name;
	snprintf(group, sizeof(group), "XSA-%d", e->xsa);
	it.group = group;
	strvec_init(&it.trailers);
	add_trailers(&it, e, pt);
	strvec_push(&it.trailers, "XSA-Adapted: by hand (the patch did not apply cleanly)");
	rc = apply_commit_worktree(&run, &it, plan->worktree, oid);
	strvec_clear(&it.trailers);
	if (rc) {
		apply_run_release(&run);
		return rc;
	}
	pt->outcome = APPLY_APPLIED;
	pt->adapted = 1;
	memcpy(pt->commit, oid, sizeof(pt->commit));
	/* The rest of the plan goes on from the adapted commit, in the same run. */
	e->outcome = XA_PENDING;
	conflict_clear(&e->conflict);
	strvec_clear(&e->clean_variants);
	free(e->detail);
	e->detail = NULL;
	add_items(plan, &run, &im, (size_t)(e - plan->e), e->failed + 1, NULL);
	old_wt = plan->worktree;
	plan->worktree = NULL;
	rc = run_plan(o, plan, &run, &im, !moved);
	if (rc && guard.refused) {
		/* The person's work stays where it is, for them to see. */
		embargo_refused(plan);
		plan->worktree = old_wt;
		goto out;
	}
	if (moved) {
		if (!rc && !strcmp(run.tip, now)) {
			say("%s is already where this --continue takes it (an interrupted run moved "
			    "it); cleaning up", plan->target);
			plan->moved = 1;
		} else {
			/* Someone else's commits: nothing is touched. */
			rc = moved_error(plan, now);
			plan->worktree = old_wt;
			goto out;
		}
	}
	if (!rc && !plan->private_target && !plan->dry_run)
		rc = record_adapted(o, plan);
	if (!rc) {
		crash_point("xa-continue-done");
		/* Done: the person's worktree has served. */
		apply_remove_worktree(o->src, old_wt);
		state_remove(o->src);
		free(old_wt);
	} else if (plan->worktree) {
		/* A later patch conflicts: its own worktree and state replace these. */
		apply_remove_worktree(o->src, old_wt);
		free(old_wt);
	} else {
		/* Nothing kept: the worktree and the state stay as they were. */
		plan->worktree = old_wt;
	}
out:
	map_release(&im);
	apply_run_release(&run);
	return rc;
}

int xa_abort(const struct git_repo *src, struct xa_plan *plan)
{
	int rc = 0;

	if (plan->worktree)
		rc = apply_remove_worktree(src, plan->worktree);
	if (!rc)
		state_remove(src);
	return rc;
}
