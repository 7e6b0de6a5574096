#include "compat.h"
#include "git.h"
#include "fs.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>
#include <signal.h>

static const char *const git_env_unset[] = {
	"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
	"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE",
	"GIT_CEILING_DIRECTORIES", "GIT_PREFIX", "GIT_EDITOR", "GIT_PAGER",
	"GIT_EXTERNAL_DIFF", "GIT_DIFF_OPTS", "GIT_QUARANTINE_PATH",
	NULL
};

static void git_base_env(struct child_process *c)
{
	const char *const *u;

	for (u = git_env_unset; *u; u++)
		strvec_push(&c->env, *u);
	strvec_push(&c->env, "LC_ALL=C");
	strvec_push(&c->env, "LANGUAGE=C");
	strvec_push(&c->env, "GIT_TERMINAL_PROMPT=0");
	strvec_push(&c->env, "GIT_PAGER=cat");
	strvec_push(&c->env, "GIT_OPTIONAL_LOCKS=0");
}

void git_child_init(struct child_process *c, const struct git_repo *r)
{
	child_init(c);
	git_base_env(c);
	strvec_push(&c->args, "git");
	if (r) {
		strvec_pushf(&c->args, "--git-dir=%s", r->git_dir);
		if (r->worktree)
			strvec_pushf(&c->args, "--work-tree=%s", r->worktree);
		c->dir = r->worktree ? r->worktree : r->git_dir;
	}
}

static char *abs_from(const char *base, const char *p)
{
	if (p[0] == '/')
		return xstrdup(p);
	return path_join(base, p);
}

int git_open(struct git_repo *r, const char *path)
{
	struct child_process c;
	struct strvec lines = STRVEC_INIT;
	char *abs;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!is_dir(path))
		return error_env("'%s' is not a directory", path);
	abs = path_realpath(path);
	child_init(&c);
	git_base_env(&c);
	strvec_pushl(&c.args, "git", "rev-parse", "--git-dir", "--git-common-dir",
		     "--is-bare-repository", "--is-shallow-repository", NULL);
	c.dir = abs;
	rc = run_child(&c);
	if (rc != 0) {
		rc = rc < 0 ? rc : error_env("'%s' is not a git repository: %s",
					     path, child_err_summary(&c));
		goto out;
	}
	strvec_split(&lines, c.out_buf.buf, "\n");
	if (lines.nr != 4) {
		rc = error_env("unexpected answer from git rev-parse in '%s'", path);
		goto out;
	}
	r->git_dir = abs_from(abs, lines.v[0]);
	r->common_dir = abs_from(abs, lines.v[1]);
	r->shallow = !strcmp(lines.v[3], "true");
	if (strcmp(lines.v[2], "true")) {
		struct strbuf top = STRBUF_INIT;

		child_release(&c);
		child_init(&c);
		git_base_env(&c);
		strvec_pushl(&c.args, "git", "rev-parse", "--show-toplevel", NULL);
		c.dir = abs;
		rc = run_child(&c);
		if (rc) {
			rc = rc < 0 ? rc : error_env("'%s': cannot find the top of the worktree", path);
			goto out;
		}
		strbuf_addbuf(&top, &c.out_buf);
		strbuf_trim(&top);
		r->worktree = strbuf_detach(&top, NULL);
	}
	{
		/* Resolve symlinks so paths compare equal later. */
		char *g = path_realpath(r->git_dir), *cd = path_realpath(r->common_dir);

		free(r->git_dir);
		free(r->common_dir);
		r->git_dir = g;
		r->common_dir = cd;
	}
	rc = 0;
out:
	strvec_clear(&lines);
	child_release(&c);
	free(abs);
	if (rc)
		git_close(r);
	return rc;
}

void git_close(struct git_repo *r)
{
	free(r->git_dir);
	free(r->common_dir);
	free(r->worktree);
	memset(r, 0, sizeof(*r));
}

static void describe_args(struct strbuf *sb, const char *const *argv)
{
	size_t i;

	for (i = 0; argv[i]; i++) {
		if (i)
			strbuf_addch(sb, ' ');
		strbuf_addstr(sb, argv[i]);
		if (sb->len > 200) {
			strbuf_addstr(sb, " ...");
			break;
		}
	}
}

