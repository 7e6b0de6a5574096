/*
 * apply.c: the run (apply.h): its quarantine and private index, the
 * commits it makes, apply_all() and the all-or-nothing move of the ref in
 * apply_finish().  The patch checks are in apply-patch.c, the content
 * tests and conflict analysis in apply-check.c, worktrees in
 * apply-worktree.c.
 */
#include "compat.h"
#include "apply.h"
#include "apply-internal.h"
#include "fs.h"
#include "run-command.h"
#include "usage.h"
#include "xalloc.h"

const char *apply_outcome_name(enum apply_outcome o)
{
	switch (o) {
	case APPLY_PENDING: return "pending";
	case APPLY_APPLIED: return "applied";
	case APPLY_ALREADY: return "already";
	case APPLY_CONFLICT: return "conflict";
	case APPLY_REJECTED: return "rejected";
	case APPLY_SKIPPED: return "skipped";
	}
	return "unknown";
}

/* ---- the run ------------------------------------------------------------ */

/* New objects go to a quarantine inside the object store (so a rename
 * can bring them in); the repository's own are still read. */
static int quarantine_init(struct apply_run *r)
{
	char *tmpl = xstrfmt("%s/objects/xenstable-incoming-XXXXXX", r->repo->common_dir);

	strvec_init(&r->qenv);
	if (!mkdtemp(tmpl)) {
		int rc = error_errno("cannot create a quarantine directory in %s/objects",
				     r->repo->common_dir);

		free(tmpl);
		return rc;
	}
	r->quarantine = tmpl;
	strvec_pushf(&r->qenv, "GIT_OBJECT_DIRECTORY=%s", r->quarantine);
	strvec_pushf(&r->qenv, "GIT_ALTERNATE_OBJECT_DIRECTORIES=%s/objects", r->repo->common_dir);
	return 0;
}

/* Move one directory's files from the quarantine into the object store. */
static int migrate_dir(const char *from, const char *to)
{
	struct strvec names = STRVEC_INIT;
	size_t i;
	int rc = list_dir(from, &names), moved = 0;

	if (!rc && names.nr && mkdir_p(to, 0755))
		rc = -XS_ENV;
	/* Packs before their indexes, as git does: an index never points nowhere. */
	for (i = 0; !rc && i < names.nr; i++) {
		char *src = path_join(from, names.v[i]), *dst = path_join(to, names.v[i]);

		if (!ends_with(names.v[i], ".idx")) {
			if (path_exists(dst))
				unlink(src);	/* same name, same content */
			else if (rename(src, dst))
				rc = error_errno("cannot move %s into the object store", src);
			moved++;
			crash_point("apply-migrate");
		}
		free(src);
		free(dst);
	}
	for (i = 0; !rc && i < names.nr; i++) {
		char *src = path_join(from, names.v[i]), *dst = path_join(to, names.v[i]);

		if (ends_with(names.v[i], ".idx") && !path_exists(dst) && rename(src, dst))
			rc = error_errno("cannot move %s into the object store", src);
		free(src);
		free(dst);
	}
	if (!rc && moved)
		fsync_dir(to);
	strvec_clear(&names);
	return rc;
}

/* Bring the run's objects into the repository (before a ref points at them). */
int apply_migrate_objects(struct apply_run *r)
{
	struct strvec names = STRVEC_INIT;
	char *objects = path_join(r->repo->common_dir, "objects");
	size_t i;
	int rc = list_dir(r->quarantine, &names);

	for (i = 0; !rc && i < names.nr; i++) {
		const char *n = names.v[i];
		char *from, *to;

		if (!((strlen(n) == 2 && is_hex_string(n, 2)) || !strcmp(n, "pack")))
			continue;
		from = path_join(r->quarantine, n);
		to = path_join(objects, n);
		rc = migrate_dir(from, to);
		free(from);
		free(to);
	}
	strvec_clear(&names);
	free(objects);
	return rc;
}

