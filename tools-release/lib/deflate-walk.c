/*
 * deflate-walk.c: decode a raw deflate stream's blocks and symbols
 * (RFC 1951, 3.2.3-3.2.7) without producing output.
 *
 * Huffman codes are decoded through a table indexed by the next `bits`
 * input bits: an entry holds symbol << 4 | code length, 0 where no code
 * matches, or, for codes longer than `bits`, a link to a subtable indexed
 * by the `sub_bits` after them (all subtables of one code have the size
 * its longest code needs).  What zlib refuses is refused here too:
 * over-subscribed codes, incomplete codes other than a single one-bit
 * code, a missing end-of-block code, length symbols 286-287, distance
 * symbols 30-31, a repeat with nothing to repeat, a distance reaching
 * before the start of the stream.
 *
 * Checking against the expected bytes needs no output buffer: a literal
 * must equal the next expected byte, and a match of length L at distance
 * D must find want[out + k] == want[out - D + k] for every k < L, which,
 * as everything before out already matched, is what the copy would give.
 */
#include "deflate-walk.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CODE_BITS 15
#define MAX_LITLEN 288
#define MAX_DIST 32
#define CLEN_SYMS 19
/* Past the end, at most this many zero bytes are read before giving up. */
#define MAX_PAST_END 16

#define LITLEN_BITS 11
#define DIST_BITS 8
#define CLEN_BITS 7
/* Entry flag: the rest, >> 4, is the offset of a subtable. */
#define HUFF_SUB 0x80000000u
/* Room for the first-level table and one subtable per code. */
#define TABLE_SIZE(bits, nsym) ((1u << (bits)) + (nsym) * (1u << (MAX_CODE_BITS - (bits))))

enum code_kind { CODE_CLEN, CODE_LITLEN, CODE_DIST };

struct bitin {
	const unsigned char *start, *p, *end;
	uint64_t buf;		/* the next n bits, lowest first */
	unsigned n;
	size_t past_end;	/* zero bytes supplied after end */
};

struct huff {
	const uint32_t *t;
	unsigned bits, sub_bits;
};

struct walk_tables {
	uint32_t litlen[TABLE_SIZE(LITLEN_BITS, MAX_LITLEN)];
	uint32_t dist[TABLE_SIZE(DIST_BITS, MAX_DIST)];
	uint32_t clen[1u << CLEN_BITS];
};

static const uint16_t len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258
};
static const uint8_t len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
};
static const uint16_t dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577
};
static const uint8_t dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
};
static const uint8_t clen_order[CLEN_SYMS] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
};

/* Top the buffer up to at least 57 bits; zero bytes after the end. */
static inline void bitin_refill(struct bitin *b)
{
	if (b->n > 56)
		return;
	if (b->end - b->p >= 8) {
		const unsigned char *q = b->p;
		uint64_t w = (uint64_t)q[0] | (uint64_t)q[1] << 8 | (uint64_t)q[2] << 16 |
			(uint64_t)q[3] << 24 | (uint64_t)q[4] << 32 | (uint64_t)q[5] << 40 |
			(uint64_t)q[6] << 48 | (uint64_t)q[7] << 56;

		/* The bits above n already hold these same bytes: OR is harmless. */
		b->buf |= w << b->n;
		b->p += (63 - b->n) >> 3;
		b->n |= 56;
		return;
	}
	while (b->n <= 56) {
		if (b->p < b->end)
			b->buf |= (uint64_t)*b->p++ << b->n;
		else
			b->past_end++;
		b->n += 8;
	}
}

/* k <= 32 bits that the buffer holds. */
static inline unsigned bitin_take(struct bitin *b, unsigned k)
{
	unsigned v = (unsigned)(b->buf & ((1ull << k) - 1));

	b->buf >>= k;
	b->n -= k;
	return v;
}

static inline unsigned bitin_get(struct bitin *b, unsigned k)
{
	if (b->n < k)
		bitin_refill(b);
	return bitin_take(b, k);
}

/* Bits consumed so far, counting zero bytes read past the end. */
static size_t bitin_pos(const struct bitin *b)
{
	return ((size_t)(b->p - b->start) + b->past_end) * 8 - b->n;
}

/* The symbol at the head of the (refilled) buffer, or -1. */
static inline int huff_decode(struct bitin *b, const struct huff *h)
{
	uint32_t e = h->t[b->buf & ((1u << h->bits) - 1)];

	if (e & HUFF_SUB)
		e = h->t[((e & ~HUFF_SUB) >> 4) +
			 ((b->buf >> h->bits) & ((1u << h->sub_bits) - 1))];
	if (!(e & 15))
		return -1;
	b->buf >>= e & 15;
	b->n -= e & 15;
	return (int)(e >> 4);
}

