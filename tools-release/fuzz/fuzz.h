/*
 * fuzz.h: what every libFuzzer target shares.
 *
 * Each fuzz-NAME.c defines LLVMFuzzerTestOneInput() and calls one parser
 * of untrusted input the way xenstable does, then frees what it made:
 * ASan and UBSan find memory errors, the leak checker finds what a
 * parser forgets.  Error messages are normal output for bad input; the
 * runner closes stderr (-close_fd_mask) so they cost nothing.
 */
#ifndef XS_FUZZ_H
#define XS_FUZZ_H

#include "compat.h"
#include "usage.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A NUL-terminated copy: the parsers take (text, len) but some callers
 * hand them strings, so both views must be safe. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Split off the first byte as a selector for targets with several entry points. */
static inline unsigned fuzz_pick(const uint8_t **data, size_t *size)
{
	unsigned k;

	if (!*size)
		return 0;
	k = (*data)[0];
	(*data)++;
	(*size)--;
	return k;
}

#include "fs.h"

/* Targets that read a file: one scratch directory per process, removed
 * at exit (libFuzzer leaves through exit()). */
static char *fuzz_scratch_root;

static inline void fuzz_scratch_remove(void)
{
	remove_tree(fuzz_scratch_root);
}

/* A path SUB (may hold one directory level, made here) under the
 * scratch directory named after TARGET; aborts if it cannot be made. */
static inline char *fuzz_scratch_file(const char *target, const char *sub)
{
	char *file, *slash;

	fuzz_scratch_root = make_temp_dir(target);
	if (!fuzz_scratch_root)
		abort();
	atexit(fuzz_scratch_remove);
	file = path_join(fuzz_scratch_root, sub);
	slash = strrchr(file, '/');
	*slash = '\0';
	if (mkdir_p(file, 0755))
		abort();
	*slash = '/';
	return file;
}

#define FUZZ_QUIET() int LLVMFuzzerInitialize(int *argc, char ***argv) \
	{ (void)argc; (void)argv; xs_quiet = 1; return 0; }

#endif
