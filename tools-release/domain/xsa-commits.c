/*
 * xsa-commits.c: patch-ids and XSA claims of commits and stored patches,
 * with their caches (see xsa-commits.h).
 */
#include "compat.h"
#include "xsa-commits.h"
#include "xsa.h"
#include "fs.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>
#include <inttypes.h>

#define COMMITS_CACHE "xsa-commits.v1"
#define PATCHES_CACHE "xsa-patches.v1"
#define COMMITS_HEADER "# xenstable xsa-commits v1\n"
#define PATCHES_HEADER "# xenstable xsa-patches v1\n"
#define MAX_CLAIMS 16

/* --- hexmap ---------------------------------------------------------- */

static uint64_t hash_key(const char *k)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h;
}

static const char *key_at(const void *base, size_t stride, size_t key_off, size_t i)
{
	return (const char *)base + i * stride + key_off;
}

int hexmap_find(const struct hexmap *m, const char *key, const void *base, size_t stride,
		size_t key_off, size_t *index)
{
	size_t i;

	if (!m->cap)
		return 0;
	for (i = hash_key(key) & (m->cap - 1); m->slot[i]; i = (i + 1) & (m->cap - 1)) {
		if (!strcmp(key_at(base, stride, key_off, m->slot[i] - 1), key)) {
			*index = m->slot[i] - 1;
			return 1;
		}
	}
	return 0;
}

static void hexmap_put(struct hexmap *m, size_t index, const void *base, size_t stride,
		       size_t key_off)
{
	size_t i;

	if ((m->nr + 1) * 2 > m->cap) {
		struct hexmap bigger = { NULL, m->cap ? m->cap * 2 : 1024, 0 };
		size_t k;

		bigger.slot = xcalloc(bigger.cap, sizeof(*bigger.slot));
		for (k = 0; k < m->cap; k++)
			if (m->slot[k])
				hexmap_put(&bigger, m->slot[k] - 1, base, stride, key_off);
		free(m->slot);
		*m = bigger;
	}
	i = hash_key(key_at(base, stride, key_off, index)) & (m->cap - 1);
	while (m->slot[i])
		i = (i + 1) & (m->cap - 1);
	m->slot[i] = index + 1;
	m->nr++;
}

