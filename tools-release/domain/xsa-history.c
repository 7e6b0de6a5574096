/*
 * xsa-history.c: the history scan, its cache and the judgement of each
 * XSA on each line of history (see xsa-history.h).
 */
#include "compat.h"
#include "xsa-history.h"
#include "branch.h"
#include "fs.h"
#include "run-command.h"
#include "upstream-tags.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa-commits.h"
#include "xsa-store.h"
#include "xsa.h"

#include <ctype.h>
#include <inttypes.h>
#include <signal.h>

#define HISTORY_CACHE "xsa-history.v1"
/* The second number is the statement grammar's (xsa-history-msg.c): a
 * change there must read the messages again, so it is part of the header. */
#define HISTORY_HEADER "# xenstable xsa-history v1 2\n"
#define MAX_DEPTH 4
/* Marker-less branch commits get a patch-id only when there are at most
 * this many (with the master fixes they could match); beyond that only
 * those whose subject is a missing fix's subject do. */
#define PID_BUDGET 200

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

static struct xh_fact *fact_new(struct xsa_history *h, uint32_t i)
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

static char *clean_subject(const char *s, size_t n)
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
	f = fact_new(h, i);
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
	f->subject = clean_subject(body, nl ? (size_t)(nl - body) : n);
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
static int scan_log(struct xsa_history *h, const struct strvec *include, const struct strvec *exclude)
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

static int save_cache(struct xsa_history *h, const struct strvec *tips)
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

static void clear_graph(struct xsa_history *h)
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
			fa = fact_new(h, (uint32_t)idx);
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
			fa = fact_new(h, (uint32_t)idx);
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

static void load_cache(struct xsa_history *h, struct strvec *tips)
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
		clear_graph(h);
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
static uint32_t first_in(const struct xsa_history *h, uint32_t i, const uint64_t *set)
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
static int on_first_parents(const struct xsa_history *h, uint32_t a, uint32_t b)
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

/* --- resolving what messages say ------------------------------------------ */

static void push_u32(uint32_t **v, size_t *nr, uint32_t x)
{
	size_t k;

	for (k = 0; k < *nr; k++)
		if ((*v)[k] == x)
			return;
	*v = xrealloc(*v, (*nr + 1) * sizeof(**v));
	(*v)[(*nr)++] = x;
}

static void push_int_sorted(int **v, size_t *nr, int x)
{
	size_t k, j;

	for (k = 0; k < *nr; k++)
		if ((*v)[k] == x)
			return;
	*v = xrealloc(*v, (*nr + 1) * sizeof(**v));
	for (k = 0; k < *nr && (*v)[k] < x; k++)
		;
	for (j = *nr; j > k; j--)
		(*v)[j] = (*v)[j - 1];
	(*v)[k] = x;
	(*nr)++;
}

/* Commits i links to, transitively (depth-limited), into ident. */
static void collect_ident(const struct xsa_history *h, uint32_t i, int depth, uint32_t **v,
			  size_t *nr)
{
	const struct xh_fact *f = xh_fact_of(h, i);
	size_t k;

	push_u32(v, nr, i);
	if (!f || depth >= MAX_DEPTH)
		return;
	for (k = 0; k < f->nr_pid_links; k++)
		push_u32(v, nr, f->pid_links[k]);
	for (k = 0; k < f->nr_links; k++) {
		uint32_t t = xh_find(h, f->links[k]);
		size_t before = *nr;

		if (t == XH_NONE || t == i)
			continue;
		push_u32(v, nr, t);
		if (*nr > before)
			collect_ident(h, t, depth + 1, v, nr);
	}
}

static void resolve_facts(struct xsa_history *h)
{
	size_t i, k, j, nr;

	/* The commits a claiming commit links to get a fact of their own:
	 * they are fixes too (master often has a fix before its advisory is
	 * out, without the words; the backport says which XSA it was). */
	nr = h->nr_facts;
	for (i = 0; i < nr; i++) {
		size_t nl = h->facts[i].nr_links;

		if (!h->facts[i].nr_claims)
			continue;
		for (k = 0; k < nl; k++) {
			uint32_t t = xh_find(h, h->facts[i].links[k]);

			if (t != XH_NONE && !h->c[t].fact)
				fact_new(h, t);	/* may move h->facts */
		}
	}
	for (i = 0; i < h->nr_facts; i++) {
		struct xh_fact *f = &h->facts[i];

		free(f->ident);
		free(f->eff);
		free(f->targets);
		f->ident = NULL;
		f->eff = NULL;
		f->targets = NULL;
		f->nr_ident = f->nr_eff = f->nr_targets = 0;
		collect_ident(h, f->commit, 0, &f->ident, &f->nr_ident);
	}
	/* base: own claims, and the claims of commits that backport it (master
	 * often has a fix before its advisory is out, without the words; the
	 * backport says which XSA it was). */
	for (i = 0; i < h->nr_facts; i++) {
		struct xh_fact *f = &h->facts[i];

		for (j = 0; j < f->nr_claims; j++)
			push_int_sorted(&f->eff, &f->nr_eff, f->claims[j]);
	}
	for (i = 0; i < h->nr_facts; i++) {
		const struct xh_fact *f = &h->facts[i];

		if (!f->nr_claims)
			continue;
		for (k = 1; k < f->nr_ident; k++) {
			struct xh_fact *g;

			if (!h->c[f->ident[k]].fact)
				continue;
			g = &h->facts[h->c[f->ident[k]].fact - 1];
			for (j = 0; j < f->nr_claims; j++)
				push_int_sorted(&g->eff, &g->nr_eff, f->claims[j]);
		}
	}
	/* effective: the base of everything it is (itself and what it links to) */
	{
		int **base = xcalloc(h->nr_facts + 1, sizeof(*base));
		size_t *nbase = xcalloc(h->nr_facts + 1, sizeof(*nbase));

		for (i = 0; i < h->nr_facts; i++) {
			base[i] = h->facts[i].eff;
			nbase[i] = h->facts[i].nr_eff;
			h->facts[i].eff = NULL;
			h->facts[i].nr_eff = 0;
		}
		for (i = 0; i < h->nr_facts; i++) {
			struct xh_fact *f = &h->facts[i];

			for (k = 0; k < f->nr_ident; k++) {
				uint32_t gi = h->c[f->ident[k]].fact;
				const struct xh_fact *g = gi ? &h->facts[gi - 1] : NULL;

				if (!g)
					continue;
				for (j = 0; j < nbase[gi - 1]; j++)
					push_int_sorted(&f->eff, &f->nr_eff, base[gi - 1][j]);
				/* a backported revert reverts what its original reverted */
				for (j = 0; j < g->nr_reverts; j++) {
					uint32_t t = xh_find(h, g->reverts[j]);

					if (t != XH_NONE)
						push_u32(&f->targets, &f->nr_targets, t);
				}
			}
		}
		for (i = 0; i < h->nr_facts; i++)
			free(base[i]);
		free(base);
		free(nbase);
	}
}

