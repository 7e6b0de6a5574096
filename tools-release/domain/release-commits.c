/*
 * release-commits.c: the git side of a release (release.h, steps 2, 5 and
 * 6): the two commits made in a private index (Makefile version and
 * CHANGELOG.md entry), the signed tag and its message, and the branch
 * moved by compare and swap.
 */
#include "compat.h"
#include "release.h"
#include "release-internal.h"
#include "branch.h"
#include "changelog.h"
#include "date.h"
#include "evtag.h"
#include "fs.h"
#include "tag.h"
#include "usage.h"
#include "xalloc.h"

/* ---- the two commits ---------------------------------------------------------- */

struct index_ctx {
	const struct git_repo *src;
	struct strvec env;		/* GIT_INDEX_FILE and identity */
	char *index;
};

static int ix_git(struct index_ctx *ix, const char *in, size_t len, struct strbuf *out,
		  const char *what, const char *const *argv)
{
	struct strbuf err = STRBUF_INIT;
	int rc = git_run(ix->src, &ix->env, in, len, out, &err, argv);

	if (rc > 0)
		rc = error_env("git %s failed: %.*s", what, (int)strcspn(err.buf, "\n"), err.buf);
	strbuf_release(&err);
	return rc;
}

static int ix_put(struct index_ctx *ix, const char *path, const struct strbuf *content)
{
	struct strbuf oid = STRBUF_INIT;
	const char *const ho[] = { "hash-object", "-w", "--no-filters", "--stdin", NULL };
	int rc = ix_git(ix, content->buf, content->len, &oid, "hash-object", ho);
	char *info;

	if (rc)
		goto out;
	strbuf_trim(&oid);
	info = xstrfmt("100644,%s,%s", oid.buf, path);
	{
		const char *const ui[] = { "update-index", "--cacheinfo", info, NULL };

		rc = ix_git(ix, NULL, 0, NULL, "update-index", ui);
	}
	free(info);
out:
	strbuf_release(&oid);
	return rc;
}

static int ix_commit(struct index_ctx *ix, const char *parent, const char *msg,
		     char oid[GIT_MAX_HEXSZ + 1])
{
	struct strbuf tree = STRBUF_INIT, out = STRBUF_INIT;
	const char *const wt[] = { "write-tree", NULL };
	int rc = ix_git(ix, NULL, 0, &tree, "write-tree", wt);

	if (!rc) {
		const char *ct[] = { "commit-tree", NULL, "-p", parent, NULL };

		strbuf_trim(&tree);
		ct[1] = tree.buf;
		rc = ix_git(ix, msg, strlen(msg), &out, "commit-tree", ct);
	}
	if (!rc) {
		strbuf_trim(&out);
		snprintf(oid, GIT_MAX_HEXSZ + 1, "%s", out.buf);
	}
	strbuf_release(&tree);
	strbuf_release(&out);
	return rc;
}

static int set_version(struct index_ctx *ix, const struct release_plan *p, const char *rev,
		       const char *extra)
{
	struct strbuf mk = STRBUF_INIT;
	int rc = git_read_blob(ix->src, rev, p->layout.makefile, &mk);

	if (rc == 1)
		rc = error_input("%s:%s: no such file", rev, p->layout.makefile);
	if (!rc)
		rc = version_set_makefile(&mk, p->layout.makefile, p->cur.major, p->cur.minor, extra);
	if (!rc)
		rc = ix_put(ix, p->layout.makefile, &mk);
	strbuf_release(&mk);
	return rc;
}

/*
 * An XSA as the CHANGELOG entry and the tag message list it:
 * "XSA-950 (CVE-2026-95001): title (commit 0123456789ab)", with the state
 * first in the parenthesis when the fix is only claimed or partial.
 */
static void xsa_line(const struct release_xsa *x, struct strbuf *out)
{
	size_t k;
	int plain = !x->state || !strcmp(x->state, "fixed");

	strbuf_addf(out, "XSA-%d", x->number);
	if (*x->cves)
		strbuf_addf(out, " (%s)", x->cves);
	if (*x->title)
		strbuf_addf(out, ": %s", x->title);
	if (!x->commits.nr && plain)
		return;
	strbuf_addstr(out, " (");
	if (!plain)
		strbuf_addf(out, "%s%s", x->state, x->commits.nr ? ", " : "");
	if (x->commits.nr)
		strbuf_addstr(out, x->commits.nr == 1 ? "commit " : "commits ");
	for (k = 0; k < x->commits.nr; k++)
		strbuf_addf(out, "%s%.12s", k ? ", " : "", x->commits.v[k]);
	strbuf_addch(out, ')');
}

