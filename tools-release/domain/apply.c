#include "compat.h"
#include "apply.h"
#include "fs.h"
#include "run-command.h"
#include "usage.h"
#include "xalloc.h"
#include "quote.h"

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

/*
 * Would some filesystem take this path component for git's own directory?
 * Case-insensitive filesystems see ".GIT"; Windows drops trailing dots
 * and spaces (".git.", ".git ") and reads "git~1" as the 8.3 name of
 * ".git"; NTFS stream names follow a ':' (".git::$INDEX_ALLOCATION").
 */
static int component_is_dotgit(const char *c, size_t n)
{
	size_t k = 0;

	while (k < n && c[k] != ':')
		k++;
	n = k;
	while (n && (c[n - 1] == '.' || c[n - 1] == ' '))
		n--;
	return (n == 4 && !strncasecmp(c, ".git", 4)) || (n == 5 && !strncasecmp(c, "git~1", 5));
}

/*
 * A path a patch may touch: inside the tree (no absolute path, no "..",
 * "." or empty component, nor one of dots and spaces only, which Windows
 * reads as "." or ".."), plain ASCII without control characters or
 * backslashes, and no component that is, or a filesystem would take for,
 * ".git" at any depth.
 */
static int check_path(const char *origin, int lineno, const char *path)
{
	const char *p;
	char *shown;
	int rc = 0;

	for (p = path; *p; p++)
		if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20 || *p == 0x7f)
			break;
	if (*p) {
		struct strbuf sb = STRBUF_INIT;

		for (p = path; *p && sb.len < 200; p++) {
			if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20 || *p == 0x7f)
				strbuf_addf(&sb, "\\x%02x", (unsigned char)*p);
			else
				strbuf_addch(&sb, *p);
		}
		rc = error_input("%s:%d: path '%s' holds control or non-ASCII bytes; refusing it",
				 origin, lineno, sb.buf);
		strbuf_release(&sb);
		return rc;
	}
	shown = xstrdup(path);
	if (!path_is_safe(path)) {
		rc = error_input("%s:%d: path '%s' leaves the source tree", origin, lineno, shown);
	} else {
		for (p = path; *p && !rc;) {
			size_t n = strcspn(p, "/"), k;

			for (k = 0; k < n && (p[k] == '.' || p[k] == ' '); k++)
				;
			if (k == n)
				rc = error_input("%s:%d: path '%s' has a component of dots and spaces "
						 "only; refusing it", origin, lineno, shown);
			else if (component_is_dotgit(p, n))
				rc = error_input("%s:%d: patch touches '%s': '%.*s' is, or a filesystem "
						 "would take it for, git's own directory .git",
						 origin, lineno, shown, (int)n, p);
			p += n;
			if (*p == '/')
				p++;
		}
	}
	free(shown);
	return rc;
}

/*
 * "diff --git a/X b/Y": git falls back on these names when a patch has no
 * ---/+++ lines (a mode change, an empty new file, a pure rename), so
 * each name there is checked too.  Names with spaces are split at them
 * and every piece is checked: stricter, never looser.
 */
