/*
 * xsa-status.c: compute the XSA x branch matrix (see xsa-status.h).
 */
#include "compat.h"
#include "xsa-status.h"
#include "bundle-store.h"
#include "xsa-commits.h"
#include "xsa-store.h"
#include "xsa.h"
#include "branch.h"
#include "date.h"
#include "hash.h"
#include "usage.h"
#include "xalloc.h"

#define MAX_BRANCHES 64

const char *xsa_state_name(enum xsa_state s)
{
	switch (s) {
	case XSA_APPLIED: return "applied";
	case XSA_PENDING: return "pending";
	case XSA_NOT_AFFECTED: return "not-affected";
	case XSA_NEEDS_BACKPORT: return "needs-backport";
	case XSA_EMBARGOED: return "embargoed";
	case XSA_BACKPORT_AVAILABLE: return "backport-available";
	}
	return "unknown";
}

int xsa_backport_lookup(const char *repo_root, int xsa, const struct branch *b,
			struct strbuf *what)
{
	/* A kept, current bundle from a predisclosure member (bundle-store.h). */
	return bundle_backport_lookup(repo_root, xsa, b->name, what);
}

void xsa_matrix_release(struct xsa_matrix *m)
{
	size_t i;

	for (i = 0; i < m->nr_xsa * m->nr_br; i++) {
		free(m->cells[i].detail);
		strvec_clear(&m->cells[i].patches);
		strvec_clear(&m->cells[i].names);
		strvec_clear(&m->cells[i].found_in);
	}
	free(m->cells);
	free(m->br);
	free(m->xsa);
	memset(m, 0, sizeof(*m));
}

/* --- branch windows ------------------------------------------------------- */

struct window {
	const struct branch *b;
	int present;
	char tip[GIT_MAX_HEXSZ + 1];
	char fork[GIT_MAX_HEXSZ + 1];		/* merge-base with master */
	char prev_fork[GIT_MAX_HEXSZ + 1];	/* of X.(Y-1) */
	int chain_next;		/* fork is an ancestor of the next window's fork */
	size_t own, inherited;
};

static const char *const master_refs[] = {
	"refs/heads/master", "refs/heads/main", "refs/heads/staging", NULL
};

/* Tip of branch X.Y: its conf's ref, else stable-X.Y. */
static int resolve_version(const struct git_repo *r, const struct branch_set *bs, int major,
			   int minor, char oid[GIT_MAX_HEXSZ + 1])
{
	char name[32];
	const struct branch *b;
	int rc;

	snprintf(name, sizeof(name), "%d.%d", major, minor);
	b = branch_find(bs, name);
	if (b) {
		rc = git_resolve_commit(r, b->ref, oid);
		if (rc <= 0)
			return rc;
	}
	snprintf(name, sizeof(name), "refs/heads/stable-%d.%d", major, minor);
	return git_resolve_commit(r, name, oid);
}

/* rev-list --no-merges include ^exclude: every commit gets mask bits. */
static int walk(const struct git_repo *r, const char *include, const char *exclude,
		struct xsa_commits *c, uint64_t bits, size_t *count)
{
	struct strbuf out = STRBUF_INIT, neg = STRBUF_INIT;
	size_t pos = 0, n;
	const char *line;
	int rc;

	if (exclude && *exclude)
		strbuf_addf(&neg, "^%s", exclude);
	rc = git_cmd(r, &out, "rev-list", "--no-merges", include,
		     neg.len ? neg.buf : NULL, NULL);
	*count = 0;
	while (!rc && next_line(out.buf, out.len, &pos, &line, &n)) {
		char oid[GIT_MAX_HEXSZ + 1];
		size_t i;

		if (n > GIT_MAX_HEXSZ)
			continue;
		memcpy(oid, line, n);
		oid[n] = '\0';
		i = xsa_commits_add(c, oid);
		c->v[i].mask |= bits;
		(*count)++;
	}
	strbuf_release(&out);
	strbuf_release(&neg);
	return rc;
}