int git_run(const struct git_repo *r, const struct strvec *env, const char *in,
	    size_t in_len, struct strbuf *out, struct strbuf *err, const char *const *argv)
{
	struct child_process c;
	int rc;

	git_child_init(&c, r);
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

int git_tryv(const struct git_repo *r, struct strbuf *out, struct strbuf *err,
	     const char *const *argv)
{
	return git_run(r, NULL, NULL, 0, out, err, argv);
}

int git_cmdv(const struct git_repo *r, struct strbuf *out, const char *const *argv)
{
	struct strbuf err = STRBUF_INIT, what = STRBUF_INIT;
	int rc = git_tryv(r, out, &err, argv);

	if (rc > 0) {
		strbuf_trim(&err);
		describe_args(&what, argv);
		rc = error_env("git %s failed (exit %d)%s%s", what.buf, rc,
			       err.len ? ": " : "", err.buf);
	}
	strbuf_release(&err);
	strbuf_release(&what);
	return rc;
}

#define COLLECT_ARGS(argv, last) do {					\
	va_list ap_;							\
	const char *a_;							\
	va_start(ap_, last);						\
	while ((a_ = va_arg(ap_, const char *)))			\
		strvec_push(&argv, a_);					\
	va_end(ap_);							\
} while (0)

int git_cmd(const struct git_repo *r, struct strbuf *out, ...)
{
	struct strvec argv = STRVEC_INIT;
	int rc;

	COLLECT_ARGS(argv, out);
	rc = git_cmdv(r, out, argv.v);
	strvec_clear(&argv);
	return rc;
}

int git_try(const struct git_repo *r, struct strbuf *out, struct strbuf *err, ...)
{
	struct strvec argv = STRVEC_INIT;
	int rc;

	COLLECT_ARGS(argv, err);
	rc = git_tryv(r, out, err, argv.v);
	strvec_clear(&argv);
	return rc;
}

int is_oid_hex(const char *s)
{
	size_t n = strlen(s);

	return (n == 40 || n == 64) && is_hex_string(s, n);
}

static int resolve(const struct git_repo *r, const char *spec, char *oid)
{
	struct strbuf out = STRBUF_INIT;
	int rc = git_try(r, &out, NULL, "rev-parse", "--verify", "--quiet",
			 "--end-of-options", spec, NULL);

	if (rc < 0) {
		strbuf_release(&out);
		return rc;
	}
	strbuf_trim(&out);
	if (rc || !is_oid_hex(out.buf)) {
		strbuf_release(&out);
		return 1;
	}
	snprintf(oid, GIT_MAX_HEXSZ + 1, "%s", out.buf);
	strbuf_release(&out);
	return 0;
}

int git_resolve_commit(const struct git_repo *r, const char *rev, char oid[GIT_MAX_HEXSZ + 1])
{
	char *spec = xstrfmt("%s^{commit}", rev);
	int rc = resolve(r, spec, oid);

	free(spec);
	return rc;
}

int git_resolve(const struct git_repo *r, const char *rev, char oid[GIT_MAX_HEXSZ + 1])
{
	return resolve(r, rev, oid);
}

int git_ref_exists(const struct git_repo *r, const char *ref)
{
	int rc = git_try(r, NULL, NULL, "show-ref", "--verify", "--quiet", ref, NULL);

	return rc < 0 ? rc : rc == 0;
}

int git_update_ref(const struct git_repo *r, const char *ref, const char *new_oid,
		   const char *old_oid, const char *msg)
{
	struct strbuf err = STRBUF_INIT;
	int rc;

	rc = git_try(r, NULL, &err, "update-ref", "-m", msg ? msg : "xenstable",
		     "--create-reflog", ref, new_oid,
		     old_oid ? old_oid : GIT_NULL_OID, NULL);
	if (rc > 0) {
		strbuf_trim(&err);
		rc = error_env("cannot move %s to %.12s: it changed under us "
			       "(expected %.12s): %s", ref, new_oid,
			       old_oid ? old_oid : "no ref", err.buf);
	}
	strbuf_release(&err);
	return rc;
}

int git_list_refs(const struct git_repo *r, const char *pattern, struct strvec *refs)
{
	struct strbuf out = STRBUF_INIT;
	int rc = git_cmd(r, &out, "for-each-ref", "--format=%(refname)",
			 "--sort=refname", pattern, NULL);

	if (!rc)
		strvec_split(refs, out.buf, "\n");
	strbuf_release(&out);
	return rc;
}

