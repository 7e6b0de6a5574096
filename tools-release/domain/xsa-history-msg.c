/*
 * xsa-history-msg.c: what a commit message states about XSAs, what an
 * advisory's VULNERABLE SYSTEMS section says, and describe-like revisions
 * (see xsa-history.h).  Pure text functions: no git, no files.
 */
#include "compat.h"
#include "xsa-history.h"
#include "xsa.h"
#include "xalloc.h"

#include <ctype.h>

/* --- small scanners ---------------------------------------------------- */

struct cur {
	const char *p, *end;
};

static void skip_blanks(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* Case-insensitive literal; on success advance. */
static int eat(struct cur *c, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(c->end - c->p) < n || strncasecmp(c->p, lit, n))
		return 0;
	c->p += n;
	return 1;
}

/* A literal that ends a word (followed by a non-letter or the end). */
static int eat_word(struct cur *c, const char *lit)
{
	struct cur t = *c;

	if (!eat(&t, lit))
		return 0;
	if (t.p < t.end && isalnum((unsigned char)*t.p))
		return 0;
	*c = t;
	return 1;
}

/* "XSA-123" (not followed by a letter or digit); sets *v. */
static int eat_xsa(struct cur *c, long *v)
{
	struct cur t = *c;
	long n = 0;
	int digits = 0;

	if (!eat(&t, "XSA-"))
		return 0;
	while (t.p < t.end && isdigit((unsigned char)*t.p) && digits < 7) {
		n = n * 10 + (*t.p++ - '0');
		digits++;
	}
	if (!digits || (t.p < t.end && isalnum((unsigned char)*t.p)))
		return 0;
	*v = n;
	*c = t;
	return 1;
}

/* "CVE-2024-12345" (also upstream's placeholder "CVE-2015-xxxx"); a real
 * id is copied to id (when not NULL), a placeholder leaves it empty. */
static int eat_cve_id(struct cur *c, char id[24])
{
	struct cur t = *c;
	int k = 0, x = 0;

	if (!eat(&t, "CVE-"))
		return 0;
	while (t.p < t.end && isdigit((unsigned char)*t.p) && k < 4) {
		t.p++;
		k++;
	}
	if (k != 4 || t.p >= t.end || *t.p != '-')
		return 0;
	t.p++;
	k = 0;
	while (t.p < t.end && (isdigit((unsigned char)*t.p) || *t.p == 'x' || *t.p == 'X')) {
		x |= !isdigit((unsigned char)*t.p);
		t.p++;
		k++;
	}
	if (k < 4 || k > 12 || (t.p < t.end && isalnum((unsigned char)*t.p)))
		return 0;
	if (id) {
		id[0] = '\0';
		if (!x) {
			size_t n = (size_t)(t.p - c->p), i;

			memcpy(id, c->p, n);
			id[n] = '\0';
			for (i = 0; i < 3; i++)
				id[i] = (char)toupper((unsigned char)id[i]);
		}
	}
	*c = t;
	return 1;
}

static int eat_cve(struct cur *c)
{
	return eat_cve_id(c, NULL);
}

/* --- the statement grammar --------------------------------------------- */

/*
 *	statement := lead qualifier* list tail
 *	lead      := "This is" | "This patch is" | "This change is" |
 *	             "This commit is" | "Everything together is" | "Part of"
 *	qualifier := "part of" | "part of the fix to a security issue," |
 *	             "part of the fix for" | "the fix for" |
 *	             "a security (problem|issue|vulnerability|bug),"
 *	list      := item (sep item)*    with at least one XSA-N
 *	item      := ["part of"] (XSA-N | CVE-YYYY-N)
 *	sep       := "/" | "," | "+" | "&" | "and"
 *	tail      := end | "." | ":" | ";" | ", <lower-case word>..." |
 *	             "(...)" then end or "."
 */