static void hexmap_clear(struct hexmap *m)
{
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

/* --- cache files ------------------------------------------------------ */

static char *cache_file(const struct git_repo *r, const char *name)
{
	char *dir = path_join(r->common_dir, "xenstable");
	char *p = path_join(dir, name);

	free(dir);
	return p;
}

/* Write a cache quietly: a read-only source repository simply has none. */
static int write_cache(const char *path, const struct strbuf *text)
{
	char *dir = path_dirname(path);
	char *parent = path_dirname(dir);
	int rc = 0;

	if (access(parent, W_OK) || (path_exists(dir) && access(dir, W_OK))) {
		say("not caching in %s: not writable", dir);
		goto out;
	}
	rc = mkdir_p(dir, 0755);
	if (!rc)
		rc = write_file_atomic(path, text->buf, text->len, 0644);
out:
	free(dir);
	free(parent);
	return rc;
}

static int is_oid(const char *s, size_t n)
{
	return (n == 40 || n == 64) && is_hex_string(s, n);
}

/* --- commits ---------------------------------------------------------- */

void xsa_commits_init(struct xsa_commits *c)
{
	memset(c, 0, sizeof(*c));
}

void xsa_commits_release(struct xsa_commits *c)
{
	size_t i;

	for (i = 0; i < c->nr; i++) {
		free(c->v[i].xsas);
		free(c->v[i].subject);
	}
	free(c->v);
	hexmap_clear(&c->map);
	free(c->pairs);
	hexmap_clear(&c->pair_map);
	free(c->cache_path);
	memset(c, 0, sizeof(*c));
}

static void pair_put(struct xsa_commits *c, const char *key, const char *result)
{
	struct xsa_pair *p;
	size_t i;

	if (hexmap_find(&c->pair_map, key, c->pairs, sizeof(*c->pairs),
			offsetof(struct xsa_pair, key), &i)) {
		snprintf(c->pairs[i].result, sizeof(c->pairs[i].result), "%s", result);
		return;
	}
	ALLOC_GROW(c->pairs, c->nr_pairs + 1, c->alloc_pairs);
	p = &c->pairs[c->nr_pairs];
	snprintf(p->key, sizeof(p->key), "%s", key);
	snprintf(p->result, sizeof(p->result), "%s", result);
	hexmap_put(&c->pair_map, c->nr_pairs, c->pairs, sizeof(*c->pairs),
		   offsetof(struct xsa_pair, key));
	c->nr_pairs++;
}

static const char *pair_get(const struct xsa_commits *c, const char *key)
{
	size_t i;

	if (!hexmap_find(&c->pair_map, key, c->pairs, sizeof(*c->pairs),
			 offsetof(struct xsa_pair, key), &i))
		return NULL;
	return c->pairs[i].result;
}

const char *xsa_commits_get(const struct xsa_commits *c, const char *key)
{
	return pair_get(c, key);
}

void xsa_commits_set(struct xsa_commits *c, const char *key, const char *value)
{
	const char *old = pair_get(c, key);

	if (old && !strcmp(old, value))
		return;
	pair_put(c, key, value);
	c->dirty = 1;
}

int xsa_commits_merge_base(struct xsa_commits *c, const struct git_repo *r, const char *a,
			   const char *b, char out[GIT_MAX_HEXSZ + 1])
{
	struct strbuf key = STRBUF_INIT, sb = STRBUF_INIT;
	const char *hit;
	int rc = 0;

	strbuf_addf(&key, "mb %s %s", a, b);
	hit = pair_get(c, key.buf);
	if (hit) {
		snprintf(out, GIT_MAX_HEXSZ + 1, "%s", hit);
		goto out;
	}
	out[0] = '\0';
	rc = git_try(r, &sb, NULL, "merge-base", a, b, NULL);
	if (rc < 0)
		goto out;
	/* Exit 1 means no common ancestor: that is an answer too. */
	strbuf_trim(&sb);
	if (!rc && is_oid_hex(sb.buf))
		snprintf(out, GIT_MAX_HEXSZ + 1, "%s", sb.buf);
	rc = 0;
	pair_put(c, key.buf, out);
	c->dirty = 1;
out:
	strbuf_release(&key);
	strbuf_release(&sb);
	return rc;
}

int xsa_commits_is_ancestor(struct xsa_commits *c, const struct git_repo *r, const char *a,
			    const char *b)
{
	struct strbuf key = STRBUF_INIT;
	const char *hit;
	int rc;

	strbuf_addf(&key, "anc %s %s", a, b);
	hit = pair_get(c, key.buf);
	if (hit) {
		rc = !strcmp(hit, "1");
	} else {
		rc = git_is_ancestor(r, a, b);
		if (rc >= 0) {
			pair_put(c, key.buf, rc ? "1" : "0");
			c->dirty = 1;
		}
	}
	strbuf_release(&key);
	return rc;
}

static struct xsa_commit *commit_new(struct xsa_commits *c, const char *oid, size_t n)
{
	struct xsa_commit *e;

	ALLOC_GROW(c->v, c->nr + 1, c->alloc);
	e = &c->v[c->nr];
	memset(e, 0, sizeof(*e));
	memcpy(e->oid, oid, n);
	e->oid[n] = '\0';
	hexmap_put(&c->map, c->nr, c->v, sizeof(*c->v), offsetof(struct xsa_commit, oid));
	c->nr++;
	return e;
}

size_t xsa_commits_add(struct xsa_commits *c, const char *oid)
{
	size_t i;

	if (hexmap_find(&c->map, oid, c->v, sizeof(*c->v), offsetof(struct xsa_commit, oid), &i))
		return i;
	commit_new(c, oid, strlen(oid));
	return c->nr - 1;
}

static void set_claims(struct xsa_commit *e, const int *n, size_t nr)
{
	free(e->xsas);
	e->xsas = NULL;
	e->nr_xsas = (unsigned)nr;
	if (nr) {
		e->xsas = xmalloc(nr * sizeof(*e->xsas));
		memcpy(e->xsas, n, nr * sizeof(*n));
	}
}

/* "<oid> <pid|-> <n,n|-> <mask> [subject]"; returns -1 for a malformed line. */
static int parse_commit_line(struct xsa_commits *c, const char *l, size_t n)
{
	const char *sp1 = memchr(l, ' ', n), *sp2, *sp3, *sp4, *p;
	int claims[MAX_CLAIMS];
	size_t nr = 0, k;
	struct xsa_commit *e;
	uint64_t mask = 0;

	if (!sp1 || !is_oid(l, (size_t)(sp1 - l)))
		return -1;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(l + n - sp1 - 1));
	if (!sp2)
		return -1;
	k = (size_t)(sp2 - sp1 - 1);
	if (!(k == 1 && sp1[1] == '-') && !is_oid(sp1 + 1, k))
		return -1;
	sp3 = memchr(sp2 + 1, ' ', (size_t)(l + n - sp2 - 1));
	if (!sp3)
		return -1;
	for (p = sp2 + 1; p < sp3 && *p != '-'; ) {
		long v = 0;

		if (!isdigit((unsigned char)*p))
			return -1;
		while (p < sp3 && isdigit((unsigned char)*p))
			v = v * 10 + (*p++ - '0');
		if (nr < MAX_CLAIMS)
			claims[nr++] = (int)v;
		if (p < sp3 && *p == ',')
			p++;
		else if (p < sp3)
			return -1;
	}
	sp4 = memchr(sp3 + 1, ' ', (size_t)(l + n - sp3 - 1));
	if (!sp4)
		sp4 = l + n;
	if (sp4 == sp3 + 1 || !is_hex_string(sp3 + 1, (size_t)(sp4 - sp3 - 1)) ||
	    sp4 - sp3 - 1 > 16)
		return -1;
	for (p = sp3 + 1; p < sp4; p++)
		mask = mask << 4 | (uint64_t)(isdigit((unsigned char)*p) ? *p - '0' :
					      (tolower((unsigned char)*p) - 'a' + 10));
	e = commit_new(c, l, (size_t)(sp1 - l));
	if (k != 1) {
		memcpy(e->pid, sp1 + 1, k);
		e->pid[k] = '\0';
	}
	set_claims(e, claims, nr);
	if (nr && sp4 < l + n)
		e->subject = xmemdupz(sp4 + 1, (size_t)(l + n - sp4 - 1));
	e->mask = mask;
	e->known = 1;
	return 0;
}