void apply_clean_leftovers(const struct git_repo *repo)
{
	struct strvec names = STRVEC_INIT;
	char *objects = path_join(repo->common_dir, "objects");
	size_t i;

	if (!list_dir(objects, &names))
		for (i = 0; i < names.nr; i++)
			if (starts_with(names.v[i], "xenstable-incoming-")) {
				char *p = path_join(objects, names.v[i]);

				remove_tree(p);
				free(p);
			}
	strvec_clear(&names);
	if (!list_dir(repo->git_dir, &names))
		for (i = 0; i < names.nr; i++)
			if (starts_with(names.v[i], "xenstable-apply-") &&
			    ends_with(names.v[i], ".index")) {
				char *p = path_join(repo->git_dir, names.v[i]);

				unlink(p);
				free(p);
			}
	strvec_clear(&names);
	free(objects);
}

int apply_run_init(struct apply_run *r, const struct git_repo *repo, const char *ref,
		   const char *create_from)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->repo = repo;
	r->ref = xstrdup(ref);
	strvec_init(&r->env);
	rc = quarantine_init(r);
	if (rc)
		return rc;
	rc = git_resolve_commit(repo, ref, r->base);
	if (rc == 1) {
		if (!create_from)
			return error_input("no branch %s in %s", ref,
					   repo->worktree ? repo->worktree : repo->git_dir);
		rc = git_resolve_commit(repo, create_from, r->tip);
		if (rc == 1)
			return error_input("no revision %s in the source repository", create_from);
		if (rc)
			return rc;
		r->base[0] = '\0';	/* the ref will be created */
		return 0;
	}
	if (rc)
		return rc;
	{
		/* The ref itself, unpeeled: the compare-and-swap at the end needs it to
		 * be the commit, or the ref seems to have changed under us. */
		char direct[GIT_MAX_HEXSZ + 1];

		rc = git_resolve(repo, ref, direct);
		if (rc < 0)
			return rc;
		if (!rc && strcmp(direct, r->base))
			return error_input("%s points at a tag object (%.12s), not at a commit; a "
					   "branch xenstable moves must point at a commit (its "
					   "commit is %.12s)", ref, direct, r->base);
	}
	memcpy(r->tip, r->base, sizeof(r->tip));
	return 0;
}

int apply_run_resume(struct apply_run *r, const struct git_repo *repo, const char *ref,
		     const char *base, const char *tip)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->repo = repo;
	r->ref = xstrdup(ref);
	strvec_init(&r->env);
	rc = quarantine_init(r);
	if (rc)
		return rc;
	if ((*base && !is_oid_hex(base)) || !is_oid_hex(tip))
		return error_input("apply state: '%s' / '%s' are not commit ids", base, tip);
	snprintf(r->base, sizeof(r->base), "%s", base);
	snprintf(r->tip, sizeof(r->tip), "%s", tip);
	return 0;
}

int apply_set_dry_run(struct apply_run *r)
{
	r->dry_run = 1;
	return 0;
}


static void conflict_release(struct apply_conflict *c)
{
	free(c->file);
	free(c->hunk);
	free(c->reason);
	strvec_clear(&c->blame);
	memset(c, 0, sizeof(*c));
}

void apply_run_release(struct apply_run *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++) {
		free(r->items[i].path);
		free(r->items[i].name);
		free(r->items[i].group);
		free(r->items[i].known_commit);
		free(r->items[i].message);
		free(r->items[i].author);
		strvec_clear(&r->items[i].trailers);
		if (r->res) {
			free(r->res[i].detail);
			conflict_release(&r->res[i].conflict);
		}
	}
	free(r->items);
	free(r->res);
	if (r->index_path)
		unlink(r->index_path);
	free(r->index_path);
	free(r->ref);
	strvec_clear(&r->env);
	strvec_clear(&r->qenv);
	strvec_clear(&r->unwritten);
	strvec_clear(&r->unwritten_ids);
	free(r->committer);
	free(r->object_format);
	if (r->quarantine)
		remove_tree(r->quarantine);
	free(r->quarantine);
	memset(r, 0, sizeof(*r));
}

