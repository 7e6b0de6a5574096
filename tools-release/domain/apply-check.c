/*
 * apply-check.c: what patches do to a tree, nothing moved (apply.h):
 * private indexes of one's own, the post-image test (apply_present()
 * and "in already"), and why a patch did not apply (the failing hunk and
 * the commits that last touched its lines).
 */
#include "compat.h"
#include "apply.h"
#include "apply-internal.h"
#include "fs.h"
#include "usage.h"
#include "xalloc.h"

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

			if (!apply_parse_hunk_header(l, n, &os, &ol, &ns, &nl) &&
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

		rc = apply_run_git(r, NULL, 0, &res, NULL, NULL, argv);
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

		rc = apply_run_git(r, NULL, 0, &res, NULL, NULL, argv);
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
	int rc = apply_run_git(r, NULL, 0, &out, NULL, NULL, argv);

	free(spec);
	strbuf_release(&out);
	return rc == 0;
}

void apply_analyse_conflict(struct apply_run *r, const struct apply_item *it,
			    const struct strbuf *err, struct apply_conflict *c)
{
	struct strbuf text = STRBUF_INIT;
	size_t pos = 0, n;
	const char *l;
	long olen = 0;

	strvec_init(&c->blame);
	/* blame and log read the run's new commits. */
	if (apply_flush_commits(r))
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
int apply_reverse_series(const struct git_repo *repo, const struct strvec *env,
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

		rc = apply_must("read-tree", git_run(repo, &env, NULL, 0, NULL, &err, argv), &err);
	}
	if (!rc)
		rc = apply_reverse_series(repo, &env, paths, nr, 0, why);
	remove_tree(dir);
	free(index);
	free(dir);
	strvec_clear(&env);
	strbuf_release(&err);
	return rc;
}
