#include "compat.h"
#include "upstream.h"
#include "date.h"
#include "fs.h"
#include "git.h"
#include "gpg.h"
#include "run-command.h"
#include "strbuf.h"
#include "support.h"
#include "tag.h"
#include "usage.h"
#include "version.h"
#include "xalloc.h"

#include <ctype.h>

#define COMMITTER "Xen Reference Committer <committer@example.org>"
#define RELEASER "Xen Reference Release Manager <release@example.org>"

static const struct {
	const char *name;
	enum plan_kind kind;
	int nargs;
} plan_kinds[] = {
	{ "init", PLAN_INIT, 1 },
	{ "apply", PLAN_APPLY, 2 },
	{ "version", PLAN_VERSION, 3 },
	{ "support", PLAN_SUPPORT, 5 },
	{ "branch", PLAN_BRANCH, 2 },
	{ "tag", PLAN_TAG, 2 },
	{ "backport", PLAN_BACKPORT, 3 },
	{ "cherry-pick", PLAN_CHERRY_PICK, 3 },
	{ "revert", PLAN_REVERT, 2 },
};

/* Split a plan line into fields; double quotes group, \" and \\ escape. */
static int split_fields(const char *path, int lineno, const char *line, size_t n,
			struct strvec *out)
{
	size_t i = 0;

	while (i < n) {
		struct strbuf f = STRBUF_INIT;

		while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i >= n || line[i] == '#')
			break;
		if (line[i] == '"') {
			i++;
			while (i < n && line[i] != '"') {
				if (line[i] == '\\' && i + 1 < n)
					i++;
				strbuf_addch(&f, line[i++]);
			}
			if (i >= n) {
				strbuf_release(&f);
				return error_input("%s:%d: unterminated quote", path, lineno);
			}
			i++;
		} else {
			while (i < n && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
				strbuf_addch(&f, line[i++]);
		}
		strvec_push(out, f.buf);
		strbuf_release(&f);
	}
	return 0;
}

int plan_parse(struct plan *p, const char *path, const char *text, size_t len)
{
	size_t pos = 0, n;
	const char *line;
	int lineno = 0;

	memset(p, 0, sizeof(*p));
	p->path = xstrdup(path);
	while (next_line(text, len, &pos, &line, &n)) {
		struct strvec f = STRVEC_INIT;
		struct plan_step *s;
		size_t k, k2;
		int rc;

		lineno++;
		rc = split_fields(path, lineno, line, n, &f);
		if (rc) {
			strvec_clear(&f);
			return rc;
		}
		if (!f.nr) {
			strvec_clear(&f);
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(plan_kinds); k++)
			if (!strcmp(f.v[0], plan_kinds[k].name))
				break;
		k2 = k;
		if (k == ARRAY_SIZE(plan_kinds)) {
			rc = error_input("%s:%d: unknown step '%s'", path, lineno, f.v[0]);
			strvec_clear(&f);
			return rc;
		}
		if (f.nr != (size_t)plan_kinds[k].nargs + 2) {
			rc = error_input("%s:%d: '%s' takes a date and %d argument(s)", path,
					 lineno, f.v[0], plan_kinds[k].nargs);
			strvec_clear(&f);
			return rc;
		}
		ALLOC_GROW(p->v, p->nr + 1, p->alloc);
		s = &p->v[p->nr];
		s->kind = plan_kinds[k].kind;
		s->line = lineno;
		if (date_parse_time(f.v[1], &s->date)) {
			rc = error_input("%s:%d: bad date '%s'", path, lineno, f.v[1]);
			strvec_clear(&f);
			return rc;
		}
		strvec_init(&s->args);
		for (k = 2; k < f.nr; k++)
			strvec_push(&s->args, f.v[k]);
		strvec_clear(&f);
		p->nr++;
		/* A patch is a file in patches/, never a path to elsewhere. */
		for (k = 1; k < s->args.nr && s->kind != PLAN_INIT && s->kind != PLAN_VERSION &&
			    s->kind != PLAN_SUPPORT && s->kind != PLAN_BRANCH && s->kind != PLAN_TAG;
		     k++)
			if (!path_is_safe(s->args.v[k]) || strchr(s->args.v[k], '/'))
				return error_input("%s:%d: patch name '%s' is not a plain file name "
						   "in patches/", path, lineno, s->args.v[k]);
		if (s->kind != PLAN_APPLY && s->kind != PLAN_INIT && s->kind != PLAN_VERSION &&
		    s->kind != PLAN_SUPPORT && s->kind != PLAN_BRANCH && s->kind != PLAN_TAG &&
		    !strcmp(s->args.v[0], "master"))
			return error_input("%s:%d: '%s' is for stable branches, not master", path,
					   lineno, plan_kinds[k2].name);
	}
	if (!p->nr || p->v[0].kind != PLAN_INIT)
		return error_input("%s: the plan must start with an 'init' step", path);
	return 0;
}

