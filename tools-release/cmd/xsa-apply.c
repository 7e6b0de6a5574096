/*
 * xenstable xsa apply: put public XSA fixes on the stable branches.
 *
 *	xenstable xsa apply BRANCH [NNN...] [--date D] [--dry-run]
 *	                    [--variant NAME] [--to REF] [--keep-worktree]
 *	xenstable xsa apply --all [--date D] [--dry-run]
 *	xenstable xsa apply --continue | --abort
 *
 * domain/xsa-apply.h decides what goes where; this file parses options,
 * takes the locks and prints the report.  Exit 0 when everything that
 * should be on the branch is, 1 on a conflict, 3 for refused input, 4 for
 * the environment (a dirty or locked checkout, a lock held).
 */
#include "xsa.h"
#include "../domain/apply.h"
#include "../domain/branch.h"
#include "../domain/embargo.h"
#include "../domain/xsa-apply.h"
#include "../domain/xsa-status.h"
#include "../domain/xsa-store.h"
#include "../lib/date.h"
#include "../lib/json.h"
#include "../lib/parse-options.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"
#include "../lib/quote.h"

static const char *const apply_usage[] = {
	"xenstable xsa apply BRANCH [NNN...] [--date D] [--dry-run] [--variant NAME]\n"
	"                           [--to REF] [--keep-worktree] [--json]",
	"xenstable xsa apply --all [--date D] [--dry-run] [--json]",
	"xenstable xsa apply --continue | --abort [--json]",
	NULL
};

static const char *short_oid(const char *oid)
{
	static char buf[4][13];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%.12s", oid && *oid ? oid : "-");
	return buf[k];
}

static const char *ref_name(const char *ref)
{
	const char *v;

	return skip_prefix(ref, "refs/heads/", &v) ? v : ref;
}

/* What a reader should call the outcome, given where the run stands. */
static const char *outcome_word(const struct xa_plan *p, const struct xa_entry *e)
{
	if (e->outcome == XA_APPLIED && p->dry_run)
		return "would-apply";
	if ((e->outcome == XA_APPLIED || e->outcome == XA_PENDING) && p->worktree && !p->moved)
		return e->outcome == XA_APPLIED ? "waiting" : "pending";
	return xa_outcome_name(e->outcome);
}

static void print_failure(const struct xa_plan *p, const struct xa_entry *e)
{
	const struct apply_conflict *c = &e->conflict;
	size_t i;

	if (e->outcome == XA_REJECTED) {
		printf("             %s is not a safe patch (see the error above); nothing was "
		       "applied\n", e->p[e->failed].name);
		return;
	}
	printf("             %s does not apply to %s", e->p[e->failed].name, ref_name(p->target));
	if (c->file)
		printf(": %s", c->file);
	if (c->hunk)
		printf(", hunk %s", c->hunk);
	else if (c->line)
		printf(", line %d", c->line);
	printf("\n");
	if (c->reason)
		printf("             git apply: %s\n", c->reason);
	for (i = 0; i < e->meta_hints.nr; i++)
		printf("             %s\n", e->meta_hints.v[i]);
	if (e->stale[0])
		printf("             the branch has version %d's patch (commit %s); version %d "
		       "changed it\n", e->stale_version, short_oid(e->stale), e->version);
	for (i = 0; i < c->blame.nr; i++)
		printf("             %s %.12s%s\n", i ? "               " : "last touched by:",
		       c->blame.v[i], strlen(c->blame.v[i]) > 40 ? c->blame.v[i] + 40 : "");
	for (i = 0; i < e->clean_variants.nr; i++)
		printf("             %s of XSA-%d applies cleanly here; it is not used unless "
		       "you say so: --variant '%s'\n", e->clean_variants.v[i], e->xsa,
		       e->clean_variants.v[i]);
	if (!e->clean_variants.nr)
		printf("             no other variant of XSA-%d applies cleanly here\n", e->xsa);
}