int xsa_commits_load(struct xsa_commits *c, const struct git_repo *r)
{
	struct strbuf sb = STRBUF_INIT;
	size_t pos, n;
	const char *line;
	int rc;

	c->cache_path = cache_file(r, COMMITS_CACHE);
	rc = read_file_if_exists(&sb, c->cache_path, 1u << 30);
	if (rc) {
		strbuf_release(&sb);
		return rc < 0 ? rc : 0;
	}
	if (!strbuf_starts_with(&sb, COMMITS_HEADER)) {
		strbuf_release(&sb);
		return 0;	/* another format: rebuild it */
	}
	pos = strlen(COMMITS_HEADER);
	while (next_line(sb.buf, sb.len, &pos, &line, &n)) {
		if (n > 1 && line[0] == '@') {
			/* "@<key words> = <result>" */
			const char *eq = memmem(line, n, " = ", 3);

			if (eq && (size_t)(eq - line - 1) < sizeof(c->pairs->key) &&
			    (size_t)(line + n - eq - 3) <= GIT_MAX_HEXSZ) {
				char *k = xmemdupz(line + 1, (size_t)(eq - line - 1));
				char *v = xmemdupz(eq + 3, (size_t)(line + n - eq - 3));

				pair_put(c, k, v);
				free(k);
				free(v);
			}
			continue;
		}
		if (parse_commit_line(c, line, n)) {
			/* A damaged cache is thrown away, never trusted. */
			size_t i;

			warning("%s: damaged cache; rebuilding it", c->cache_path);
			for (i = 0; i < c->nr; i++) {
				free(c->v[i].xsas);
				free(c->v[i].subject);
			}
			c->nr = 0;
			hexmap_clear(&c->map);
			c->dirty = 1;
			break;
		}
	}
	c->loaded = c->nr;
	strbuf_release(&sb);
	return 0;
}

