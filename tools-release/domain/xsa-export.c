/*
 * xsa-export.c: XSA commits as a quilt series (see xsa-export.h).
 */
#include "compat.h"
#include "xsa-export.h"
#include "branch.h"
#include "fs.h"
#include "run-command.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa.h"
#include "xsa-status.h"
#include "xsa-store.h"

#include <ctype.h>

#define DESC_MAX 50

void xsa_export_init(struct xsa_export *x)
{
	memset(x, 0, sizeof(*x));
	strvec_init(&x->claims);
}

void xsa_export_release(struct xsa_export *x)
{
	size_t i;

	for (i = 0; i < x->nr; i++) {
		free(x->v[i].subject);
		free(x->v[i].file);
	}
	free(x->v);
	free(x->since);
	free(x->ref);
	strvec_clear(&x->claims);
	memset(x, 0, sizeof(*x));
}

int xsa_last_release_tag(const struct git_repo *r, const struct branch *b, const char *ref,
			 char **tag)
{
	struct strvec tags = STRVEC_INIT;
	char *glob = xstrfmt("%d.%d.*", b->major, b->minor), *pattern;
	size_t i;
	int rc, best = -1;

	pattern = branch_expand(b->tag_format, glob);
	free(glob);
	glob = xstrfmt("refs/tags/%s", pattern);
	rc = git_list_refs(r, glob, &tags);
	*tag = NULL;
	for (i = 0; !rc && i < tags.nr; i++) {
		const char *name = tags.v[i] + (starts_with(tags.v[i], "refs/tags/") ? 10 : 0);
		int point, anc;

		if (!branch_tag_point(b, name, &point) || point <= best)
			continue;
		anc = git_is_ancestor(r, tags.v[i], ref);
		if (anc < 0) {
			rc = anc;
			break;
		}
		if (anc) {
			best = point;
			free(*tag);
			*tag = xstrdup(name);
		}
	}
	strvec_clear(&tags);
	free(glob);
	free(pattern);
	return rc ? rc : !*tag;
}

void xsa_export_name(struct strbuf *out, size_t order, int xsa, const char *subject,
		     const char *branch)
{
	size_t start, cut;
	const char *s;
	int dash = 0;

	strbuf_addf(out, "%04zu-xen-xsa%d-", order, xsa);
	start = out->len;
	for (s = subject; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c)) {
			if (dash && out->len > start)
				strbuf_addch(out, '-');
			strbuf_addch(out, (char)tolower(c));
			dash = 0;
		} else {
			dash = 1;
		}
	}
	/* Keep names short; cut at a word boundary. */
	if (out->len - start > DESC_MAX) {
		cut = start + DESC_MAX;
		while (cut > start && out->buf[cut] != '-')
			cut--;
		strbuf_setlen(out, cut > start ? cut : start + DESC_MAX);
	}
	if (out->len == start)
		strbuf_addstr(out, "fix");
	strbuf_addf(out, "-%s.patch", branch);
}

/* The XSA whose evidence on the branch commit oid is (lowest number), or 0. */
static int evidence_for(const struct xsa_matrix *m, size_t col, const char *oid)
{
	size_t i, k;

	for (i = 0; i < m->nr_xsa; i++) {
		const struct xsa_cell *c = xsa_matrix_cell(m, i, col);

		for (k = 0; k < c->found_in.nr; k++)
			if (!strcmp(c->found_in.v[k], oid))
				return m->xsa[i]->number;
		if (c->state == XSA_APPLIED && c->upstream && !strcmp(c->commit, oid))
			return m->xsa[i]->number;
	}
	return 0;
}

static const char *state_of(const struct xsa_matrix *m, size_t col, int xsa)
{
	size_t i;

	for (i = 0; i < m->nr_xsa; i++)
		if (m->xsa[i]->number == xsa)
			return xsa_state_name(xsa_matrix_cell(m, i, col)->state);
	return "not in the store";
}

