/*
 * apply-patch.c: is a patch safe to apply (apply_check_patch(), apply.h):
 * a text diff whose every path stays inside the tree; and the little
 * readings of patch text the other apply-*.c files share.
 */
#include "compat.h"
#include "apply.h"
#include "apply-internal.h"
#include "fs.h"
#include "usage.h"
#include "xalloc.h"

/* ---- patch safety ------------------------------------------------------ */

/* Strip "a/" or "b/" and a trailing "\t<timestamp>"; NULL for /dev/null. */
static char *header_path(const char *s, size_t n, int *quoted)
{
	size_t end = 0;

	*quoted = n && s[0] == '"';
	while (end < n && s[end] != '\t')
		end++;
	while (end && s[end - 1] == ' ')
		end--;
	if (end == 9 && !memcmp(s, "/dev/null", 9))
		return NULL;
	if (end >= 2 && (s[0] == 'a' || s[0] == 'b') && s[1] == '/')
		return xmemdupz(s + 2, end - 2);
	return xmemdupz(s, end);
}

/*
 * Would some filesystem take this path component for git's own directory?
 * Case-insensitive filesystems see ".GIT"; Windows drops trailing dots
 * and spaces (".git.", ".git ") and reads "git~1" as the 8.3 name of
 * ".git"; NTFS stream names follow a ':' (".git::$INDEX_ALLOCATION").
 */
static int component_is_dotgit(const char *c, size_t n)
{
	size_t k = 0;

	while (k < n && c[k] != ':')
		k++;
	n = k;
	while (n && (c[n - 1] == '.' || c[n - 1] == ' '))
		n--;
	return (n == 4 && !strncasecmp(c, ".git", 4)) || (n == 5 && !strncasecmp(c, "git~1", 5));
}

/*
 * A path a patch may touch: inside the tree (no absolute path, no "..",
 * "." or empty component, nor one of dots and spaces only, which Windows
 * reads as "." or ".."), plain ASCII without control characters or
 * backslashes, and no component that is, or a filesystem would take for,
 * ".git" at any depth.
 */
static int check_path(const char *origin, int lineno, const char *path)
{
	const char *p;
	char *shown;
	int rc = 0;

	for (p = path; *p; p++)
		if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20 || *p == 0x7f)
			break;
	if (*p) {
		struct strbuf sb = STRBUF_INIT;

		for (p = path; *p && sb.len < 200; p++) {
			if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20 || *p == 0x7f)
				strbuf_addf(&sb, "\\x%02x", (unsigned char)*p);
			else
				strbuf_addch(&sb, *p);
		}
		rc = error_input("%s:%d: path '%s' holds control or non-ASCII bytes; refusing it",
				 origin, lineno, sb.buf);
		strbuf_release(&sb);
		return rc;
	}
	shown = xstrdup(path);
	if (!path_is_safe(path)) {
		rc = error_input("%s:%d: path '%s' leaves the source tree", origin, lineno, shown);
	} else {
		for (p = path; *p && !rc;) {
			size_t n = strcspn(p, "/"), k;

			for (k = 0; k < n && (p[k] == '.' || p[k] == ' '); k++)
				;
			if (k == n)
				rc = error_input("%s:%d: path '%s' has a component of dots and spaces "
						 "only; refusing it", origin, lineno, shown);
			else if (component_is_dotgit(p, n))
				rc = error_input("%s:%d: patch touches '%s': '%.*s' is, or a filesystem "
						 "would take it for, git's own directory .git",
						 origin, lineno, shown, (int)n, p);
			p += n;
			if (*p == '/')
				p++;
		}
	}
	free(shown);
	return rc;
}

/*
 * "diff --git a/X b/Y": git falls back on these names when a patch has no
 * ---/+++ lines (a mode change, an empty new file, a pure rename), so
 * each name there is checked too.  Names with spaces are split at them
 * and every piece is checked: stricter, never looser.
 */
static int check_diff_line(const char *origin, int lineno, const char *s, size_t n)
{
	size_t i = 0;
	int rc = 0;

	while (!rc && i < n) {
		size_t start, len;
		char *tok;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		start = i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		len = i - start;
		if (!len)
			break;
		if (len >= 2 && (s[start] == 'a' || s[start] == 'b') && s[start + 1] == '/') {
			start += 2;
			len -= 2;
		}
		tok = xmemdupz(s + start, len);
		rc = check_path(origin, lineno, tok);
		free(tok);
	}
	return rc;
}

static int parse_range(const char *s, long *start, long *len)
{
	char *end;

	*start = strtol(s, &end, 10);
	*len = 1;
	if (end == s)
		return -1;
	if (*end == ',') {
		s = end + 1;
		*len = strtol(s, &end, 10);
		if (end == s)
			return -1;
	}
	return 0;
}

/* "@@ -a,b +c,d @@" -> old/new line counts; -1 if malformed. */
int apply_parse_hunk_header(const char *line, size_t n, long *ostart, long *olen,
			    long *nstart, long *nlen)
{
	char *l = xmemdupz(line, n);
	const char *p = l + 3;
	int rc = -1;

	if (*p == '-' && !parse_range(p + 1, ostart, olen)) {
		p = strchr(p, ' ');
		if (p && p[1] == '+' && !parse_range(p + 2, nstart, nlen))
			rc = 0;
	}
	free(l);
	return rc;
}