struct apply_item *apply_add(struct apply_run *r, const char *path, const char *name,
			     const char *group)
{
	struct apply_item *it;

	ALLOC_GROW(r->items, r->nr + 1, r->alloc);
	it = &r->items[r->nr++];
	memset(it, 0, sizeof(*it));
	it->path = xstrdup(path);
	it->name = xstrdup(name ? name : path_basename(path));
	it->group = xstrdup(group ? group : "");
	strvec_init(&it->trailers);
	return it;
}

/* git with the run's private index (or index, when given) and environment. */
static int run_git_index(struct apply_run *r, const char *index, const char *in,
			 size_t in_len, struct strbuf *out, struct strbuf *err,
			 const struct strvec *env, const char *const *argv)
{
	struct strvec all = STRVEC_INIT;
	int rc;

	if (index || r->index_path)
		strvec_pushf(&all, "GIT_INDEX_FILE=%s", index ? index : r->index_path);
	strvec_pushv(&all, r->env.v);
	strvec_pushv(&all, r->qenv.v);
	if (env)
		strvec_pushv(&all, env->v);
	rc = git_run(r->repo, &all, in, in_len, out, err, argv);
	strvec_clear(&all);
	return rc;
}

int apply_run_git(struct apply_run *r, const char *in, size_t in_len,
		  struct strbuf *out, struct strbuf *err, const struct strvec *env,
		  const char *const *argv)
{
	return run_git_index(r, NULL, in, in_len, out, err, env, argv);
}

int apply_must(const char *what, int rc, const struct strbuf *err)
{
	if (rc > 0)
		return error_env("git %s failed: %.*s", what, (int)strcspn(err->buf, "\n"),
				 err->buf);
	return rc;
}

/* Index files of the run: unique per run (runs may go on in parallel threads). */
char *apply_new_index_path(const struct apply_run *r, const char *tag)
{
	const char *q = strrchr(r->quarantine, '-');

	return xstrfmt("%s/xenstable-apply-%ld%s%s.index", r->repo->git_dir, (long)getpid(),
		       q ? q : "", tag);
}

static int read_tree(struct apply_run *r, const char *index, const char *commit)
{
	struct strbuf err = STRBUF_INIT;
	const char *const argv[] = { "read-tree", commit, NULL };
	int rc = apply_flush_commits(r);

	if (rc)
		return rc;
	rc = apply_must("read-tree", run_git_index(r, index, NULL, 0, NULL, &err, NULL, argv), &err);
	strbuf_release(&err);
	return rc;
}

static int load_index(struct apply_run *r)
{
	if (!r->index_path)
		r->index_path = apply_new_index_path(r, "");
	return read_tree(r, NULL, r->tip);
}

/* git (not in a run: no index, no quarantine) with input; stdout to out. */
static int repo_git(const struct git_repo *repo, const char *in, size_t in_len,
		    struct strbuf *out, struct strbuf *err, const char *const *argv)
{
	return git_run(repo, NULL, in, in_len, out, err, argv);
}

int apply_item_message(const struct git_repo *repo, const struct apply_item *it,
		       struct strbuf *msg, struct strbuf *author)
{
	struct strvec env = STRVEC_INIT;
	struct strbuf mail = STRBUF_INIT, info = STRBUF_INIT, body = STRBUF_INIT,
		      err = STRBUF_INIT, subject = STRBUF_INIT, out = STRBUF_INIT;
	char *tmp = make_temp_dir("mailinfo"), *msgf = NULL, *patchf = NULL;
	struct strvec argv = STRVEC_INIT;
	size_t pos = 0, n, i;
	const char *line;
	int rc, have_name = 0, have_mail = 0;

