/*
 * embargo-check.c: the embargo check (embargo.h): reference..tip by the
 * patch-ids of its commits and by the post-images in its tree, the report,
 * the reference of a branch and the apply guard.
 */
#include "compat.h"
#include "embargo.h"
#include "embargo-internal.h"
#include "apply.h"
#include "release.h"
#include "usage.h"
#include "xalloc.h"

/* ---- checking ------------------------------------------------------------------ */

void embargo_report_release(struct embargo_report *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++)
		strvec_clear(&r->v[i].commits);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static struct embargo_finding *finding(struct embargo_report *rep, const struct embargo_patch *p)
{
	size_t i;

	for (i = 0; i < rep->nr; i++)
		if (rep->v[i].p == p)
			return &rep->v[i];
	ALLOC_GROW(rep->v, rep->nr + 1, rep->alloc);
	memset(&rep->v[rep->nr], 0, sizeof(rep->v[0]));
	rep->v[rep->nr].p = p;
	strvec_init(&rep->v[rep->nr].commits);
	return &rep->v[rep->nr++];
}

static int path_known(const struct embargo_set *es, const char *path)
{
	return bsearch(&path, es->paths.v, es->paths.nr, sizeof(*es->paths.v), embargo_cmp_str) != NULL;
}

struct history {
	const struct embargo_set *es;
	struct strbuf stream;
	struct strvec commits;		/* of each hunk in the stream */
	char last[GIT_MAX_HEXSZ + 1];
	size_t nr_commits;
	int hexsz;
};

static int history_hunk(const struct embargo_diff_hunk *h, void *data)
{
	struct history *hi = data;
	const char *p = h->new_path ? h->new_path : h->old_path;

	if (h->commit && strcmp(hi->last, h->commit)) {
		snprintf(hi->last, sizeof(hi->last), "%s", h->commit);
		hi->nr_commits++;
	}
	if (!p || !h->commit || !path_known(hi->es, p))
		return 0;
	strvec_push(&hi->commits, h->commit);
	embargo_stream_head(&hi->stream, hi->commits.nr, hi->hexsz);
	embargo_pid_text(h, &hi->stream);
	return 0;
}

static int env_with(const struct strvec *env, struct strvec *all)
{
	if (env)
		strvec_pushv(all, env->v);
	strvec_push(all, "GIT_LITERAL_PATHSPECS=1");
	return 0;
}

/* (a) hunks of the commits reference..tip with an embargoed hunk's patch-id. */
static int check_history(const struct embargo_set *es, const struct embargo_check_opts *o,
			 struct embargo_report *rep)
{
	struct strvec argv = STRVEC_INIT, env = STRVEC_INIT;
	struct strbuf log = STRBUF_INIT, err = STRBUF_INIT;
	struct history hi;
	char (*pids)[GIT_MAX_HEXSZ + 1] = NULL;
	size_t i;
	int rc;