void plan_release(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		strvec_clear(&p->v[i].args);
	free(p->v);
	free(p->path);
	memset(p, 0, sizeof(*p));
}

struct tip {
	char *name;
	char oid[GIT_MAX_HEXSZ + 1];
	int64_t date;
};

struct replay {
	const struct upstream_opts *o;
	struct git_repo repo;
	char *index;
	struct tip *tips;
	size_t ntips, alloc;
	struct strvec tags;
	struct strvec applied;		/* "branch\tpatch\tcommit\tdate" */
	struct strbuf expected_tree;	/* the reference tree as staged */
};

/* Run git in the new repository with the private index. */
static int rgit(struct replay *rp, const char *in, size_t in_len, struct strbuf *out,
		const struct strvec *env, const char *const *argv)
{
	struct strvec all = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;
	int rc;

	strvec_pushf(&all, "GIT_INDEX_FILE=%s", rp->index);
	if (env)
		strvec_pushv(&all, env->v);
	rc = git_run(&rp->repo, &all, in, in_len, out, &err, argv);
	if (rc > 0) {
		strbuf_trim(&err);
		rc = error_env("git %s failed: %s", argv[0], err.buf);
	}
	strvec_clear(&all);
	strbuf_release(&err);
	return rc;
}

static struct tip *tip_find(struct replay *rp, const char *name)
{
	size_t i;

	for (i = 0; i < rp->ntips; i++)
		if (!strcmp(rp->tips[i].name, name))
			return &rp->tips[i];
	return NULL;
}

static struct tip *tip_need(struct replay *rp, const struct plan_step *s,
			    const char *name)
{
	struct tip *t = tip_find(rp, name);

	if (!t)
		error_input("plan line %d: no branch '%s' yet", s->line, name);
	else if (s->date < t->date)
		error_input("plan line %d: date goes backwards on %s", s->line, name), t = NULL;
	return t;
}

static void date_env(struct strvec *env, const char *who_author, const char *author_date,
		     int64_t committer_date)
{
	char iso[32];
	const char *lt = strchr(who_author, '<');
	const char *gt = lt ? strchr(lt, '>') : NULL;
	const char *ct = strchr(COMMITTER, '<');

	date_format_iso(committer_date, iso);
	if (lt && gt) {
		size_t nl = (size_t)(lt - who_author);

		while (nl && who_author[nl - 1] == ' ')
			nl--;
		strvec_pushf(env, "GIT_AUTHOR_NAME=%.*s", (int)nl, who_author);
		strvec_pushf(env, "GIT_AUTHOR_EMAIL=%.*s", (int)(gt - lt - 1), lt + 1);
	}
	strvec_pushf(env, "GIT_AUTHOR_DATE=%s", author_date ? author_date : iso);
	strvec_pushf(env, "GIT_COMMITTER_NAME=%.*s", (int)(ct - COMMITTER - 1), COMMITTER);
	strvec_pushf(env, "GIT_COMMITTER_EMAIL=%.*s", (int)(strlen(ct) - 2), ct + 1);
	strvec_pushf(env, "GIT_COMMITTER_DATE=%s", iso);
}

/* write-tree then commit-tree on parent (may be NULL); sets oid. */
static int commit_index(struct replay *rp, const char *parent, const char *msg,
			const char *author, const char *author_date, int64_t date,
			char oid[GIT_MAX_HEXSZ + 1])
{
	struct strbuf tree = STRBUF_INIT, out = STRBUF_INIT;
	struct strvec env = STRVEC_INIT, argv = STRVEC_INIT;
	int rc;
	const char *const wt[] = { "write-tree", NULL };

	rc = rgit(rp, NULL, 0, &tree, NULL, wt);
	if (rc)
		goto out;
	strbuf_trim(&tree);
	date_env(&env, author, author_date, date);
	strvec_pushl(&argv, "commit-tree", tree.buf, NULL);
	if (parent)
		strvec_pushl(&argv, "-p", parent, NULL);
	rc = rgit(rp, msg, strlen(msg), &out, &env, argv.v);
	if (rc)
		goto out;
	strbuf_trim(&out);
	snprintf(oid, GIT_MAX_HEXSZ + 1, "%s", out.buf);
out:
	strbuf_release(&tree);
	strbuf_release(&out);
	strvec_clear(&env);
	strvec_clear(&argv);
	return rc;
}