static int setup_windows(const struct xsa_status_opts *o, struct xsa_matrix *m,
			 struct window *w, size_t nw, struct xsa_commits *c)
{
	const struct git_repo *r = o->src;
	char master[GIT_MAX_HEXSZ + 1] = "";
	size_t i, j;
	int rc = 0;

	for (i = 0; master_refs[i]; i++) {
		if (!git_resolve_commit(r, master_refs[i], master)) {
			snprintf(m->master, sizeof(m->master), "%s", master_refs[i] + 11);
			break;
		}
		master[0] = '\0';
	}
	for (i = 0; i < nw && !rc; i++) {
		char prev[GIT_MAX_HEXSZ + 1];

		rc = git_resolve_commit(r, w[i].b->ref, w[i].tip);
		if (rc < 0)
			return rc;
		w[i].present = !rc;
		rc = 0;
		if (!w[i].present || !*master)
			continue;
		rc = xsa_commits_merge_base(c, r, w[i].tip, master, w[i].fork);
		if (!rc && w[i].b->minor > 0 &&
		    !resolve_version(r, o->branches, w[i].b->major, w[i].b->minor - 1, prev))
			rc = xsa_commits_merge_base(c, r, prev, master, w[i].prev_fork);
	}
	/* Does each fork point lie on the history of the next one? */
	for (i = 0; i < nw && !rc; i++) {
		w[i].chain_next = 0;
		if (!w[i].present || !*w[i].fork)
			continue;
		for (j = i + 1; j < nw && !w[j].present; j++)
			;
		if (j < nw && *w[j].fork) {
			int a = xsa_commits_is_ancestor(c, r, w[i].fork, w[j].fork);

			if (a < 0)
				return a;
			w[i].chain_next = a;
		}
	}
	/* The same tips and forks as last time: the cached masks hold. */
	{
		struct strbuf desc = STRBUF_INIT;
		char sig[65];
		const char *had;

		for (i = 0; i < nw; i++)
			strbuf_addf(&desc, "%s %d %s %s %s %d\n", w[i].b->name, w[i].present,
				    w[i].tip, w[i].fork, w[i].prev_fork, w[i].chain_next);
		sha256_hex(desc.buf, desc.len, sig);
		strbuf_release(&desc);
		had = xsa_commits_get(c, "windows");
		if (!rc && had && !strcmp(had, sig)) {
			for (i = 0; i < nw; i++) {
				char key[64];
				const char *n;

				snprintf(key, sizeof(key), "window %s", w[i].b->name);
				n = xsa_commits_get(c, key);
				if (n && sscanf(n, "%zu %zu", &w[i].own, &w[i].inherited) == 2)
					continue;
				had = NULL;
				break;
			}
			if (had)
				return 0;
		}
		for (i = 0; i < c->nr; i++)
			c->v[i].mask = 0;
		for (i = 0; i < nw && !rc; i++) {
			uint64_t bits = 0;

			if (!w[i].present)
				continue;
			/* The branch's own commits, since it forked (all if it never did). */
			rc = walk(r, w[i].tip, w[i].fork, c, 1ULL << i, &w[i].own);
			if (!rc && *w[i].fork) {
				/* master's commits before the fork reached this and later branches. */
				bits = 1ULL << i;
				for (j = i; j + 1 < nw && w[j].chain_next; ) {
					size_t k = j + 1;

					while (k < nw && !w[k].present)
						k++;
					if (k >= nw)
						break;
					bits |= 1ULL << k;
					j = k;
				}
				rc = walk(r, w[i].fork, w[i].prev_fork, c, bits, &w[i].inherited);
			}
		}
		for (i = 0; i < nw && !rc; i++) {
			char key[64], val[64];

			snprintf(key, sizeof(key), "window %s", w[i].b->name);
			snprintf(val, sizeof(val), "%zu %zu", w[i].own, w[i].inherited);
			xsa_commits_set(c, key, val);
		}
		if (!rc)
			xsa_commits_set(c, "windows", sig);
	}
	return rc;
}

/* --- matching --------------------------------------------------------------- */

struct key_idx {
	const char *key;	/* patch-id */
	int xsa;
	size_t idx;
};