	if (!o->reference || !strcmp(o->reference, o->tip) || !es->paths.nr)
		return 0;
	memset(&hi, 0, sizeof(hi));
	hi.es = es;
	strbuf_init(&hi.stream, 0);
	strvec_init(&hi.commits);
	hi.hexsz = (int)strlen(o->tip);
	env_with(o->env, &env);
	strvec_pushl(&argv, "log", "-p", "--no-color", "--no-ext-diff", "--no-textconv",
		     "--no-renames", "-U3", "--src-prefix=a/", "--dst-prefix=b/", "--full-history",
		     "--diff-merges=first-parent", "--format=commit %H", NULL);
	strvec_pushf(&argv, "%s..%s", o->reference, o->tip);
	strvec_push(&argv, "--");
	strvec_pushv(&argv, es->paths.v);
	rc = git_run(o->src, &env, NULL, 0, &log, &err, argv.v);
	if (rc > 0)
		rc = error_env("git log %.12s..%.12s failed: %.*s", o->reference, o->tip,
			       (int)strcspn(err.buf, "\n"), err.buf);
	if (!rc)
		rc = embargo_parse_diff(log.buf, log.len, history_hunk, &hi);
	rep->commits_read += hi.nr_commits;
	if (!rc && hi.commits.nr) {
		pids = xcalloc(hi.commits.nr, sizeof(*pids));
		rc = embargo_patch_ids(o->src, o->env, &hi.stream, pids, hi.commits.nr);
	}
	for (i = 0; !rc && i < hi.commits.nr; i++) {
		struct embargo_pid key, *m;
		size_t lo;

		if (!pids[i][0])
			continue;
		key.pid = pids[i];
		m = bsearch(&key, es->byid, es->nr_byid, sizeof(*es->byid), embargo_cmp_byid);
		if (!m)
			continue;
		/* Every embargoed hunk with that id (two XSAs may share one). */
		lo = (size_t)(m - es->byid);
		while (lo && !strcmp(es->byid[lo - 1].pid, pids[i]))
			lo--;
		for (; lo < es->nr_byid && !strcmp(es->byid[lo].pid, pids[i]); lo++) {
			struct embargo_finding *f = finding(rep, &es->v[es->byid[lo].patch]);

			if (!strvec_contains(&f->commits, hi.commits.v[i]))
				strvec_push(&f->commits, hi.commits.v[i]);
		}
	}
	free(pids);
	strbuf_release(&hi.stream);
	strvec_clear(&hi.commits);
	strvec_clear(&argv);
	strvec_clear(&env);
	strbuf_release(&log);
	strbuf_release(&err);
	return rc;
}

/* One file of a tree, as far as the check needs it. */
struct tfile {
	char *path;
	unsigned mode;
	struct strbuf text;	/* normalized (embargo_normalize_file) */
	uint64_t *lines;	/* sorted */
	size_t nr_lines;
	uint64_t *seq;		/* the same, in file order */
};

struct tstate {
	const char *commit;
	struct tfile *f;
	size_t nr, alloc;
	struct apply_index ix;	/* made when git apply is asked */
	int have_ix;
};

static void tstate_release(struct tstate *st)
{
	size_t i;

	for (i = 0; i < st->nr; i++) {
		free(st->f[i].path);
		free(st->f[i].lines);
		free(st->f[i].seq);
		strbuf_release(&st->f[i].text);
	}
	free(st->f);
	if (st->have_ix)
		apply_index_release(&st->ix);
	memset(st, 0, sizeof(*st));
}

static int cmp_tfile(const void *a, const void *b)
{
	return strcmp(((const struct tfile *)a)->path, ((const struct tfile *)b)->path);
}

static const struct tfile *tfile_find(const struct tstate *st, const char *path)
{
	struct tfile key;

	key.path = (char *)path;
	return st->nr ? bsearch(&key, st->f, st->nr, sizeof(*st->f), cmp_tfile) : NULL;
}

static void hash_lines(const char *text, size_t len, struct tfile *f)
{
	size_t pos = 0, n, alloc = 0;
	const char *line;

	while (next_line(text, len, &pos, &line, &n)) {
		uint64_t v = embargo_line_hash(line, n);

		if (!v)
			continue;
		ALLOC_GROW(f->lines, f->nr_lines + 1, alloc);
		f->lines[f->nr_lines++] = v;
	}
	if (f->nr_lines) {
		f->seq = xcalloc(f->nr_lines, sizeof(*f->seq));
		memcpy(f->seq, f->lines, f->nr_lines * sizeof(*f->seq));
		qsort(f->lines, f->nr_lines, sizeof(*f->lines), embargo_cmp_u64);
	}
}