static int read_tree(struct replay *rp, const char *oid)
{
	const char *const argv[] = { "read-tree", oid, NULL };

	return rgit(rp, NULL, 0, NULL, NULL, argv);
}

/* Replace one file in the index with content. */
static int index_put(struct replay *rp, const char *path, const struct strbuf *content)
{
	struct strbuf oid = STRBUF_INIT;
	char *info;
	int rc;
	const char *const ho[] = { "hash-object", "-w", "--no-filters", "--stdin", NULL };

	rc = rgit(rp, content->buf, content->len, &oid, NULL, ho);
	if (rc)
		goto out;
	strbuf_trim(&oid);
	info = xstrfmt("100644,%s,%s", oid.buf, path);
	{
		const char *const ui[] = { "update-index", "--add", "--cacheinfo", info, NULL };

		rc = rgit(rp, NULL, 0, NULL, NULL, ui);
	}
	free(info);
out:
	strbuf_release(&oid);
	return rc;
}

static int index_get(struct replay *rp, const char *tip, const char *path,
		     struct strbuf *content)
{
	char *spec = xstrfmt("%s:%s", tip, path);
	const char *const argv[] = { "cat-file", "blob", spec, NULL };
	int rc = rgit(rp, NULL, 0, content, NULL, argv);

	free(spec);
	return rc;
}

static char *patch_path(struct replay *rp, const char *name, int line)
{
	char *rel, *p;

	if (!path_is_safe(name) || strchr(name, '/')) {
		error_input("%s/plan:%d: patch name '%s' is not a plain file name", rp->o->plan_dir,
			    line, name);
		return NULL;
	}
	rel = xstrfmt("patches/%s", name);
	p = path_join(rp->o->plan_dir, rel);
	free(rel);
	if (!is_regular_file(p)) {
		error_input("%s/plan:%d: no patch file %s", rp->o->plan_dir, line, p);
		free(p);
		return NULL;
	}
	return p;
}

/* Every regular file below root/rel (as "rel/..."), sorted, skipping skip. */
static int walk_files(const char *root, const char *rel, const char *skip,
		      struct strbuf *out)
{
	char *dir = path_join(root, rel);
	struct strvec names = STRVEC_INIT;
	size_t i;
	int rc = list_dir(dir, &names);

	for (i = 0; !rc && i < names.nr; i++) {
		char *sub = xstrfmt("%s/%s", rel, names.v[i]);
		char *full = path_join(root, sub);
		struct stat st;

		if (skip && !strcmp(sub, skip))
			;
		else if (lstat(full, &st))
			rc = error_errno("cannot read '%s'", full);
		else if (S_ISDIR(st.st_mode))
			rc = walk_files(root, sub, skip, out);
		else if (S_ISREG(st.st_mode))
			strbuf_add(out, sub, strlen(sub) + 1);
		else
			rc = error_input("%s: not a regular file or a directory", full);
		free(sub);
		free(full);
	}
	strvec_clear(&names);
	free(dir);
	return rc;
}

