#include "compat.h"
#include "compress.h"
#include "deflate-walk.h"
#include "usage.h"
#include "xalloc.h"

#include <libdeflate.h>
#include <lzma.h>
#include <pthread.h>
#include <zlib.h>

const char *compress_format_name(enum compress_format f)
{
	switch (f) {
	case COMPRESS_GZ:
		return "gz";
	case COMPRESS_XZ:
		return "xz";
	case COMPRESS_LZ:
		return "lz";
	case COMPRESS_NONE:
		break;
	}
	return "tar";
}

const char *compress_format_suffix(enum compress_format f)
{
	switch (f) {
	case COMPRESS_GZ:
		return ".tar.gz";
	case COMPRESS_XZ:
		return ".tar.xz";
	case COMPRESS_LZ:
		return ".tar.lz";
	case COMPRESS_NONE:
		break;
	}
	return ".tar";
}

int compress_format_parse(const char *name, enum compress_format *f)
{
	if (!strcmp(name, "gz") || !strcmp(name, "gzip"))
		*f = COMPRESS_GZ;
	else if (!strcmp(name, "xz"))
		*f = COMPRESS_XZ;
	else
		return -1;
	return 0;
}

enum compress_format compress_format_sniff(const void *head, size_t len)
{
	const unsigned char *p = head;

	if (len >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8)
		return COMPRESS_GZ;
	if (len >= 6 && !memcmp(p, "\xfd" "7zXZ\0", 6))
		return COMPRESS_XZ;
	if (len >= 5 && !memcmp(p, "LZIP", 4))
		return COMPRESS_LZ;
	return COMPRESS_NONE;
}

void compress_describe(enum compress_format f, struct strbuf *out)
{
	switch (f) {
	case COMPRESS_GZ:
		strbuf_addf(out, "libdeflate %s level %d, %zu KiB blocks, one gzip member",
			    LIBDEFLATE_VERSION_STRING, GZ_LEVEL, GZ_BLOCK_SIZE >> 10);
		break;
	case COMPRESS_XZ:
		strbuf_addf(out, "liblzma %s preset %d, CRC64, %llu KiB blocks",
			    lzma_version_string(), XZ_PRESET,
			    (unsigned long long)(XZ_BLOCK_SIZE >> 10));
		break;
	default:
		strbuf_addstr(out, "uncompressed");
		break;
	}
}

int compress_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > COMPRESS_MAX_JOBS ? COMPRESS_MAX_JOBS : (int)n;
}

/* ---- joining deflate streams ------------------------------------------ */

int deflate_make_joinable(unsigned char *def, size_t *len, int keep_final,
			  const unsigned char *want, size_t want_len)
{
	struct deflate_walk w;

	if (deflate_walk(def, *len, want, want_len, &w))
		return -1;
	if (keep_final)
		return 0;
	def[w.final_bit / 8] &= (unsigned char)~(1u << (w.final_bit % 8));
	def[*len - 1] &= (unsigned char)((1u << (8 - w.pad_bits)) - 1);
	/* An empty stored block: 3 zero header bits, pad, LEN 0, NLEN ffff. */
	if (w.pad_bits < 3)
		def[(*len)++] = 0;
	def[(*len)++] = 0;
	def[(*len)++] = 0;
	def[(*len)++] = 0xff;
	def[(*len)++] = 0xff;
	return 0;
}

/* ---- gzip: fixed blocks compressed by a pool of threads ------------------ */

enum slot_state { SLOT_FREE, SLOT_QUEUED, SLOT_BUSY, SLOT_DONE };

struct gz_slot {
	unsigned char *in, *out;
	size_t in_len, out_len, out_alloc;
	uint32_t crc;
	int last, failed;
	uint64_t seq;
	enum slot_state state;
};

struct gz_engine {
	struct gz_slot *slots;
	size_t nslots, fill, flush;
	uint64_t next_seq;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	pthread_t *threads;
	int nthreads, stop, header_done;
	uint32_t crc;
	uint64_t isize;
};

static struct gz_slot *gz_pick(struct gz_engine *g)
{
	struct gz_slot *best = NULL;
	size_t i;