/* The files of commit that embargoed hunks change: their lines, normalized. */
static int tstate_load(const struct embargo_set *es, const struct embargo_check_opts *o,
		       const char *commit, struct tstate *st)
{
	struct strvec argv = STRVEC_INIT, env = STRVEC_INIT;
	struct strbuf entries = STRBUF_INIT, oids = STRBUF_INIT, blobs = STRBUF_INIT,
		      err = STRBUF_INIT;
	const char *const cat[] = { "cat-file", "--batch", NULL };
	size_t pos = 0, i;
	int rc;

	memset(st, 0, sizeof(*st));
	st->commit = commit;
	env_with(o->env, &env);
	strvec_pushl(&argv, "ls-tree", "-z", commit, "--", NULL);
	strvec_pushv(&argv, es->paths.v);
	rc = git_run(o->src, &env, NULL, 0, &entries, &err, argv.v);
	if (rc > 0)
		rc = error_env("git ls-tree %.12s failed: %.*s", commit, (int)strcspn(err.buf, "\n"),
			       err.buf);
	/* "<mode> SP <type> SP <oid> TAB <path> NUL" */
	while (!rc && pos < entries.len) {
		const char *rec = entries.buf + pos, *tab, *sp1, *sp2;
		size_t len = strnlen(rec, entries.len - pos);

		pos += len + 1;
		tab = memchr(rec, '\t', len);
		sp1 = memchr(rec, ' ', len);
		sp2 = sp1 ? memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - rec)) : NULL;
		if (!tab || !sp2 || sp2 > tab || memcmp(sp1 + 1, "blob ", 5))
			continue;
		ALLOC_GROW(st->f, st->nr + 1, st->alloc);
		memset(&st->f[st->nr], 0, sizeof(st->f[0]));
		st->f[st->nr].path = xmemdupz(tab + 1, len - (size_t)(tab + 1 - rec));
		st->f[st->nr].mode = (unsigned)strtoul(rec, NULL, 8);
		strbuf_init(&st->f[st->nr].text, 0);
		st->nr++;
		strbuf_add(&oids, sp2 + 1, (size_t)(tab - sp2 - 1));
		strbuf_addch(&oids, '\n');
	}
	if (!rc && oids.len) {
		strbuf_reset(&err);
		rc = git_run(o->src, &env, oids.buf, oids.len, &blobs, &err, cat);
		if (rc > 0)
			rc = error_env("git cat-file failed: %.*s", (int)strcspn(err.buf, "\n"),
				       err.buf);
	}
	/* "<oid> blob <size>\n<content>\n", in the order asked. */
	for (i = 0, pos = 0; !rc && i < st->nr; i++) {
		const char *hdr = blobs.buf + pos, *nl = memchr(hdr, '\n', blobs.len - pos);
		const char *sp;
		size_t size;

		if (!nl || !(sp = memrchr(hdr, ' ', (size_t)(nl - hdr)))) {
			rc = error_env("git cat-file: unexpected output for %s", st->f[i].path);
			break;
		}
		size = (size_t)strtoull(sp + 1, NULL, 10);
		pos = (size_t)(nl + 1 - blobs.buf);
		if (size > blobs.len - pos) {
			rc = error_env("git cat-file: short output for %s", st->f[i].path);
			break;
		}
		hash_lines(blobs.buf + pos, size, &st->f[i]);
		embargo_normalize_file(blobs.buf + pos, size, &st->f[i].text);
		pos += size + 1;
	}
	if (!rc && st->nr)
		qsort(st->f, st->nr, sizeof(*st->f), cmp_tfile);
	strvec_clear(&argv);
	strvec_clear(&env);
	strbuf_release(&entries);
	strbuf_release(&oids);
	strbuf_release(&blobs);
	strbuf_release(&err);
	return rc;
}

/* The private index of a state: its files, normalized. */
static int tstate_index(const struct embargo_check_opts *o, struct tstate *st)
{
	struct apply_index_file *files;
	size_t i;
	int rc;

	if (st->have_ix)
		return 0;
	files = xcalloc(st->nr + 1, sizeof(*files));
	for (i = 0; i < st->nr; i++) {
		files[i].path = st->f[i].path;
		files[i].mode = st->f[i].mode;
		files[i].data = st->f[i].text.buf;
		files[i].len = st->f[i].text.len;
	}
	rc = apply_index_make(o->src, files, st->nr, &st->ix);
	st->have_ix = !rc;
	free(files);
	return rc;
}

