/*
 * xenstable bundle create: make a predisclosure backport bundle for one
 * branch from a range of commits or a directory of patches, checked to
 * apply to the base (and built, and booted when asked) before anything
 * is written; signed by the producer, optionally encrypted to members.
 */
#include "bundle.h"
#include "../domain/bundle-apply.h"
#include "../domain/branch.h"
#include "../lib/date.h"
#include "../lib/fs.h"
#include "../lib/parse-options.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"
#include "xsa.h"

static const char *const create_usage[] = {
	"xenstable bundle create --branch B --xsa N [--xsa N...] (--commits A..B | --patches DIR)",
	"                        [--base REF] [--embargo 'YYYY-MM-DD HH:MM'] --key FPR",
	"                        [--encrypt-to FPR...] [--producer NAME] [--revise ID] [-o FILE]",
	"                        [--no-build] [--boot]",
	NULL
};

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int cmd_bundle_create(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *branch = NULL, *commits = NULL, *patches = NULL, *base = NULL,
		   *embargo = NULL, *key = NULL, *producer = NULL, *revise = NULL, *out = NULL;
	struct strvec xsa_args = STRVEC_INIT, encrypt_to = STRVEC_INIT;
	int no_build = 0, boot = 0;
	struct option opts[] = {
		OPT_STRING_("branch", 0, &branch, "B", "the branch the backports are for (required)"),
		OPT_LIST_("xsa", 0, &xsa_args, "N", "an XSA the bundle fixes (required; repeatable)"),
		OPT_STRING_("commits", 0, &commits, "A..B", "the commits to bundle, oldest first"),
		OPT_STRING_("patches", 0, &patches, "DIR", "or the *.patch files of DIR, in name order"),
		OPT_STRING_("base", 0, &base, "REF", "what the patches apply to (default: A, or the branch)"),
		OPT_STRING_("embargo", 0, &embargo, "TIME", "embargo end, 'YYYY-MM-DD HH:MM' UTC"),
		OPT_STRING_("key", 0, &key, "FPR", "the producer's signing key, pinned as a member (required)"),
		OPT_LIST_("encrypt-to", 0, &encrypt_to, "FPR", "encrypt to this member (repeatable)"),
		OPT_STRING_("producer", 0, &producer, "NAME", "member name (default: from MAINTAINERS)"),
		OPT_STRING_("revise", 0, &revise, "ID", "a new revision of bundle ID"),
		OPT_STRING_("output", 'o', &out, "FILE", "where to write (default: backports/B/)"),
		OPT_BOOL_("no-build", 0, &no_build, "do not build the patched tree"),
		OPT_BOOL_("boot", 0, &boot, "also boot the patched hypervisor (qemu)"),
		OPT_END_(),
	};
	struct bundle_create_opts o;
	struct bundle_created res;
	struct branch_set bs;
	struct bundle_members members;
	struct bundle_store store;
	struct xsa_store xs;
	struct git_repo src;
	struct gpg_ctx gpg;
	int *xsas = NULL, have_members = 0, have_store = 0, have_xs = 0, have_src = 0, rc;
	size_t i;

	argc = parse_options(argc, argv, opts, create_usage);
	if (argc < 0) {
		/* A usage error after some lists were filled. */
		strvec_clear(&xsa_args);
		strvec_clear(&encrypt_to);
		return PARSE_OPT_EXIT(argc);
	}
	rc = 0;
	if (argc)
		rc = error_usage("unexpected argument '%s'", argv[0]);
	else if (!branch || !xsa_args.nr || !key)
		rc = error_usage("--branch, --xsa and --key are required");
	else if (!!commits == !!patches)
		rc = error_usage("give exactly one of --commits A..B and --patches DIR");
	if (rc) {
		usage_with_options(stderr, create_usage, opts);
		strvec_clear(&xsa_args);
		strvec_clear(&encrypt_to);
		return rc;
	}
	memset(&o, 0, sizeof(o));
	xsas = xcalloc(xsa_args.nr, sizeof(int));
	for (i = 0; i < xsa_args.nr; i++) {
		xsas[i] = xsa_arg_number(xsa_args.v[i]);
		if (xsas[i] < 0) {
			rc = error_usage("--xsa '%s' is not an XSA number", xsa_args.v[i]);
			goto out_args;
		}
	}
	qsort(xsas, xsa_args.nr, sizeof(int), cmp_int);
	for (i = 1; i < xsa_args.nr; i++)
		if (xsas[i] == xsas[i - 1]) {
			rc = error_usage("--xsa %d given twice", xsas[i]);
			goto out_args;
		}
	o.now = date_now();
	if (embargo) {
		if (date_parse_time(embargo, &o.embargo_until)) {
			rc = error_usage("--embargo '%s': expected 'YYYY-MM-DD HH:MM' (UTC)", embargo);
			goto out_args;
		}
		if (o.embargo_until <= o.now) {
			rc = error_usage("--embargo '%s' is not in the future", embargo);
			goto out_args;
		}
	}
	if (revise && !bundle_id_ok(revise)) {
		rc = error_usage("--revise '%s' is not a bundle id (a lowercase UUID)", revise);
		goto out_args;
	}
	if (patches && !is_dir(patches)) {
		rc = error_usage("--patches %s: not a directory", patches);
		goto out_args;
	}
	rc = branches_load(&bs, ctx->repo);
	if (rc)
		goto out_args;
	o.branch = branch_find(&bs, branch);
	if (!o.branch) {
		rc = branch_error_unknown(&bs, branch, XS_INPUT);
		goto out_bs;
	}
	gpg_init(&gpg, NULL);
	bundle_created_init(&res);
	rc = ctx_lock(ctx, "bundle create");
	if (!rc) {
		rc = bundle_members_load(&members, ctx->repo);
		have_members = 1;
	}
	if (!rc) {
		rc = bundle_store_load(&store, ctx->repo);
		have_store = !rc;
	}
	if (!rc)
		rc = bundle_store_reconcile(&store, &members, &gpg);
	if (!rc) {
		rc = xsa_store_load(&xs, ctx->repo);
		have_xs = !rc;
	}
	if (!rc) {
		rc = ctx_open_source(ctx, &src);
		have_src = !rc;
	}
	if (rc)
		goto out;
	o.maint_root = ctx->repo;
	o.src = &src;
	o.xsas = xsas;
	o.nr_xsas = xsa_args.nr;
	o.commits = commits;
	o.patches_dir = patches;
	o.base = base;
	o.key = key;
	o.producer = producer;
	o.encrypt_to = &encrypt_to;
	o.revise = revise;
	o.out = out;
	o.build = !no_build;
	o.boot = boot;
	o.xsa_store = &xs;
	o.members = &members;
	o.gpg = &gpg;
	o.store = &store;
	rc = bundle_create(&o, &res);
	if (res.run.res && rc > 0) {
		for (i = 0; i < res.run.nr; i++) {
			const struct apply_result *r = &res.run.res[i];

			if (r->outcome != APPLY_CONFLICT)
				continue;
			printf("does not apply: %s\n    %s%s%s\n", res.run.items[i].name,
			       r->conflict.file ? r->conflict.file : "", r->conflict.file ? ": " : "",
			       r->detail ? r->detail : "");
		}
		printf("nothing was written\n");
	}
	if (!rc) {
		printf("bundle %s revision %ld for %s: %zu patch(es), XSA", res.m.id, res.m.revision,
		       res.m.branch, res.m.nr_files);
		for (i = 0; i < res.m.nr_xsas; i++)
			printf("%s%d", i ? ", XSA-" : "-", res.m.xsas[i]);
		printf("\n");
		for (i = 0; i < res.m.nr_files; i++)
			printf("  %-12s %s\n", bundle_role_name(res.m.files[i].role),
			       res.m.files[i].name);
		printf("tested: applied cleanly to %s; built: %s; booted: %s\n", res.m.base_ref,
		       res.m.tested_built ? "yes" : "no", res.m.tested_booted ? "yes" : "no");
		for (i = 0; i < res.notes.nr; i++)
			printf("note: %s\n", res.notes.v[i]);
		if (res.m.embargo_until) {
			char d[32];

			date_format_short(res.m.embargo_until, d);
			printf("embargoed until %s UTC\n", d);
		}
		printf("wrote %s%s\n", res.path, encrypt_to.nr ? " (encrypted)" : "");
		if (res.m.embargo_until && !encrypt_to.nr)
			warning("%s is embargoed and not encrypted: do not push it anywhere public "
				"before the embargo ends", res.path);
	}
out:
	bundle_created_release(&res);
	if (have_src)
		git_close(&src);
	if (have_xs)
		xsa_store_release(&xs);
	if (have_store)
		bundle_store_release(&store);
	if (have_members)
		bundle_members_release(&members);
	gpg_release(&gpg);
out_bs:
	branches_release(&bs);
out_args:
	free(xsas);
	strvec_clear(&xsa_args);
	strvec_clear(&encrypt_to);
	return rc;
}