size_t xh_statement_parse(const char *para, size_t len, int *out, size_t max,
			  struct xh_msg_facts *cves)
{
	static const char *const leads[] = {
		"This is", "This patch is", "This change is", "This commit is",
		"Everything together is",
	};
	static const char *const quals[] = {
		"part of the fix to a security issue,", "part of the fix for a security issue,",
		"part of the fix for", "part of the fix to", "the fix for", "the fix to",
		"a security problem,", "a security issue,", "a security vulnerability,",
		"a security bug,", "part of",
	};
	struct cur c = { para, para + len };
	int found[XH_MAX_CLAIMS];
	char ids[XH_MAX_LINKS][24];
	size_t nr = 0, i, items = 0, nids = 0;
	int lead = 0, progress;

	skip_blanks(&c);
	for (i = 0; i < ARRAY_SIZE(leads) && !lead; i++)
		if (eat_word(&c, leads[i]))
			lead = 1;
	if (!lead && (eat_word(&c, "This patch fixes") || eat_word(&c, "This patch solves") ||
		      eat_word(&c, "This fixes")))
		lead = 2;	/* a verb: the designators follow, no qualifier */
	if (!lead) {
		/* "This CVE-2023-34323 / XSA-440." (upstream's words, "is" missing) */
		struct cur t = c;
		long dummy;

		if (eat_word(&t, "This")) {
			skip_blanks(&t);
			if ((eat_xsa(&(struct cur){ t.p, t.end }, &dummy) ||
			     eat_cve(&(struct cur){ t.p, t.end }))) {
				c = t;
				lead = 2;
			}
		}
	}
	if (!lead && !eat_word(&c, "Part of"))
		return 0;
	/* Qualifiers, in any order, each at most a few times. */
	do {
		if (lead == 2)
			break;
		progress = 0;
		skip_blanks(&c);
		for (i = 0; i < ARRAY_SIZE(quals); i++) {
			struct cur t = c;

			if (eat(&t, quals[i]) &&
			    (t.p >= t.end || !isalnum((unsigned char)*t.p))) {
				c = t;
				progress = 1;
				break;
			}
		}
	} while (progress && c.p < c.end);
	for (;;) {
		struct cur t = c;
		long v;

		skip_blanks(&t);
		if (eat_word(&t, "part of"))
			skip_blanks(&t);
		if (eat_xsa(&t, &v)) {
			if (nr < ARRAY_SIZE(found))
				found[nr++] = (int)v;
		} else if (eat_cve_id(&t, nids < XH_MAX_LINKS ? ids[nids] : NULL)) {
			if (nids < XH_MAX_LINKS && ids[nids][0])
				nids++;
		} else {
			break;
		}
		items++;
		c = t;
		/* a separator, then another item; else the list ends here */
		t = c;
		skip_blanks(&t);
		if (t.p < t.end && (*t.p == '/' || *t.p == ',' || *t.p == '+' || *t.p == '&'))
			t.p++;
		else if (!eat_word(&t, "and"))
			break;
		{
			struct cur u = t;
			long dummy;

			skip_blanks(&u);
			if (eat_word(&u, "part of"))
				skip_blanks(&u);
			if (!eat_xsa(&u, &dummy) && !eat_cve(&u))
				break;	/* the separator belongs to the tail */
		}
		c = t;
	}
	if (!items || !nr)
		return 0;
	/* The tail: the statement must end, or continue harmlessly. */
	skip_blanks(&c);
	if (eat_word(&c, "security hole") || eat_word(&c, "security issue") ||
	    eat_word(&c, "vulnerability"))
		skip_blanks(&c);
	if (c.p < c.end) {
		char ch = *c.p;

		if (ch == '.' || ch == ':' || ch == ';') {
			/* the sentence ended */
		} else if (ch == ',') {
			c.p++;
			skip_blanks(&c);
			if (c.p >= c.end || !islower((unsigned char)*c.p) ||
			    eat_word(&c, "not") || eat_word(&c, "but") || eat_word(&c, "except"))
				return 0;
		} else if (ch == '(') {
			const char *close = memchr(c.p, ')', (size_t)(c.end - c.p));
			struct cur in;

			if (!close)
				return 0;
			for (in.p = c.p + 1, in.end = close; in.p < in.end; in.p++) {
				struct cur w = in;

				if (eat_word(&w, "not"))
					return 0;
			}
			c.p = close + 1;
			skip_blanks(&c);
			if (c.p < c.end && *c.p != '.')
				return 0;
		} else {
			return 0;
		}
	}
	nr = nr > max ? max : nr;
	for (i = 0; cves && i < nids; i++) {
		size_t k;

		for (k = 0; k < cves->nr_cves; k++)
			if (!strcmp(cves->cves[k], ids[i]))
				break;
		if (k == cves->nr_cves && cves->nr_cves < XH_MAX_LINKS)
			memcpy(cves->cves[cves->nr_cves++], ids[i], sizeof(ids[i]));
	}
	{
		size_t k = 0;

		for (i = 0; i < nr; i++)
			xsa_number_add(out, max, &k, found[i]);
		return k;
	}
}