/* Could the hunk's post-image be in the file at all?  (Every line of it is.) */
static int may_be_in(const struct tstate *st, const struct embargo_hunk *h)
{
	const struct tfile *f = tfile_find(st, h->path);
	size_t i, k = 0;

	if (h->removes_file)
		return !f;
	if (!f)
		return 0;
	/* Both sorted: a merge walk. */
	for (i = 0; i < h->nr_lines; i++) {
		while (k < f->nr_lines && f->lines[k] < h->lines[i])
			k++;
		if (k == f->nr_lines || f->lines[k] != h->lines[i])
			return 0;
	}
	if (!h->nr_core || h->nr_core > f->nr_lines)
		return !h->nr_core;
	/* Its core (embargo_hunk) as one block, blank lines aside. */
	for (k = 0; k + h->nr_core <= f->nr_lines; k++)
		if (f->seq[k] == h->core[0] &&
		    !memcmp(f->seq + k, h->core, h->nr_core * sizeof(*h->core)))
			return 1;
	return 0;
}

/* Does the hunk reverse-apply to the state (its post-image is there)? */
static int is_in(const struct embargo_check_opts *o, struct tstate *st,
		 const struct embargo_hunk *h, struct embargo_report *rep)
{
	struct strbuf err = STRBUF_INIT;
	unsigned flags = APPLY_CHECK_REVERSE | APPLY_CHECK_IGNORE_WS;
	int rc;

	if (!may_be_in(st, h))
		return 0;
	rc = tstate_index(o, st);
	if (rc)
		return rc;
	rep->applies++;
	rc = apply_index_check(o->src, &st->ix, h->text, strlen(h->text), flags, &err);
	if (rc == 1 && h->adds) {
		/* Its own lines are there; the context around them may have changed. */
		strbuf_reset(&err);
		rep->applies++;
		rc = apply_index_check(o->src, &st->ix, h->text, strlen(h->text),
				       flags | APPLY_CHECK_CONTEXT1, &err);
	}
	if (rc < 0)
		rc = error_env("git apply could not run: %.*s", (int)strcspn(err.buf, "\n"), err.buf);
	strbuf_release(&err);
	return rc < 0 ? rc : rc == 0;
}

struct tree_check {
	const struct embargo_set *es;
	const struct embargo_check_opts *o;
	struct embargo_report *rep;
	struct tstate tip, ref;
	int have_ref;
};

/* The reference's state, read when first needed. */
static int ref_state(struct tree_check *tc, struct tstate **st)
{
	int rc = 0;

	*st = NULL;
	if (!tc->o->reference || !strcmp(tc->o->reference, tc->o->tip))
		return 0;
	if (!tc->have_ref) {
		rc = tstate_load(tc->es, tc->o, tc->o->reference, &tc->ref);
		tc->have_ref = !rc;
	}
	if (!rc)
		*st = &tc->ref;
	return rc;
}

/*
 * Is the hunk new in the tip's tree: whole (1), or a window of it (2),
 * and not in the reference's?  0 no, <0 error.
 */
static int new_in_tip(struct tree_check *tc, const struct embargo_hunk *h)
{
	struct tstate *ref;
	size_t w;
	int rc = is_in(tc->o, &tc->tip, h, tc->rep);

	if (rc > 0) {
		rc = ref_state(tc, &ref);
		if (!rc && ref)
			rc = is_in(tc->o, ref, h, tc->rep);
		return rc < 0 ? rc : rc ? 0 : 1;
	}
	for (w = 0; !rc && w < h->nr_win; w++) {
		const struct embargo_hunk *win = &h->win[w];

		if (!may_be_in(&tc->tip, win))
			continue;
		/*
		 * A block of its lines the reference's file has too (moved
		 * code, a common sequence) is public already, blank lines and
		 * whitespace aside: git is asked only about new blocks.
		 */
		rc = ref_state(tc, &ref);
		if (rc || (ref && may_be_in(ref, win)))
			continue;
		rc = is_in(tc->o, &tc->tip, win, tc->rep);
		if (rc > 0)
			return 2;
	}
	return rc;
}

/* (b) hunks whose post-image is in the tip's tree and was not in the reference's. */
static int check_tree(const struct embargo_set *es, const struct embargo_check_opts *o,
		      struct embargo_report *rep)
{
	struct tree_check tc;
	size_t i, k;
	int rc;