/* Subject and date of facts made for link targets (one git process). */
static int fill_details(struct xsa_history *h)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	char hex[GIT_MAX_HEXSZ + 1];
	size_t i, pos = 0, n;
	const char *line;
	int rc = 0;

	for (i = 0; i < h->nr_facts; i++) {
		if (h->facts[i].subject && h->facts[i].time)
			continue;
		xh_oid_hex(h, h->facts[i].commit, hex);
		strbuf_addf(&in, "%s\n", hex);
	}
	if (!in.len)
		goto out;
	{
		const char *const argv[] = { "log", "--no-walk=unsorted", "--stdin",
					     "--format=%H %ct %s", "--no-color", NULL };

		rc = git_run(h->repo, NULL, in.buf, in.len, &out, NULL, argv);
		if (rc > 0)
			rc = error_env("git log in %s failed", h->repo->git_dir);
	}
	while (!rc && next_line(out.buf, out.len, &pos, &line, &n)) {
		const char *sp = memchr(line, ' ', n), *sp2;
		char *id;
		uint32_t c;

		if (!sp)
			continue;
		sp2 = memchr(sp + 1, ' ', (size_t)(line + n - sp - 1));
		id = xmemdupz(line, (size_t)(sp - line));
		c = xh_find(h, id);
		free(id);
		if (c == XH_NONE || !h->c[c].fact)
			continue;
		{
			struct xh_fact *f = &h->facts[h->c[c].fact - 1];

			f->time = strtoll(sp + 1, NULL, 10);
			free(f->subject);
			f->subject = sp2 ? clean_subject(sp2 + 1, (size_t)(line + n - sp2 - 1))
					 : xstrdup("");
		}
	}
	h->dirty = 1;
out:
	strbuf_release(&in);
	strbuf_release(&out);
	return rc;
}