/* The paths a patch creates ("--- /dev/null" then "+++ b/PATH"). */
void apply_patch_new_files(const char *text, size_t len, struct strvec *out)
{
	size_t pos = 0, n, npos;
	const char *line, *next;
	size_t nn;

	while (next_line(text, len, &pos, &line, &n)) {
		int quoted;
		char *path;

		if (n < 13 || memcmp(line, "--- /dev/null", 13))
			continue;
		npos = pos;
		if (!next_line(text, len, &npos, &next, &nn) || nn < 4 || memcmp(next, "+++ ", 4))
			continue;
		path = header_path(next + 4, nn - 4, &quoted);
		if (path && !quoted && !strvec_contains(out, path))
			strvec_push(out, path);
		free(path);
		pos = npos;
	}
}

int apply_check_patch(const char *origin, const char *text, size_t len)
{
	size_t pos = 0, n, next_pos;
	const char *line, *next;
	size_t next_n;
	int lineno = 0, files = 0, hunks = 0;
	long old_left = 0, new_left = 0;

	if (memchr(text, '\0', len))
		return error_input("%s: contains NUL bytes; not a text patch", origin);
	while (next_line(text, len, &pos, &line, &n)) {
		const char *v;
		char *path;
		int quoted;

		lineno++;
		if (old_left > 0 || new_left > 0) {
			/* Inside a hunk: count lines, interpret nothing. */
			if (n && line[0] == '\\')
				continue;
			if (!n || line[0] == ' ') {
				old_left--;
				new_left--;
			} else if (line[0] == '-') {
				old_left--;
			} else if (line[0] == '+') {
				new_left--;
			} else {
				return error_input("%s:%d: hunk ends early (corrupt patch)", origin,
						   lineno);
			}
			if (old_left < 0 || new_left < 0)
				return error_input("%s:%d: hunk is longer than its header says",
						   origin, lineno);
			continue;
		}
		if (n >= 16 && !memcmp(line, "GIT binary patch", 16))
			return error_input("%s:%d: binary patch; xenstable applies text patches only",
					   origin, lineno);
		if (n >= 13 && !memcmp(line, "Binary files ", 13))
			return error_input("%s:%d: binary file change; refusing it", origin, lineno);
		if (n > 11 && !memcmp(line, "diff --git ", 11)) {
			int rc;

			files++;
			if (memchr(line + 11, '"', n - 11))
				return error_input("%s:%d: quoted path in diff header; refusing it",
						   origin, lineno);
			rc = check_diff_line(origin, lineno, line + 11, n - 11);
			if (rc)
				return rc;
			continue;
		}
		{
			char *l = xmemdupz(line, n);
			int bad = 0;

			if ((skip_prefix(l, "new file mode ", &v) || skip_prefix(l, "new mode ", &v) ||
			     skip_prefix(l, "old mode ", &v) || skip_prefix(l, "deleted file mode ", &v)) &&
			    (!strcmp(v, "120000") || !strcmp(v, "160000")))
				bad = error_input("%s:%d: patch %s a %s; refusing it", origin, lineno,
						  starts_with(l, "deleted") ? "deletes" : "creates",
						  !strcmp(v, "120000") ? "symbolic link" : "submodule");
			else if (skip_prefix(l, "rename from ", &v) || skip_prefix(l, "rename to ", &v) ||
				 skip_prefix(l, "copy from ", &v) || skip_prefix(l, "copy to ", &v))
				bad = *v == '"' ? error_input("%s:%d: quoted path; refusing it", origin,
							      lineno) : check_path(origin, lineno, v);
			free(l);
			if (bad)
				return bad;
		}
		if (n > 4 && !memcmp(line, "--- ", 4)) {
			next_pos = pos;
			if (!next_line(text, len, &next_pos, &next, &next_n) ||
			    next_n < 4 || memcmp(next, "+++ ", 4))
				continue;	/* a "--- " line in the message */
			path = header_path(line + 4, n - 4, &quoted);
			if (quoted) {
				free(path);
				return error_input("%s:%d: quoted path; refusing it", origin, lineno);
			}
			if (path) {
				int rc = check_path(origin, lineno, path);

				free(path);
				if (rc)
					return rc;
			}
			path = header_path(next + 4, next_n - 4, &quoted);
			if (quoted) {
				free(path);
				return error_input("%s:%d: quoted path; refusing it", origin, lineno + 1);
			}
			if (path) {
				int rc = check_path(origin, lineno + 1, path);

				free(path);
				if (rc)
					return rc;
			}
			pos = next_pos;
			lineno++;
			if (!files)
				files++;
			continue;
		}
		if (n > 3 && !memcmp(line, "@@ ", 3) && files) {
			long os, ns;

			if (apply_parse_hunk_header(line, n, &os, &old_left, &ns, &new_left))
				return error_input("%s:%d: malformed hunk header", origin, lineno);
			hunks++;
		}
	}
	if (old_left > 0 || new_left > 0)
		return error_input("%s: patch is truncated (last hunk incomplete)", origin);
	if (!files || !hunks)
		return error_input("%s: not a patch (no file changes found)", origin);
	return 0;
}
