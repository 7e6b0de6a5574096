/*
 * test-gzip.c: the deterministic compressors (lib/compress.h).
 *
 * Every output is decompressed with an independent decoder (zlib's
 * inflate for gzip, liblzma's decoder for xz) and compared with the
 * input; every variation that must not matter (threads, how the input
 * is split into writes) is checked to give the same bytes.
 */
#include "unit.h"
#include "lib/compress.h"
#include "lib/hash.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"

#include <lzma.h>
#include <zlib.h>

static uint32_t lcg_state;

static uint32_t lcg(void)
{
	lcg_state = lcg_state * 1103515245u + 12345u;
	return lcg_state >> 8;
}

enum pattern { PAT_TEXT, PAT_RANDOM, PAT_ZERO, PAT_MIXED };

/* Deterministic test input: source-like text, noise, zeros or a mix. */
static unsigned char *make_input(size_t len, enum pattern p)
{
	static const char *const words[] = {
		"static ", "int ", "return ", "struct domain *d", " = ", "if ( ",
		" )\n", "{\n", "}\n", "    ", "xfree(", "spin_lock(&d->lock);\n",
		"/* comment */\n", "unsigned long ", "0x", "rc", "vcpu", ";\n",
	};
	unsigned char *b = xmalloc(len ? len : 1);
	size_t i = 0;

	lcg_state = (uint32_t)len ^ (uint32_t)p * 2654435761u;
	while (i < len) {
		enum pattern q = p;

		if (p == PAT_MIXED)
			q = (enum pattern)((i / 300000) % 3);
		if (q == PAT_TEXT && lcg() % 3 == 0) {
			/* an identifier of 3-10 letters */
			size_t n = 3 + lcg() % 8;

			while (n-- && i < len)
				b[i++] = (unsigned char)('a' + lcg() % 26);
		} else if (q == PAT_TEXT) {
			const char *w = words[lcg() % ARRAY_SIZE(words)];
			size_t n = strlen(w);

			if (n > len - i)
				n = len - i;
			memcpy(b + i, w, n);
			i += n;
		} else if (q == PAT_RANDOM) {
			b[i++] = (unsigned char)lcg();
		} else {
			b[i++] = 0;
		}
	}
	return b;
}

/* Inflate a gzip file with zlib; insist on exactly one member. */
static int gunzip_one_member(const struct strbuf *gz, struct strbuf *out)
{
	z_stream z;
	unsigned char buf[65536];
	int rc;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + 15) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)gz->buf;
	z.avail_in = (uInt)gz->len;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		rc = inflate(&z, Z_NO_FLUSH);
		strbuf_add(out, buf, sizeof(buf) - z.avail_out);
	} while (rc == Z_OK);
	inflateEnd(&z);
	return rc == Z_STREAM_END && z.avail_in == 0 ? 0 : -1;
}

static int unxz(const struct strbuf *xz, struct strbuf *out)
{
	lzma_stream s = LZMA_STREAM_INIT;
	unsigned char buf[65536];
	lzma_ret r;

	if (lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return -1;
	s.next_in = (const uint8_t *)xz->buf;
	s.avail_in = xz->len;
	do {
		s.next_out = buf;
		s.avail_out = sizeof(buf);
		r = lzma_code(&s, LZMA_FINISH);
		strbuf_add(out, buf, sizeof(buf) - s.avail_out);
	} while (r == LZMA_OK);
	lzma_end(&s);
	return r == LZMA_STREAM_END ? 0 : -1;
}

static int sink(void *data, const void *buf, size_t len)
{
	strbuf_add(data, buf, len);
	return 0;
}

/* Compress with writes of `chunk` bytes (0: one write). */
static int compress_chunked(enum compress_format f, int jobs, const unsigned char *in,
			    size_t len, size_t chunk, struct strbuf *out)
{
	struct compressor *c;
	size_t off = 0;
	int rc = compressor_new(&c, f, jobs, sink, out);

	if (rc)
		return rc;
	if (!chunk)
		chunk = len ? len : 1;
	while (!rc && off < len) {
		size_t n = len - off < chunk ? len - off : chunk;

		rc = compressor_write(c, in + off, n);
		off += n;
	}
	if (!rc)
		rc = compressor_finish(c);
	if (!rc && compressor_out_bytes(c) != out->len)
		rc = -1;
	compressor_free(c);
	return rc;
}

TEST(joinable_blocks)
{
	static const size_t sizes[] = { 0, 1, 2, 100, 65535, 65536, 70000, 300001 };
	static const enum pattern pats[] = { PAT_TEXT, PAT_RANDOM, PAT_ZERO };
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (j = 0; j < ARRAY_SIZE(pats); j++) {
			unsigned char *in = make_input(sizes[i], pats[j]);
			struct strbuf gz = STRBUF_INIT, back = STRBUF_INIT;
			int rc = compress_buffer(COMPRESS_GZ, 1, in, sizes[i], &gz);

			CHECK(rc == 0);
			CHECK(gunzip_one_member(&gz, &back) == 0);
			CHECK(back.len == sizes[i] && !memcmp(back.buf, in, sizes[i]));
			strbuf_release(&gz);
			strbuf_release(&back);
			free(in);
		}
	}
}