static void free_index(struct xsa_history *h)
{
	size_t i;

	for (i = 0; i < h->nr_xsas; i++) {
		free(h->fixers[i]);
		if (h->mfix)
			free(h->mfix[i]);
	}
	free(h->mfix);
	free(h->nr_mfix);
	h->mfix = NULL;
	h->nr_mfix = NULL;
	free(h->xsas);
	free(h->fixers);
	free(h->nr_fixers);
	free(h->revert_commits);
	free(h->targeted);
	h->targeted = NULL;
	h->xsas = NULL;
	h->fixers = NULL;
	h->nr_fixers = NULL;
	h->revert_commits = NULL;
	h->nr_xsas = h->nr_revert_commits = 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

static long xsa_slot(const struct xsa_history *h, int x)
{
	const int *p = h->nr_xsas ? bsearch(&x, h->xsas, h->nr_xsas, sizeof(int), cmp_int) : NULL;

	return p ? (long)(p - h->xsas) : -1;
}

static void build_index(struct xsa_history *h)
{
	size_t i, k;
	int *all = NULL;
	size_t nr_all = 0;

	free_index(h);
	for (i = 0; i < h->nr_facts; i++) {
		const struct xh_fact *f = &h->facts[i];

		for (k = 0; k < f->nr_eff; k++) {
			all = xrealloc(all, (nr_all + 1) * sizeof(*all));
			all[nr_all++] = f->eff[k];
		}
		if (f->nr_targets) {
			h->revert_commits = xrealloc(h->revert_commits,
						     (h->nr_revert_commits + 1) * sizeof(uint32_t));
			h->revert_commits[h->nr_revert_commits++] = f->commit;
		}
	}
	if (nr_all)
		qsort(all, nr_all, sizeof(*all), cmp_int);
	for (i = 0; i < nr_all; i++) {
		if (h->nr_xsas && h->xsas[h->nr_xsas - 1] == all[i])
			continue;
		h->xsas = xrealloc(h->xsas, (h->nr_xsas + 1) * sizeof(int));
		h->xsas[h->nr_xsas++] = all[i];
	}
	free(all);
	h->targeted = xcalloc((h->nr + 63) / 64 + 1, sizeof(uint64_t));
	for (i = 0; i < h->nr_revert_commits; i++) {
		const struct xh_fact *f = xh_fact_of(h, h->revert_commits[i]);

		for (k = 0; f && k < f->nr_targets; k++)
			h->targeted[f->targets[k] / 64] |= 1ULL << (f->targets[k] % 64);
	}
	h->fixers = xcalloc(h->nr_xsas + 1, sizeof(*h->fixers));
	h->nr_fixers = xcalloc(h->nr_xsas + 1, sizeof(*h->nr_fixers));
	for (i = 0; i < h->nr_facts; i++) {
		const struct xh_fact *f = &h->facts[i];

		for (k = 0; k < f->nr_eff; k++) {
			long s = xsa_slot(h, f->eff[k]);

			if (s >= 0)
				push_u32(&h->fixers[s], &h->nr_fixers[s], f->commit);
		}
	}
}

/* --- lines, tags, evidence ---------------------------------------------- */

int xh_line_version(const struct xh_line *l)
{
	return l->b ? l->b->major * 100 + l->b->minor : 9999;
}

static void setup_lines(struct xsa_history *h, const struct xh_opts *o)
{
	const struct branch_set *bs = o->branches;
	size_t i;

	h->nr_lines = bs->nr + 1 + h->nr_old_lines;
	h->lines = xcalloc(h->nr_lines, sizeof(*h->lines));
	snprintf(h->lines[0].name, sizeof(h->lines[0].name), "master");
	snprintf(h->lines[0].ref, sizeof(h->lines[0].ref), "refs/heads/master");
	for (i = 0; i < bs->nr; i++) {
		struct xh_line *l = &h->lines[i + 1];

		l->b = &bs->v[i];
		snprintf(l->name, sizeof(l->name), "%s", bs->v[i].name);
		if (starts_with(bs->v[i].ref, "refs/"))
			snprintf(l->ref, sizeof(l->ref), "%s", bs->v[i].ref);
		else
			snprintf(l->ref, sizeof(l->ref), "refs/heads/%s", bs->v[i].ref);
	}
	for (i = 0; i < h->nr_old_lines; i++) {
		struct xh_line *l = &h->lines[bs->nr + 1 + i];

		l->b = h->old_lines[i];
		l->old = 1;
		snprintf(l->name, sizeof(l->name), "%s", l->b->name);
		snprintf(l->ref, sizeof(l->ref), "%s", l->b->full_ref);
	}
	for (i = 0; i < h->nr_lines; i++) {
		h->lines[i].tip = XH_NONE;
		h->lines[i].fork = XH_NONE;
	}
}

static void compute_lines(struct xsa_history *h, const struct xh_opts *o)
{
	size_t i, k;

	for (i = 0; i < h->nr_lines; i++) {
		struct xh_line *l = &h->lines[i];
		const struct upstream_head *hd = o->tags ? upstream_head(o->tags, l->ref) : NULL;

		if (!hd && i == 0 && o->tags)
			hd = upstream_head(o->tags, "refs/heads/main");
		l->tip = hd ? xh_find(h, hd->oid) : XH_NONE;
	}
	h->lines[0].reach = xh_reach(h, h->lines[0].tip);
	for (i = 1; i < h->nr_lines; i++) {
		struct xh_line *l = &h->lines[i];
		uint64_t *fork_reach = NULL;

		if (l->tip == XH_NONE) {
			l->reach = xcalloc(h->words + 1, sizeof(uint64_t));
			continue;
		}
		l->fork = first_in(h, l->tip, h->lines[0].reach);
		if (l->fork != XH_NONE)
			fork_reach = xh_reach(h, l->fork);
		l->reach = xh_reach_from(h, l->tip, fork_reach);
		l->fork_reach = fork_reach;
	}
	/* RELEASE tags, each seeded with the one before it when that is an
	 * ancestor on the first-parent chain. */
	for (i = 1; o->tags && i < h->nr_lines; i++) {
		struct xh_line *l = &h->lines[i];
		const uint64_t *prev = NULL;
		uint32_t prev_c = XH_NONE;

		const struct upstream_tag *tv = l->old ? o->tags->old : o->tags->v;
		size_t tn = l->old ? o->tags->nr_old : o->tags->nr;

		for (k = 0; k < tn; k++) {
			const struct upstream_tag *tg = &tv[k];
			struct xh_rtag *rt;
			uint32_t c;

			if (tg->b != l->b)
				continue;
			c = xh_find(h, tg->commit);
			if (c == XH_NONE || !xh_has(l->reach, c))
				continue;	/* not on the branch: no release of it */
			l->tags = xrealloc(l->tags, (l->nr_tags + 1) * sizeof(*l->tags));
			rt = &l->tags[l->nr_tags++];
			memset(rt, 0, sizeof(*rt));
			rt->name = tg->name;
			rt->point = tg->point;
			rt->commit = c;
			rt->verified = tg->verified;
			if (prev && on_first_parents(h, prev_c, c))
				rt->reach = xh_reach_from(h, c, prev);
			else
				rt->reach = xh_reach(h, c);
			prev = rt->reach;
			prev_c = c;
			if (l->old)
				continue;
			h->tags_total++;
			if (rt->verified)
				h->tags_verified++;
		}
	}
	for (i = 0; i < h->nr_lines; i++) {
		struct xh_line *l = &h->lines[i];
		uint32_t c = l->tip, d = 0;

		l->fp_dist = xmalloc((h->nr + 1) * sizeof(uint32_t));
		memset(l->fp_dist, 0xff, (h->nr + 1) * sizeof(uint32_t));
		while (c != XH_NONE && l->fp_dist[c] == UINT32_MAX) {
			l->fp_dist[c] = d++;
			if (h->c[c].npar == UINT16_MAX || !h->c[c].npar)
				break;
			c = h->parents[h->c[c].par];
		}
	}
	h->evidence = xcalloc(h->words + 1, sizeof(uint64_t));
	for (i = 1; i < h->nr_lines; i++)
		for (k = 0; k < h->lines[i].nr_tags; k++) {
			const struct xh_rtag *rt = &h->lines[i].tags[k];
			size_t w;

			if (!rt->verified)
				continue;
			for (w = 0; w < h->words; w++)
				h->evidence[w] |= rt->reach[w];
		}
}

static void free_lines(struct xsa_history *h)
{
	size_t i, k;

	for (i = 0; i < h->nr_lines; i++) {
		free(h->lines[i].reach);
		free(h->lines[i].fork_reach);
		free(h->lines[i].fp_dist);
		for (k = 0; k < h->lines[i].nr_tags; k++)
			free(h->lines[i].tags[k].reach);
		free(h->lines[i].tags);
	}
	free(h->lines);
	h->lines = NULL;
	h->nr_lines = 0;
	free(h->evidence);
	h->evidence = NULL;
	h->tags_total = h->tags_verified = 0;
}

int xh_line_of(const struct xsa_history *h, uint32_t i)
{
	size_t k;

	if (i == XH_NONE || !h->nr_lines)
		return -1;
	if (h->lines[0].reach && xh_has(h->lines[0].reach, i))
		return 0;
	for (k = 1; k < h->nr_lines; k++)
		if (h->lines[k].reach && xh_has(h->lines[k].reach, i))
			return (int)k;
	return -1;
}

/* --- patch-ids ------------------------------------------------------------- */

static int compute_pids(struct xsa_history *h, const uint32_t *list, size_t n)
{
	struct child_process log, pid;
	struct strbuf in = STRBUF_INIT;
	char hex[GIT_MAX_HEXSZ + 1];
	size_t i, pos = 0, ln;
	const char *line;
	int rc, rc2;

	if (!n)
		return 0;
	for (i = 0; i < n; i++) {
		xh_oid_hex(h, list[i], hex);
		strbuf_addf(&in, "%s\n", hex);
	}
	git_child_init(&log, h->repo);
	strvec_pushl(&log.args, "log", "--no-walk=unsorted", "--stdin", "-p", "--format=commit %H",
		     "--no-color", "--no-ext-diff", "--no-textconv", "--src-prefix=a/",
		     "--dst-prefix=b/", NULL);
	log.in = CHILD_IN_PIPE;
	log.out = CHILD_OUT_PIPE;
	rc = start_child(&log);
	if (rc) {
		child_release(&log);
		strbuf_release(&in);
		return rc;
	}
	/* Small enough for the pipe buffer in practice; write it all, then close. */
	{
		struct sigaction ign, old;

		memset(&ign, 0, sizeof(ign));
		ign.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &ign, &old);
		rc = write_all(log.in_pipe, in.buf, in.len);
		sigaction(SIGPIPE, &old, NULL);
		close(log.in_pipe);
		log.in_pipe = -1;
	}
	git_child_init(&pid, h->repo);
	strvec_pushl(&pid.args, "patch-id", "--stable", NULL);
	pid.in = CHILD_IN_FD;
	pid.in_fd = log.out_pipe;
	rc2 = run_child(&pid);
	close(log.out_pipe);
	log.out_pipe = -1;
	rc = finish_child(&log);
	if (!rc && rc2)
		rc = rc2 < 0 ? rc2 : error_env("git patch-id failed: %s", child_err_summary(&pid));
	else if (rc > 0)
		rc = error_env("git log -p in %s failed: %s", h->repo->git_dir,
			       child_err_summary(&log));
	for (i = 0; !rc && i < n; i++) {
		struct xh_fact *f = fact_new(h, list[i]);

		if (!f->pid[0])
			snprintf(f->pid, sizeof(f->pid), "-");	/* no diff */
	}
	while (!rc && next_line(pid.out_buf.buf, pid.out_buf.len, &pos, &line, &ln)) {
		const char *sp = memchr(line, ' ', ln);
		char *id;
		uint32_t c;

		if (!sp || (size_t)(sp - line) > GIT_MAX_HEXSZ)
			continue;
		id = xmemdupz(sp + 1, (size_t)(line + ln - sp - 1));
		c = xh_find(h, id);
		free(id);
		if (c != XH_NONE) {
			struct xh_fact *f = fact_new(h, c);

			memcpy(f->pid, line, (size_t)(sp - line));
			f->pid[sp - line] = '\0';
		}
	}
	h->dirty = 1;
	child_release(&pid);
	child_release(&log);
	strbuf_release(&in);
	return rc;
}

static int has_pid(const struct xsa_history *h, uint32_t i)
{
	const struct xh_fact *f = xh_fact_of(h, i);

	return f && f->pid[0];
}

static const char *pid_of(const struct xsa_history *h, uint32_t i)
{
	const struct xh_fact *f = xh_fact_of(h, i);

	return f && f->pid[0] && strcmp(f->pid, "-") ? f->pid : NULL;
}

/* Effective fixes of x on master (not reverted there). */
static size_t master_fixes(const struct xsa_history *h, int x, uint32_t **out);
static void compute_master_fixes(struct xsa_history *h);
static int reverted_in(const struct xsa_history *h, uint32_t c, const uint64_t *reach, int depth);

