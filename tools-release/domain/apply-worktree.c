/*
 * apply-worktree.c: the worktrees of a run (apply.h): refusing a checkout
 * of the ref that is busy or dirty, and the worktree a conflict is left in
 * for a person (keep, commit what they made, remove).
 */
#include "compat.h"
#include "apply.h"
#include "apply-internal.h"
#include "fs.h"
#include "run-command.h"
#include "usage.h"
#include "xalloc.h"
#include "quote.h"

/* ---- worktrees ----------------------------------------------------------- */

struct wt_entry {
	char *path;
	char *gitdir;		/* its administrative directory */
	char *branch;		/* full ref, or NULL when detached */
	char *locked;		/* reason ("" for none given), or NULL */
	int prunable;
};

static void wt_entries_release(struct wt_entry *e, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		free(e[i].path);
		free(e[i].gitdir);
		free(e[i].branch);
		free(e[i].locked);
	}
	free(e);
}

/* The administrative directory of a linked worktree, from <common>/worktrees/. */
static char *find_wt_gitdir(const struct git_repo *repo, const char *path)
{
	struct strvec names = STRVEC_INIT;
	char *dir = path_join(repo->common_dir, "worktrees"), *found = NULL;
	size_t i;

	if (is_dir(dir) && !list_dir(dir, &names)) {
		for (i = 0; i < names.nr && !found; i++) {
			struct strbuf gd = STRBUF_INIT;
			char *sub = path_join(dir, names.v[i]), *f = path_join(sub, "gitdir");

			if (!read_file_if_exists(&gd, f, 1 << 16)) {
				char *wt;

				strbuf_trim(&gd);
				wt = path_dirname(gd.buf);
				if (!strcmp(wt, path))
					found = xstrdup(sub);
				free(wt);
			}
			strbuf_release(&gd);
			free(sub);
			free(f);
		}
	}
	strvec_clear(&names);
	free(dir);
	return found;
}

static int list_worktrees(const struct git_repo *repo, struct wt_entry **out, size_t *nr)
{
	struct strbuf buf = STRBUF_INIT;
	struct wt_entry *e = NULL;
	size_t n = 0, alloc = 0, pos = 0, len;
	const char *line;
	int rc = git_cmd(repo, &buf, "worktree", "list", "--porcelain", NULL);

	while (!rc && next_line(buf.buf, buf.len, &pos, &line, &len)) {
		char *l = xmemdupz(line, len);
		const char *v;

		if (skip_prefix(l, "worktree ", &v)) {
			ALLOC_GROW(e, n + 1, alloc);
			memset(&e[n], 0, sizeof(e[n]));
			e[n].path = xstrdup(v);
			e[n].gitdir = n ? find_wt_gitdir(repo, v) : xstrdup(repo->common_dir);
			n++;
		} else if (n && skip_prefix(l, "branch ", &v)) {
			e[n - 1].branch = xstrdup(v);
		} else if (n && !strcmp(l, "locked")) {
			e[n - 1].locked = xstrdup("");
		} else if (n && skip_prefix(l, "locked ", &v)) {
			e[n - 1].locked = xstrdup(v);
		} else if (n && (!strcmp(l, "prunable") || starts_with(l, "prunable "))) {
			e[n - 1].prunable = 1;
		}
		free(l);
	}
	strbuf_release(&buf);
	*out = e;
	*nr = n;
	return rc;
}

/* A file in a worktree's administrative directory names ref (rebase head-name). */
static int admin_file_names(const char *gitdir, const char *file, const char *ref)
{
	struct strbuf sb = STRBUF_INIT;
	char *p = path_join(gitdir, file);
	int hit = 0;

	if (!read_file_if_exists(&sb, p, 1 << 16)) {
		strbuf_trim(&sb);
		hit = !strcmp(sb.buf, ref);
	}
	strbuf_release(&sb);
	free(p);
	return hit;
}