static int write_oid_list(const struct xsa_commits *c, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int rc;

	for (i = 0; i < c->nr; i++)
		if (!c->v[i].known)
			strbuf_addf(&sb, "%s\n", c->v[i].oid);
	rc = write_file_atomic(path, sb.buf, sb.len, 0600);
	strbuf_release(&sb);
	return rc;
}

static void first_line(const char *s, size_t n, struct strbuf *out)
{
	const char *nl = memchr(s, '\n', n);

	xsa_clean_subject(s, nl ? (size_t)(nl - s) : n, out);
}

/* Messages of the unknown commits: the XSAs each claims. */
static int fill_claims(struct xsa_commits *c, const struct git_repo *r, const char *list)
{
	struct child_process cp;
	const char *s, *end;
	int fd, rc;

	fd = open(list, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_errno("cannot open '%s'", list);
	git_child_init(&cp, r);
	strvec_pushl(&cp.args, "log", "--no-walk=unsorted", "--stdin", "-z",
		     "--format=%H%n%B", NULL);
	cp.in = CHILD_IN_FD;
	cp.in_fd = fd;
	rc = run_child(&cp);
	close(fd);
	if (rc) {
		rc = rc < 0 ? rc : error_env("git log in %s failed: %s", r->git_dir,
					     child_err_summary(&cp));
		goto out;
	}
	s = cp.out_buf.buf;
	end = s + cp.out_buf.len;
	while (s < end) {
		const char *z = memchr(s, '\0', (size_t)(end - s)), *nl;
		size_t idx;

		if (!z)
			z = end;
		nl = memchr(s, '\n', (size_t)(z - s));
		if (nl && is_oid(s, (size_t)(nl - s))) {
			char oid[GIT_MAX_HEXSZ + 1];
			int claims[MAX_CLAIMS];
			size_t nr;

			memcpy(oid, s, (size_t)(nl - s));
			oid[nl - s] = '\0';
			if (hexmap_find(&c->map, oid, c->v, sizeof(*c->v),
					offsetof(struct xsa_commit, oid), &idx)) {
				struct xsa_commit *e = &c->v[idx];

				nr = xsa_mentions(nl + 1, (size_t)(z - nl - 1), claims, MAX_CLAIMS);
				set_claims(e, claims, nr);
				if (nr) {
					struct strbuf subj = STRBUF_INIT;

					first_line(nl + 1, (size_t)(z - nl - 1), &subj);
					free(e->subject);
					e->subject = strbuf_detach(&subj, NULL);
				}
			}
		}
		s = z + 1;
	}
out:
	child_release(&cp);
	return rc;
}

/* Store "<pid> <id>" lines of git patch-id into pid fields via find(). */
typedef char *(*pid_slot_fn)(void *data, const char *id);

static void read_patch_ids(const struct strbuf *out, pid_slot_fn slot, void *data)
{
	size_t pos = 0, n;
	const char *line;

	while (next_line(out->buf, out->len, &pos, &line, &n)) {
		const char *sp = memchr(line, ' ', n);
		char id[GIT_MAX_HEXSZ + 1];
		char *dst;

		if (!sp || !is_oid(line, (size_t)(sp - line)) ||
		    !is_oid(sp + 1, (size_t)(line + n - sp - 1)))
			continue;
		memcpy(id, sp + 1, (size_t)(line + n - sp - 1));
		id[line + n - sp - 1] = '\0';
		dst = slot(data, id);
		if (dst) {
			memcpy(dst, line, (size_t)(sp - line));
			dst[sp - line] = '\0';
		}
	}
}

static char *commit_pid_slot(void *data, const char *id)
{
	struct xsa_commits *c = data;
	size_t idx;

	if (!hexmap_find(&c->map, id, c->v, sizeof(*c->v), offsetof(struct xsa_commit, oid), &idx))
		return NULL;
	return c->v[idx].pid;
}

/* git log -p ... | git patch-id --stable, without a shell. */
static int fill_patch_ids(struct xsa_commits *c, const struct git_repo *r, const char *list)
{
	struct child_process log, pid;
	int fd, rc, rc2;

	fd = open(list, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_errno("cannot open '%s'", list);
	git_child_init(&log, r);
	strvec_pushl(&log.args, "log", "--no-walk=unsorted", "--stdin", "-p",
		     "--format=commit %H", "--no-color", "--no-ext-diff", "--no-textconv",
		     "--src-prefix=a/", "--dst-prefix=b/", NULL);
	log.in = CHILD_IN_FD;
	log.in_fd = fd;
	log.out = CHILD_OUT_PIPE;
	rc = start_child(&log);
	close(fd);
	if (rc) {
		child_release(&log);
		return rc;
	}
	git_child_init(&pid, r);
	strvec_pushl(&pid.args, "patch-id", "--stable", NULL);
	pid.in = CHILD_IN_FD;
	pid.in_fd = log.out_pipe;
	rc = run_child(&pid);
	rc2 = finish_child(&log);
	if (!rc && rc2)
		rc = rc2 < 0 ? rc2 : error_env("git log -p in %s failed: %s", r->git_dir,
					       child_err_summary(&log));
	else if (rc > 0)
		rc = error_env("git patch-id failed: %s", child_err_summary(&pid));
	if (!rc)
		read_patch_ids(&pid.out_buf, commit_pid_slot, c);
	child_release(&pid);
	child_release(&log);
	return rc;
}

int xsa_commits_fill(struct xsa_commits *c, const struct git_repo *r)
{
	char *tmp = NULL, *list = NULL;
	size_t i, unknown = 0;
	int rc;

	for (i = 0; i < c->nr; i++)
		unknown += !c->v[i].known;
	if (!unknown)
		return 0;
	if (unknown > 2000)
		say("reading %zu commits of %s (cached for next time)", unknown, r->git_dir);
	tmp = make_temp_dir("xsa-commits");
	if (!tmp)
		return -XS_ENV;
	list = path_join(tmp, "oids");
	rc = write_oid_list(c, list);
	if (!rc)
		rc = fill_claims(c, r, list);
	if (!rc)
		rc = fill_patch_ids(c, r, list);
	if (!rc) {
		for (i = 0; i < c->nr; i++)
			c->v[i].known = 1;
		c->dirty = 1;
	}
	remove_tree(tmp);
	free(list);
	free(tmp);
	return rc;
}

int xsa_commits_save(struct xsa_commits *c)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, k;
	int rc;

	if (!c->dirty || !c->cache_path)
		return 0;
	strbuf_grow(&sb, c->nr * 90);
	strbuf_addstr(&sb, COMMITS_HEADER);
	for (i = 0; i < c->nr; i++) {
		const struct xsa_commit *e = &c->v[i];

		if (!e->known)
			continue;
		strbuf_addf(&sb, "%s %s ", e->oid, e->pid[0] ? e->pid : "-");
		for (k = 0; k < e->nr_xsas; k++)
			strbuf_addf(&sb, "%s%d", k ? "," : "", e->xsas[k]);
		if (!e->nr_xsas)
			strbuf_addch(&sb, '-');
		strbuf_addf(&sb, " %" PRIx64, e->mask);
		if (e->nr_xsas && e->subject)
			strbuf_addf(&sb, " %s", e->subject);
		strbuf_addch(&sb, '\n');
	}
	for (i = 0; i < c->nr_pairs; i++)
		strbuf_addf(&sb, "@%s = %s\n", c->pairs[i].key, c->pairs[i].result);
	rc = write_cache(c->cache_path, &sb);
	if (!rc)
		c->dirty = 0;
	strbuf_release(&sb);
	return rc;
}

/* --- patches ---------------------------------------------------------- */

void xsa_clean_subject(const char *s, size_t n, struct strbuf *out)
{
	struct strbuf t = STRBUF_INIT;
	const char *p;
	size_t i;
	int space = 0;

	strbuf_add(&t, s, n);
	p = t.buf;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '[')
			break;
		{
			const char *q = strchr(p, ']');

			if (!q)
				break;
			p = q + 1;
		}
	}
	for (i = 0; p[i]; i++) {
		if (isspace((unsigned char)p[i])) {
			space = 1;
			continue;
		}
		if (space && out->len)
			strbuf_addch(out, ' ');
		space = 0;
		strbuf_addch(out, p[i]);
	}
	strbuf_release(&t);
}

