/*
 * xenstable bundle apply FILE --branch B [--to REF] [--date D]: verify
 * (as bundle verify), then apply the patches in order with domain/apply.h:
 * private index, zero fuzz, patches already in left alone, the ref moved
 * only when all are in.  While the embargo is on at D only a ref under
 * refs/embargo/ may receive them (default refs/embargo/B/xsa-N) and each
 * commit carries "Embargo-Until:"; afterwards the default is the branch.
 */
#include "bundle.h"
#include "../domain/bundle-apply.h"
#include "../domain/branch.h"
#include "../domain/embargo.h"
#include "../lib/date.h"
#include "../lib/parse-options.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"

static const char *const apply_usage[] = {
	"xenstable bundle apply FILE --branch B [--to REF] [--date D]",
	NULL
};

static char *full_ref(const char *to)
{
	if (starts_with(to, "refs/"))
		return xstrdup(to);
	return xstrfmt("refs/heads/%s", to);
}

/*
 * The ref the patches go to, checked before anything is written, for
 * what would otherwise fail only at the final compare-and-swap, as if
 * the ref had changed under us: an existing ref must point at a commit,
 * not at an annotated tag object; a new one must not clash with the refs
 * there (git keeps refs as paths: refs/embargo/4.19 and
 * refs/embargo/4.19/xsa-960 cannot both exist).
 */
static int check_target_ref(const struct git_repo *src, const char *ref, const char *to)
{
	struct strvec under = STRVEC_INIT;
	char *other = NULL;
	const char *p;
	size_t i;
	int rc = git_ref_exists(src, ref);

	if (rc < 0)
		return rc;
	if (rc) {
		char direct[GIT_MAX_HEXSZ + 1], commit[GIT_MAX_HEXSZ + 1];

		rc = git_resolve(src, ref, direct);
		if (!rc)
			rc = git_resolve_commit(src, ref, commit);
		if (rc == 1)
			return error_input("%s does not point at a commit", ref);
		if (!rc && strcmp(direct, commit))
			rc = error_input("%s points at a tag object (%.12s), not at a commit; a "
					 "branch xenstable moves must point at a commit (its commit "
					 "is %.12s)", ref, direct, commit);
		return rc;
	}
	for (p = strchr(ref + 5, '/'); p && !other; p = strchr(p + 1, '/')) {
		char *prefix = xmemdupz(ref, (size_t)(p - ref));

		rc = git_ref_exists(src, prefix);
		if (rc < 0) {
			free(prefix);
			return rc;
		}
		if (rc)
			other = prefix;
		else
			free(prefix);
	}
	if (!other) {
		rc = git_list_refs(src, ref, &under);
		for (i = 0; !rc && i < under.nr && !other; i++)
			if (starts_with(under.v[i], ref) && under.v[i][strlen(ref)] == '/')
				other = xstrdup(under.v[i]);
		strvec_clear(&under);
		if (rc)
			return rc;
	}
	if (!other)
		return 0;
	if (to)
		rc = error_usage("--to %s: cannot create %s while %s exists (git keeps refs as "
				 "paths: one cannot be both a ref and a directory of refs); choose "
				 "another --to", to, ref, other);
	else
		rc = error_input("cannot create %s, where this bundle goes by default, while %s "
				 "exists (git keeps refs as paths: one cannot be both a ref and a "
				 "directory of refs); give --to REF", ref, other);
	free(other);
	return rc;
}

static void print_run(const struct apply_run *run, const struct bundle *b)
{
	size_t i;

	for (i = 0; i < run->nr; i++) {
		const struct apply_result *r = &run->res[i];

		printf("  %-9s %s", apply_outcome_name(r->outcome), b->m.files[i].name);
		if (r->commit[0])
			printf(" -> %.12s", r->commit);
		printf("\n");
		if (r->outcome == APPLY_CONFLICT) {
			size_t k;

			printf("            %s%s%s\n", r->conflict.file ? r->conflict.file : "",
			       r->conflict.file ? ": " : "", r->detail ? r->detail : "");
			if (r->conflict.hunk)
				printf("            hunk %s\n", r->conflict.hunk);
			for (k = 0; k < r->conflict.blame.nr; k++)
				printf("            last touched by %s\n", r->conflict.blame.v[k]);
		} else if (r->detail && r->outcome != APPLY_APPLIED) {
			printf("            %s\n", r->detail);
		}
	}
}

struct keep_data {
	struct bundle_session *s;
	char **kept;
};

static int keep_before_move(void *data)
{
	struct keep_data *k = data;

	return bundle_keep(&k->s->store, &k->s->b, date_now(), k->kept);
}