static unsigned bit_reverse(unsigned code, unsigned len)
{
	unsigned r = 0;

	while (len--) {
		r = (r << 1) | (code & 1);
		code >>= 1;
	}
	return r;
}

/*
 * The canonical code of these lengths (RFC 1951 3.2.2), into table, which
 * has room for TABLE_SIZE(bits, nsym) entries.
 */
static int huff_build(struct huff *h, uint32_t *table, unsigned bits, const uint8_t *lens,
		      unsigned nsym, enum code_kind kind)
{
	unsigned count[MAX_CODE_BITS + 1] = { 0 }, next[MAX_CODE_BITS + 1];
	unsigned s, len, code, max = 0, used;
	int left = 1;

	for (s = 0; s < nsym; s++)
		count[lens[s]]++;
	for (len = 1; len <= MAX_CODE_BITS; len++) {
		left = left * 2 - (int)count[len];
		if (left < 0)
			return -1;	/* over-subscribed */
		if (count[len])
			max = len;
	}
	h->t = table;
	h->bits = max < bits ? max : bits;
	h->sub_bits = max - h->bits;
	memset(table, 0, sizeof(*table) << h->bits);
	if (!max)
		return 0;	/* no codes: any use of this one fails */
	if (left > 0 && (kind == CODE_CLEN || max != 1))
		return -1;	/* incomplete */
	code = 0;
	count[0] = 0;
	for (len = 1; len <= MAX_CODE_BITS; len++) {
		code = (code + count[len - 1]) << 1;
		next[len] = code;
	}
	used = 1u << h->bits;
	for (s = 0; s < nsym; s++) {
		unsigned l = lens[s], r, i, size = 1u << h->bits;
		uint32_t *t = table;

		if (!l)
			continue;
		r = bit_reverse(next[l]++, l);
		if (l > h->bits) {
			/* The first bits pick the subtable, the rest index it. */
			uint32_t *link = &table[r & ((1u << h->bits) - 1)];

			if (!*link) {
				*link = HUFF_SUB | used << 4;
				memset(table + used, 0, sizeof(*table) << h->sub_bits);
				used += 1u << h->sub_bits;
			}
			t = table + ((*link & ~HUFF_SUB) >> 4);
			size = 1u << h->sub_bits;
			r >>= h->bits;
			l -= h->bits;
		}
		for (i = r; i < size; i += 1u << l)
			t[i] = (uint32_t)(s << 4 | lens[s]);
	}
	return 0;
}

static int build_fixed(struct walk_tables *wt, struct huff *lit, struct huff *dist)
{
	uint8_t lens[MAX_LITLEN];
	unsigned i;

	for (i = 0; i < 144; i++)
		lens[i] = 8;
	for (; i < 256; i++)
		lens[i] = 9;
	for (; i < 280; i++)
		lens[i] = 7;
	for (; i < MAX_LITLEN; i++)
		lens[i] = 8;
	if (huff_build(lit, wt->litlen, LITLEN_BITS, lens, MAX_LITLEN, CODE_LITLEN))
		return -1;
	memset(lens, 5, MAX_DIST);
	return huff_build(dist, wt->dist, DIST_BITS, lens, MAX_DIST, CODE_DIST);
}

/* The code-length header of a dynamic block (RFC 1951 3.2.7). */
static int build_dynamic(struct bitin *b, struct walk_tables *wt, struct huff *lit,
			 struct huff *dist)
{
	uint8_t clens[CLEN_SYMS] = { 0 }, lens[MAX_LITLEN + MAX_DIST];
	unsigned nlit, ndist, nclen, i, n;
	struct huff clen;