/* Path P of a ---/+++ header line ("a/P", "xen-4.17.orig/P", "P\t<date>"). */
static void header_path(const char *s, size_t n, struct strbuf *out)
{
	size_t k = 0;
	const char *slash;

	while (k < n && s[k] != '\t')
		k++;
	while (k && s[k - 1] == ' ')
		k--;
	strbuf_add(out, s, k);
	if (!strcmp(out->buf, "/dev/null"))
		return;
	slash = strchr(out->buf, '/');
	if (slash) {
		char *rest = xstrdup(slash + 1);

		strbuf_reset(out);
		strbuf_addstr(out, rest);
		free(rest);
	}
}

static int hunk_counts(const char *l, size_t n, long *old, long *new)
{
	char *buf = xmemdupz(l, n), *p = buf + 3, *e;
	int ok = 0;

	*old = *new = 1;
	if (*p == '-') {
		strtol(p + 1, &e, 10);
		if (*e == ',')
			*old = strtol(e + 1, &e, 10);
		p = e;
		while (*p == ' ')
			p++;
		if (*p == '+') {
			strtol(p + 1, &e, 10);
			if (*e == ',')
				*new = strtol(e + 1, &e, 10);
			ok = 1;
		}
	}
	free(buf);
	return ok;
}

void xsa_normalize_patch(const char *text, size_t len, struct strbuf *out)
{
	size_t pos = 0, n, npos, nn;
	const char *line, *next;
	long old = 0, new = 0;
	int git_header = 0;

	while (next_line(text, len, &pos, &line, &n)) {
		if (old > 0 || new > 0) {
			/* Inside a hunk: count lines, never take them as headers. */
			if (n && line[0] == '-')
				old--;
			else if (n && line[0] == '+')
				new--;
			else if (!n || line[0] == ' ') {
				old--;
				new--;
			}
			strbuf_add(out, line, n);
			strbuf_addch(out, '\n');
			continue;
		}
		if (n >= 4 && !memcmp(line, "diff", 4)) {
			git_header = n >= 10 && !memcmp(line, "diff --git", 10);
			if (!git_header)
				continue;	/* "diff -u a b": replaced below */
		} else if (n >= 4 && !memcmp(line, "@@ -", 4)) {
			if (!hunk_counts(line, n, &old, &new))
				old = new = 0;
		} else if (n > 4 && !memcmp(line, "--- ", 4) && !git_header) {
			npos = pos;
			if (next_line(text, len, &npos, &next, &nn) && nn > 4 &&
			    !memcmp(next, "+++ ", 4)) {
				struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

				header_path(line + 4, n - 4, &a);
				header_path(next + 4, nn - 4, &b);
				strbuf_addf(out, "diff --git a/%s b/%s\n",
					    strcmp(a.buf, "/dev/null") ? a.buf : b.buf,
					    strcmp(b.buf, "/dev/null") ? b.buf : a.buf);
				if (strcmp(a.buf, "/dev/null"))
					strbuf_addf(out, "--- a/%s\n", a.buf);
				else
					strbuf_addstr(out, "--- /dev/null\n");
				if (strcmp(b.buf, "/dev/null"))
					strbuf_addf(out, "+++ b/%s\n", b.buf);
				else
					strbuf_addstr(out, "+++ /dev/null\n");
				strbuf_release(&a);
				strbuf_release(&b);
				pos = npos;
				continue;
			}
		} else if (n > 4 && !memcmp(line, "+++ ", 4)) {
			git_header = 0;	/* the next file needs its own header */
		}
		strbuf_add(out, line, n);
		strbuf_addch(out, '\n');
	}
}