static int subject_eq(const struct xsa_history *h, uint32_t a, uint32_t b)
{
	const struct xh_fact *fa = xh_fact_of(h, a), *fb = xh_fact_of(h, b);

	return fa && fb && fa->subject && fb->subject && *fa->subject &&
	       !strcmp(fa->subject, fb->subject);
}

/*
 * Branch commits with neither a claim nor a link to a known commit may be
 * backports made without -x: compare their patch-ids with the master
 * fixes their branch lacks.
 */
static int link_by_patch_id(struct xsa_history *h)
{
	uint32_t *cand = NULL, *miss = NULL, *need = NULL;
	size_t nc = 0, nm = 0, nn = 0, i, k, li, added = 0;
	uint32_t **cand_line = NULL;
	int rc = 0;

	/* Missing master fixes per line, and the line's candidates. */
	for (li = 1; li < h->nr_lines; li++) {
		const struct xh_line *l = &h->lines[li];
		size_t line_missing = 0;

		if (l->tip == XH_NONE)
			continue;
		for (k = 0; k < h->nr_xsas; k++) {
			uint32_t *m = NULL;
			size_t n = master_fixes(h, h->xsas[k], &m), j;

			for (j = 0; j < n; j++) {
				size_t f2;
				int covered = xh_has(l->reach, m[j]);

				for (f2 = 0; !covered && f2 < h->nr_fixers[k]; f2++) {
					const struct xh_fact *g = xh_fact_of(h, h->fixers[k][f2]);
					size_t q;

					if (!xh_has(l->reach, h->fixers[k][f2]))
						continue;
					for (q = 0; g && q < g->nr_ident; q++)
						if (g->ident[q] == m[j])
							covered = 1;
				}
				if (!covered) {
					push_u32(&miss, &nm, m[j]);
					line_missing++;
				}
			}
			free(m);
		}
		if (!line_missing)
			continue;
		/* own commits without claims or known links */
		for (i = 0; i < h->nr; i++) {
			const struct xh_fact *f;
			size_t q;
			int known_link = 0;

			if (!xh_has(l->reach, (uint32_t)i) || xh_has(h->lines[0].reach, (uint32_t)i))
				continue;
			if (h->c[i].npar != 1)
				continue;	/* merges and roots carry no patch */
			f = xh_fact_of(h, (uint32_t)i);
			if (f && f->nr_eff)
				continue;
			for (q = 0; f && q < f->nr_ident; q++)
				if (f->ident[q] != i)
					known_link = 1;
			if (known_link || (f && f->nr_targets))
				continue;
			push_u32(&cand, &nc, (uint32_t)i);
		}
	}
	if (!nc || !nm)
		goto out;
	if (nc + nm > PID_BUDGET) {
		/* Too many to diff them all: only subject matches. */
		uint32_t *c2 = NULL, *m2 = NULL;
		size_t n2 = 0, m2n = 0;

		for (i = 0; i < nc; i++)
			for (k = 0; k < nm; k++)
				if (subject_eq(h, cand[i], miss[k])) {
					push_u32(&c2, &n2, cand[i]);
					push_u32(&m2, &m2n, miss[k]);
				}
		free(cand);
		free(miss);
		cand = c2;
		nc = n2;
		miss = m2;
		nm = m2n;
	}
	for (i = 0; i < nc; i++)
		if (!has_pid(h, cand[i]))
			push_u32(&need, &nn, cand[i]);
	for (i = 0; i < nm; i++)
		if (!has_pid(h, miss[i]))
			push_u32(&need, &nn, miss[i]);
	rc = compute_pids(h, need, nn);
	if (rc)
		goto out;
	for (i = 0; i < nc; i++) {
		const char *p = pid_of(h, cand[i]);
		struct xh_fact *f;

		if (!p)
			continue;
		for (k = 0; k < nm; k++) {
			const char *q = pid_of(h, miss[k]);

			if (!q || strcmp(p, q))
				continue;
			f = fact_new(h, cand[i]);
			/* a link found by patch-id (found again each time, not cached) */
			push_u32(&f->pid_links, &f->nr_pid_links, miss[k]);
			added++;
		}
	}
out:
	free(cand);
	free(miss);
	free(need);
	free(cand_line);
	if (!rc && added) {
		resolve_facts(h);
		build_index(h);
		compute_master_fixes(h);
	}
	return rc;
}

/* --- stored advisories ---------------------------------------------------- */

static void free_advice(struct xsa_history *h)
{
	size_t i, k;

	for (i = 0; i < h->nr_adv; i++) {
		struct xh_advice *a = &h->adv[i];

		free(a->projects);
		free(a->mapped);
		for (k = 0; a->mapped_pids && k < a->nr_mapped; k++)
			free(a->mapped_pids[k]);
		free(a->mapped_pids);
		free(a->title);
		strvec_clear(&a->cves);
	}
	free(h->adv);
	h->adv = NULL;
	h->nr_adv = 0;
}