/* --- whole messages ---------------------------------------------------- */

static int hexrun(const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && isxdigit((unsigned char)s[k]))
		k++;
	return (int)k;
}

/* Full-length ids in a line (lower-case hex, 40 or 64 digits). */
static void take_ids(const char *l, size_t n, char (*dst)[GIT_MAX_HEXSZ + 1], size_t *nr)
{
	size_t i = 0;

	while (i < n && *nr < XH_MAX_LINKS) {
		int k;

		if (!isxdigit((unsigned char)l[i]) || (i && isalnum((unsigned char)l[i - 1]))) {
			i++;
			continue;
		}
		k = hexrun(l + i, n - i);
		if ((k == 40 || k == 64) && (i + (size_t)k == n || !isalnum((unsigned char)l[i + k]))) {
			size_t j;

			for (j = 0; j < (size_t)k; j++)
				dst[*nr][j] = (char)tolower((unsigned char)l[i + j]);
			dst[*nr][k] = '\0';
			(*nr)++;
		}
		i += (size_t)(k ? k : 1);
	}
}

/* "XSA: 488", "XSA: XSA-488, 489" */
static void trailer_claims(const char *l, size_t n, struct xh_msg_facts *f)
{
	struct cur c = { l, l + n };

	if (!eat(&c, "XSA:"))
		return;
	for (;;) {
		long v = 0;
		int digits = 0;

		while (c.p < c.end && (*c.p == ' ' || *c.p == '\t' || *c.p == ','))
			c.p++;
		if (c.p >= c.end)
			return;
		eat(&c, "XSA-");
		while (c.p < c.end && isdigit((unsigned char)*c.p) && digits < 7) {
			v = v * 10 + (*c.p++ - '0');
			digits++;
		}
		if (!digits || (c.p < c.end && !(*c.p == ' ' || *c.p == '\t' || *c.p == ',' ||
						  *c.p == '.')))
			return;
		xsa_number_add(f->claims, XH_MAX_CLAIMS, &f->nr_claims, v);
		if (c.p < c.end && *c.p == '.')
			return;
	}
}

static void trim_span(const char **l, size_t *n)
{
	while (*n && isspace((unsigned char)**l)) {
		(*l)++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)(*l)[*n - 1]))
		(*n)--;
}

