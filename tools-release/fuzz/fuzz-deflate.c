/*
 * The deflate walk (lib/deflate-walk.h) against zlib on the same bytes:
 * both must accept or refuse, agree on where the final block starts, its
 * padding and the output length, and the walk must accept the stream
 * against zlib's output and refuse it against any other bytes.
 */
#include "fuzz.h"
#include "deflate-walk.h"

#include <zlib.h>

FUZZ_QUIET()

static int zlib_walk(const uint8_t *def, size_t len, unsigned char **out, size_t *out_len,
		     struct deflate_walk *w)
{
	unsigned char buf[65536];
	z_stream z;
	int rc;

	memset(w, 0, sizeof(*w));
	memset(&z, 0, sizeof(z));
	*out = NULL;
	*out_len = 0;
	if (inflateInit2(&z, -15) != Z_OK)
		__builtin_trap();
	z.next_in = (unsigned char *)def;
	z.avail_in = (uInt)len;
	for (;;) {
		size_t got;

		z.next_out = buf;
		z.avail_out = sizeof(buf);
		rc = inflate(&z, Z_BLOCK);
		got = sizeof(buf) - z.avail_out;
		if (got) {
			*out = xrealloc(*out, *out_len + got);
			memcpy(*out + *out_len, buf, got);
			*out_len += got;
		}
		if (rc != Z_OK)
			break;
		if ((z.data_type & (128 | 64)) == (128 | 64))
			w->pad_bits = (unsigned)z.data_type & 7;
		else if (z.data_type & 128)
			w->final_bit = (size_t)(z.next_in - def) * 8 - (size_t)(z.data_type & 7);
		else if (z.avail_in == 0 && z.avail_out)
			break;
	}
	inflateEnd(&z);
	w->out_len = *out_len;
	return rc == Z_STREAM_END && z.avail_in == 0 ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct deflate_walk a, b;
	unsigned char *out;
	size_t out_len;
	int za = zlib_walk(data, size, &out, &out_len, &b);
	int wa = deflate_walk(data, size, NULL, 0, &a);

	if (za != wa)
		__builtin_trap();
	if (!za) {
		if (a.final_bit != b.final_bit || a.pad_bits != b.pad_bits ||
		    a.out_len != b.out_len)
			__builtin_trap();
		if (deflate_walk(data, size, out, out_len, &a))
			__builtin_trap();
		if (out_len) {
			out[out_len / 2] ^= 1;
			if (!deflate_walk(data, size, out, out_len, &a) ||
			    !deflate_walk(data, size, out, out_len - 1, &a))
				__builtin_trap();
		} else if (!deflate_walk(data, size, (const unsigned char *)"x", 1, &a)) {
			__builtin_trap();
		}
	}
	free(out);
	return 0;
}