const struct xh_advice *xh_advice_of(const struct xsa_history *h, int xsa)
{
	size_t lo = 0, hi = h->nr_adv;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (h->adv[mid].xsa == xsa)
			return &h->adv[mid];
		if (h->adv[mid].xsa < xsa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The signed text of a stored clear-signed advisory (dash-escaping undone). */
static int advisory_text(const char *path, struct strbuf *out)
{
	struct strbuf raw = STRBUF_INIT;
	size_t pos = 0, n;
	const char *line;
	int state = 0, rc = read_file(&raw, path, 4 << 20);

	while (!rc && next_line(raw.buf, raw.len, &pos, &line, &n)) {
		if (state == 0) {
			if (n >= 34 && !memcmp(line, "-----BEGIN PGP SIGNED MESSAGE-----", 34))
				state = 1;
		} else if (state == 1) {
			if (!n)
				state = 2;	/* end of the armor headers */
		} else {
			if (n >= 29 && !memcmp(line, "-----BEGIN PGP SIGNATURE-----", 29))
				break;
			if (n >= 2 && line[0] == '-' && line[1] == ' ') {
				line += 2;
				n -= 2;
			}
			strbuf_add(out, line, n);
			strbuf_addch(out, '\n');
		}
	}
	if (!rc && state < 2) {
		/* not clear-signed (imported with --allow-unsigned): the text as is */
		strbuf_reset(out);
		strbuf_addbuf(out, &raw);
	}
	strbuf_release(&raw);
	return rc;
}

static int load_advice(struct xsa_history *h, const struct xh_opts *o)
{
	const struct xsa_store *s = o->store;
	struct xsa_patch_ids p;
	struct strvec paths = STRVEC_INIT, shas = STRVEC_INIT;
	size_t i, k, li;
	int rc = 0;

	if (!s || !s->nr)
		return 0;
	xsa_patch_ids_init(&p);
	if (!o->no_cache)
		xsa_patch_ids_load(&p, h->repo);
	for (i = 0; i < s->nr; i++) {
		const struct xsa_version *v = xsa_latest(&s->x[i]);

		for (k = 0; v && k < v->nr_files; k++) {
			char *path;

			if (strcmp(v->files[k].project, "xen") || !v->files[k].nr_ranges)
				continue;
			path = xsa_store_path(s, v, v->files[k].name);
			strvec_push(&paths, path);
			strvec_push(&shas, v->files[k].sha256);
			free(path);
		}
	}
	rc = xsa_patch_ids_fill(&p, h->repo, &paths, &shas);
	if (rc)
		goto out;
	if (!o->no_cache)
		xsa_patch_ids_save(&p);
	h->adv = xcalloc(s->nr + 1, sizeof(*h->adv));
	for (i = 0; i < s->nr; i++) {
		const struct xsa_record *r = &s->x[i];
		const struct xsa_version *v = xsa_latest(r);
		struct xh_advice *a = &h->adv[h->nr_adv++];
		struct xsa_advisory tmp;
		struct strbuf text = STRBUF_INIT, projects = STRBUF_INIT;
		int hmaj = -1, hmin = 0, umaj = -1, umin = 0;
		char *apath;

		a->xsa = r->number;
		strvec_init(&a->cves);
		a->mapped = xcalloc(h->nr_lines + 1, sizeof(int));
		a->mapped_pids = xcalloc(h->nr_lines + 1, sizeof(char *));
		a->nr_mapped = h->nr_lines;
		if (!v)
			continue;
		a->title = v->title ? xstrdup(v->title) : NULL;
		strvec_pushv(&a->cves, v->cves.v);
		a->signed_ = v->signer[0] && !v->unsigned_input;
		a->public_time = xsa_public_time(s, r);
		for (k = 0; k < v->nr_files; k++) {
			const char *pr = v->files[k].project;

			if (!strcmp(pr, "xen"))
				a->xen = 1;
			else if (strcmp(pr, "meta") && !strstr(projects.buf, pr))
				strbuf_addf(&projects, "%s%s", projects.len ? ", " : "", pr);
		}
		a->projects = strbuf_detach(&projects, NULL);
		/* VULNERABLE SYSTEMS */
		apath = xsa_store_path(s, v, v->advisory);
		if (!advisory_text(apath, &text)) {
			struct xsa_advisory adv;

			xsa_advisory_init(&adv);
			if (!xsa_parse_advisory(&adv, text.buf, text.len, apath, 0)) {
				const struct xsa_section *sec = xsa_find_section(&adv, "VULNERABLE SYSTEMS");

				if (sec)
					a->vuln_known = xh_vulnerable_parse(text.buf + sec->start,
									    sec->end - sec->start,
									    &a->vuln_lo, &a->vuln_hi);
			}
			xsa_advisory_release(&adv);
		}
		free(apath);
		strbuf_release(&text);
		/* patches mapped to each line */
		xsa_advisory_init(&tmp);
		tmp.files = v->files;
		tmp.nr_files = v->nr_files;
		if (!xsa_newest_named(&tmp, &hmaj, &hmin))
			hmaj = -1;
		if (xsa_unstable_branch(o->branches, xsa_advisory_date(s, r), hmaj, hmin, &umaj,
					&umin))
			umaj = -1;
		for (li = 1; li < h->nr_lines; li++) {
			const struct branch *b = h->lines[li].b;
			struct strbuf pids = STRBUF_INIT;

			for (k = 0; k < v->nr_files; k++) {
				const struct xsa_file *f = &v->files[k];
				size_t first, n, j;
				int inh;

				if (strcmp(f->project, "xen") || !f->nr_ranges ||
				    !xsa_file_covers(f->ranges, f->nr_ranges, b->major, b->minor, umaj,
						     umin, &inh))
					continue;
				n = xsa_patch_ids_of(&p, f->sha256, &first);
				for (j = first; j < first + n; j++) {
					if (!p.v[j].pid[0])
						continue;
					a->mapped[li]++;
					strbuf_addf(&pids, "%s%s", pids.len ? " " : "", p.v[j].pid);
				}
				if (!n)
					a->mapped[li]++;
			}
			a->mapped_pids[li] = strbuf_detach(&pids, NULL);
		}
	}
out:
	strvec_clear(&paths);
	strvec_clear(&shas);
	xsa_patch_ids_release(&p);
	return rc;
}

int xh_xsa_is_xen(const struct xsa_history *h, int x)
{
	const struct xh_advice *a = xh_advice_of(h, x);

	return !a || a->xen || !a->projects || !*a->projects;
}

/* Is c's patch-id one of a signed advisory's patches of x (any line)? */
static int matches_advisory(const struct xsa_history *h, int x, uint32_t c)
{
	const struct xh_advice *a = xh_advice_of(h, x);
	const char *p = pid_of(h, c);
	size_t li;

	if (!a || !a->signed_ || !p)
		return 0;
	for (li = 1; li < a->nr_mapped; li++) {
		const char *s = a->mapped_pids ? a->mapped_pids[li] : NULL;
		size_t n = strlen(p);

		while (s && *s) {
			if (!strncmp(s, p, n) && (s[n] == ' ' || !s[n]))
				return 1;
			s = strchr(s, ' ');
			if (s)
				s++;
		}
	}
	return 0;
}

/* Patch-ids of claimed-only fixes of XSAs with a signed stored advisory. */
static int pids_for_evidence(struct xsa_history *h)
{
	uint32_t *need = NULL;
	size_t nn = 0, i, k;
	int rc;

	for (i = 0; i < h->nr_xsas; i++) {
		const struct xh_advice *a = xh_advice_of(h, h->xsas[i]);

		if (!a || !a->signed_)
			continue;
		for (k = 0; k < h->nr_fixers[i]; k++) {
			uint32_t c = h->fixers[i][k];

			if (!xh_has(h->evidence, c) && !has_pid(h, c))
				push_u32(&need, &nn, c);
		}
	}
	rc = compute_pids(h, need, nn);
	free(need);
	return rc;
}

/* --- loading ----------------------------------------------------------------- */

int xsa_history_load(struct xsa_history *h, const struct xh_opts *o)
{
	struct strvec cached_tips = STRVEC_INIT, include = STRVEC_INIT, exclude = STRVEC_INIT,
		      all_tips = STRVEC_INIT;
	size_t i;
	int rc = 0;

	memset(h, 0, sizeof(*h));
	h->repo = o->src;
	h->opts = o;
	strvec_init(&h->notes);
	strvec_init(&h->tips);
	setup_lines(h, o);
	if (!o->no_cache)
		load_cache(h, &cached_tips);
	/* Every tip: the lines' refs and the RELEASE tags' commits. */
	for (i = 0; i < h->nr_lines; i++) {
		const struct upstream_head *hd = o->tags ? upstream_head(o->tags, h->lines[i].ref) : NULL;

		if (!hd && i == 0 && o->tags)
			hd = upstream_head(o->tags, "refs/heads/main");
		if (hd && !strvec_contains(&all_tips, hd->oid))
			strvec_push(&all_tips, hd->oid);
	}
	for (i = 0; o->tags && i < o->tags->nr; i++)
		if (o->tags->v[i].commit[0] && !strvec_contains(&all_tips, o->tags->v[i].commit))
			strvec_push(&all_tips, o->tags->v[i].commit);
	for (i = 0; i < all_tips.nr; i++) {
		uint32_t c = xh_find(h, all_tips.v[i]);

		if (c == XH_NONE || h->c[c].npar == UINT16_MAX)
			strvec_push(&include, all_tips.v[i]);
	}
	if (include.nr) {
		for (i = 0; i < cached_tips.nr; i++) {
			uint32_t c = xh_find(h, cached_tips.v[i]);

			if (c != XH_NONE && h->c[c].npar != UINT16_MAX)
				strvec_push(&exclude, cached_tips.v[i]);
		}
		if (h->nr > 2000 || !h->nr)
			say("reading the history of %s (cached for next time)", h->repo->git_dir);
		rc = scan_log(h, &include, &exclude);
		if (rc)
			goto out;
		h->dirty = 1;
		for (i = 0; i < cached_tips.nr; i++)
			if (!strvec_contains(&all_tips, cached_tips.v[i]) &&
			    xh_find(h, cached_tips.v[i]) != XH_NONE)
				strvec_push(&all_tips, cached_tips.v[i]);
	} else {
		strvec_clear(&all_tips);
		strvec_pushv(&all_tips, cached_tips.v);
	}
	if (!h->hexsz)
		h->hexsz = 40;
	h->words = (h->nr + 63) / 64;
	if (o->no_cache) {
		free(h->cache_path);
		h->cache_path = NULL;
	} else if (!h->cache_path) {
		char *dir = path_join(h->repo->common_dir, "xenstable");

		h->cache_path = path_join(dir, HISTORY_CACHE);
		free(dir);
	}
	resolve_facts(h);
	rc = fill_details(h);
	if (!rc && o->tags_ready) {
		int rc2 = o->tags_ready(o->tags_ready_data);

		if (rc2 < 0)
			rc = rc2;
	}
	if (rc)
		goto out;
	build_index(h);
	compute_lines(h, o);
	compute_master_fixes(h);
	rc = link_by_patch_id(h);
	if (!rc)
		rc = load_advice(h, o);
	if (!rc)
		rc = pids_for_evidence(h);
	if (!rc)
		rc = fill_details(h);
	strvec_pushv(&h->tips, all_tips.v);
	if (!rc && h->dirty)
		save_cache(h, &h->tips);
out:
	strvec_clear(&cached_tips);
	strvec_clear(&include);
	strvec_clear(&exclude);
	strvec_clear(&all_tips);
	return rc;
}

void xsa_history_release(struct xsa_history *h)
{
	free_advice(h);
	free_lines(h);
	free(h->old_lines);
	free_index(h);
	clear_graph(h);
	strvec_clear(&h->notes);
	strvec_clear(&h->tips);
	free(h->cache_path);
	memset(h, 0, sizeof(*h));
}

/* After commits or lines were added: the index, lines and master fixes
 * again (the stored advisories' per-line arrays keep their size). */
static void rebuild(struct xsa_history *h)
{
	h->words = (h->nr + 63) / 64;
	free_index(h);
	free_lines(h);
	setup_lines(h, h->opts);
	resolve_facts(h);
	build_index(h);
	compute_lines(h, h->opts);
	compute_master_fixes(h);
}

int xsa_history_extend(struct xsa_history *h, const char *oid)
{
	struct strvec include = STRVEC_INIT;
	size_t before = h->nr;
	int rc;

	if (xh_find(h, oid) != XH_NONE)
		return 0;
	strvec_push(&include, oid);
	rc = scan_log(h, &include, &h->tips);
	strvec_clear(&include);
	if (rc)
		return rc;
	if (h->nr == before)
		return 0;
	rebuild(h);
	return 0;
}

int xsa_history_add_old_line(struct xsa_history *h, const struct branch *b)
{
	const struct upstream_tags *t = h->opts->tags;
	const struct upstream_head *hd = t ? upstream_head(t, b->full_ref) : NULL;
	struct strvec include = STRVEC_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < h->nr_old_lines; i++)
		if (h->old_lines[i] == b)
			return (int)(h->nr_lines - h->nr_old_lines + i);
	if (hd && xh_find(h, hd->oid) == XH_NONE)
		strvec_push(&include, hd->oid);
	for (i = 0; t && i < t->nr_old; i++)
		if (t->old[i].b == b && t->old[i].commit[0] &&
		    xh_find(h, t->old[i].commit) == XH_NONE &&
		    !strvec_contains(&include, t->old[i].commit))
			strvec_push(&include, t->old[i].commit);
	if (include.nr)
		rc = scan_log(h, &include, &h->tips);
	strvec_clear(&include);
	if (rc)
		return rc;
	h->old_lines = xreallocarray(h->old_lines, h->nr_old_lines + 1, sizeof(*h->old_lines));
	h->old_lines[h->nr_old_lines++] = b;
	rebuild(h);
	return (int)(h->nr_lines - 1);
}

void xsa_history_mark_evidence(struct xsa_history *h, uint32_t c)
{
	if (c < h->nr && h->evidence)
		h->evidence[c / 64] |= (uint64_t)1 << (c % 64);
}

void xsa_history_push_tag(struct xsa_history *h, size_t li, const char *name, int point,
			  uint32_t c)
{
	struct xh_line *l = &h->lines[li];
	struct xh_rtag *rt;

	l->tags = xrealloc(l->tags, (l->nr_tags + 1) * sizeof(*l->tags));
	rt = &l->tags[l->nr_tags++];
	memset(rt, 0, sizeof(*rt));
	rt->name = name;
	rt->point = point;
	rt->commit = c;
	rt->verified = 1;
	rt->reach = xh_reach(h, c);
}

void xsa_history_pop_tag(struct xsa_history *h, size_t li)
{
	struct xh_line *l = &h->lines[li];

	if (!l->nr_tags)
		return;
	free(l->tags[l->nr_tags - 1].reach);
	l->nr_tags--;
}

int xsa_history_files(struct xsa_history *h, const uint32_t *list, size_t n)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	char hex[GIT_MAX_HEXSZ + 1];
	size_t i, pos = 0;
	const char *rec;
	int rc = 0;

	for (i = 0; i < n; i++) {
		const struct xh_fact *f = xh_fact_of(h, list[i]);

		if (f && f->files_known)
			continue;
		xh_oid_hex(h, list[i], hex);
		strbuf_addf(&in, "%s\n", hex);
	}
	if (!in.len)
		goto out;
	{
		const char *const argv[] = { "log", "--no-walk=unsorted", "--stdin", "-z",
					     "--format=%x01%H", "--name-only", "--no-renames",
					     "--no-color", NULL };

		rc = git_run(h->repo, NULL, in.buf, in.len, &out, NULL, argv);
		if (rc > 0)
			rc = error_env("git log --name-only in %s failed", h->repo->git_dir);
	}
	if (rc)
		goto out;
	/* "\x01<id>\n\0?<path>\0<path>\0..." per commit */
	while (pos < out.len) {
		const char *start = memchr(out.buf + pos, '\x01', out.len - pos), *end, *p;
		struct xh_fact *f;
		uint32_t c;

		if (!start)
			break;
		end = memchr(start + 1, '\x01', (size_t)(out.buf + out.len - start - 1));
		if (!end)
			end = out.buf + out.len;
		rec = start + 1;
		p = memchr(rec, '\n', (size_t)(end - rec));
		if (!p)
			p = end;
		{
			char *id = xmemdupz(rec, (size_t)(p - rec));

			c = xh_find(h, id);
			free(id);
		}
		pos = (size_t)(end - out.buf);
		if (c == XH_NONE)
			continue;
		f = fact_new(h, c);
		f->files_known = 1;
		while (p < end) {
			const char *z;

			while (p < end && (*p == '\n' || *p == '\0'))
				p++;
			if (p >= end)
				break;
			z = memchr(p, '\0', (size_t)(end - p));
			if (!z)
				z = end;
			f->files = xrealloc(f->files, (f->nr_files + 1) * sizeof(char *));
			f->files[f->nr_files++] = xmemdupz(p, (size_t)(z - p));
			p = z;
		}
	}
	h->dirty = 1;
	if (h->cache_path)
		save_cache(h, &h->tips);
out:
	strbuf_release(&in);
	strbuf_release(&out);
	return rc;
}