	if (!tmp)
		return -XS_ENV;
	msgf = path_join(tmp, "msg");
	patchf = path_join(tmp, "patch");
	rc = read_file(&mail, it->path, 64 << 20);
	if (rc)
		goto out;
	strvec_pushl(&argv, "mailinfo", "-u", msgf, patchf, NULL);
	rc = apply_must("mailinfo", repo_git(repo, mail.buf, mail.len, &info, &err, argv.v), &err);
	if (rc)
		goto out;
	while (next_line(info.buf, info.len, &pos, &line, &n)) {
		char *l = xmemdupz(line, n);
		const char *v;

		if (skip_prefix(l, "Author: ", &v) && *v) {
			strvec_pushf(&env, "GIT_AUTHOR_NAME=%s", v);
			have_name = 1;
		} else if (skip_prefix(l, "Email: ", &v) && *v) {
			strvec_pushf(&env, "GIT_AUTHOR_EMAIL=%s", v);
			have_mail = 1;
		} else if (skip_prefix(l, "Date: ", &v) && *v) {
			strvec_pushf(&env, "GIT_AUTHOR_DATE=%s", v);
		} else if (skip_prefix(l, "Subject: ", &v)) {
			strbuf_addstr(&subject, v);
		}
		free(l);
	}
	if (!have_name || !have_mail || !subject.len) {
		rc = error_input("%s: the patch has no From: and Subject: header to take the "
				 "author and message from", it->path);
		goto out;
	}
	rc = read_file(&body, msgf, 4 << 20);
	if (rc)
		goto out;
	strbuf_trim(&body);
	strbuf_addf(&out, "%s\n", subject.buf);
	if (body.len)
		strbuf_addf(&out, "\n%s\n", body.buf);
	if (it->trailers.nr) {
		strvec_clear(&argv);
		strvec_pushl(&argv, "interpret-trailers", "--if-exists", "addIfDifferent", NULL);
		for (i = 0; i < it->trailers.nr; i++)
			strvec_pushl(&argv, "--trailer", it->trailers.v[i], NULL);
		strbuf_reset(&err);
		rc = apply_must("interpret-trailers", repo_git(repo, out.buf, out.len, msg, &err, argv.v),
				&err);
	} else {
		strbuf_addbuf(msg, &out);
	}
	if (!rc) {
		/* git's own reading of name, mail and date. */
		struct child_process c;

		git_child_init(&c, repo);
		strvec_pushv(&c.env, env.v);
		strvec_pushl(&c.args, "var", "GIT_AUTHOR_IDENT", NULL);
		rc = run_child(&c);
		if (rc > 0)
			rc = error_input("%s: git cannot take the author from the patch: %s",
					 it->path, child_err_summary(&c));
		if (!rc) {
			strbuf_addbuf(author, &c.out_buf);
			strbuf_trim(author);
		}
		child_release(&c);
	}
out:
	strvec_clear(&env);
	remove_tree(tmp);
	free(tmp);
	free(msgf);
	free(patchf);
	strvec_clear(&argv);
	strbuf_release(&mail);
	strbuf_release(&info);
	strbuf_release(&body);
	strbuf_release(&err);
	strbuf_release(&subject);
	strbuf_release(&out);
	return rc;
}

/* One line of output of git with the run's environment, or an error. */
static int git_line(struct apply_run *r, const char *const *argv, char **out)
{
	struct strbuf o = STRBUF_INIT, err = STRBUF_INIT;
	int rc = apply_run_git(r, NULL, 0, &o, &err, NULL, argv);

	if (rc > 0)
		rc = error_env("git %s %s failed: %.*s", argv[0], argv[1] ? argv[1] : "",
			       (int)strcspn(err.buf, "\n"), err.buf);
	strbuf_trim(&o);
	if (!rc)
		*out = strbuf_detach(&o, NULL);
	strbuf_release(&o);
	strbuf_release(&err);
	return rc;
}

