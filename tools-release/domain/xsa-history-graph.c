/*
 * xsa-history-graph.c: the commit graph of the history (see xsa-history.h):
 * commit ids and their map, the commit messages read from git log -z, the
 * on-disk cache of both, and reachability bitsets.
 */
#include "compat.h"
#include "xsa-history.h"
#include "xsa-history-internal.h"
#include "fs.h"
#include "run-command.h"
#include "usage.h"
#include "xalloc.h"

#include <inttypes.h>

/* The second number is the statement grammar's (xsa-history-msg.c): a
 * change there must read the messages again, so it is part of the header. */
#define HISTORY_HEADER "# xenstable xsa-history v1 2\n"

/* --- oids and the map -------------------------------------------------- */

static signed char hex_table[256];

static int hexval(int c)
{
	if (!hex_table['1']) {
		int k;

		for (k = 0; k < 256; k++)
			hex_table[k] = -1;
		for (k = 0; k < 10; k++)
			hex_table['0' + k] = (signed char)k;
		for (k = 0; k < 6; k++)
			hex_table['a' + k] = hex_table['A' + k] = (signed char)(10 + k);
	}
	return hex_table[(unsigned char)c];
}

static int hex_to_bin(const char *hex, size_t n, unsigned char *out)
{
	size_t i;

	if (n != 40 && n != 64)
		return -1;
	memset(out, 0, 32);
	for (i = 0; i < n; i += 2) {
		int a = hexval(hex[i]), b = hexval(hex[i + 1]);

		if (a < 0 || b < 0)
			return -1;
		out[i / 2] = (unsigned char)(a << 4 | b);
	}
	return 0;
}

