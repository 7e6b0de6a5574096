/*
 * xenstable abi dump REF: describe the ABI of every shared library the
 * toolstack builds at REF and keep it in toolstack/abi/X.Y/ as the
 * baseline of that release.
 */
#include "../builtin.h"
#include "../domain/abi.h"
#include "../domain/branch.h"
#include "../lib/json.h"
#include "../lib/parse-options.h"
#include "../lib/strbuf.h"
#include "../lib/usage.h"

static const char *const abi_dump_usage[] = {
	"xenstable abi dump REF [--jobs N] [--force]",
	NULL
};

int cmd_abi_dump(int argc, const char **argv, struct xs_ctx *ctx)
{
	int jobs = 0, force = 0;
	struct option opts[] = {
		OPT_INT_("jobs", 'j', &jobs, "N", "parallel make jobs for the build"),
		OPT_BOOL_("force", 0, &force,
			  "dump a version that is not a release, or replace a newer baseline"),
		OPT_BOOL_("json", 0, &xs_json, "the verdict as JSON (shape in xenstable(1))"),
		OPT_END_(),
	};
	struct ctx_source cs;
	struct abi_dump_opts o;
	struct check_result r;
	char *dir = NULL, took[32];
	size_t i;
	int rc;

	argc = parse_options(argc, argv, opts, abi_dump_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc != 1) {
		usage_with_options(stderr, abi_dump_usage, opts);
		return -XS_USAGE;
	}
	rc = ctx_source_open(ctx, &cs, NULL, "xenstable abi dump");
	if (rc)
		return rc;
	memset(&o, 0, sizeof(o));
	o.src = &cs.src;
	o.rev = argv[0];
	o.maint_root = ctx->repo;
	o.branches = &cs.branches;
	o.jobs = jobs;
	o.force = !!force;
	check_result_init(&r, "abi-dump");
	rc = abi_dump_run(&o, &r, &dir);
	if (xs_json) {
		struct json_writer w;
		struct strbuf out = STRBUF_INIT;

		jw_init(&w, 1);
		jw_obj_begin(&w);
		jw_kv_str(&w, "ref", argv[0]);
		jw_kv_str(&w, "dir", dir);
		jw_key(&w, "result");
		check_result_json(&w, &r);
		jw_obj_end(&w);
		jw_finish(&w, &out);
		fwrite(out.buf, 1, out.len, stdout);
		strbuf_release(&out);
		jw_release(&w);
	} else if (r.reason) {
		preflight_format_ms(r.duration_ms, took);
		printf("abi dump of %s: %s in %s: %s\n", argv[0], check_status_name(r.status),
		       took, r.reason);
		for (i = 0; i < r.artifacts.nr; i++)
			printf("    %s: %s\n", r.reused ? "unchanged" : "wrote", r.artifacts.v[i]);
		for (i = 0; r.status == CHECK_FAILED && i < r.logs.nr; i++)
			printf("    log: %s\n", r.logs.v[i]);
	}
	if (!rc)
		rc = -check_exit_code(&r);
	free(dir);
	check_result_release(&r);
	ctx_source_close(&cs);
	return rc;
}
