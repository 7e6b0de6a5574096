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
#include "lib/deflate-walk.h"
#include "lib/hash.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "tests/zlib-walk.h"

#include <libdeflate.h>
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

/* The walk against zlib on one stream known to be good. */
static int walk_matches_zlib(const unsigned char *def, size_t len, const unsigned char *in,
			     size_t in_len)
{
	struct deflate_walk a, b;

	if (zlib_walk(def, len, NULL, &b) || b.out_len != in_len)
		return 0;
	if (deflate_walk(def, len, in, in_len, &a) || deflate_walk(def, len, NULL, 0, &b))
		return 0;
	return a.final_bit == b.final_bit && a.pad_bits == b.pad_bits &&
		a.out_len == in_len && b.out_len == in_len;
}

static size_t zlib_deflate_raw(const unsigned char *in, size_t len, int level, int strategy,
			       int flush_midway, unsigned char *out, size_t cap)
{
	z_stream z;
	size_t half = len / 2;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, strategy) != Z_OK)
		return 0;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)(flush_midway ? half : len);
	if (flush_midway) {
		/* Z_FULL_FLUSH adds an empty stored block in the middle. */
		deflate(&z, Z_FULL_FLUSH);
		z.avail_in = (uInt)(len - half);
	}
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		return 0;
	}
	deflateEnd(&z);
	return cap - z.avail_out;
}

TEST(walk_agrees_with_zlib)
{
	static const size_t sizes[] = { 0, 1, 3, 258, 65535, 65536, 70000, 300001 };
	static const enum pattern pats[] = { PAT_TEXT, PAT_RANDOM, PAT_ZERO, PAT_MIXED };
	static const int ld_levels[] = { 0, 1, 4, 6, 7, 9 };
	static const int z_strategies[] = { Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY,
					    Z_RLE, Z_FIXED };
	size_t i, j, k, cases = 0, good = 0;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (j = 0; j < ARRAY_SIZE(pats); j++) {
			unsigned char *in = make_input(sizes[i], pats[j]);
			size_t cap = sizes[i] + sizes[i] / 8 + 4096, n;
			unsigned char *out = xmalloc(cap);

			for (k = 0; k < ARRAY_SIZE(ld_levels); k++) {
				struct libdeflate_compressor *c =
					libdeflate_alloc_compressor(ld_levels[k]);

				n = libdeflate_deflate_compress(c, in, sizes[i], out, cap);
				libdeflate_free_compressor(c);
				cases++;
				good += n && walk_matches_zlib(out, n, in, sizes[i]);
			}
			for (k = 0; k < ARRAY_SIZE(z_strategies) * 2; k++) {
				/* Every strategy with and without a full flush midway. */
				n = zlib_deflate_raw(in, sizes[i], 6, z_strategies[k / 2], k % 2,
						     out, cap);
				cases++;
				good += n && walk_matches_zlib(out, n, in, sizes[i]);
			}
			free(out);
			free(in);
		}
	}
	CHECK_INT(cases, 512);
	CHECK_INT(good, cases);
}

/* A tiny bit writer for hand-made streams, lowest bit first. */
struct bitout {
	unsigned char b[64];
	size_t bits;
};

static void put_bits(struct bitout *o, unsigned v, unsigned n)
{
	while (n--) {
		if (v & 1)
			o->b[o->bits / 8] |= (unsigned char)(1u << (o->bits % 8));
		o->bits++;
		v >>= 1;
	}
}

/* A Huffman code is sent most significant bit first. */
static void put_code(struct bitout *o, unsigned code, unsigned n)
{
	while (n--)
		put_bits(o, code >> n, 1);
}

