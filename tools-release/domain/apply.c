#include "compat.h"
#include "apply.h"
#include "fs.h"
#include "run-command.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>

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

/* ---- patch safety ------------------------------------------------------ */

/* Strip "a/" or "b/" and a trailing "\t<timestamp>"; NULL for /dev/null. */
static char *header_path(const char *s, size_t n, int *quoted)
{
	size_t end = 0;

	*quoted = n && s[0] == '"';
	while (end < n && s[end] != '\t')
		end++;
	while (end && s[end - 1] == ' ')
		end--;
	if (end == 9 && !memcmp(s, "/dev/null", 9))
		return NULL;
	if (end >= 2 && (s[0] == 'a' || s[0] == 'b') && s[1] == '/')
		return xmemdupz(s + 2, end - 2);
	return xmemdupz(s, end);
}

static int check_path(const char *origin, int lineno, const char *path)
{
	if (!path_is_safe(path))
		return error_input("%s:%d: path '%s' leaves the source tree", origin, lineno, path);
	if (!strcmp(path, ".git") || starts_with(path, ".git/"))
		return error_input("%s:%d: patch touches '%s' inside .git", origin, lineno, path);
	return 0;
}

static int parse_range(const char *s, long *start, long *len)
{
	char *end;

	*start = strtol(s, &end, 10);
	*len = 1;
	if (end == s)
		return -1;
	if (*end == ',') {
		s = end + 1;
		*len = strtol(s, &end, 10);
		if (end == s)
			return -1;
	}
	return 0;
}

/* "@@ -a,b +c,d @@" -> old/new line counts; -1 if malformed. */
static int parse_hunk_header(const char *line, size_t n, long *ostart, long *olen,
			     long *nstart, long *nlen)
{
	char *l = xmemdupz(line, n);
	const char *p = l + 3;
	int rc = -1;

	if (*p == '-' && !parse_range(p + 1, ostart, olen)) {
		p = strchr(p, ' ');
		if (p && p[1] == '+' && !parse_range(p + 2, nstart, nlen))
			rc = 0;
	}
	free(l);
	return rc;
}

int apply_check_patch(const char *origin, const char *text, size_t len)
{
	size_t pos = 0, n, next_pos;
	const char *line, *next;
	size_t next_n;
	int lineno = 0, files = 0, hunks = 0;
	long old_left = 0, new_left = 0;

	if (memchr(text, '\0', len))
		return error_input("%s: contains NUL bytes; not a text patch", origin);
	while (next_line(text, len, &pos, &line, &n)) {
		const char *v;
		char *path;
		int quoted;

		lineno++;
		if (old_left > 0 || new_left > 0) {
			/* Inside a hunk: count lines, interpret nothing. */
			if (n && line[0] == '\\')
				continue;
			if (!n || line[0] == ' ') {
				old_left--;
				new_left--;
			} else if (line[0] == '-') {
				old_left--;
			} else if (line[0] == '+') {
				new_left--;
			} else {
				return error_input("%s:%d: hunk ends early (corrupt patch)", origin,
						   lineno);
			}
			if (old_left < 0 || new_left < 0)
				return error_input("%s:%d: hunk is longer than its header says",
						   origin, lineno);
			continue;
		}
		if (n >= 16 && !memcmp(line, "GIT binary patch", 16))
			return error_input("%s:%d: binary patch; xenstable applies text patches only",
					   origin, lineno);
		if (n >= 13 && !memcmp(line, "Binary files ", 13))
			return error_input("%s:%d: binary file change; refusing it", origin, lineno);
		if (n > 11 && !memcmp(line, "diff --git ", 11)) {
			files++;
			if (line[11] == '"')
				return error_input("%s:%d: quoted path in diff header; refusing it",
						   origin, lineno);
			continue;
		}
		{
			char *l = xmemdupz(line, n);
			int bad = 0;

			if ((skip_prefix(l, "new file mode ", &v) || skip_prefix(l, "new mode ", &v) ||
			     skip_prefix(l, "old mode ", &v) || skip_prefix(l, "deleted file mode ", &v)) &&
			    (!strcmp(v, "120000") || !strcmp(v, "160000")))
				bad = error_input("%s:%d: patch %s a %s; refusing it", origin, lineno,
						  starts_with(l, "deleted") ? "deletes" : "creates",
						  !strcmp(v, "120000") ? "symbolic link" : "submodule");
			else if (skip_prefix(l, "rename from ", &v) || skip_prefix(l, "rename to ", &v) ||
				 skip_prefix(l, "copy from ", &v) || skip_prefix(l, "copy to ", &v))
				bad = check_path(origin, lineno, v);
			free(l);
			if (bad)
				return bad;
		}
		if (n > 4 && !memcmp(line, "--- ", 4)) {
			next_pos = pos;
			if (!next_line(text, len, &next_pos, &next, &next_n) ||
			    next_n < 4 || memcmp(next, "+++ ", 4))
				continue;	/* a "--- " line in the message */
			path = header_path(line + 4, n - 4, &quoted);
			if (quoted) {
				free(path);
				return error_input("%s:%d: quoted path; refusing it", origin, lineno);
			}
			if (path) {
				int rc = check_path(origin, lineno, path);

				free(path);
				if (rc)
					return rc;
			}
			path = header_path(next + 4, next_n - 4, &quoted);
			if (quoted) {
				free(path);
				return error_input("%s:%d: quoted path; refusing it", origin, lineno + 1);
			}
			if (path) {
				int rc = check_path(origin, lineno + 1, path);

				free(path);
				if (rc)
					return rc;
			}
			pos = next_pos;
			lineno++;
			if (!files)
				files++;
			continue;
		}
		if (n > 3 && !memcmp(line, "@@ ", 3) && files) {
			long os, ns;

			if (parse_hunk_header(line, n, &os, &old_left, &ns, &new_left))
				return error_input("%s:%d: malformed hunk header", origin, lineno);
			hunks++;
		}
	}
	if (old_left > 0 || new_left > 0)
		return error_input("%s: patch is truncated (last hunk incomplete)", origin);
	if (!files || !hunks)
		return error_input("%s: not a patch (no file changes found)", origin);
	return 0;
}

