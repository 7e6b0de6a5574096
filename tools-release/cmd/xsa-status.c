/*
 * xenstable xsa status [BRANCH...] [--date D] [--check]: the XSA x branch
 * matrix (domain/xsa-status.h says how each state is decided).  --check
 * exits 1 when a public fix is pending, only claimed, or unmapped somewhere.
 */
#include "xsa.h"
#include "../domain/branch.h"
#include "../domain/xsa-status.h"
#include "../domain/xsa-store.h"
#include "../lib/date.h"
#include "../lib/escape.h"
#include "../lib/json.h"
#include "../lib/parse-options.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"

static const char *const status_usage[] = {
	"xenstable xsa status [BRANCH...] [--date D] [--check] [--json]",
	NULL
};

#define NR_STATES XSA_NR_STATES

static void cell_text(const struct xsa_cell *c, struct strbuf *out)
{
	strbuf_addstr(out, xsa_state_name(c->state));
	if ((c->state == XSA_APPLIED || c->state == XSA_CLAIMED) && c->commit[0])
		strbuf_addf(out, " %.10s", c->commit);
	if (c->marked)
		strbuf_addch(out, '*');
}

static void show_text(const struct xsa_matrix *m, const struct xsa_store *s,
		      const char *source, const size_t *count)
{
	size_t *width = xcalloc(m->nr_br + 1, sizeof(*width));
	struct strbuf cell = STRBUF_INIT;
	char d[32];
	size_t i, k, notes = 0;

	date_format_short(m->date, d);
	printf("XSA status on %s UTC (source %s%s%s)\n\n", d, source,
	       m->master[0] ? ", master " : "", m->master);
	for (k = 0; k < m->nr_br; k++) {
		width[k] = strlen(m->br[k].b->name);
		for (i = 0; i < m->nr_xsa; i++) {
			strbuf_reset(&cell);
			cell_text(xsa_matrix_cell(m, i, k), &cell);
			if (cell.len > width[k])
				width[k] = cell.len;
		}
	}
	printf("%-5s %-16s", "XSA", "public (UTC)");
	for (k = 0; k < m->nr_br; k++)
		printf("  %-*s", (int)width[k], m->br[k].b->name);
	printf("\n");
	for (i = 0; i < m->nr_xsa; i++) {
		int64_t pub = xsa_public_time(s, m->xsa[i]);

		if (pub)
			date_format_short(pub, d);
		else
			snprintf(d, sizeof(d), "-");
		printf("%-5d %-16s", m->xsa[i]->number, d);
		for (k = 0; k < m->nr_br; k++) {
			strbuf_reset(&cell);
			cell_text(xsa_matrix_cell(m, i, k), &cell);
			printf("  %-*s", (int)width[k], cell.buf);
		}
		printf("\n");
	}
	for (i = 0; i < m->nr_xsa; i++) {
		for (k = 0; k < m->nr_br; k++) {
			const struct xsa_cell *c = xsa_matrix_cell(m, i, k);

			if (!c->detail || (c->state == XSA_NOT_AFFECTED && !c->marked &&
					   !c->inherited))
				continue;
			if (!notes++)
				printf("\nNotes (* marks a maintainer's judgement):\n");
			printf("  XSA-%d %s: %s: %s\n", m->xsa[i]->number, m->br[k].b->name,
			       xsa_state_name(c->state), text_safe(c->detail));
		}
	}
	printf("\n");
	for (k = 0, i = 0; k < NR_STATES; k++) {
		if (!count[k])
			continue;
		printf("%s%zu %s", i++ ? ", " : "", count[k], xsa_state_name((enum xsa_state)k));
	}
	printf("%s\n", i ? "" : "no advisories in the store");
	if (m->nr_hist)
		printf("%zu of the %zu rows are from the source history alone (no advisory "
		       "stored; public column \"-\")\n", m->nr_hist, m->nr_xsa);
	strbuf_release(&cell);
	free(width);
}

static void kv_oid(struct json_writer *w, const char *key, const char *oid)
{
	if (oid && *oid)
		jw_kv_str(w, key, oid);
	else
		jw_kv_null(w, key);
}