TEST(make_joinable_rejects_garbage)
{
	unsigned char junk[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	size_t len = 8;

	CHECK(deflate_make_joinable(junk, &len, 0, 0, 0) == -1);
	/* A good stream whose claimed content is wrong is refused too. */
	{
		unsigned char empty_final[8] = { 0x03, 0x00 };

		len = 2;
		CHECK(deflate_make_joinable(empty_final, &len, 1, 0, 0) == 0);
		len = 2;
		CHECK(deflate_make_joinable(empty_final, &len, 1, 1, 0) == -1);
		len = 2;
		CHECK(deflate_make_joinable(empty_final, &len, 0, 0, 0) == 0);
		/* 03 00 -> final bit cleared, 6 bits of the second byte unused. */
		CHECK_INT(len, 6);
		CHECK(empty_final[0] == 0x02 && empty_final[2] == 0 && empty_final[3] == 0 &&
		      empty_final[4] == 0xff && empty_final[5] == 0xff);
	}
}

TEST(gzip_header)
{
	struct strbuf gz = STRBUF_INIT;
	unsigned char *in = make_input(1000, PAT_TEXT);

	CHECK(compress_buffer(COMPRESS_GZ, 2, in, 1000, &gz) == 0);
	CHECK(gz.len > 18);
	/* magic, deflate, no flags (no name), mtime 0, XFL 0, OS 3 (Unix) */
	CHECK(!memcmp(gz.buf, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10));
	/* ISIZE */
	CHECK((unsigned char)gz.buf[gz.len - 4] == (1000 & 0xff) &&
	      (unsigned char)gz.buf[gz.len - 3] == (1000 >> 8));
	CHECK(compress_format_sniff(gz.buf, gz.len) == COMPRESS_GZ);
	strbuf_release(&gz);
	free(in);
}

/* The same bytes for any thread count and any way of splitting the writes. */
TEST(gzip_threads_and_chunks)
{
	static const size_t sizes[] = {
		GZ_BLOCK_SIZE - 1, GZ_BLOCK_SIZE, GZ_BLOCK_SIZE + 1,
		3 * GZ_BLOCK_SIZE + 12345,
	};
	/* thread count and write size, each paired with the others */
	static const struct { int jobs; size_t chunk; } var[] = {
		{ 2, 1000003 }, { 3, 65536 }, { 8, 0 },
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned char *in = make_input(sizes[i], PAT_MIXED);
		struct strbuf ref = STRBUF_INIT, back = STRBUF_INIT;
		char h1[SHA256_HEX_LEN + 1];

		CHECK(compress_chunked(COMPRESS_GZ, 1, in, sizes[i], 0, &ref) == 0);
		CHECK(gunzip_one_member(&ref, &back) == 0);
		CHECK(back.len == sizes[i] && !memcmp(back.buf, in, sizes[i]));
		sha256_hex(ref.buf, ref.len, h1);
		for (j = 0; j < ARRAY_SIZE(var); j++) {
			struct strbuf gz = STRBUF_INIT;
			char h2[SHA256_HEX_LEN + 1];

			CHECK(compress_chunked(COMPRESS_GZ, var[j].jobs, in, sizes[i],
					       var[j].chunk, &gz) == 0);
			sha256_hex(gz.buf, gz.len, h2);
			CHECK_STR(h2, h1);
			strbuf_release(&gz);
		}
		strbuf_release(&ref);
		strbuf_release(&back);
		free(in);
	}
}

/* Byte-at-a-time writes across a block boundary: the slow path. */
TEST(gzip_tiny_writes)
{
	size_t len = GZ_BLOCK_SIZE + 3000;
	unsigned char *in = make_input(len, PAT_MIXED);
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	CHECK(compress_chunked(COMPRESS_GZ, 2, in, len, 0, &a) == 0);
	{
		struct compressor *c;
		size_t off = GZ_BLOCK_SIZE - 5000;
		int rc = compressor_new(&c, COMPRESS_GZ, 2, sink, &b);

		if (!rc)
			rc = compressor_write(c, in, off);
		for (; !rc && off < GZ_BLOCK_SIZE + 2000; off++)
			rc = compressor_write(c, in + off, 1);
		if (!rc)
			rc = compressor_write(c, in + off, len - off);
		if (!rc)
			rc = compressor_finish(c);
		CHECK(rc == 0);
		compressor_free(c);
	}
	CHECK(a.len == b.len && !memcmp(a.buf, b.buf, a.len));
	strbuf_release(&a);
	strbuf_release(&b);
	free(in);
}

/*
 * xz: round trip, and the bytes do not depend on the thread count over
 * two blocks.  The input repeats a text chunk with a counter so liblzma
 * runs fast; the content does not matter to where blocks are cut.
 */
TEST(xz_threads)
{
	size_t len = XZ_BLOCK_SIZE + 777777, i;
	unsigned char *chunk = make_input(65536, PAT_TEXT);
	unsigned char *in = xmalloc(len);

	for (i = 0; i < len; i++)
		in[i] = chunk[i % 65536] ^ (i % 4096 ? 0 : (unsigned char)(i >> 12));
	free(chunk);
	struct strbuf x1 = STRBUF_INIT, x3 = STRBUF_INIT, back = STRBUF_INIT;

	CHECK(compress_chunked(COMPRESS_XZ, 1, in, len, 0, &x1) == 0);
	CHECK(compress_chunked(COMPRESS_XZ, 3, in, len, 1000003, &x3) == 0);
	CHECK(x1.len == x3.len && !memcmp(x1.buf, x3.buf, x1.len));
	CHECK(unxz(&x1, &back) == 0);
	CHECK(back.len == len && !memcmp(back.buf, in, len));
	CHECK(compress_format_sniff(x1.buf, x1.len) == COMPRESS_XZ);
	strbuf_release(&x1);
	strbuf_release(&x3);
	strbuf_release(&back);
	free(in);
}

TEST(formats)
{
	enum compress_format f;
	struct strbuf d = STRBUF_INIT;

	CHECK(compress_format_parse("gz", &f) == 0 && f == COMPRESS_GZ);
	CHECK(compress_format_parse("xz", &f) == 0 && f == COMPRESS_XZ);
	CHECK(compress_format_parse("lz", &f) == -1);
	CHECK(compress_format_parse("zip", &f) == -1);
	CHECK_STR(compress_format_suffix(COMPRESS_LZ), ".tar.lz");
	CHECK(compress_format_sniff("LZIP\x01", 5) == COMPRESS_LZ);
	CHECK(compress_format_sniff("ustar", 5) == COMPRESS_NONE);
	compress_describe(COMPRESS_GZ, &d);
	CHECK(strstr(d.buf, "libdeflate") != NULL);
	strbuf_release(&d);
	CHECK(compress_default_jobs() >= 1);
}

int main(void)
{
	RUN(joinable_blocks);
	RUN(make_joinable_rejects_garbage);
	RUN(gzip_header);
	RUN(gzip_threads_and_chunks);
	RUN(gzip_tiny_writes);
	RUN(xz_threads);
	RUN(formats);
	return unit_done();
}