static void changelog_entry_for(const struct release_plan *p, int64_t now,
				struct changelog_entry *e)
{
	static char day[11];
	size_t i, k;

	changelog_entry_init(e);
	date_format_day((long)(now / 86400), day);
	e->version = p->version;
	e->tag = p->tag;
	e->date = day;
	for (i = 0; i < p->nr_xsas; i++) {
		const struct release_xsa *x = &p->xsas[i];

		struct strbuf line = STRBUF_INIT;

		xsa_line(x, &line);
		strvec_push(&e->security, line.buf);
		strbuf_release(&line);
	}
	for (i = 0; i < p->commits.nr; i++) {
		const char *subject = strchr(p->commits.v[i], ' ');
		int is_xsa = 0;

		/* XSA commits are listed above by advisory, not again here. */
		for (k = 0; subject && k < p->nr_xsas && !is_xsa; k++) {
			char *needle = xstrfmt("XSA-%d", p->xsas[k].number);

			is_xsa = strstr(subject, needle) != NULL;
			free(needle);
		}
		if (subject && !is_xsa)
			strvec_push(&e->fixed, subject + 1);
	}
}

int release_make_commits(const struct release_opts *o, struct release_plan *p,
		 const char *ident)
{
	struct index_ctx ix;
	struct strbuf doc = STRBUF_INIT, msg = STRBUF_INIT;
	char iso[32];
	char *extra, *pre_extra, *pre_version;
	const char *lt = strchr(ident, '<');
	int rc;

	memset(&ix, 0, sizeof(ix));
	ix.src = o->src;
	strvec_init(&ix.env);
	ix.index = xstrfmt("%s/xenstable-release-%ld.index", o->src->git_dir, (long)getpid());
	strvec_pushf(&ix.env, "GIT_INDEX_FILE=%s", ix.index);
	date_format_iso(p->time, iso);
	strvec_pushf(&ix.env, "GIT_AUTHOR_DATE=%s", iso);
	strvec_pushf(&ix.env, "GIT_COMMITTER_DATE=%s", iso);
	if (lt) {
		size_t nl = (size_t)(lt - ident);

		while (nl && ident[nl - 1] == ' ')
			nl--;
		strvec_pushf(&ix.env, "GIT_AUTHOR_NAME=%.*s", (int)nl, ident);
		strvec_pushf(&ix.env, "GIT_COMMITTER_NAME=%.*s", (int)nl, ident);
		strvec_pushf(&ix.env, "GIT_AUTHOR_EMAIL=%.*s", (int)strcspn(lt + 1, ">"), lt + 1);
		strvec_pushf(&ix.env, "GIT_COMMITTER_EMAIL=%.*s", (int)strcspn(lt + 1, ">"), lt + 1);
	}
	extra = xstrfmt(".%d", p->point);
	pre_extra = xstrfmt(".%d-pre", p->point + 1);
	pre_version = xstrfmt("%d.%d.%d-pre", p->cur.major, p->cur.minor, p->point + 1);
	{
		const char *const rt[] = { "read-tree", p->base, NULL };

		rc = ix_git(&ix, NULL, 0, NULL, "read-tree", rt);
	}
	if (!rc)
		rc = set_version(&ix, p, p->base, extra);
	if (!rc) {
		int have = git_read_blob(o->src, p->base, "CHANGELOG.md", &doc);

		if (have < 0) {
			rc = have;
		} else if (have == 0) {
			struct changelog_entry e;

			changelog_entry_for(p, p->time, &e);
			rc = changelog_insert(&doc, "CHANGELOG.md", &e);
			if (rc == 1)
				rc = 0;
			if (!rc)
				rc = ix_put(&ix, "CHANGELOG.md", &doc);
			changelog_entry_release(&e);
		}
	}
	if (!rc) {
		strbuf_addf(&msg, "update Xen version to %s\n", p->version);
		rc = ix_commit(&ix, p->base, msg.buf, p->release_commit);
	}
	if (!rc)
		rc = set_version(&ix, p, p->release_commit, pre_extra);
	if (!rc) {
		strbuf_reset(&msg);
		strbuf_addf(&msg, "update Xen version to %s\n", pre_version);
		rc = ix_commit(&ix, p->release_commit, msg.buf, p->pre_commit);
	}
	unlink(ix.index);
	free(ix.index);
	strvec_clear(&ix.env);
	free(extra);
	free(pre_extra);
	free(pre_version);
	strbuf_release(&doc);
	strbuf_release(&msg);
	return rc;
}

