/*
 * xenstable release: cut a signed stable release of a branch, say which
 * branches are due, or release every due branch.
 */
#include "../builtin.h"
#include "../domain/branch.h"
#include "../domain/maintainers.h"
#include "../domain/release.h"
#include "../domain/xsa-store.h"
#include "../lib/date.h"
#include "../lib/fs.h"
#include "../lib/escape.h"
#include "../lib/json.h"
#include "../lib/parse-options.h"
#include "../lib/quote.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"

static const char *const release_usage[] = {
	"xenstable release BRANCH [--date D] [--key FPR] [--dry-run] [--out DIR] [--skip CHECK]... [--jobs N]",
	"xenstable release --due [--date D] [--json]",
	"xenstable release --all-due [--date D] [--key FPR] [--out DIR] [--skip CHECK]... [--jobs N]",
	NULL
};

static const char *const skippable[] = { "build", "abi", "boot", NULL };

struct release_env {
	struct branch_set branches;
	struct maintainers maint;
	struct xsa_store store;
	int have_store;
	struct git_repo src;
	struct gpg_ctx gpg;
	char *out_dir;
};

static void env_release(struct release_env *e)
{
	branches_release(&e->branches);
	maintainers_release(&e->maint);
	if (e->have_store)
		xsa_store_release(&e->store);
	git_close(&e->src);
	gpg_release(&e->gpg);
	free(e->out_dir);
}

static int env_load(struct release_env *e, struct xs_ctx *ctx, const char *out)
{
	int rc;

	memset(e, 0, sizeof(*e));
	gpg_init(&e->gpg, NULL);
	rc = branches_load(&e->branches, ctx->repo);
	if (!rc)
		rc = maintainers_load_repo(&e->maint, ctx->repo);
	if (!rc) {
		rc = xsa_store_load(&e->store, ctx->repo);
		e->have_store = !rc;
	}
	if (!rc)
		rc = ctx_open_source(ctx, &e->src);
	if (rc)
		return rc;
	if (out) {
		rc = mkdir_p(out, 0755);
		if (rc)
			return rc;
		e->out_dir = path_realpath(out);
	} else {
		e->out_dir = ctx_path(ctx, "dist");
	}
	return 0;
}

static void fill_opts(struct release_opts *o, struct release_env *e, struct xs_ctx *ctx,
		      const struct branch *b, int64_t when, const char *key, int jobs,
		      const struct strvec *skip)
{
	memset(o, 0, sizeof(*o));
	o->maint_root = ctx->repo;
	o->src = &e->src;
	o->branches = &e->branches;
	o->branch = b;
	o->maint = &e->maint;
	o->store = e->have_store ? &e->store : NULL;
	o->gpg = &e->gpg;
	o->key = key;
	o->now = when;
	o->date = when;
	o->out_dir = e->out_dir;
	if (jobs <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		jobs = n > 0 ? (int)(n > 64 ? 64 : n) : 1;
	}
	o->jobs = jobs;
	o->skip = skip;
}

static const char *mark(enum check_status s)
{
	switch (s) {
	case CHECK_PASSED: return "ok  ";
	case CHECK_SKIPPED: return "SKIP";
	case CHECK_FAILED: return "FAIL";
	case CHECK_ERROR: return "ERR ";
	}
	return "?   ";
}

static void print_checks(const struct release_plan *p, size_t from)
{
	size_t i;

	for (i = from; i < p->nr_checks; i++) {
		char d[32] = "";

		if (p->checks[i].duration_ms >= 1000)
			preflight_format_ms(p->checks[i].duration_ms, d);
		printf("  %s %-10s %s%s%s%s%s\n", mark(p->checks[i].status), p->checks[i].name,
		       p->checks[i].reason ? p->checks[i].reason : "",
		       p->checks[i].reused ? " (reused)" : "", *d ? " (" : "", d, *d ? ")" : "");
	}
}