	bitin_refill(b);
	nlit = bitin_take(b, 5) + 257;
	ndist = bitin_take(b, 5) + 1;
	nclen = bitin_take(b, 4) + 4;
	if (nlit > 286 || ndist > 30)
		return -1;
	for (i = 0; i < nclen; i++)
		clens[clen_order[i]] = (uint8_t)bitin_get(b, 3);
	if (huff_build(&clen, wt->clen, CLEN_BITS, clens, CLEN_SYMS, CODE_CLEN))
		return -1;
	n = nlit + ndist;
	for (i = 0; i < n;) {
		unsigned rep;
		uint8_t val;
		int sym;

		bitin_refill(b);
		if (b->past_end > MAX_PAST_END || (sym = huff_decode(b, &clen)) < 0)
			return -1;
		if (sym < 16) {
			lens[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (!i)
				return -1;
			val = lens[i - 1];
			rep = 3 + bitin_take(b, 2);
		} else if (sym == 17) {
			val = 0;
			rep = 3 + bitin_take(b, 3);
		} else {
			val = 0;
			rep = 11 + bitin_take(b, 7);
		}
		if (rep > n - i)
			return -1;
		memset(lens + i, val, rep);
		i += rep;
	}
	if (!lens[256])
		return -1;
	if (huff_build(lit, wt->litlen, LITLEN_BITS, lens, nlit, CODE_LITLEN))
		return -1;
	return huff_build(dist, wt->dist, DIST_BITS, lens + nlit, ndist, CODE_DIST);
}

/*
 * The symbols of one Huffman-coded block, up to its end-of-block code.
 * Works on local copies, which the compiler keeps in registers.
 */
static int walk_symbols(struct bitin *bp, const struct huff *lit, const struct huff *dist,
			const unsigned char *want, size_t want_len, uint64_t *outp)
{
	struct bitin b = *bp;
	uint64_t out = *outp;
	int rc = -1;

	for (;;) {
		unsigned length, d;
		int sym;

		bitin_refill(&b);
		if (b.past_end > MAX_PAST_END || (sym = huff_decode(&b, lit)) < 0)
			break;
		if (sym < 256) {
			if (want && (out >= want_len || want[out] != sym))
				break;
			out++;
			continue;
		}
		if (sym == 256) {
			rc = 0;
			break;
		}
		sym -= 257;
		if (sym >= 29)
			break;
		length = len_base[sym] + bitin_take(&b, len_extra[sym]);
		if ((sym = huff_decode(&b, dist)) < 0 || sym >= 30)
			break;
		d = dist_base[sym] + bitin_take(&b, dist_extra[sym]);
		if (d > out)
			break;
		if (want && (length > want_len - out ||
			     memcmp(want + out, want + out - d, length)))
			break;
		out += length;
	}
	*bp = b;
	*outp = out;
	return rc;
}

static int walk_stored(struct bitin *b, const unsigned char *want, size_t want_len,
		       uint64_t *out)
{
	size_t pos, have = (size_t)(b->end - b->start);
	unsigned len, nlen;

	bitin_take(b, b->n & 7);	/* to the byte boundary */
	bitin_refill(b);
	len = bitin_take(b, 16);
	nlen = bitin_take(b, 16);
	if (len != (~nlen & 0xffffu))
		return -1;
	pos = bitin_pos(b) / 8;
	if (pos > have || len > have - pos)
		return -1;
	if (want && (len > want_len - *out || memcmp(want + *out, b->start + pos, len)))
		return -1;
	b->p = b->start + pos + len;
	b->buf = 0;
	b->n = 0;
	b->past_end = 0;
	*out += len;
	return 0;
}

int deflate_walk(const unsigned char *def, size_t len, const unsigned char *want,
		 size_t want_len, struct deflate_walk *w)
{
	struct walk_tables *wt = malloc(sizeof(*wt));
	struct bitin b = { def, def, def + len, 0, 0, 0 };
	struct huff lit, dist;
	int have_fixed = 0, rc = -1;
	size_t end;

	memset(w, 0, sizeof(*w));
	if (!wt)
		return -1;
	for (;;) {
		unsigned final, type;
		size_t hdr;

		bitin_refill(&b);
		if (b.past_end > MAX_PAST_END)
			goto out;
		hdr = bitin_pos(&b);
		final = bitin_take(&b, 1);
		type = bitin_take(&b, 2);
		w->blocks++;
		if (type == 0) {
			if (walk_stored(&b, want, want_len, &w->out_len))
				goto out;
		} else if (type == 1 || type == 2) {
			if (type == 2) {
				if (build_dynamic(&b, wt, &lit, &dist))
					goto out;
				have_fixed = 0;	/* the tables hold this block's codes */
			} else if (!have_fixed) {
				if (build_fixed(wt, &lit, &dist))
					goto out;
				have_fixed = 1;
			}
			if (walk_symbols(&b, &lit, &dist, want, want_len, &w->out_len))
				goto out;
		} else {
			goto out;
		}
		if (final) {
			w->final_bit = hdr;
			break;
		}
	}
	end = bitin_pos(&b);
	if (end > len * 8 || (end + 7) / 8 != len)
		goto out;	/* ran past the end, or bytes follow */
	if (want && w->out_len != want_len)
		goto out;
	w->pad_bits = (unsigned)(len * 8 - end);
	rc = 0;
out:
	free(wt);
	return rc;
}
