/*
 * unpack.h: read compressed tarballs with libarchive.
 *
 * Two views of the same file: the decompressed byte stream, to hash it;
 * and the tar entries, to say which paths differ when the hashes do.
 * The stream of xz and lzip files comes from libarchive's raw format
 * behind its read filters (liblzma checks their CRCs); gzip goes through
 * zlib, which checks each member's CRC-32 and length (libarchive's gzip
 * filter does not).  Only those filters are enabled, so no external
 * program is ever run.
 * Files are opened with O_NOFOLLOW.
 */
#ifndef XS_UNPACK_H
#define XS_UNPACK_H

#include "compat.h"
#include "compress.h"
#include "hash.h"

struct unpack_stream;

/* Open path; its format is sniffed from the first bytes (plain tar allowed). */
int unpack_open(struct unpack_stream **u, const char *path);
enum compress_format unpack_format(const struct unpack_stream *u);
/* Up to len decompressed bytes: >0, 0 at the end, <0 error (reported). */
ssize_t unpack_read(struct unpack_stream *u, void *buf, size_t len);
/*
 * SHA-256 and size of the raw file: reads what the decompressor left
 * (trailing bytes included), so call it after unpack_read() gave 0 or
 * failed.
 */
int unpack_file_sha256(struct unpack_stream *u, char hex[SHA256_HEX_LEN + 1],
		       uint64_t *size);
void unpack_close(struct unpack_stream *u);

/* One tar entry as the comparison needs it. */
struct tar_entry {
	const char *path;
	char type;		/* 'f' file, 'd' directory, 'l' symlink, 'h' hard link, 'o' other */
	unsigned mode;		/* permission bits */
	uint64_t size;
	char sha256[SHA256_HEX_LEN + 1];	/* content (regular files) */
	const char *link;	/* link target, or "" */
	int64_t mtime;
};
typedef int (*tar_entry_fn)(const struct tar_entry *e, void *data);

/* Walk the entries of a tarball file (any format unpack_open() takes). */
int tar_walk_file(const char *path, tar_entry_fn fn, void *data);
/* Walk a plain tar read from fd (a pipe); origin names it in errors. */
int tar_walk_fd(int fd, const char *origin, tar_entry_fn fn, void *data);

#endif