static void show_json(const struct xsa_matrix *m, const struct xsa_store *s,
		      const char *source, const size_t *count)
{
	struct json_writer w;
	struct strbuf out = STRBUF_INIT;
	char d[32];
	size_t i, k;

	jw_init(&w, 1);
	jw_obj_begin(&w);
	date_format_iso(m->date, d);
	jw_kv_str(&w, "date", d);
	jw_kv_str(&w, "source", source);
	jw_kv_str(&w, "master", m->master[0] ? m->master : NULL);
	jw_key(&w, "branches");
	jw_arr_begin(&w);
	for (k = 0; k < m->nr_br; k++) {
		jw_obj_begin(&w);
		jw_kv_str(&w, "branch", m->br[k].b->name);
		jw_kv_str(&w, "ref", m->br[k].b->ref);
		kv_oid(&w, "tip", m->br[k].tip);
		kv_oid(&w, "fork", m->br[k].fork);
		jw_kv_int(&w, "commits", (long long)m->br[k].own);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "xsas");
	jw_arr_begin(&w);
	for (i = 0; i < m->nr_xsa; i++) {
		const struct xsa_record *r = m->xsa[i];
		int64_t pub = xsa_public_time(s, r);

		jw_obj_begin(&w);
		jw_kv_int(&w, "xsa", r->number);
		if (xsa_matrix_row_from_history(m, i)) {
			jw_kv_null(&w, "version");
			jw_kv_null(&w, "title");
		} else {
			jw_kv_int(&w, "version", xsa_latest(r)->version);
			jw_kv_str(&w, "title", xsa_latest(r)->title);
		}
		/* "history": no advisory stored, the row is the source history's. */
		jw_kv_str(&w, "from", xsa_matrix_row_from_history(m, i) ? "history" : "advisory");
		jw_kv_time(&w, "public_time", pub);
		jw_kv_bool(&w, "embargoed", xsa_embargoed_at(s, r, m->date));
		jw_key(&w, "branches");
		jw_obj_begin(&w);
		for (k = 0; k < m->nr_br; k++) {
			const struct xsa_cell *c = xsa_matrix_cell(m, i, k);

			jw_key(&w, m->br[k].b->name);
			jw_obj_begin(&w);
			jw_kv_str(&w, "state", xsa_state_name(c->state));
			/* What an "applied" rests on (TRUST.md); null otherwise. */
			jw_kv_str(&w, "evidence", c->state != XSA_APPLIED ? NULL :
				  c->marked ? "maintainer" : c->upstream ? "upstream-signature" :
				  c->by_content ? "content" : "patch-id");
			kv_oid(&w, "commit", c->commit);
			jw_kv_str(&w, "detail", c->detail);
			jw_kv_bool(&w, "expected", c->expected);
			jw_kv_bool(&w, "inherited", c->inherited);
			jw_kv_bool(&w, "marked", c->marked);
			if (c->stale)
				jw_kv_int(&w, "stale_version", c->stale_version);
			else
				jw_kv_null(&w, "stale_version");
			jw_kv_int(&w, "found", (long long)c->found);
			jw_kv_int(&w, "total", (long long)c->total);
			jw_kv_strvec(&w, "patches", &c->patches);
			jw_obj_end(&w);
		}
		jw_obj_end(&w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "summary");
	jw_obj_begin(&w);
	for (k = 0; k < NR_STATES; k++)
		jw_kv_int(&w, xsa_state_name((enum xsa_state)k), (long long)count[k]);
	jw_obj_end(&w);
	jw_obj_end(&w);
	jw_finish(&w, &out);
	fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	jw_release(&w);
}

int cmd_xsa_status(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *date = NULL;
	int check = 0, json = 0, no_cache = 0;
	struct option opts[] = {
		OPT_STRING_("date", 0, &date, "D", "embargo and support state on this day or time (default: now)"),
		OPT_BOOL_("check", 0, &check, "exit 1 if a public fix is pending, claimed or unmapped on a branch"),
		OPT_BOOL_("no-cache", 0, &no_cache, "neither read nor write the commit caches"),
		OPT_BOOL_("json", 0, &json, "machine-readable output"),
		OPT_END_(),
	};
	struct strvec only = STRVEC_INIT;
	struct xsa_status_opts o;
	struct xsa_matrix m;
	struct branch_set bs;
	struct xsa_store s;
	struct git_repo src;
	size_t count[NR_STATES] = { 0 };
	size_t i, k;
	char *source = NULL;
	int rc;

	argc = parse_options(argc, argv, opts, status_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	for (i = 0; i < (size_t)argc; i++)
		strvec_push(&only, argv[i]);
	memset(&o, 0, sizeof(o));
	o.date = date_now();
	if (date && (rc = xsa_date_option(date, &o.date))) {
		strvec_clear(&only);
		return rc;
	}
	rc = branches_load(&bs, ctx->repo);
	if (rc) {
		strvec_clear(&only);
		return rc;
	}
	rc = xsa_store_load(&s, ctx->repo);
	if (rc)
		goto out_bs;
	rc = ctx_open_source(ctx, &src);
	if (rc)
		goto out_store;
	source = ctx_source_path(ctx);
	o.store = &s;
	o.branches = &bs;
	o.only = only.nr ? &only : NULL;
	o.src = &src;
	o.no_cache = no_cache;
	o.history = 1;
	rc = xsa_status_compute(&o, &m);
	if (rc)
		goto out_src;
	for (i = 0; i < m.nr_xsa; i++)
		for (k = 0; k < m.nr_br; k++)
			count[xsa_matrix_cell(&m, i, k)->state]++;
	if (json || xs_json)
		show_json(&m, &s, source, count);
	else
		show_text(&m, &s, source, count);
	if (check) {
		size_t bad = 0;

		for (k = 0; k < NR_STATES; k++)
			if (xsa_state_fails_check((enum xsa_state)k))
				bad += count[k];
		if (count[XSA_PENDING])
			rc = error_fail("%zu public XSA fix%s pending on maintained branches",
					count[XSA_PENDING], count[XSA_PENDING] == 1 ? " is" : "es are");
		if (count[XSA_CLAIMED])
			rc = error_fail("%zu XSA fix%s only claimed by a commit message, with no "
					"evidence in the tree (state claimed)", count[XSA_CLAIMED],
					count[XSA_CLAIMED] == 1 ? " is" : "es are");
		if (count[XSA_UNMAPPED])
			rc = error_fail("%zu XSA%s mapped to no maintained branch by %s advisory "
					"(state unmapped): xenstable xsa mark says what holds",
					count[XSA_UNMAPPED], count[XSA_UNMAPPED] == 1 ? " is" : "s are",
					count[XSA_UNMAPPED] == 1 ? "its" : "their");
		(void)bad;
	}
	xsa_matrix_release(&m);
out_src:
	git_close(&src);
	free(source);
out_store:
	xsa_store_release(&s);
out_bs:
	branches_release(&bs);
	strvec_clear(&only);
	return rc;
}
