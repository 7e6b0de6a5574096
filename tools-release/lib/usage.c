#include "compat.h"
#include "usage.h"
#include "escape.h"
#include "strbuf.h"

#include <pthread.h>

#include <signal.h>

const char *xs_progname = "xenstable";
int xs_quiet;
int xs_json;

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	char msg[4096];
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);

	if (n < 0)
		n = 0;
	/* A message longer than the buffer is cut and says so.  Untrusted
	 * text in it (a title, a file name from a mail) is escaped.  What went
	 * to stdout so far comes first, when both go to one place. */
	fflush(stdout);
	fprintf(stderr, "%s: %s", xs_progname, prefix);
	text_fput(stderr, msg, strlen(msg), TEXT_ALLOW_TAB | TEXT_ALLOW_NEWLINE);
	fprintf(stderr, "%s\n", (size_t)n >= sizeof(msg) ? " [...]" : "");
}

#define DEFINE_ERROR(name, cls)				\
int name(const char *fmt, ...)				\
{							\
	va_list ap;					\
	va_start(ap, fmt);				\
	vreport("error: ", fmt, ap);			\
	va_end(ap);					\
	return -(cls);					\
}

DEFINE_ERROR(error_fail, XS_FAIL)
DEFINE_ERROR(error_usage, XS_USAGE)
DEFINE_ERROR(error_input, XS_INPUT)
DEFINE_ERROR(error_env, XS_ENV)

int error_class(int cls, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
	return -cls;
}

int error_errno(const char *fmt, ...)
{
	char msg[4096];
	int saved = errno;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		msg[0] = '\0';
	fflush(stdout);
	fprintf(stderr, "%s: error: ", xs_progname);
	text_fput(stderr, msg, strlen(msg), TEXT_ALLOW_TAB | TEXT_ALLOW_NEWLINE);
	fprintf(stderr, "%s: %s\n", n >= 0 && (size_t)n >= sizeof(msg) ? " [...]" : "",
		strerror(saved));
	errno = saved;
	return -XS_ENV;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void say(const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb = STRBUF_INIT;

	if (xs_quiet)
		return;
	fflush(stdout);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	text_fput(stderr, sb.buf, sb.len, TEXT_ALLOW_TAB | TEXT_ALLOW_NEWLINE);
	fputc('\n', stderr);
	strbuf_release(&sb);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("fatal: ", fmt, ap);
	va_end(ap);
	exit(XS_ENV);
}

void die_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: BUG at %s:%d: ", xs_progname, file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

int worst_result(int a, int b)
{
	int ea = exit_code(a), eb = exit_code(b);

	/* Environment and input problems outrank a failed check. */
	return ea >= eb ? a : b;
}

int finish_stdout(int rc)
{
	if (fflush(stdout) || ferror(stdout)) {
		int e = errno;
		/* A closed pipe (| head) is the reader's choice, not an error. */
		if (e == EPIPE)
			return rc;
		fprintf(stderr, "%s: error: cannot write standard output: %s\n",
			xs_progname, strerror(e));
		return -XS_ENV;
	}
	return rc;
}

/* Does spec ("name:k") ask for the k-th reach of name? */
static int hook_matches(const char *spec, const char *name, long reached)
{
	const char *colon;
	size_t len;

	if (!spec || !*spec)
		return 0;
	colon = strrchr(spec, ':');
	len = colon ? (size_t)(colon - spec) : strlen(spec);
	if (strlen(name) != len || strncmp(spec, name, len))
		return 0;
	return reached == (colon ? strtol(colon + 1, NULL, 10) : 1);
}

void crash_point(const char *name)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static long counts[64];
	static char names[64][48];
	const char *stop = getenv("XENSTABLE_STOP_AT"), *pause = getenv("XENSTABLE_PAUSE_AT");
	long reached = 0;
	size_t i;

	if ((!stop || !*stop) && (!pause || !*pause))
		return;
	/* Runs of xsa apply --all reach points from several threads. */
	pthread_mutex_lock(&mu);
	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		if (!names[i][0])
			snprintf(names[i], sizeof(names[i]), "%s", name);
		if (!strcmp(names[i], name)) {
			reached = ++counts[i];
			break;
		}
	}
	pthread_mutex_unlock(&mu);
	if (hook_matches(stop, name, reached)) {
		fprintf(stderr, "%s: XENSTABLE_STOP_AT: killed at %s:%ld\n",
			xs_progname, name, reached);
		fflush(NULL);
		kill(getpid(), SIGKILL);
	}
	if (hook_matches(pause, name, reached)) {
		/* Stopped, holding whatever it holds, until SIGCONT. */
		fprintf(stderr, "%s: XENSTABLE_PAUSE_AT: paused at %s:%ld (pid %ld)\n",
			xs_progname, name, reached, (long)getpid());
		fflush(NULL);
		raise(SIGSTOP);
	}
}