void xh_msg_scan(const char *msg, size_t len, struct xh_msg_facts *f)
{
	struct strbuf para = STRBUF_INIT;
	size_t pos = 0, n;
	const char *line;
	int first = 1, in_para = 0;

	memset(f, 0, sizeof(*f));
	for (;;) {
		int more = next_line(msg, len, &pos, &line, &n);
		const char *t = line;
		size_t tn = more ? n : 0;

		if (more)
			trim_span(&t, &tn);
		if (!more || !tn) {
			/* A paragraph ended: is it a statement? */
			if (in_para && para.len) {
				int v[XH_MAX_CLAIMS];
				size_t k, nv = xh_statement_parse(para.buf, para.len, v,
								  ARRAY_SIZE(v), f);

				for (k = 0; k < nv; k++)
					xsa_number_add(f->claims, XH_MAX_CLAIMS, &f->nr_claims, v[k]);
			}
			strbuf_reset(&para);
			in_para = 0;
			if (!more)
				break;
			first = 0;
			continue;
		}
		if (first) {
			/* The subject line is no statement. */
			first = 0;
			continue;
		}
		in_para = 1;
		if (para.len)
			strbuf_addch(&para, ' ');
		if (para.len < 4096)
			strbuf_add(&para, t, tn);
		if (tn > 4 && !strncasecmp(t, "XSA:", 4))
			trailer_claims(t, tn, f);
		else if (tn > 14 && !strncasecmp(t, "master commit:", 14))
			take_ids(t + 14, tn - 14, f->links, &f->nr_links);
		else if (tn > 26 && !strncasecmp(t, "(cherry picked from commit", 26))
			take_ids(t + 26, tn - 26, f->links, &f->nr_links);
		else if (tn > 19 && !strncasecmp(t, "This reverts commit", 19))
			take_ids(t + 19, tn - 19, f->reverts, &f->nr_reverts);
	}
	strbuf_release(&para);
}

/* --- VULNERABLE SYSTEMS ---------------------------------------------------- */

/* "4.17" at c (optionally "4.17.x" or "4.17.0"): major*100+minor. */
static int eat_version(struct cur *c, int *v)
{
	struct cur t = *c;
	long a = 0, b = 0;
	int da = 0, db = 0;

	while (t.p < t.end && isdigit((unsigned char)*t.p) && da < 3) {
		a = a * 10 + (*t.p++ - '0');
		da++;
	}
	if (!da || t.p >= t.end || *t.p != '.')
		return 0;
	t.p++;
	while (t.p < t.end && isdigit((unsigned char)*t.p) && db < 3) {
		b = b * 10 + (*t.p++ - '0');
		db++;
	}
	if (!db || a < 1 || a > 99 || b > 99)
		return 0;
	/* ".x" or ".0" may follow */
	if (t.p + 1 < t.end && t.p[0] == '.' && (t.p[1] == 'x' || isdigit((unsigned char)t.p[1]))) {
		t.p++;
		while (t.p < t.end && (isdigit((unsigned char)*t.p) || *t.p == 'x'))
			t.p++;
	}
	*v = (int)(a * 100 + b);
	*c = t;
	return 1;
}

/* One sentence that calls something vulnerable. */
static int sentence_bounds(const char *s, size_t n, int *lo, int *hi, int *all)
{
	struct cur c = { s, s + n };
	int found = 0, pending_from = 0;

	*lo = *hi = 0;
	*all = 0;
	{
		/* "All versions of Xen", "All Xen versions" without a number */
		struct cur t = c;

		while (t.p < t.end) {
			struct cur w = t;

			if (eat_word(&w, "All versions of Xen") || eat_word(&w, "All Xen versions") ||
			    eat_word(&w, "all versions of Xen")) {
				*all = 1;
				break;
			}
			t.p++;
		}
	}
	while (c.p < c.end) {
		int v;
		struct cur w = c;

		if (eat_word(&w, "from") || eat_word(&w, "since") ||
		    eat_word(&w, "introduced in")) {
			pending_from = 1;
			c = w;
			continue;
		}
		if (eat_version(&c, &v)) {
			struct cur after = c;

			skip_blanks(&after);
			if (eat_word(&after, "and later") || eat_word(&after, "and newer") ||
			    eat_word(&after, "and above") || eat_word(&after, "onwards") ||
			    eat_word(&after, "onward") || eat_word(&after, "or later") ||
			    eat_word(&after, "or newer") || pending_from) {
				if (!*lo || v < *lo)
					*lo = v;
				found = 1;
			} else if (eat_word(&after, "and earlier") || eat_word(&after, "and older") ||
				   eat_word(&after, "or earlier") || eat_word(&after, "or older")) {
				if (v > *hi)
					*hi = v;
				found = 1;
			} else if (eat_word(&after, "through") || eat_word(&after, "to") ||
				   eat(&after, "-")) {
				int v2;

				skip_blanks(&after);
				eat_word(&after, "Xen");
				skip_blanks(&after);
				if (eat_version(&after, &v2)) {
					int a = v < v2 ? v : v2, b = v < v2 ? v2 : v;

					if (!*lo || a < *lo)
						*lo = a;
					if (b > *hi)
						*hi = b;
					found = 1;
					c = after;
				}
			}
			pending_from = 0;
			continue;
		}
		c.p++;
	}
	return found || *all;
}

