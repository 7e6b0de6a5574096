/*
 * embargo.c: embargo decided by content (see embargo.h).
 */
#include "compat.h"
#include "embargo.h"
#include "apply.h"
#include "branch.h"
#include "bundle.h"
#include "bundle-store.h"
#include "date.h"
#include "fs.h"
#include "gpg.h"
#include "hash.h"
#include "release.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa-commits.h"
#include "xsa-store.h"

#define EMBARGO_COPIES ".xenstable/embargo"
#define EMBARGO_MAX_PATCH ((size_t)64 << 20)

/* ---- reading diffs --------------------------------------------------------- */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

uint64_t embargo_line_hash(const char *line, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;
	int any = 0;

	for (i = 0; i < len; i++) {
		if (is_space(line[i]))
			continue;
		h ^= (unsigned char)line[i];
		h *= 1099511628211ULL;
		any = 1;
	}
	if (!any)
		return 0;
	return h ? h : 1;
}

/*
 * Text as the tree check compares it: every line without its whitespace
 * (a hunk line keeps its marker), so re-indented, re-spaced or trailing
 * blanks do not hide a change.  The file and the hunk are cut the same way.
 */
static void strip_ws(const char *line, size_t n, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_space(line[i]))
			strbuf_addch(out, line[i]);
}

static void normalize_file(const char *text, size_t len, struct strbuf *out)
{
	size_t pos = 0, n;
	const char *line;

	while (next_line(text, len, &pos, &line, &n)) {
		strip_ws(line, n, out);
		if (pos <= len && (pos < len || (len && text[len - 1] == '\n')))
			strbuf_addch(out, '\n');
	}
}

static void normalize_hunk(const char *hunk, size_t len, struct strbuf *out)
{
	size_t pos = 0, n;
	const char *line;
	int first = 1;

	while (next_line(hunk, len, &pos, &line, &n)) {
		if (first || (n && line[0] == '\\')) {
			strbuf_add(out, line, n);
		} else if (!n) {
			strbuf_addch(out, ' ');
		} else {
			strbuf_addch(out, line[0]);
			strip_ws(line + 1, n - 1, out);
		}
		strbuf_addch(out, '\n');
		first = 0;
	}
}

/* "a/path\t2024-..." -> "path"; NULL for /dev/null. */
static char *diff_path(const char *s, size_t n)
{
	size_t end = 0;

	while (end < n && s[end] != '\t')
		end++;
	while (end && s[end - 1] == ' ')
		end--;
	if (end == 9 && !memcmp(s, "/dev/null", 9))
		return NULL;
	if (end > 2 && (s[0] == 'a' || s[0] == 'b') && s[1] == '/')
		return xmemdupz(s + 2, end - 2);
	return xmemdupz(s, end);
}

/* "@@ -a[,b] +c[,d] @@" -> b, d; -1 when it is not one. */
static int hunk_header(const char *l, size_t n, long *olen, long *nlen)
{
	char *buf = xmemdupz(l, n), *p = buf + 4, *e;
	int rc = -1;

	*olen = *nlen = 1;
	if (strtol(p, &e, 10) >= 0 && e != p) {
		if (*e == ',')
			*olen = strtol(e + 1, &e, 10);
		if (e[0] == ' ' && e[1] == '+') {
			p = e + 2;
			if (strtol(p, &e, 10) >= 0 && e != p) {
				if (*e == ',')
					*nlen = strtol(e + 1, &e, 10);
				if (e[0] == ' ' && e[1] == '@' && e[2] == '@' && *olen >= 0 &&
				    *nlen >= 0 && *olen < (1L << 30) && *nlen < (1L << 30))
					rc = 0;
			}
		}
	}
	free(buf);
	return rc;
}

static int extended_header(const char *l, size_t n)
{
	static const char *const keep[] = {
		"old mode ", "new mode ", "deleted file mode ", "new file mode ",
		"rename from ", "rename to ", "copy from ", "copy to ",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keep); i++)
		if (n > strlen(keep[i]) && !memcmp(l, keep[i], strlen(keep[i])))
			return 1;
	return 0;
}

static int line_is(const char *l, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && !memcmp(l, prefix, k);
}

