/*
 * The deflate walk (lib/deflate-walk.h) against zlib on the same bytes:
 * both must accept or refuse, agree on where the final block starts, its
 * padding and the output length, and the walk must accept the stream
 * against zlib's output and refuse it against any other bytes.
 */
#include "fuzz.h"
#include "deflate-walk.h"
#include "tests/zlib-walk.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct deflate_walk a, b;
	struct strbuf back = STRBUF_INIT;
	int za = zlib_walk(data, size, &back, &b);
	int wa = deflate_walk(data, size, NULL, 0, &a);
	unsigned char *out = (unsigned char *)back.buf;
	size_t out_len = back.len;

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
	strbuf_release(&back);
	return 0;
}