/* The files of the reference tree and of top/, hashed into the index. */
static int stage_reference_tree(struct replay *rp)
{
	struct git_repo maint;
	struct strbuf ls = STRBUF_INIT, paths = STRBUF_INIT, oids = STRBUF_INIT,
		      info = STRBUF_INIT;
	struct strvec names = STRVEC_INIT, dest = STRVEC_INIT;
	char *top_rel, *plan_abs, *maint_abs;
	size_t pos = 0, i;
	int rc;

	memset(&maint, 0, sizeof(maint));
	if (rp->o->data_root) {
		maint_abs = path_realpath(rp->o->data_root);
	} else {
		rc = git_open(&maint, rp->o->maint_root);
		if (rc)
			return rc;
		maint_abs = path_realpath(maint.worktree ? maint.worktree : rp->o->maint_root);
	}
	plan_abs = path_realpath(rp->o->plan_dir);
	if (!starts_with(plan_abs, maint_abs) || plan_abs[strlen(maint_abs)] != '/') {
		rc = error_input("%s is not inside the maintenance repository", rp->o->plan_dir);
		goto out;
	}
	top_rel = xstrfmt("%s/top", plan_abs + strlen(maint_abs) + 1);
	/* toolstack/abi/ holds the maintenance repository's ABI baselines of
	 * the upstream's releases, not code of the tree: leave it out. */
	if (rp->o->data_root) {
		rc = walk_files(maint_abs, "hypervisor", NULL, &ls);
		if (!rc)
			rc = walk_files(maint_abs, "toolstack", "toolstack/abi", &ls);
		if (!rc)
			rc = walk_files(maint_abs, top_rel, NULL, &ls);
	} else {
		rc = git_cmd(&maint, &ls, "ls-files", "-z", "--", "hypervisor", "toolstack",
			     ":(exclude)toolstack/abi", top_rel, NULL);
	}
	if (rc) {
		free(top_rel);
		goto out;
	}
	while (pos < ls.len) {
		const char *p = ls.buf + pos, *rest;
		char *full;

		pos += strlen(p) + 1;
		full = path_join(maint_abs, p);
		if (!path_exists(full)) {
			rc = error_input("%s: tracked but missing from the worktree", full);
			free(full);
			break;
		}
		strbuf_addf(&paths, "%s\n", full);
		free(full);
		if (skip_prefix(p, top_rel, &rest) && *rest == '/')
			strvec_push(&dest, rest + 1);
		else
			strvec_push(&dest, p);
		strvec_push(&names, p);
	}
	free(top_rel);
	if (rc)
		goto out;
	if (!names.nr) {
		rc = error_input("%s: no tracked files under hypervisor/ and toolstack/",
				 rp->o->maint_root);
		goto out;
	}
	{
		const char *const ho[] = { "hash-object", "-w", "--no-filters",
					   "--stdin-paths", NULL };

		rc = rgit(rp, paths.buf, paths.len, &oids, NULL, ho);
		if (rc)
			goto out;
	}
	{
		struct strvec o = STRVEC_INIT;

		strvec_split(&o, oids.buf, "\n");
		if (o.nr != names.nr) {
			strvec_clear(&o);
			rc = error_env("git hash-object returned %zu ids for %zu files",
				       o.nr, names.nr);
			goto out;
		}
		for (i = 0; i < names.nr; i++) {
			char *full = path_join(maint_abs, names.v[i]);
			struct stat st;
			unsigned mode = 0100644;

			if (!stat(full, &st) && (st.st_mode & 0111))
				mode = 0100755;
			free(full);
			strbuf_addf(&info, "%o %s\t%s", mode, o.v[i], dest.v[i]);
			strbuf_addch(&info, '\0');
		}
		strvec_clear(&o);
	}
	{
		const char *const ui[] = { "update-index", "-z", "--add", "--index-info", NULL };

		rc = rgit(rp, info.buf, info.len, NULL, NULL, ui);
	}
out:
	if (!rp->o->data_root)
		git_close(&maint);
	free(maint_abs);
	free(plan_abs);
	strbuf_release(&ls);
	strbuf_release(&paths);
	strbuf_release(&oids);
	strbuf_release(&info);
	strvec_clear(&names);
	strvec_clear(&dest);
	return rc;
}

static int apply_patch(struct replay *rp, const char *patch, int reverse, int lineno)
{
	struct strvec argv = STRVEC_INIT;
	int rc;

	strvec_pushl(&argv, "apply", "--cached", "--whitespace=nowarn", NULL);
	if (reverse)
		strvec_push(&argv, "-R");
	strvec_push(&argv, patch);
	rc = rgit(rp, NULL, 0, NULL, NULL, argv.v);
	if (rc)
		error_input("plan line %d: %s does not %sapply", lineno,
			    path_basename(patch), reverse ? "reverse-" : "");
	strvec_clear(&argv);
	return rc;
}

static int step_init(struct replay *rp, const struct plan *p)
{
	const struct plan_step *s = &p->v[0];
	struct tip *t;
	size_t i;
	int rc = stage_reference_tree(rp);

	if (!rc) {
		const char *const wt[] = { "write-tree", NULL };

		rc = rgit(rp, NULL, 0, &rp->expected_tree, NULL, wt);
		strbuf_trim(&rp->expected_tree);
	}
	/* Undo every master patch, newest first, to reach the starting tree. */
	for (i = p->nr; !rc && i-- > 1; ) {
		const struct plan_step *a = &p->v[i];
		char *pp;

		if (a->kind != PLAN_APPLY || strcmp(a->args.v[0], "master"))
			continue;
		pp = patch_path(rp, a->args.v[1], a->line);
		if (!pp)
			return -XS_INPUT;
		rc = apply_patch(rp, pp, 1, a->line);
		free(pp);
	}
	if (rc)
		return rc;
	ALLOC_GROW(rp->tips, rp->ntips + 1, rp->alloc);
	t = &rp->tips[rp->ntips++];
	t->name = xstrdup("master");
	t->date = s->date;
	{
		struct strbuf msg = STRBUF_INIT;

		strbuf_addf(&msg, "%s\n", s->args.v[0]);
		rc = commit_index(rp, NULL, msg.buf, COMMITTER, NULL, s->date, t->oid);
		strbuf_release(&msg);
	}
	return rc;
}

