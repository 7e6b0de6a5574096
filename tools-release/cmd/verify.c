/*
 * xenstable verify: check a release tag as a distro would before using it.
 */
#include "../builtin.h"
#include "../domain/branch.h"
#include "../domain/maintainers.h"
#include "../domain/verify.h"
#include "../lib/fs.h"
#include "../lib/parse-options.h"
#include "../lib/run-command.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"

static const char *const verify_usage[] = {
	"xenstable verify TAG [--dist DIR] [--tarball FILE] [--rebuild] [--keyring FILE] [--jobs N] [--json]",
	NULL
};

/* Primary fingerprints of every key in an exported keyring file. */
static int keyring_fingerprints(struct gpg_ctx *g, struct strvec *fprs)
{
	struct child_process c;
	size_t pos = 0, n;
	const char *line;
	int rc, want = 0;

	child_init(&c);
	strvec_pushl(&c.args, "gpg", "--batch", "--no-tty", "--homedir", g->homedir,
		     "--with-colons", "--fixed-list-mode", "--list-keys", NULL);
	c.err = CHILD_OUT_NULL;
	rc = run_child(&c);
	while (!rc && next_line(c.out_buf.buf, c.out_buf.len, &pos, &line, &n)) {
		if (n > 4 && !memcmp(line, "pub:", 4))
			want = 1;
		else if (n > 4 && !memcmp(line, "sub:", 4))
			want = 0;
		else if (want && n > 13 && !memcmp(line, "fpr:", 4)) {
			const char *f = line + 12;

			if ((size_t)(f - line) + 40 <= n)
				strvec_pushf(fprs, "%.40s", f);
			want = 0;
		}
	}
	if (rc > 0)
		rc = error_env("gpg cannot list the keyring");
	child_release(&c);
	return rc;
}

int cmd_verify(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *dist = NULL, *tarball = NULL, *keyring = NULL;
	int jobs = 0, json = 0, rebuild = 0;
	struct option opts[] = {
		OPT_STRING_("dist", 0, &dist, "DIR", "release directories to check (default: dist)"),
		OPT_STRING_("tarball", 0, &tarball, "FILE", "prove this .tar.gz/.tar.xz/.tar.lz is the tag"),
		OPT_BOOL_("rebuild", 0, &rebuild, "--tarball's compressed bytes too; diffoscope on a difference"),
		OPT_STRING_("keyring", 0, &keyring, "FILE", "trust exactly the keys in FILE (instead of MAINTAINERS)"),
		OPT_INT_("jobs", 'j', &jobs, "N", "compression threads when rebuilding"),
		OPT_BOOL_("json", 0, &json, "one JSON object: checks, fingerprint, XSAs"),
		OPT_END_(),
	};
	struct verify_opts o;
	struct branch_set bs;
	struct maintainers m;
	struct git_repo src;
	struct gpg_ctx g;
	struct strvec pinned = STRVEC_INIT;
	char *dist_default = NULL;
	int rc;

	argc = parse_options(argc, argv, opts, verify_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (argc != 1)
		return error_usage("name one tag (see --help)");
	if (json)
		xs_json = 1;
	memset(&bs, 0, sizeof(bs));
	memset(&m, 0, sizeof(m));
	memset(&src, 0, sizeof(src));
	if (keyring) {
		rc = gpg_init_temporary(&g);
		if (!rc)
			rc = gpg_import_file(&g, keyring);
		if (!rc)
			rc = keyring_fingerprints(&g, &pinned);
		if (!rc && !pinned.nr)
			rc = error_input("%s: no keys", keyring);
	} else {
		gpg_init(&g, NULL);
		rc = 0;
	}
	if (!rc)
		rc = branches_load(&bs, ctx->repo);
	if (!rc)
		rc = maintainers_load_repo(&m, ctx->repo);
	if (!rc)
		rc = ctx_open_source(ctx, &src);
	if (rc)
		goto out;
	if (!dist)
		dist = dist_default = ctx_path(ctx, "dist");
	if (jobs <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		jobs = n > 0 ? (int)(n > 64 ? 64 : n) : 1;
	}
	memset(&o, 0, sizeof(o));
	o.maint_root = ctx->repo;
	o.src = &src;
	o.branches = &bs;
	o.maint = &m;
	o.gpg = &g;
	o.keyring_fprs = keyring ? &pinned : NULL;
	o.tag = argv[0];
	o.dist = dist;
	o.dist_explicit = !dist_default;
	o.rebuild = rebuild;
	o.tarball = tarball;
	o.jobs = jobs;
	o.json = xs_json;
	rc = verify_release(&o);
out:
	branches_release(&bs);
	maintainers_release(&m);
	git_close(&src);
	gpg_release(&g);
	strvec_clear(&pinned);
	free(dist_default);
	return rc;
}
