/*
 * xsa-apply.c: choose the XSA patches for a branch (see xsa-apply.h): the
 * plan and its entries, the variants of an advisory and which of them
 * apply where a patch failed.  Running the plan is in xsa-apply-run.c,
 * the plan as JSON and the state file in xsa-apply-state.c.
 */
#include "compat.h"
#include "xsa-apply.h"
#include "xsa-apply-internal.h"
#include "apply.h"
#include "branch.h"
#include "date.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa-meta.h"
#include "xsa-store.h"
#include "xsa.h"

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

void xa_plan_init(struct xa_plan *p)
{
	memset(p, 0, sizeof(*p));
	strvec_init(&p->checkouts);
	strvec_init(&p->kept_files);
}

void xa_conflict_clear(struct apply_conflict *c)
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
	xa_conflict_clear(&e->conflict);
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

struct xa_entry *xa_new_entry(struct xa_plan *p, int xsa)
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

struct xa_patch *xa_new_patch(struct xa_entry *e)
{
	struct xa_patch *pt;

	ALLOC_GROW(e->p, e->nr + 1, e->alloc);
	pt = &e->p[e->nr++];
	memset(pt, 0, sizeof(*pt));
	return pt;
}

void xa_set_str(char **dst, const char *fmt, ...)
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
	struct xa_patch *pt = xa_new_patch(e);

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
		e = xa_new_entry(plan, r->number);
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
			xa_set_str(&e->detail, "in %s already%s%.12s%s; left alone", plan->branch,
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
						xa_set_str(&e->variant, "%s, %s", e->variant, vn);
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
			xa_set_str(&e->detail, "embargoed until %s UTC; not applied to a stable "
				   "branch before then", d);
		}
	}
	/* The advisories' .meta files: prerequisites first. */
	if (!rc)
		rc = xsameta_plan(o->store, m, bi, plan);
	return rc;
}

/* Which other variants of e's advisory apply cleanly on from? */
int xa_try_other_variants(const struct xa_opts *o, struct apply_run *run,
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