/* The commit that last applied patch on branch: 0 found, else an error. */
static int applied_commit(struct replay *rp, const struct plan_step *s, const char *branch,
			  const char *patch, char oid[GIT_MAX_HEXSZ + 1], char date[32])
{
	size_t i = rp->applied.nr;

	while (i--) {
		struct strvec f = STRVEC_INIT;
		int hit;

		strvec_split(&f, rp->applied.v[i], "\t");
		hit = f.nr == 4 && !strcmp(f.v[0], branch) && !strcmp(f.v[1], patch);
		if (hit) {
			snprintf(oid, GIT_MAX_HEXSZ + 1, "%s", f.v[2]);
			snprintf(date, 32, "%s", f.v[3]);
		}
		strvec_clear(&f);
		if (hit)
			return 0;
	}
	return error_input("plan line %d: %s was not applied to %s before", s->line, patch, branch);
}

static int step_apply(struct replay *rp, const struct plan_step *s, const char *trailer);

/* backport / cherry-pick: apply, then name the master commit it comes from. */
static int step_backport(struct replay *rp, const struct plan_step *s)
{
	char oid[GIT_MAX_HEXSZ + 1], date[32];
	struct strbuf t = STRBUF_INIT;
	int rc = applied_commit(rp, s, "master", s->args.v[2], oid, date);

	if (rc)
		return rc;
	if (s->kind == PLAN_BACKPORT)
		strbuf_addf(&t, "master commit: %s\nmaster date: %s\n", oid, date);
	else
		strbuf_addf(&t, "(cherry picked from commit %s)\n", oid);
	rc = step_apply(rp, s, t.buf);
	strbuf_release(&t);
	return rc;
}

/* revert: undo the patch's commit on the branch, as git revert words it. */
static int step_revert(struct replay *rp, const struct plan_step *s)
{
	struct tip *t = tip_need(rp, s, s->args.v[0]);
	struct strbuf subject = STRBUF_INIT, msg = STRBUF_INIT;
	char oid[GIT_MAX_HEXSZ + 1], date[32];
	char *pp;
	int rc;

	if (!t)
		return -XS_INPUT;
	rc = applied_commit(rp, s, s->args.v[0], s->args.v[1], oid, date);
	if (rc)
		return rc;
	pp = patch_path(rp, s->args.v[1], s->line);
	if (!pp)
		return -XS_INPUT;
	{
		const char *const argv[] = { "log", "-1", "--format=%s", oid, NULL };

		rc = rgit(rp, NULL, 0, &subject, NULL, argv);
	}
	strbuf_trim(&subject);
	if (!rc)
		rc = read_tree(rp, t->oid);
	if (!rc)
		rc = apply_patch(rp, pp, 1, s->line);
	if (!rc) {
		strbuf_addf(&msg, "Revert \"%s\"\n\nThis reverts commit %s.\n", subject.buf, oid);
		rc = commit_index(rp, t->oid, msg.buf, COMMITTER, NULL, s->date, t->oid);
		t->date = s->date;
	}
	free(pp);
	strbuf_release(&subject);
	strbuf_release(&msg);
	return rc;
}

