/*
 * usage.h: one error style for the whole program.
 *
 * Functions below the command layer report a problem once, where it is
 * found, and return a negative exit class so the caller can pass it up:
 *
 *	if (bad)
 *		return error_input("%s:%d: no RESOLUTION section", file, line);
 *
 * A command turns the result into an exit code with exit_code(): 0 stays 0,
 * a positive value is a command's own code, -N becomes N.
 *
 * Messages go to stderr as "xenstable: error: ..." or "xenstable: warning:
 * ...".  Ordinary progress goes through say(), which --quiet silences.
 */
#ifndef XS_USAGE_H
#define XS_USAGE_H

#include "compat.h"

extern const char *xs_progname;
extern int xs_quiet;		/* --quiet: no say() output */
extern int xs_json;		/* --json: machine-readable stdout */

int error_fail(const char *fmt, ...) XS_PRINTF(1, 2);	/* returns -XS_FAIL */
int error_usage(const char *fmt, ...) XS_PRINTF(1, 2);	/* returns -XS_USAGE */
int error_input(const char *fmt, ...) XS_PRINTF(1, 2);	/* returns -XS_INPUT */
int error_env(const char *fmt, ...) XS_PRINTF(1, 2);	/* returns -XS_ENV */
/* error_env() with ": strerror(errno)" appended. */
int error_errno(const char *fmt, ...) XS_PRINTF(1, 2);
/* Report with an explicit class (XS_FAIL ... XS_ENV); returns -class. */
int error_class(int cls, const char *fmt, ...) XS_PRINTF(2, 3);
void warning(const char *fmt, ...) XS_PRINTF(1, 2);
/* Progress for people: stderr, silenced by --quiet. */
void say(const char *fmt, ...) XS_PRINTF(1, 2);

/* For states that cannot be handled: out of memory, broken invariants. */
XS_NORETURN void die(const char *fmt, ...) XS_PRINTF(1, 2);
XS_NORETURN void die_bug(const char *file, int line, const char *fmt, ...) XS_PRINTF(3, 4);
#define BUG(...) die_bug(__FILE__, __LINE__, __VA_ARGS__)

/* -N -> N, 0 -> 0, positive stays. */
static inline int exit_code(int rc)
{
	return rc < 0 ? -rc : rc;
}

/* The more serious of two results (input beats check failure, etc.). */
int worst_result(int a, int b);

/* Flush stdout and report a write error (e.g. EPIPE, ENOSPC) as XS_ENV. */
int finish_stdout(int rc);

/* Test hook: XENSTABLE_STOP_AT=<name>:<k> kills the process with SIGKILL
 * the k-th time crash_point(name) is reached (fault-injection tests);
 * XENSTABLE_PAUSE_AT=<name>:<k> stops it there (SIGSTOP) until SIGCONT,
 * holding its locks (concurrency tests). */
void crash_point(const char *name);

#endif
