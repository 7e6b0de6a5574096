/*
 * bundle-apply.c: apply a verified bundle's patches with domain/apply.h
 * (private index, zero fuzz, already-applied patches left alone, the ref
 * moved by compare-and-swap only when every patch is in).
 *
 * The patches are written into a private temporary directory under names
 * of our own ("0001.patch"); the names inside the bundle are never used
 * as paths.
 */
#include "compat.h"
#include "bundle-apply.h"
#include "date.h"
#include "embargo.h"
#include "fs.h"
#include "usage.h"
#include "xalloc.h"

void bundle_embargo_trailer(int64_t until, struct strbuf *out)
{
	char d[32];

	date_format_short(until, d);
	strbuf_addf(out, "Embargo-Until: %s UTC", d);
}

/* "<patch-id> <commit>" lines for the commits in range (or one patch on stdin). */
static int patch_ids(const struct git_repo *src, const char *in, size_t len, struct strbuf *out)
{
	const char *const argv[] = { "patch-id", "--stable", NULL };
	struct strbuf err = STRBUF_INIT;
	int rc = git_run(src, NULL, in, len, out, &err, argv);

	if (rc > 0)
		rc = error_env("git patch-id failed: %.*s", (int)strcspn(err.buf, "\n"), err.buf);
	strbuf_release(&err);
	return rc;
}

/*
 * Patches of the bundle that the ref has already (same patch-id as a
 * commit the base lacks): apply.h leaves them alone.  Its own check, a
 * clean reverse apply, cannot see a patch whose context a later patch
 * of the series changed.
 */
static int mark_known(const struct bundle_apply_opts *o, struct apply_run *run)
{
	struct strbuf log = STRBUF_INIT, ids = STRBUF_INIT, one = STRBUF_INIT;
	char *range = xstrfmt("%s..%s", o->b->m.base_commit, run->base);
	size_t i;
	int rc;

	rc = git_cmd(o->src, &log, "log", "--no-merges", "-p", "--format=commit %H", range, "--",
		     NULL);
	if (!rc && log.len)
		rc = patch_ids(o->src, log.buf, log.len, &ids);
	for (i = 0; !rc && ids.len && i < run->nr; i++) {
		const struct bundle_entry *e = bundle_tar_find(&o->b->tar, o->b->m.files[i].name);
		size_t pos = 0, n;
		const char *line;

		strbuf_reset(&one);
		rc = patch_ids(o->src, e->data.buf, e->data.len, &one);
		if (rc || one.len < 41)
			continue;
		while (next_line(ids.buf, ids.len, &pos, &line, &n)) {
			if (n > 41 && !memcmp(line, one.buf, 41)) {
				run->items[i].known_applied = 1;
				run->items[i].known_commit = xmemdupz(line + 41, n - 41);
				break;
			}
		}
	}
	free(range);
	strbuf_release(&log);
	strbuf_release(&ids);
	strbuf_release(&one);
	return rc;
}

struct bundle_guard {
	struct embargo_guard eg;
	int check_embargo;
	struct bundle_apply_opts *o;
};

/* The embargo check, then the caller's last step before the ref moves. */
static int bundle_apply_guard(struct apply_run *r, void *data)
{
	struct bundle_guard *g = data;
	int rc = 0;

	if (g->check_embargo) {
		rc = embargo_apply_guard(r, &g->eg);
		g->o->embargo_refused = g->eg.refused;
	}
	if (!rc && g->o->before_move)
		rc = g->o->before_move(g->o->before_move_data);
	return rc;
}

int bundle_apply(struct bundle_apply_opts *o, struct apply_run *run)
{
	const struct bundle *b = o->b;
	struct bundle_guard guard = { { o->embargo, o->branch, 0 }, 0, o };
	char *tmp = make_temp_dir("bundle-apply");
	struct strbuf trailer = STRBUF_INIT;
	char oid[GIT_MAX_HEXSZ + 1];
	size_t i;
	int rc;

	memset(run, 0, sizeof(*run));
	if (!tmp)
		return -XS_ENV;
	rc = git_resolve_commit(o->src, b->m.base_commit, oid);
	if (rc == 1)
		rc = error_input("%s: the bundle's base %s (commit %s) is not in the source "
				 "repository; fetch it first", b->origin, b->m.base_ref,
				 b->m.base_commit);
	if (!rc)
		rc = apply_run_init(run, o->src, o->ref, b->m.base_commit);
	if (rc)
		goto out;
	guard.check_embargo = !embargo_ref_is_private(o->ref);
	run->guard = bundle_apply_guard;
	run->guard_data = &guard;
	if (run->base[0] && git_is_ancestor(o->src, oid, run->base) == 0)
		say("note: %s does not contain the bundle's base %s (%.12s); the patches go on "
		    "its tip", o->ref, b->m.base_ref, b->m.base_commit);
	for (i = 0; i < b->m.nr_files; i++) {
		const struct bundle_file *f = &b->m.files[i];
		const struct bundle_entry *e = bundle_tar_find(&b->tar, f->name);
		char *path = xstrfmt("%s/%04zu.patch", tmp, i + 1);
		char *group = xstrfmt("XSA-%d", f->xsa);
		struct apply_item *it;

		rc = write_file_atomic(path, e->data.buf, e->data.len, 0600);
		if (!rc) {
			it = apply_add(run, path, f->name + 8, group);
			if (o->embargoed) {
				strbuf_reset(&trailer);
				bundle_embargo_trailer(b->m.embargo_until, &trailer);
				strvec_push(&it->trailers, trailer.buf);
			}
			strvec_pushf(&it->trailers, "Backport-Bundle: %s revision %ld (%s)",
				     b->m.id, b->m.revision, b->m.producer);
		}
		free(path);
		free(group);
		if (rc)
			goto out;
	}
	if (run->base[0])
		rc = mark_known(o, run);
	if (!rc)
		rc = apply_all(run);
	if (!rc)
		rc = apply_finish(run);
out:
	run->guard = NULL;
	run->guard_data = NULL;
	remove_tree(tmp);
	free(tmp);
	strbuf_release(&trailer);
	return rc;
}
