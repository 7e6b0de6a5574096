/*
 * strvec.h: a NULL-terminated array of owned strings, for argv and env.
 * v is never NULL (an empty strvec points at a static { NULL }).
 * strvec_clear() frees every string and the array.
 */
#ifndef XS_STRVEC_H
#define XS_STRVEC_H

#include "compat.h"

struct strvec {
	const char **v;
	size_t nr;
	size_t alloc;
};

extern const char *strvec_empty[];
#define STRVEC_INIT { strvec_empty, 0, 0 }

void strvec_init(struct strvec *sv);
void strvec_push(struct strvec *sv, const char *s);
void strvec_pushf(struct strvec *sv, const char *fmt, ...) XS_PRINTF(2, 3);
/* Push every argument up to a terminating NULL. */
void strvec_pushl(struct strvec *sv, ...);
void strvec_pushv(struct strvec *sv, const char *const *v);
void strvec_pop(struct strvec *sv);
void strvec_clear(struct strvec *sv);
int strvec_contains(const struct strvec *sv, const char *s);
/* Split s at any of the characters in seps, skipping empty fields. */
void strvec_split(struct strvec *sv, const char *s, const char *seps);
void strvec_sort(struct strvec *sv);

#endif
