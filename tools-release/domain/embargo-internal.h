/* embargo-internal.h: private to domain/embargo*.c; nothing else includes it. */
#ifndef XS_EMBARGO_INTERNAL_H
#define XS_EMBARGO_INTERNAL_H

#include "embargo.h"

#define EMBARGO_MAX_PATCH ((size_t)64 << 20)

/* embargo-diff.c */
int embargo_is_space(char c);
/* A file's lines, and a hunk's, without whitespace (the tree check compares these). */
void embargo_normalize_file(const char *text, size_t len, struct strbuf *out);
void embargo_normalize_hunk(const char *hunk, size_t len, struct strbuf *out);
/* The text git patch-id sees for a hunk: paths, no extended header. */
void embargo_pid_text(const struct embargo_diff_hunk *h, struct strbuf *out);
int embargo_cmp_u64(const void *a, const void *b);
/*
 * Run git patch-id --stable over stream, whose patches are headed
 * "commit <n in hex>" (1-based, hexsz digits); pids[n-1] gets each id.
 */
int embargo_patch_ids(const struct git_repo *src, const struct strvec *env, const struct strbuf *stream,
	      char (*pids)[GIT_MAX_HEXSZ + 1], size_t nr);
void embargo_stream_head(struct strbuf *stream, size_t n, int hexsz);

/* embargo.c */
int embargo_cmp_byid(const void *a, const void *b);
int embargo_cmp_str(const void *a, const void *b);
void embargo_until_str(int64_t t, char d[32]);

/* embargo-bundles.c: every kept bundle under embargo on o->date into es. */
int embargo_load_bundles(struct embargo_set *es, const struct embargo_load_opts *o,
		 const struct xsa_store *xs);

#endif
