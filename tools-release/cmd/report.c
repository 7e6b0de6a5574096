/*
 * xenstable report --html DIR: the status page.
 */
#include "../builtin.h"
#include "../domain/branch.h"
#include "../domain/report.h"
#include "../domain/xsa-store.h"
#include "../lib/date.h"
#include "../lib/fs.h"
#include "../lib/parse-options.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"

static const char *const report_usage[] = {
	"xenstable report --html DIR [--date D] [--dist DIR] [--commit-url URL]",
	NULL
};

int cmd_report(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *html = NULL, *date = NULL, *dist = NULL, *commit_url = NULL;
	struct option opts[] = {
		OPT_STRING_("html", 0, &html, "DIR", "write DIR/index.html and the advisories it links"),
		OPT_STRING_("date", 0, &date, "D", "the day to report on (default: today, UTC)"),
		OPT_STRING_("dist", 0, &dist, "DIR", "release directories (default: dist)"),
		OPT_STRING_("commit-url", 0, &commit_url, "URL", "link cells to URL, %H = commit id (default: xenbits gitweb)"),
		OPT_END_(),
	};
	struct report_opts o;
	struct branch_set bs;
	struct xsa_store store;
	struct git_repo src;
	char *dist_default = NULL, *src_path;
	int have_src = 0, rc;

	argc = parse_options(argc, argv, opts, report_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc || !html)
		return error_usage("report needs --html DIR and nothing else (see --help)");
	memset(&o, 0, sizeof(o));
	o.date = date_now();
	if (date && (rc = date_option(date, &o.date)))
		return rc;
	rc = branches_load(&bs, ctx->repo);
	if (rc)
		return rc;
	rc = xsa_store_load(&store, ctx->repo);
	if (rc) {
		branches_release(&bs);
		return rc;
	}
	src_path = ctx_source_path(ctx);
	if (path_exists(src_path)) {
		rc = git_open(&src, src_path);
		have_src = !rc;
	} else {
		warning("no source repository at %s: the page has no XSA matrix and no releases",
			src_path);
	}
	free(src_path);
	if (!rc) {
		o.maint_root = ctx->repo;
		o.src = have_src ? &src : NULL;
		o.branches = &bs;
		o.store = &store;
		o.dist = dist ? dist : (dist_default = ctx_path(ctx, "dist"));
		o.commit_url = commit_url;
		o.out_dir = html;
		rc = report_write(&o);
	}
	if (!rc)
		printf("status page: %s/index.html\n", html);
	if (have_src)
		git_close(&src);
	xsa_store_release(&store);
	branches_release(&bs);
	free(dist_default);
	return rc;
}
