/* A tarball someone hands `tarball verify` or `verify`: the compressed
 * stream (gzip, xz, lzip, plain) hashed, and the tar entries walked. */
#include "fuzz.h"
#include "unpack.h"

static char *file;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xs_quiet = 1;
	file = fuzz_scratch_file("fuzz-tar", "xen.tar");
	return 0;
}

static int count_entry(const struct tar_entry *e, void *data)
{
	size_t *n = data;

	if (!e->path || !e->link)
		__builtin_trap();
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct unpack_stream *u;
	char buf[4096], hex[SHA256_HEX_LEN + 1];
	uint64_t fsize;
	size_t n = 0;

	if (write_file_atomic(file, data, size, 0600))
		abort();
	if (!unpack_open(&u, file)) {
		ssize_t r;

		while ((r = unpack_read(u, buf, sizeof(buf))) > 0)
			;
		if (!unpack_file_sha256(u, hex, &fsize) && fsize != size)
			__builtin_trap();	/* the raw file is what we wrote */
		unpack_close(u);
	}
	tar_walk_file(file, count_entry, &n);
	return 0;
}