TEST(walk_refuses_bad_streams)
{
	unsigned char *in = make_input(100000, PAT_TEXT);
	unsigned char out[120000], bad[120000];
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(7);
	size_t n = libdeflate_deflate_compress(c, in, 100000, out, sizeof(out)), cut, refused, tried;
	struct deflate_walk w;
	struct bitout o;

	libdeflate_free_compressor(c);
	CHECK(n > 0 && deflate_walk(out, n, in, 100000, &w) == 0);
	/* Truncations (all of the first and last 300 bytes), one byte too many. */
	for (cut = refused = tried = 0; cut < n; cut += cut < 300 || cut > n - 300 ? 1 : 89) {
		tried++;
		refused += deflate_walk(out, cut, NULL, 0, &w) == -1;
	}
	CHECK(tried > 600);
	CHECK_INT(refused, tried);
	memcpy(bad, out, n);
	bad[n] = 0;
	CHECK(deflate_walk(bad, n + 1, NULL, 0, &w) == -1);
	/* The right stream against the wrong bytes, anywhere in them. */
	for (cut = refused = 0; cut < 100000; cut += 997) {
		in[cut] ^= 0x20;
		refused += deflate_walk(out, n, in, 100000, &w) == -1;
		in[cut] ^= 0x20;
	}
	CHECK_INT(refused, 101);
	CHECK(deflate_walk(out, n, in, 99999, &w) == -1);
	CHECK(deflate_walk(out, n, in, 100000, &w) == 0);
	free(in);

	/* Block type 3 is reserved. */
	memset(&o, 0, sizeof(o));
	put_bits(&o, 1, 1);
	put_bits(&o, 3, 2);
	CHECK(deflate_walk(o.b, 1, NULL, 0, &w) == -1);
	/* A stored block whose NLEN is not LEN's complement. */
	{
		static const unsigned char st[] = { 0x01, 0x01, 0x00, 0xfe, 0xfe, 'x' };
		static const unsigned char ok[] = { 0x01, 0x01, 0x00, 0xfe, 0xff, 'x' };

		CHECK(deflate_walk(st, sizeof(st), NULL, 0, &w) == -1);
		CHECK(deflate_walk(ok, sizeof(ok), (const unsigned char *)"x", 1, &w) == 0);
		CHECK(deflate_walk(ok, sizeof(ok), (const unsigned char *)"y", 1, &w) == -1);
		CHECK(w.final_bit == 0 && w.blocks == 1);
	}
	/* A fixed block whose first symbol is a match: nothing to copy from. */
	memset(&o, 0, sizeof(o));
	put_bits(&o, 1, 1);
	put_bits(&o, 1, 2);
	put_code(&o, 0x30 + 'a', 8);	/* literal 'a' */
	put_code(&o, 1, 7);		/* length 3 */
	put_code(&o, 0, 5);		/* distance 1 */
	put_code(&o, 0, 7);		/* end of block */
	CHECK(deflate_walk(o.b, (o.bits + 7) / 8, (const unsigned char *)"aaaa", 4, &w) == 0);
	CHECK(w.out_len == 4 && w.pad_bits == (8 - o.bits % 8) % 8);
	memset(&o, 0, sizeof(o));
	put_bits(&o, 1, 1);
	put_bits(&o, 1, 2);
	put_code(&o, 1, 7);		/* length 3 */
	put_code(&o, 0, 5);		/* distance 1, before the start */
	put_code(&o, 0, 7);
	CHECK(deflate_walk(o.b, (o.bits + 7) / 8, NULL, 0, &w) == -1);
	/* Distance symbol 30 does not exist. */
	memset(&o, 0, sizeof(o));
	put_bits(&o, 1, 1);
	put_bits(&o, 1, 2);
	put_code(&o, 0x30 + 'a', 8);
	put_code(&o, 1, 7);
	put_code(&o, 30, 5);
	put_code(&o, 0, 7);
	CHECK(deflate_walk(o.b, (o.bits + 7) / 8, NULL, 0, &w) == -1);
	/* A dynamic block whose code-length code is over-subscribed. */
	memset(&o, 0, sizeof(o));
	put_bits(&o, 1, 1);
	put_bits(&o, 2, 2);
	put_bits(&o, 0, 5);
	put_bits(&o, 0, 5);
	put_bits(&o, 15, 4);	/* 19 code-length code lengths */
	for (cut = 0; cut < 19; cut++)
		put_bits(&o, 1, 3);
	CHECK(deflate_walk(o.b, (o.bits + 7) / 8, NULL, 0, &w) == -1);
	CHECK(deflate_walk(o.b, 0, NULL, 0, &w) == -1);
}

/* Damaged streams: the walk accepts exactly what zlib accepts. */
TEST(walk_differs_from_zlib_nowhere)
{
	unsigned char *in = make_input(40000, PAT_MIXED);
	unsigned char out[50000], mut[50000];
	size_t ns[3], t, agree = 0, accepted = 0, tries = 0;
	int lv;

	for (lv = 0; lv < 3; lv++) {
		struct libdeflate_compressor *c = libdeflate_alloc_compressor(lv * 5 + 1);

		ns[lv] = libdeflate_deflate_compress(c, in, 40000, out, sizeof(out));
		libdeflate_free_compressor(c);
		for (t = 0; t < 1500; t++) {
			struct deflate_walk a, b;
			struct strbuf back = STRBUF_INIT;
			size_t len = ns[lv], flips = 1 + lcg() % 3;
			int za, wa;

			memcpy(mut, out, len);
			while (flips--) {
				/* Mostly near the start, where the code tables are. */
				size_t at = lcg() % (t % 2 ? len : (len < 64 ? len : 64));

				mut[at] ^= (unsigned char)(1u << (lcg() % 8));
			}
			if (t % 7 == 0)
				len -= lcg() % (len < 16 ? len : 16);
			za = zlib_walk(mut, len, &back, &b);
			wa = deflate_walk(mut, len, NULL, 0, &a);
			tries++;
			if (za != wa) {
				printf("# level %d try %zu: zlib %d walk %d\n", lv * 5 + 1, t, za, wa);
			} else if (!za) {
				accepted++;
				agree += a.final_bit == b.final_bit && a.pad_bits == b.pad_bits &&
					a.out_len == b.out_len &&
					!deflate_walk(mut, len, (unsigned char *)back.buf, back.len, &a);
			} else {
				agree++;
			}
			strbuf_release(&back);
		}
	}
	CHECK_INT(agree, tries);
	printf("# %zu of %zu damaged streams still decoded, the same by both\n", accepted, tries);
	free(in);
}

TEST(make_joinable_rejects_garbage)
{
	unsigned char junk[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	size_t len = 8;

	CHECK(deflate_make_joinable(junk, &len, 0, (const unsigned char *)"", 0) == -1);
	CHECK_INT(len, 8);
	/* A good stream whose claimed content is wrong is refused too. */
	{
		unsigned char empty_final[8] = { 0x03, 0x00 };

		len = 2;
		CHECK(deflate_make_joinable(empty_final, &len, 1, (const unsigned char *)"", 0) == 0);
		len = 2;
		CHECK(deflate_make_joinable(empty_final, &len, 1, (const unsigned char *)"x", 1) == -1);
		len = 2;
		CHECK(deflate_make_joinable(empty_final, &len, 0, (const unsigned char *)"", 0) == 0);
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
	RUN(walk_agrees_with_zlib);
	RUN(walk_refuses_bad_streams);
	RUN(walk_differs_from_zlib_nowhere);
	RUN(gzip_header);
	RUN(gzip_threads_and_chunks);
	RUN(gzip_tiny_writes);
	RUN(xz_threads);
	RUN(formats);
	return unit_done();
}
