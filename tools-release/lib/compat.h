/*
 * compat.h: the one header every xenstable source includes first.
 *
 * It pulls in the system headers we rely on and bans the string functions
 * that cannot know the size of their destination.  Use struct strbuf
 * (strbuf.h) for anything that grows, and check every snprintf().
 */
#ifndef XS_COMPAT_H
#define XS_COMPAT_H

#define _GNU_SOURCE 1

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define XS_NORETURN __attribute__((noreturn))
#define XS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define XS_UNUSED __attribute__((unused))
#else
#define XS_NORETURN
#define XS_PRINTF(f, a)
#define XS_UNUSED
#endif

/* Fixed exit codes; documented in xenstable.1 (EXIT STATUS). */
enum xs_exit {
	XS_OK = 0,	/* everything passed */
	XS_FAIL = 1,	/* a check did not pass (pending XSA, conflict, mismatch in a report) */
	XS_USAGE = 2,	/* bad command line */
	XS_INPUT = 3,	/* input rejected: malformed, bad signature, hash mismatch, unsafe path, embargo */
	XS_ENV = 4,	/* environment: missing tool, I/O error, lock held */
};

#include "banned.h"

#endif
