/*
 * xsa-status.c: compute the XSA x branch matrix (see xsa-status.h).
 * The signed upstream history is read in xsa-status-upstream.c, the rows
 * from the source history alone are made in xsa-status-history.c.
 */
#include "compat.h"
#include "xsa-status.h"
#include "xsa-status-internal.h"
#include "apply.h"
#include "bundle-store.h"
#include "xsa-commits.h"
#include "xsa-vuln.h"
#include "xsa-store.h"
#include "xsa.h"
#include "branch.h"
#include "date.h"
#include "fs.h"
#include "gpg.h"
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
	case XSA_CLAIMED: return "claimed";
	case XSA_UNMAPPED: return "unmapped";
	case XSA_UNKNOWN: return "unknown";
	}
	return "unknown";
}

int xsa_state_from_name(const char *name)
{
	int k;

	for (k = 0; k < XSA_NR_STATES; k++)
		if (!strcmp(name, xsa_state_name((enum xsa_state)k)))
			return k;
	return -1;
}

int xsa_state_fails_check(enum xsa_state s)
{
	return s == XSA_PENDING || s == XSA_CLAIMED || s == XSA_UNMAPPED;
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
	for (i = 0; i < m->nr_hist; i++) {
		xsa_version_release(&m->hist[i].v[0]);
		free(m->hist[i].v);
	}
	free(m->hist);
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
		rc = git_resolve_commit(r, b->full_ref, oid);
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

		rc = git_resolve_commit(r, w[i].b->full_ref, w[i].tip);
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

/* --- content ---------------------------------------------------------------- */

/*
 * Is the post-image of these patches at commit?  Remembered by commit and
 * patch contents, so an unchanged branch costs nothing the next time.
 */
static int present_at(struct eval *ev, const char *commit, const char *const *paths,
		      const char *const *shas, size_t nr)
{
	struct strbuf key = STRBUF_INIT, all = STRBUF_INIT;
	char digest[65];
	const char *hit;
	size_t i;
	int rc;

	for (i = 0; i < nr; i++)
		strbuf_addf(&all, "%s\n", shas[i]);
	sha256_hex(all.buf, all.len, digest);
	strbuf_addf(&key, "post %s %s", commit, digest);
	hit = xsa_commits_get(ev->c, key.buf);
	if (hit) {
		rc = strcmp(hit, "1") ? 1 : 0;
	} else {
		rc = apply_present(ev->o->src, commit, paths, nr, NULL);
		if (rc >= 0)
			xsa_commits_set(ev->c, key.buf, rc ? "0" : "1");
	}
	strbuf_release(&key);
	strbuf_release(&all);
	return rc;
}

/*
 * Is the patch file with this sha256 in branch bit?  Every patch in it
 * must be found by patch-id.  A subject or a claim is no evidence.
 */
static long patch_in_branch(const struct eval *ev, const char *sha256, uint64_t bit)
{
	size_t first, n = xsa_patch_ids_of(ev->p, sha256, &first), k;
	long last = -1;

	if (!n)
		return -1;
	for (k = first; k < first + n; k++) {
		const struct xsa_patch_id *e = &ev->p->v[k];
		long hit = e->pid[0] ? find_pid(ev->l, ev->c, e->pid, bit) : -1;

		if (hit < 0)
			return -1;
		last = hit;
	}
	return last;
}

void xsa_detail(struct xsa_cell *cell, const char *fmt, ...)
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

int xsa_file_unmapped(const struct branch_set *bs, const struct xsa_file *f, struct strbuf *what)
{
	size_t i;
	int bad = 0;

	if (strcmp(f->project, "xen") || !bs->nr)
		return 0;
	for (i = 0; i < f->nr_ranges; i++) {
		const struct xsa_endpoint *ep[2] = { &f->ranges[i].a, &f->ranges[i].b };
		int k;

		for (k = 0; k < 2; k++) {
			char name[32];

			if (ep[k]->kind != XSA_EP_VERSION)
				continue;
			snprintf(name, sizeof(name), "%d.%d", ep[k]->major, ep[k]->minor);
			/* Older than every maintained branch: a real branch, just not ours. */
			if (branch_find(bs, name) ||
			    ep[k]->major < bs->v[0].major ||
			    (ep[k]->major == bs->v[0].major && ep[k]->minor < bs->v[0].minor))
				continue;
			if (what && !bad)
				strbuf_addf(what, "%s maps to Xen %s.x, which is no maintained branch",
					    f->name, name);
			bad = 1;
		}
	}
	return bad;
}

/* The advisory's VULNERABLE SYSTEMS section, read from its stored file. */
static void load_vuln(const struct xsa_store *s, const struct xsa_version *v, struct xsa_vuln *x)
{
	struct strbuf text = STRBUF_INIT, body = STRBUF_INIT;
	char *path = xsa_store_path(s, v, v->advisory);
	int first = 0;

	xsa_vuln_init(x);
	if (!read_file(&text, path, 4 << 20) &&
	    !xsa_vuln_section(text.buf, text.len, &body, &first))
		xsa_vuln_parse(x, body.buf, body.len, first);
	strbuf_release(&text);
	strbuf_release(&body);
	free(path);
}

/* Why a claiming commit is not evidence, for the claimed state's detail. */
static void claim_detail(struct eval *ev, struct xsa_cell *cell, const struct xsa_commit *cm,
			 int xsa)
{
	struct strbuf why = STRBUF_INIT;

	if (cell->total == 1)
		strbuf_addf(&why, "%s, the patch the advisory maps here, is not in the tree (no "
			    "commit has its patch-id, its post-image is not at the tip)",
			    cell->names.v[0]);
	else if (cell->total)
		strbuf_addf(&why, "%zu of the %zu patches the advisory maps here %s not in the "
			    "tree (by patch-id or post-image)", cell->total - cell->found,
			    cell->total, cell->total - cell->found == 1 ? "is" : "are");
	else
		strbuf_addstr(&why, "the advisory maps no patch here to compare it with");
	xsa_detail(cell, "commit %.12s says it is XSA-%d, which is only a claim: %s, and %s",
		   cm->oid, xsa, why.buf,
		   ev->up.why ? ev->up.why : "no signed upstream RELEASE tag holds it");
	strbuf_release(&why);
}

/* "xsa904/0001-x.patch" -> "xsa904/", "xsa903-4.19.patch" -> itself. */
static size_t variant_len(const char *name)
{
	const char *slash = strrchr(name, '/');

	return slash ? (size_t)(slash - name) + 1 : strlen(name);
}

/*
 * Another variant of the XSA (any version; a patch or a directory series)
 * whose every patch is in branch bit by patch-id: evidence too.  Files
 * named like a mapped one are left out: an older revision of the mapped
 * patch is "stale", not the fix.  Returns the last commit or -1, and the
 * variant and version found.
 */
static long other_variant(const struct eval *ev, const struct xsa_record *r,
			  const struct xsa_cell *cell, uint64_t bit, struct strbuf *what)
{
	size_t k, i, j;

	for (k = r->nr; k-- > 0; ) {
		const struct xsa_version *v = &r->v[k];

		for (i = 0; i < v->nr_files; i++) {
			const struct xsa_file *f = &v->files[i];
			size_t vl = variant_len(f->name), nr = 0;
			long last = -1;
			int ok = 1;

			if (strcmp(f->project, "xen") || strvec_contains(&cell->names, f->name))
				continue;
			/* Each variant once: at its first file. */
			for (j = 0; j < i && ok; j++)
				if (variant_len(v->files[j].name) == vl &&
				    !strncmp(v->files[j].name, f->name, vl))
					ok = 0;
			for (j = i; j < v->nr_files && ok; j++) {
				const struct xsa_file *g = &v->files[j];
				long hit;

				if (variant_len(g->name) != vl || strncmp(g->name, f->name, vl))
					continue;
				if (strcmp(g->project, "xen") || strvec_contains(&cell->names, g->name)) {
					ok = 0;
					break;
				}
				hit = patch_in_branch(ev, g->sha256, bit);
				if (hit < 0)
					ok = 0;
				else
					last = hit;
				nr++;
			}
			if (ok && nr) {
				strbuf_addf(what, "%.*s (version %d)", (int)(vl && f->name[vl - 1] == '/' ?
					    vl - 1 : vl), f->name, v->version);
				return last;
			}
		}
	}
	return -1;
}

static int eval_cell(struct eval *ev, const struct xsa_record *r, const struct window *w,
		     size_t bi, int u_major, int u_minor, int u_old, int oldest_minor,
		     const struct xsa_vuln *vuln, struct xsa_cell *cell)
{
	const struct xsa_store *s = ev->o->store;
	const struct xsa_version *v = xsa_latest(r);
	const struct branch *b = w->b;
	uint64_t bit = 1ULL << bi;
	long commit = -1, stale_commit = -1, claim = -1;
	size_t i, claims_first, claims_end, claims = 0, xen_files = 0, signed_claims = 0;
	int all_inherited = 1, stale_version = 0, rc = 0, unmapped = 0;
	struct strbuf note = STRBUF_INIT, unmapped_what = STRBUF_INIT;
	struct strvec shas = STRVEC_INIT;
	const struct trusted_tag *tag = NULL;

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
				     u_minor, &inh)) {
			unmapped |= xsa_file_unmapped(ev->o->branches, f,
						      unmapped_what.len ? NULL : &unmapped_what);
			continue;
		}
		cell->total++;
		all_inherited &= inh;
		{
			char *path = xsa_store_path(s, v, f->name);

			strvec_push(&cell->patches, path);
			strvec_push(&cell->names, f->name);
			strvec_push(&shas, f->sha256);
			free(path);
		}
		hit = patch_in_branch(ev, f->sha256, bit);
		if (hit < 0) {
			/* An older version's different patch may be what the branch has. */
			long stale = -1;

			for (k = r->nr - 1; k-- > 0 && stale < 0; ) {
				const struct xsa_file *g = file_named(&r->v[k], f->name);

				if (!g || !strcmp(g->sha256, f->sha256))
					continue;
				stale = patch_in_branch(ev, g->sha256, bit);
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

	/* Content: the post-image of what patch-ids did not find, at the tip. */
	if (cell->expected && cell->found < cell->total) {
		rc = present_at(ev, w->tip, (const char *const *)cell->patches.v,
				(const char *const *)shas.v, cell->total);
		if (rc == 0) {
			cell->by_content = cell->total - cell->found;
			cell->found = cell->total;
		} else if (rc > 0 && cell->total > 1) {
			for (i = 0; i < cell->total && rc >= 0; i++) {
				if (*cell->found_in.v[i])
					continue;
				rc = present_at(ev, w->tip, (const char *const *)&cell->patches.v[i],
						(const char *const *)&shas.v[i], 1);
				if (rc == 0) {
					cell->by_content++;
					cell->found++;
				}
			}
		}
		if (rc < 0)
			goto out;
		rc = 0;
	}

	/*
	 * Claims: commits of the branch that say they are this XSA.  One that
	 * holds a mapped patch by patch-id is backed by its content; the first
	 * that is not is what a "claimed" state names.
	 */
	claims_end = find_xsa(ev->l, r->number, &claims_first);
	for (i = claims_first; i < claims_end; i++) {
		const struct xsa_commit *cm = &ev->c->v[ev->l->by_xsa[i].idx];

		if (!(cm->mask & bit))
			continue;
		claims++;
		if (claim < 0 && !strvec_contains(&cell->found_in, cm->oid))
			claim = (long)ev->l->by_xsa[i].idx;
	}
	/* The XSA's other variants count as its fix too (not an old revision). */
	if (!(cell->expected && cell->found == cell->total) && xen_files) {
		struct strbuf what = STRBUF_INIT;
		long hit = other_variant(ev, r, cell, bit, &what);

		if (hit >= 0) {
			cell->state = XSA_APPLIED;
			snprintf(cell->commit, sizeof(cell->commit), "%s", ev->c->v[hit].oid);
			xsa_detail(cell, "has the advisory's %s by patch-id%s", what.buf,
				   cell->expected ? ", not the variant it maps here" : "");
			strbuf_release(&what);
			goto out;
		}
		strbuf_release(&what);
	}
	if (cell->expected && cell->found == cell->total) {
		cell->state = XSA_APPLIED;
		if (commit >= 0)
			snprintf(cell->commit, sizeof(cell->commit), "%s", ev->c->v[commit].oid);
		if (cell->by_content)
			xsa_detail(cell, "%s%zu of %zu patch%s found by content: %s at the tip "
				   "(reverse-applies cleanly)", cell->inherited ? "inherited from "
				   "master (xen-unstable); " : "", cell->by_content, cell->total,
				   cell->total == 1 ? "" : "es",
				   cell->by_content == 1 ? "its post-image is" : "their post-images are");
		else if (cell->inherited)
			xsa_detail(cell, "inherited from master (xen-unstable)");
		goto out;
	}
	if (stale_commit >= 0) {
		cell->stale = 1;
		cell->stale_version = stale_version;
		snprintf(cell->commit, sizeof(cell->commit), "%s", ev->c->v[stale_commit].oid);
	}

	/* A claim counts when upstream's signed release history holds it. */
	if (claims && !cell->stale) {
		const struct trusted_tag *first_tag = NULL;
		long first = -1;

		for (i = claims_first; i < claims_end; i++) {
			const struct xsa_commit *cm = &ev->c->v[ev->l->by_xsa[i].idx];

			if (!(cm->mask & bit))
				continue;
			rc = xsa_status_signed_upstream(ev, cm->oid, &tag);
			if (rc)
				goto out;
			if (tag) {
				signed_claims++;
				if (first < 0) {
					first = (long)ev->l->by_xsa[i].idx;
					first_tag = tag;
				}
			}
		}
		if (signed_claims && signed_claims >= (cell->total ? cell->total : 1)) {
			struct strbuf f = STRBUF_INIT;

			gpg_format_fpr(first_tag->fpr, &f);
			cell->state = XSA_APPLIED;
			cell->upstream = 1;
			snprintf(cell->commit, sizeof(cell->commit), "%s", ev->c->v[first].oid);
			xsa_detail(cell, "upstream says so: commit %.12s (\"This is XSA-%d\") is in "
				   "%s, signed by %s", ev->c->v[first].oid, r->number,
				   first_tag->name, f.buf);
			strbuf_release(&f);
			goto out;
		}
	}

	for (i = 0; i < r->nr_marks; i++) {
		const struct xsa_mark *mk = &r->marks[i];

		if (strcmp(mk->branch, b->name))
			continue;
		if (!strcmp(mk->state, "adapted")) {
			char have[GIT_MAX_HEXSZ + 1];
			int anc = 0;

			/* The release manager's hand-made fix counts while the branch holds it. */
			if (mk->commit && !git_resolve_commit(ev->o->src, mk->commit, have))
				anc = xsa_commits_is_ancestor(ev->c, ev->o->src, mk->commit, w->tip);
			if (anc < 0) {
				rc = anc;
				goto out;
			}
			if (!anc)
				continue;
			cell->marked = 1;
			cell->state = XSA_APPLIED;
			snprintf(cell->commit, sizeof(cell->commit), "%s", mk->commit);
			xsa_detail(cell, "marked: %s", mk->reason);
			goto out;
		}
		{
			cell->marked = 1;
			cell->state = strcmp(r->marks[i].state, "not-affected") ?
				XSA_NEEDS_BACKPORT : XSA_NOT_AFFECTED;
			xsa_detail(cell, "marked: %s", r->marks[i].reason);
			goto out;
		}
	}
	{
		struct strbuf what = STRBUF_INIT;

		if (xsa_backport_lookup(s->root, r->number, b, &what) > 0) {
			cell->state = XSA_BACKPORT_AVAILABLE;
			xsa_detail(cell, "%s", what.buf);
			strbuf_release(&what);
			goto out;
		}
		strbuf_release(&what);
	}
	if (cell->expected) {
		if (cell->inherited && u_old) {
			cell->state = XSA_NOT_AFFECTED;
			xsa_detail(cell, "fixed in xen-unstable before %d.%d branched", b->major,
				   oldest_minor);
		} else if (xsa_embargoed_at(s, r, ev->o->date)) {
			char d[32];

			cell->state = XSA_EMBARGOED;
			date_format_short(xsa_public_time(s, r), d);
			if (claim >= 0)
				xsa_detail(cell, "public on %s UTC; commit %.12s claims it already",
					   d, ev->c->v[claim].oid);
			else
				xsa_detail(cell, "public on %s UTC", d);
		} else if (claim >= 0 && !cell->stale) {
			cell->state = XSA_CLAIMED;
			snprintf(cell->commit, sizeof(cell->commit), "%s", ev->c->v[claim].oid);
			claim_detail(ev, cell, &ev->c->v[claim], r->number);
		} else {
			cell->state = XSA_PENDING;
			if (cell->stale)
				xsa_detail(cell, "has %s from version %d (commit %.12s), changed in "
					   "version %d", note.buf, cell->stale_version,
					   cell->commit, v->version);
			else if (cell->found)
				xsa_detail(cell, "%zu of %zu patches found", cell->found, cell->total);
		}
		goto out;
	}
	if (!xen_files) {
		cell->state = XSA_NOT_AFFECTED;
		xsa_detail(cell, "no Xen patch in the advisory");
		goto out;
	}
	{
		const struct xsa_vuln_stmt *why = NULL;

		enum xsa_vuln_answer va = vuln ? xsa_vuln_branch(vuln, b->major, b->minor, &why) :
			XSA_VULN_UNKNOWN;

		if (va == XSA_VULN_NO) {
			cell->state = XSA_NOT_AFFECTED;
			xsa_detail(cell, "the advisory (line %d): \"%s\"", why->line, why->text);
			goto out;
		}
		/* Said to be vulnerable, supported, and no patch for it: not "not affected". */
		if (va == XSA_VULN_YES && !unmapped &&
		    b->security_until >= (long)(xsa_advisory_date(s, r) / 86400)) {
			cell->state = XSA_UNMAPPED;
			xsa_detail(cell, "the advisory says it is vulnerable (line %d: \"%s\") but maps "
				   "no patch to %s: say what holds with xenstable xsa mark %d %s",
				   why->line, why->text, b->name, r->number, b->name);
			goto out;
		}
	}
	if (unmapped) {
		cell->state = XSA_UNMAPPED;
		xsa_detail(cell, "%s, and no patch maps to %s: say what holds with xenstable xsa "
			   "mark %d %s", unmapped_what.buf, b->name, r->number, b->name);
		goto out;
	}
	if (b->security_until < (long)(xsa_advisory_date(s, r) / 86400)) {
		char d[11];

		date_format_day(b->security_until, d);
		if (claim >= 0) {
			cell->state = XSA_CLAIMED;
			snprintf(cell->commit, sizeof(cell->commit), "%s", ev->c->v[claim].oid);
			claim_detail(ev, cell, &ev->c->v[claim], r->number);
		} else {
			cell->state = XSA_NEEDS_BACKPORT;
			xsa_detail(cell, "out of security support since %s", d);
		}
		goto out;
	}
	cell->state = XSA_NOT_AFFECTED;
out:
	strbuf_release(&note);
	strbuf_release(&unmapped_what);
	strvec_clear(&shas);
	return rc;
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
	memset(&ev, 0, sizeof(ev));
	ev.o = o;
	ev.c = &c;
	ev.p = &p;
	ev.l = &l;
	for (i = 0; i < m->nr_xsa && !rc; i++) {
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
		{
			struct xsa_vuln vuln;

			load_vuln(o->store, v, &vuln);
			for (k = 0; k < nshow && !rc; k++)
				rc = eval_cell(&ev, r, &w[show[k]], show[k], umaj, umin, old,
					       bs->v[0].minor, &vuln, xsa_matrix_cell(m, i, k));
			xsa_vuln_release(&vuln);
		}
	}
	/* What the verdicts learnt (content tests, signatures) is kept too. */
	if (!o->no_cache)
		xsa_commits_save(&c);
	/* Then what the history knows of XSAs no advisory is stored for. */
	if (!rc && o->history && nshow)
		rc = xsa_status_history_rows(o, m);
	xsa_status_upstream_release(&ev.up);
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