/* --- evaluation ------------------------------------------------------------ */

const char *xh_state_name(enum xh_state s)
{
	switch (s) {
	case XH_FIXED:
		return "fixed";
	case XH_CLAIMED:
		return "claimed";
	case XH_PARTIAL:
		return "partial";
	case XH_REVERTED:
		return "reverted";
	case XH_NONE_HERE:
		break;
	}
	return "none";
}

static int ident_has(const struct xsa_history *h, uint32_t c, uint32_t x)
{
	const struct xh_fact *f = xh_fact_of(h, c);
	size_t k;

	if (c == x)
		return 1;
	for (k = 0; f && k < f->nr_ident; k++)
		if (f->ident[k] == x)
			return 1;
	return 0;
}

static int reverted_in(const struct xsa_history *h, uint32_t c, const uint64_t *reach, int depth)
{
	const struct xh_fact *fc = xh_fact_of(h, c);
	size_t i, k, j;

	if (depth > MAX_DEPTH || !h->targeted)
		return 0;
	{
		int any = xh_has(h->targeted, c);

		for (k = 0; fc && k < fc->nr_ident && !any; k++)
			any = xh_has(h->targeted, fc->ident[k]);
		if (!any)
			return 0;
	}
	for (i = 0; i < h->nr_revert_commits; i++) {
		uint32_t r = h->revert_commits[i];
		const struct xh_fact *f = xh_fact_of(h, r);
		int hit = 0;

		if (r == c || !xh_has(reach, r) || !f)
			continue;
		for (k = 0; k < f->nr_targets && !hit; k++) {
			if (f->targets[k] == c)
				hit = 1;
			for (j = 0; fc && j < fc->nr_ident && !hit; j++)
				if (fc->ident[j] == f->targets[k])
					hit = 1;
		}
		if (hit && !reverted_in(h, r, reach, depth + 1))
			return 1;
	}
	return 0;
}