int cmd_bundle_apply(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *branch = NULL, *to = NULL, *date_arg = NULL;
	struct option opts[] = {
		OPT_STRING_("branch", 0, &branch, "B", "the branch the bundle is for (required)"),
		OPT_STRING_("to", 0, &to, "REF", "ref to apply to (default: refs/embargo/B/xsa-N "
			    "while embargoed, else the branch)"),
		OPT_STRING_("date", 0, &date_arg, "D", "judge the embargo on this day (00:00) or time, UTC (default: now)"),
		OPT_END_(),
	};
	struct bundle_session s;
	struct branch_set bs;
	const struct branch *b;
	struct git_repo src;
	struct apply_run run;
	struct bundle_apply_opts ao;
	struct embargo_set es;
	struct keep_data keep;
	char *ref = NULL, *kept = NULL, d[32];
	int64_t date;
	int rc, have_src = 0, have_run = 0, have_es = 0;

	argc = parse_options(argc, argv, opts, apply_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc != 1 || !branch) {
		usage_with_options(stderr, apply_usage, opts);
		return error_usage(argc != 1 ? "one bundle file, please" : "--branch B is required");
	}
	date = date_now();
	if (date_arg && (rc = date_option(date_arg, &date)))
		return rc;
	rc = branches_load(&bs, ctx->repo);
	if (rc)
		return rc;
	memset(&s, 0, sizeof(s));
	b = branch_find(&bs, branch);
	if (!b) {
		rc = branch_error_unknown(&bs, branch, XS_INPUT);
		goto out_bs;
	}
	rc = bundle_session_open(&s, ctx, argv[0], date, "bundle apply");
	if (rc)
		goto out;
	if (strcmp(s.b.m.branch, b->name)) {
		rc = error_input("%s: the bundle is for branch %s, not %s", s.b.origin, s.b.m.branch,
				 b->name);
		goto out;
	}
	if (to) {
		ref = full_ref(to);
	} else if (s.embargoed) {
		ref = bundle_embargo_ref(&s.b.m);
	} else {
		ref = xstrfmt("refs/heads/%s", b->ref);
	}
	if (s.embargoed && !starts_with(ref, "refs/embargo/")) {
		char *def = bundle_embargo_ref(&s.b.m);

		date_format_short(s.b.m.embargo_until, d);
		rc = error_input("%s: under embargo until %s UTC: it applies only to a private ref "
				 "under refs/embargo/ (default %s), never to %s", s.b.origin, d,
				 def, ref);
		free(def);
		goto out;
	}
	if (!starts_with(ref, "refs/embargo/") && !starts_with(ref, "refs/heads/")) {
		rc = error_usage("--to %s: a bundle applies to a branch or a ref under refs/embargo/",
				 to);
		goto out;
	}
	rc = ctx_open_source(ctx, &src);
	if (rc)
		goto out;
	have_src = 1;
	if (git_try(&src, NULL, NULL, "check-ref-format", ref, NULL)) {
		rc = error_usage("--to %s: not a valid ref name", ref);
		goto out;
	}
	rc = ctx_lock_source(&src, &ctx->source_lock, "bundle apply");
	if (!rc)
		rc = check_target_ref(&src, ref, to);
	if (!rc) {
		char base[GIT_MAX_HEXSZ + 1];

		rc = git_resolve_commit(&src, s.b.m.base_commit, base);
		if (rc == 1)
			rc = error_input("%s: the bundle's base %s (commit %s) is not in the source "
					 "repository; fetch it first", s.b.origin, s.b.m.base_ref,
					 s.b.m.base_commit);
	}
	if (rc)
		goto out;
	if (!embargo_ref_is_private(ref)) {
		/* What is embargoed, by content, whatever this bundle calls itself. */
		struct embargo_load_opts eo;

		memset(&eo, 0, sizeof(eo));
		eo.maint_root = ctx->repo;
		eo.store = &s.xsa;
		eo.src = &src;
		eo.gpg = &s.gpg;
		eo.date = date;
		rc = embargo_set_load(&es, &eo);
		if (rc)
			goto out;
		have_es = 1;
	}
	memset(&ao, 0, sizeof(ao));
	ao.src = &src;
	ao.b = &s.b;
	ao.ref = ref;
	ao.embargoed = s.embargoed;
	ao.embargo = have_es ? &es : NULL;
	ao.branch = b;
	/* Seen (the replay guard) before any ref moves: kept and recorded, or no move. */
	keep.s = &s;
	keep.kept = &kept;
	ao.before_move = keep_before_move;
	ao.before_move_data = &keep;
	rc = bundle_apply(&ao, &run);
	have_run = 1;
	/* Nothing moved: still seen, unless it was refused for embargoed content. */
	if (!kept && !ao.embargo_refused) {
		int krc = bundle_keep(&s.store, &s.b, date_now(), &kept);

		if (krc && !rc)
			rc = krc;
	}
	printf("bundle %s revision %ld by %s: %zu patch(es) for %s on %s\n", s.b.m.id,
	       s.b.m.revision, s.b.m.producer, s.b.m.nr_files, b->name, ref);
	if (run.res)
		print_run(&run, &s.b);
	if (rc) {
		printf("%s was not changed\n", ref);
		if (kept)
			printf("kept %s (recorded in backports/seen.json)\n", kept);
		goto out;
	}
	if (!strcmp(run.base, run.tip))
		printf("%s already has every patch; nothing changed\n", ref);
	else
		printf("%s %s %.12s\n", ref, run.base[0] ? "moved to" : "created at", run.tip);
	if (s.embargoed) {
		date_format_short(s.b.m.embargo_until, d);
		printf("the commits carry 'Embargo-Until: %s UTC'; release refuses a branch that "
		       "has them before then\n", d);
	}
	printf("kept %s (recorded in backports/seen.json)\n", kept);
	if (s.embargoed && bundle_is_kept_copy(&s.store, &s.b))
		rc = embargo_keep_copy(ctx->repo, &s.b);
out:
	if (have_es)
		embargo_set_release(&es);
	if (have_run)
		apply_run_release(&run);
	if (have_src)
		git_close(&src);
	free(ref);
	free(kept);
	bundle_session_release(&s);
out_bs:
	branches_release(&bs);
	return rc;
}