static const char *in_progress(const char *gitdir)
{
	static const char *const marks[][2] = {
		{ "rebase-merge", "a rebase" }, { "rebase-apply", "a rebase or git am" },
		{ "MERGE_HEAD", "a merge" }, { "CHERRY_PICK_HEAD", "a cherry-pick" },
		{ "REVERT_HEAD", "a revert" }, { "BISECT_LOG", "a bisect" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(marks); i++) {
		char *p = path_join(gitdir, marks[i][0]);
		int there = path_exists(p);

		free(p);
		if (there)
			return marks[i][1];
	}
	return NULL;
}

int apply_check_worktrees(const struct apply_run *r, struct strvec *checked_out)
{
	struct wt_entry *wt = NULL;
	size_t nr = 0, i;
	const char *name = r->ref + (starts_with(r->ref, "refs/heads/") ? 11 : 0);
	int rc;

	if (!starts_with(r->ref, "refs/heads/"))
		return 0;
	rc = list_worktrees(r->repo, &wt, &nr);
	for (i = 0; !rc && i < nr; i++) {
		const struct wt_entry *e = &wt[i];
		const char *busy;

		/* A rebase of the branch would write its own result over ours. */
		if (e->gitdir && (admin_file_names(e->gitdir, "rebase-merge/head-name", r->ref) ||
				  admin_file_names(e->gitdir, "rebase-apply/head-name", r->ref))) {
			rc = error_env("%s is being rebased in %s; finish or abort that first",
				       name, e->path);
			break;
		}
		if (!e->branch || strcmp(e->branch, r->ref))
			continue;
		if (e->locked || e->prunable || !is_dir(e->path)) {
			rc = error_env("%s is checked out in %s, which is %s%s%s; unlock or "
				       "repair it (git worktree unlock / prune) first", name,
				       e->path, e->locked ? "locked" : "missing",
				       e->locked && *e->locked ? ": " : "",
				       e->locked ? e->locked : "");
			break;
		}
		if (e->gitdir) {
			char *lk = path_join(e->gitdir, "index.lock");
			int held = path_exists(lk);

			free(lk);
			if (held) {
				rc = error_env("%s is checked out in %s, where another git command "
					       "holds the index lock (%s/index.lock); try again when "
					       "it is done", name, e->path, e->gitdir);
				break;
			}
			busy = in_progress(e->gitdir);
			if (busy) {
				rc = error_env("%s is checked out in %s, which is in the middle of "
					       "%s; finish or abort it first", name, e->path, busy);
				break;
			}
		}
		{
			int clean = git_worktree_clean(r->repo, e->path);

			if (clean < 0)
				rc = clean;
			else if (!clean)
				rc = error_env("%s is checked out in %s, which has uncommitted "
					       "changes; commit or stash them first", name, e->path);
			else if (checked_out)
				strvec_push(checked_out, e->path);
		}
	}
	wt_entries_release(wt, nr);
	return rc;
}

/* ---- a worktree for a person ------------------------------------------------ */

void apply_kept_release(struct apply_kept *k)
{
	free(k->worktree);
	free(k->method);
	strvec_clear(&k->files);
	memset(k, 0, sizeof(*k));
}

/* git in a worktree (plain: no private index, but the run's environment). */
static int wt_git(struct apply_run *r, const char *dir, struct strbuf *out, struct strbuf *err,
		  const char *const *argv)
{
	struct child_process c;
	int rc;

	git_child_init(&c, NULL);
	strvec_pushv(&c.env, r->env.v);
	strvec_pushv(&c.args, argv);
	c.dir = dir;
	rc = run_child(&c);
	if (out)
		strbuf_addbuf(out, &c.out_buf);
	if (err)
		strbuf_addbuf(err, &c.err_buf);
	child_release(&c);
	return rc;
}

/* Paths git status shows for the worktree, with their two status letters. */
static int wt_status(struct apply_run *r, const char *dir, struct strvec *lines)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const char *const argv[] = { "status", "--porcelain=v1", "-z",
				     "--untracked-files=all", NULL };
	size_t pos = 0;
	int rc = wt_git(r, dir, &out, &err, argv);

	if (rc > 0)
		rc = error_env("git status in %s failed: %.*s", dir,
			       (int)strcspn(err.buf, "\n"), err.buf);
	while (!rc && pos < out.len) {
		const char *s = out.buf + pos;
		size_t n = strlen(s);

		strvec_push(lines, s);
		pos += n + 1;
		/* A rename carries its old name in the next field. */
		if (n > 3 && (s[0] == 'R' || s[0] == 'C') && pos < out.len)
			pos += strlen(out.buf + pos) + 1;
	}
	strbuf_release(&out);
	strbuf_release(&err);
	return rc;
}