/*
 * Write the commits made so far: one "git hash-object -w --stdin-paths"
 * for all of them, which must agree on every id.  Called before anything
 * reads the new commits (and before the ref may point at them).
 */
int apply_flush_commits(struct apply_run *r)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT, err = STRBUF_INIT;
	const char *const argv[] = { "hash-object", "-w", "-t", "commit", "--stdin-paths", NULL };
	size_t i, pos = 0, n;
	const char *line;
	int rc;

	if (!r->unwritten.nr)
		return 0;
	for (i = 0; i < r->unwritten.nr; i++)
		strbuf_addf(&in, "%s\n", r->unwritten.v[i]);
	rc = apply_run_git(r, in.buf, in.len, &out, &err, NULL, argv);
	if (rc > 0)
		rc = error_env("git hash-object failed: %.*s", (int)strcspn(err.buf, "\n"),
			       err.buf);
	for (i = 0; !rc && i < r->unwritten.nr; i++) {
		if (!next_line(out.buf, out.len, &pos, &line, &n) ||
		    n != strlen(r->unwritten_ids.v[i]) ||
		    memcmp(line, r->unwritten_ids.v[i], n))
			rc = error_env("git stored commit %s under another id (%.*s)",
				       r->unwritten_ids.v[i], (int)n, line);
	}
	for (i = 0; i < r->unwritten.nr; i++)
		unlink(r->unwritten.v[i]);
	strvec_clear(&r->unwritten);
	strvec_clear(&r->unwritten_ids);
	strbuf_release(&in);
	strbuf_release(&out);
	strbuf_release(&err);
	return rc;
}

/*
 * Commit tree (a tree id) on the run's tip with the item's author and
 * message.  The commit object is made here (git's format, the
 * repository's hash) and written with the others by apply_flush_commits():
 * one git process for a run's commits instead of one each.
 */
int apply_commit_tree(struct apply_run *r, const struct apply_item *it, const char *tree,
		      char *oid)
{
	struct strbuf msg = STRBUF_INIT, author = STRBUF_INIT, obj = STRBUF_INIT;
	char id[SHA256_HEX_LEN + 1], *path;
	int rc = 0;

	if (!r->committer) {
		const char *const argv[] = { "var", "GIT_COMMITTER_IDENT", NULL };

		rc = git_line(r, argv, &r->committer);
		if (rc)
			rc = error_env("git cannot tell who commits (is user.name/user.email "
				       "set in the source repository?)");
	}
	if (!rc && !r->object_format) {
		const char *const argv[] = { "rev-parse", "--show-object-format", NULL };

		rc = git_line(r, argv, &r->object_format);
	}
	/* Made beforehand (one patch for several branches), or now. */
	if (!rc && it->message) {
		strbuf_addstr(&msg, it->message);
		strbuf_addstr(&author, it->author);
	} else if (!rc) {
		rc = apply_item_message(r->repo, it, &msg, &author);
	}
	if (rc)
		goto out;
	strbuf_addf(&obj, "tree %s\nparent %s\nauthor %s\ncommitter %s\n\n%s", tree, r->tip,
		    author.buf, r->committer, msg.buf);
	if (git_object_hash_hex(r->object_format, "commit", obj.buf, obj.len, id)) {
		rc = error_env("the source repository uses %s object ids, which xenstable "
			       "does not know", r->object_format);
		goto out;
	}
	path = xstrfmt("%s/commit-%u", r->quarantine, r->nr_made++);
	{
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

		if (fd < 0 || write_all(fd, obj.buf, obj.len) || close(fd))
			rc = error_errno("cannot write %s", path);
	}
	if (!rc) {
		strvec_push(&r->unwritten, path);
		strvec_push(&r->unwritten_ids, id);
		snprintf(oid, GIT_MAX_HEXSZ + 1, "%s", id);
	}
	free(path);
out:
	strbuf_release(&msg);
	strbuf_release(&author);
	strbuf_release(&obj);
	return rc;
}

