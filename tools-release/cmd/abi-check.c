/*
 * xenstable abi check BRANCH [REF]: compare the toolstack libraries' ABI
 * at REF (default: the branch's tip) with the baseline of the branch's
 * last release; fail on any incompatible change.
 */
#include "../builtin.h"
#include "../domain/abi.h"
#include "../domain/branch.h"
#include "../lib/json.h"
#include "../lib/parse-options.h"
#include "../lib/strbuf.h"
#include "../lib/usage.h"

static const char *const abi_check_usage[] = {
	"xenstable abi check BRANCH [REF] [--jobs N]",
	NULL
};

static const char *verdict_name(enum abi_verdict v)
{
	switch (v) {
	case ABI_SAME: return "unchanged";
	case ABI_ADDITIONS: return "additions";
	case ABI_ALLOWED: return "allowed";
	case ABI_INCOMPATIBLE: return "incompatible";
	}
	return "unknown";
}

static void print_json(const char *branch, const char *rev, const struct check_result *r,
		       const struct abi_findings *f)
{
	struct json_writer w;
	struct strbuf out = STRBUF_INIT;
	size_t i;

	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_kv_str(&w, "branch", branch);
	jw_kv_str(&w, "ref", rev);
	jw_key(&w, "result");
	check_result_json(&w, r);
	jw_key(&w, "libraries");
	jw_arr_begin(&w);
	for (i = 0; i < f->nr; i++) {
		jw_obj_begin(&w);
		jw_kv_str(&w, "library", f->v[i].library);
		jw_kv_str(&w, "verdict", verdict_name(f->v[i].verdict));
		jw_kv_str(&w, "summary", f->v[i].summary);
		jw_kv_str(&w, "report", f->v[i].report);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_finish(&w, &out);
	fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	jw_release(&w);
}

int cmd_abi_check(int argc, const char **argv, struct xs_ctx *ctx)
{
	int jobs = 0;
	struct option opts[] = {
		OPT_INT_("jobs", 'j', &jobs, "N", "parallel make jobs for the build"),
		OPT_BOOL_("json", 0, &xs_json, "the verdict as JSON (shape in xenstable(1))"),
		OPT_END_(),
	};
	struct ctx_source cs;
	struct branch *b;
	struct abi_check_opts o;
	struct abi_findings f = { NULL, 0, 0 };
	struct check_result r;
	const char *rev;
	char took[32];
	size_t i;
	int rc;

	argc = parse_options(argc, argv, opts, abi_check_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc < 1 || argc > 2) {
		usage_with_options(stderr, abi_check_usage, opts);
		return -XS_USAGE;
	}
	rc = ctx_source_open(ctx, &cs, argv[0], NULL);
	if (rc)
		return rc;
	b = cs.branch;
	/* Shown by its name; resolved as refs/heads/..., never a tag of that name. */
	rev = argc == 2 ? argv[1] : b->ref;
	memset(&o, 0, sizeof(o));
	o.src = &cs.src;
	o.branch = b;
	o.rev = argc == 2 ? argv[1] : b->full_ref;
	o.maint_root = ctx->repo;
	o.branches = &cs.branches;
	o.jobs = jobs;
	check_result_init(&r, "abi");
	rc = abi_check_run(&o, &r, &f);
	if (xs_json) {
		print_json(b->name, rev, &r, &f);
	} else {
		for (i = 0; i < f.nr; i++) {
			const struct abi_finding *x = &f.v[i];

			printf("%s: %s: %s\n", x->library, verdict_name(x->verdict), x->summary);
			if (x->verdict != ABI_SAME && x->report && *x->report) {
				const char *line;
				size_t pos = 0, n, len = strlen(x->report);

				while (next_line(x->report, len, &pos, &line, &n))
					printf("  | %.*s\n", (int)n, line);
			}
		}
		if (r.reason) {
			preflight_format_ms(r.duration_ms, took);
			printf("abi check of %s at %s: %s in %s: %s\n", b->name, rev,
			       check_status_name(r.status), took, r.reason);
		}
	}
	if (!rc)
		rc = -check_exit_code(&r);
	abi_findings_release(&f);
	check_result_release(&r);
	ctx_source_close(&cs);
	return rc;
}
