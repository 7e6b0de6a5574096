/*
 * xenstable xsa show NNN: one advisory as the store holds it: versions,
 * files with their projects and branch ranges, signer, embargo, marks.
 */
#include "xsa.h"
#include "../domain/branch.h"
#include "../domain/xsa-status.h"
#include "../domain/xsa-meta.h"
#include "../domain/xsa-store.h"
#include "../lib/fs.h"
#include "../lib/git.h"
#include "../lib/date.h"
#include "../lib/escape.h"
#include "../lib/gpg.h"
#include "../lib/json.h"
#include "../lib/parse-options.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"

static const char *const show_usage[] = {
	"xenstable xsa show NNN [--version K] [--json]",
	NULL
};

static const struct xsa_file *find_file(const struct xsa_version *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->nr_files; i++)
		if (!strcmp(v->files[i].name, name))
			return &v->files[i];
	return NULL;
}

/* Files whose content differs from (or is absent in) the version before. */
static void changed_files(const struct xsa_record *r, size_t vi, struct strvec *out)
{
	const struct xsa_version *v = &r->v[vi], *prev;
	size_t i;

	if (!vi)
		return;
	prev = &r->v[vi - 1];
	for (i = 0; i < v->nr_files; i++) {
		const struct xsa_file *o = find_file(prev, v->files[i].name);

		if (!o || strcmp(o->sha256, v->files[i].sha256))
			strvec_push(out, v->files[i].name);
	}
}

/* Who says when the XSA became public: the newest version that knows. */
static const char *public_source(const struct xsa_store *s, const struct xsa_record *r)
{
	size_t i;

	for (i = r->nr; i--; )
		if (r->v[i].public_time)
			return r->v[i].public_source ? r->v[i].public_source : "embargo";
	return xsa_index_find(s, r->number) ? "xenbits" : NULL;
}

static const char *public_source_text(const char *src)
{
	if (!src)
		return NULL;
	if (!strcmp(src, "embargo"))
		return "the embargo end the advisory states";
	if (!strcmp(src, "xenbits"))
		return "xenbits' index";
	if (!strcmp(src, "mail-date"))
		return "the announcement mail's Date field";
	return src;
}

static const char *meta_coverage(const struct xsameta *m)
{
	if (m->is_signed)
		return "in the signed sha256sum block";
	if (m->listed)
		return "in the sha256sum block of an unsigned advisory";
	return "NOT in the sha256sum block: read with --allow-unsigned";
}

