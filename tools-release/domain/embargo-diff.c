/*
 * embargo-diff.c: reading diffs for the embargo check (embargo.h): hunks
 * out of any patch text, their lines without whitespace, hashed, and their
 * git patch-ids.
 */
#include "compat.h"
#include "embargo.h"
#include "embargo-internal.h"
#include "usage.h"
#include "xalloc.h"

/* ---- reading diffs --------------------------------------------------------- */

int embargo_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

uint64_t embargo_line_hash(const char *line, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;
	int any = 0;

	for (i = 0; i < len; i++) {
		if (embargo_is_space(line[i]))
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
		if (!embargo_is_space(line[i]))
			strbuf_addch(out, line[i]);
}

void embargo_normalize_file(const char *text, size_t len, struct strbuf *out)
{
	size_t pos = 0, n;
	const char *line;

	while (next_line(text, len, &pos, &line, &n)) {
		strip_ws(line, n, out);
		if (pos <= len && (pos < len || (len && text[len - 1] == '\n')))
			strbuf_addch(out, '\n');
	}
}

void embargo_normalize_hunk(const char *hunk, size_t len, struct strbuf *out)
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
void embargo_pid_text(const struct embargo_diff_hunk *h, struct strbuf *out)
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

int embargo_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Run git patch-id --stable over stream, whose patches are headed
 * "commit <n in hex>" (1-based, hexsz digits); pids[n-1] gets each id.
 */
int embargo_patch_ids(const struct git_repo *src, const struct strvec *env, const struct strbuf *stream,
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

void embargo_stream_head(struct strbuf *stream, size_t n, int hexsz)
{
	strbuf_addf(stream, "commit %0*zx\n\n", hexsz, n);
}