static int step_apply(struct replay *rp, const struct plan_step *s, const char *trailer)
{
	struct tip *t = tip_need(rp, s, s->args.v[0]);
	struct strbuf info = STRBUF_INIT, msg = STRBUF_INIT, body = STRBUF_INIT,
		      author = STRBUF_INIT, adate = STRBUF_INIT, subject = STRBUF_INIT;
	char *pp, *msgfile = NULL, *patchfile = NULL;
	struct strbuf mail = STRBUF_INIT;
	size_t pos = 0, n;
	const char *line;
	int rc;

	if (!t)
		return -XS_INPUT;
	pp = patch_path(rp, s->args.v[1], s->line);
	if (!pp)
		return -XS_INPUT;
	rc = read_file(&mail, pp, 16 << 20);
	if (rc)
		goto out;
	msgfile = path_join(rp->repo.git_dir, "xenstable-upstream-msg");
	patchfile = path_join(rp->repo.git_dir, "xenstable-upstream-patch");
	{
		const char *const mi[] = { "mailinfo", "-u", msgfile, patchfile, NULL };

		rc = rgit(rp, mail.buf, mail.len, &info, NULL, mi);
		if (rc)
			goto out;
	}
	while (next_line(info.buf, info.len, &pos, &line, &n)) {
		char *l = xmemdupz(line, n);
		const char *v;

		if (skip_prefix(l, "Author: ", &v))
			strbuf_addstr(&author, v);
		else if (skip_prefix(l, "Email: ", &v))
			strbuf_addf(&author, " <%s>", v);
		else if (skip_prefix(l, "Subject: ", &v))
			strbuf_addstr(&subject, v);
		else if (skip_prefix(l, "Date: ", &v))
			strbuf_addstr(&adate, v);
		free(l);
	}
	if (!subject.len || !strchr(author.buf, '<')) {
		rc = error_input("%s: patch lacks From: or Subject:", pp);
		goto out;
	}
	rc = read_file(&body, msgfile, 1 << 20);
	if (rc)
		goto out;
	strbuf_trim(&body);
	rc = read_tree(rp, t->oid);
	if (!rc)
		rc = apply_patch(rp, pp, 0, s->line);
	if (rc)
		goto out;
	strbuf_addf(&msg, "%s\n", subject.buf);
	if (body.len)
		strbuf_addf(&msg, "\n%s\n", body.buf);
	if (trailer)
		strbuf_addstr(&msg, trailer);
	rc = commit_index(rp, t->oid, msg.buf, author.buf, adate.len ? adate.buf : NULL,
			  s->date, t->oid);
	t->date = s->date;
	if (!rc) {
		char d[32];
		struct tm tm;
		time_t tt = (time_t)s->date;

		gmtime_r(&tt, &tm);
		strftime(d, sizeof(d), "%Y-%m-%d %H:%M:%S +0000", &tm);
		strvec_pushf(&rp->applied, "%s\t%s\t%s\t%s", s->args.v[0], s->args.v[1], t->oid, d);
	}
out:
	if (msgfile)
		unlink(msgfile);
	if (patchfile)
		unlink(patchfile);
	free(msgfile);
	free(patchfile);
	free(pp);
	strbuf_release(&mail);
	strbuf_release(&info);
	strbuf_release(&msg);
	strbuf_release(&body);
	strbuf_release(&author);
	strbuf_release(&adate);
	strbuf_release(&subject);
	return rc;
}

/* "4.19" "X.Y" argument -> major/minor. */
static int step_xy(const struct plan_step *s, const char *xy, int *major, int *minor)
{
	char *end;
	long a = strtol(xy, &end, 10), b;

	if (*end != '.')
		return error_input("plan line %d: '%s' is not X.Y", s->line, xy);
	b = strtol(end + 1, &end, 10);
	if (*end || a < 0 || b < 0 || a > 99 || b > 99)
		return error_input("plan line %d: '%s' is not X.Y", s->line, xy);
	*major = (int)a;
	*minor = (int)b;
	return 0;
}

static int step_version(struct replay *rp, const struct plan_step *s)
{
	struct tip *t = tip_need(rp, s, s->args.v[0]);
	struct strbuf mk = STRBUF_INIT, msg = STRBUF_INIT;
	const char *extra = s->args.v[2];
	int major = 0, minor = 0, rc;

	if (!t)
		return -XS_INPUT;
	if ((rc = step_xy(s, s->args.v[1], &major, &minor)))
		return rc;
	if (strpbrk(extra, "$() \t\n"))
		return error_input("plan line %d: bad version suffix '%s'", s->line, extra);
	rc = index_get(rp, t->oid, "hypervisor/Makefile", &mk);
	if (!rc)
		rc = version_set_makefile(&mk, "hypervisor/Makefile", major, minor, extra);
	if (!rc)
		rc = read_tree(rp, t->oid);
	if (!rc)
		rc = index_put(rp, "hypervisor/Makefile", &mk);
	if (!rc) {
		strbuf_addf(&msg, "update Xen version to %d.%d%s\n", major, minor, extra);
		rc = commit_index(rp, t->oid, msg.buf, RELEASER, NULL, s->date, t->oid);
		t->date = s->date;
	}
	strbuf_release(&mk);
	strbuf_release(&msg);
	return rc;
}

