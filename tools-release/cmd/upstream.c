/*
 * xenstable upstream init: create the reference upstream repository, so
 * that every other command can run offline with no Xen checkout.
 */
#include "../builtin.h"
#include "../domain/maintainers.h"
#include "../domain/upstream.h"
#include "../lib/fs.h"
#include "../lib/gpg.h"
#include "../lib/parse-options.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"

static const char *const upstream_usage[] = {
	"xenstable upstream init DIR [--key FPR] [--plan DIR]",
	NULL
};

/*
 * The reference tree an installed xenstable carries: $XENSTABLE_DATA, else
 * ../share/xenstable beside the program (PREFIX/bin/xenstable ->
 * PREFIX/share/xenstable), when it holds upstream/plan.  malloc()ed or NULL.
 */
static char *installed_data_dir(void)
{
	const char *env = getenv("XENSTABLE_DATA");
	char *exe, *dir = NULL, *plan;

	if (env && *env) {
		dir = xstrdup(env);
	} else if ((exe = realpath("/proc/self/exe", NULL))) {
		char *bin = path_dirname(exe);

		dir = xstrfmt("%s/../share/xenstable", bin);
		free(bin);
		free(exe);
	}
	if (!dir)
		return NULL;
	plan = path_join(dir, "upstream/plan");
	if (!is_regular_file(plan)) {
		free(plan);
		free(dir);
		return NULL;
	}
	free(plan);
	return dir;
}

int cmd_upstream(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *key = NULL, *plan_dir = NULL;
	struct option opts[] = {
		OPT_STRING_("key", 0, &key, "FPR", "sign the RELEASE tags with this key"),
		OPT_STRING_("plan", 0, &plan_dir, "DIR", "plan directory (default: tools-release/upstream, else PREFIX/share/xenstable/upstream)"),
		OPT_END_(),
	};
	struct upstream_opts o;
	struct gpg_ctx gpg;
	char fpr[GPG_FPR_LEN + 1];
	char *default_plan = NULL, *data_root = NULL;
	int rc;

	argc = parse_options(argc, argv, opts, upstream_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc != 2 || strcmp(argv[0], "init")) {
		usage_with_options(stderr, upstream_usage, opts);
		return -XS_USAGE;
	}
	if (key && gpg_normalize_fpr(key, fpr))
		return error_usage("--key '%s' is not a 40-digit fingerprint", key);
	memset(&o, 0, sizeof(o));
	if (!plan_dir) {
		/* A checkout of xenstable has the tree and the plan; an installed
		 * xenstable has them in PREFIX/share/xenstable. */
		char *in_repo = ctx_path(ctx, "tools-release/upstream");
		char *plan_file = path_join(in_repo, "plan");

		if (is_regular_file(plan_file)) {
			plan_dir = default_plan = in_repo;
		} else {
			free(in_repo);
			data_root = installed_data_dir();
			if (!data_root) {
				free(plan_file);
				return error_env("no reference tree: %s has no tools-release/upstream/plan, "
						 "and xenstable's data is not installed beside it "
						 "(PREFIX/share/xenstable; XENSTABLE_DATA names another "
						 "place)", ctx->repo);
			}
			o.data_root = data_root;
			plan_dir = default_plan = path_join(data_root, "upstream");
		}
		free(plan_file);
	}
	gpg_init(&gpg, NULL);
	o.maint_root = ctx->repo;
	o.plan_dir = plan_dir;
	o.dir = argv[1];
	o.key = key ? fpr : NULL;
	o.gpg = &gpg;
	if (key) {
		struct gpg_key_info info;

		rc = gpg_key_lookup(&gpg, fpr, &info);
		if (!rc && (!info.found || !info.has_secret))
			rc = error_env("no secret key %s in the gpg keyring; cannot sign tags", fpr);
		gpg_key_info_release(&info);
		if (rc)
			goto out;
	}
	say("creating the reference upstream in %s", argv[1]);
	rc = upstream_init(&o);
	if (!rc)
		printf("reference upstream ready: %s\n", argv[1]);
out:
	gpg_release(&gpg);
	free(default_plan);
	free(data_root);
	return rc;
}