/* "git -C SRC ARGS..." quoted, on a line of its own. */
static void print_git(const struct release_env *e, const char *first, ...)
{
	struct strbuf sb = STRBUF_INIT;
	const char *dir = e->src.worktree ? e->src.worktree : e->src.git_dir;
	va_list ap;
	const char *a;

	sq_quote_argl(&sb, "git", "-C", dir, NULL);
	va_start(ap, first);
	for (a = first; a; a = va_arg(ap, const char *))
		sq_quote_argl(&sb, a, NULL);
	va_end(ap);
	printf("  %s\n", sb.buf);
	strbuf_release(&sb);
}

/* How to publish the release: lines to paste, naming remotes that exist. */
static void print_publish(const struct release_env *e, const struct release_plan *p,
			  const struct branch *b)
{
	size_t i;

	if (p->remote_push && p->push_url) {
		printf("to publish (xenstable never pushes), add the remote of push-url, then push:\n");
		print_git(e, "remote", "add", p->remote_push, p->push_url, NULL);
		print_git(e, "push", p->remote_push, b->ref, p->tag, NULL);
	} else if (p->remote_push) {
		printf("to publish (xenstable never pushes):\n");
		print_git(e, "push", p->remote_push, b->ref, p->tag, NULL);
	} else if (p->remotes.nr) {
		printf("to publish (xenstable never pushes), push to the remote that publishes %s "
		       "(no remote tracks it; set push-url in [release] of %s to choose), one of:\n",
		       b->ref, b->path);
		for (i = 0; i < p->remotes.nr; i++)
			print_git(e, "push", p->remotes.v[i], b->ref, p->tag, NULL);
	} else {
		printf("to publish (xenstable never pushes): the source repository has no remote; "
		       "add the one that publishes %s, its URL in place of URL (or set push-url in "
		       "[release] of %s), then push:\n", b->ref, b->path);
		print_git(e, "remote", "add", "origin", "URL", NULL);
		print_git(e, "push", "origin", b->ref, p->tag, NULL);
	}
}

/* Release one branch; prints its story.  Returns the exit class. */
static int release_one(struct release_env *e, struct xs_ctx *ctx, const struct branch *b,
		       int64_t when, const char *key, int jobs, const struct strvec *skip,
		       int dry_run, char **summary)
{
	struct release_opts o;
	struct release_plan p;
	size_t i, first_tree_check;
	int rc;

	fill_opts(&o, e, ctx, b, when, key, jobs, skip);
	o.dry_run = dry_run;
	rc = release_prepare(&o, &p);
	if (rc < 0) {
		*summary = xstrdup("error: see above");
		goto out;
	}
	if (p.existed) {
		printf("Release %s of %s exists (tag %s, artifacts in %s/%s); nothing new since.\n",
		       p.version, b->ref, p.tag, e->out_dir, p.version);
		*summary = xstrfmt("exists: %s", p.tag);
		rc = 0;
		goto out;
	}
	printf("%s %s of %s: from %s, %zu commit(s), %zu XSA(s)%s\n",
	       dry_run ? "Plan for release" : "Release", p.version, b->ref, p.last_tag,
	       p.commits.nr, p.nr_xsas, p.resumed ? " (completing an interrupted run)" : "");
	printf("preflight:\n");
	print_checks(&p, 0);
	if (rc == XS_FAIL) {
		printf("release %s stopped by the preflight; nothing was changed\n", p.version);
		*summary = xstrdup("preflight failed");
		/* A check that could not run (gpg missing) is the environment's fault. */
		for (i = 0; i < p.nr_checks; i++)
			if (p.checks[i].status == CHECK_ERROR && p.checks[i].error_class)
				rc = worst_result(rc, p.checks[i].error_class);
		goto out;
	}
	if (dry_run) {
		char *base = branch_tarball_base(b, p.version);

		printf("would make:\n");
		printf("  commit    update Xen version to %s (%s%s)\n", p.version, p.layout.makefile,
		       " and CHANGELOG.md where present");
		printf("  checks    build, abi, boot on that commit%s\n",
		       skip && skip->nr ? " (some skipped)" : "");
		printf("  files     %s/%s/{%s.tar.gz,%s.tar.xz,*.sig,release.json,%sSHA256SUMS,"
		       "SHA256SUMS.asc}\n", e->out_dir, p.version, base, base,
		       p.nr_xsas ? "XSA-N.osv.json," : "");
		printf("  tag       %s, signed by %s\n", p.tag, p.key);
		printf("  commit    update Xen version to %d.%d.%d-pre\n", b->major, b->minor,
		       p.point + 1);
		for (i = 0; i < p.nr_xsas; i++) {
			const struct release_xsa *x = &p.xsas[i];
			size_t k;

			printf("  xsa       XSA-%d%s%s%s %s [%s", x->number, *x->cves ? " (" : "",
			       x->cves, *x->cves ? ")" : "", text_safe(x->title),
			       x->state ? x->state : "fixed");
			for (k = 0; k < x->commits.nr; k++)
				printf("%s%.12s", k ? ", " : ": ", x->commits.v[k]);
			printf("]\n");
		}
		for (i = 0; i < p.commits.nr; i++)
			printf("  change    %.12s %s\n", p.commits.v[i], strchr(p.commits.v[i], ' ') + 1);
		printf("dry run: nothing was changed\n");
		free(base);
		*summary = xstrfmt("would release %s", p.version);
		goto out;
	}
	first_tree_check = p.nr_checks;
	rc = release_execute(&o, &p);
	print_checks(&p, first_tree_check);
	if (rc) {
		if (rc == XS_FAIL)
			printf("release %s stopped by the checks on the release commit; the branch, "
			       "tags and %s are unchanged\n", p.version, e->out_dir);
		*summary = xstrdup(rc == XS_FAIL ? "checks failed" : "error: see above");
		goto out;
	}
	printf("released %s: tag %s on %.12s, %s moved to %.12s (%d.%d.%d-pre)\n", p.version,
	       p.tag, p.release_commit, b->ref, p.pre_commit, b->major, b->minor, p.point + 1);
	printf("artifacts: %s\n", p.dist);
	print_publish(e, &p, b);
	*summary = xstrfmt("released %s", p.tag);
out:
	release_plan_release(&p);
	return rc;
}