	for (i = 0; i < g->nslots; i++) {
		struct gz_slot *s = &g->slots[i];

		if (s->state == SLOT_QUEUED && (!best || s->seq < best->seq))
			best = s;
	}
	return best;
}

static int gz_compress_slot(struct libdeflate_compressor *ld, struct gz_slot *s)
{
	size_t n;

	s->crc = libdeflate_crc32(0, s->in, s->in_len);
	n = libdeflate_deflate_compress(ld, s->in, s->in_len, s->out, s->out_alloc - 5);
	if (!n)
		return -1;
	s->out_len = n;
	return deflate_make_joinable(s->out, &s->out_len, s->last, s->in, s->in_len);
}

static void *gz_worker(void *arg)
{
	struct gz_engine *g = arg;
	struct libdeflate_compressor *ld = libdeflate_alloc_compressor(GZ_LEVEL);

	pthread_mutex_lock(&g->mu);
	for (;;) {
		struct gz_slot *s;
		int failed;

		while (!g->stop && !(s = gz_pick(g)))
			pthread_cond_wait(&g->work, &g->mu);
		if (g->stop)
			break;
		s->state = SLOT_BUSY;
		pthread_mutex_unlock(&g->mu);
		failed = !ld || gz_compress_slot(ld, s);
		pthread_mutex_lock(&g->mu);
		s->failed = failed;
		s->state = SLOT_DONE;
		pthread_cond_broadcast(&g->done);
	}
	pthread_mutex_unlock(&g->mu);
	if (ld)
		libdeflate_free_compressor(ld);
	return NULL;
}

struct compressor {
	enum compress_format f;
	compress_sink_fn sink;
	void *sink_data;
	uint64_t out_bytes;
	int failed;		/* an error was reported; refuse more */
	struct gz_engine gz;
	lzma_stream xz;
	unsigned char *xz_buf;
};

static int emit(struct compressor *c, const void *buf, size_t len)
{
	int rc;

	if (!len)
		return 0;
	rc = c->sink(c->sink_data, buf, len);
	if (rc)
		return rc;
	c->out_bytes += len;
	return 0;
}

/* Write out the oldest slot once it is done (wait: block until it is). */
static int gz_flush_one(struct compressor *c, int wait)
{
	struct gz_engine *g = &c->gz;
	struct gz_slot *s = &g->slots[g->flush];
	enum slot_state st;
	int rc;

	pthread_mutex_lock(&g->mu);
	while (wait && (s->state == SLOT_QUEUED || s->state == SLOT_BUSY))
		pthread_cond_wait(&g->done, &g->mu);
	st = s->state;
	pthread_mutex_unlock(&g->mu);
	if (st != SLOT_DONE)
		return 1;
	if (s->failed)
		return error_env("gzip: libdeflate gave a block that does not decode back "
				 "to its input (block %llu)", (unsigned long long)s->seq);
	if (!g->header_done) {
		static const unsigned char hdr[10] = {
			0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3
		};

		if ((rc = emit(c, hdr, sizeof(hdr))))
			return rc;
		g->header_done = 1;
	}
	if ((rc = emit(c, s->out, s->out_len)))
		return rc;
	g->crc = (uint32_t)crc32_combine(g->crc, s->crc, (z_off_t)s->in_len);
	g->isize += s->in_len;
	s->in_len = s->out_len = 0;
	s->last = 0;
	pthread_mutex_lock(&g->mu);
	s->state = SLOT_FREE;
	pthread_mutex_unlock(&g->mu);
	g->flush = (g->flush + 1) % g->nslots;
	return 0;
}

static enum slot_state slot_state(struct gz_engine *g, struct gz_slot *s)
{
	enum slot_state st;

	pthread_mutex_lock(&g->mu);
	st = s->state;
	pthread_mutex_unlock(&g->mu);
	return st;
}

static void gz_submit(struct gz_engine *g, struct gz_slot *s, int last)
{
	pthread_mutex_lock(&g->mu);
	s->last = last;
	s->seq = g->next_seq++;
	s->state = SLOT_QUEUED;
	pthread_cond_signal(&g->work);
	pthread_mutex_unlock(&g->mu);
}

