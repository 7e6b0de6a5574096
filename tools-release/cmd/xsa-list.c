/*
 * xenstable xsa list: the advisories in the store, newest last; with
 * --all also those only xenbits' index (xsa/xenbits.json) knows.
 */
#include "xsa.h"
#include "../domain/xsa-store.h"
#include "../lib/date.h"
#include "../lib/escape.h"
#include "../lib/json.h"
#include "../lib/parse-options.h"
#include "../lib/usage.h"

static const char *const list_usage[] = {
	"xenstable xsa list [--all] [--date D] [--json]",
	NULL
};

static const char *state_of(const struct xsa_store *s, const struct xsa_record *r, int64_t t)
{
	if (xsa_embargoed_at(s, r, t))
		return "embargoed";
	return xsa_public_time(s, r) || xsa_latest(r)->public_release ? "public" : "unknown";
}

static void fmt_time(int64_t t, char out[32])
{
	if (t)
		date_format_short(t, out);
	else
		snprintf(out, 32, "-");
}

static void list_json(const struct xsa_store *s, int all, int64_t t)
{
	struct json_writer w;
	struct strbuf out = STRBUF_INIT;
	size_t i, k;

	jw_init(&w, 1);
	jw_obj_begin(&w);
	{
		char d[32];

		date_format_iso(t, d);
		jw_kv_str(&w, "date", d);
	}
	jw_key(&w, "xsas");
	jw_arr_begin(&w);
	for (i = 0; i < s->nr; i++) {
		const struct xsa_record *r = &s->x[i];
		const struct xsa_version *v = xsa_latest(r);
		int64_t pub = xsa_public_time(s, r);

		jw_obj_begin(&w);
		jw_kv_int(&w, "xsa", r->number);
		jw_kv_bool(&w, "held", 1);
		jw_kv_int(&w, "version", v->version);
		jw_key(&w, "versions");
		jw_arr_begin(&w);
		for (k = 0; k < r->nr; k++)
			jw_int(&w, r->v[k].version);
		jw_arr_end(&w);
		jw_kv_str(&w, "title", v->title);
		jw_kv_strvec(&w, "cves", &v->cves);
		jw_kv_time(&w, "public_time", pub);
		jw_kv_str(&w, "state", state_of(s, r, t));
		jw_kv_bool(&w, "signed", !v->unsigned_input);
		jw_obj_end(&w);
	}
	for (i = 0; all && i < s->nr_idx; i++) {
		const struct xsa_index_entry *e = &s->idx[i];

		if (xsa_store_find(s, e->number))
			continue;
		jw_obj_begin(&w);
		jw_kv_int(&w, "xsa", e->number);
		jw_kv_bool(&w, "held", 0);
		jw_kv_int(&w, "version", e->version);
		jw_kv_str(&w, "title", e->title);
		jw_kv_strvec(&w, "cves", &e->cves);
		jw_kv_time(&w, "public_time", e->public_time);
		jw_kv_str(&w, "state", e->public_time && t < e->public_time ? "embargoed" :
			  e->public_time ? "public" : "unknown");
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_finish(&w, &out);
	fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	jw_release(&w);
}

static void list_text(const struct xsa_store *s, int all, int64_t t)
{
	size_t i, shown = 0;

	printf("%-5s %-4s %-16s %-9s %s\n", "XSA", "ver", "public (UTC)", "state", "title");
	for (i = 0; i < s->nr; i++) {
		const struct xsa_record *r = &s->x[i];
		const struct xsa_version *v = xsa_latest(r);
		char d[32], ver[16];

		fmt_time(xsa_public_time(s, r), d);
		snprintf(ver, sizeof(ver), "v%d", v->version);
		printf("%-5d %-4s %-16s %-9s %s%s\n", r->number, ver, d, state_of(s, r, t),
		       text_safe(v->title), v->unsigned_input ? " [UNSIGNED]" : "");
		shown++;
	}
	for (i = 0; all && i < s->nr_idx; i++) {
		const struct xsa_index_entry *e = &s->idx[i];
		char d[32];

		if (xsa_store_find(s, e->number))
			continue;
		fmt_time(e->public_time, d);
		printf("%-5d %-4s %-16s %-9s %s [not held]\n", e->number, "-", d,
		       e->public_time && t < e->public_time ? "embargoed" :
		       e->public_time ? "public" : "unknown", text_safe(e->title));
		shown++;
	}
	if (!shown)
		say("the store holds no advisories yet (xenstable xsa import PATH)");
}

int cmd_xsa_list(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *date = NULL;
	int all = 0, json = 0;
	struct option opts[] = {
		OPT_BOOL_("all", 0, &all, "also list advisories only xenbits' index knows"),
		OPT_STRING_("date", 0, &date, "D", "embargo state on this day or time (default: now)"),
		OPT_BOOL_("json", 0, &json, "machine-readable output"),
		OPT_END_(),
	};
	struct xsa_store s;
	int64_t t;
	int rc;

	argc = parse_options(argc, argv, opts, list_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc)
		return error_usage("unexpected argument '%s'", argv[0]);
	t = date_now();
	if (date && (rc = xsa_date_option(date, &t)))
		return rc;
	rc = xsa_store_load(&s, ctx->repo);
	if (rc)
		return rc;
	if (json || xs_json)
		list_json(&s, all, t);
	else
		list_text(&s, all, t);
	xsa_store_release(&s);
	return 0;
}
