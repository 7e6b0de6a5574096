#include "compat.h"
#include "quote.h"
#include "strvec.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdarg.h>

static int is_plain(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (!(isalnum(c) || strchr("_./:@%+=,-", c)) || c >= 0x80)
			return 0;
	}
	return 1;
}

void sq_quote_buf(struct strbuf *dst, const char *arg)
{
	int open = 0;

	if (is_plain(arg)) {
		strbuf_addstr(dst, arg);
		return;
	}
	if (!*arg) {
		strbuf_addstr(dst, "''");
		return;
	}
	for (; *arg; arg++) {
		unsigned char c = (unsigned char)*arg;

		if ((c < 0x20 && c != '\n') || c == 0x7f) {
			if (open)
				strbuf_addch(dst, '\'');
			open = 0;
			strbuf_addf(dst, "$'\\%03o'", c);
			continue;
		}
		if (!open)
			strbuf_addch(dst, '\'');
		open = 1;
		if (c == '\'')
			strbuf_addstr(dst, "'\\''");
		else
			strbuf_addch(dst, (char)c);
	}
	if (open)
		strbuf_addch(dst, '\'');
}

void sq_quote_argv(struct strbuf *dst, const char *const *argv)
{
	size_t i;

	for (i = 0; argv[i]; i++) {
		if (i || (dst->len && dst->buf[dst->len - 1] != ' '))
			strbuf_addch(dst, ' ');
		sq_quote_buf(dst, argv[i]);
	}
}

static void quote_va(struct strbuf *dst, const char *first, va_list ap)
{
	const char *a;
	int n = 0;

	for (a = first; a; a = va_arg(ap, const char *), n++) {
		if (n || (dst->len && dst->buf[dst->len - 1] != ' '))
			strbuf_addch(dst, ' ');
		sq_quote_buf(dst, a);
	}
}

void sq_quote_argl(struct strbuf *dst, const char *first, ...)
{
	va_list ap;

	va_start(ap, first);
	quote_va(dst, first, ap);
	va_end(ap);
}

static struct strvec self = STRVEC_INIT;

/* Is name, looked up in $PATH as a shell would, the file at exe? */
static int path_finds(const char *name, const char *exe)
{
	const char *path = getenv("PATH"), *p;
	struct stat a, b;

	if (!path || !exe || stat(exe, &a))
		return 0;
	for (p = path; ; ) {
		size_t n = strcspn(p, ":");
		char *cand = n ? xstrfmt("%.*s/%s", (int)n, p, name) : xstrfmt("./%s", name);
		int hit = !access(cand, X_OK) && !stat(cand, &b) && S_ISREG(b.st_mode);

		free(cand);
		if (hit)	/* the first one found is the one that runs */
			return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
		if (!p[n])
			break;
		p += n + 1;
	}
	return 0;
}

/* An absolute form of path, resolved when it exists.  malloc()ed. */
static char *absolute(const char *path)
{
	char *r = realpath(path, NULL), cwd[PATH_MAX];

	if (r)
		return r;
	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return xstrdup(path);
	return xstrfmt("%s/%s", cwd, path);
}

void self_cmd_init(const char *argv0, const char *dir, const char *source)
{
	char *exe = realpath("/proc/self/exe", NULL);

	strvec_clear(&self);
	if (!exe && argv0 && strchr(argv0, '/'))
		exe = realpath(argv0, NULL);
	if (path_finds("xenstable", exe))
		strvec_push(&self, "xenstable");
	else
		strvec_push(&self, exe ? exe : "xenstable");
	free(exe);
	if (dir) {
		char *abs = absolute(dir);

		strvec_pushl(&self, "-C", abs, NULL);
		free(abs);
	}
	if (source) {
		char *abs = absolute(source);

		strvec_pushl(&self, "--source", abs, NULL);
		free(abs);
	}
}

void self_cmd_release(void)
{
	strvec_clear(&self);
}

static void self_va(struct strbuf *dst, const char *first, va_list ap)
{
	if (!self.nr)
		strvec_push(&self, "xenstable");
	sq_quote_argv(dst, self.v);
	quote_va(dst, first, ap);
}

void self_cmd(struct strbuf *dst, const char *first, ...)
{
	va_list ap;

	va_start(ap, first);
	self_va(dst, first, ap);
	va_end(ap);
}

char *self_cmd_str(const char *first, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, first);
	self_va(&sb, first, ap);
	va_end(ap);
	return strbuf_detach(&sb, NULL);
}