static int gz_new(struct compressor *c, int jobs)
{
	struct gz_engine *g = &c->gz;
	struct libdeflate_compressor *probe = libdeflate_alloc_compressor(GZ_LEVEL);
	size_t bound, i;
	int t;

	if (!probe)
		return error_env("libdeflate: cannot allocate a level %d compressor", GZ_LEVEL);
	bound = libdeflate_deflate_compress_bound(probe, GZ_BLOCK_SIZE) + 5;
	libdeflate_free_compressor(probe);
	/* Two blocks per thread keep them busy while the oldest is written. */
	g->nslots = (size_t)jobs * 2 + 1;
	g->slots = xcalloc(g->nslots, sizeof(*g->slots));
	for (i = 0; i < g->nslots; i++) {
		g->slots[i].in = xmalloc(GZ_BLOCK_SIZE);
		g->slots[i].out = xmalloc(bound);
		g->slots[i].out_alloc = bound;
	}
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->work, NULL);
	pthread_cond_init(&g->done, NULL);
	g->threads = xcalloc((size_t)jobs, sizeof(*g->threads));
	for (t = 0; t < jobs; t++) {
		if (pthread_create(&g->threads[t], NULL, gz_worker, g)) {
			errno = EAGAIN;
			return error_errno("cannot start a compression thread");
		}
		g->nthreads++;
	}
	return 0;
}

static int gz_write(struct compressor *c, const unsigned char *buf, size_t len)
{
	struct gz_engine *g = &c->gz;
	int rc;

	while (len) {
		struct gz_slot *s = &g->slots[g->fill];
		size_t n;

		if (s->in_len == GZ_BLOCK_SIZE) {
			/* More input follows, so this block is not the last. */
			gz_submit(g, s, 0);
			g->fill = (g->fill + 1) % g->nslots;
			s = &g->slots[g->fill];
			while (slot_state(g, s) != SLOT_FREE)
				if ((rc = gz_flush_one(c, 1)))
					return rc;
			/* Write out whatever else is ready, in order. */
			rc = 0;
			while (g->flush != g->fill && !(rc = gz_flush_one(c, 0)))
				;
			if (rc < 0)
				return rc;
		}
		n = GZ_BLOCK_SIZE - s->in_len;
		if (n > len)
			n = len;
		memcpy(s->in + s->in_len, buf, n);
		s->in_len += n;
		buf += n;
		len -= n;
	}
	return 0;
}

static int gz_finish(struct compressor *c)
{
	struct gz_engine *g = &c->gz;
	unsigned char trailer[8];
	int rc, i;

	gz_submit(g, &g->slots[g->fill], 1);
	for (;;) {
		int was_last = g->flush == g->fill;

		if ((rc = gz_flush_one(c, 1)))
			return rc;
		if (was_last)
			break;
	}
	for (i = 0; i < 4; i++) {
		trailer[i] = (unsigned char)(g->crc >> (8 * i));
		trailer[4 + i] = (unsigned char)(g->isize >> (8 * i));
	}
	return emit(c, trailer, sizeof(trailer));
}

static void gz_free(struct gz_engine *g)
{
	size_t i;
	int t;

	if (!g->slots)
		return;
	pthread_mutex_lock(&g->mu);
	g->stop = 1;
	pthread_cond_broadcast(&g->work);
	pthread_mutex_unlock(&g->mu);
	for (t = 0; t < g->nthreads; t++)
		pthread_join(g->threads[t], NULL);
	free(g->threads);
	for (i = 0; i < g->nslots; i++) {
		free(g->slots[i].in);
		free(g->slots[i].out);
	}
	free(g->slots);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->work);
	pthread_cond_destroy(&g->done);
	g->slots = NULL;
}

/* ---- xz: liblzma's multithreaded encoder --------------------------------- */

#define XZ_OUT_BUF 65536

static int xz_error(lzma_ret r)
{
	switch (r) {
	case LZMA_MEM_ERROR:
		return error_env("xz: out of memory");
	case LZMA_OPTIONS_ERROR:
		return error_env("xz: liblzma refused the options");
	default:
		return error_env("xz: liblzma error %d", (int)r);
	}
}