struct lookup {
	struct key_idx *by_pid;
	size_t nr_pid;
	struct key_idx *by_xsa;
	size_t nr_xsa;
};

static int cmp_pid(const void *a, const void *b)
{
	return strcmp(((const struct key_idx *)a)->key, ((const struct key_idx *)b)->key);
}

static int cmp_xsa(const void *a, const void *b)
{
	const struct key_idx *x = a, *y = b;

	if (x->xsa != y->xsa)
		return x->xsa < y->xsa ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void build_lookup(const struct xsa_commits *c, struct lookup *l)
{
	size_t i, k, np = 0, nx = 0;

	for (i = 0; i < c->nr; i++) {
		np += c->v[i].mask && c->v[i].pid[0];
		nx += c->v[i].mask ? c->v[i].nr_xsas : 0;
	}
	l->by_pid = xcalloc(np + 1, sizeof(*l->by_pid));
	l->by_xsa = xcalloc(nx + 1, sizeof(*l->by_xsa));
	l->nr_pid = l->nr_xsa = 0;
	for (i = 0; i < c->nr; i++) {
		const struct xsa_commit *e = &c->v[i];

		if (!e->mask)
			continue;
		if (e->pid[0]) {
			l->by_pid[l->nr_pid].key = e->pid;
			l->by_pid[l->nr_pid++].idx = i;
		}
		for (k = 0; k < e->nr_xsas; k++) {
			l->by_xsa[l->nr_xsa].xsa = e->xsas[k];
			l->by_xsa[l->nr_xsa++].idx = i;
		}
	}
	qsort(l->by_pid, l->nr_pid, sizeof(*l->by_pid), cmp_pid);
	qsort(l->by_xsa, l->nr_xsa, sizeof(*l->by_xsa), cmp_xsa);
}

/* First commit with this patch-id in the branch (bit), or -1. */
static long find_pid(const struct lookup *l, const struct xsa_commits *c, const char *pid,
		     uint64_t bit)
{
	size_t lo = 0, hi = l->nr_pid;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(l->by_pid[mid].key, pid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < l->nr_pid && !strcmp(l->by_pid[lo].key, pid); lo++)
		if (c->v[l->by_pid[lo].idx].mask & bit)
			return (long)l->by_pid[lo].idx;
	return -1;
}

/* Range [*first, return) of commits claiming xsa. */
static size_t find_xsa(const struct lookup *l, int xsa, size_t *first)
{
	size_t lo = 0, hi = l->nr_xsa, end;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (l->by_xsa[mid].xsa < xsa)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	for (end = lo; end < l->nr_xsa && l->by_xsa[end].xsa == xsa; end++)
		;
	return end;
}

struct eval {
	const struct xsa_status_opts *o;
	const struct xsa_commits *c;
	const struct xsa_patch_ids *p;
	const struct lookup *l;
};

/*
 * Is the patch file with this sha256 in branch bit?  All its patches
 * must be found by patch-id, or (by_subject) by subject in a commit
 * claiming xsa.
 */
static long patch_in_branch(const struct eval *ev, const char *sha256, int xsa, uint64_t bit,
			    int by_subject)
{
	size_t first, n = xsa_patch_ids_of(ev->p, sha256, &first), k;
	long last = -1;

	if (!n)
		return -1;
	for (k = first; k < first + n; k++) {
		const struct xsa_patch_id *e = &ev->p->v[k];
		long hit = e->pid[0] ? find_pid(ev->l, ev->c, e->pid, bit) : -1;

		if (hit < 0 && by_subject && e->subject && *e->subject) {
			size_t f, end = find_xsa(ev->l, xsa, &f);

			for (; f < end; f++) {
				const struct xsa_commit *cm = &ev->c->v[ev->l->by_xsa[f].idx];

				if ((cm->mask & bit) && cm->subject && !strcmp(cm->subject, e->subject)) {
					hit = (long)ev->l->by_xsa[f].idx;
					break;
				}
			}
		}
		if (hit < 0)
			return -1;
		last = hit;
	}
	return last;
}

static void set_detail(struct xsa_cell *cell, const char *fmt, ...) XS_PRINTF(2, 3);
static void set_detail(struct xsa_cell *cell, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(cell->detail);
	cell->detail = strbuf_detach(&sb, NULL);
}

static const struct xsa_file *file_named(const struct xsa_version *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->nr_files; i++)
		if (!strcmp(v->files[i].name, name))
			return &v->files[i];
	return NULL;
}