void xh_oid_hex(const struct xsa_history *h, uint32_t i, char out[GIT_MAX_HEXSZ + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned k;

	for (k = 0; k < h->hexsz / 2; k++) {
		out[2 * k] = digits[h->c[i].oid[k] >> 4];
		out[2 * k + 1] = digits[h->c[i].oid[k] & 15];
	}
	out[h->hexsz] = '\0';
}

static uint32_t oid_hash(const unsigned char *oid)
{
	uint32_t v;

	memcpy(&v, oid, sizeof(v));
	return v;
}

static void map_put(struct xsa_history *h, uint32_t idx);

static void map_grow(struct xsa_history *h)
{
	size_t i, old = h->map_cap;
	uint32_t *slots = h->map;

	h->map_cap = old ? old * 2 : 1 << 16;
	h->map = xcalloc(h->map_cap, sizeof(*h->map));
	for (i = 0; i < old; i++)
		if (slots[i])
			map_put(h, slots[i] - 1);
	free(slots);
}

static void map_put(struct xsa_history *h, uint32_t idx)
{
	size_t i;

	if ((h->nr + 1) * 2 > h->map_cap)
		map_grow(h);
	for (i = oid_hash(h->c[idx].oid) & (h->map_cap - 1); h->map[i]; i = (i + 1) & (h->map_cap - 1))
		;
	h->map[i] = idx + 1;
}

static uint32_t map_get(const struct xsa_history *h, const unsigned char *oid)
{
	size_t i;

	if (!h->map_cap)
		return XH_NONE;
	for (i = oid_hash(oid) & (h->map_cap - 1); h->map[i]; i = (i + 1) & (h->map_cap - 1))
		if (!memcmp(h->c[h->map[i] - 1].oid, oid, 32))
			return h->map[i] - 1;
	return XH_NONE;
}

uint32_t xh_find(const struct xsa_history *h, const char *hex)
{
	unsigned char oid[32];

	if (strlen(hex) != h->hexsz || hex_to_bin(hex, h->hexsz, oid))
		return XH_NONE;
	return map_get(h, oid);
}

uint32_t xh_find_prefix(const struct xsa_history *h, const char *prefix)
{
	size_t n = strlen(prefix), i, k;
	uint32_t hit = XH_NONE;
	unsigned char nib[GIT_MAX_HEXSZ];

	if (n < 4 || n > h->hexsz)
		return XH_NONE;
	for (k = 0; k < n; k++) {
		int v = hexval(prefix[k]);

		if (v < 0)
			return XH_NONE;
		nib[k] = (unsigned char)v;
	}
	for (i = 0; i < h->nr; i++) {
		const unsigned char *o = h->c[i].oid;

		for (k = 0; k < n; k++)
			if (((k & 1) ? (o[k / 2] & 15) : (o[k / 2] >> 4)) != nib[k])
				break;
		if (k < n)
			continue;
		if (hit != XH_NONE)
			return XH_NONE - 1;
		hit = (uint32_t)i;
	}
	return hit;
}

/* Index of oid, adding an entry (no parents yet) if unknown. */
static uint32_t commit_get(struct xsa_history *h, const unsigned char *oid, int *added)
{
	uint32_t i = map_get(h, oid);

	*added = 0;
	if (i != XH_NONE)
		return i;
	ALLOC_GROW(h->c, h->nr + 1, h->alloc);
	memset(&h->c[h->nr], 0, sizeof(h->c[h->nr]));
	memcpy(h->c[h->nr].oid, oid, 32);
	h->c[h->nr].par = 0;
	h->c[h->nr].npar = UINT16_MAX;	/* not read yet */
	h->nr++;
	map_put(h, (uint32_t)(h->nr - 1));
	*added = 1;
	return (uint32_t)(h->nr - 1);
}

const struct xh_fact *xh_fact_of(const struct xsa_history *h, uint32_t i)
{
	if (i >= h->nr || !h->c[i].fact)
		return NULL;
	return &h->facts[h->c[i].fact - 1];
}

struct xh_fact *xh_fact_new(struct xsa_history *h, uint32_t i)
{
	struct xh_fact *f;

	if (h->c[i].fact)
		return &h->facts[h->c[i].fact - 1];
	ALLOC_GROW(h->facts, h->nr_facts + 1, h->alloc_facts);
	f = &h->facts[h->nr_facts++];
	memset(f, 0, sizeof(*f));
	f->commit = i;
	h->c[i].fact = (uint32_t)h->nr_facts;
	return f;
}

static void fact_free(struct xh_fact *f)
{
	size_t k;

	free(f->claims);
	for (k = 0; k < f->nr_links; k++)
		free(f->links[k]);
	free(f->links);
	for (k = 0; k < f->nr_reverts; k++)
		free(f->reverts[k]);
	free(f->reverts);
	for (k = 0; k < f->nr_cves; k++)
		free(f->cves[k]);
	free(f->cves);
	for (k = 0; k < f->nr_files; k++)
		free(f->files[k]);
	free(f->files);
	free(f->subject);
	free(f->eff);
	free(f->ident);
	free(f->targets);
	free(f->pid_links);
}

static void set_parents(struct xsa_history *h, uint32_t i, const uint32_t *p, size_t n)
{
	size_t k;

	if (n > 1000)
		n = 1000;
	h->c[i].par = (uint32_t)h->nr_parents;
	h->c[i].npar = (uint16_t)n;
	for (k = 0; k < n; k++) {
		ALLOC_GROW(h->parents, h->nr_parents + 1, h->alloc_parents);
		h->parents[h->nr_parents++] = p[k];
	}
}

/* --- reading messages ---------------------------------------------------- */

static int mentions_something(const char *s, size_t n)
{
	size_t i;

	if (memmem(s, n, "commit", 6))
		return 1;
	for (i = 0; i + 3 <= n; i++)
		if ((s[i] | 0x20) == 'x' && (s[i + 1] | 0x20) == 's' && (s[i + 2] | 0x20) == 'a')
			return 1;
	return 0;
}

char *xh_clean_subject(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < n && i < 300; i++)
		strbuf_addch(&sb, (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i]);
	strbuf_trim(&sb);
	return strbuf_detach(&sb, NULL);
}

