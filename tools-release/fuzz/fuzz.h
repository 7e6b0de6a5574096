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

#define FUZZ_QUIET() int LLVMFuzzerInitialize(int *argc, char ***argv) \
	{ (void)argc; (void)argv; xs_quiet = 1; return 0; }

#endif