static void eval_cell(const struct eval *ev, const struct xsa_record *r, const struct window *w,
		      size_t bi, int u_major, int u_minor, int u_old, int oldest_minor,
		      struct xsa_cell *cell)
{
	const struct xsa_store *s = ev->o->store;
	const struct xsa_version *v = xsa_latest(r);
	const struct branch *b = w->b;
	uint64_t bit = 1ULL << bi;
	long commit = -1, stale_commit = -1;
	size_t i, claims_first, claims_end, claims = 0, xen_files = 0;
	int all_inherited = 1, stale_version = 0;
	struct strbuf note = STRBUF_INIT;

	strvec_init(&cell->patches);
	strvec_init(&cell->names);
	strvec_init(&cell->found_in);
	for (i = 0; i < v->nr_files; i++) {
		const struct xsa_file *f = &v->files[i];
		int inh;
		long hit;
		size_t k;

		if (strcmp(f->project, "xen") || !f->nr_ranges)
			continue;
		xen_files++;
		if (!xsa_file_covers(f->ranges, f->nr_ranges, b->major, b->minor, u_major,
				     u_minor, &inh))
			continue;
		cell->total++;
		all_inherited &= inh;
		{
			char *path = xsa_store_path(s, v, f->name);

			strvec_push(&cell->patches, path);
			strvec_push(&cell->names, f->name);
			free(path);
		}
		hit = patch_in_branch(ev, f->sha256, r->number, bit, 0);
		if (hit < 0) {
			/* An older version's different patch may be what the branch has. */
			long stale = -1;

			for (k = r->nr - 1; k-- > 0 && stale < 0; ) {
				const struct xsa_file *g = file_named(&r->v[k], f->name);

				if (!g || !strcmp(g->sha256, f->sha256))
					continue;
				stale = patch_in_branch(ev, g->sha256, r->number, bit, 0);
				if (stale >= 0) {
					if (stale_commit < 0) {
						stale_commit = stale;
						stale_version = r->v[k].version;
					}
					if (note.len)
						strbuf_addstr(&note, ", ");
					strbuf_addf(&note, "%s", f->name);
				}
			}
			if (stale >= 0) {
				strvec_push(&cell->found_in, "");
				continue;
			}
			/* Same subject in a commit claiming the XSA: adapted on commit. */
			hit = patch_in_branch(ev, f->sha256, r->number, bit, 1);
		}
		strvec_push(&cell->found_in, hit >= 0 ? ev->c->v[hit].oid : "");
		if (hit >= 0) {
			cell->found++;
			if (commit < 0)
				commit = hit;
		}
	}
	cell->expected = cell->total > 0;
	cell->inherited = cell->expected && all_inherited;
	claims_end = find_xsa(ev->l, r->number, &claims_first);
	for (i = claims_first; i < claims_end; i++) {
		if (ev->c->v[ev->l->by_xsa[i].idx].mask & bit) {
			if (!claims && commit < 0)
				commit = (long)ev->l->by_xsa[i].idx;
			claims++;
		}
	}

	if (stale_commit >= 0) {
		cell->stale = 1;
		cell->stale_version = stale_version;
		snprintf(cell->commit, sizeof(cell->commit), "%s", ev->c->v[stale_commit].oid);
	}
	if (cell->expected && cell->found == cell->total) {
		cell->state = XSA_APPLIED;
	} else if (!cell->stale && claims && claims >= (cell->total ? cell->total : 1)) {
		cell->state = XSA_APPLIED;
		if (cell->total)
			set_detail(cell, "found by its XSA-%d claim; the patch text differs from "
				   "the advisory's", r->number);
	} else {
		commit = -1;
		cell->state = XSA_PENDING;	/* decided below */
	}
	if (cell->state == XSA_APPLIED) {
		if (commit >= 0)
			snprintf(cell->commit, sizeof(cell->commit), "%s", ev->c->v[commit].oid);
		if (cell->inherited && !cell->detail)
			set_detail(cell, "inherited from master (xen-unstable)");
		strbuf_release(&note);
		return;
	}

