/*
 * xenstable bundle list [--branch B] [--date D]: the bundles kept in
 * backports/<branch>/, from backports/seen.json (nothing is decrypted):
 * id, revision, XSAs, embargo, and which revisions a newer one has
 * superseded.  Files there that were never verified are listed too.
 */
#include "bundle.h"
#include "../domain/branch.h"
#include "../lib/date.h"
#include "../lib/fs.h"
#include "../lib/json.h"
#include "../lib/parse-options.h"
#include "../lib/quote.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"

static const char *const list_usage[] = {
	"xenstable bundle list [--branch B] [--date D] [--json]",
	NULL
};

static int is_bundle_name(const char *name)
{
	return ends_with(name, ".tar.gz") || ends_with(name, ".tar.gz.gpg");
}

static const char *record_state(const struct bundle_store *s, const struct bundle_record *r,
				const char *root, int64_t date, struct strbuf *why)
{
	const struct bundle_record *hi = bundle_store_highest(s, r->id);
	char *path;
	int present;

	if (hi != r) {
		strbuf_addf(why, "superseded by r%ld", hi->revision);
		return "superseded";
	}
	if (!r->file)
		return "not-kept";
	path = path_join(root, r->file);
	present = is_regular_file(path);
	free(path);
	if (!present)
		return "missing";
	if (r->embargo_until && r->embargo_until > date)
		return "embargoed";
	return "current";
}

#define NCOLS 6

/* One row of the table: NCOLS cells. */
static void add_row(struct strvec *rows, const char *file, const char *id, const char *rev,
		    const char *xsas, const char *embargo, const char *state)
{
	strvec_pushl(rows, file, id, rev, xsas, embargo, state, NULL);
}

/* The table, each column as wide as its widest cell (long names too). */
static void print_rows(const struct strvec *rows)
{
	size_t w[NCOLS] = { 0 }, i, c;

	for (i = 0; i < rows->nr; i++) {
		size_t n = strlen(rows->v[i]);

		if (n > w[i % NCOLS])
			w[i % NCOLS] = n;
	}
	for (i = 0; i + NCOLS <= rows->nr; i += NCOLS) {
		for (c = 0; c < NCOLS - 1; c++)
			printf("%-*s ", (int)w[c], rows->v[i + c]);
		printf("%s\n", rows->v[i + NCOLS - 1]);
	}
}