static void record_facts(struct xsa_history *h, uint32_t i, int64_t when, const char *body,
			 size_t n)
{
	struct xh_msg_facts m;
	struct xh_fact *f;
	const char *nl;
	size_t k;

	if (!mentions_something(body, n))
		return;
	xh_msg_scan(body, n, &m);
	if (!m.nr_claims && !m.nr_links && !m.nr_reverts)
		return;
	f = xh_fact_new(h, i);
	f->time = when;
	if (m.nr_claims) {
		f->claims = xmalloc(m.nr_claims * sizeof(*f->claims));
		memcpy(f->claims, m.claims, m.nr_claims * sizeof(*f->claims));
		f->nr_claims = m.nr_claims;
	}
	if (m.nr_links) {
		f->links = xmalloc(m.nr_links * sizeof(*f->links));
		for (k = 0; k < m.nr_links; k++)
			f->links[k] = xstrdup(m.links[k]);
		f->nr_links = m.nr_links;
	}
	if (m.nr_reverts) {
		f->reverts = xmalloc(m.nr_reverts * sizeof(*f->reverts));
		for (k = 0; k < m.nr_reverts; k++)
			f->reverts[k] = xstrdup(m.reverts[k]);
		f->nr_reverts = m.nr_reverts;
	}
	if (m.nr_cves && m.nr_claims) {
		f->cves = xmalloc(m.nr_cves * sizeof(*f->cves));
		for (k = 0; k < m.nr_cves; k++)
			f->cves[k] = xstrdup(m.cves[k]);
		f->nr_cves = m.nr_cves;
	}
	nl = memchr(body, '\n', n);
	f->subject = xh_clean_subject(body, nl ? (size_t)(nl - body) : n);
}

/* One record of the log: "<H> <P>...\n<ct>\n<body>". */
static int parse_record(struct xsa_history *h, const char *s, size_t n)
{
	const char *nl = memchr(s, '\n', n), *nl2, *p;
	uint32_t par[64], i;
	size_t np = 0;
	unsigned char oid[32];
	int64_t when = 0;
	int added;

	while (n && (*s == '\n')) {
		s++;
		n--;
		nl = memchr(s, '\n', n);
	}
	if (!n)
		return 0;
	if (!nl)
		return -1;
	p = memchr(s, ' ', (size_t)(nl - s));
	if (!p)
		p = nl;
	if (!h->hexsz) {
		if ((size_t)(p - s) != 40 && (size_t)(p - s) != 64)
			return -1;
		h->hexsz = (unsigned)(p - s);
	}
	if ((size_t)(p - s) != h->hexsz || hex_to_bin(s, h->hexsz, oid))
		return -1;
	i = commit_get(h, oid, &added);
	while (p < nl) {
		const char *q;

		p++;
		q = memchr(p, ' ', (size_t)(nl - p));
		if (!q)
			q = nl;
		if ((size_t)(q - p) == h->hexsz && np < ARRAY_SIZE(par)) {
			unsigned char po[32];

			if (hex_to_bin(p, h->hexsz, po))
				return -1;
			par[np++] = commit_get(h, po, &added);
		}
		p = q;
	}
	if (h->c[i].npar == UINT16_MAX)
		set_parents(h, i, par, np);
	nl2 = memchr(nl + 1, '\n', (size_t)(s + n - nl - 1));
	if (!nl2)
		nl2 = s + n;
	when = strtoll(nl + 1, NULL, 10);
	if (nl2 < s + n)
		record_facts(h, i, when, nl2 + 1, (size_t)(s + n - nl2 - 1));
	h->scanned++;
	return 0;
}