static int ci_at(const char *s, size_t n, size_t k, const char *lit)
{
	size_t m = strlen(lit);

	return k + m <= n && !strncasecmp(s + k, lit, m);
}

int xh_vulnerable_parse(const char *text, size_t len, int *lo, int *hi)
{
	size_t i = 0, start = 0;
	int known = 0, any_all = 0, l = 0, h = 0, unbounded_hi = 0;

	*lo = *hi = 0;
	while (i <= len) {
		if (i == len || text[i] == '.' ||
		    (text[i] == '\n' && i + 1 < len && text[i + 1] == '\n')) {
			/* a version's dot is no sentence end */
			if (i < len && text[i] == '.' && i + 1 < len &&
			    (isdigit((unsigned char)text[i + 1]) || text[i + 1] == 'x')) {
				i++;
				continue;
			}
			{
				const char *s = text + start;
				size_t n = i - start;
				int slo, shi, all;
				int vuln = 0, negative = 0;
				size_t k;

				for (k = 0; k < n; k++) {
					if (ci_at(s, n, k, "vulnerab") || ci_at(s, n, k, "affected"))
						vuln = 1;
					if (ci_at(s, n, k, "not vulnerab") || ci_at(s, n, k, "not affected"))
						negative = 1;
				}
				if (vuln && !negative && sentence_bounds(s, n, &slo, &shi, &all)) {
					known = 1;
					if (all)
						any_all = 1;
					if (slo && (!l || slo < l))
						l = slo;
					if (shi && shi > h)
						h = shi;
					if (!shi)
						unbounded_hi = 1;
				}
			}
			start = i + 1;
		}
		i++;
	}
	if (!known)
		return 0;
	*lo = any_all ? 0 : l;
	*hi = unbounded_hi ? 0 : h;
	return 1;
}

/* --- describe-like revisions -------------------------------------------- */

int xh_rev_describe_parse(const char *rev, struct strbuf *base, long *ahead, struct strbuf *hex)
{
	size_t n = strlen(rev), i;

	/* the last "-g<hex>" that ends the name or is followed by a non-hex */
	for (i = n; i-- > 1; ) {
		size_t k;

		if (rev[i] != 'g' || rev[i - 1] != '-')
			continue;
		k = (size_t)hexrun(rev + i + 1, n - i - 1);
		if (k < 7 || k > GIT_MAX_HEXSZ)
			continue;
		if (i + 1 + k != n && isalnum((unsigned char)rev[i + 1 + k]))
			continue;
		{
			/* "<base>+N-g" or "<base>-N-g" before it */
			size_t j = i - 1, d = 0;
			long v = 0, mul = 1;

			while (j > 0 && isdigit((unsigned char)rev[j - 1]) && d < 9) {
				j--;
				d++;
			}
			if (!d || j < 2 || (rev[j - 1] != '+' && rev[j - 1] != '-'))
				continue;
			{
				size_t q;

				for (q = i - 1; q > j; q--) {
					v += (rev[q - 1] - '0') * mul;
					mul *= 10;
				}
			}
			strbuf_reset(base);
			strbuf_add(base, rev, j - 1);
			strbuf_reset(hex);
			{
				size_t q;

				for (q = 0; q < k; q++)
					strbuf_addch(hex, tolower((unsigned char)rev[i + 1 + q]));
			}
			*ahead = v;
			return 1;
		}
	}
	return 0;
}