int cmd_bundle_list(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *branch = NULL, *date_arg = NULL;
	int json = xs_json;
	struct option opts[] = {
		OPT_STRING_("branch", 0, &branch, "B", "only bundles for this branch"),
		OPT_STRING_("date", 0, &date_arg, "D", "judge embargoes on this day or time (default: now)"),
		OPT_BOOL_("json", 0, &json, "machine-readable output"),
		OPT_END_(),
	};
	struct bundle_store s;
	struct branch_set bs;
	struct strvec files = STRVEC_INIT;
	struct json_writer w;
	struct strbuf out = STRBUF_INIT;
	const struct branch *b = NULL;
	struct strvec rows = STRVEC_INIT;
	char *bdir, *used;
	int64_t date;
	size_t i, k, shown = 0;
	int rc;

	argc = parse_options(argc, argv, opts, list_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc) {
		usage_with_options(stderr, list_usage, opts);
		return -XS_USAGE;
	}
	date = date_now();
	if (date_arg && (rc = date_option(date_arg, &date)))
		return rc;
	rc = branches_load(&bs, ctx->repo);
	if (rc)
		return rc;
	if (branch && !(b = branch_find(&bs, branch))) {
		rc = branch_error_unknown(&bs, branch, XS_INPUT);
		branches_release(&bs);
		return rc;
	}
	rc = bundle_store_load(&s, ctx->repo);
	if (rc) {
		branches_release(&bs);
		return rc;
	}
	/* Every bundle file present, to find those never verified here. */
	bdir = ctx_path(ctx, "backports");
	for (k = 0; k < bs.nr; k++) {
		char *d = path_join(bdir, bs.v[k].name);
		struct strvec names = STRVEC_INIT;

		if ((!b || b == &bs.v[k]) && is_dir(d) && !list_dir(d, &names))
			for (i = 0; i < names.nr; i++)
				if (is_bundle_name(names.v[i]))
					strvec_pushf(&files, "backports/%s/%s", bs.v[k].name,
						     names.v[i]);
		strvec_clear(&names);
		free(d);
	}
	free(bdir);
	used = xcalloc(files.nr + 1, sizeof(*used));

	jw_init(&w, 1);
	if (json) {
		jw_obj_begin(&w);
		jw_key(&w, "bundles");
		jw_arr_begin(&w);
	} else {
		add_row(&rows, "file", "id", "rev", "XSAs", "embargo (UTC)", "state");
	}
	for (i = 0; i < s.nr; i++) {
		const struct bundle_record *r = &s.v[i];
		struct strbuf why = STRBUF_INIT, x = STRBUF_INIT;
		const char *state;
		char d[32];

		if (b && strcmp(r->branch, b->name))
			continue;
		state = record_state(&s, r, ctx->repo, date, &why);
		for (k = 0; k < r->nr_xsas; k++)
			strbuf_addf(&x, "%s%d", k ? "," : "", r->xsas[k]);
		if (r->embargo_until)
			date_format_short(r->embargo_until, d);
		else
			snprintf(d, sizeof(d), "-");
		if (json) {
			jw_obj_begin(&w);
			jw_kv_str(&w, "file", r->file);
			jw_kv_str(&w, "id", r->id);
			jw_kv_int(&w, "revision", r->revision);
			jw_kv_str(&w, "branch", r->branch);
			jw_kv_ints(&w, "xsas", r->xsas, r->nr_xsas);
			jw_kv_str(&w, "embargo_until", r->embargo_until ? d : NULL);
			jw_kv_str(&w, "producer", r->producer);
			jw_kv_bool(&w, "encrypted", r->encrypted);
			jw_kv_str(&w, "state", state);
			jw_obj_end(&w);
		} else {
			char rev[32], id[9], *st = xstrfmt("%s%s%s", state, why.len ? ": " : "",
							   why.buf);

			snprintf(rev, sizeof(rev), "r%ld", r->revision);
			snprintf(id, sizeof(id), "%.8s", r->id);
			add_row(&rows, r->file ? r->file : "(not kept)", id, rev, x.buf, d, st);
			free(st);
		}
		shown++;
		for (k = 0; r->file && k < files.nr; k++)
			if (!strcmp(files.v[k], r->file))
				used[k] = 1;
		strbuf_release(&why);
		strbuf_release(&x);
	}
	for (k = 0; k < files.nr; k++) {
		if (used[k])
			continue;
		if (json) {
			jw_obj_begin(&w);
			jw_kv_str(&w, "file", files.v[k]);
			jw_kv_str(&w, "state", "unverified");
			jw_obj_end(&w);
		} else {
			char *abs = ctx_path(ctx, files.v[k]);
			char *check = self_cmd_str("bundle", "verify", abs, NULL);
			char *st = xstrfmt("unverified; check it: %s", check);

			add_row(&rows, files.v[k], "-", "-", "-", "-", st);
			free(st);
			free(check);
			free(abs);
		}
		shown++;
	}
	if (!json)
		print_rows(&rows);
	if (json) {
		jw_arr_end(&w);
		jw_obj_end(&w);
		jw_finish(&w, &out);
		fwrite(out.buf, 1, out.len, stdout);
	} else if (!shown) {
		printf("no bundles%s%s\n", b ? " for " : "", b ? b->name : "");
	}
	jw_release(&w);
	strbuf_release(&out);
	free(used);
	strvec_clear(&files);
	strvec_clear(&rows);
	bundle_store_release(&s);
	branches_release(&bs);
	return 0;
}