/* git log -z over include ^exclude, streamed and parsed record by record. */
int xh_scan_log(struct xsa_history *h, const struct strvec *include, const struct strvec *exclude)
{
	struct child_process c;
	struct strbuf buf = STRBUF_INIT;
	size_t i, start = 0;
	char *chunk;
	int rc, bad = 0;

	git_child_init(&c, h->repo);
	strvec_pushl(&c.args, "log", "-z", "--format=%H %P%n%ct%n%B", "--no-color",
		     "--no-show-signature", "--no-decorate", NULL);
	for (i = 0; i < include->nr; i++)
		strvec_push(&c.args, include->v[i]);
	if (exclude->nr) {
		strvec_push(&c.args, "--not");
		for (i = 0; i < exclude->nr; i++)
			strvec_push(&c.args, exclude->v[i]);
	}
	strvec_push(&c.args, "--");
	c.out = CHILD_OUT_PIPE;
	rc = start_child(&c);
	if (rc) {
		child_release(&c);
		return rc;
	}
	chunk = xmalloc(1 << 16);
	for (;;) {
		ssize_t got;
		char *z;

		got = read(c.out_pipe, chunk, 1 << 16);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		strbuf_add(&buf, chunk, (size_t)got);
		while ((z = memchr(buf.buf + start, '\0', buf.len - start))) {
			if (!bad && parse_record(h, buf.buf + start, (size_t)(z - buf.buf - start)))
				bad = 1;
			start = (size_t)(z - buf.buf) + 1;
		}
		if (start > (1 << 20)) {
			memmove(buf.buf, buf.buf + start, buf.len - start);
			strbuf_setlen(&buf, buf.len - start);
			start = 0;
		}
	}
	if (!bad && start < buf.len && parse_record(h, buf.buf + start, buf.len - start))
		bad = 1;
	close(c.out_pipe);
	c.out_pipe = -1;
	rc = finish_child(&c);
	if (rc > 0)
		rc = error_env("git log in %s failed: %s", h->repo->git_dir, child_err_summary(&c));
	else if (!rc && bad)
		rc = error_env("git log in %s: output not understood", h->repo->git_dir);
	child_release(&c);
	strbuf_release(&buf);
	free(chunk);
	return rc;
}

/* --- the cache ------------------------------------------------------------ */

static void add_csv(struct strbuf *sb, char **v, size_t n)
{
	size_t k;

	if (!n)
		strbuf_addch(sb, '-');
	for (k = 0; k < n; k++)
		strbuf_addf(sb, "%s%s", k ? "," : "", v[k]);
}

int xh_save_cache(struct xsa_history *h, const struct strvec *tips)
{
	struct strbuf sb = STRBUF_INIT;
	char hex[GIT_MAX_HEXSZ + 1];
	size_t i, k;
	char *dir, *parent;
	int rc = 0;

	if (!h->cache_path || !h->dirty)
		return 0;
	strbuf_grow(&sb, h->nr * 56 + h->nr_facts * 120);
	strbuf_addstr(&sb, HISTORY_HEADER);
	strbuf_addf(&sb, "hexsz %u\n", h->hexsz);
	for (i = 0; i < tips->nr; i++)
		strbuf_addf(&sb, "tip %s\n", tips->v[i]);
	for (i = 0; i < h->nr; i++) {
		const struct xh_commit *c = &h->c[i];

		xh_oid_hex(h, (uint32_t)i, hex);
		strbuf_addf(&sb, "c %s", hex);
		if (c->npar == UINT16_MAX)
			strbuf_addstr(&sb, " ?");
		for (k = 0; c->npar != UINT16_MAX && k < c->npar; k++)
			strbuf_addf(&sb, "%c%" PRIu32, k ? ',' : ' ', h->parents[c->par + k]);
		strbuf_addch(&sb, '\n');
	}
	for (i = 0; i < h->nr_facts; i++) {
		const struct xh_fact *f = &h->facts[i];

		strbuf_addf(&sb, "f %" PRIu32 " %lld ", f->commit, (long long)f->time);
		if (!f->nr_claims)
			strbuf_addch(&sb, '-');
		for (k = 0; k < f->nr_claims; k++)
			strbuf_addf(&sb, "%s%d", k ? "," : "", f->claims[k]);
		strbuf_addch(&sb, ' ');
		add_csv(&sb, f->links, f->nr_links);
		strbuf_addch(&sb, ' ');
		add_csv(&sb, f->reverts, f->nr_reverts);
		strbuf_addch(&sb, ' ');
		add_csv(&sb, f->cves, f->nr_cves);
		strbuf_addf(&sb, " %s %s\n", f->pid[0] ? f->pid : "?",
			    f->subject ? f->subject : "");
		if (f->files_known) {
			size_t shown = 0;

			strbuf_addf(&sb, "F %" PRIu32, f->commit);
			for (k = 0; k < f->nr_files; k++)
				if (!strpbrk(f->files[k], "\t\n\r"))
					strbuf_addf(&sb, "%c%s", shown++ ? '\t' : ' ', f->files[k]);
			strbuf_addch(&sb, '\n');
		}
	}
	dir = path_dirname(h->cache_path);
	parent = path_dirname(dir);
	if (access(parent, W_OK) || (path_exists(dir) && access(dir, W_OK))) {
		say("not caching in %s: not writable", dir);
	} else {
		rc = mkdir_p(dir, 0755);
		if (!rc)
			rc = write_file_atomic(h->cache_path, sb.buf, sb.len, 0644);
	}
	if (!rc)
		h->dirty = 0;
	free(dir);
	free(parent);
	strbuf_release(&sb);
	return rc;
}