	for (i = 0; i < r->nr_marks; i++) {
		if (!strcmp(r->marks[i].branch, b->name)) {
			cell->marked = 1;
			cell->state = strcmp(r->marks[i].state, "not-affected") ?
				XSA_NEEDS_BACKPORT : XSA_NOT_AFFECTED;
			set_detail(cell, "marked: %s", r->marks[i].reason);
			strbuf_release(&note);
			return;
		}
	}
	{
		struct strbuf what = STRBUF_INIT;

		if (xsa_backport_lookup(s->root, r->number, b, &what) > 0) {
			cell->state = XSA_BACKPORT_AVAILABLE;
			set_detail(cell, "%s", what.buf);
			strbuf_release(&what);
			strbuf_release(&note);
			return;
		}
		strbuf_release(&what);
	}
	if (cell->expected) {
		if (cell->inherited && u_old) {
			cell->state = XSA_NOT_AFFECTED;
			set_detail(cell, "fixed in xen-unstable before %d.%d branched", b->major,
				   oldest_minor);
		} else if (xsa_embargoed_at(s, r, ev->o->date)) {
			char d[32];

			cell->state = XSA_EMBARGOED;
			date_format_short(xsa_public_time(s, r), d);
			set_detail(cell, "public on %s UTC", d);
		} else {
			cell->state = XSA_PENDING;
			if (cell->stale)
				set_detail(cell, "has %s from version %d (commit %.12s), changed in "
					   "version %d", note.buf, cell->stale_version,
					   cell->commit, v->version);
			else if (cell->found)
				set_detail(cell, "%zu of %zu patches found", cell->found, cell->total);
		}
		strbuf_release(&note);
		return;
	}
	strbuf_release(&note);
	if (!xen_files) {
		cell->state = XSA_NOT_AFFECTED;
		set_detail(cell, "no Xen patch in the advisory");
		return;
	}
	if (b->security_until < (long)(xsa_advisory_date(s, r) / 86400)) {
		char d[11];

		cell->state = XSA_NEEDS_BACKPORT;
		date_format_day(b->security_until, d);
		set_detail(cell, "out of security support since %s", d);
		return;
	}
	cell->state = XSA_NOT_AFFECTED;
}

/* --- the matrix ------------------------------------------------------------- */

static int collect_patch_ids(const struct xsa_status_opts *o, struct xsa_patch_ids *p)
{
	struct strvec paths = STRVEC_INIT, shas = STRVEC_INIT;
	size_t i, k, j;
	int rc;

	for (i = 0; i < o->store->nr; i++) {
		const struct xsa_record *r = &o->store->x[i];

		for (k = 0; k < r->nr; k++) {
			for (j = 0; j < r->v[k].nr_files; j++) {
				const struct xsa_file *f = &r->v[k].files[j];
				char *path;

				if (strcmp(f->project, "xen"))
					continue;
				path = xsa_store_path(o->store, &r->v[k], f->name);
				strvec_push(&paths, path);
				strvec_push(&shas, f->sha256);
				free(path);
			}
		}
	}
	rc = xsa_patch_ids_fill(p, o->src, &paths, &shas);
	strvec_clear(&paths);
	strvec_clear(&shas);
	return rc;
}