static void print_plan(const struct xa_plan *p, int with_head)
{
	char d[32];
	size_t i, k, failed = 0;

	date_format_short(p->date, d);
	if (with_head)
		printf("XSA apply to %s (%s)%s on %s UTC%s\n", ref_name(p->target), p->branch,
		       p->private_target ? ", a private ref" : "", d,
		       p->dry_run ? " (dry run: nothing is changed)" : "");
	if (!p->nr)
		printf("  nothing pending for %s\n", p->branch);
	for (i = 0; i < p->nr; i++) {
		const struct xa_entry *e = &p->e[i];
		int one = e->nr == 1 && e->p[0].commit[0];

		printf("  XSA-%-5d %-11s %s%s", e->xsa, outcome_word(p, e),
		       e->variant ? e->variant : "-", e->forced ? " (--variant)" : "");
		if (one)
			printf(" -> %s%s", short_oid(e->p[0].commit),
			       e->p[0].adapted ? " (adapted by hand)" : "");
		printf("\n");
		if (e->outcome == XA_CONFLICT || e->outcome == XA_REJECTED) {
			failed++;
			print_failure(p, e);
			continue;
		}
		for (k = 0; !one && e->nr > 1 && k < e->nr && e->outcome != XA_EMBARGOED &&
			    e->outcome != XA_NOT_TRIED; k++) {
			const struct xa_patch *pt = &e->p[k];

			if (pt->outcome == APPLY_PENDING)
				continue;
			printf("             %-8s %s%s%s%s\n", apply_outcome_name(pt->outcome),
			       pt->name, pt->commit[0] ? " -> " : "",
			       pt->commit[0] ? short_oid(pt->commit) : "",
			       pt->adapted ? " (adapted by hand)" : "");
		}
		if (e->detail && e->outcome != XA_CONFLICT)
			printf("             %s\n", e->detail);
	}
	if (p->applied_before)
		printf("  (%zu more XSA%s in %s already)\n", p->applied_before,
		       p->applied_before == 1 ? " is" : "s are", p->branch);
	if (p->worktree && !p->moved) {
		printf("\n%s: nothing moved yet.  The conflict is left for you in\n    %s\n",
		       ref_name(p->target), p->worktree);
		if (p->kept_clean)
			printf("git merged it there without trouble; check the result.\n");
		else if (!strcmp(p->method, "3way"))
			printf("with conflict markers in:");
		else
			printf("with the hunks that did not apply in .rej files:");
		for (k = 0; !p->kept_clean && k < p->kept_files.nr; k++)
			printf(" %s", p->kept_files.v[k]);
		if (!p->kept_clean)
			printf("\n");
		{
			char *cont = self_cmd_str("xsa", "apply", "--continue", NULL);
			char *abort_ = self_cmd_str("xsa", "apply", "--abort", NULL);

			printf("Finish the change there (leave it uncommitted, delete the .rej "
			       "files), then run:\n  %s\nor give up with:\n  %s\n", cont, abort_);
			free(cont);
			free(abort_);
		}
	} else if (failed) {
		printf("\n%s: nothing moved (stays at %s)\n", ref_name(p->target),
		       short_oid(p->base));
	} else if (p->embargo_refused) {
		printf("\n%s: nothing moved (stays at %s): the result would carry embargoed "
		       "content\n", ref_name(p->target), short_oid(p->base));
	} else if (p->dry_run && !strcmp(p->base, p->tip)) {
		printf("\n%s: nothing would move (stays at %s)\n", ref_name(p->target),
		       short_oid(p->base));
	} else if (p->dry_run) {
		printf("\n%s: would move %s -> %s\n", ref_name(p->target), short_oid(p->base),
		       short_oid(p->tip));
	} else if (p->moved) {
		printf("\n%s: %s -> %s%s\n", ref_name(p->target), short_oid(p->base),
		       short_oid(p->tip), p->base[0] ? "" : " (created)");
		for (k = 0; k < p->checkouts.nr; k++)
			printf("  checkout %s updated\n", p->checkouts.v[k]);
	} else {
		printf("\n%s: unchanged (%s)\n", ref_name(p->target), short_oid(p->base));
	}
}

