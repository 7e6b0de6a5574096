/*
 * suggest.h: "did you mean ...?" for a word that names nothing known
 * (a command, a sub-command, a branch).
 */
#ifndef XS_SUGGEST_H
#define XS_SUGGEST_H

#include "compat.h"

/* The edit distance (insert, delete, substitute, swap two neighbours). */
size_t suggest_distance(const char *a, const char *b);
/* The candidate closest to word, when close enough to be a likely slip
 * (a few edits for its length, or word is a prefix of it and of no
 * other); NULL otherwise.  cands is NULL-terminated. */
const char *suggest_closest(const char *word, const char *const *cands);

#endif