/* The advisory's xsaNNN.meta, if it has one (rc < 0: it is bad). */
static void meta_json(struct json_writer *w, const struct xsameta *m, int rc)
{
	size_t i, k;

	jw_key(w, "xsa_meta");
	if (rc) {
		jw_null(w);
		return;
	}
	jw_obj_begin(w);
	jw_kv_str(w, "file", m->file);
	jw_kv_bool(w, "in_sha256_block", m->listed);
	jw_kv_bool(w, "signed", m->is_signed);
	jw_kv_strvec(w, "supported_versions", &m->versions);
	jw_kv_strvec(w, "trees", &m->trees);
	jw_key(w, "recipes");
	jw_arr_begin(w);
	for (i = 0; i < m->nr; i++) {
		const struct xsameta_recipe *r = &m->r[i];

		jw_obj_begin(w);
		jw_kv_str(w, "version", r->version);
		jw_kv_str(w, "tree", r->tree);
		jw_kv_str(w, "stable_ref", r->stable_ref);
		jw_key(w, "prereqs");
		jw_arr_begin(w);
		for (k = 0; k < r->nr_prereqs; k++)
			jw_int(w, r->prereqs[k]);
		jw_arr_end(w);
		jw_kv_strvec(w, "patches", &r->patches);
		jw_kv_strvec(w, "files", &r->files);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

/* The branch ref a recipe's version names, when the branch is maintained. */
static char *recipe_ref(const struct branch_set *bs, const struct xsameta_recipe *r)
{
	const struct branch *b = bs ? branch_find(bs, r->version) : NULL;

	if (!b || strcmp(r->tree, "xen"))
		return NULL;
	return starts_with(b->ref, "refs/") ? xstrdup(b->ref) : xstrfmt("refs/heads/%s", b->ref);
}

static void meta_text(struct xs_ctx *ctx, const struct xsameta *m)
{
	struct branch_set bs;
	struct git_repo src;
	char *path = ctx_source_path(ctx);
	int have_bs = 0, have_src = 0;
	size_t i, k;

	/* With the source repository at hand, say where each base stands. */
	if (path_exists(path)) {
		have_src = !git_open(&src, path);
		have_bs = have_src && !branches_load(&bs, ctx->repo);
	}
	free(path);
	printf("\nRecipes (%s, %s):\n", m->file, meta_coverage(m));
	for (i = 0; i < m->nr; i++) {
		const struct xsameta_recipe *r = &m->r[i];
		struct strbuf sb = STRBUF_INIT;
		char *ref = have_bs ? recipe_ref(&bs, r) : NULL;

		xsameta_prereqs_str(r, &sb);
		printf("  %-8s %-8s made against %s; %s\n", r->version, r->tree, r->stable_ref,
		       sb.buf);
		strbuf_reset(&sb);
		if (ref && !xsameta_describe_base(&src, r->stable_ref, ref, &sb))
			printf("  %-8s %-8s %s\n", "", "", sb.buf);
		printf("  %-8s %-8s", "", "");
		for (k = 0; k < r->patches.nr; k++)
			printf(" %s", r->patches.v[k]);
		if (r->files.nr != r->patches.nr)
			printf(" (%zu files)", r->files.nr);
		printf("\n");
		strbuf_release(&sb);
		free(ref);
	}
	if (have_bs)
		branches_release(&bs);
	if (have_src)
		git_close(&src);
}

static int show_json(const struct xsa_store *s, const struct xsa_record *r, size_t vi)
{
	struct json_writer w;
	struct strbuf out = STRBUF_INIT;
	const struct xsa_version *v = &r->v[vi];
	int64_t now = date_now();
	size_t i;
	int rc;

	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_kv_int(&w, "xsa", r->number);
	jw_kv_int(&w, "version", v->version);
	jw_key(&w, "versions");
	jw_arr_begin(&w);
	for (i = 0; i < r->nr; i++)
		jw_int(&w, r->v[i].version);
	jw_arr_end(&w);
	jw_kv_str(&w, "title", v->title);
	jw_kv_strvec(&w, "cves", &v->cves);
	jw_kv_time(&w, "public_time", xsa_public_time(s, r));
	jw_kv_str(&w, "public_time_source", xsa_public_time(s, r) ? public_source(s, r) : NULL);
	jw_kv_time(&w, "embargo_until", v->embargo_until);
	jw_kv_bool(&w, "embargoed", xsa_embargoed_at(s, r, now));
	jw_kv_str(&w, "dir", v->dir);
	jw_kv_str(&w, "advisory", v->advisory);
	jw_kv_str(&w, "advisory_sha256", v->advisory_sha256);
	if (v->unsigned_input) {
		jw_kv_null(&w, "signer");
	} else {
		jw_kv_str(&w, "signer", v->signer);
		jw_kv_str(&w, "signer_uid", v->signer_uid);
	}
	jw_kv_time(&w, "signed_at", v->signed_at);
	jw_kv_bool(&w, "unsigned", v->unsigned_input);
	jw_kv_time(&w, "imported_at", v->imported_at);
	jw_key(&w, "files");
	jw_arr_begin(&w);
	for (i = 0; i < v->nr_files; i++) {
		const struct xsa_file *f = &v->files[i];

		jw_obj_begin(&w);
		jw_kv_str(&w, "name", f->name);
		jw_kv_str(&w, "project", f->project);
		jw_kv_str(&w, "range", f->range_text);
		jw_kv_str(&w, "sha256", f->sha256);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	{
		struct strvec ch = STRVEC_INIT;

		changed_files(r, vi, &ch);
		jw_kv_strvec(&w, "changed_since_previous", &ch);
		strvec_clear(&ch);
	}
	xsa_marks_json(&w, r);
	{
		struct xsameta m;

		rc = xsameta_load(s, v, &m);
		meta_json(&w, &m, rc);
		if (rc < 0 && !v->xsameta)
			rc = 0;
		xsameta_release(&m);
	}
	jw_obj_end(&w);
	jw_finish(&w, &out);
	fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	jw_release(&w);
	return rc < 0 ? rc : 0;
}

static int show_text(struct xs_ctx *ctx, const struct xsa_store *s, const struct xsa_record *r,
		     size_t vi, const struct branch_set *bs)
{
	const struct xsa_version *v = &r->v[vi];
	int64_t pub = xsa_public_time(s, r), now = date_now();
	struct strvec ch = STRVEC_INIT;
	char d[32];
	size_t i;
	int rc;

	printf("XSA-%d version %d", r->number, v->version);
	if (r->nr > 1) {
		printf(" (held:");
		for (i = 0; i < r->nr; i++)
			printf(" v%d", r->v[i].version);
		printf(")");
	}
	printf("\n%-11s %s\n", "Title:", text_safe(v->title));
	printf("%-11s ", "CVEs:");
	for (i = 0; i < v->cves.nr; i++)
		printf("%s%s", i ? ", " : "", text_safe(v->cves.v[i]));
	printf("%s\n", v->cves.nr ? "" : "none");
	if (pub) {
		const char *src = public_source_text(public_source(s, r));

		date_format_short(pub, d);
		printf("%-11s %s UTC (%s%s%s)\n", "Public:", d,
		       xsa_embargoed_at(s, r, now) ? "embargoed until then" : "public",
		       src ? "; from " : "", src ? src : "");
	} else {
		printf("%-11s %s\n", "Public:", v->public_release ? "yes, time unknown" : "unknown");
	}
	if (v->unsigned_input) {
		printf("%-11s NONE: imported with --allow-unsigned\n", "Signed by:");
	} else {
		struct strbuf f = STRBUF_INIT;

		gpg_format_fpr(v->signer, &f);
		date_format_short(v->signed_at, d);
		printf("%-11s %s (%s), %s UTC\n", "Signed by:", f.buf,
		       v->signer_uid ? text_safe(v->signer_uid) : "no user id", d);
		strbuf_release(&f);
	}
	date_format_short(v->imported_at, d);
	printf("%-11s %s UTC\n", "Imported:", d);
	printf("%-11s %s/%s\n", "Advisory:", text_safe(v->dir), text_safe(v->advisory));
	printf("\nFiles:\n");
	for (i = 0; i < v->nr_files; i++) {
		const struct xsa_file *f = &v->files[i];

		printf("  %-28s %-6s %-32s %.16s\n", text_safe(f->name), text_safe(f->project),
		       f->range_text ? text_safe(f->range_text) : "-", f->sha256);
	}
	if (bs) {
		for (i = 0; i < v->nr_files; i++) {
			struct strbuf what = STRBUF_INIT;

			if (xsa_file_unmapped(bs, &v->files[i], &what))
				printf("  note: %s: xsa status shows XSA-%d unmapped on the branches "
				       "no other patch maps to (xenstable xsa mark settles it)\n",
				       what.buf, r->number);
			strbuf_release(&what);
		}
	}
	changed_files(r, vi, &ch);
	if (ch.nr) {
		printf("\nChanged since version %d:", r->v[vi - 1].version);
		for (i = 0; i < ch.nr; i++)
			printf(" %s", text_safe(ch.v[i]));
		printf("\n");
	}
	strvec_clear(&ch);
	{
		struct xsameta m;

		rc = xsameta_load(s, v, &m);
		if (!rc)
			meta_text(ctx, &m);
		else if (rc < 0)
			printf("\nRecipes: %s/%s cannot be used (see the error above)\n", v->dir,
			       v->xsameta ? v->xsameta : "the .meta");
		/* Stored before .meta files were read: shown when good, else left. */
		if (rc < 0 && !v->xsameta)
			rc = 0;
		xsameta_release(&m);
	}
	if (r->nr_marks) {
		printf("\nMarks:\n");
		for (i = 0; i < r->nr_marks; i++) {
			date_format_short(r->marks[i].time, d);
			printf("  %-6s %-15s %s (%s)\n", text_safe(r->marks[i].branch),
			       text_safe(r->marks[i].state), text_safe(r->marks[i].reason), d);
		}
	}
	return rc < 0 ? rc : 0;
}

int cmd_xsa_show(int argc, const char **argv, struct xs_ctx *ctx)
{
	int json = 0, want = 0, number;
	struct option opts[] = {
		OPT_INT_("version", 0, &want, "K", "show version K (default: the newest)"),
		OPT_BOOL_("json", 0, &json, "machine-readable output"),
		OPT_END_(),
	};
	struct xsa_store s;
	const struct xsa_record *r;
	size_t vi;
	int rc;

	argc = parse_options(argc, argv, opts, show_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc != 1) {
		usage_with_options(stderr, show_usage, opts);
		return -XS_USAGE;
	}
	number = xsa_arg_number(argv[0]);
	if (number < 0)
		return error_usage("'%s' is not an XSA number", argv[0]);
	rc = xsa_store_load(&s, ctx->repo);
	if (rc)
		return rc;
	r = xsa_store_find(&s, number);
	if (!r) {
		rc = error_input("XSA-%d is not in the store (xenstable xsa import)", number);
		goto out;
	}
	vi = r->nr - 1;
	if (want) {
		for (vi = 0; vi < r->nr && r->v[vi].version != want; vi++)
			;
		if (vi == r->nr) {
			rc = error_input("XSA-%d version %d is not in the store", number, want);
			goto out;
		}
	}
	if (json || xs_json)
		rc = show_json(&s, r, vi);
	else {
		struct branch_set bs;
		int have = !branches_load(&bs, ctx->repo);

		rc = show_text(ctx, &s, r, vi, have ? &bs : NULL);
		if (have)
			branches_release(&bs);
	}
out:
	xsa_store_release(&s);
	return rc;
}
