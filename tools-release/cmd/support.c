/*
 * xenstable support: which branches are supported on a date, and where
 * the dates come from.
 */
#include "../builtin.h"
#include "../domain/branch.h"
#include "../domain/support.h"
#include "../lib/date.h"
#include "../lib/fs.h"
#include "../lib/json.h"
#include "../lib/parse-options.h"
#include "../lib/strbuf.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"
#include "../lib/quote.h"

static const char *const support_usage[] = {
	"xenstable support [--date YYYY-MM-DD] [--json]",
	"xenstable support --import SOURCE_REF",
	"xenstable support --write | --check",
	NULL
};

static int show_matrix(const struct branch_set *bs, long day)
{
	char today[11];
	size_t i;

	date_format_day(day, today);
	if (xs_json) {
		struct json_writer w;
		struct strbuf out = STRBUF_INIT;

		jw_init(&w, 1);
		jw_obj_begin(&w);
		jw_kv_str(&w, "date", today);
		jw_key(&w, "branches");
		jw_arr_begin(&w);
		for (i = 0; i < bs->nr; i++) {
			const struct branch *b = &bs->v[i];
			char d[11];

			jw_obj_begin(&w);
			jw_kv_str(&w, "branch", b->name);
			jw_kv_str(&w, "ref", b->ref);
			date_format_day(b->initial_release, d);
			jw_kv_str(&w, "initial_release", d);
			date_format_day(b->supported_until, d);
			jw_kv_str(&w, "supported_until", d);
			date_format_day(b->security_until, d);
			jw_kv_str(&w, "security_support_until", d);
			jw_kv_str(&w, "status", branch_state_name(branch_state_on(b, day)));
			jw_kv_str(&w, "cadence", b->cadence);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
		jw_obj_end(&w);
		jw_finish(&w, &out);
		fwrite(out.buf, 1, out.len, stdout);
		strbuf_release(&out);
		jw_release(&w);
		return 0;
	}
	printf("Support matrix on %s\n\n", today);
	printf("%-7s %-13s %-11s %-11s %-11s %s\n", "branch", "ref", "released",
	       "supported", "security", "status");
	for (i = bs->nr; i--; ) {
		const struct branch *b = &bs->v[i];
		char d1[11], d2[11], d3[11];

		date_format_day(b->initial_release, d1);
		date_format_day(b->supported_until, d2);
		date_format_day(b->security_until, d3);
		printf("%-7s %-13s %-11s %-11s %-11s %s\n", b->name, b->ref, d1, d2, d3,
		       branch_state_name(branch_state_on(b, day)));
	}
	return 0;
}

static const char conf_template[] =
	"# Xen %s stable branch, maintained by xenstable.\n"
	"# Dates as in SUPPORT.md on %s (xenstable support --import).\n"
	"[branch]\n"
	"\tversion = %s\n"
	"\tref = %s\n"
	"\tinitial-release = %s\n"
	"\tsupported-until = %s\n"
	"\tsecurity-support-until = %s\n"
	"\ttag-format = RELEASE-%%v\n"
	"\ttarball-name = xen-%%v\n"
	"\tcadence = monthly\n";

static int import_support(struct xs_ctx *ctx, const char *ref)
{
	struct git_repo src;
	struct strbuf doc = STRBUF_INIT, conf = STRBUF_INIT;
	struct support_block blk;
	struct branch check;
	char *origin = xstrfmt("%s:SUPPORT.md", ref), *rel = NULL, *path = NULL;
	int major, minor, rc;
	long day;

	memset(&blk, 0, sizeof(blk));
	memset(&check, 0, sizeof(check));
	rc = ctx_open_source(ctx, &src);
	if (rc)
		goto out_nosrc;
	rc = git_read_blob(&src, ref, "SUPPORT.md", &doc);
	if (rc == 1)
		rc = error_input("%s: no such file (is '%s' a branch of %s?)", origin, ref,
				 src.worktree ? src.worktree : src.git_dir);
	if (rc)
		goto out;
	rc = support_parse_block(doc.buf, doc.len, origin, &blk);
	if (rc)
		goto out;
	if (parse_major_minor(blk.xen_version, &major, &minor)) {
		rc = error_input("%s:%d: Xen-Version '%s' is not X.Y", origin, blk.line,
				 blk.xen_version);
		goto out;
	}
	if (date_parse_day(blk.initial_release, &day) ||
	    date_parse_day(blk.supported_until, &day) ||
	    date_parse_day(blk.security_support_until, &day)) {
		rc = error_input("%s:%d: %s is not released yet or its dates are not "
				 "YYYY-MM-DD (Initial-Release: %s)", origin, blk.line,
				 blk.xen_version, blk.initial_release);
		goto out;
	}
	rc = ctx_lock(ctx, "support --import");
	if (rc)
		goto out;
	rel = xstrfmt("branches/%s.conf", blk.xen_version);
	path = ctx_path(ctx, rel);
	rc = read_file_if_exists(&conf, path, 1 << 20);
	if (rc < 0)
		goto out;
	if (rc == 1) {
		const char *bref = starts_with(ref, "refs/heads/") ? ref + 11 : ref;
		char *stable = xstrfmt("stable-%s", blk.xen_version);

		if (strcmp(bref, stable))
			bref = stable;
		strbuf_addf(&conf, conf_template, blk.xen_version, ref, blk.xen_version,
			    bref, blk.initial_release, blk.supported_until,
			    blk.security_support_until);
		free(stable);
	} else {
		struct strbuf before = STRBUF_INIT;

		strbuf_addbuf(&before, &conf);
		cfg_text_set(&conf, "branch", "initial-release", blk.initial_release);
		cfg_text_set(&conf, "branch", "supported-until", blk.supported_until);
		cfg_text_set(&conf, "branch", "security-support-until",
			     blk.security_support_until);
		if (before.len == conf.len && !memcmp(before.buf, conf.buf, conf.len)) {
			say("%s: up to date with %s", rel, origin);
			strbuf_release(&before);
			rc = 0;
			goto out;
		}
		strbuf_release(&before);
	}
	/* Never write a file we would refuse to read. */
	rc = branch_parse(&check, rel, conf.buf, conf.len);
	if (rc)
		goto out;
	rc = write_file_atomic(path, conf.buf, conf.len, 0644);
	if (!rc)
		printf("%s: %s %s (initial %s, supported until %s, security support until %s)\n",
		       rel, "imported", blk.xen_version, blk.initial_release,
		       blk.supported_until, blk.security_support_until);
out:
	git_close(&src);
out_nosrc:
	branch_release(&check);
	support_block_release(&blk);
	strbuf_release(&doc);
	strbuf_release(&conf);
	free(origin);
	free(rel);
	free(path);
	return rc;
}

static int write_doc(struct xs_ctx *ctx, const struct branch_set *bs, int check_only)
{
	struct strbuf doc = STRBUF_INIT;
	char *path = ctx_path(ctx, "SUPPORT.md");
	int rc = read_file(&doc, path, 4 << 20);

	if (!rc)
		rc = support_update_doc(&doc, "SUPPORT.md", bs);
	if (rc == 1) {
		if (check_only) {
			char *fix = self_cmd_str("support", "--write", NULL);

			rc = error_fail("SUPPORT.md is out of date with branches/*.conf; "
					"run: %s", fix);
			free(fix);
		} else {
			rc = ctx_lock(ctx, "support --write");
			if (!rc)
				rc = write_file_atomic(path, doc.buf, doc.len, 0644);
			if (!rc)
				say("SUPPORT.md: table rewritten from branches/*.conf");
		}
	} else if (rc == 0) {
		say("SUPPORT.md: up to date");
	}
	strbuf_release(&doc);
	free(path);
	return rc;
}

int cmd_support(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *date = NULL, *import = NULL;
	int write = 0, check = 0;
	struct option opts[] = {
		OPT_STRING_("date", 0, &date, "YYYY-MM-DD", "show the status on this day (default: today, UTC)"),
		OPT_STRING_("import", 0, &import, "SOURCE_REF", "read SUPPORT.md on a source branch into branches/X.Y.conf"),
		OPT_BOOL_("write", 0, &write, "regenerate the table in SUPPORT.md"),
		OPT_BOOL_("check", 0, &check, "exit 1 if SUPPORT.md's table is out of date"),
		OPT_BOOL_("json", 0, &xs_json, "the matrix as JSON (shape in xenstable(1))"),
		OPT_END_(),
	};
	struct branch_set bs;
	long day;
	int rc;

	argc = parse_options(argc, argv, opts, support_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc)
		return error_usage("unexpected argument '%s'", argv[0]);
	if ((import != NULL) + write + check > 1)
		return error_usage("--import, --write and --check go alone");
	if (xs_json && (import || write || check))
		return error_usage("xenstable support %s has no JSON output (--json goes with "
				   "the matrix)", import ? "--import" : write ? "--write" : "--check");
	if (import)
		return import_support(ctx, import);
	day = date_today();
	if (date) {
		int64_t t;

		if ((rc = date_option(date, &t)))
			return rc;
		day = (long)(t / 86400);
	}
	rc = branches_load(&bs, ctx->repo);
	if (rc)
		return rc;
	if (write || check)
		rc = write_doc(ctx, &bs, check);
	else
		rc = show_matrix(&bs, day);
	branches_release(&bs);
	return rc;
}