static void print_json(const struct xa_plan *plans, size_t nr, int all, int64_t date, int rc)
{
	struct json_writer w;
	struct strbuf out = STRBUF_INIT;
	size_t i;

	jw_init(&w, 1);
	if (all) {
		char d[32];

		jw_obj_begin(&w);
		date_format_iso(date, d);
		jw_kv_str(&w, "date", d);
		jw_kv_int(&w, "exit", exit_code(rc));
		jw_key(&w, "branches");
		jw_arr_begin(&w);
	}
	for (i = 0; i < nr; i++)
		xa_plan_json(&plans[i], &w);
	if (all) {
		jw_arr_end(&w);
		jw_obj_end(&w);
	}
	jw_finish(&w, &out);
	fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	jw_release(&w);
}

/* One table: a row per XSA that was pending somewhere, a column per branch. */
static void print_table(const struct xa_plan *plans, size_t nr, const struct xsa_matrix *m,
			const size_t *col)
{
	size_t i, k, j;
	char d[32];

	date_format_short(m->date, d);
	printf("XSA apply --all on %s UTC: %zu security-supported branch%s\n\n", d, nr,
	       nr == 1 ? "" : "es");
	printf("%-6s", "XSA");
	for (k = 0; k < nr; k++)
		printf(" %-12s", plans[k].branch);
	printf("\n");
	for (i = 0; i < m->nr_xsa; i++) {
		int show = 0;

		for (k = 0; k < nr; k++)
			for (j = 0; j < plans[k].nr; j++)
				show |= plans[k].e[j].xsa == m->xsa[i]->number;
		if (!show)
			continue;
		printf("%-6d", m->xsa[i]->number);
		for (k = 0; k < nr; k++) {
			const char *w = NULL;

			for (j = 0; j < plans[k].nr && !w; j++)
				if (plans[k].e[j].xsa == m->xsa[i]->number)
					w = outcome_word(&plans[k], &plans[k].e[j]);
			if (!w) {
				const struct xsa_cell *c = xsa_matrix_cell(m, i, col[k]);

				w = c->state == XSA_APPLIED ? "already" : xsa_state_name(c->state);
			}
			printf(" %-12s", w);
		}
		printf("\n");
	}
	printf("\n");
	for (k = 0; k < nr; k++) {
		const struct xa_plan *p = &plans[k];
		int failed = 0;

		for (j = 0; j < p->nr; j++)
			failed |= p->e[j].outcome == XA_CONFLICT || p->e[j].outcome == XA_REJECTED;
		if (failed) {
			printf("%s:\n", p->branch);
			print_plan(p, 0);
		} else if ((p->moved || p->dry_run) && strcmp(p->base, p->tip)) {
			printf("%s: %s %s -> %s\n", p->branch, p->dry_run ? "would move" : "moved",
			       short_oid(p->base), short_oid(p->tip));
		} else if (p->dry_run) {
			printf("%s: nothing would move (stays at %s)\n", p->branch,
			       short_oid(p->base));
		} else {
			printf("%s: unchanged\n", p->branch);
		}
	}
}

/* Is ref a private ref we may create or move for --to? */
static int check_private_ref(const struct git_repo *src, const struct branch_set *bs,
			     const char *ref)
{
	const char *v;
	size_t i;

	if (!starts_with(ref, "refs/"))
		return error_usage("--to needs a full ref name, e.g. refs/embargo/4.19 (got '%s')",
				   ref);
	if (git_try(src, NULL, NULL, "check-ref-format", ref, NULL))
		return error_usage("--to %s: not a valid ref name", ref);
	if (starts_with(ref, "refs/tags/") || starts_with(ref, "refs/remotes/"))
		return error_usage("--to %s: tags and remote-tracking refs are not private refs",
				   ref);
	if (skip_prefix(ref, "refs/heads/", &v)) {
		if (starts_with(v, "stable-") || starts_with(v, "staging-") ||
		    !strcmp(v, "master") || !strcmp(v, "main"))
			return error_usage("--to %s is a public branch; use a private ref such as "
					   "refs/embargo/...", ref);
		for (i = 0; i < bs->nr; i++)
			if (!strcmp(bs->v[i].ref, v) || !strcmp(bs->v[i].ref, ref))
				return error_usage("--to %s is the maintained branch %s", ref,
						   bs->v[i].name);
	}
	return 0;
}