static int commit_item(struct apply_run *r, const struct apply_item *it, char *oid)
{
	struct strbuf tree = STRBUF_INIT, err = STRBUF_INIT;
	const char *const wt[] = { "write-tree", NULL };
	int rc;

	rc = apply_must("write-tree", apply_run_git(r, NULL, 0, &tree, &err, NULL, wt), &err);
	strbuf_trim(&tree);
	if (!rc)
		rc = apply_commit_tree(r, it, tree.buf, oid);
	strbuf_release(&tree);
	strbuf_release(&err);
	return rc;
}

/* "git apply --cached ..." of path ("-": stdin) with flags (enum apply_check_flags). */
void apply_argv(struct strvec *argv, int check, unsigned flags, const char *path)
{
	strvec_pushl(argv, "apply", "--cached", "--whitespace=nowarn", NULL);
	if (check)
		strvec_push(argv, "--check");
	if (flags & APPLY_CHECK_REVERSE)
		strvec_push(argv, "-R");
	if (flags & APPLY_CHECK_IGNORE_WS)
		strvec_push(argv, "--ignore-whitespace");
	if (flags & APPLY_CHECK_CONTEXT1)
		strvec_push(argv, "-C1");
	strvec_push(argv, path);
}

/* git apply --cached [--check] [-R] path into index (NULL: the run's); stderr to err. */
static int git_apply(struct apply_run *r, const char *index, const char *path, int check,
		     int reverse, struct strbuf *err)
{
	struct strvec argv = STRVEC_INIT;
	int rc;

	apply_argv(&argv, check, reverse ? APPLY_CHECK_REVERSE : 0, path);
	rc = run_git_index(r, index, NULL, 0, NULL, err, NULL, argv.v);
	strvec_clear(&argv);
	return rc;
}

int apply_try(struct apply_run *r, const char *path, struct strbuf *why)
{
	return apply_try_series(r, r->tip, &path, 1, why);
}

int apply_try_series(struct apply_run *r, const char *from, const char *const *paths,
		     size_t nr, struct strbuf *why)
{
	char *index = apply_new_index_path(r, "-try");
	size_t i;
	int rc = read_tree(r, index, from);

	for (i = 0; !rc && i < nr; i++) {
		struct strbuf err = STRBUF_INIT;

		rc = git_apply(r, index, paths[i], 0, 0, &err);
		if (rc > 0) {
			if (why)
				strbuf_addf(why, "%s: %.*s", path_basename(paths[i]),
					    (int)strcspn(err.buf, "\n"), err.buf);
			rc = 1;
		}
		strbuf_release(&err);
	}
	unlink(index);
	free(index);
	return rc;
}