int apply_keep_worktree(struct apply_run *r, size_t i, const char *dir,
			struct apply_kept *kept)
{
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct strvec st = STRVEC_INIT;
	const struct apply_item *it = &r->items[i];
	size_t k;
	int rc;

	memset(kept, 0, sizeof(*kept));
	strvec_init(&kept->files);
	if (path_exists(dir)) {
		char *cont = self_cmd_str("xsa", "apply", "--continue", NULL);

		rc = error_env("%s exists already; remove it or finish the apply that made it "
			       "(or give up with --abort instead of --continue): %s", dir, cont);
		free(cont);
		return rc;
	}
	/* The worktree starts from the run's tip: its commits must be in the store. */
	rc = apply_flush_commits(r);
	if (!rc)
		rc = apply_migrate_objects(r);
	if (rc)
		return rc;
	{
		/* Not through apply_run_git(): the worktree gets an index of its own. */
		struct child_process c;

		git_child_init(&c, r->repo);
		strvec_pushv(&c.env, r->env.v);
		strvec_pushl(&c.args, "worktree", "add", "--detach", "--quiet", dir, r->tip, NULL);
		rc = run_child(&c);
		strbuf_addbuf(&err, &c.err_buf);
		child_release(&c);
	}
	if (rc > 0)
		rc = error_env("git worktree add %s failed: %.*s", dir,
			       (int)strcspn(err.buf, "\n"), err.buf);
	if (rc)
		goto out;
	kept->worktree = path_realpath(dir);
	/* A three-way merge leaves conflict markers, when git has the blobs for it. */
	{
		const char *const argv[] = { "apply", "--3way", "--whitespace=nowarn", it->path,
					     NULL };

		strbuf_reset(&err);
		rc = wt_git(r, kept->worktree, NULL, &err, argv);
	}
	if (rc < 0)
		goto out;
	kept->method = xstrdup("3way");
	kept->clean = rc == 0;
	rc = wt_status(r, kept->worktree, &st);
	if (rc)
		goto out;
	if (!kept->clean && !st.nr) {
		/* git could not merge at all: apply what applies, keep the rest as .rej. */
		const char *const argv[] = { "apply", "--reject", "--whitespace=nowarn", it->path,
					     NULL };

		free(kept->method);
		kept->method = xstrdup("reject");
		strbuf_reset(&err);
		rc = wt_git(r, kept->worktree, NULL, &err, argv);
		if (rc < 0)
			goto out;
		rc = wt_status(r, kept->worktree, &st);
		if (rc)
			goto out;
	}
	for (k = 0; k < st.nr; k++) {
		const char *s = st.v[k];

		/* Unmerged ("UU", "AA", ...) paths and .rej files need a person. */
		if (strlen(s) > 3 && (s[0] == 'U' || s[1] == 'U' || !strncmp(s, "AA", 2) ||
				      !strncmp(s, "DD", 2) ||
				      (!strncmp(s, "??", 2) && ends_with(s, ".rej"))))
			strvec_push(&kept->files, s + 3);
	}
out:
	strbuf_release(&err);
	strbuf_release(&out);
	strvec_clear(&st);
	return rc;
}

