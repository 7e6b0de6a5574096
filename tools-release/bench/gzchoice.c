/*
 * gzchoice: measure the two candidate deflate libraries on one tar file,
 * the way xenstable's gzip cuts it: fixed-size blocks joined into one
 * deflate stream.
 *
 *	gzchoice FILE.tar [BLOCK_KIB...]
 *
 * XS_GZCHOICE_MAX_LEVEL=12 adds libdeflate's slow levels 10-12.
 *
 * For each block size (default 1024) and level it prints the gzip size
 * (header and trailer included) and the single-core CPU seconds:
 *  - zlib: each block primed with the previous 32 KiB (deflateSetDictionary)
 *    and ended with Z_SYNC_FLUSH, the last with Z_FINISH (what pigz does);
 *  - libdeflate: each block compressed alone (the library takes no
 *    dictionary), decoded against its input and its final-block bit
 *    found by xenstable's own walk (lib/deflate-walk.c), the bit cleared
 *    and an empty stored block appended to realign.  The joined
 *    stream is inflated (untimed) to prove it is what it claims.
 * Used by tools-release/bench/tarball.sh; the numbers chose the library
 * (see tools-release/TARBALL.md).
 */
#define _GNU_SOURCE 1
#include "deflate-walk.h"

#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

/* Best of three runs: the machine may be busy. */
#define REPEAT 3

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t alloc = 0, n;

	if (!f)
		return NULL;
	*len = 0;
	for (;;) {
		if (*len + 65536 > alloc) {
			alloc = alloc ? alloc * 2 : 1 << 20;
			buf = realloc(buf, alloc);
			if (!buf)
				exit(4);
		}
		n = fread(buf + *len, 1, alloc - *len, f);
		if (!n)
			break;
		*len += n;
	}
	fclose(f);
	return buf;
}

/* The joined raw deflate stream of the last run, to check it decodes. */
static unsigned char *joined;
static size_t joined_len;

static void keep(const unsigned char *p, size_t n)
{
	joined = realloc(joined, joined_len + n);
	if (!joined)
		exit(4);
	memcpy(joined + joined_len, p, n);
	joined_len += n;
}

/* Does the joined stream inflate back to the input? */
static int joined_ok(const unsigned char *in, size_t len)
{
	unsigned char *back = malloc(len + 1);
	z_stream z;
	int rc, ok;

	memset(&z, 0, sizeof(z));
	inflateInit2(&z, -15);
	z.next_in = joined;
	z.avail_in = (uInt)joined_len;
	z.next_out = back;
	z.avail_out = (uInt)len + 1;
	rc = inflate(&z, Z_FINISH);
	ok = rc == Z_STREAM_END && z.avail_in == 0 && z.total_out == len &&
		!memcmp(back, in, len);
	inflateEnd(&z);
	free(back);
	joined_len = 0;
	return ok;
}

/* zlib: primed blocks with sync flushes; returns the deflate size. */
static size_t zlib_run(const unsigned char *in, size_t len, size_t block, int level)
{
	size_t total = 0, off;
	unsigned char *out = malloc(compressBound((uLong)block) + 64);

	for (off = 0; off < len; off += block) {
		size_t n = len - off < block ? len - off : block;
		int last = off + n == len;
		z_stream z;

		memset(&z, 0, sizeof(z));
		if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			exit(4);
		if (off) {
			size_t d = off < 32768 ? off : 32768;

			deflateSetDictionary(&z, in + off - d, (uInt)d);
		}
		z.next_in = (unsigned char *)in + off;
		z.avail_in = (uInt)n;
		z.next_out = out;
		z.avail_out = (uInt)(compressBound((uLong)block) + 64);
		if (deflate(&z, last ? Z_FINISH : Z_SYNC_FLUSH) == Z_STREAM_ERROR)
			exit(4);
		total += (size_t)(z.next_out - out);
		keep(out, (size_t)(z.next_out - out));
		deflateEnd(&z);
	}
	free(out);
	return total;
}

static size_t ldf_run(const unsigned char *in, size_t len, size_t block, int level,
		      double *scan_cpu)
{
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
	size_t bound = libdeflate_deflate_compress_bound(c, block) + 8;
	unsigned char *out = malloc(bound);
	size_t total = 0, off;

	*scan_cpu = 0;
	for (off = 0; off < len; off += block) {
		size_t n = len - off < block ? len - off : block;
		size_t m = libdeflate_deflate_compress(c, in + off, n, out, bound);

		if (!m)
			exit(4);
		{
			/* What xenstable does: decode against the input, find the bit. */
			struct deflate_walk w;
			double t0 = cpu_now();

			if (deflate_walk(out, m, in + off, n, &w))
				exit(4);
			*scan_cpu += cpu_now() - t0;
			if (off + n < len) {
				out[w.final_bit / 8] &= (unsigned char)~(1u << (w.final_bit % 8));
				/* an empty stored block realigns to a byte */
				if (w.pad_bits < 3)
					out[m++] = 0;
				out[m++] = 0;
				out[m++] = 0;
				out[m++] = 0xff;
				out[m++] = 0xff;
			}
		}
		keep(out, m);
		total += m;
	}
	libdeflate_free_compressor(c);
	free(out);
	return total;
}

int main(int argc, char **argv)
{
	size_t len, blocks[8];
	int nb = 0, i, level, r, max_level = 9;
	unsigned char *in;

	if (argc < 2) {
		fprintf(stderr, "usage: gzchoice FILE.tar [BLOCK_KIB...]\n");
		return 2;
	}
	in = slurp(argv[1], &len);
	if (!in) {
		perror(argv[1]);
		return 4;
	}
	for (i = 2; i < argc && nb < 8; i++)
		blocks[nb++] = (size_t)strtoul(argv[i], NULL, 10) * 1024;
	if (!nb)
		blocks[nb++] = 1024 * 1024;
	if (getenv("XS_GZCHOICE_MAX_LEVEL"))
		max_level = atoi(getenv("XS_GZCHOICE_MAX_LEVEL"));

	printf("| library | level | block | gzip bytes | CPU s (1 core) | of which walk |\n");
	printf("|---|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < nb; i++) {
		for (level = 6; level <= 9; level += 3) {
			double best = 1e9;
			size_t sz = 0;

			for (r = 0; r < REPEAT; r++) {
				double t0 = cpu_now();

				sz = zlib_run(in, len, blocks[i], level) + 18;
				if (cpu_now() - t0 < best)
					best = cpu_now() - t0;
				if (!joined_ok(in, len)) {
					fprintf(stderr, "gzchoice: joined stream does not decode\n");
					return 1;
				}
			}
			printf("| zlib %s | %d | %zu KiB | %zu | %.2f | - |\n", zlibVersion(), level,
			       blocks[i] / 1024, sz, best);
			fflush(stdout);
		}
		for (level = 6; level <= max_level; level++) {
			double best = 1e9, best_scan = 0;
			size_t sz = 0;

			for (r = 0; r < REPEAT; r++) {
				double scan, t0 = cpu_now();

				sz = ldf_run(in, len, blocks[i], level, &scan) + 18;
				if (cpu_now() - t0 < best) {
					best = cpu_now() - t0;
					best_scan = scan;
				}
				if (!joined_ok(in, len)) {
					fprintf(stderr, "gzchoice: joined stream does not decode\n");
					return 1;
				}
			}
			printf("| libdeflate %s | %d | %zu KiB | %zu | %.2f | %.2f |\n",
			       LIBDEFLATE_VERSION_STRING, level, blocks[i] / 1024, sz, best,
			       best_scan);
			fflush(stdout);
		}
	}
	free(in);
	return 0;
}