/* ---- the run ------------------------------------------------------------ */

int apply_run_init(struct apply_run *r, const struct git_repo *repo, const char *ref,
		   const char *create_from)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->repo = repo;
	r->ref = xstrdup(ref);
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
	memcpy(r->tip, r->base, sizeof(r->tip));
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

/* git with the run's private index. */
static int run_git(struct apply_run *r, const char *in, size_t in_len,
		   struct strbuf *out, struct strbuf *err, const struct strvec *env,
		   const char *const *argv)
{
	struct child_process c;
	int rc;

	git_child_init(&c, r->repo);
	strvec_pushf(&c.env, "GIT_INDEX_FILE=%s", r->index_path);
	if (env)
		strvec_pushv(&c.env, env->v);
	strvec_pushv(&c.args, argv);
	if (in) {
		c.in = CHILD_IN_BUF;
		c.in_buf = in;
		c.in_len = in_len;
	}
	rc = run_child(&c);
	if (out)
		strbuf_addbuf(out, &c.out_buf);
	if (err)
		strbuf_addbuf(err, &c.err_buf);
	child_release(&c);
	return rc;
}

static int must(const char *what, int rc, const struct strbuf *err)
{
	if (rc > 0)
		return error_env("git %s failed: %.*s", what, (int)strcspn(err->buf, "\n"),
				 err->buf);
	return rc;
}

static int load_index(struct apply_run *r)
{
	struct strbuf err = STRBUF_INIT;
	const char *const argv[] = { "read-tree", r->tip, NULL };
	int rc;

	if (!r->index_path)
		r->index_path = xstrfmt("%s/xenstable-apply-%ld.index", r->repo->git_dir,
					(long)getpid());
	rc = must("read-tree", run_git(r, NULL, 0, NULL, &err, NULL, argv), &err);
	strbuf_release(&err);
	return rc;
}