/* ---- tag and branch ------------------------------------------------------------ */

int release_make_tag(const struct release_opts *o, const struct release_plan *p,
	     const char *ident)
{
	struct strbuf msg = STRBUF_INIT;
	char *ref = xstrfmt("refs/tags/%s", p->tag);
	char oid[GIT_MAX_HEXSZ + 1];
	size_t i;
	int rc;

	if (git_ref_exists(o->src, ref) == 1) {
		rc = git_resolve_commit(o->src, ref, oid);
		if (!rc && strcmp(oid, p->release_commit))
			rc = error_env("tag %s exists and points to %.12s, not to the release "
				       "commit %.12s", p->tag, oid, p->release_commit);
		free(ref);
		return rc;
	}
	free(ref);
	strbuf_addf(&msg, "Xen %s\n", p->version);
	if (p->nr_xsas) {
		strbuf_addstr(&msg, "\nSecurity fixes:\n");
		for (i = 0; i < p->nr_xsas; i++) {
			const struct release_xsa *x = &p->xsas[i];

			strbuf_addstr(&msg, "  ");
			xsa_line(x, &msg);
			strbuf_addch(&msg, '\n');
		}
	}
	/* git-evtag's SHA-512 over the whole tree (domain/evtag.h). */
	rc = evtag_tag_line(o->src, p->release_commit, &msg);
	if (rc) {
		strbuf_release(&msg);
		return rc;
	}
	say("tagging %s (signed by %s)", p->tag, p->key);
	rc = tag_create(o->src, o->gpg, p->tag, p->release_commit, ident, p->time, msg.buf,
			p->key, oid);
	strbuf_release(&msg);
	return rc;
}

int release_move_branch(const struct release_opts *o, const struct release_plan *p)
{
	char *ref = xstrfmt("refs/heads/%s", o->branch->ref);
	char oid[GIT_MAX_HEXSZ + 1];
	struct strvec wts = STRVEC_INIT;
	size_t i;
	int rc = git_resolve_commit(o->src, ref, oid);

	if (!rc && !strcmp(oid, p->pre_commit))
		goto out;	/* done by the interrupted run */
	if (!rc && strcmp(oid, p->base))
		rc = error_env("%s moved to %.12s during the release; it was %.12s", o->branch->ref,
			       oid, p->base);
	if (!rc)
		rc = git_worktrees_with_branch(o->src, ref, &wts);
	if (!rc)
		rc = git_update_ref(o->src, ref, p->pre_commit, p->base, "xenstable: release");
	for (i = 0; !rc && i < wts.nr; i++) {
		struct child_process c;

		git_child_init(&c, NULL);
		strvec_pushl(&c.args, "read-tree", "-m", "-u", p->base, p->pre_commit, NULL);
		c.dir = wts.v[i];
		rc = run_child(&c);
		if (rc > 0)
			rc = error_env("%s moved, but its checkout in %s could not follow: %s",
				       o->branch->ref, wts.v[i], child_err_summary(&c));
		child_release(&c);
	}
out:
	strvec_clear(&wts);
	free(ref);
	return rc;
}

/*
 * Before the tag: is the branch still where the release began?  Someone
 * else's commit there means the release would tag a commit the branch
 * will never hold.  Nothing is published yet, so the run is undone
 * (artifacts, held commits, state) and the next run starts from the new
 * tip; their commit is left alone.  Once the tag exists (a resumed run),
 * release_move_branch()'s compare-and-swap is the guard.
 */
int release_check_unmoved(const struct release_opts *o, struct release_plan *p)
{
	char *ref = xstrfmt("refs/heads/%s", o->branch->ref);
	char *tref = xstrfmt("refs/tags/%s", p->tag);
	char oid[GIT_MAX_HEXSZ + 1];
	int rc = git_resolve_commit(o->src, ref, oid);

	if (rc < 0 || git_ref_exists(o->src, tref) == 1 ||
	    (!rc && (!strcmp(oid, p->base) || !strcmp(oid, p->pre_commit)))) {
		rc = rc < 0 ? rc : 0;
		goto out;
	}
	if (rc)
		rc = error_env("%s was deleted during the release; nothing was published",
			       o->branch->ref);
	else
		rc = error_env("%s moved to %.12s during the release (it was %.12s); nothing "
			       "was published: run the release again from the new tip",
			       o->branch->ref, oid, p->base);
	if (p->dist)
		remove_tree(p->dist);
	release_hold_refs(o, p, 1);
	release_state_remove(o);
out:
	free(ref);
	free(tref);
	return rc;
}