int apply_all(struct apply_run *r)
{
	size_t i;
	int rc;

	free(r->res);
	r->res = xcalloc(r->nr ? r->nr : 1, sizeof(*r->res));
	memcpy(r->start, r->tip, sizeof(r->start));
	rc = load_index(r);
	if (rc)
		return rc;
	for (i = 0; i < r->nr; i++) {
		struct apply_item *it = &r->items[i];
		struct apply_result *res = &r->res[i];
		struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;

		if (it->known_applied) {
			res->outcome = APPLY_ALREADY;
			snprintf(res->commit, sizeof(res->commit), "%s",
				 it->known_commit ? it->known_commit : "");
			res->detail = xstrdup("already on the branch");
			continue;
		}
		rc = read_file(&text, it->path, 64 << 20);
		if (!rc)
			rc = apply_check_patch(it->path, text.buf, text.len);
		strbuf_release(&text);
		if (rc == -XS_INPUT) {
			res->outcome = APPLY_REJECTED;
			res->detail = xstrdup("not a safe patch");
			goto stop;
		}
		if (rc)
			return rc;
		/* git apply is all or nothing: on failure the index is as it was. */
		rc = git_apply(r, NULL, it->path, 0, 0, &err);
		if (rc < 0) {
			strbuf_release(&err);
			return rc;
		}
		if (rc == 0) {
			strbuf_release(&err);
			rc = commit_item(r, it, res->commit);
			if (rc == -XS_INPUT) {
				res->outcome = APPLY_REJECTED;
				res->detail = xstrdup("cannot take author and message from the patch");
				goto stop;
			}
			if (rc)
				return rc;
			memcpy(r->tip, res->commit, sizeof(r->tip));
			res->outcome = APPLY_APPLIED;
			crash_point("apply-commit");
			continue;
		}
		/* It does not apply.  Is it in already?  The test xsa status uses too. */
		{
			struct strvec env = STRVEC_INIT;
			const char *one = it->path;
			int rev;

			strvec_pushf(&env, "GIT_INDEX_FILE=%s", r->index_path);
			strvec_pushv(&env, r->env.v);
			strvec_pushv(&env, r->qenv.v);
			rev = apply_reverse_series(r->repo, &env, &one, 1, 1, NULL);
			strvec_clear(&env);
			if (rev < 0) {
				strbuf_release(&err);
				return rev;
			}
			if (rev == 0) {
				res->outcome = APPLY_ALREADY;
				res->detail = xstrdup("its changes are on the branch already "
						      "(it reverse-applies cleanly); left alone");
				strbuf_release(&err);
				continue;
			}
		}
		res->outcome = APPLY_CONFLICT;
		apply_analyse_conflict(r, it, &err, &res->conflict);
		res->detail = xstrdup(res->conflict.reason);
		strbuf_release(&err);
		goto stop;
	}
	return apply_flush_commits(r);
stop:
	{
		size_t failed = i;

		for (i++; i < r->nr; i++)
			r->res[i].outcome = APPLY_SKIPPED;
		rc = apply_flush_commits(r);
		if (rc)
			return rc;
		return r->res[failed].outcome == APPLY_REJECTED ? -XS_INPUT : XS_FAIL;
	}
}

int apply_run_env(struct apply_run *r, struct strvec *env)
{
	int rc = apply_flush_commits(r);

	strvec_pushv(env, r->env.v);
	strvec_pushv(env, r->qenv.v);
	return rc;
}

int apply_finish(struct apply_run *r)
{
	struct strvec wts = STRVEC_INIT;
	size_t i;
	int rc;

	if (!strcmp(r->base, r->tip))
		return 0;
	if (r->guard) {
		rc = apply_flush_commits(r);
		if (!rc)
			rc = r->guard(r, r->guard_data);
		if (rc)
			return rc;
	}
	if (r->dry_run)
		return 0;
	rc = apply_check_worktrees(r, &wts);
	if (!rc)
		rc = apply_flush_commits(r);
	if (!rc) {
		crash_point("apply-flushed");
		rc = apply_migrate_objects(r);
	}
	if (rc)
		goto out;
	crash_point("apply-before-ref");
	rc = git_update_ref(r->repo, r->ref, r->tip, r->base[0] ? r->base : NULL,
			    "xenstable: apply");
	if (rc)
		goto out;
	crash_point("apply-after-ref");
	for (i = 0; i < wts.nr; i++) {
		struct child_process c;

		/* Bring the clean checkout along, as a fast-forward would. */
		git_child_init(&c, NULL);
		strvec_pushl(&c.args, "read-tree", "-m", "-u", r->base, r->tip, NULL);
		c.dir = wts.v[i];
		rc = run_child(&c);
		if (rc > 0)
			rc = error_env("%s moved, but updating its checkout in %s failed: %s "
				       "(run 'git reset --hard' there)", r->ref, wts.v[i],
				       child_err_summary(&c));
		child_release(&c);
		if (rc)
			break;
		say("updated the checkout of %s in %s", r->ref + 11, wts.v[i]);
	}
out:
	strvec_clear(&wts);
	return rc;
}