/* What is under embargo on date, when target (NULL: stable branches) is public. */
static int load_embargo(struct xs_ctx *ctx, const struct xsa_store *s, const struct git_repo *src,
			int64_t date, const char *target, struct embargo_set *es, int *have)
{
	struct embargo_load_opts eo;
	int rc;

	*have = 0;
	if (target && embargo_ref_is_private(target))
		return 0;
	memset(&eo, 0, sizeof(eo));
	eo.maint_root = ctx->repo;
	eo.store = s;
	eo.src = src;
	eo.date = date;
	rc = embargo_set_load(es, &eo);
	*have = !rc;
	return rc;
}

struct apply_args {
	const char *date, *variant, *to;
	int dry_run, keep, all, cont, abort, json;
};

static int do_continue(struct xs_ctx *ctx, const struct apply_args *a, struct git_repo *src)
{
	struct xa_plan plan;
	struct xsa_store s;
	struct xa_opts o;
	struct branch_set bs;
	struct embargo_set es;
	int rc = xa_state_load(src, &plan), st, have_bs = 0, have_es = 0;

	if (rc == 0) {
		xa_plan_release(&plan);
		return error_input("no XSA apply is waiting to be continued in %s", src->git_dir);
	}
	if (rc < 0)
		return rc;
	if (a->abort) {
		rc = xa_abort(src, &plan);
		if (!rc)
			printf("aborted: removed %s; %s never moved\n", plan.worktree,
			       ref_name(plan.target));
		xa_plan_release(&plan);
		return rc;
	}
	rc = xsa_store_load(&s, ctx->repo);
	if (rc) {
		xa_plan_release(&plan);
		return rc;
	}
	memset(&o, 0, sizeof(o));
	o.store = &s;
	o.src = src;
	o.date = plan.date;
	o.keep_worktree = 1;
	rc = branches_load(&bs, ctx->repo);
	if (!rc) {
		have_bs = 1;
		o.branches = &bs;
		rc = load_embargo(ctx, &s, src, plan.date, plan.target, &es, &have_es);
		o.embargo = have_es ? &es : NULL;
	}
	if (!rc)
		rc = xa_continue(&o, &plan);
	st = rc;
	if (rc >= 0) {
		if (a->json || xs_json)
			print_json(&plan, 1, 0, plan.date, rc);
		else
			print_plan(&plan, 1);
	}
	if (have_es)
		embargo_set_release(&es);
	if (have_bs)
		branches_release(&bs);
	xsa_store_release(&s);
	xa_plan_release(&plan);
	return st;
}

static int do_branch(const struct apply_args *a, struct xa_opts *o,
		     const struct branch_set *bs, const char *name)
{
	const struct branch *b = branch_find(bs, name);
	struct strvec only = STRVEC_INIT;
	struct xsa_status_opts so;
	struct xsa_matrix m;
	struct xa_plan plan;
	int rc;

	if (!b)
		return branch_error_unknown(bs, name, XS_INPUT);
	if (a->to && (rc = check_private_ref(o->src, bs, a->to)))
		return rc;
	{
		char oid[GIT_MAX_HEXSZ + 1];

		rc = git_resolve_commit(o->src, b->full_ref, oid);
		if (rc == 1)
			return error_input("branch %s (%s) does not exist in the source repository %s",
					   b->name, b->ref, o->src->git_dir);
		if (rc)
			return rc;
	}
	strvec_push(&only, b->name);
	memset(&so, 0, sizeof(so));
	so.store = o->store;
	so.branches = bs;
	so.only = &only;
	so.src = o->src;
	so.date = o->date;
	rc = xsa_status_compute(&so, &m);
	strvec_clear(&only);
	if (rc)
		return rc;
	rc = xa_plan_branch(o, &m, 0, &plan);
	if (!rc)
		rc = xa_run(o, &plan);
	if (!rc || rc == XS_FAIL || (rc == -XS_INPUT && plan.nr)) {
		if (a->json || xs_json)
			print_json(&plan, 1, 0, o->date, rc);
		else
			print_plan(&plan, 1);
	}
	xa_plan_release(&plan);
	xsa_matrix_release(&m);
	return rc;
}