int apply_commit_worktree(struct apply_run *r, const struct apply_item *it,
			  const char *worktree, char oid[GIT_MAX_HEXSZ + 1])
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct strvec st = STRVEC_INIT;
	char *index = apply_new_index_path(r, "-wt");
	size_t k;
	int rc;

	if (!is_dir(worktree)) {
		char *fix = self_cmd_str("xsa", "apply", "--abort", NULL);

		rc = error_env("the apply worktree %s is gone; run: %s", worktree, fix);
		free(fix);
		goto out;
	}
	rc = wt_status(r, worktree, &st);
	for (k = 0; !rc && k < st.nr; k++) {
		const char *s = st.v[k];

		/* Unmerged paths need no "git add": the markers are checked below. */
		if (!strncmp(s, "??", 2) && (ends_with(s, ".rej") || ends_with(s, ".orig")))
			rc = error_input("%s/%s: a leftover of the failed patch; apply its hunks "
					 "by hand and delete it, then run --continue again",
					 worktree, s + 3);
	}
	if (rc)
		goto out;
	/*
	 * Through an index of our own: every change to a tracked file, and
	 * the new files the patch itself creates; nothing else (a build the
	 * person ran there leaves files that must not be committed).
	 */
	{
		struct strvec created = STRVEC_INIT, add = STRVEC_INIT;
		struct strbuf text = STRBUF_INIT;
		const char *const wtree[] = { "write-tree", NULL };
		struct child_process c;
		int step;

		if (!read_file(&text, it->path, 64 << 20))
			apply_patch_new_files(text.buf, text.len, &created);
		strvec_pushl(&add, "add", "--", NULL);
		for (k = 0; k < created.nr; k++) {
			char *f = path_join(worktree, created.v[k]);

			if (path_is_safe(created.v[k]) && is_regular_file(f))
				strvec_push(&add, created.v[k]);
			free(f);
		}
		for (k = 0; k < st.nr; k++) {
			const char *s2 = st.v[k];

			if (!strncmp(s2, "??", 2) && !strvec_contains(&created, s2 + 3))
				warning("%s/%s is not in the patch; it is left out of the commit",
					worktree, s2 + 3);
		}
		for (step = 0; !rc && step < 4; step++) {
			if (step == 2 && add.nr == 2)
				continue;
			git_child_init(&c, NULL);
			strvec_pushf(&c.env, "GIT_INDEX_FILE=%s", index);
			strvec_pushv(&c.env, r->env.v);
			if (step == 0)
				strvec_pushl(&c.args, "read-tree", r->tip, NULL);
			else if (step == 1)
				strvec_pushl(&c.args, "add", "-u", ".", NULL);
			else if (step == 2)
				strvec_pushv(&c.args, add.v);
			else
				strvec_pushv(&c.args, wtree);
			c.dir = worktree;
			rc = run_child(&c);
			if (step == 3)
				strbuf_addbuf(&out, &c.out_buf);
			if (rc > 0)
				rc = error_env("git %s in %s failed: %s", c.args.v[1], worktree,
					       child_err_summary(&c));
			child_release(&c);
		}
		strvec_clear(&created);
		strvec_clear(&add);
		strbuf_release(&text);
	}
	if (rc)
		goto out;
	strbuf_trim(&out);
	/* Conflict markers left in what is about to be committed? */
	{
		const char *const argv[] = { "diff-tree", "-r", "-p", "--no-color", r->tip,
					     out.buf, NULL };
		struct strbuf diff = STRBUF_INIT;
		size_t pos = 0, n;
		const char *l, *file = NULL;
		char *cur = NULL;

		rc = apply_run_git(r, NULL, 0, &diff, &err, NULL, argv);
		if (rc > 0)
			rc = error_env("git diff-tree failed: %.*s", (int)strcspn(err.buf, "\n"),
				       err.buf);
		if (!rc && !diff.len)
			rc = error_input("nothing changed in %s: the patch would be empty; make "
					 "the change or give up with --abort", worktree);
		while (!rc && next_line(diff.buf, diff.len, &pos, &l, &n)) {
			if (n > 6 && !memcmp(l, "+++ b/", 6)) {
				free(cur);
				cur = xmemdupz(l + 6, n - 6);
				file = cur;
			} else if (n >= 8 && (!memcmp(l, "+<<<<<<<", 8) || !memcmp(l, "+>>>>>>>", 8) ||
					      (n == 8 && !memcmp(l, "+=======", 8)))) {
				rc = error_input("%s/%s: conflict markers are still in it; resolve "
						 "them, then run --continue again", worktree,
						 file ? file : "?");
			}
		}
		free(cur);
		strbuf_release(&diff);
	}
	if (!rc)
		rc = apply_commit_tree(r, it, out.buf, oid);
	if (!rc)
		memcpy(r->tip, oid, sizeof(r->tip));
out:
	unlink(index);
	free(index);
	strvec_clear(&st);
	strbuf_release(&out);
	strbuf_release(&err);
	return rc;
}

int apply_remove_worktree(const struct git_repo *repo, const char *dir)
{
	struct strbuf err = STRBUF_INIT;
	int rc = 0;

	if (path_exists(dir)) {
		rc = git_try(repo, NULL, &err, "worktree", "remove", "--force", "--force", dir,
			     NULL);
		if (rc > 0)
			rc = error_env("git worktree remove %s failed: %.*s", dir,
				       (int)strcspn(err.buf, "\n"), err.buf);
	}
	if (!rc)
		git_try(repo, NULL, NULL, "worktree", "prune", NULL);
	strbuf_release(&err);
	return rc;
}