int embargo_parse_diff(const char *text, size_t len, embargo_hunk_fn fn, void *data)
{
	struct strbuf header = STRBUF_INIT, hunk = STRBUF_INIT;
	char commit[GIT_MAX_HEXSZ + 1] = "";
	char *oldp = NULL, *newp = NULL;
	size_t pos = 0, n, npos, nn;
	const char *line, *next;
	int in_header = 0, in_file = 0, rc = 0;

	while (!rc && next_line(text, len, &pos, &line, &n)) {
		if (n >= 47 && line_is(line, n, "commit ") &&
		    (n == 47 || n == 71 || line[47] == ' ' || (n > 71 && line[71] == ' ')) &&
		    is_hex_string(line + 7, n >= 71 && is_hex_string(line + 7, 64) ? 64 : 40)) {
			size_t k = n >= 71 && is_hex_string(line + 7, 64) ? 64 : 40;

			memcpy(commit, line + 7, k);
			commit[k] = '\0';
			in_header = in_file = 0;
			continue;
		}
		if (line_is(line, n, "diff --git ")) {
			strbuf_reset(&header);
			strbuf_add(&header, line, n);
			strbuf_addch(&header, '\n');
			in_header = 1;
			in_file = 0;
			continue;
		}
		if (line_is(line, n, "--- ")) {
			npos = pos;
			if (!next_line(text, len, &npos, &next, &nn) || !line_is(next, nn, "+++ ")) {
				in_header = 0;
				continue;
			}
			free(oldp);
			free(newp);
			oldp = diff_path(line + 4, n - 4);
			newp = diff_path(next + 4, nn - 4);
			if (!in_header) {
				/* A plain diff: the header git would have written. */
				strbuf_reset(&header);
				strbuf_addf(&header, "diff --git a/%s b/%s\n", oldp ? oldp : newp ? newp : "",
					    newp ? newp : oldp ? oldp : "");
			}
			strbuf_add(&header, line, n);
			strbuf_addch(&header, '\n');
			strbuf_add(&header, next, nn);
			strbuf_addch(&header, '\n');
			pos = npos;
			in_header = 0;
			in_file = oldp || newp;
			continue;
		}
		if (in_header) {
			if (extended_header(line, n)) {
				strbuf_add(&header, line, n);
				strbuf_addch(&header, '\n');
			} else if (!line_is(line, n, "index ") && !line_is(line, n, "similarity index ") &&
				   !line_is(line, n, "dissimilarity index ")) {
				in_header = 0;	/* binary, or not a diff after all */
			}
			continue;
		}
		if (in_file && line_is(line, n, "@@ -")) {
			long olen, nlen;
			int ok;

			if (hunk_header(line, n, &olen, &nlen)) {
				in_file = 0;
				continue;
			}
			strbuf_reset(&hunk);
			strbuf_add(&hunk, line, n);
			strbuf_addch(&hunk, '\n');
			ok = 1;
			while (olen > 0 || nlen > 0) {
				npos = pos;
				if (!next_line(text, len, &npos, &next, &nn)) {
					ok = 0;
					break;
				}
				if (nn && next[0] == '\\') {
					/* "\ No newline at end of file" */
				} else if (!nn || next[0] == ' ') {
					olen--;
					nlen--;
				} else if (next[0] == '-') {
					olen--;
				} else if (next[0] == '+') {
					nlen--;
				} else {
					ok = 0;
					break;
				}
				if (olen < 0 || nlen < 0) {
					ok = 0;
					break;
				}
				strbuf_add(&hunk, next, nn);
				strbuf_addch(&hunk, '\n');
				pos = npos;
			}
			if (ok) {
				npos = pos;
				if (next_line(text, len, &npos, &next, &nn) && nn && next[0] == '\\') {
					strbuf_add(&hunk, next, nn);
					strbuf_addch(&hunk, '\n');
					pos = npos;
				}
			}
			/* Text only: a NUL byte makes it something else. */
			if (ok && (memchr(header.buf, '\0', header.len) ||
				   memchr(hunk.buf, '\0', hunk.len)))
				ok = 0;
			if (ok) {
				struct embargo_diff_hunk h;

				h.commit = commit[0] ? commit : NULL;
				h.old_path = oldp;
				h.new_path = newp;
				h.header = header.buf;
				h.header_len = header.len;
				h.hunk = hunk.buf;
				h.hunk_len = hunk.len;
				rc = fn(&h, data);
			} else {
				in_file = 0;
			}
			continue;
		}
		in_file = 0;
	}
	free(oldp);
	free(newp);
	strbuf_release(&header);
	strbuf_release(&hunk);
	return rc;
}