static int show_due(struct release_env *e, struct xs_ctx *ctx, int64_t when, int all,
		    const char *key, int jobs, const struct strvec *skip)
{
	struct strvec summary = STRVEC_INIT;
	char day[11];
	size_t i;
	int worst = 0;

	struct json_writer w;

	date_format_day((long)(when / 86400), day);
	if (!all && xs_json) {
		jw_init(&w, 1);
		jw_obj_begin(&w);
		jw_kv_str(&w, "date", day);
		jw_key(&w, "branches");
		jw_arr_begin(&w);
	} else if (!all) {
		printf("Releases due on %s\n", day);
	}
	for (i = e->branches.nr; i--; ) {
		const struct branch *b = &e->branches.v[i];
		struct release_opts o;
		struct release_due d;
		int rc;

		fill_opts(&o, e, ctx, b, when, key, jobs, skip);
		rc = release_due(&o, &d);
		if (rc) {
			worst = worst_result(worst, rc);
			strvec_pushf(&summary, "%-6s error      could not decide", b->name);
			continue;
		}
		if (!all && xs_json) {
			char lt[32] = "";

			if (d.last_tag)
				date_format_iso(d.last_time, lt);
			jw_obj_begin(&w);
			jw_kv_str(&w, "branch", b->name);
			jw_kv_bool(&w, "due", d.due);
			jw_kv_str(&w, "reason", d.reason);
			jw_kv_str(&w, "last_release", d.last_tag);
			jw_kv_str(&w, "last_release_date", d.last_tag ? lt : NULL);
			jw_kv_int(&w, "commits_since", (long long)d.commits);
			jw_kv_int(&w, "xsas_since", (long long)d.xsas);
			jw_kv_str(&w, "cadence", b->cadence);
			jw_obj_end(&w);
		} else if (!all) {
			printf("  %-6s %-8s %s\n", b->name, d.due ? "due" : "not due", d.reason);
		} else if (d.due) {
			char *s = NULL;

			printf("\n== %s ==\n", b->name);
			fflush(stdout);
			rc = release_one(e, ctx, b, when, key, jobs, skip, 0, &s);
			worst = worst_result(worst, rc);
			strvec_pushf(&summary, "%-6s %-10s %s", b->name, rc ? "FAILED" : "ok", s);
			free(s);
		} else {
			strvec_pushf(&summary, "%-6s %-10s %s", b->name, "not due", d.reason);
		}
		release_due_release(&d);
	}
	if (!all && xs_json) {
		struct strbuf out = STRBUF_INIT;

		jw_arr_end(&w);
		jw_obj_end(&w);
		jw_finish(&w, &out);
		fwrite(out.buf, 1, out.len, stdout);
		strbuf_release(&out);
		jw_release(&w);
	}
	if (all) {
		printf("\nSummary (%s)\n", day);
		for (i = 0; i < summary.nr; i++)
			printf("  %s\n", summary.v[i]);
	}
	strvec_clear(&summary);
	return worst;
}