static int do_all(const struct apply_args *a, struct xa_opts *o, const struct branch_set *bs)
{
	struct xsa_status_opts so;
	struct xsa_matrix m;
	struct xa_plan *plans;
	struct xa_msgs msgs = { NULL, 0, 0 };
	size_t *col, nr = 0, k;
	int rc, worst = 0, *rcs;

	memset(&so, 0, sizeof(so));
	so.store = o->store;
	so.branches = bs;
	so.src = o->src;
	so.date = o->date;
	rc = xsa_status_compute(&so, &m);
	if (rc)
		return rc;
	plans = xcalloc(m.nr_br + 1, sizeof(*plans));
	col = xcalloc(m.nr_br + 1, sizeof(*col));
	rcs = xcalloc(m.nr_br + 1, sizeof(*rcs));
	for (k = 0; k < m.nr_br; k++) {
		const struct branch *b = m.br[k].b;

		if (!branch_security_supported(b, (long)(o->date / 86400))) {
			say("skipping %s: not security-supported on this date", b->name);
			continue;
		}
		col[nr] = k;
		rc = xa_plan_branch(o, &m, k, &plans[nr]);
		if (rc) {
			/* The plan could not be made: this branch stays out. */
			worst = worst_result(worst, rc);
			xa_plan_release(&plans[nr]);
			continue;
		}
		nr++;
	}
	/* Each patch's message once, then every branch at the same time: one
	 * failing does not stop the others. */
	rc = xa_msgs_prepare(&msgs, o->src, plans, nr);
	if (!rc) {
		o->msgs = &msgs;
		xa_run_parallel(o, plans, nr, rcs);
		o->msgs = NULL;
		for (k = 0; k < nr; k++)
			worst = worst_result(worst, rcs[k]);
	} else {
		worst = worst_result(worst, rc);
	}
	if (a->json || xs_json)
		print_json(plans, nr, 1, o->date, worst);
	else if (!nr)
		printf("no security-supported branch in the source repository\n");
	else
		print_table(plans, nr, &m, col);
	for (k = 0; k < nr; k++)
		xa_plan_release(&plans[k]);
	xa_msgs_release(&msgs);
	free(plans);
	free(col);
	free(rcs);
	xsa_matrix_release(&m);
	if (worst > 0)
		return error_fail("XSAs did not apply on every branch (see above)");
	return worst;
}

