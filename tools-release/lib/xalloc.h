/*
 * xalloc.h: allocation that cannot fail.  Running out of memory ends the
 * program with exit 4 (environment); nothing has been half-written at that
 * point because every output goes through a temporary file.
 */
#ifndef XS_XALLOC_H
#define XS_XALLOC_H

#include "compat.h"

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xmemdupz(const void *p, size_t n);
char *xstrfmt(const char *fmt, ...) XS_PRINTF(1, 2);

/* Grow array x (with nr used, alloc allocated) to hold at least n elements. */
#define ALLOC_GROW(x, n, alloc) do {					\
	if ((n) > (alloc)) {						\
		size_t new_alloc_ = (alloc) < 16 ? 16 : (alloc) * 2;	\
		if (new_alloc_ < (n))					\
			new_alloc_ = (n);				\
		(x) = xreallocarray((x), new_alloc_, sizeof(*(x)));	\
		(alloc) = new_alloc_;					\
	}								\
} while (0)

void *xreallocarray(void *p, size_t nmemb, size_t size);

#endif
