/*
 * xenstable build: build the tree at a revision of the source repository
 * in a private export, keeping the log and the products under
 * .xenstable/build/<commit>/ of the maintenance repository.
 */
#include "../builtin.h"
#include "../domain/branch.h"
#include "../domain/build.h"
#include "../lib/fs.h"
#include "../lib/json.h"
#include "../lib/parse-options.h"
#include "../lib/strbuf.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"

static const char *const build_usage[] = {
	"xenstable build REF [--components hypervisor,toolstack] [--jobs N] [--keep] [--force]",
	NULL
};

static void print_part(const struct check_result *p)
{
	char took[32];
	size_t i;

	preflight_format_ms(p->duration_ms, took);
	printf("%s: %s in %s%s: %s\n", p->name, check_status_name(p->status), took,
	       p->reused ? " (reused)" : "", p->reason ? p->reason : "");
	if (p->logs.nr) {
		printf("    log: %s\n", p->logs.v[0]);
		for (i = 0; i < p->artifacts.nr; i++)
			printf("    made: %s\n", p->artifacts.v[i]);
	}
}

static void print_json(const struct build_result *res, const char *rev, unsigned want)
{
	struct json_writer w;
	struct strbuf out = STRBUF_INIT;
	int k;

	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_kv_str(&w, "ref", rev);
	jw_kv_str(&w, "commit", res->commit);
	jw_kv_str(&w, "version", res->version_string);
	jw_kv_str(&w, "tree", res->layout.kind == TREE_XEN ? "xen" : "reference");
	jw_kv_str(&w, "dir", res->dir);
	jw_kv_str(&w, "kept_tree", res->tree);
	jw_key(&w, "result");
	check_result_json(&w, &res->check);
	jw_key(&w, "components");
	jw_arr_begin(&w);
	for (k = 0; k < BUILD_NR_COMPONENTS; k++)
		if (want & (1u << k))
			check_result_json(&w, &res->part[k]);
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_finish(&w, &out);
	fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	jw_release(&w);
}

int cmd_build(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *components = NULL;
	int jobs = 0, keep = 0, force = 0;
	struct option opts[] = {
		OPT_STRING_("components", 0, &components, "LIST",
			    "what to build: hypervisor, toolstack or both (default)"),
		OPT_INT_("jobs", 'j', &jobs, "N", "parallel make jobs (default: CPUs online)"),
		OPT_BOOL_("keep", 0, &keep, "keep the exported build tree and print its path"),
		OPT_BOOL_("force", 0, &force, "rebuild even when this commit built before"),
		OPT_BOOL_("json", 0, &xs_json, "the verdicts as JSON (shape in xenstable(1))"),
		OPT_END_(),
	};
	struct ctx_source cs;
	struct build_opts o;
	struct build_result res;
	unsigned want = BUILD_ALL;
	char took[32];
	int rc, k;

	argc = parse_options(argc, argv, opts, build_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc != 1) {
		usage_with_options(stderr, build_usage, opts);
		return -XS_USAGE;
	}
	if (components && (rc = build_parse_components(components, &want)))
		return rc;
	rc = ctx_source_open(ctx, &cs, NULL, NULL);
	if (rc)
		return rc;
	memset(&o, 0, sizeof(o));
	o.src = &cs.src;
	o.rev = argv[0];
	o.maint_root = ctx->repo;
	o.branches = &cs.branches;
	o.components = want;
	o.jobs = jobs;
	o.keep = !!keep;
	o.force = !!force;
	build_result_init(&res);
	rc = build_run(&o, &res);
	if (res.version_string) {
		if (xs_json) {
			print_json(&res, argv[0], want);
		} else {
			printf("build of %s (commit %.12s, Xen %s, %s)\n", argv[0], res.commit,
			       res.version_string,
			       res.layout.kind == TREE_XEN ? "xen.git" : "reference tree");
			for (k = 0; k < BUILD_NR_COMPONENTS; k++)
				if (want & (1u << k))
					print_part(&res.part[k]);
			preflight_format_ms(res.check.duration_ms, took);
			printf("build %s in %s: %s\n", check_status_name(res.check.status), took,
			       res.check.reason ? res.check.reason : "");
			if (res.tree)
				printf("build tree kept: %s\n", res.tree);
		}
	}
	if (!rc)
		rc = -check_exit_code(&res.check);
	build_result_release(&res);
	ctx_source_close(&cs);
	return rc;
}