int cmd_xsa_apply(int argc, const char **argv, struct xs_ctx *ctx)
{
	struct apply_args a;
	struct option opts[] = {
		OPT_STRING_("date", 0, &a.date, "D", "embargo and support decisions on this day or time (default: now)"),
		OPT_BOOL_("dry-run", 'n', &a.dry_run, "show what would happen; change nothing"),
		OPT_STRING_("variant", 0, &a.variant, "NAME", "use this patch or series of the one XSA named"),
		OPT_STRING_("to", 0, &a.to, "REF", "apply to this private ref (created from BRANCH) instead"),
		OPT_BOOL_("keep-worktree", 0, &a.keep, "on a conflict, leave a worktree to finish by hand"),
		OPT_BOOL_("all", 0, &a.all, "every security-supported branch; one table"),
		OPT_BOOL_("continue", 0, &a.cont, "commit the hand-made fix and apply the rest"),
		OPT_BOOL_("abort", 0, &a.abort, "give up the run waiting for --continue"),
		OPT_BOOL_("json", 0, &a.json, "machine-readable report"),
		OPT_END_(),
	};
	struct branch_set bs;
	struct xsa_store s;
	struct git_repo src;
	struct repo_lock slock = REPO_LOCK_INIT;
	struct xa_opts o;
	struct xa_plan waiting;
	struct embargo_set es;
	int *numbers = NULL, rc, i, n, have_es = 0;

	memset(&a, 0, sizeof(a));
	n = parse_options(argc, argv, opts, apply_usage);
	if (n < 0)
		return PARSE_OPT_EXIT(n);
	if (a.cont || a.abort) {
		if (n || a.all || a.to || a.variant || a.keep || a.dry_run || (a.cont && a.abort))
			return error_usage("--continue and --abort take no other arguments");
	} else if (a.all) {
		if (n || a.to || a.variant || a.keep)
			return error_usage("--all takes no branch, XSA, --to, --variant or "
					   "--keep-worktree");
	} else if (n < 1) {
		usage_with_options(stderr, apply_usage, opts);
		return -XS_USAGE;
	}
	if (a.variant && n != 2)
		return error_usage("--variant needs exactly one XSA number after the branch");
	if (a.keep && a.dry_run)
		return error_usage("--keep-worktree and --dry-run do not go together");
	memset(&o, 0, sizeof(o));
	o.date = date_now();
	if (a.date && (rc = xsa_date_option(a.date, &o.date)))
		return rc;
	if (n > 1) {
		numbers = xcalloc((size_t)n, sizeof(*numbers));
		for (i = 1; i < n; i++) {
			numbers[i - 1] = xsa_arg_number(argv[i]);
			if (numbers[i - 1] < 0) {
				free(numbers);
				return error_usage("'%s' is not an XSA number", argv[i]);
			}
		}
	}
	rc = ctx_open_source(ctx, &src);
	if (rc) {
		free(numbers);
		return rc;
	}
	rc = ctx_lock(ctx, "xsa apply");
	if (!rc)
		rc = ctx_lock_source(&src, &slock, "xsa apply");
	if (rc)
		goto out_src;
	/* A run killed half-way (under the lock we hold now) left these. */
	apply_clean_leftovers(&src);
	if (a.cont || a.abort) {
		rc = do_continue(ctx, &a, &src);
		goto out_src;
	}
	/* One run at a time: a conflict left for a person comes first. */
	rc = xa_state_load(&src, &waiting);
	if (rc > 0 && !a.dry_run) {
		const struct xa_entry *e = NULL;
		size_t k;

		for (k = 0; k < waiting.nr && !e; k++)
			if (waiting.e[k].outcome == XA_CONFLICT)
				e = &waiting.e[k];
		char *cont = self_cmd_str("xsa", "apply", "--continue", NULL);

		rc = error_env("an apply to %s waits for you in %s (XSA-%d did not apply); "
			       "finish it (or give up with --abort instead of --continue), then "
			       "run: %s", ref_name(waiting.target), waiting.worktree,
			       e ? e->xsa : 0, cont);
		free(cont);
	} else if (rc > 0) {
		rc = 0;
	}
	xa_plan_release(&waiting);
	if (rc)
		goto out_src;
	rc = branches_load(&bs, ctx->repo);
	if (rc)
		goto out_src;
	rc = xsa_store_load(&s, ctx->repo);
	if (rc)
		goto out_bs;
	rc = load_embargo(ctx, &s, &src, o.date, a.all ? NULL : a.to, &es, &have_es);
	if (rc)
		goto out_store;
	o.embargo = have_es ? &es : NULL;
	o.branches = &bs;
	o.store = &s;
	o.src = &src;
	o.numbers = numbers;
	o.nr_numbers = n > 1 ? (size_t)(n - 1) : 0;
	o.variant = a.variant;
	o.to = a.to;
	o.dry_run = a.dry_run;
	o.keep_worktree = a.keep;
	if (a.all)
		rc = do_all(&a, &o, &bs);
	else
		rc = do_branch(&a, &o, &bs, argv[0]);
	if (have_es)
		embargo_set_release(&es);
out_store:
	xsa_store_release(&s);
out_bs:
	branches_release(&bs);
out_src:
	lock_release(&slock);
	git_close(&src);
	free(numbers);
	return rc;
}
