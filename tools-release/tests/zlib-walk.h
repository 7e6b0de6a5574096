/*
 * zlib-walk.h: zlib's view of a raw deflate stream, the reference that
 * lib/deflate-walk.c is checked against (tests/unit/test-gzip.c and
 * fuzz/fuzz-deflate.c).  Header-only: the library itself does not use it.
 */
#ifndef XS_TESTS_ZLIB_WALK_H
#define XS_TESTS_ZLIB_WALK_H

#include "lib/deflate-walk.h"
#include "lib/strbuf.h"

#include <zlib.h>

/*
 * zlib's view of a raw deflate stream: where the final block starts, the
 * unused bits of the last byte and the output length; 0 when zlib reads
 * it to its end and nothing follows.  Z_BLOCK stops before every block
 * header (data_type has 128) and after the final block (128 + 64).
 */
static inline int zlib_walk(const unsigned char *def, size_t len, struct strbuf *out,
		     struct deflate_walk *w)
{
	unsigned char buf[65536];
	z_stream z;
	int rc;

	memset(w, 0, sizeof(*w));
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -15) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)def;
	z.avail_in = (uInt)len;
	for (;;) {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		rc = inflate(&z, Z_BLOCK);
		w->out_len += sizeof(buf) - z.avail_out;
		if (out)
			strbuf_add(out, buf, sizeof(buf) - z.avail_out);
		if (rc != Z_OK)
			break;
		if ((z.data_type & (128 | 64)) == (128 | 64))
			w->pad_bits = (unsigned)z.data_type & 7;
		else if (z.data_type & 128)
			w->final_bit = (size_t)(z.next_in - def) * 8 - (size_t)(z.data_type & 7);
		else if (z.avail_in == 0 && z.avail_out)
			break;	/* wants more input */
	}
	inflateEnd(&z);
	return rc == Z_STREAM_END && z.avail_in == 0 ? 0 : -1;
}

#endif