void xsa_patch_ids_init(struct xsa_patch_ids *p)
{
	memset(p, 0, sizeof(*p));
}

void xsa_patch_ids_release(struct xsa_patch_ids *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		free(p->v[i].subject);
	free(p->v);
	hexmap_clear(&p->map);
	free(p->cache_path);
	memset(p, 0, sizeof(*p));
}

static struct xsa_patch_id *patch_new(struct xsa_patch_ids *p, const char *sha, int sub)
{
	struct xsa_patch_id *e;

	ALLOC_GROW(p->v, p->nr + 1, p->alloc);
	e = &p->v[p->nr];
	memset(e, 0, sizeof(*e));
	memcpy(e->sha256, sha, 64);
	e->sha256[64] = '\0';
	e->sub = sub;
	if (!sub)
		hexmap_put(&p->map, p->nr, p->v, sizeof(*p->v),
			   offsetof(struct xsa_patch_id, sha256));
	p->nr++;
	return e;
}

size_t xsa_patch_ids_of(const struct xsa_patch_ids *p, const char *sha256, size_t *first)
{
	size_t i, n = 0;

	if (!hexmap_find(&p->map, sha256, p->v, sizeof(*p->v),
			 offsetof(struct xsa_patch_id, sha256), first))
		return 0;
	for (i = *first; i < p->nr && !strcmp(p->v[i].sha256, sha256); i++)
		n++;
	return n;
}