void xh_clear_graph(struct xsa_history *h)
{
	size_t i;

	for (i = 0; i < h->nr_facts; i++)
		fact_free(&h->facts[i]);
	free(h->facts);
	free(h->c);
	free(h->parents);
	free(h->map);
	h->facts = NULL;
	h->c = NULL;
	h->parents = NULL;
	h->map = NULL;
	h->nr = h->alloc = h->nr_facts = h->alloc_facts = h->nr_parents = h->alloc_parents = 0;
	h->map_cap = 0;
}

static int split_csv_hex(const char *s, size_t n, unsigned hexsz, char ***out, size_t *nr)
{
	size_t i = 0;

	*out = NULL;
	*nr = 0;
	if (n == 1 && *s == '-')
		return 0;
	while (i < n) {
		const char *c = memchr(s + i, ',', n - i);
		size_t e = c ? (size_t)(c - s) : n;

		if (e - i != hexsz || !is_hex_string(s + i, e - i))
			return -1;
		*out = xrealloc(*out, (*nr + 1) * sizeof(**out));
		(*out)[(*nr)++] = xmemdupz(s + i, e - i);
		i = e + 1;
	}
	return 0;
}

static int split_csv_cve(const char *s, size_t n, char ***out, size_t *nr)
{
	size_t i = 0;

	*out = NULL;
	*nr = 0;
	if (n == 1 && *s == '-')
		return 0;
	while (i < n) {
		const char *c = memchr(s + i, ',', n - i);
		size_t e = c ? (size_t)(c - s) : n;

		if (e - i < 13 || e - i > 23 || strncmp(s + i, "CVE-", 4))
			return -1;
		*out = xrealloc(*out, (*nr + 1) * sizeof(**out));
		(*out)[(*nr)++] = xmemdupz(s + i, e - i);
		i = e + 1;
	}
	return 0;
}

