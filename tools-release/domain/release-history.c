/*
 * release-history.c: the XSAs of a release from the source history, and
 * their OSV records (see release-history.h).
 */
#include "compat.h"
#include "release-history.h"
#include "branch.h"
#include "upstream-tags.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa-history.h"
#include "xsa-history-since.h"
#include "xsa-store.h"
#include "xsa-vulns.h"

static int has_int(const int *v, size_t n, int x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

/* The history's index of a commit, reading it in when needed. */
static int history_commit(struct xsa_history *h, const char *oid, uint32_t *c)
{
	int rc = 0;

	*c = xh_find(h, oid);
	if (*c == XH_NONE) {
		rc = xsa_history_extend(h, oid);
		*c = xh_find(h, oid);
	}
	if (!rc && *c == XH_NONE)
		rc = error_env("commit %.12s is not in the history of the source", oid);
	return rc;
}

static int history_line(const struct xsa_history *h, const struct branch *b)
{
	size_t li;

	for (li = 1; li < h->nr_lines; li++)
		if (h->lines[li].b && !strcmp(h->lines[li].b->name, b->name))
			return (int)li;
	return -1;
}

static void add_cves(struct strbuf *out, const struct strvec *cves)
{
	size_t k;

	for (k = 0; k < cves->nr; k++)
		strbuf_addf(out, "%s%s", out->len ? ", " : "", cves->v[k]);
}

/* One entry of the new list. */
static void fill_entry(const struct release_opts *o, const struct xsa_history *h, int x,
		       const char *state, const struct xh_eval *e, const uint64_t *last_reach,
		       struct release_xsa *rx)
{
	const struct xsa_record *rec = o->store ? xsa_store_find(o->store, x) : NULL;
	const struct xsa_version *v = rec && rec->nr ? &rec->v[rec->nr - 1] : NULL;
	struct strvec cves = STRVEC_INIT;
	struct strbuf c = STRBUF_INIT;
	char hex[GIT_MAX_HEXSZ + 1];
	size_t k;

	memset(rx, 0, sizeof(*rx));
	rx->number = x;
	strvec_init(&rx->commits);
	for (k = 0; v && k < v->cves.nr; k++)
		if (!strvec_contains(&cves, v->cves.v[k]))
			strvec_push(&cves, v->cves.v[k]);
	xsa_vulns_cves(h, x, &cves);
	add_cves(&c, &cves);
	rx->cves = strbuf_detach(&c, NULL);
	rx->title = xstrdup(v && v->title ? v->title : "");
	rx->state = xstrdup(state);
	/* the fixing commits this release brings (not in the last one) */
	for (k = 0; e && k < e->nr_commits; k++) {
		if (last_reach && xh_has(last_reach, e->commits[k]))
			continue;
		xh_oid_hex(h, e->commits[k], hex);
		strvec_push(&rx->commits, hex);
	}
	strvec_clear(&cves);
}

static void free_entry(struct release_xsa *rx)
{
	free(rx->cves);
	free(rx->title);
	free(rx->state);
	free(rx->osv);
	strvec_clear(&rx->commits);
}

int release_history_xsas(const struct release_opts *o, struct release_plan *p,
			 const int *applied, size_t nr_applied)
{
	struct upstream_tags tags;
	struct xh_opts ho;
	struct xsa_history h;
	struct xh_fixed_set now, at_base;
	struct release_xsa *list = NULL;
	char last_oid[GIT_MAX_HEXSZ + 1];
	uint32_t base = XH_NONE, last = XH_NONE;
	uint64_t *last_reach = NULL;
	size_t i, k, nr = 0, alloc = 0;
	int rc, loaded = 0, li;

	memset(&now, 0, sizeof(now));
	memset(&at_base, 0, sizeof(at_base));
	upstream_tags_init(&tags);
	rc = upstream_tags_list(&tags, o->src, o->branches);
	/* The release's own tag, when an interrupted run made it already, is
	 * left out: the list is what the branch had before it. */
	for (i = 0; !rc && i < tags.nr; i++)
		if (!strcmp(tags.v[i].name, p->tag)) {
			free(tags.v[i].name);
			memmove(&tags.v[i], &tags.v[i + 1], (tags.nr - i - 1) * sizeof(tags.v[0]));
			tags.nr--;
			break;
		}
	if (!rc)
		rc = upstream_tags_verify(&tags, o->src, o->gpg, o->maint, NULL, 1);
	if (rc)
		goto out;
	memset(&ho, 0, sizeof(ho));
	ho.src = o->src;
	ho.branches = o->branches;
	ho.store = o->store;
	ho.tags = &tags;
	rc = xsa_history_load(&h, &ho);
	if (rc)
		goto out;
	loaded = 1;
	rc = history_commit(&h, p->base, &base);
	if (!rc && p->last_tag && !git_resolve_commit(o->src, p->last_tag, last_oid))
		rc = history_commit(&h, last_oid, &last);
	if (!rc) {
		/* extending may have renumbered: look both up again */
		base = xh_find(&h, p->base);
		last = p->last_tag ? xh_find(&h, last_oid) : XH_NONE;
	}
	if (rc)
		goto out;
	if (last != XH_NONE)
		last_reach = xh_reach(&h, last);
	xsa_history_fixed_since(&h, base, last, &now);
	xsa_history_fixed_at(&h, base, &at_base);
	for (i = 0; i < now.nr; i++) {
		const struct xh_fixed_row *r = &now.v[i];
		const char *state = xh_state_name(r->e.state);

		if (!xh_xsa_is_xen(&h, r->xsa))
			continue;
		/* a stored advisory's status decides by content */
		if (has_int(applied, nr_applied, r->xsa))
			state = "fixed";
		ALLOC_GROW(list, nr + 1, alloc);
		fill_entry(o, &h, r->xsa, state, &r->e, last_reach, &list[nr++]);
	}
	/* applied (by the XSA status) and named by a commit since the last
	 * release, but not new in the history: kept, as fixed */
	for (i = 0; i < p->nr_xsas; i++) {
		const struct xh_fixed_row *r = xh_fixed_find(&at_base, p->xsas[i].number);
		struct release_xsa rx;

		for (k = 0; k < nr && list[k].number != p->xsas[i].number; k++)
			;
		if (k < nr)
			continue;
		fill_entry(o, &h, p->xsas[i].number, "fixed", r ? &r->e : NULL, last_reach, &rx);
		ALLOC_GROW(list, nr + 1, alloc);
		for (k = nr; k > 0 && list[k - 1].number > rx.number; k--)
			list[k] = list[k - 1];
		list[k] = rx;
		nr++;
	}
	/*
	 * The OSV records, with the release's tag on its line (at the commit
	 * the release is cut from: the release commit only sets the version):
	 * verified, since the pinned release key signs it with the artifacts,
	 * but no evidence for the claims it holds (h.evidence is not touched).
	 */
	li = history_line(&h, o->branch);
	if (li > 0)
		xsa_history_push_tag(&h, (size_t)li, p->tag, p->point, base);
	/* What the XSA status found applied by content is fixed in the record
	 * too, as in release.json. */
	for (i = 0; i < nr_applied; i++) {
		const struct xh_fixed_row *r = xh_fixed_find(&now, applied[i]);

		if (!r)
			r = xh_fixed_find(&at_base, applied[i]);
		for (k = 0; r && k < r->e.nr_commits; k++)
			xsa_history_mark_evidence(&h, r->e.commits[k]);
	}
	for (i = 0; i < nr; i++) {
		struct strbuf osv = STRBUF_INIT;

		xsa_vulns_osv(&h, list[i].number, &osv);
		list[i].osv = strbuf_detach(&osv, NULL);
	}
	if (li > 0)
		xsa_history_pop_tag(&h, (size_t)li);
	for (i = 0; i < p->nr_xsas; i++)
		free_entry(&p->xsas[i]);
	free(p->xsas);
	p->xsas = list;
	p->nr_xsas = nr;
	list = NULL;
	nr = 0;
out:
	for (i = 0; i < nr; i++)
		free_entry(&list[i]);
	free(list);
	free(last_reach);
	xh_fixed_set_release(&now);
	xh_fixed_set_release(&at_base);
	if (loaded) {
		xsa_history_keep(&h);
		xsa_history_release(&h);
	}
	upstream_tags_release(&tags);
	return rc;
}