int xsa_export_collect(struct xsa_export *x, const struct git_repo *r, const struct branch *b,
		       const char *since, const char *ref, const struct xsa_matrix *m,
		       size_t col)
{
	struct strbuf out = STRBUF_INIT;
	char *range = xstrfmt("%s..%s", since, ref);
	size_t pos = 0;
	int rc;

	x->since = xstrdup(since);
	x->ref = xstrdup(ref);
	/* Records: id, subject, message, each record ended by RS. */
	rc = git_cmd(r, &out, "log", "--reverse", "--no-merges", "--format=%H%x1f%s%x1f%B%x1e",
		     range, NULL);
	while (!rc && pos < out.len) {
		const char *rec = out.buf + pos, *end = memchr(rec, 0x1e, out.len - pos);
		const char *us1, *us2;
		int xsas[16];
		size_t n, len;

		if (!end)
			break;
		len = (size_t)(end - rec);
		pos += len + 1;
		while (pos < out.len && out.buf[pos] == '\n')
			pos++;
		us1 = memchr(rec, 0x1f, len);
		us2 = us1 ? memchr(us1 + 1, 0x1f, len - (size_t)(us1 + 1 - rec)) : NULL;
		if (!us1 || !us2 || us1 - rec > GIT_MAX_HEXSZ) {
			rc = error_env("unexpected output from git log %s", range);
			break;
		}
		{
			char oid[GIT_MAX_HEXSZ + 1];
			int ev;

			memcpy(oid, rec, (size_t)(us1 - rec));
			oid[us1 - rec] = '\0';
			ev = evidence_for(m, col, oid);
			if (!ev) {
				n = xsa_mentions(us2 + 1, (size_t)(end - us2 - 1), xsas,
						 ARRAY_SIZE(xsas));
				if (n)
					strvec_pushf(&x->claims, "%s XSA-%d (%s in the XSA status)", oid, xsas[0],
						     state_of(m, col, xsas[0]));
				x->skipped++;
				continue;
			}
			xsas[0] = ev;
		}
		ALLOC_GROW(x->v, x->nr + 1, x->alloc);
		memset(&x->v[x->nr], 0, sizeof(x->v[0]));
		memcpy(x->v[x->nr].oid, rec, (size_t)(us1 - rec));
		x->v[x->nr].xsa = xsas[0];
		x->v[x->nr].subject = xmemdupz(us1 + 1, (size_t)(us2 - us1 - 1));
		{
			struct strbuf name = STRBUF_INIT;

			xsa_export_name(&name, x->nr + 1, xsas[0], x->v[x->nr].subject, b->name);
			x->v[x->nr].file = strbuf_detach(&name, NULL);
		}
		x->nr++;
	}
	strbuf_release(&out);
	free(range);
	return rc;
}

/* git format-patch of one commit, with every option that shapes the bytes fixed. */
static int format_patch(const struct git_repo *r, const char *oid, struct strbuf *out)
{
	struct child_process c;
	int rc;

	git_child_init(&c, r);
	/* The user's and the system's configuration must not shape the series. */
	strvec_pushl(&c.env, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", NULL);
	strvec_pushl(&c.args, "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false",
		     "format-patch", "-1", "--stdout", "--no-add-header",
		     "--no-signature", "--no-stat", "--full-index", "--no-renames",
		     "--subject-prefix=PATCH", "--no-numbered", "--no-thread",
		     "--no-cover-letter", "--no-attach", "--no-to", "--no-cc", "--no-notes",
		     "--encode-email-headers", "--src-prefix=a/", "--dst-prefix=b/",
		     "--diff-algorithm=myers", "--no-color", oid, NULL);
	rc = run_child(&c);
	if (rc > 0)
		rc = error_env("git format-patch %.12s failed: %s", oid, child_err_summary(&c));
	if (!rc)
		strbuf_addbuf(out, &c.out_buf);
	child_release(&c);
	return rc;
}

int xsa_export_write(const struct xsa_export *x, const struct git_repo *r, const char *dir)
{
	struct strbuf series = STRBUF_INIT;
	struct strvec have = STRVEC_INIT;
	char *parent = path_dirname(dir), *tmp = NULL;
	size_t i;
	int rc = 0, existed = is_dir(dir);

	if (existed) {
		rc = list_dir(dir, &have);
		if (!rc && have.nr)
			rc = error_input("%s is not empty; export into a new directory", dir);
	} else if (path_exists(dir)) {
		rc = error_input("%s exists and is not a directory", dir);
	} else if (!is_dir(parent)) {
		rc = error_input("%s: no such directory", parent);
	}
	if (rc)
		goto out;
	tmp = xstrfmt("%s/.%s.tmp-%ld", parent, path_basename(dir), (long)getpid());
	remove_tree(tmp);
	if (mkdir(tmp, 0755)) {
		rc = error_errno("cannot create %s", tmp);
		goto out;
	}
	for (i = 0; !rc && i < x->nr; i++) {
		struct strbuf patch = STRBUF_INIT;
		char *path = path_join(tmp, x->v[i].file);

		rc = format_patch(r, x->v[i].oid, &patch);
		if (!rc)
			rc = write_file_atomic(path, patch.buf, patch.len, 0644);
		strbuf_addf(&series, "%s\n", x->v[i].file);
		strbuf_release(&patch);
		free(path);
	}
	if (!rc) {
		char *path = path_join(tmp, "series");

		rc = write_file_atomic(path, series.buf, series.len, 0644);
		free(path);
	}
	/* The series appears whole or not at all. */
	if (!rc && existed && rmdir(dir))
		rc = error_errno("cannot replace the empty directory %s", dir);
	if (!rc && rename(tmp, dir))
		rc = error_errno("cannot rename %s to %s", tmp, dir);
	if (!rc)
		fsync_dir(parent);
	if (rc)
		remove_tree(tmp);
out:
	strbuf_release(&series);
	strvec_clear(&have);
	free(parent);
	free(tmp);
	return rc;
}