static int xz_new(struct compressor *c, int jobs)
{
	lzma_stream init = LZMA_STREAM_INIT;
	lzma_mt mt;
	lzma_ret r;

	memset(&mt, 0, sizeof(mt));
	mt.threads = (uint32_t)jobs;
	mt.block_size = XZ_BLOCK_SIZE;
	mt.timeout = 0;
	mt.preset = XZ_PRESET;
	mt.check = LZMA_CHECK_CRC64;
	c->xz = init;
	r = lzma_stream_encoder_mt(&c->xz, &mt);
	if (r != LZMA_OK)
		return xz_error(r);
	c->xz_buf = xmalloc(XZ_OUT_BUF);
	c->xz.next_out = c->xz_buf;
	c->xz.avail_out = XZ_OUT_BUF;
	return 0;
}

static int xz_code(struct compressor *c, const void *buf, size_t len, lzma_action act)
{
	int rc;

	c->xz.next_in = buf;
	c->xz.avail_in = len;
	for (;;) {
		lzma_ret r = lzma_code(&c->xz, act);

		if (!c->xz.avail_out || r == LZMA_STREAM_END) {
			if ((rc = emit(c, c->xz_buf, XZ_OUT_BUF - c->xz.avail_out)))
				return rc;
			c->xz.next_out = c->xz_buf;
			c->xz.avail_out = XZ_OUT_BUF;
		}
		if (r == LZMA_STREAM_END)
			return 0;
		if (r != LZMA_OK)
			return xz_error(r);
		if (act == LZMA_RUN && !c->xz.avail_in)
			return 0;
	}
}

/* ---- the common interface ---------------------------------------------- */

int compressor_new(struct compressor **cp, enum compress_format f, int jobs,
		   compress_sink_fn sink, void *sink_data)
{
	struct compressor *c = xcalloc(1, sizeof(*c));
	int rc;

	if (jobs < 1 || jobs > COMPRESS_MAX_JOBS)
		BUG("compressor_new: %d jobs", jobs);
	c->f = f;
	c->sink = sink;
	c->sink_data = sink_data;
	if (f == COMPRESS_GZ)
		rc = gz_new(c, jobs);
	else if (f == COMPRESS_XZ)
		rc = xz_new(c, jobs);
	else
		BUG("compressor_new: cannot write format %d", (int)f);
	if (rc) {
		compressor_free(c);
		c = NULL;
	}
	*cp = c;
	return rc;
}

int compressor_write(struct compressor *c, const void *buf, size_t len)
{
	int rc;

	if (c->failed)
		return -XS_ENV;
	rc = c->f == COMPRESS_GZ ? gz_write(c, buf, len) : xz_code(c, buf, len, LZMA_RUN);
	if (rc)
		c->failed = 1;
	return rc;
}

int compressor_finish(struct compressor *c)
{
	int rc;

	if (c->failed)
		return -XS_ENV;
	rc = c->f == COMPRESS_GZ ? gz_finish(c) : xz_code(c, NULL, 0, LZMA_FINISH);
	if (rc)
		c->failed = 1;
	return rc;
}

uint64_t compressor_out_bytes(const struct compressor *c)
{
	return c->out_bytes;
}

void compressor_free(struct compressor *c)
{
	if (!c)
		return;
	gz_free(&c->gz);
	if (c->f == COMPRESS_XZ)
		lzma_end(&c->xz);
	free(c->xz_buf);
	free(c);
}

static int sink_strbuf(void *data, const void *buf, size_t len)
{
	strbuf_add(data, buf, len);
	return 0;
}

int compress_buffer(enum compress_format f, int jobs, const void *buf, size_t len,
		    struct strbuf *out)
{
	struct compressor *c;
	int rc = compressor_new(&c, f, jobs, sink_strbuf, out);

	if (rc)
		return rc;
	rc = compressor_write(c, buf, len);
	if (!rc)
		rc = compressor_finish(c);
	compressor_free(c);
	return rc;
}