/* Build the commit message and author from the patch mail. */
static int patch_message(struct apply_run *r, const struct apply_item *it,
			 struct strbuf *msg, struct strvec *env)
{
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
	rc = must("mailinfo", run_git(r, mail.buf, mail.len, &info, &err, NULL, argv.v), &err);
	if (rc)
		goto out;
	while (next_line(info.buf, info.len, &pos, &line, &n)) {
		char *l = xmemdupz(line, n);
		const char *v;

		if (skip_prefix(l, "Author: ", &v) && *v) {
			strvec_pushf(env, "GIT_AUTHOR_NAME=%s", v);
			have_name = 1;
		} else if (skip_prefix(l, "Email: ", &v) && *v) {
			strvec_pushf(env, "GIT_AUTHOR_EMAIL=%s", v);
			have_mail = 1;
		} else if (skip_prefix(l, "Date: ", &v) && *v) {
			strvec_pushf(env, "GIT_AUTHOR_DATE=%s", v);
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
		rc = must("interpret-trailers",
			  run_git(r, out.buf, out.len, msg, &err, NULL, argv.v), &err);
	} else {
		strbuf_addbuf(msg, &out);
	}
out:
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

static int commit_item(struct apply_run *r, const struct apply_item *it, char *oid)
{
	struct strbuf msg = STRBUF_INIT, tree = STRBUF_INIT, out = STRBUF_INIT,
		      err = STRBUF_INIT;
	struct strvec env = STRVEC_INIT;
	const char *const wt[] = { "write-tree", NULL };
	int rc = patch_message(r, it, &msg, &env);

	if (rc)
		goto out;
	rc = must("write-tree", run_git(r, NULL, 0, &tree, &err, NULL, wt), &err);
	if (rc)
		goto out;
	strbuf_trim(&tree);
	{
		const char *const ct[] = { "commit-tree", tree.buf, "-p", r->tip, NULL };

		rc = run_git(r, msg.buf, msg.len, &out, &err, &env, ct);
		if (rc > 0)
			rc = error_env("git commit-tree failed (is user.name/user.email set in "
				       "the source repository?): %.*s",
				       (int)strcspn(err.buf, "\n"), err.buf);
	}
	if (rc)
		goto out;
	strbuf_trim(&out);
	snprintf(oid, GIT_MAX_HEXSZ + 1, "%s", out.buf);
out:
	strbuf_release(&msg);
	strbuf_release(&tree);
	strbuf_release(&out);
	strbuf_release(&err);
	strvec_clear(&env);
	return rc;
}

/* git apply --cached [--check] [-R] path; stderr to err. */
static int git_apply(struct apply_run *r, const char *path, int check, int reverse,
		     struct strbuf *err)
{
	struct strvec argv = STRVEC_INIT;
	int rc;

	strvec_pushl(&argv, "apply", "--cached", "--whitespace=nowarn", NULL);
	if (check)
		strvec_push(&argv, "--check");
	if (reverse)
		strvec_push(&argv, "-R");
	strvec_push(&argv, path);
	rc = run_git(r, NULL, 0, NULL, err, NULL, argv.v);
	strvec_clear(&argv);
	return rc;
}

/* Find the header of the hunk of file starting at old line `line`. */
static char *find_hunk(const char *text, size_t len, const char *file, int line,
		       long *olen)
{
	size_t pos = 0, n;
	const char *l;
	int in_file = 0;
	char *b_file = xstrfmt("+++ b/%s", file), *a_file = xstrfmt("--- a/%s", file);
	char *found = NULL;

	*olen = 0;
	while (next_line(text, len, &pos, &l, &n)) {
		if (n >= 4 && (!memcmp(l, "+++ ", 4) || !memcmp(l, "--- ", 4))) {
			size_t bl = strlen(b_file), al = strlen(a_file);

			if ((n >= bl && !memcmp(l, b_file, bl) && (n == bl || l[bl] == '\t')) ||
			    (n >= al && !memcmp(l, a_file, al) && (n == al || l[al] == '\t')))
				in_file = 1;
			else if (!memcmp(l, "--- ", 4))
				in_file = 0;
			continue;
		}
		if (in_file && n > 3 && !memcmp(l, "@@ -", 4)) {
			long os, ol, ns, nl;

			if (!parse_hunk_header(l, n, &os, &ol, &ns, &nl) &&
			    (os == line || (!found && line == 0))) {
				free(found);
				found = xmemdupz(l, n);
				*olen = ol;
				if (os == line)
					break;
			}
		}
	}
	free(a_file);
	free(b_file);
	return found;
}

/* Commits that last touched [line, line+len) of file at rev. */
static void blame_lines(struct apply_run *r, const char *file, long line, long len,
			struct strvec *out)
{
	struct strbuf res = STRBUF_INIT;
	char *range;
	int rc;

	if (line <= 0 || len <= 0) {
		/* The file is not there: who removed or renamed it? */
		rc = git_try(r->repo, &res, NULL, "log", "-1", "--format=%H %s", r->tip,
			     "--", file, NULL);
		strbuf_trim(&res);
		if (!rc && res.len)
			strvec_push(out, res.buf);
		strbuf_release(&res);
		return;
	}
	range = xstrfmt("%ld,+%ld", line, len);
	rc = git_try(r->repo, &res, NULL, "blame", "--porcelain", "-L", range, r->tip,
		     "--", file, NULL);
	if (!rc) {
		size_t pos = 0, n;
		const char *l;
		char cur[GIT_MAX_HEXSZ + 1] = "";
		struct strvec seen = STRVEC_INIT;

		while (next_line(res.buf, res.len, &pos, &l, &n)) {
			if (n >= 41 && is_hex_string(l, 40) && l[40] == ' ') {
				snprintf(cur, sizeof(cur), "%.40s", l);
			} else if (n > 8 && !memcmp(l, "summary ", 8) && cur[0] &&
				   !strvec_contains(&seen, cur)) {
				strvec_push(&seen, cur);
				if (out->nr < 5)
					strvec_pushf(out, "%s %.*s", cur, (int)(n - 8), l + 8);
			}
		}
		strvec_clear(&seen);
	}
	free(range);
	strbuf_release(&res);
}

static void analyse_conflict(struct apply_run *r, const struct apply_item *it,
			     const struct strbuf *err, struct apply_conflict *c)
{
	struct strbuf text = STRBUF_INIT;
	size_t pos = 0, n;
	const char *l;
	long olen = 0;

	strvec_init(&c->blame);
	while (next_line(err->buf, err->len, &pos, &l, &n)) {
		char *line = xmemdupz(l, n);
		const char *v;

		if (!c->file && skip_prefix(line, "error: patch failed: ", &v)) {
			const char *colon = strrchr(v, ':');

			if (colon) {
				c->file = xstrndup(v, (size_t)(colon - v));
				c->line = atoi(colon + 1);
			}
		} else if (skip_prefix(line, "error: ", &v)) {
			const char *what = strstr(v, ": ");

			if (!c->reason)
				c->reason = xstrdup(v);
			if (!c->file && what && (strstr(what, "does not exist in index") ||
						 strstr(what, "already exists in index")))
				c->file = xstrndup(v, (size_t)(what - v));
		}
		free(line);
	}
	if (!c->reason)
		c->reason = xstrdup(err->len ? err->buf : "git apply refused the patch");
	if (c->file && !read_file(&text, it->path, 64 << 20))
		c->hunk = find_hunk(text.buf, text.len, c->file, c->line, &olen);
	if (c->file) {
		char *spec = xstrfmt("%s:%s", r->tip, c->file);
		char oid[GIT_MAX_HEXSZ + 1];
		int exists = git_resolve(r->repo, spec, oid) == 0;

		free(spec);
		blame_lines(r, c->file, exists ? c->line : 0, exists ? (olen ? olen : 1) : 0,
			    &c->blame);
	}
	strbuf_release(&text);
}

int apply_try(struct apply_run *r, const char *path, struct strbuf *why)
{
	struct strbuf err = STRBUF_INIT;
	int rc = load_index(r);

	if (!rc) {
		rc = git_apply(r, path, 1, 0, &err);
		if (rc > 0 && why)
			strbuf_add(why, err.buf, strcspn(err.buf, "\n"));
	}
	strbuf_release(&err);
	return rc;
}

int apply_all(struct apply_run *r)
{
	size_t i;
	int rc;

	r->res = xcalloc(r->nr ? r->nr : 1, sizeof(*r->res));
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
		rc = git_apply(r, it->path, 1, 0, &err);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			strbuf_reset(&err);
			rc = must("apply", git_apply(r, it->path, 0, 0, &err), &err);
			if (!rc)
				rc = commit_item(r, it, res->commit);
			strbuf_release(&err);
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
		/* It does not apply.  Is it in already? */
		{
			struct strbuf rerr = STRBUF_INIT;
			int rev = git_apply(r, it->path, 1, 1, &rerr);

			strbuf_release(&rerr);
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
		analyse_conflict(r, it, &err, &res->conflict);
		res->detail = xstrdup(res->conflict.reason);
		strbuf_release(&err);
		goto stop;
	}
	return 0;
stop:
	{
		size_t failed = i;

		for (i++; i < r->nr; i++)
			r->res[i].outcome = APPLY_SKIPPED;
		return r->res[failed].outcome == APPLY_REJECTED ? -XS_INPUT : XS_FAIL;
	}
}

int apply_check_worktrees(const struct apply_run *r, struct strvec *checked_out)
{
	struct strvec wts = STRVEC_INIT;
	size_t i;
	int rc;

	if (!starts_with(r->ref, "refs/heads/"))
		return 0;
	rc = git_worktrees_with_branch(r->repo, r->ref, &wts);
	for (i = 0; !rc && i < wts.nr; i++) {
		int clean = git_worktree_clean(r->repo, wts.v[i]);

		if (clean < 0)
			rc = clean;
		else if (!clean)
			rc = error_env("%s is checked out in %s, which has uncommitted changes; "
				       "commit or stash them first", r->ref + 11, wts.v[i]);
		else if (checked_out)
			strvec_push(checked_out, wts.v[i]);
	}
	strvec_clear(&wts);
	return rc;
}

int apply_finish(struct apply_run *r)
{
	struct strvec wts = STRVEC_INIT;
	size_t i;
	int rc;

	if (r->dry_run || !strcmp(r->base, r->tip))
		return 0;
	rc = apply_check_worktrees(r, &wts);
	if (rc)
		goto out;
	crash_point("apply-before-ref");
	rc = git_update_ref(r->repo, r->ref, r->tip, r->base[0] ? r->base : NULL,
			    "xenstable: apply");
	if (rc)
		goto out;
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
