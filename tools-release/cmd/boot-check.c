/*
 * xenstable boot-check: boot the hypervisor built from a revision under
 * qemu and check that it reports exactly the version being released.
 */
#include "../builtin.h"
#include "../domain/boot.h"
#include "../domain/branch.h"
#include "../domain/build.h"
#include "../lib/json.h"
#include "../lib/parse-options.h"
#include "../lib/strbuf.h"
#include "../lib/usage.h"

static const char *const boot_check_usage[] = {
	"xenstable boot-check REF [--timeout S] [--expect VERSION] [--jobs N] [--force]",
	NULL
};

int cmd_boot_check(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *expect = NULL;
	int timeout = BOOT_DEFAULT_TIMEOUT_S, jobs = 0, force = 0;
	struct option opts[] = {
		OPT_INT_("timeout", 0, &timeout, "S", "stop qemu after S seconds (default 120)"),
		OPT_STRING_("expect", 0, &expect, "VERSION",
			    "the version the banner must report (default: the release tag's, else the tree's at REF)"),
		OPT_INT_("jobs", 'j', &jobs, "N", "parallel make jobs for the build"),
		OPT_BOOL_("force", 0, &force, "rebuild the hypervisor even if it built before"),
		OPT_BOOL_("json", 0, &xs_json, "the build and boot verdicts as JSON (shape in xenstable(1))"),
		OPT_END_(),
	};
	struct ctx_source cs;
	struct boot_check_opts o;
	struct check_result build, boot;
	char *tag_version;
	char took[32];
	int rc;
	size_t i;

	argc = parse_options(argc, argv, opts, boot_check_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc != 1) {
		usage_with_options(stderr, boot_check_usage, opts);
		return -XS_USAGE;
	}
	if (timeout < 1 || timeout > 24 * 3600)
		return error_usage("--timeout %d: give 1 to 86400 seconds", timeout);
	if (expect && (!*expect || strpbrk(expect, " \t\n")))
		return error_usage("--expect '%s' is not a version", expect);
	rc = ctx_source_open(ctx, &cs, NULL, NULL);
	if (rc)
		return rc;
	check_result_init(&build, "build");
	check_result_init(&boot, "boot");
	memset(&o, 0, sizeof(o));
	o.src = &cs.src;
	o.rev = argv[0];
	o.maint_root = ctx->repo;
	o.branches = &cs.branches;
	o.expect = expect;
	/* A release tag is checked against the version it names. */
	tag_version = boot_tag_version(&cs.src, &cs.branches, argv[0]);
	o.tag_version = tag_version;
	o.timeout_ms = timeout * 1000L;
	o.jobs = jobs;
	o.force_build = !!force;
	o.build = &build;
	rc = boot_check_run(&o, &boot);
	if (xs_json) {
		struct json_writer w;
		struct strbuf out = STRBUF_INIT;

		jw_init(&w, 1);
		jw_obj_begin(&w);
		jw_kv_str(&w, "ref", argv[0]);
		jw_kv_str(&w, "tag_version", tag_version);
		jw_key(&w, "build");
		check_result_json(&w, &build);
		jw_key(&w, "result");
		check_result_json(&w, &boot);
		jw_obj_end(&w);
		jw_finish(&w, &out);
		fwrite(out.buf, 1, out.len, stdout);
		strbuf_release(&out);
		jw_release(&w);
	} else {
		if (build.reason) {
			preflight_format_ms(build.duration_ms, took);
			printf("build: %s in %s%s: %s\n", check_status_name(build.status), took,
			       build.reused ? " (reused)" : "", build.reason);
		}
		if (boot.reason) {
			preflight_format_ms(boot.duration_ms, took);
			printf("boot-check of %s %s in %s: %s\n", argv[0],
			       check_status_name(boot.status), took, boot.reason);
			for (i = 0; i < boot.logs.nr; i++)
				printf("    log: %s\n", boot.logs.v[i]);
		}
	}
	if (!rc)
		rc = -check_exit_code(&boot);
	check_result_release(&build);
	check_result_release(&boot);
	free(tag_version);
	ctx_source_close(&cs);
	return rc;
}