int git_is_ancestor(const struct git_repo *r, const char *a, const char *b)
{
	struct strbuf err = STRBUF_INIT;
	int rc = git_try(r, NULL, &err, "merge-base", "--is-ancestor", a, b, NULL);

	if (rc == 0 || rc == 1) {
		strbuf_release(&err);
		return !rc;
	}
	if (rc > 0) {
		strbuf_trim(&err);
		rc = error_env("git merge-base %s %s: %s", a, b, err.buf);
	}
	strbuf_release(&err);
	return rc;
}

void git_commit_init(struct git_commit *c)
{
	memset(c, 0, sizeof(*c));
	strvec_init(&c->parents);
}

void git_commit_release(struct git_commit *c)
{
	strvec_clear(&c->parents);
	free(c->author);
	free(c->committer);
	free(c->message);
	git_commit_init(c);
}

int git_commit_parse(struct git_commit *c, const char *buf, size_t len)
{
	size_t pos = 0, n;
	const char *line, *v;
	int twice = 0;

	while (next_line(buf, len, &pos, &line, &n)) {
		char *l;

		if (!n) {
			c->message = xmemdupz(buf + pos, len - pos);
			break;
		}
		if (line[0] == ' ')
			continue;	/* continuation of a multi-line header (gpgsig) */
		l = xmemdupz(line, n);
		if (skip_prefix(l, "tree ", &v))
			snprintf(c->tree, sizeof(c->tree), "%s", v);
		else if (skip_prefix(l, "parent ", &v))
			strvec_push(&c->parents, v);
		else if (skip_prefix(l, "author ", &v) || skip_prefix(l, "committer ", &v)) {
			/* git fsck refuses a second author or committer; so do we. */
			char **field = l[0] == 'a' ? &c->author : &c->committer;

			if (*field)
				twice = 1;
			else
				*field = xstrdup(v);
		}
		free(l);
	}
	if (!c->message)
		c->message = xstrdup("");
	if (twice || !is_oid_hex(c->tree) || !c->author || !c->committer)
		return error_input("malformed commit object");
	return 0;
}

int git_batch_start(struct git_batch *b, const struct git_repo *r)
{
	int rc;

	git_child_init(&b->c, r);
	strvec_pushl(&b->c.args, "cat-file", "--batch", NULL);
	b->c.in = CHILD_IN_PIPE;
	b->c.out = CHILD_OUT_PIPE;
	strbuf_init(&b->rbuf, 0);
	b->running = 0;
	rc = start_child(&b->c);
	if (rc)
		return rc;
	b->running = 1;
	return 0;
}