	memset(&tc, 0, sizeof(tc));
	tc.es = es;
	tc.o = o;
	tc.rep = rep;
	rc = tstate_load(es, o, o->tip, &tc.tip);
	for (i = 0; !rc && i < es->nr; i++)
		for (k = 0; !rc && k < es->v[i].nr; k++) {
			rc = new_in_tip(&tc, &es->v[i].h[k]);
			if (rc > 0) {
				struct embargo_finding *f = finding(rep, &es->v[i]);

				f->in_tree++;
				f->in_part += rc == 2;
				rc = 0;
			}
		}
	tstate_release(&tc.tip);
	if (tc.have_ref)
		tstate_release(&tc.ref);
	return rc;
}

static int cmp_finding(const void *a, const void *b)
{
	const struct embargo_finding *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

int embargo_check(const struct embargo_set *es, const struct embargo_check_opts *o,
		  struct embargo_report *rep)
{
	int rc;

	memset(rep, 0, sizeof(*rep));
	if (!es->nr)
		return 0;
	rc = check_history(es, o, rep);
	if (!rc)
		rc = check_tree(es, o, rep);
	if (rc)
		return rc;
	if (rep->nr)
		qsort(rep->v, rep->nr, sizeof(*rep->v), cmp_finding);
	return rep->nr ? 1 : 0;
}

void embargo_report_describe(const struct embargo_report *r, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < r->nr; i++) {
		const struct embargo_finding *f = &r->v[i];
		char d[32];

		embargo_until_str(f->p->until, d);
		strbuf_addf(out, "%s%s (%s%sembargoed until %s UTC) patch %u/%u [sha256 %.12s]:",
			    i ? "; " : "", f->p->source, f->p->about ? f->p->about : "",
			    f->p->about ? ", " : "", d, f->p->index, f->p->count, f->p->sha256);
		if (f->in_tree)
			strbuf_addf(out, " %zu of its %zu hunk(s) in the tree", f->in_tree, f->p->nr);
		if (f->in_part)
			strbuf_addf(out, " (%zu of them in part)", f->in_part);
		if (f->commits.nr)
			strbuf_addf(out, "%s commit %.12s%s carries its changes", f->in_tree ? "," : "",
				    f->commits.v[0], f->commits.nr > 1 ? " (and others)" : "");
	}
}

/* ---- refs, references, the apply guard -------------------------------------------- */

int embargo_ref_is_private(const char *ref)
{
	return starts_with(ref, "refs/embargo/");
}

int embargo_reference(const struct git_repo *src, const struct branch *b, const char *from,
		      char out[GIT_MAX_HEXSZ + 1])
{
	char *tag = NULL;
	int point, rc = 1;
	int64_t when;

	if (b)
		rc = release_last_tag(src, b, from, &tag, &point, out, &when);
	free(tag);
	if (rc < 0)
		return rc;
	if (rc == 1)
		snprintf(out, GIT_MAX_HEXSZ + 1, "%s", from);
	return 0;
}

int embargo_apply_guard(struct apply_run *r, void *data)
{
	struct embargo_guard *g = data;
	struct strvec env = STRVEC_INIT;
	struct embargo_report rep;
	struct embargo_check_opts o;
	char ref[GIT_MAX_HEXSZ + 1];
	const char *from = r->base[0] ? r->base : r->start;
	int rc;

	if (embargo_ref_is_private(r->ref))
		return 0;
	if (!g || !g->es)
		return error_env("internal: %s would move without its embargo check", r->ref);
	if (!g->es->nr)
		return 0;
	rc = embargo_reference(r->repo, g->branch, from, ref);
	if (!rc)
		rc = apply_run_env(r, &env);
	if (rc) {
		strvec_clear(&env);
		return rc;
	}
	memset(&o, 0, sizeof(o));
	o.src = r->repo;
	o.env = &env;
	o.reference = ref;
	o.tip = r->tip;
	rc = embargo_check(g->es, &o, &rep);
	if (rc > 0) {
		struct strbuf why = STRBUF_INIT;

		embargo_report_describe(&rep, &why);
		g->refused = 1;
		rc = error_input("refusing to move %s: embargoed content would be on it, whatever "
				 "the messages say: %s", r->ref, why.buf);
		strbuf_release(&why);
	}
	embargo_report_release(&rep);
	strvec_clear(&env);
	return rc;
}
