/*
 * xenstable xsa export BRANCH DIR [--since TAG]: the XSA commits of a
 * branch since its last release as a quilt series for packagers
 * (domain/xsa-export.h says what the files hold).  Which commits are an
 * XSA's fix is the XSA status's verdict (refs/heads/ of the branch, never
 * a tag of the same name).
 */
#include "xsa.h"
#include "../domain/branch.h"
#include "../domain/xsa-export.h"
#include "../domain/xsa-status.h"
#include "../domain/xsa-store.h"
#include "../lib/date.h"
#include "../lib/json.h"
#include "../lib/parse-options.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"

static const char *const export_usage[] = {
	"xenstable xsa export BRANCH DIR [--since TAG] [--json]",
	NULL
};

int cmd_xsa_export(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *since = NULL;
	int json = 0;
	struct option opts[] = {
		OPT_STRING_("since", 0, &since, "TAG", "start after this tag (default: the branch's last release tag)"),
		OPT_BOOL_("json", 0, &json, "machine-readable output"),
		OPT_END_(),
	};
	struct branch_set bs;
	struct git_repo src;
	struct xsa_export x;
	struct xsa_store store;
	struct xsa_matrix m;
	int have_store = 0, have_matrix = 0;
	const struct branch *b;
	char *tag = NULL, oid[GIT_MAX_HEXSZ + 1];
	size_t i;
	int rc, n;

	n = parse_options(argc, argv, opts, export_usage);
	if (n < 0)
		return PARSE_OPT_EXIT(n);
	if (n != 2) {
		usage_with_options(stderr, export_usage, opts);
		return -XS_USAGE;
	}
	rc = branches_load(&bs, ctx->repo);
	if (rc)
		return rc;
	xsa_export_init(&x);
	b = branch_find(&bs, argv[0]);
	if (!b) {
		rc = branch_error_unknown(&bs, argv[0], XS_INPUT);
		goto out_bs;
	}
	rc = ctx_open_source(ctx, &src);
	if (rc)
		goto out_bs;
	rc = git_resolve_commit(&src, b->full_ref, oid);
	if (rc == 1)
		rc = error_input("branch %s (%s) does not exist in the source repository %s",
				 b->name, b->full_ref, src.git_dir);
	if (rc)
		goto out_src;
	if (since) {
		rc = git_resolve_commit(&src, since, oid);
		if (rc == 1)
			rc = error_input("--since %s: no such tag or commit in %s", since,
					 src.git_dir);
		if (!rc && git_is_ancestor(&src, oid, b->full_ref) != 1)
			rc = error_input("--since %s is not on %s", since, b->ref);
		if (!rc)
			tag = xstrdup(since);
	} else {
		rc = xsa_last_release_tag(&src, b, b->full_ref, &tag);
		if (rc == 1)
			rc = error_input("%s has no release tag (%s) to export from; use --since",
					 b->ref, b->tag_format);
	}
	if (!rc) {
		struct strvec only = STRVEC_INIT;
		struct xsa_status_opts so;

		rc = xsa_store_load(&store, ctx->repo);
		if (!rc) {
			have_store = 1;
			strvec_push(&only, b->name);
			memset(&so, 0, sizeof(so));
			so.store = &store;
			so.branches = &bs;
			so.only = &only;
			so.src = &src;
			so.date = date_now();
			rc = xsa_status_compute(&so, &m);
			have_matrix = !rc;
		}
		strvec_clear(&only);
	}
	if (!rc)
		rc = xsa_export_collect(&x, &src, b, tag, b->full_ref, &m, 0);
	for (i = 0; !rc && i < x.claims.nr; i++)
		say("left out %.12s: it claims %s; a claim is not the fix", x.claims.v[i],
		    strchr(x.claims.v[i], ' ') + 1);
	if (!rc)
		rc = xsa_export_write(&x, &src, argv[1]);
	if (rc)
		goto out_src;
	if (json || xs_json) {
		struct json_writer w;
		struct strbuf out = STRBUF_INIT;

		jw_init(&w, 1);
		jw_obj_begin(&w);
		jw_kv_str(&w, "branch", b->name);
		jw_kv_str(&w, "since", tag);
		jw_kv_str(&w, "dir", argv[1]);
		jw_kv_int(&w, "skipped", (long long)x.skipped);
		jw_kv_strvec(&w, "claims", &x.claims);
		jw_key(&w, "patches");
		jw_arr_begin(&w);
		for (i = 0; i < x.nr; i++) {
			jw_obj_begin(&w);
			jw_kv_str(&w, "file", x.v[i].file);
			jw_kv_int(&w, "xsa", x.v[i].xsa);
			jw_kv_str(&w, "commit", x.v[i].oid);
			jw_kv_str(&w, "subject", x.v[i].subject);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
		jw_obj_end(&w);
		jw_finish(&w, &out);
		fwrite(out.buf, 1, out.len, stdout);
		strbuf_release(&out);
		jw_release(&w);
	} else {
		printf("%s: %zu XSA patch%s since %s in %s/series", b->ref, x.nr,
		       x.nr == 1 ? "" : "es", tag, argv[1]);
		if (x.skipped)
			printf(" (%zu other commit%s left out)", x.skipped,
			       x.skipped == 1 ? "" : "s");
		printf("\n");
		for (i = 0; i < x.nr; i++)
			printf("  %s\n", x.v[i].file);
	}
out_src:
	if (have_matrix)
		xsa_matrix_release(&m);
	if (have_store)
		xsa_store_release(&store);
	git_close(&src);
out_bs:
	xsa_export_release(&x);
	branches_release(&bs);
	free(tag);
	return rc;
}