static size_t master_fixes(const struct xsa_history *h, int x, uint32_t **out)
{
	long s = xsa_slot(h, x);

	*out = NULL;
	if (s < 0 || !h->mfix || !h->nr_mfix[s])
		return 0;
	*out = xmalloc(h->nr_mfix[s] * sizeof(uint32_t));
	memcpy(*out, h->mfix[s], h->nr_mfix[s] * sizeof(uint32_t));
	return h->nr_mfix[s];
}

static void compute_master_fixes(struct xsa_history *h)
{
	size_t s, k;

	h->mfix = xcalloc(h->nr_xsas + 1, sizeof(*h->mfix));
	h->nr_mfix = xcalloc(h->nr_xsas + 1, sizeof(*h->nr_mfix));
	if (!h->nr_lines || !h->lines[0].reach)
		return;
	for (s = 0; s < h->nr_xsas; s++)
		for (k = 0; k < h->nr_fixers[s]; k++) {
			uint32_t c = h->fixers[s][k];

			if (xh_has(h->lines[0].reach, c) && !reverted_in(h, c, h->lines[0].reach, 0))
				push_u32(&h->mfix[s], &h->nr_mfix[s], c);
		}
}

void xh_eval_init(struct xh_eval *e)
{
	memset(e, 0, sizeof(*e));
	strbuf_init(&e->why, 0);
	e->state = XH_NONE_HERE;
}

void xh_eval_release(struct xh_eval *e)
{
	free(e->commits);
	free(e->missing);
	free(e->reverted);
	strbuf_release(&e->why);
	memset(e, 0, sizeof(*e));
}

static int64_t commit_time(const struct xsa_history *h, uint32_t c)
{
	const struct xh_fact *f = xh_fact_of(h, c);

	return f ? f->time : 0;
}

static const struct xsa_history *sort_h;

static int cmp_by_time(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int64_t tx = commit_time(sort_h, x), ty = commit_time(sort_h, y);

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return x > y ? -1 : x < y;	/* older commits come later in log order */
}

/* The master fix a branch commit stands for, or the commit itself. */
static uint32_t key_of(const struct xsa_history *h, uint32_t c, const uint32_t *m, size_t nm)
{
	const char *p = pid_of(h, c);
	size_t k;

	for (k = 0; k < nm; k++)
		if (ident_has(h, c, m[k]))
			return m[k];
	for (k = 0; p && k < nm; k++) {
		const char *q = pid_of(h, m[k]);

		if (q && !strcmp(p, q))
			return m[k];
	}
	/* A backport made from the advisory's patch names no master commit,
	 * but keeps its subject (and claims the same XSA). */
	for (k = 0; k < nm; k++)
		if (subject_eq(h, c, m[k]))
			return m[k];
	return c;
}

/* set while eval_core looks at the sibling lines (no recursion beyond) */
static int sibling_pass;

static void eval_core(const struct xsa_history *h, int x, const uint64_t *reach, int li,
		      struct xh_eval *e, uint32_t **keys_out, size_t *nkeys_out)
{
	long s = xsa_slot(h, x);
	uint32_t *m = NULL, *keys = NULL;
	size_t nm, nk = 0, k, j;
	const struct xh_advice *a = xh_advice_of(h, x);

	e->xsa = x;
	e->state = XH_NONE_HERE;
	if (s < 0 || !xh_xsa_is_xen(h, x))
		return;
	nm = master_fixes(h, x, &m);
	for (k = 0; k < h->nr_fixers[s]; k++) {
		uint32_t c = h->fixers[s][k];

		if (!xh_has(reach, c))
			continue;
		if (reverted_in(h, c, reach, 0)) {
			push_u32(&e->reverted, &e->nr_reverted, c);
			continue;
		}
		push_u32(&e->commits, &e->nr_commits, c);
	}
	sort_h = h;
	if (e->nr_commits > 1)
		qsort(e->commits, e->nr_commits, sizeof(uint32_t), cmp_by_time);
	for (k = 0; k < e->nr_commits; k++) {
		uint32_t c = e->commits[k];

		push_u32(&keys, &nk, key_of(h, c, m, nm));
		if (!xh_has(h->evidence, c) && !matches_advisory(h, x, c))
			e->unevidenced++;
	}
	e->units = nk;
	for (k = 0; k < nm; k++) {
		int found = 0;

		for (j = 0; j < nk && !found; j++)
			found = keys[j] == m[k];
		if (!found)
			push_u32(&e->missing, &e->nr_missing, m[k]);
	}
	if (a && a->xen && li > 0 && xh_mapped(a, (size_t)li) > 0) {
		e->need = (size_t)a->mapped[li];
		e->need_from = "advisory";
	} else if (nm) {
		e->need = nm;
		e->need_from = "master";
	} else if (e->nr_commits && !sibling_pass) {
		/*
		 * No master fix (master was not affected, or fixed it without
		 * the words and no backport names it) and no advisory: the
		 * branches that carry it agree on how many fixes it takes, or
		 * it stays partial where fewer are found.
		 */
		size_t sl;

		e->need = 0;
		e->need_from = "branches";
		for (sl = 1; sl < h->nr_lines; sl++) {
			struct xh_eval t;

			if (!h->lines[sl].reach || h->lines[sl].tip == XH_NONE)
				continue;
			xh_eval_init(&t);
			sibling_pass = 1;
			eval_core(h, x, h->lines[sl].reach, (int)sl, &t, NULL, NULL);
			sibling_pass = 0;
			if (t.units > e->need)
				e->need = t.units;
			xh_eval_release(&t);
		}
	} else {
		e->need = 0;
		e->need_from = NULL;
	}
	if (keys_out) {
		*keys_out = keys;
		*nkeys_out = nk;
		keys = NULL;
	}
	free(keys);
	free(m);
}

