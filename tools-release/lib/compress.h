/*
 * compress.h: deterministic gzip and xz, in parallel.
 *
 * The bytes written depend only on the input and on the library version
 * (libdeflate for gzip, liblzma for xz), never on the number of threads,
 * the machine, the time zone, the locale or the umask.  tools-release/
 * TARBALL.md is the specification; in short:
 *
 *  gzip  one member: header 1f 8b 08, no flags, mtime 0, XFL 0, OS 3.
 *        The input is cut into GZ_BLOCK_SIZE blocks; each is compressed
 *        alone by libdeflate at GZ_LEVEL (the library takes no preset
 *        dictionary), the final-block bit of every block but the last is
 *        cleared and an empty stored block realigns it to a byte, so the
 *        pieces join into one deflate stream.  Every block is decoded
 *        once against its input (that finds the bit and proves it).
 *  xz    liblzma's multithreaded encoder, preset XZ_PRESET, CRC64,
 *        XZ_BLOCK_SIZE blocks; the same bytes as
 *        "xz --threads=2 --block-size=8MiB -6".
 *
 * Output goes to a sink, called in order from the thread that calls
 * compressor_write() and compressor_finish().
 */
#ifndef XS_COMPRESS_H
#define XS_COMPRESS_H

#include "compat.h"
#include "strbuf.h"

#define GZ_LEVEL 7
#define GZ_BLOCK_SIZE ((size_t)2 << 20)
#define XZ_PRESET 6
#define XZ_BLOCK_SIZE ((uint64_t)8 << 20)
/* --jobs beyond this is refused; memory grows with jobs. */
#define COMPRESS_MAX_JOBS 64

enum compress_format {
	COMPRESS_NONE = 0,	/* a plain tar */
	COMPRESS_GZ,
	COMPRESS_XZ,
	COMPRESS_LZ,		/* lzip: read only */
};

/* "gz", "xz", "lz", "tar". */
const char *compress_format_name(enum compress_format f);
/* ".tar.gz", ".tar.xz", ".tar.lz", ".tar". */
const char *compress_format_suffix(enum compress_format f);
/* "gz" / "xz" -> format (writable ones only); -1 otherwise. */
int compress_format_parse(const char *name, enum compress_format *f);
/* Which format do these first bytes start (NONE when none we know)? */
enum compress_format compress_format_sniff(const void *head, size_t len);
/* One line naming the library, its version and the fixed settings. */
void compress_describe(enum compress_format f, struct strbuf *out);
/* Number of online CPUs, at least 1 and at most COMPRESS_MAX_JOBS. */
int compress_default_jobs(void);

/* Receives output in order; returns 0 or a negative exit class (reported). */
typedef int (*compress_sink_fn)(void *data, const void *buf, size_t len);

struct compressor;

/* Start a compressor with jobs threads (1..COMPRESS_MAX_JOBS). */
int compressor_new(struct compressor **c, enum compress_format f, int jobs,
		   compress_sink_fn sink, void *sink_data);
int compressor_write(struct compressor *c, const void *buf, size_t len);
/* Compress what is left and write the trailer.  Call once. */
int compressor_finish(struct compressor *c);
/* Compressed bytes handed to the sink so far. */
uint64_t compressor_out_bytes(const struct compressor *c);
/* Stop the threads and free everything (also after an error). */
void compressor_free(struct compressor *c);

/* Compress a buffer in memory (bundles); appends to out. */
int compress_buffer(enum compress_format f, int jobs, const void *buf, size_t len,
		    struct strbuf *out);

/*
 * The gzip block step, exposed for tests: make the raw deflate stream
 * def[0..*len) (one whole stream, as libdeflate writes it) joinable by
 * clearing its final-block bit and appending an empty stored block.  def
 * needs 5 spare bytes.  The stream must decompress to exactly
 * want[0..want_len) (lib/deflate-walk.h checks it while finding the
 * bit).  0 ok, -1 if the stream is bad.
 */
int deflate_make_joinable(unsigned char *def, size_t *len, int keep_final,
			  const unsigned char *want, size_t want_len);

#endif