/* Returns 0 (maybe empty), or -1 for a damaged cache (thrown away). */
static int parse_cache(struct xsa_history *h, const char *buf, size_t len, struct strvec *tips)
{
	size_t pos = strlen(HISTORY_HEADER), n;
	const char *line;
	uint32_t *pend = NULL;	/* parents as read: flat list */
	size_t nr_pend = 0, alloc_pend = 0;
	int rc = 0;

	while (!rc && next_line(buf, len, &pos, &line, &n)) {
		if (n > 6 && !memcmp(line, "hexsz ", 6)) {
			h->hexsz = (unsigned)atoi(line + 6);
			if (h->hexsz != 40 && h->hexsz != 64)
				rc = -1;
		} else if (n > 4 && !memcmp(line, "tip ", 4)) {
			char *t = xmemdupz(line + 4, n - 4);

			strvec_push(tips, t);
			free(t);
		} else if (n > 2 && !memcmp(line, "c ", 2)) {
			unsigned char oid[32];
			const char *p = line + 2, *end = line + n;
			uint32_t i;
			int added;

			if (!h->hexsz || (size_t)(end - p) < h->hexsz || hex_to_bin(p, h->hexsz, oid)) {
				rc = -1;
				break;
			}
			if (map_get(h, oid) != XH_NONE) {
				rc = -1;
				break;
			}
			i = commit_get(h, oid, &added);
			p += h->hexsz;
			if (p < end && *p == ' ' && p[1] == '?')
				continue;	/* parents unknown */
			{
				size_t np = 0, first = nr_pend;

				while (!rc && p < end && (*p == ' ' || (np && *p == ','))) {
					char *e;
					unsigned long v;

					p++;
					v = strtoul(p, &e, 10);
					if (e == p || np >= 1000)
						rc = -1;
					ALLOC_GROW(pend, nr_pend + 1, alloc_pend);
					pend[nr_pend++] = (uint32_t)v;
					np++;
					p = e;
				}
				if (rc || p != end) {
					rc = -1;
					break;
				}
				h->c[i].par = (uint32_t)first;
				h->c[i].npar = (uint16_t)np;
			}
		} else if (n > 2 && !memcmp(line, "f ", 2)) {
			const char *f[8], *p = line + 2, *end = line + n;
			size_t k, lens[8];
			unsigned long idx;
			struct xh_fact *fa;
			char *e;

			/* seven space-separated fields, then the subject */
			for (k = 0; k < 7; k++) {
				const char *sp = memchr(p, ' ', (size_t)(end - p));

				if (!sp) {
					rc = -1;
					break;
				}
				f[k] = p;
				lens[k] = (size_t)(sp - p);
				p = sp + 1;
			}
			if (rc)
				break;
			f[7] = p;
			lens[7] = (size_t)(end - p);
			idx = strtoul(f[0], &e, 10);
			if (e != f[0] + lens[0] || idx >= h->nr) {
				rc = -1;
				break;
			}
			fa = xh_fact_new(h, (uint32_t)idx);
			fa->time = strtoll(f[1], NULL, 10);
			if (!(lens[2] == 1 && *f[2] == '-')) {
				const char *q = f[2], *qe = f[2] + lens[2];

				while (q < qe) {
					long v = strtol(q, &e, 10);

					if (e == q || v <= 0 || v > 99999) {
						rc = -1;
						break;
					}
					fa->claims = xrealloc(fa->claims, (fa->nr_claims + 1) * sizeof(int));
					fa->claims[fa->nr_claims++] = (int)v;
					q = e;
					if (q < qe && *q == ',')
						q++;
					else if (q < qe) {
						rc = -1;
						break;
					}
				}
			}
			if (!rc && (split_csv_hex(f[3], lens[3], h->hexsz, &fa->links, &fa->nr_links) ||
				    split_csv_hex(f[4], lens[4], h->hexsz, &fa->reverts, &fa->nr_reverts) ||
				    split_csv_cve(f[5], lens[5], &fa->cves, &fa->nr_cves)))
				rc = -1;
			if (!rc) {
				if (lens[6] == 1 && (*f[6] == '?' || *f[6] == '-')) {
					if (*f[6] == '-')
						snprintf(fa->pid, sizeof(fa->pid), "-");
				} else if ((lens[6] == 40 || lens[6] == 64) && is_hex_string(f[6], lens[6])) {
					memcpy(fa->pid, f[6], lens[6]);
					fa->pid[lens[6]] = '\0';
				} else {
					rc = -1;
				}
				fa->subject = xmemdupz(f[7], lens[7]);
			}
		} else if (n > 2 && !memcmp(line, "F ", 2)) {
			const char *p = line + 2, *end = line + n, *sp;
			unsigned long idx;
			struct xh_fact *fa;
			char *e;

			idx = strtoul(p, &e, 10);
			if (e == p || idx >= h->nr || (e < end && *e != ' ')) {
				rc = -1;
				break;
			}
			fa = xh_fact_new(h, (uint32_t)idx);
			fa->files_known = 1;
			p = e < end ? e + 1 : end;
			while (p < end) {
				sp = memchr(p, '\t', (size_t)(end - p));
				if (!sp)
					sp = end;
				if (sp > p) {
					fa->files = xrealloc(fa->files, (fa->nr_files + 1) * sizeof(char *));
					fa->files[fa->nr_files++] = xmemdupz(p, (size_t)(sp - p));
				}
				p = sp + 1;
			}
		} else if (n) {
			rc = -1;
		}
	}
	if (!rc) {
		size_t i;

		for (i = 0; i < nr_pend; i++)
			if (pend[i] >= h->nr)
				rc = -1;
	}
	if (!rc) {
		free(h->parents);
		h->parents = pend;
		h->nr_parents = nr_pend;
		h->alloc_parents = alloc_pend;
		pend = NULL;
	}
	free(pend);
	return rc;
}