int cmd_release(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *date = NULL, *key = NULL, *out = NULL;
	int dry_run = 0, due = 0, all_due = 0, jobs = 0;
	struct strvec skip = STRVEC_INIT;
	struct option opts[] = {
		OPT_STRING_("date", 0, &date, "D", "the day (and time) of the release, UTC (default: now)"),
		OPT_STRING_("key", 0, &key, "FPR", "sign with this release key (default: the one MAINTAINERS lists and gpg has)"),
		OPT_BOOL_("dry-run", 'n', &dry_run, "run the preflight and print the plan; change nothing"),
		OPT_STRING_("out", 'o', &out, "DIR", "write artifacts to DIR/X.Y.Z (default: dist)"),
		OPT_LIST_("skip", 0, &skip, "CHECK", "skip a tree check (build, abi, boot); recorded"),
		OPT_INT_("jobs", 'j', &jobs, "N", "parallel jobs for builds and compression"),
		OPT_BOOL_("due", 0, &due, "list the branches due for a release"),
		OPT_BOOL_("all-due", 0, &all_due, "release every due branch, then print a summary"),
		OPT_BOOL_("json", 0, &xs_json, "with --due: the list as JSON (shape in xenstable(1))"),
		OPT_END_(),
	};
	struct release_env e;
	char fpr[GPG_FPR_LEN + 1];
	int64_t when;
	size_t i;
	int rc;

	argc = parse_options(argc, argv, opts, release_usage);
	if (argc < 0) {
		strvec_clear(&skip);
		return PARSE_OPT_EXIT(argc);
	}
	rc = 0;
	if ((due || all_due) ? argc != 0 : argc != 1)
		rc = error_usage(due || all_due ? "--due and --all-due take no branch" :
				 "name one branch (see --help)");
	if (!rc && due && all_due)
		rc = error_usage("--due and --all-due go alone");
	if (!rc && xs_json && !due)
		rc = error_usage("xenstable release %s has no JSON output (--json goes with "
				 "--due)", all_due ? "--all-due" : "BRANCH");
	for (i = 0; !rc && i < skip.nr; i++) {
		size_t k;

		for (k = 0; skippable[k] && strcmp(skippable[k], skip.v[i]); k++)
			;
		if (!skippable[k])
			rc = error_usage("--skip %s: only build, abi and boot can be skipped",
					 skip.v[i]);
	}
	if (!rc && key && gpg_normalize_fpr(key, fpr))
		rc = error_usage("--key '%s' is not a 40-digit fingerprint", key);
	when = date_now();
	if (!rc && date)
		rc = date_option(date, &when);
	if (rc) {
		strvec_clear(&skip);
		return rc;
	}
	rc = env_load(&e, ctx, out);
	if (!rc && !due && !dry_run) {
		rc = ctx_lock(ctx, all_due ? "release --all-due" : "release");
		if (!rc)
			rc = ctx_lock_source(&e.src, &ctx->source_lock, "release");
	}
	if (!rc) {
		if (due || all_due) {
			rc = show_due(&e, ctx, when, all_due, key ? fpr : NULL, jobs, &skip);
		} else {
			const struct branch *b = branch_find(&e.branches, argv[0]);
			char *summary = NULL;

			if (!b)
				rc = branch_error_unknown(&e.branches, argv[0], XS_INPUT);
			else
				rc = release_one(&e, ctx, b, when, key ? fpr : NULL, jobs, &skip,
						 dry_run, &summary);
			free(summary);
		}
	}
	env_release(&e);
	strvec_clear(&skip);
	return rc;
}