void xh_evaluate(const struct xsa_history *h, int x, const uint64_t *reach, int li,
		 struct xh_eval *e)
{
	uint32_t *keys = NULL, *tip_keys = NULL;
	size_t nk = 0, ntk = 0, k, j;
	int complete, tip_ok = 1;
	char hex[GIT_MAX_HEXSZ + 1];

	eval_core(h, x, reach, li, e, &keys, &nk);
	if (!e->nr_commits) {
		if (e->nr_reverted)
			e->state = XH_REVERTED;
		free(keys);
		return;
	}
	/* What the line's tip has, this history must have too. */
	if (li >= 0 && (size_t)li < h->nr_lines && h->lines[li].tip != XH_NONE &&
	    h->lines[li].reach != reach) {
		struct xh_eval t;

		xh_eval_init(&t);
		eval_core(h, x, h->lines[li].reach, li, &t, &tip_keys, &ntk);
		for (k = 0; k < ntk; k++) {
			int found = 0;

			for (j = 0; j < nk && !found; j++)
				found = keys[j] == tip_keys[k];
			if (!found) {
				tip_ok = 0;
				if (!e->why.len) {
					xh_oid_hex(h, tip_keys[k], hex);
					strbuf_addf(&e->why, "the branch later adds %.12s", hex);
				}
			}
		}
		if (t.units > e->need && e->need_from && !strcmp(e->need_from, "master")) {
			e->need = t.units;
			e->need_from = "branch";
		}
		xh_eval_release(&t);
	}
	complete = e->need > 0 && e->units >= e->need && tip_ok &&
		   (!e->need_from || strcmp(e->need_from, "master") || !e->nr_missing);
	if (complete) {
		e->state = e->unevidenced ? XH_CLAIMED : XH_FIXED;
	} else {
		e->state = XH_PARTIAL;
		if (!e->why.len) {
			if (!e->need)
				strbuf_addstr(&e->why, "no master fix and no stored advisory to "
					      "compare with");
			else if (e->need_from && !strcmp(e->need_from, "branches") && tip_ok)
				strbuf_addf(&e->why, "%zu of %zu fixes (no master fix; another branch "
					    "has %zu)", e->units, e->need, e->need);
			else if (e->nr_missing && (!e->need_from || strcmp(e->need_from, "advisory"))) {
				const struct xh_fact *f = xh_fact_of(h, e->missing[0]);
				size_t master = 0, found = 0;

				/* master fixes: those found (keys) and those missing */
				{
					uint32_t *mf = NULL;
					size_t n = master_fixes(h, e->xsa, &mf), k2;

					master = n;
					for (k2 = 0; k2 < n; k2++) {
						size_t q;
						int missing = 0;

						for (q = 0; q < e->nr_missing; q++)
							missing |= e->missing[q] == mf[k2];
						found += !missing;
					}
					free(mf);
				}
				xh_oid_hex(h, e->missing[0], hex);
				strbuf_addf(&e->why, "%zu of %zu master fixes found; missing %.12s", found,
					    master, hex);
				if (f && f->subject)
					strbuf_addf(&e->why, " (%s)", f->subject);
				if (e->nr_missing > 1)
					strbuf_addf(&e->why, " and %zu more", e->nr_missing - 1);
				if (e->units > found)
					strbuf_addf(&e->why, "; %zu commit%s here claim%s it without naming "
						    "a master fix", e->units - found,
						    e->units - found == 1 ? "" : "s",
						    e->units - found == 1 ? "s" : "");
			} else {
				strbuf_addf(&e->why, "%zu of %zu fixes (%s)", e->units, e->need,
					    e->need_from ? e->need_from : "?");
			}
		}
	}
	free(keys);
	free(tip_keys);
}

void xh_branch_xsa_init(struct xh_branch_xsa *bx)
{
	memset(bx, 0, sizeof(*bx));
	xh_eval_init(&bx->at_tip);
	bx->fixed_in = -1;
}

void xh_branch_xsa_release(struct xh_branch_xsa *bx)
{
	xh_eval_release(&bx->at_tip);
	free(bx->affected);
	memset(bx, 0, sizeof(*bx));
}

void xh_branch_evaluate(const struct xsa_history *h, int x, size_t li, struct xh_branch_xsa *bx)
{
	const struct xh_line *l = &h->lines[li];
	const struct xh_advice *a = xh_advice_of(h, x);
	int complete;
	size_t k, upto;

	xh_branch_xsa_init(bx);
	if (l->tip == XH_NONE)
		return;
	xh_evaluate(h, x, l->reach, (int)li, &bx->at_tip);
	complete = bx->at_tip.state == XH_FIXED || bx->at_tip.state == XH_CLAIMED;
	if (a && a->vuln_known && li > 0) {
		int v = xh_line_version(l);

		if ((a->vuln_lo && v < a->vuln_lo) || (a->vuln_hi && v > a->vuln_hi))
			bx->not_affected = 1;
	}
	if (complete && l->fork != XH_NONE) {
		int all = 1;

		for (k = 0; k < bx->at_tip.nr_commits; k++)
			if (!xh_has(h->lines[0].reach, bx->at_tip.commits[k]) ||
			    bx->at_tip.commits[k] == XH_NONE)
				all = 0;
		/* inherited: every fix is a master commit the fork already had */
		if (all && l->fork_reach) {
			for (k = 0; k < bx->at_tip.nr_commits; k++)
				if (!xh_has(l->fork_reach, bx->at_tip.commits[k]))
					all = 0;
			bx->inherited = all;
		}
	}
	if (complete) {
		for (k = 0; k < l->nr_tags && bx->fixed_in < 0; k++) {
			struct xh_eval e;
			size_t q;
			int has_all = 1;

			for (q = 0; q < bx->at_tip.nr_commits && has_all; q++)
				has_all = xh_has(l->tags[k].reach, bx->at_tip.commits[q]);
			if (!has_all)
				continue;
			xh_eval_init(&e);
			xh_evaluate(h, x, l->tags[k].reach, (int)li, &e);
			if (e.state == XH_FIXED || e.state == XH_CLAIMED)
				bx->fixed_in = (int)k;
			xh_eval_release(&e);
		}
	}
	if (bx->not_affected || li == 0)
		return;
	upto = bx->fixed_in >= 0 ? (size_t)bx->fixed_in : l->nr_tags;
	for (k = 0; k < upto; k++) {
		bx->affected = xrealloc(bx->affected, (bx->nr_affected + 1) * sizeof(int));
		bx->affected[bx->nr_affected++] = (int)k;
	}
}

int xh_line_touches(const struct xsa_history *h, int x, size_t li)
{
	long s = xsa_slot(h, x);
	size_t k;

	if (s < 0 || li >= h->nr_lines || !h->lines[li].reach)
		return 0;
	for (k = 0; k < h->nr_fixers[s]; k++)
		if (xh_has(h->lines[li].reach, h->fixers[s][k]))
			return 1;
	return 0;
}