/* Make sure rbuf holds at least n bytes. */
static int batch_fill(struct git_batch *b, size_t n)
{
	while (b->rbuf.len < n) {
		ssize_t got;

		strbuf_grow(&b->rbuf, 65536);
		got = read(b->c.out_pipe, b->rbuf.buf + b->rbuf.len,
			   b->rbuf.alloc - b->rbuf.len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return error_env("git cat-file --batch ended early");
		b->rbuf.len += (size_t)got;
		b->rbuf.buf[b->rbuf.len] = '\0';
	}
	return 0;
}

static void batch_consume(struct git_batch *b, size_t n)
{
	memmove(b->rbuf.buf, b->rbuf.buf + n, b->rbuf.len - n);
	strbuf_setlen(&b->rbuf, b->rbuf.len - n);
}

int git_batch_get(struct git_batch *b, const char *name, struct strbuf *type,
		  struct strbuf *content)
{
	struct sigaction ign, old;
	char *nl;
	size_t hlen, size;
	char *header;
	int rc;

	if (!b->running)
		BUG("git_batch_get on a stopped batch");
	if (strchr(name, '\n'))
		return error_input("object name contains a newline");
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	rc = write_all(b->c.in_pipe, name, strlen(name));
	if (!rc)
		rc = write_all(b->c.in_pipe, "\n", 1);
	sigaction(SIGPIPE, &old, NULL);
	if (rc)
		return error_errno("cannot talk to git cat-file --batch");
	for (;;) {
		nl = memchr(b->rbuf.buf, '\n', b->rbuf.len);
		if (nl)
			break;
		rc = batch_fill(b, b->rbuf.len + 1);
		if (rc)
			return rc;
	}
	hlen = (size_t)(nl - b->rbuf.buf);
	header = xmemdupz(b->rbuf.buf, hlen);
	batch_consume(b, hlen + 1);
	if (ends_with(header, " missing") || ends_with(header, " ambiguous")) {
		free(header);
		return 1;
	}
	{
		char *sp1 = strchr(header, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		char *end;

		if (!sp1 || !sp2) {
			rc = error_env("git cat-file: unexpected header '%s'", header);
			free(header);
			return rc;
		}
		size = strtoull(sp2 + 1, &end, 10);
		if (*end) {
			rc = error_env("git cat-file: bad size in '%s'", header);
			free(header);
			return rc;
		}
		if (type) {
			strbuf_reset(type);
			strbuf_add(type, sp1 + 1, (size_t)(sp2 - sp1 - 1));
		}
	}
	free(header);
	rc = batch_fill(b, size + 1);
	if (rc)
		return rc;
	if (content) {
		strbuf_reset(content);
		strbuf_add(content, b->rbuf.buf, size);
	}
	batch_consume(b, size + 1);
	return 0;
}

void git_batch_stop(struct git_batch *b)
{
	if (b->running)
		finish_child(&b->c);
	b->running = 0;
	child_release(&b->c);
	strbuf_release(&b->rbuf);
}

int git_ls_tree(const struct git_repo *r, const char *treeish, int recursive,
		git_tree_fn fn, void *data)
{
	struct strbuf out = STRBUF_INIT;
	size_t pos = 0;
	int rc;

	if (recursive)
		rc = git_cmd(r, &out, "ls-tree", "-z", "-r", "--full-tree", treeish, NULL);
	else
		rc = git_cmd(r, &out, "ls-tree", "-z", "--full-tree", treeish, NULL);
	while (!rc && pos < out.len) {
		char *rec = out.buf + pos;
		size_t n = strlen(rec);
		char *tab = strchr(rec, '\t');
		char *sp1 = strchr(rec, ' ');
		char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		struct git_tree_entry e;

		pos += n + 1;
		if (!tab || !sp1 || !sp2 || sp2 > tab) {
			rc = error_env("git ls-tree: malformed entry");
			break;
		}
		*sp1 = *sp2 = *tab = '\0';
		e.mode = (unsigned)strtoul(rec, NULL, 8);
		e.type = sp1 + 1;
		e.oid = sp2 + 1;
		e.path = tab + 1;
		rc = fn(&e, data);
	}
	strbuf_release(&out);
	return rc;
}

int git_read_blob(const struct git_repo *r, const char *rev, const char *path,
		  struct strbuf *out)
{
	char *spec = xstrfmt("%s:%s", rev, path);
	struct strbuf err = STRBUF_INIT;
	int rc = git_try(r, out, &err, "cat-file", "blob", spec, NULL);

	free(spec);
	strbuf_release(&err);
	if (rc > 0)
		return 1;
	return rc;
}

int git_worktree_clean(const struct git_repo *r, const char *worktree)
{
	struct child_process c;
	int rc;

	git_child_init(&c, NULL);
	strvec_pushl(&c.args, "status", "--porcelain", "--untracked-files=no",
		     "--ignore-submodules=none", NULL);
	c.dir = worktree;
	(void)r;
	rc = run_child(&c);
	if (rc > 0)
		rc = error_env("git status in '%s' failed: %s", worktree,
			       child_err_summary(&c));
	else if (!rc)
		rc = c.out_buf.len == 0;
	child_release(&c);
	return rc;
}

int git_worktrees_with_branch(const struct git_repo *r, const char *ref,
			      struct strvec *paths)
{
	struct strbuf out = STRBUF_INIT;
	size_t pos = 0, n;
	const char *line;
	char *cur = NULL;
	int rc = git_cmd(r, &out, "worktree", "list", "--porcelain", NULL);

	while (!rc && next_line(out.buf, out.len, &pos, &line, &n)) {
		char *l = xmemdupz(line, n);
		const char *v;

		if (skip_prefix(l, "worktree ", &v)) {
			free(cur);
			cur = xstrdup(v);
		} else if (skip_prefix(l, "branch ", &v) && cur && !strcmp(v, ref)) {
			strvec_push(paths, cur);
		}
		free(l);
	}
	free(cur);
	strbuf_release(&out);
	return rc;
}
