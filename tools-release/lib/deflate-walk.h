/*
 * deflate-walk.h: check a raw deflate stream (RFC 1951) against the bytes
 * it must decompress to, and find where its final block starts.
 *
 * The gzip writer needs the bit offset of the last block header in each
 * block libdeflate compresses, to clear its BFINAL bit, and libdeflate
 * does not report it.  The walk decodes every Huffman symbol and checks
 * each literal and each match against the expected bytes as it goes, so
 * it proves the stream inflates to exactly them without writing any
 * output.  Malformed streams are refused as zlib refuses them; so are
 * streams that run past their end or leave bytes after the final block.
 */
#ifndef XS_DEFLATE_WALK_H
#define XS_DEFLATE_WALK_H

#include "compat.h"

struct deflate_walk {
	size_t final_bit;	/* bit offset of the final block's BFINAL bit */
	unsigned pad_bits;	/* unused high bits in the stream's last byte */
	uint64_t out_len;	/* bytes the stream decompresses to */
	unsigned blocks;	/* deflate blocks seen, the final one included */
};

/*
 * Walk def[0..len), one whole raw deflate stream that must end exactly at
 * len.  With want non-NULL, the stream must decompress to exactly
 * want[0..want_len); with want NULL only its structure is checked.
 * 0 and *w filled, or -1 when the stream is malformed or differs.
 */
int deflate_walk(const unsigned char *def, size_t len, const unsigned char *want,
		 size_t want_len, struct deflate_walk *w);

#endif