/* The text git patch-id sees for a hunk: paths, no extended header. */
static void pid_text(const struct embargo_diff_hunk *h, struct strbuf *out)
{
	const char *p = h->new_path ? h->new_path : h->old_path;

	strbuf_addf(out, "diff --git a/%s b/%s\n", p, p);
	if (h->old_path)
		strbuf_addf(out, "--- a/%s\n", h->old_path);
	else
		strbuf_addstr(out, "--- /dev/null\n");
	if (h->new_path)
		strbuf_addf(out, "+++ b/%s\n", h->new_path);
	else
		strbuf_addstr(out, "+++ /dev/null\n");
	strbuf_add(out, h->hunk, h->hunk_len);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Run git patch-id --stable over stream, whose patches are headed
 * "commit <n in hex>" (1-based, hexsz digits); pids[n-1] gets each id.
 */
static int patch_ids(const struct git_repo *src, const struct strvec *env, const struct strbuf *stream,
		     char (*pids)[GIT_MAX_HEXSZ + 1], size_t nr)
{
	const char *const argv[] = { "patch-id", "--stable", NULL };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	size_t pos = 0, n;
	const char *line;
	int rc;

	if (!stream->len)
		return 0;
	rc = git_run(src, env, stream->buf, stream->len, &out, &err, argv);
	if (rc > 0)
		rc = error_env("git patch-id failed: %.*s", (int)strcspn(err.buf, "\n"), err.buf);
	while (!rc && next_line(out.buf, out.len, &pos, &line, &n)) {
		const char *sp = memchr(line, ' ', n);
		char num[GIT_MAX_HEXSZ + 1];
		size_t k, idlen;
		unsigned long long i;

		if (!sp || (size_t)(sp - line) > GIT_MAX_HEXSZ)
			continue;
		idlen = (size_t)(sp - line);
		k = n - idlen - 1;
		if (k > GIT_MAX_HEXSZ)
			continue;
		memcpy(num, sp + 1, k);
		num[k] = '\0';
		i = strtoull(num, NULL, 16);
		if (i >= 1 && i <= nr) {
			memcpy(pids[i - 1], line, idlen);
			pids[i - 1][idlen] = '\0';
		}
	}
	strbuf_release(&out);
	strbuf_release(&err);
	return rc;
}

static void stream_head(struct strbuf *stream, size_t n, int hexsz)
{
	strbuf_addf(stream, "commit %0*zx\n\n", hexsz, n);
}

/* ---- the set ----------------------------------------------------------------- */

static void hunk_release(struct embargo_hunk *h)
{
	size_t i;

	for (i = 0; i < h->nr_win; i++)
		hunk_release(&h->win[i]);
	free(h->win);
	free(h->path);
	free(h->text);
	free(h->pid_text);
	free(h->lines);
	free(h->core);
}

void embargo_set_init(struct embargo_set *es, int64_t date)
{
	memset(es, 0, sizeof(*es));
	strvec_init(&es->paths);
	es->date = date;
}

void embargo_set_release(struct embargo_set *es)
{
	size_t i, k;

	for (i = 0; i < es->nr; i++) {
		for (k = 0; k < es->v[i].nr; k++)
			hunk_release(&es->v[i].h[k]);
		free(es->v[i].h);
		free(es->v[i].source);
		free(es->v[i].about);
	}
	free(es->v);
	free(es->byid);
	strvec_clear(&es->paths);
	embargo_set_init(es, 0);
}

/* Windows: blocks of this many added lines are looked for on their own. */
#define WINDOW_LINES 5
#define WINDOW_MIN_CHARS 40
#define WINDOWS_MAX 200

static void fill_windows(struct embargo_hunk *h, const struct embargo_diff_hunk *dh);

/* A hunk's change: its path and its +/- lines without whitespace, in order. */
static uint64_t change_key(const struct embargo_diff_hunk *dh)
{
	const char *p = dh->new_path ? dh->new_path : dh->old_path;
	uint64_t h = 1469598103934665603ULL;
	size_t pos = 0, n, i;
	const char *line;
	int first = 1;

#define MIX(c) do { h ^= (unsigned char)(c); h *= 1099511628211ULL; } while (0)
	for (i = 0; p[i]; i++)
		MIX(p[i]);
	MIX('\0');
	while (next_line(dh->hunk, dh->hunk_len, &pos, &line, &n)) {
		if (first) {
			first = 0;
			continue;
		}
		if (!n || (line[0] != '+' && line[0] != '-'))
			continue;
		MIX(line[0]);
		for (i = 1; i < n; i++)
			if (!is_space(line[i]))
				MIX(line[i]);
		MIX('\n');
	}
#undef MIX
	return h;
}

/* An embargo_hunk from a hunk of a diff (windows: not for a window itself). */
static void fill_hunk(struct embargo_hunk *h, const struct embargo_diff_hunk *dh, int windows)
{
	size_t pos = 0, n, alloc = 0, first_add = 0, last_add = 0;
	size_t nr_post = 0, alloc_post = 0;
	uint64_t *post = NULL;
	const char *line;
	int first = 1;

	memset(h, 0, sizeof(*h));
	h->path = xstrdup(dh->new_path ? dh->new_path : dh->old_path);
	{
		struct strbuf t = STRBUF_INIT;

		strbuf_add(&t, dh->header, dh->header_len);
		normalize_hunk(dh->hunk, dh->hunk_len, &t);
		h->text = strbuf_detach(&t, NULL);
	}
	h->removes_file = !dh->new_path;
	h->change = change_key(dh);
	if (windows) {
		/* What git patch-id will see; embargo_set_index() runs them all at once. */
		struct strbuf t = STRBUF_INIT;

		pid_text(dh, &t);
		h->pid_text = strbuf_detach(&t, NULL);
	}
	/* The post-image in order (blank lines as 0), and which lines it adds. */
	while (next_line(dh->hunk, dh->hunk_len, &pos, &line, &n)) {
		uint64_t v;

		if (first) {
			first = 0;	/* the "@@" line */
			continue;
		}
		if (n && (line[0] == '-' || line[0] == '\\'))
			continue;
		v = n ? embargo_line_hash(line + 1, n - 1) : 0;
		ALLOC_GROW(post, nr_post + 1, alloc_post);
		post[nr_post] = v;
		if (v && line[0] == '+') {
			if (!h->adds)
				first_add = nr_post;
			last_add = nr_post;
			h->adds = 1;
		}
		if (v) {
			ALLOC_GROW(h->lines, h->nr_lines + 1, alloc);
			h->lines[h->nr_lines++] = v;
		}
		nr_post++;
	}
	/*
	 * What must be in the file as one block for git apply to find it,
	 * even with one line of context: from its first added line to its
	 * last, with the line next to each end unless that one is blank.
	 * Blank lines are left out (the file's are too).
	 */
	if (h->adds) {
		size_t from = first_add, to = last_add, i;

		if (from && post[from - 1])
			from--;
		if (to + 1 < nr_post && post[to + 1])
			to++;
		h->core = xcalloc(to - from + 1, sizeof(*h->core));
		for (i = from; i <= to; i++)
			if (post[i])
				h->core[h->nr_core++] = post[i];
	} else if (h->nr_lines) {
		/* Nothing added: its whole context, which is checked in full. */
		h->core = xcalloc(h->nr_lines, sizeof(*h->core));
		memcpy(h->core, h->lines, h->nr_lines * sizeof(*h->core));
		h->nr_core = h->nr_lines;
	}
	free(post);
	if (h->nr_lines)
		qsort(h->lines, h->nr_lines, sizeof(*h->lines), cmp_u64);
	if (windows && h->adds && !h->removes_file)
		fill_windows(h, dh);
}

static size_t visible_chars(const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += !is_space(s[i]);
	return k;
}

/*
 * A change edited inside (a line changed, one inserted) no longer applies
 * as a hunk; its untouched blocks still show.  Every run of WINDOW_LINES
 * added lines that starts and ends with a line of text and holds at least
 * WINDOW_MIN_CHARS characters becomes a window: a hunk of its own whose
 * first and last lines are context, checked like the others.
 */
static void fill_windows(struct embargo_hunk *h, const struct embargo_diff_hunk *dh)
{
	const char **lv = NULL;
	size_t *ln = NULL, nr = 0, alloc_v = 0, alloc_n = 0, pos = 0, n, alloc_w = 0;
	const char *line;
	int first = 1;
	struct strbuf header = STRBUF_INIT;
	size_t i;

	/* The added lines, and where a run of them ends (NULL). */
	while (next_line(dh->hunk, dh->hunk_len, &pos, &line, &n)) {
		if (first) {
			first = 0;
			continue;
		}
		if (n && (line[0] == '-' || line[0] == '\\'))
			continue;
		ALLOC_GROW(lv, nr + 1, alloc_v);
		ALLOC_GROW(ln, nr + 1, alloc_n);
		lv[nr] = n && line[0] == '+' ? line + 1 : NULL;
		ln[nr] = n ? n - 1 : 0;
		nr++;
	}
	strbuf_addf(&header, "diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n", h->path, h->path, h->path,
		    h->path);
	for (i = 0; i < nr && h->nr_win < WINDOWS_MAX; i++) {
		size_t run = 0, k, chars = 0, step;

		while (i + run < nr && lv[i + run])
			run++;
		if (run < WINDOW_LINES) {
			i += run;
			continue;
		}
		step = (run - WINDOW_LINES) / WINDOWS_MAX + 1;
		for (k = i; k + WINDOW_LINES <= i + run && h->nr_win < WINDOWS_MAX; k += step) {
			struct strbuf hunk = STRBUF_INIT;
			struct embargo_diff_hunk w;
			size_t j;

			chars = 0;
			for (j = k; j < k + WINDOW_LINES; j++)
				chars += visible_chars(lv[j], ln[j]);
			if (!visible_chars(lv[k], ln[k]) || !visible_chars(lv[k + WINDOW_LINES - 1],
									  ln[k + WINDOW_LINES - 1]) ||
			    chars < WINDOW_MIN_CHARS)
				continue;
			/* Not at line 1: git apply would pin it to the start of the file. */
			strbuf_addf(&hunk, "@@ -2,2 +2,%d @@\n", WINDOW_LINES);
			for (j = k; j < k + WINDOW_LINES; j++) {
				strbuf_addch(&hunk, j == k || j == k + WINDOW_LINES - 1 ? ' ' : '+');
				strbuf_add(&hunk, lv[j], ln[j]);
				strbuf_addch(&hunk, '\n');
			}
			memset(&w, 0, sizeof(w));
			w.old_path = w.new_path = h->path;
			w.header = header.buf;
			w.header_len = header.len;
			w.hunk = hunk.buf;
			w.hunk_len = hunk.len;
			ALLOC_GROW(h->win, h->nr_win + 1, alloc_w);
			fill_hunk(&h->win[h->nr_win++], &w, 0);
			strbuf_release(&hunk);
		}
		i += run;
	}
	strbuf_release(&header);
	free(lv);
	free(ln);
}

static int add_hunk(const struct embargo_diff_hunk *dh, void *data)
{
	struct embargo_patch *p = data;

	ALLOC_GROW(p->h, p->nr + 1, p->alloc);
	fill_hunk(&p->h[p->nr++], dh, 1);
	return 0;
}

size_t embargo_set_add(struct embargo_set *es, const char *source, const char *about,
		       int64_t until, unsigned index, unsigned count, const char *text, size_t len)
{
	struct strbuf norm = STRBUF_INIT;
	struct embargo_patch *p;

	ALLOC_GROW(es->v, es->nr + 1, es->alloc);
	p = &es->v[es->nr];
	memset(p, 0, sizeof(*p));
	sha256_hex(text, len, p->sha256);
	xsa_normalize_patch(text, len, &norm);
	embargo_parse_diff(norm.buf, norm.len, add_hunk, p);
	strbuf_release(&norm);
	if (!p->nr) {
		free(p->h);
		return 0;
	}
	p->source = xstrdup(source);
	p->about = about ? xstrdup(about) : NULL;
	p->until = until;
	p->index = index;
	p->count = count;
	es->nr++;
	return p->nr;
}

static int cmp_byid(const void *a, const void *b)
{
	return strcmp(((const struct embargo_pid *)a)->pid, ((const struct embargo_pid *)b)->pid);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t total_hunks(const struct embargo_set *es)
{
	size_t i, total = 0;

	for (i = 0; i < es->nr; i++)
		total += es->v[i].nr;
	return total;
}

int embargo_set_index(struct embargo_set *es, const struct git_repo *src)
{
	struct strbuf stream = STRBUF_INIT, fmt = STRBUF_INIT;
	char (*pids)[GIT_MAX_HEXSZ + 1];
	size_t i, k, n = 0, total;
	int rc, hexsz = 40;

	/* git patch-id reads "commit <id>" headers as ids of the repository's hash. */
	if (total_hunks(es) && !git_cmd(src, &fmt, "rev-parse", "--show-object-format", NULL)) {
		strbuf_trim(&fmt);
		if (!strcmp(fmt.buf, "sha256"))
			hexsz = 64;
	}
	strbuf_release(&fmt);
	total = total_hunks(es);
	pids = xcalloc(total + 1, sizeof(*pids));
	for (i = 0; i < es->nr; i++) {
		for (k = 0; k < es->v[i].nr; k++) {
			struct embargo_hunk *h = &es->v[i].h[k];

			stream_head(&stream, ++n, hexsz);
			strbuf_addstr(&stream, h->pid_text);
			free(h->pid_text);
			h->pid_text = NULL;
			strvec_push(&es->paths, h->path);
		}
	}
	rc = patch_ids(src, NULL, &stream, pids, total);
	n = 0;
	es->byid = xcalloc(total + 1, sizeof(*es->byid));
	for (i = 0; !rc && i < es->nr; i++) {
		for (k = 0; k < es->v[i].nr; k++, n++) {
			struct embargo_hunk *h = &es->v[i].h[k];

			memcpy(h->pid, pids[n], sizeof(h->pid));
			if (!h->pid[0])
				continue;
			es->byid[es->nr_byid].pid = h->pid;
			es->byid[es->nr_byid].patch = i;
			es->byid[es->nr_byid].hunk = k;
			es->nr_byid++;
		}
	}
	qsort(es->byid, es->nr_byid, sizeof(*es->byid), cmp_byid);
	strvec_sort(&es->paths);
	for (i = 1, k = 1; i < es->paths.nr; i++) {
		if (!strcmp(es->paths.v[i], es->paths.v[k - 1])) {
			free((char *)es->paths.v[i]);
			continue;
		}
		es->paths.v[k++] = es->paths.v[i];
	}
	if (es->paths.nr) {
		es->paths.nr = k;
		es->paths.v[k] = NULL;
	}
	free(pids);
	strbuf_release(&stream);
	return rc;
}

static void until_str(int64_t t, char d[32])
{
	if (t)
		date_format_short(t, d);
	else
		snprintf(d, 32, "%s", "a date not known");
}

struct changes {
	uint64_t **v;
	size_t *nr, *alloc;
};

static int add_change(const struct embargo_diff_hunk *dh, void *data)
{
	struct changes *c = data;

	ALLOC_GROW(*c->v, *c->nr + 1, *c->alloc);
	(*c->v)[(*c->nr)++] = change_key(dh);
	return 0;
}

void embargo_changes(const char *text, size_t len, uint64_t **v, size_t *nr, size_t *alloc)
{
	struct strbuf norm = STRBUF_INIT;
	struct changes c = { v, nr, alloc };

	xsa_normalize_patch(text, len, &norm);
	embargo_parse_diff(norm.buf, norm.len, add_change, &c);
	strbuf_release(&norm);
}

static int has_change(const uint64_t *changes, size_t nr, uint64_t key)
{
	return nr && bsearch(&key, changes, nr, sizeof(*changes), cmp_u64) != NULL;
}

void embargo_set_drop(struct embargo_set *es, const uint64_t *changes, size_t nr)
{
	size_t i, k, keep, kp = 0;

	for (i = 0; i < es->nr; i++) {
		struct embargo_patch *p = &es->v[i];

		for (k = 0, keep = 0; k < p->nr; k++) {
			if (has_change(changes, nr, p->h[k].change))
				hunk_release(&p->h[k]);
			else
				p->h[keep++] = p->h[k];
		}
		p->nr = keep;
		if (!p->nr) {
			free(p->h);
			free(p->source);
			free(p->about);
			continue;
		}
		es->v[kp++] = *p;
	}
	es->nr = kp;
}

/*
 * The changes every public advisory of the store makes, by file (keyed by
 * the file's sha256, so the list in <common-dir>/xenstable/embargo-public.v1
 * of the source repository never goes stale, as xsa-commits.h's caches):
 * a patch is read only the first time.
 */

struct pub_entry {
	char sha256[65];
	uint64_t *v;
	size_t nr;
};

static int cmp_pub(const void *a, const void *b)
{
	return strcmp(((const struct pub_entry *)a)->sha256, ((const struct pub_entry *)b)->sha256);
}

static int public_changes(const struct xsa_store *s, int64_t date, const struct git_repo *src,
			  uint64_t **out, size_t *nr_out)
{
	char *cache = xstrfmt("%s/xenstable/embargo-public.v1", src->common_dir);
	struct strbuf text = STRBUF_INIT;
	struct pub_entry *e = NULL, key;
	size_t nr = 0, alloc = 0, loaded, pos = 0, n, i, v, f, alloc_out = 0;
	const char *line;
	int rc = 0, dirty = 0;

	*out = NULL;
	*nr_out = 0;
	/* "<sha256> <change> <change>...", one line a file. */
	if (read_file_if_exists(&text, cache, 64 << 20) == 0) {
		while (next_line(text.buf, text.len, &pos, &line, &n)) {
			char *l = xmemdupz(line, n), *tok, *save = NULL;

			tok = strtok_r(l, " ", &save);
			if (tok && is_sha256_hex(tok)) {
				ALLOC_GROW(e, nr + 1, alloc);
				memset(&e[nr], 0, sizeof(e[nr]));
				memcpy(e[nr].sha256, tok, 65);
				while ((tok = strtok_r(NULL, " ", &save))) {
					size_t a = e[nr].nr;

					e[nr].v = xreallocarray(e[nr].v, a + 1, sizeof(*e[nr].v));
					e[nr].v[e[nr].nr++] = strtoull(tok, NULL, 16);
				}
				nr++;
			}
			free(l);
		}
	}
	strbuf_release(&text);
	loaded = nr;
	if (nr)
		qsort(e, nr, sizeof(*e), cmp_pub);
	for (i = 0; i < s->nr && !rc; i++) {
		const struct xsa_record *r = &s->x[i];

		if (xsa_embargoed_at(s, r, date))
			continue;
		for (v = 0; v < r->nr && !rc; v++) {
			const struct xsa_version *ver = &r->v[v];

			/* Only what the security team signed is evidence. */
			if (ver->unsigned_input || !ver->signer[0])
				continue;
			for (f = 0; f < ver->nr_files && !rc; f++) {
				const struct xsa_file *xf = &ver->files[f];
				const struct pub_entry *hit;
				char *path;
				size_t a = 0;

				if (!strcmp(xf->project, "meta") || !is_sha256_hex(xf->sha256))
					continue;
				memcpy(key.sha256, xf->sha256, 65);
				hit = loaded ? bsearch(&key, e, loaded, sizeof(*e), cmp_pub) : NULL;
				if (!hit) {
					/* Read once; a file is never re-read for the same hash. */
					struct strbuf t = STRBUF_INIT;

					path = xsa_store_path(s, ver, xf->name);
					rc = read_file(&t, path, EMBARGO_MAX_PATCH);
					free(path);
					if (rc) {
						strbuf_release(&t);
						break;
					}
					ALLOC_GROW(e, nr + 1, alloc);
					memset(&e[nr], 0, sizeof(e[nr]));
					memcpy(e[nr].sha256, xf->sha256, 65);
					embargo_changes(t.buf, t.len, &e[nr].v, &e[nr].nr, &a);
					hit = &e[nr++];
					dirty = 1;
					strbuf_release(&t);
				}
				for (a = 0; a < hit->nr; a++) {
					ALLOC_GROW(*out, *nr_out + 1, alloc_out);
					(*out)[(*nr_out)++] = hit->v[a];
				}
			}
		}
	}
	if (!rc && dirty) {
		struct strbuf sb = STRBUF_INIT;
		char *top = path_dirname(cache);

		for (i = 0; i < nr; i++) {
			strbuf_addstr(&sb, e[i].sha256);
			for (v = 0; v < e[i].nr; v++)
				strbuf_addf(&sb, " %016llx", (unsigned long long)e[i].v[v]);
			strbuf_addch(&sb, '\n');
		}
		/* Only a cache: a failure to write it costs time, not correctness. */
		if (!mkdir_p(top, 0755))
			write_file_atomic(cache, sb.buf, sb.len, 0644);
		strbuf_release(&sb);
		free(top);
	}
	for (i = 0; i < nr; i++)
		free(e[i].v);
	free(e);
	free(cache);
	if (*nr_out)
		qsort(*out, *nr_out, sizeof(**out), cmp_u64);
	return rc;
}

static int load_store(struct embargo_set *es, const struct xsa_store *s, int64_t date)
{
	size_t i, v, f;
	int rc = 0;

	for (i = 0; i < s->nr && !rc; i++) {
		const struct xsa_record *r = &s->x[i];
		char *source;
		unsigned count = 0, index = 0;

		if (!xsa_embargoed_at(s, r, date))
			continue;
		for (v = 0; v < r->nr; v++)
			for (f = 0; f < r->v[v].nr_files; f++)
				count += strcmp(r->v[v].files[f].project, "meta") != 0;
		source = xstrfmt("XSA-%d", r->number);
		for (v = 0; v < r->nr && !rc; v++) {
			const struct xsa_version *ver = &r->v[v];

			for (f = 0; f < ver->nr_files && !rc; f++) {
				char *path;
				struct strbuf text = STRBUF_INIT;

				if (!strcmp(ver->files[f].project, "meta"))
					continue;
				index++;
				path = xsa_store_path(s, ver, ver->files[f].name);
				rc = read_file(&text, path, EMBARGO_MAX_PATCH);
				if (!rc)
					embargo_set_add(es, source, NULL, xsa_public_time(s, r), index, count,
						  text.buf, text.len);
				strbuf_release(&text);
				free(path);
			}
		}
		free(source);
	}
	return rc;
}

/* ---- kept bundles -------------------------------------------------------------- */

static char *copy_dir(const char *maint_root, const char *file_sha256)
{
	return xstrfmt("%s/%s/%s", maint_root, EMBARGO_COPIES, file_sha256);
}

/* Patch texts (bytes as they came, NUL or not). */
struct texts {
	struct strbuf *v;
	size_t nr, alloc;
};

static void texts_add(struct texts *t, const void *data, size_t len)
{
	ALLOC_GROW(t->v, t->nr + 1, t->alloc);
	strbuf_init(&t->v[t->nr], len);
	strbuf_add(&t->v[t->nr], data, len);
	t->nr++;
}

static void texts_release(struct texts *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		strbuf_release(&t->v[i]);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static int write_copy(const char *maint_root, const char *file_sha256, const struct texts *t)
{
	char *top = xstrfmt("%s/%s", maint_root, EMBARGO_COPIES);
	char *dir = copy_dir(maint_root, file_sha256);
	char *tmp = xstrfmt("%s/.incoming-XXXXXX", top);
	size_t i;
	int rc = 0, made = 0;

	if (is_dir(dir) || !t->nr)
		goto out;
	rc = mkdir_p(top, 0700);
	if (!rc) {
		if (mkdtemp(tmp))
			made = 1;
		else
			rc = error_errno("cannot create a directory in %s", top);
	}
	for (i = 0; !rc && i < t->nr; i++) {
		char *p = xstrfmt("%s/%04zu.patch", tmp, i + 1);

		rc = write_file_atomic(p, t->v[i].buf, t->v[i].len, 0600);
		free(p);
	}
	if (!rc && rename(tmp, dir))
		rc = is_dir(dir) ? 0 : error_errno("cannot rename %s to %s", tmp, dir);
	if (!rc)
		fsync_dir(top);
	if (made && is_dir(tmp))
		remove_tree(tmp);
out:
	free(top);
	free(dir);
	free(tmp);
	return rc;
}

/* The patches of a bundle read from its file: every patches/ entry, in order. */
static void bundle_texts(const struct bundle *b, struct texts *t)
{
	size_t i;

	for (i = 0; i < b->tar.nr; i++)
		if (starts_with(b->tar.v[i].name, "patches/") &&
		    ends_with(b->tar.v[i].name, ".patch"))
			texts_add(t, b->tar.v[i].data.buf, b->tar.v[i].data.len);
}

int embargo_keep_copy(const char *maint_root, const struct bundle *b)
{
	struct texts t = { NULL, 0, 0 };
	int rc;

	bundle_texts(b, &t);
	rc = write_copy(maint_root, b->file_sha256, &t);
	texts_release(&t);
	return rc;
}

/* The patches of a kept bundle: its private copy, else the file decrypted. */
static int bundle_patches(const struct embargo_load_opts *o, const struct bundle_record *r,
			  const char *until, struct texts *t)
{
	char *dir = copy_dir(o->maint_root, r->file_sha256);
	struct strvec names = STRVEC_INIT;
	struct bundle b;
	char *path;
	size_t i;
	int rc = 0;

	if (is_dir(dir) && !list_dir(dir, &names)) {
		strvec_sort(&names);
		for (i = 0; i < names.nr && !rc; i++) {
			struct strbuf text = STRBUF_INIT;
			char *p;

			if (!ends_with(names.v[i], ".patch"))
				continue;
			p = path_join(dir, names.v[i]);
			rc = read_file(&text, p, EMBARGO_MAX_PATCH);
			if (!rc)
				texts_add(t, text.buf, text.len);
			strbuf_release(&text);
			free(p);
		}
		strvec_clear(&names);
		if (rc || t->nr) {
			free(dir);
			return rc;
		}
		remove_tree(dir);	/* empty: not a copy */
	}
	strvec_clear(&names);
	free(dir);
	if (!path_is_safe(r->file))
		return error_input("backports/seen.json: kept file '%s' is not a safe path", r->file);
	path = path_join(o->maint_root, r->file);
	bundle_init(&b);
	rc = bundle_read(&b, path, o->gpg);
	if (rc) {
		rc = error_env("%s: a kept bundle under embargo until %s UTC cannot be read here, so "
			       "nothing can be checked against it; run 'xenstable bundle verify %s' "
			       "once with a keyring that decrypts it (a private copy is then kept in "
			       "%s/)", r->file, until, r->file, EMBARGO_COPIES);
	} else {
		bundle_texts(&b, t);
		if (!t->nr)
			rc = error_input("%s: a kept bundle under embargo until %s UTC holds no patch",
					 r->file, until);
		else if (!strcmp(b.file_sha256, r->file_sha256))
			rc = write_copy(o->maint_root, r->file_sha256, t);	/* no key next time */
	}
	bundle_release(&b);
	free(path);
	return rc;
}

static int load_bundles(struct embargo_set *es, const struct embargo_load_opts *o,
			const struct xsa_store *xs)
{
	struct bundle_store bs;
	struct strvec keep = STRVEC_INIT, names = STRVEC_INIT;
	char *top = xstrfmt("%s/%s", o->maint_root, EMBARGO_COPIES);
	size_t i, k;
	int rc;

	memset(&bs, 0, sizeof(bs));
	rc = bundle_store_load(&bs, o->maint_root);
	for (i = 0; !rc && i < bs.nr; i++) {
		const struct bundle_record *r = &bs.v[i];
		const struct bundle_record *hi = bundle_store_highest(&bs, r->id);
		/* Every revision is under the embargo its producer set last. */
		int64_t until = hi ? hi->embargo_until : r->embargo_until;
		int embargoed = until > o->date;
		struct texts t = { NULL, 0, 0 };
		struct strbuf src = STRBUF_INIT, about = STRBUF_INIT;
		char d[32];

		/* An XSA the store still holds embargoed keeps its bundle embargoed. */
		for (k = 0; k < r->nr_xsas && xs; k++) {
			const struct xsa_record *x = xsa_store_find(xs, r->xsas[k]);

			if (x && xsa_embargoed_at(xs, x, o->date)) {
				embargoed = 1;
				if (xsa_public_time(xs, x) > until)
					until = xsa_public_time(xs, x);
			}
		}
		if (!embargoed || !r->file)
			continue;
		strvec_push(&keep, r->file_sha256);
		until_str(until, d);
		rc = bundle_patches(o, r, d, &t);
		strbuf_addf(&src, "bundle %.8s r%ld", r->id, r->revision);
		for (k = 0; k < r->nr_xsas; k++)
			strbuf_addf(&about, "%sXSA-%d", k ? ", " : "", r->xsas[k]);
		for (k = 0; !rc && k < t.nr; k++)
			embargo_set_add(es, src.buf, about.buf, until, (unsigned)k + 1, (unsigned)t.nr,
				  t.v[k].buf, t.v[k].len);
		texts_release(&t);
		strbuf_release(&src);
		strbuf_release(&about);
	}
	/* Copies of bundles whose embargo is over (or that are gone) go. */
	if (!rc && is_dir(top) && !list_dir(top, &names))
		for (i = 0; i < names.nr; i++)
			if (is_sha256_hex(names.v[i]) && !strvec_contains(&keep, names.v[i])) {
				char *p = path_join(top, names.v[i]);

				remove_tree(p);
				free(p);
			}
	strvec_clear(&names);
	strvec_clear(&keep);
	bundle_store_release(&bs);
	free(top);
	return rc;
}

int embargo_set_load(struct embargo_set *es, const struct embargo_load_opts *o)
{
	struct xsa_store own;
	const struct xsa_store *xs = o->store;
	struct gpg_ctx user;
	struct embargo_load_opts oo = *o;
	int rc = 0;

	embargo_set_init(es, o->date);
	if (!xs) {
		rc = xsa_store_load(&own, o->maint_root);
		if (rc)
			return rc;
		xs = &own;
	}
	if (!oo.gpg) {
		gpg_init(&user, NULL);
		oo.gpg = &user;
	}
	rc = load_store(es, xs, o->date);
	if (!rc)
		rc = load_bundles(es, &oo, xs);
	if (!rc && es->nr) {
		/* What the security team has published is public, whoever repeats it. */
		uint64_t *pub = NULL;
		size_t nr_pub = 0;

		rc = public_changes(xs, o->date, o->src, &pub, &nr_pub);
		if (!rc)
			embargo_set_drop(es, pub, nr_pub);
		free(pub);
	}
	if (!rc && es->nr)
		rc = embargo_set_index(es, o->src);
	if (!o->gpg)
		gpg_release(&user);
	if (!o->store)
		xsa_store_release(&own);
	if (rc)
		embargo_set_release(es);
	return rc;
}

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
	return bsearch(&path, es->paths.v, es->paths.nr, sizeof(*es->paths.v), cmp_str) != NULL;
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
	stream_head(&hi->stream, hi->commits.nr, hi->hexsz);
	pid_text(h, &hi->stream);
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
		rc = patch_ids(o->src, o->env, &hi.stream, pids, hi.commits.nr);
	}
	for (i = 0; !rc && i < hi.commits.nr; i++) {
		struct embargo_pid key, *m;
		size_t lo;

		if (!pids[i][0])
			continue;
		key.pid = pids[i];
		m = bsearch(&key, es->byid, es->nr_byid, sizeof(*es->byid), cmp_byid);
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
	struct strbuf text;	/* normalized (normalize_file) */
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
		qsort(f->lines, f->nr_lines, sizeof(*f->lines), cmp_u64);
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
		normalize_file(blobs.buf + pos, size, &st->f[i].text);
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

		until_str(f->p->until, d);
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
