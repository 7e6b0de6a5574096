/*
 * xsa-vulns.c: OSV, CVE JSON 5 and dyad records of an XSA (see
 * xsa-vulns.h).  Keys are written in sorted order by hand.
 */
#include "compat.h"
#include "xsa-vulns.h"
#include "branch.h"
#include "date.h"
#include "json.h"
#include "xalloc.h"
#include "xsa-history.h"

struct view {
	size_t li;
	struct xh_branch_xsa bx;
	uint32_t fixed_commit;	/* completes a released (evidenced) fix, else XH_NONE */
	int entry;		/* worth a record entry */
	int advisory_affected;	/* no commit, but the advisory maps a patch to it */
};

static void views_release(struct view *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		xh_branch_xsa_release(&v[i].bx);
	free(v);
}

/* The line's fixing commit nearest its tip (on the first-parent chain). */
static uint32_t last_fix(const struct xsa_history *h, size_t li, const struct xh_eval *e)
{
	const struct xh_line *l = &h->lines[li];
	uint32_t best = XH_NONE, bd = UINT32_MAX;
	size_t k;

	for (k = 0; k < e->nr_commits; k++) {
		uint32_t c = e->commits[k], d = l->fp_dist ? l->fp_dist[c] : UINT32_MAX;

		if (d < bd) {
			bd = d;
			best = c;
		}
	}
	if (best == XH_NONE && e->nr_commits)
		best = e->commits[e->nr_commits - 1];	/* the newest (by date) */
	return best;
}

static struct view *collect(const struct xsa_history *h, int x, size_t *nr)
{
	struct view *v = xcalloc(h->nr_lines + 1, sizeof(*v));
	const struct xh_advice *a = xh_advice_of(h, x);
	size_t li, n = 0;

	/* branches first (by version), master last */
	for (li = 1; li <= h->nr_lines; li++) {
		size_t l = li % h->nr_lines;
		struct view *w = &v[n];

		if (h->lines[l].tip == XH_NONE)
			continue;
		w->li = l;
		w->fixed_commit = XH_NONE;
		xh_branch_evaluate(h, x, l, &w->bx);
		if (w->bx.at_tip.state == XH_FIXED && !w->bx.inherited &&
		    (l == 0 || w->bx.fixed_in >= 0))
			w->fixed_commit = last_fix(h, l, &w->bx.at_tip);
		if (w->bx.at_tip.state == XH_NONE_HERE && a && a->xen && l &&
		    xh_mapped(a, l) > 0 && !w->bx.not_affected)
			w->advisory_affected = 1;
		w->entry = !w->bx.inherited && !w->bx.not_affected &&
			   (w->bx.at_tip.state != XH_NONE_HERE || w->advisory_affected);
		n++;
	}
	*nr = n;
	return v;
}

