#include "../builtin.h"
#include "../lib/fs.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"
#include "../lib/quote.h"

char *ctx_path(const struct xs_ctx *ctx, const char *rel)
{
	return path_join(ctx->repo, rel);
}

char *ctx_source_path(const struct xs_ctx *ctx)
{
	if (ctx->source && *ctx->source)
		return xstrdup(ctx->source);
	return ctx_path(ctx, ".xenstable/upstream");
}

int ctx_open_source(const struct xs_ctx *ctx, struct git_repo *r)
{
	int rc = ctx_open_source_shallow_ok(ctx, r);

	/* Releases, XSA status and verify read a branch's whole history
	 * (tags, earlier fixes): a cut one gives wrong answers, not errors. */
	if (!rc && r->shallow) {
		char *path = ctx_source_path(ctx);
		struct strbuf fix = STRBUF_INIT;

		sq_quote_argl(&fix, "git", "-C", path, "fetch", "--unshallow", NULL);
		rc = error_env("%s is a shallow clone: xenstable needs the whole history of the "
			       "branches; first run: %s", path, fix.buf);
		strbuf_release(&fix);
		free(path);
		git_close(r);
	}
	return rc;
}

int ctx_open_source_shallow_ok(const struct xs_ctx *ctx, struct git_repo *r)
{
	char *path = ctx_source_path(ctx);
	int rc;

	if (!path_exists(path)) {
		char *make = self_cmd_str("upstream", "init", path, NULL);

		rc = error_env("no source repository at %s: pass --source DIR, set "
			       "XENSTABLE_SOURCE, or create the reference upstream there: %s",
			       path, make);
		free(make);
		free(path);
		return rc;
	}
	rc = git_open(r, path);
	free(path);
	return rc;
}

int ctx_lock(struct xs_ctx *ctx, const char *what)
{
	char *path;
	int rc;

	if (ctx->lock.fd >= 0)
		return 0;
	path = ctx_path(ctx, ".xenstable/lock");
	rc = lock_acquire(&ctx->lock, path, what);
	free(path);
	return rc;
}

int ctx_source_open(struct xs_ctx *ctx, struct ctx_source *cs, const char *branch,
		    const char *lock_what)
{
	int rc;

	cs->branch = NULL;
	rc = branches_load(&cs->branches, ctx->repo);
	if (rc)
		return rc;
	/* Before the source: a mistyped branch costs no git process. */
	if (branch) {
		cs->branch = branch_find(&cs->branches, branch);
		if (!cs->branch) {
			rc = branch_error_unknown(&cs->branches, branch, XS_USAGE);
			branches_release(&cs->branches);
			return rc;
		}
	}
	rc = ctx_open_source(ctx, &cs->src);
	if (rc) {
		branches_release(&cs->branches);
		return rc;
	}
	if (lock_what && (rc = ctx_lock(ctx, lock_what))) {
		ctx_source_close(cs);
		return rc;
	}
	return 0;
}

void ctx_source_close(struct ctx_source *cs)
{
	git_close(&cs->src);
	branches_release(&cs->branches);
}

int ctx_lock_source(const struct git_repo *src, struct repo_lock *lk, const char *what)
{
	char *path = path_join(src->common_dir, "xenstable.lock");
	int rc = lock_acquire(lk, path, what);

	free(path);
	return rc;
}