static int check_diff_line(const char *origin, int lineno, const char *s, size_t n)
{
	size_t i = 0;
	int rc = 0;

	while (!rc && i < n) {
		size_t start, len;
		char *tok;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		start = i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		len = i - start;
		if (!len)
			break;
		if (len >= 2 && (s[start] == 'a' || s[start] == 'b') && s[start + 1] == '/') {
			start += 2;
			len -= 2;
		}
		tok = xmemdupz(s + start, len);
		rc = check_path(origin, lineno, tok);
		free(tok);
	}
	return rc;
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

/* The paths a patch creates ("--- /dev/null" then "+++ b/PATH"). */
static void patch_new_files(const char *text, size_t len, struct strvec *out)
{
	size_t pos = 0, n, npos;
	const char *line, *next;
	size_t nn;

	while (next_line(text, len, &pos, &line, &n)) {
		int quoted;
		char *path;

		if (n < 13 || memcmp(line, "--- /dev/null", 13))
			continue;
		npos = pos;
		if (!next_line(text, len, &npos, &next, &nn) || nn < 4 || memcmp(next, "+++ ", 4))
			continue;
		path = header_path(next + 4, nn - 4, &quoted);
		if (path && !quoted && !strvec_contains(out, path))
			strvec_push(out, path);
		free(path);
		pos = npos;
	}
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
			int rc;

			files++;
			if (memchr(line + 11, '"', n - 11))
				return error_input("%s:%d: quoted path in diff header; refusing it",
						   origin, lineno);
			rc = check_diff_line(origin, lineno, line + 11, n - 11);
			if (rc)
				return rc;
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
				bad = *v == '"' ? error_input("%s:%d: quoted path; refusing it", origin,
							      lineno) : check_path(origin, lineno, v);
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
static int migrate_objects(struct apply_run *r)
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

static int run_git(struct apply_run *r, const char *in, size_t in_len,
		   struct strbuf *out, struct strbuf *err, const struct strvec *env,
		   const char *const *argv)
{
	return run_git_index(r, NULL, in, in_len, out, err, env, argv);
}

static int must(const char *what, int rc, const struct strbuf *err)
{
	if (rc > 0)
		return error_env("git %s failed: %.*s", what, (int)strcspn(err->buf, "\n"),
				 err->buf);
	return rc;
}

static int flush_commits(struct apply_run *r);

/* Index files of the run: unique per run (runs may go on in parallel threads). */
static char *new_index_path(const struct apply_run *r, const char *tag)
{
	const char *q = strrchr(r->quarantine, '-');

	return xstrfmt("%s/xenstable-apply-%ld%s%s.index", r->repo->git_dir, (long)getpid(),
		       q ? q : "", tag);
}

static int read_tree(struct apply_run *r, const char *index, const char *commit)
{
	struct strbuf err = STRBUF_INIT;
	const char *const argv[] = { "read-tree", commit, NULL };
	int rc = flush_commits(r);

	if (rc)
		return rc;
	rc = must("read-tree", run_git_index(r, index, NULL, 0, NULL, &err, NULL, argv), &err);
	strbuf_release(&err);
	return rc;
}

static int load_index(struct apply_run *r)
{
	if (!r->index_path)
		r->index_path = new_index_path(r, "");
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
	rc = must("mailinfo", repo_git(repo, mail.buf, mail.len, &info, &err, argv.v), &err);
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
		rc = must("interpret-trailers", repo_git(repo, out.buf, out.len, msg, &err, argv.v),
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
	int rc = run_git(r, NULL, 0, &o, &err, NULL, argv);

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
static int flush_commits(struct apply_run *r)
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
	rc = run_git(r, in.buf, in.len, &out, &err, NULL, argv);
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
 * repository's hash) and written with the others by flush_commits():
 * one git process for a run's commits instead of one each.
 */
static int commit_tree(struct apply_run *r, const struct apply_item *it, const char *tree,
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

	rc = must("write-tree", run_git(r, NULL, 0, &tree, &err, NULL, wt), &err);
	strbuf_trim(&tree);
	if (!rc)
		rc = commit_tree(r, it, tree.buf, oid);
	strbuf_release(&tree);
	strbuf_release(&err);
	return rc;
}

/* "git apply --cached ..." of path ("-": stdin) with flags (enum apply_check_flags). */
static void apply_argv(struct strvec *argv, int check, unsigned flags, const char *path)
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

/* ---- private indexes of one's own ------------------------------------------ */

int apply_index_make(const struct git_repo *repo, const struct apply_index_file *files, size_t nr,
		     struct apply_index *ix)
{
	const char *const hash[] = { "hash-object", "-w", "--no-filters", "--stdin-paths", NULL };
	const char *const info[] = { "update-index", "-z", "--index-info", NULL };
	struct strbuf paths = STRBUF_INIT, ids = STRBUF_INIT, entries = STRBUF_INIT,
		      err = STRBUF_INIT;
	char *tmpl = xstrfmt("%s/objects/xenstable-incoming-XXXXXX", repo->common_dir);
	size_t i, pos = 0, n;
	const char *line;
	int rc = 0;

	memset(ix, 0, sizeof(*ix));
	strvec_init(&ix->env);
	if (!mkdtemp(tmpl)) {
		rc = error_errno("cannot create a directory in %s/objects", repo->common_dir);
		free(tmpl);
		return rc;
	}
	ix->objects = tmpl;
	ix->index = path_join(ix->objects, "index");
	strvec_pushf(&ix->env, "GIT_INDEX_FILE=%s", ix->index);
	strvec_pushf(&ix->env, "GIT_OBJECT_DIRECTORY=%s", ix->objects);
	strvec_pushf(&ix->env, "GIT_ALTERNATE_OBJECT_DIRECTORIES=%s/objects", repo->common_dir);
	/* The contents as files for git hash-object, in the private directory. */
	for (i = 0; !rc && i < nr; i++) {
		char *p = xstrfmt("%s/blob-%zu", ix->objects, i);

		rc = write_file_atomic(p, files[i].data, files[i].len, 0600);
		strbuf_addf(&paths, "%s\n", p);
		free(p);
	}
	if (!rc && nr) {
		rc = git_run(repo, &ix->env, paths.buf, paths.len, &ids, &err, hash);
		if (rc > 0)
			rc = error_env("git hash-object failed: %.*s", (int)strcspn(err.buf, "\n"),
				       err.buf);
	}
	for (i = 0; !rc && i < nr; i++) {
		if (!next_line(ids.buf, ids.len, &pos, &line, &n) || !is_hex_string(line, n)) {
			rc = error_env("git hash-object gave no id for %s", files[i].path);
			break;
		}
		strbuf_addf(&entries, "%o %.*s\t%s", files[i].mode, (int)n, line, files[i].path);
		strbuf_addch(&entries, '\0');
	}
	if (!rc) {
		strbuf_reset(&err);
		rc = git_run(repo, &ix->env, entries.buf, entries.len, NULL, &err, info);
		if (rc > 0)
			rc = error_env("git update-index failed: %.*s", (int)strcspn(err.buf, "\n"),
				       err.buf);
	}
	if (rc)
		apply_index_release(ix);
	strbuf_release(&paths);
	strbuf_release(&ids);
	strbuf_release(&entries);
	strbuf_release(&err);
	return rc;
}

void apply_index_release(struct apply_index *ix)
{
	if (ix->objects)
		remove_tree(ix->objects);
	free(ix->objects);
	free(ix->index);
	strvec_clear(&ix->env);
	memset(ix, 0, sizeof(*ix));
}

int apply_index_check(const struct git_repo *repo, const struct apply_index *ix,
		      const char *patch, size_t len, unsigned flags, struct strbuf *err)
{
	struct strvec argv = STRVEC_INIT;
	int rc;

	apply_argv(&argv, 1, flags, "-");
	rc = git_run(repo, &ix->env, patch, len, NULL, err, argv.v);
	if (rc > 0)
		rc = 1;
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

/* Commits that last touched [line, line+len) of file at the run's tip. */
static void blame_lines(struct apply_run *r, const char *file, long line, long len,
			struct strvec *out)
{
	struct strbuf res = STRBUF_INIT;
	char *range;
	int rc;

	if (line <= 0 || len <= 0) {
		/* The file is not there: who removed or renamed it? */
		const char *const argv[] = { "log", "-1", "--format=%H %s", r->tip, "--", file,
					     NULL };

		rc = run_git(r, NULL, 0, &res, NULL, NULL, argv);
		strbuf_trim(&res);
		if (!rc && res.len)
			strvec_push(out, res.buf);
		strbuf_release(&res);
		return;
	}
	range = xstrfmt("%ld,+%ld", line, len);
	{
		const char *const argv[] = { "blame", "--porcelain", "-L", range, r->tip, "--",
					     file, NULL };

		rc = run_git(r, NULL, 0, &res, NULL, NULL, argv);
	}
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

/* The blob of file at the run's tip exists? */
static int file_at_tip(struct apply_run *r, const char *file)
{
	struct strbuf out = STRBUF_INIT;
	char *spec = xstrfmt("%s:%s", r->tip, file);
	const char *const argv[] = { "cat-file", "-e", spec, NULL };
	int rc = run_git(r, NULL, 0, &out, NULL, NULL, argv);

	free(spec);
	strbuf_release(&out);
	return rc == 0;
}

static void analyse_conflict(struct apply_run *r, const struct apply_item *it,
			     const struct strbuf *err, struct apply_conflict *c)
{
	struct strbuf text = STRBUF_INIT;
	size_t pos = 0, n;
	const char *l;
	long olen = 0;

	strvec_init(&c->blame);
	/* blame and log read the run's new commits. */
	if (flush_commits(r))
		return;
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
		int exists = file_at_tip(r, c->file);

		blame_lines(r, c->file, exists ? c->line : 0, exists ? (olen ? olen : 1) : 0,
			    &c->blame);
	}
	strbuf_release(&text);
}

/*
 * The content test every verdict uses (apply_present() and the "in
 * already" fallback of apply_all()): patches reverse-apply in index, last
 * one first.  0 yes, 1 no (why gets git's first complaint), <0 error.
 */
static int reverse_series(const struct git_repo *repo, const struct strvec *env,
			  const char *const *paths, size_t nr, int check_only, struct strbuf *why)
{
	size_t k;
	int rc = 0;

	for (k = nr; k-- > 0 && !rc; ) {
		struct strbuf err = STRBUF_INIT;
		struct strvec argv = STRVEC_INIT;

		strvec_pushl(&argv, "apply", "--cached", "--whitespace=nowarn", "-R", NULL);
		/* The first patch of the series needs no index left behind. */
		if (check_only || k == 0)
			strvec_push(&argv, "--check");
		strvec_push(&argv, paths[k]);
		rc = git_run(repo, env, NULL, 0, NULL, &err, argv.v);
		if (rc > 0) {
			if (why)
				strbuf_addf(why, "%s: %.*s", path_basename(paths[k]),
					    (int)strcspn(err.buf, "\n"), err.buf);
			rc = 1;
		}
		strvec_clear(&argv);
		strbuf_release(&err);
	}
	return rc;
}

int apply_present(const struct git_repo *repo, const char *commit, const char *const *paths,
		  size_t nr, struct strbuf *why)
{
	struct strvec env = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;
	char *dir = make_temp_dir("present"), *index;
	int rc;

	if (!dir)
		return -XS_ENV;
	index = path_join(dir, "index");
	strvec_pushf(&env, "GIT_INDEX_FILE=%s", index);
	{
		const char *const argv[] = { "read-tree", commit, NULL };

		rc = must("read-tree", git_run(repo, &env, NULL, 0, NULL, &err, argv), &err);
	}
	if (!rc)
		rc = reverse_series(repo, &env, paths, nr, 0, why);
	remove_tree(dir);
	free(index);
	free(dir);
	strvec_clear(&env);
	strbuf_release(&err);
	return rc;
}

int apply_try(struct apply_run *r, const char *path, struct strbuf *why)
{
	return apply_try_series(r, r->tip, &path, 1, why);
}

int apply_try_series(struct apply_run *r, const char *from, const char *const *paths,
		     size_t nr, struct strbuf *why)
{
	char *index = new_index_path(r, "-try");
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
			rev = reverse_series(r->repo, &env, &one, 1, 1, NULL);
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
		analyse_conflict(r, it, &err, &res->conflict);
		res->detail = xstrdup(res->conflict.reason);
		strbuf_release(&err);
		goto stop;
	}
	return flush_commits(r);
stop:
	{
		size_t failed = i;

		for (i++; i < r->nr; i++)
			r->res[i].outcome = APPLY_SKIPPED;
		rc = flush_commits(r);
		if (rc)
			return rc;
		return r->res[failed].outcome == APPLY_REJECTED ? -XS_INPUT : XS_FAIL;
	}
}

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

int apply_run_env(struct apply_run *r, struct strvec *env)
{
	int rc = flush_commits(r);

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
		rc = flush_commits(r);
		if (!rc)
			rc = r->guard(r, r->guard_data);
		if (rc)
			return rc;
	}
	if (r->dry_run)
		return 0;
	rc = apply_check_worktrees(r, &wts);
	if (!rc)
		rc = flush_commits(r);
	if (!rc) {
		crash_point("apply-flushed");
		rc = migrate_objects(r);
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
	rc = flush_commits(r);
	if (!rc)
		rc = migrate_objects(r);
	if (rc)
		return rc;
	{
		/* Not through run_git(): the worktree gets an index of its own. */
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
	char *index = new_index_path(r, "-wt");
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
			patch_new_files(text.buf, text.len, &created);
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

		rc = run_git(r, NULL, 0, &diff, &err, NULL, argv);
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
		rc = commit_tree(r, it, out.buf, oid);
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