void xh_load_cache(struct xsa_history *h, struct strvec *tips)
{
	struct strbuf sb = STRBUF_INIT;
	char *dir = path_join(h->repo->common_dir, "xenstable");

	h->cache_path = path_join(dir, HISTORY_CACHE);
	free(dir);
	if (read_file_if_exists(&sb, h->cache_path, 1u << 30) ||
	    !strbuf_starts_with(&sb, HISTORY_HEADER)) {
		strbuf_release(&sb);
		return;
	}
	if (parse_cache(h, sb.buf, sb.len, tips)) {
		warning("%s: damaged cache; reading the history again", h->cache_path);
		xh_clear_graph(h);
		strvec_clear(tips);
		h->hexsz = 0;
	}
	h->cached = h->nr;
	strbuf_release(&sb);
}

/* --- reachability ------------------------------------------------------- */

uint64_t *xh_reach_from(const struct xsa_history *h, uint32_t start, const uint64_t *seed)
{
	uint64_t *set = xcalloc(h->words + 1, sizeof(*set));
	uint32_t *stack;
	size_t sp = 0, cap = 1024;

	if (seed)
		memcpy(set, seed, h->words * sizeof(*set));
	if (start == XH_NONE || start >= h->nr || xh_has(set, start))
		return set;
	stack = xmalloc(cap * sizeof(*stack));
	stack[sp++] = start;
	set[start / 64] |= 1ULL << (start % 64);
	while (sp) {
		uint32_t i = stack[--sp];
		const struct xh_commit *c = &h->c[i];
		size_t k;

		if (c->npar == UINT16_MAX)
			continue;
		for (k = 0; k < c->npar; k++) {
			uint32_t p = h->parents[c->par + k];

			if (xh_has(set, p))
				continue;
			set[p / 64] |= 1ULL << (p % 64);
			if (sp == cap) {
				cap *= 2;
				stack = xrealloc(stack, cap * sizeof(*stack));
			}
			stack[sp++] = p;
		}
	}
	free(stack);
	return set;
}

uint64_t *xh_reach(const struct xsa_history *h, uint32_t i)
{
	return xh_reach_from(h, i, NULL);
}

/* Walk first parents from i until a commit of set: that commit, or XH_NONE. */
uint32_t xh_first_in(const struct xsa_history *h, uint32_t i, const uint64_t *set)
{
	size_t steps = 0;

	while (i != XH_NONE && steps++ <= h->nr) {
		const struct xh_commit *c = &h->c[i];

		if (xh_has(set, i))
			return i;
		if (c->npar == UINT16_MAX || !c->npar)
			return XH_NONE;
		i = h->parents[c->par];
	}
	return XH_NONE;
}

/* Is a on the first-parent chain of b? */
int xh_on_first_parents(const struct xsa_history *h, uint32_t a, uint32_t b)
{
	size_t steps = 0;

	while (b != XH_NONE && steps++ <= h->nr) {
		const struct xh_commit *c = &h->c[b];

		if (b == a)
			return 1;
		if (c->npar == UINT16_MAX || !c->npar)
			return 0;
		b = h->parents[c->par];
	}
	return 0;
}