int xsa_patch_ids_load(struct xsa_patch_ids *p, const struct git_repo *r)
{
	struct strbuf sb = STRBUF_INIT;
	size_t pos, n;
	const char *line;
	int rc;

	p->cache_path = cache_file(r, PATCHES_CACHE);
	rc = read_file_if_exists(&sb, p->cache_path, 256 << 20);
	if (rc || !strbuf_starts_with(&sb, PATCHES_HEADER)) {
		strbuf_release(&sb);
		return rc < 0 ? rc : 0;
	}
	pos = strlen(PATCHES_HEADER);
	while (next_line(sb.buf, sb.len, &pos, &line, &n)) {
		/* "<sha256> <sub> <pid|-> <subject>" */
		const char *f[3];
		size_t k = 0, off = 0;
		struct xsa_patch_id *e;
		int sub;

		while (k < 3 && off < n) {
			const char *sp = memchr(line + off, ' ', n - off);

			f[k++] = line + off;
			if (!sp)
				break;
			off = (size_t)(sp - line) + 1;
		}
		if (k < 3 || n < 67 || !is_hex_string(line, 64) || line[64] != ' ' ||
		    !isdigit((unsigned char)*f[1])) {
			warning("%s: damaged cache; rebuilding it", p->cache_path);
			strbuf_release(&sb);
			xsa_patch_ids_release(p);
			p->cache_path = cache_file(r, PATCHES_CACHE);
			p->dirty = 1;
			return 0;
		}
		sub = atoi(f[1]);
		/* Entries of one file are consecutive, starting at 0. */
		if (sub && (!p->nr || strncmp(p->v[p->nr - 1].sha256, line, 64)))
			continue;
		e = patch_new(p, line, sub);
		{
			const char *pe = memchr(f[2], ' ', (size_t)(line + n - f[2]));
			size_t pl = pe ? (size_t)(pe - f[2]) : (size_t)(line + n - f[2]);

			if (is_oid(f[2], pl)) {
				memcpy(e->pid, f[2], pl);
				e->pid[pl] = '\0';
			}
			e->subject = pe ? xmemdupz(pe + 1, (size_t)(line + n - pe - 1)) : xstrdup("");
		}
	}
	strbuf_release(&sb);
	return 0;
}

static int is_from_oid_line(const char *l, size_t n)
{
	return n >= 45 && !memcmp(l, "From ", 5) && is_hex_string(l + 5, 40) &&
	       (n == 45 || l[45] == ' ');
}