int xsa_status_compute(const struct xsa_status_opts *o, struct xsa_matrix *m)
{
	const struct branch_set *bs = o->branches;
	struct xsa_commits c;
	struct xsa_patch_ids p;
	struct window *w;
	struct lookup l;
	struct eval ev;
	size_t i, k, nshow = 0;
	size_t show[MAX_BRANCHES];
	int rc = 0;

	memset(m, 0, sizeof(*m));
	memset(&l, 0, sizeof(l));
	m->date = o->date;
	if (bs->nr > MAX_BRANCHES)
		return error_env("more than %d maintained branches", MAX_BRANCHES);
	for (i = 0; o->only && i < o->only->nr; i++)
		if (!branch_find(bs, o->only->v[i]))
			return branch_error_unknown(bs, o->only->v[i], XS_INPUT);
	xsa_commits_init(&c);
	xsa_patch_ids_init(&p);
	w = xcalloc(bs->nr + 1, sizeof(*w));
	for (i = 0; i < bs->nr; i++)
		w[i].b = &bs->v[i];
	if (!o->no_cache) {
		rc = xsa_commits_load(&c, o->src);
		if (!rc)
			rc = xsa_patch_ids_load(&p, o->src);
		if (rc)
			goto out;
	}
	m->commits_cached = c.nr;
	rc = setup_windows(o, m, w, bs->nr, &c);
	if (rc)
		goto out;
	for (i = 0; i < bs->nr; i++) {
		int wanted = !o->only;

		for (k = 0; o->only && k < o->only->nr; k++)
			wanted |= branch_find(bs, o->only->v[k]) == w[i].b;
		if (!wanted)
			continue;
		if (!w[i].present) {
			if (o->only) {
				rc = error_env("branch %s (%s) is not in the source repository %s",
					       w[i].b->name, w[i].b->ref, o->src->git_dir);
				goto out;
			}
			say("skipping %s: no %s in %s", w[i].b->name, w[i].b->ref, o->src->git_dir);
			continue;
		}
		show[nshow++] = i;
	}
	/* With no advisory to look for, reading the history would be wasted. */
	if (o->store->nr)
		rc = xsa_commits_fill(&c, o->src);
	if (!rc && o->store->nr)
		rc = collect_patch_ids(o, &p);
	if (rc)
		goto out;
	m->commits_scanned = c.nr;
	if (!o->no_cache) {
		/* The caches are a help, not a result: failing to write them is not fatal. */
		xsa_commits_save(&c);
		xsa_patch_ids_save(&p);
	}
	build_lookup(&c, &l);

	m->nr_br = nshow;
	m->br = xcalloc(nshow + 1, sizeof(*m->br));
	for (k = 0; k < nshow; k++) {
		struct xsa_status_branch *sb = &m->br[k];
		const struct window *win = &w[show[k]];

		sb->b = win->b;
		memcpy(sb->tip, win->tip, sizeof(sb->tip));
		memcpy(sb->fork, win->fork, sizeof(sb->fork));
		sb->own = win->own;
		sb->inherited = win->inherited;
	}
	m->nr_xsa = o->store->nr;
	m->xsa = xcalloc(m->nr_xsa + 1, sizeof(*m->xsa));
	m->cells = xcalloc(m->nr_xsa * nshow + 1, sizeof(*m->cells));
	ev.o = o;
	ev.c = &c;
	ev.p = &p;
	ev.l = &l;
	for (i = 0; i < m->nr_xsa; i++) {
		const struct xsa_record *r = &o->store->x[i];
		const struct xsa_version *v = xsa_latest(r);
		struct xsa_advisory tmp;
		int hmaj = -1, hmin = 0, umaj = 0, umin = 0, old;

		m->xsa[i] = r;
		/* Newest version the advisory names, to place xen-unstable. */
		xsa_advisory_init(&tmp);
		tmp.files = v->files;
		tmp.nr_files = v->nr_files;
		if (!xsa_newest_named(&tmp, &hmaj, &hmin))
			hmaj = -1;
		old = xsa_unstable_branch(bs, xsa_advisory_date(o->store, r), hmaj, hmin,
					  &umaj, &umin);
		if (old) {
			umaj = 0;
			umin = 0;
		}
		for (k = 0; k < nshow; k++)
			eval_cell(&ev, r, &w[show[k]], show[k], umaj, umin, old,
				  bs->v[0].minor, xsa_matrix_cell(m, i, k));
	}
out:
	free(l.by_pid);
	free(l.by_xsa);
	free(w);
	xsa_commits_release(&c);
	xsa_patch_ids_release(&p);
	if (rc)
		xsa_matrix_release(m);
	return rc;
}