static int step_support(struct replay *rp, const struct plan_step *s)
{
	struct tip *t = tip_need(rp, s, s->args.v[0]);
	struct strbuf doc = STRBUF_INIT, msg = STRBUF_INIT;
	struct support_block b;
	int i, rc;

	if (!t)
		return -XS_INPUT;
	/* Values are dates once released; before that upstream writes n/a, TBD ... */
	for (i = 1; i < 5; i++)
		if (strchr(s->args.v[i], '\n') || !*s->args.v[i])
			return error_input("plan line %d: empty or multi-line value", s->line);
	b.xen_version = (char *)s->args.v[1];
	b.initial_release = (char *)s->args.v[2];
	b.supported_until = (char *)s->args.v[3];
	b.security_support_until = (char *)s->args.v[4];
	rc = index_get(rp, t->oid, "SUPPORT.md", &doc);
	if (!rc)
		rc = support_set_block(&doc, "SUPPORT.md", &b);
	if (!rc)
		rc = read_tree(rp, t->oid);
	if (!rc)
		rc = index_put(rp, "SUPPORT.md", &doc);
	if (!rc) {
		strbuf_addf(&msg, "SUPPORT.md: set %s support dates\n", s->args.v[1]);
		rc = commit_index(rp, t->oid, msg.buf, RELEASER, NULL, s->date, t->oid);
		t->date = s->date;
	}
	strbuf_release(&doc);
	strbuf_release(&msg);
	return rc;
}

static int step_branch(struct replay *rp, const struct plan_step *s)
{
	struct tip *from = tip_need(rp, s, s->args.v[1]), *t;

	if (!from)
		return -XS_INPUT;
	if (tip_find(rp, s->args.v[0]))
		return error_input("plan line %d: branch %s exists already", s->line,
				   s->args.v[0]);
	ALLOC_GROW(rp->tips, rp->ntips + 1, rp->alloc);
	from = tip_find(rp, s->args.v[1]);	/* the array may have moved */
	t = &rp->tips[rp->ntips++];
	t->name = xstrdup(s->args.v[0]);
	memcpy(t->oid, from->oid, sizeof(t->oid));
	t->date = s->date;
	return 0;
}

static int step_tag(struct replay *rp, const struct plan_step *s)
{
	struct tip *t = tip_need(rp, s, s->args.v[0]);
	const char *name = s->args.v[1], *ver;
	char oid[GIT_MAX_HEXSZ + 1];
	char *msg;
	int rc;

	if (!t)
		return -XS_INPUT;
	if (strvec_contains(&rp->tags, name))
		return error_input("plan line %d: tag %s given twice", s->line, name);
	ver = strchr(name, '-');
	msg = xstrfmt("Xen %s\n", ver ? ver + 1 : name);
	rc = tag_create(&rp->repo, rp->o->gpg, name, t->oid, RELEASER, s->date, msg,
			rp->o->key, oid);
	free(msg);
	if (!rc)
		strvec_push(&rp->tags, name);
	return rc;
}

static int dir_is_empty_or_missing(const char *dir)
{
	struct strvec names = STRVEC_INIT;
	int rc;

	if (!path_exists(dir))
		return 1;
	if (!is_dir(dir))
		return 0;
	rc = list_dir(dir, &names);
	rc = !rc && names.nr == 0;
	strvec_clear(&names);
	return rc;
}