/* Split a patch file into its patches, tagging each with a fake id. */
static void add_patch_file(struct xsa_patch_ids *p, const char *sha, const char *text,
			   size_t len, struct strbuf *stream)
{
	struct strbuf cur = STRBUF_INIT, subj = STRBUF_INIT;
	size_t pos = 0, n;
	const char *line;
	int sub = 0, in_header = 1, in_subject = 0;

	while (1) {
		int more = next_line(text, len, &pos, &line, &n);

		if (!more || (is_from_oid_line(line, n) && cur.len)) {
			struct xsa_patch_id *e = patch_new(p, sha, sub);
			struct strbuf clean = STRBUF_INIT;

			xsa_clean_subject(subj.buf, subj.len, &clean);
			e->subject = strbuf_detach(&clean, NULL);
			strbuf_addf(stream, "From %040zx Mon Sep 17 00:00:00 2001\n", p->nr - 1);
			xsa_normalize_patch(cur.buf, cur.len, stream);
			strbuf_reset(&cur);
			strbuf_reset(&subj);
			sub++;
			in_header = 1;
			in_subject = 0;
			if (!more)
				break;
		}
		if (is_from_oid_line(line, n))
			continue;
		if (in_header) {
			if (!n) {
				in_header = 0;
			} else if (in_subject && (line[0] == ' ' || line[0] == '\t')) {
				strbuf_add(&subj, line, n);
			} else {
				in_subject = n > 8 && !strncasecmp(line, "Subject:", 8);
				if (in_subject)
					strbuf_add(&subj, line + 8, n - 8);
			}
		}
		strbuf_add(&cur, line, n);
		strbuf_addch(&cur, '\n');
	}
	strbuf_release(&cur);
	strbuf_release(&subj);
}

static char *patch_pid_slot(void *data, const char *id)
{
	struct xsa_patch_ids *p = data;
	char *end;
	unsigned long long idx = strtoull(id, &end, 16);

	if (*end || idx >= p->nr)
		return NULL;
	return p->v[idx].pid;
}

int xsa_patch_ids_fill(struct xsa_patch_ids *p, const struct git_repo *r,
		       const struct strvec *paths, const struct strvec *sha256s)
{
	struct strbuf stream = STRBUF_INIT;
	struct child_process cp;
	size_t i, first;
	int rc = 0, added = 0;

	for (i = 0; i < paths->nr && !rc; i++) {
		struct strbuf text = STRBUF_INIT;

		if (xsa_patch_ids_of(p, sha256s->v[i], &first))
			continue;
		rc = read_file(&text, paths->v[i], 64 << 20);
		if (!rc) {
			add_patch_file(p, sha256s->v[i], text.buf, text.len, &stream);
			added = 1;
		}
		strbuf_release(&text);
	}
	if (rc || !added)
		goto out;
	git_child_init(&cp, r);
	strvec_pushl(&cp.args, "patch-id", "--stable", NULL);
	cp.in = CHILD_IN_BUF;
	cp.in_buf = stream.buf;
	cp.in_len = stream.len;
	rc = run_child(&cp);
	if (rc)
		rc = rc < 0 ? rc : error_env("git patch-id failed: %s", child_err_summary(&cp));
	else
		read_patch_ids(&cp.out_buf, patch_pid_slot, p);
	child_release(&cp);
	p->dirty = 1;
out:
	strbuf_release(&stream);
	return rc;
}

int xsa_patch_ids_save(struct xsa_patch_ids *p)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int rc;

	if (!p->dirty || !p->cache_path)
		return 0;
	strbuf_addstr(&sb, PATCHES_HEADER);
	for (i = 0; i < p->nr; i++)
		strbuf_addf(&sb, "%s %d %s %s\n", p->v[i].sha256, p->v[i].sub,
			    p->v[i].pid[0] ? p->v[i].pid : "-", p->v[i].subject);
	rc = write_cache(p->cache_path, &sb);
	if (!rc)
		p->dirty = 0;
	strbuf_release(&sb);
	return rc;
}