int xsa_vulns_known(const struct xsa_history *h, int x)
{
	const struct xh_advice *a = xh_advice_of(h, x);
	size_t li;

	if (!xh_xsa_is_xen(h, x))
		return 0;
	if (a && a->xen)
		return 1;
	for (li = 0; li < h->nr_lines; li++)
		if (xh_line_touches(h, x, li))
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void xsa_vulns_cves(const struct xsa_history *h, int x, struct strvec *out)
{
	const struct xh_advice *a = xh_advice_of(h, x);
	size_t li, k, j;

	for (k = 0; a && k < a->cves.nr; k++)
		if (!strvec_contains(out, a->cves.v[k]))
			strvec_push(out, a->cves.v[k]);
	for (li = 0; li < h->nr_lines; li++) {
		struct xh_eval e;

		if (h->lines[li].tip == XH_NONE)
			continue;
		xh_eval_init(&e);
		xh_evaluate(h, x, h->lines[li].reach, -1, &e);
		for (k = 0; k < e.nr_commits; k++) {
			const struct xh_fact *f = xh_fact_of(h, e.commits[k]);
			int own = 0;

			/* only CVEs named by a statement of this XSA */
			for (j = 0; f && j < f->nr_claims; j++)
				own |= f->claims[j] == x;
			if (!own || f->nr_claims != 1)
				continue;
			for (j = 0; j < f->nr_cves; j++)
				if (!strvec_contains(out, f->cves[j]))
					strvec_push(out, f->cves[j]);
		}
		xh_eval_release(&e);
	}
	if (out->nr > 1)
		qsort(out->v, out->nr, sizeof(*out->v), cmp_str);
}

void xsa_vulns_fix_commits(const struct xsa_history *h, int x, uint32_t **out, size_t *nr)
{
	size_t li, k, j;

	*out = NULL;
	*nr = 0;
	for (li = 0; li < h->nr_lines; li++) {
		struct xh_eval e;

		if (h->lines[li].tip == XH_NONE)
			continue;
		xh_eval_init(&e);
		xh_evaluate(h, x, h->lines[li].reach, -1, &e);
		for (k = 0; k < e.nr_commits; k++) {
			for (j = 0; j < *nr && (*out)[j] != e.commits[k]; j++)
				;
			if (j == *nr) {
				*out = xrealloc(*out, (*nr + 1) * sizeof(uint32_t));
				(*out)[(*nr)++] = e.commits[k];
			}
		}
		xh_eval_release(&e);
	}
}

/* Times of the history itself: the newest and oldest fixing commit. */
static void history_times(const struct xsa_history *h, const struct view *v, size_t n,
			  int64_t *oldest, int64_t *newest)
{
	size_t i, k;

	*oldest = *newest = 0;
	for (i = 0; i < n; i++)
		for (k = 0; k < v[i].bx.at_tip.nr_commits; k++) {
			const struct xh_fact *f = xh_fact_of(h, v[i].bx.at_tip.commits[k]);

			if (!f || !f->time)
				continue;
			if (!*oldest || f->time < *oldest)
				*oldest = f->time;
			if (f->time > *newest)
				*newest = f->time;
		}
}

static const char *summary_of(const struct xsa_history *h, int x, const struct view *v, size_t n)
{
	const struct xh_advice *a = xh_advice_of(h, x);
	size_t i;

	if (a && a->title && *a->title)
		return a->title;
	/* the subject of a master fix, else of any fix */
	for (i = 0; i < n; i++)
		if (v[i].li == 0 && v[i].bx.at_tip.nr_commits) {
			const struct xh_fact *f = xh_fact_of(h, v[i].bx.at_tip.commits[0]);

			if (f && f->subject && *f->subject)
				return f->subject;
		}
	for (i = 0; i < n; i++)
		if (v[i].bx.at_tip.nr_commits) {
			const struct xh_fact *f = xh_fact_of(h, v[i].bx.at_tip.commits[0]);

			if (f && f->subject && *f->subject)
				return f->subject;
		}
	return NULL;
}

static void version_of(const struct xsa_history *h, size_t li, int tag, char out[32])
{
	const struct xh_line *l = &h->lines[li];

	snprintf(out, 32, "%d.%d.%d", l->b->major, l->b->minor, l->tags[tag].point);
}

static void commit_url(const char *hex, struct strbuf *out)
{
	strbuf_addf(out, "https://xenbits.xen.org/gitweb/?p=xen.git;a=commit;h=%s", hex);
}

/* Every fixing commit of every line, sorted by id (for references). */
static void all_fix_ids(const struct xsa_history *h, const struct view *v, size_t n,
			struct strvec *out)
{
	char hex[GIT_MAX_HEXSZ + 1];
	size_t i, k;

	for (i = 0; i < n; i++)
		for (k = 0; k < v[i].bx.at_tip.nr_commits; k++) {
			xh_oid_hex(h, v[i].bx.at_tip.commits[k], hex);
			if (!strvec_contains(out, hex))
				strvec_push(out, hex);
		}
	if (out->nr > 1)
		qsort(out->v, out->nr, sizeof(*out->v), cmp_str);
}

static void ids_array(struct json_writer *w, const char *key, const struct xsa_history *h,
		      const uint32_t *c, size_t n)
{
	char hex[GIT_MAX_HEXSZ + 1];
	size_t k;

	jw_key(w, key);
	jw_arr_begin(w);
	for (k = 0; k < n; k++) {
		xh_oid_hex(h, c[k], hex);
		jw_str(w, hex);
	}
	jw_arr_end(w);
}

/* --- OSV ------------------------------------------------------------------ */

static void osv_entry(struct json_writer *w, const struct xsa_history *h, const struct view *v)
{
	const struct xh_line *l = &h->lines[v->li];
	const struct xh_branch_xsa *bx = &v->bx;
	char hex[GIT_MAX_HEXSZ + 1];
	size_t k;

	jw_obj_begin(w);
	jw_key(w, "database_specific");
	jw_obj_begin(w);
	jw_kv_str(w, "branch", l->name);
	ids_array(w, "commits", h, bx->at_tip.commits, bx->at_tip.nr_commits);
	jw_kv_bool(w, "complete", bx->at_tip.state == XH_FIXED || bx->at_tip.state == XH_CLAIMED);
	jw_kv_str(w, "fixed_in", v->li && bx->fixed_in >= 0 ? l->tags[bx->fixed_in].name : NULL);
	ids_array(w, "missing", h, bx->at_tip.missing, bx->at_tip.nr_missing);
	jw_kv_bool(w, "partial", bx->at_tip.state == XH_PARTIAL);
	jw_kv_str(w, "ref", l->ref);
	ids_array(w, "reverted", h, bx->at_tip.reverted, bx->at_tip.nr_reverted);
	jw_kv_str(w, "state", v->advisory_affected ? "unfixed" : xh_state_name(bx->at_tip.state));
	jw_obj_end(w);
	jw_key(w, "ranges");
	jw_arr_begin(w);
	jw_obj_begin(w);
	jw_key(w, "events");
	jw_arr_begin(w);
	jw_obj_begin(w);
	if (v->li && l->fork != XH_NONE) {
		xh_oid_hex(h, l->fork, hex);
		jw_kv_str(w, "introduced", hex);
	} else {
		jw_kv_str(w, "introduced", "0");
	}
	jw_obj_end(w);
	if (v->fixed_commit != XH_NONE) {
		jw_obj_begin(w);
		xh_oid_hex(h, v->fixed_commit, hex);
		jw_kv_str(w, "fixed", hex);
		jw_obj_end(w);
	}
	jw_obj_begin(w);
	xh_oid_hex(h, l->tip, hex);
	jw_kv_str(w, "limit", hex);
	jw_obj_end(w);
	jw_arr_end(w);
	jw_kv_str(w, "repo", XEN_GIT_URL);
	jw_kv_str(w, "type", "GIT");
	jw_obj_end(w);
	jw_arr_end(w);
	jw_key(w, "versions");
	jw_arr_begin(w);
	for (k = 0; v->li && k < bx->nr_affected; k++)
		jw_str(w, l->tags[bx->affected[k]].name);
	jw_arr_end(w);
	jw_obj_end(w);
}

void xsa_vulns_osv(const struct xsa_history *h, int x, struct strbuf *out)
{
	const struct xh_advice *a = xh_advice_of(h, x);
	struct json_writer w;
	struct strvec cves = STRVEC_INIT, ids = STRVEC_INIT, before = STRVEC_INIT;
	struct strbuf details = STRBUF_INIT, url = STRBUF_INIT;
	struct view *v;
	size_t n, i;
	int64_t oldest, newest;
	char d[32];
	const char *summary;

	v = collect(h, x, &n);
	xsa_vulns_cves(h, x, &cves);
	all_fix_ids(h, v, n, &ids);
	history_times(h, v, n, &oldest, &newest);
	summary = summary_of(h, x, v, n);
	for (i = 0; i < n; i++)
		if (v[i].bx.inherited && v[i].li)
			strvec_push(&before, h->lines[v[i].li].name);
	strbuf_addf(&details, "XSA-%d", x);
	if (summary)
		strbuf_addf(&details, ": %s", summary);
	strbuf_addstr(&details, ".  From the history of xen.git:");
	for (i = 0; i < n; i++) {
		const struct view *y = &v[i];
		const struct xh_line *l = &h->lines[y->li];

		if (!y->entry && !y->bx.inherited)
			continue;
		strbuf_addf(&details, " %s: ", l->name);
		if (y->bx.inherited)
			strbuf_addstr(&details, "fixed before the branch was made;");
		else if (y->advisory_affected)
			strbuf_addstr(&details, "affected, no fix yet;");
		else if (y->bx.at_tip.state == XH_FIXED && y->bx.fixed_in >= 0)
			strbuf_addf(&details, "fixed in %s;", l->tags[y->bx.fixed_in].name);
		else if (y->bx.at_tip.state == XH_FIXED)
			strbuf_addstr(&details, "fixed;");
		else if (y->bx.at_tip.state == XH_CLAIMED)
			strbuf_addstr(&details, "fix claimed, not yet in a verified release;");
		else if (y->bx.at_tip.state == XH_PARTIAL)
			strbuf_addf(&details, "partly fixed (%s);", y->bx.at_tip.why.buf);
		else
			strbuf_addstr(&details, "the fix was reverted;");
	}
	strbuf_rtrim(&details);
	if (details.len && details.buf[details.len - 1] == ';')
		strbuf_setlen(&details, details.len - 1);
	strbuf_addch(&details, '.');

	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_key(&w, "affected");
	jw_arr_begin(&w);
	for (i = 0; i < n; i++)
		if (v[i].entry)
			osv_entry(&w, h, &v[i]);
	jw_arr_end(&w);
	jw_kv_strvec(&w, "aliases", &cves);
	jw_key(&w, "database_specific");
	jw_obj_begin(&w);
	jw_kv_bool(&w, "advisory_stored", a != NULL);
	jw_kv_strvec(&w, "fixed_before_branch", &before);
	jw_kv_str(&w, "source", "xenstable xsa history");
	jw_obj_end(&w);
	jw_kv_str(&w, "details", details.buf);
	strbuf_reset(&url);
	strbuf_addf(&url, "XSA-%d", x);
	jw_kv_str(&w, "id", url.buf);
	date_format_iso(newest ? newest : (a ? a->public_time : 0), d);
	jw_kv_str(&w, "modified", d);
	if (a && a->public_time) {
		date_format_iso(a->public_time, d);
		jw_kv_str(&w, "published", d);
	} else if (oldest) {
		date_format_iso(oldest, d);
		jw_kv_str(&w, "published", d);
	}
	jw_key(&w, "references");
	jw_arr_begin(&w);
	jw_obj_begin(&w);
	jw_kv_str(&w, "type", "ADVISORY");
	strbuf_reset(&url);
	strbuf_addf(&url, "https://xenbits.xen.org/xsa/advisory-%d.html", x);
	jw_kv_str(&w, "url", url.buf);
	jw_obj_end(&w);
	for (i = 0; i < ids.nr; i++) {
		jw_obj_begin(&w);
		jw_kv_str(&w, "type", "FIX");
		strbuf_reset(&url);
		commit_url(ids.v[i], &url);
		jw_kv_str(&w, "url", url.buf);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_kv_str(&w, "schema_version", "1.6.0");
	if (summary) {
		strbuf_reset(&url);
		strbuf_addstr(&url, summary);
		jw_kv_str(&w, "summary", url.buf);
	}
	jw_obj_end(&w);
	jw_finish(&w, out);
	jw_release(&w);
	views_release(v, n);
	strvec_clear(&cves);
	strvec_clear(&ids);
	strvec_clear(&before);
	strbuf_release(&details);
	strbuf_release(&url);
}

/* --- CVE JSON 5 --------------------------------------------------------------- */

static void range(struct json_writer *w, const char *from, const char *to, int inclusive,
		  const char *status)
{
	jw_obj_begin(w);
	if (to)
		jw_kv_str(w, inclusive ? "lessThanOrEqual" : "lessThan", to);
	jw_kv_str(w, "status", status);
	jw_kv_str(w, "version", from);
	jw_kv_str(w, "versionType", "semver");
	jw_obj_end(w);
}

static void cve_versions(struct json_writer *w, const struct xsa_history *h, const struct view *v,
			 size_t n)
{
	size_t i;

	jw_key(w, "versions");
	jw_arr_begin(w);
	for (i = 0; i < n; i++) {
		const struct view *y = &v[i];
		const struct xh_line *l = &h->lines[y->li];
		char first[32], fixed[32], last[32], all[32];

		if (!y->li || !l->nr_tags || (!y->entry && !y->bx.inherited && !y->bx.not_affected))
			continue;
		version_of(h, y->li, 0, first);
		version_of(h, y->li, (int)l->nr_tags - 1, last);
		snprintf(all, sizeof(all), "%d.%d.*", l->b->major, l->b->minor);
		if (y->bx.inherited || y->bx.not_affected) {
			range(w, first, all, 0, "unaffected");
		} else if (y->fixed_commit != XH_NONE && y->bx.fixed_in >= 0) {
			version_of(h, y->li, y->bx.fixed_in, fixed);
			if (y->bx.nr_affected) {
				version_of(h, y->li, y->bx.affected[0], first);
				range(w, first, fixed, 0, "affected");
			}
			range(w, fixed, all, 0, "unaffected");
		} else if (y->bx.nr_affected) {
			/* not (verifiably) fixed yet: the releases so far are affected */
			version_of(h, y->li, y->bx.affected[0], first);
			range(w, first, last, 1, "affected");
		}
	}
	jw_arr_end(w);
}

void xsa_vulns_cve5(const struct xsa_history *h, int x, const char *cve, const char *org_id,
		    struct strbuf *out)
{
	struct json_writer w;
	struct strvec ids = STRVEC_INIT, files = STRVEC_INIT;
	struct strbuf s = STRBUF_INIT;
	struct view *v;
	size_t n, i, k;
	const char *summary;

	v = collect(h, x, &n);
	all_fix_ids(h, v, n, &ids);
	summary = summary_of(h, x, v, n);
	for (i = 0; i < n; i++)
		for (k = 0; k < v[i].bx.at_tip.nr_commits; k++) {
			const struct xh_fact *f = xh_fact_of(h, v[i].bx.at_tip.commits[k]);
			size_t j;

			for (j = 0; f && j < f->nr_files; j++)
				if (!strvec_contains(&files, f->files[j]))
					strvec_push(&files, f->files[j]);
		}
	if (files.nr > 1)
		qsort(files.v, files.nr, sizeof(*files.v), cmp_str);

	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_key(&w, "containers");
	jw_obj_begin(&w);
	jw_key(&w, "cna");
	jw_obj_begin(&w);
	jw_key(&w, "affected");
	jw_arr_begin(&w);
	jw_obj_begin(&w);
	jw_kv_str(&w, "defaultStatus", "unknown");
	jw_kv_str(&w, "product", "Xen");
	if (files.nr)
		jw_kv_strvec(&w, "programFiles", &files);
	jw_key(&w, "repo");
	jw_str(&w, XEN_GIT_URL);
	jw_kv_str(&w, "vendor", "Xen");
	cve_versions(&w, h, v, n);
	jw_obj_end(&w);
	jw_arr_end(&w);
	jw_key(&w, "descriptions");
	jw_arr_begin(&w);
	jw_obj_begin(&w);
	jw_kv_str(&w, "lang", "en");
	strbuf_addf(&s, "XSA-%d", x);
	if (summary)
		strbuf_addf(&s, ": %s", summary);
	jw_kv_str(&w, "value", s.buf);
	jw_obj_end(&w);
	jw_arr_end(&w);
	jw_key(&w, "providerMetadata");
	jw_obj_begin(&w);
	jw_kv_str(&w, "orgId", org_id);
	jw_kv_str(&w, "shortName", "xen");
	jw_obj_end(&w);
	jw_key(&w, "references");
	jw_arr_begin(&w);
	for (i = 0; i < ids.nr; i++) {
		jw_obj_begin(&w);
		jw_key(&w, "tags");
		jw_arr_begin(&w);
		jw_str(&w, "patch");
		jw_arr_end(&w);
		strbuf_reset(&s);
		commit_url(ids.v[i], &s);
		jw_kv_str(&w, "url", s.buf);
		jw_obj_end(&w);
	}
	jw_obj_begin(&w);
	jw_key(&w, "tags");
	jw_arr_begin(&w);
	jw_str(&w, "vendor-advisory");
	jw_arr_end(&w);
	strbuf_reset(&s);
	strbuf_addf(&s, "https://xenbits.xen.org/xsa/advisory-%d.html", x);
	jw_kv_str(&w, "url", s.buf);
	jw_obj_end(&w);
	jw_arr_end(&w);
	if (summary) {
		strbuf_reset(&s);
		strbuf_add(&s, summary, strlen(summary) > 250 ? 250 : strlen(summary));
		jw_kv_str(&w, "title", s.buf);
	}
	jw_obj_end(&w);
	jw_obj_end(&w);
	jw_key(&w, "cveMetadata");
	jw_obj_begin(&w);
	jw_kv_str(&w, "assignerOrgId", org_id);
	jw_kv_str(&w, "assignerShortName", "xen");
	jw_kv_str(&w, "cveId", cve);
	jw_kv_str(&w, "state", "PUBLISHED");
	jw_obj_end(&w);
	jw_kv_str(&w, "dataType", "CVE_RECORD");
	jw_kv_str(&w, "dataVersion", "5.1");
	jw_obj_end(&w);
	jw_finish(&w, out);
	jw_release(&w);
	views_release(v, n);
	strvec_clear(&ids);
	strvec_clear(&files);
	strbuf_release(&s);
}

/* --- dyad ------------------------------------------------------------------- */

void xsa_vulns_dyad(const struct xsa_history *h, int x, struct strbuf *out)
{
	struct view *v;
	size_t n, i;

	v = collect(h, x, &n);
	for (i = 0; i < n; i++) {
		const struct view *y = &v[i];
		char vv[32] = "0", fv[32] = "0", fc[GIT_MAX_HEXSZ + 1] = "0";

		if (!y->li || !y->entry)
			continue;
		if (y->bx.nr_affected)
			version_of(h, y->li, y->bx.affected[0], vv);
		if (y->fixed_commit != XH_NONE) {
			xh_oid_hex(h, y->fixed_commit, fc);
			if (y->bx.fixed_in >= 0)
				version_of(h, y->li, y->bx.fixed_in, fv);
		}
		strbuf_addf(out, "%s:0:%s:%s\n", vv, fv, fc);
	}
	views_release(v, n);
}