static int build_upstream(const struct upstream_opts *o)
{
	struct replay rp;
	struct plan plan;
	struct strbuf text = STRBUF_INIT;
	char *plan_path = path_join(o->plan_dir, "plan");
	size_t i;
	int rc;

	memset(&rp, 0, sizeof(rp));
	strvec_init(&rp.tags);
	strvec_init(&rp.applied);
	strbuf_init(&rp.expected_tree, 0);
	rp.o = o;
	memset(&plan, 0, sizeof(plan));
	rc = read_file(&text, plan_path, 4 << 20);
	if (!rc)
		rc = plan_parse(&plan, plan_path, text.buf, text.len);
	if (rc)
		goto out;
	if (!dir_is_empty_or_missing(o->dir)) {
		rc = error_env("%s exists and is not empty; remove it or choose another directory",
			       o->dir);
		goto out;
	}
	rc = mkdir_p(o->dir, 0755);
	if (rc)
		goto out;
	{
		struct child_process c;

		git_child_init(&c, NULL);
		strvec_pushl(&c.args, "init", "-q", "--initial-branch=master", o->dir, NULL);
		rc = run_child(&c);
		if (rc > 0)
			rc = error_env("git init %s: %s", o->dir, child_err_summary(&c));
		child_release(&c);
		if (rc)
			goto out;
	}
	rc = git_open(&rp.repo, o->dir);
	if (rc)
		goto out;
	rp.index = path_join(rp.repo.git_dir, "xenstable-upstream-index");
	unlink(rp.index);
	rc = step_init(&rp, &plan);
	for (i = 1; !rc && i < plan.nr; i++) {
		const struct plan_step *s = &plan.v[i];

		switch (s->kind) {
		case PLAN_INIT:
			rc = error_input("%s:%d: 'init' may only be the first step", plan_path, s->line);
			break;
		case PLAN_APPLY:
			rc = step_apply(&rp, s, NULL);
			break;
		case PLAN_BACKPORT:
		case PLAN_CHERRY_PICK:
			rc = step_backport(&rp, s);
			break;
		case PLAN_REVERT:
			rc = step_revert(&rp, s);
			break;
		case PLAN_VERSION:
			rc = step_version(&rp, s);
			break;
		case PLAN_SUPPORT:
			rc = step_support(&rp, s);
			break;
		case PLAN_BRANCH:
			rc = step_branch(&rp, s);
			break;
		case PLAN_TAG:
			rc = step_tag(&rp, s);
			break;
		}
	}
	for (i = 0; !rc && i < rp.ntips; i++) {
		char *ref = xstrfmt("refs/heads/%s", rp.tips[i].name);

		rc = git_update_ref(&rp.repo, ref, rp.tips[i].oid, NULL, "xenstable upstream init");
		free(ref);
	}
	if (!rc) {
		/* master must end exactly at the reference tree. */
		static const char *const parts[] = { "hypervisor", "toolstack" };
		struct tip *m = tip_find(&rp, "master");

		for (i = 0; !rc && m && i < ARRAY_SIZE(parts); i++) {
			char want[GIT_MAX_HEXSZ + 1], got[GIT_MAX_HEXSZ + 1];
			char *a = xstrfmt("%s:%s", rp.expected_tree.buf, parts[i]);
			char *b = xstrfmt("%s:%s", m->oid, parts[i]);

			if (git_resolve(&rp.repo, a, want) || git_resolve(&rp.repo, b, got) ||
			    strcmp(want, got))
				rc = error_input("%s: replaying the plan does not end at the "
						 "reference tree's %s/ on master", plan_path, parts[i]);
			free(a);
			free(b);
		}
	}
	if (!rc) {
		/* Check out master so the repository looks like a fresh clone. */
		rc = git_cmd(&rp.repo, NULL, "read-tree", "-u", "--reset", "HEAD", NULL);
	}
out:
	if (rp.index)
		unlink(rp.index);
	for (i = 0; i < rp.ntips; i++)
		free(rp.tips[i].name);
	free(rp.tips);
	free(rp.index);
	strvec_clear(&rp.tags);
	strvec_clear(&rp.applied);
	strbuf_release(&rp.expected_tree);
	git_close(&rp.repo);
	plan_release(&plan);
	strbuf_release(&text);
	free(plan_path);
	return rc;
}

/*
 * Build in a hidden sibling directory and rename it into place at the
 * end: a plan that fails half-way, or a full disk, leaves nothing behind.
 */
int upstream_init(const struct upstream_opts *o)
{
	struct upstream_opts b = *o;
	struct strbuf dir = STRBUF_INIT;
	char *parent, *tmp;
	int rc;

	strbuf_addstr(&dir, o->dir);
	while (dir.len > 1 && dir.buf[dir.len - 1] == '/')
		strbuf_setlen(&dir, dir.len - 1);
	if (!dir_is_empty_or_missing(dir.buf)) {
		rc = error_env("%s exists and is not empty; remove it or choose another directory",
			       o->dir);
		strbuf_release(&dir);
		return rc;
	}
	parent = path_dirname(dir.buf);
	tmp = xstrfmt("%s/.%s.partial-%ld", parent, path_basename(dir.buf), (long)getpid());
	b.dir = tmp;
	rc = build_upstream(&b);
	if (!rc) {
		if (path_exists(dir.buf) && rmdir(dir.buf))
			rc = error_errno("cannot replace the empty directory %s", dir.buf);
		else if (rename(tmp, dir.buf))
			rc = error_errno("cannot rename %s to %s", tmp, dir.buf);
		else
			rc = fsync_dir(parent);
	}
	if (rc && path_exists(tmp))
		remove_tree(tmp);
	free(tmp);
	free(parent);
	strbuf_release(&dir);
	return rc;
}
