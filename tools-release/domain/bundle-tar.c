/*
 * bundle-tar.c: the bundle's tar, written deterministically and read by
 * our own strict ustar reader (backports/FORMAT.md, "The tar").
 *
 * The reader is a push parser fed 512-byte blocks, so the gzip path can
 * inflate a piece at a time and stop the moment a limit is passed; it
 * never sees a whole decompressed stream before judging it.
 */
#include "compat.h"
#include "bundle.h"
#include "fs.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>
#include <zlib.h>

#define BLOCK 512
#define RECORD 10240

void bundle_tar_init(struct bundle_tar *t)
{
	memset(t, 0, sizeof(*t));
}

void bundle_tar_release(struct bundle_tar *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++) {
		free(t->v[i].name);
		strbuf_release(&t->v[i].data);
	}
	free(t->v);
	bundle_tar_init(t);
}

const struct bundle_entry *bundle_tar_find(const struct bundle_tar *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		if (!strcmp(t->v[i].name, name))
			return &t->v[i];
	return NULL;
}

int bundle_patch_name_ok(const char *name)
{
	const char *p;
	size_t n = strlen(name);
	int i;

	if (n > BUNDLE_MAX_NAME || !skip_prefix(name, "patches/", &p))
		return 0;
	for (i = 0; i < 4; i++)
		if (!isdigit((unsigned char)p[i]))
			return 0;
	if (!strncmp(p, "0000", 4) || p[4] != '-' || !ends_with(p, ".patch"))
		return 0;
	p += 5;
	if (strlen(p) <= 6)
		return 0;	/* "NNNN-.patch": no name */
	for (; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return 0;
	return 1;
}

/* ---- writing ------------------------------------------------------------- */

static void put_octal(unsigned char *field, size_t width, uint64_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%0*llo", (int)(width - 1), (unsigned long long)v);

	if (n < 0 || (size_t)n != width - 1)
		BUG("tar field of %zu bytes cannot hold %llu", width, (unsigned long long)v);
	memcpy(field, tmp, width - 1);
	field[width - 1] = '\0';
}

void bundle_tar_write(const struct bundle_blob *blobs, size_t nr, int64_t mtime,
		      struct strbuf *out)
{
	size_t i, start = out->len;

	for (i = 0; i < nr; i++) {
		unsigned char h[BLOCK];
		size_t n = strlen(blobs[i].name), k;
		unsigned sum = 0;
		char ck[8];

		if (n == 0 || n > 100)
			BUG("bundle entry name '%s' does not fit the ustar name field", blobs[i].name);
		memset(h, 0, sizeof(h));
		memcpy(h, blobs[i].name, n);
		put_octal(h + 100, 8, 0644);
		put_octal(h + 108, 8, 0);
		put_octal(h + 116, 8, 0);
		put_octal(h + 124, 12, blobs[i].len);
		put_octal(h + 136, 12, (uint64_t)(mtime < 0 ? 0 : mtime));
		h[156] = '0';
		memcpy(h + 257, "ustar\0" "00", 8);
		memcpy(h + 265, "root", 4);
		memcpy(h + 297, "root", 4);
		put_octal(h + 329, 8, 0);
		put_octal(h + 337, 8, 0);
		memset(h + 148, ' ', 8);
		for (k = 0; k < BLOCK; k++)
			sum += h[k];
		if (snprintf(ck, sizeof(ck), "%06o", sum) != 6)
			BUG("tar checksum %u", sum);
		memcpy(h + 148, ck, 6);
		h[154] = '\0';
		h[155] = ' ';
		strbuf_add(out, h, BLOCK);
		strbuf_add(out, blobs[i].data, blobs[i].len);
		if (blobs[i].len % BLOCK)
			strbuf_addchars(out, 0, BLOCK - blobs[i].len % BLOCK);
	}
	strbuf_addchars(out, 0, 2 * BLOCK);
	if ((out->len - start) % RECORD)
		strbuf_addchars(out, 0, RECORD - (out->len - start) % RECORD);
}

/* ---- reading ------------------------------------------------------------- */

enum tar_phase {
	PHASE_HEADER,
	PHASE_DATA,
	PHASE_END,		/* after the first zero block */
};

struct tar_reader {
	struct bundle_tar *t;
	const char *origin;
	unsigned char block[BLOCK];
	size_t have;			/* bytes in block */
	enum tar_phase phase;
	uint64_t left;			/* data bytes still to come for cur */
	uint64_t blocks_left;		/* data blocks still to come */
	struct bundle_entry *cur;	/* NULL: data not kept (a directory) */
	uint64_t declared;		/* sum of the sizes in the headers */
	size_t entries;			/* headers seen */
	int zero_blocks;
	int saw_patches_dir;
	unsigned next_patch;		/* the number the next patch must have */
};

static void reader_init(struct tar_reader *r, struct bundle_tar *t, const char *origin)
{
	memset(r, 0, sizeof(*r));
	r->t = t;
	r->origin = origin;
	r->next_patch = 1;
}

static int is_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* A ustar number: octal digits, optional leading blanks, then NULs or blanks. */
static int get_octal(const unsigned char *f, size_t width, uint64_t *v)
{
	size_t i = 0;
	int digits = 0;

	*v = 0;
	if (f[0] & 0x80)
		return -1;	/* GNU base-256: not in a bundle */
	while (i < width && f[i] == ' ')
		i++;
	for (; i < width && f[i] >= '0' && f[i] <= '7'; i++) {
		if (*v >> 60)
			return -1;
		*v = *v * 8 + (uint64_t)(f[i] - '0');
		digits++;
	}
	for (; i < width; i++)
		if (f[i] != '\0' && f[i] != ' ')
			return -1;
	return digits ? 0 : -1;
}

static const char *type_name(unsigned char type)
{
	switch (type) {
	case '1': return "a hard link";
	case '2': return "a symbolic link";
	case '3': return "a character device file";
	case '4': return "a block device file";
	case '6': return "a FIFO";
	case '7': return "a contiguous file";
	case 'x': return "a pax extended header";
	case 'g': return "a pax global header";
	case 'L': return "a GNU long-name header";
	case 'K': return "a GNU long-link header";
	case 'S': return "a GNU sparse file";
	case 'V': return "a GNU volume header";
	case 'M': return "a GNU multi-volume continuation";
	case 'D': return "a GNU directory dump";
	}
	return NULL;
}

/* Why name (as the header spells it) is unsafe, or NULL. */
static const char *unsafe_name(const char *name)
{
	const char *p;

	if (!*name)
		return "an empty name";
	if (*name == '/')
		return "an absolute path";
	for (p = name; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "a control character in the name";
		if (*p == '\\')
			return "a backslash in the name";
		if ((unsigned char)*p >= 0x80)
			return "a non-ASCII name";
	}
	for (p = name; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return "a '..' component";
		if (n == 1 && p[0] == '.')
			return "a '.' component";
		if (n == 0)
			return "an empty path component";
		p += n;
		if (*p == '/')
			p++;
	}
	return NULL;
}

static int fold_equal(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

static int entry_error(struct tar_reader *r, const char *name, const char *fmt, ...)
	XS_PRINTF(3, 4);
static int entry_error(struct tar_reader *r, const char *name, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT, safe = STRBUF_INIT;
	va_list ap;
	const char *p;
	int rc;

	/* Show the name without letting it play with the terminal. */
	for (p = name; *p && safe.len < 200; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			strbuf_addf(&safe, "\\x%02x", (unsigned char)*p);
		else
			strbuf_addch(&safe, *p);
	}
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	rc = error_input("%s: tar entry %zu '%s': %s", r->origin, r->entries, safe.buf, msg.buf);
	strbuf_release(&msg);
	strbuf_release(&safe);
	return rc;
}

/* A text field: the string, then only NULs to the end of the field. */
static int field_clean(const unsigned char *f, size_t width)
{
	size_t n = strnlen((const char *)f, width);

	return is_zero(f + n, width - n);
}

/* A text field holding exactly s (NUL-padded). */
static int field_is(const unsigned char *f, size_t width, const char *s)
{
	size_t n = strlen(s);

	return n <= width && !memcmp(f, s, n) && is_zero(f + n, width - n);
}

/*
 * FORMAT.md's header rules beyond the name and type: POSIX ustar magic
 * and version (not GNU's), mode 0644 (a directory: no set-id or sticky
 * bits), owner root/root (0/0), no link name, no device numbers, an
 * empty prefix and zero padding.  Why not, or NULL.
 */
static const char *header_not_strict(const unsigned char *h, int is_dir)
{
	uint64_t mode, uid, gid, dev;

	if (!memcmp(h + 257, "ustar  \0", 8))
		return "a GNU tar header (magic 'ustar  '); a bundle is POSIX ustar";
	if (memcmp(h + 257, "ustar\0" "00", 8))
		return "not a POSIX ustar header (magic 'ustar\\0', version '00')";
	if (!field_clean(h, 100))
		return "bytes after the NUL that ends the name";
	if (!is_zero(h + 345, 155))
		return "uses the ustar prefix field; a bundle's names fit the name field";
	if (!is_zero(h + 500, 12))
		return "non-zero bytes in the header's padding";
	if (!is_zero(h + 157, 100))
		return "has a link name; a bundle holds regular files only";
	if (get_octal(h + 100, 8, &mode) || get_octal(h + 108, 8, &uid) ||
	    get_octal(h + 116, 8, &gid))
		return "malformed numeric field (mode or owner)";
	if (is_dir ? (mode & ~(uint64_t)0777) != 0 : mode != 0644)
		return is_dir ? "a directory with set-id or sticky bits" :
			"mode is not 0644 (a bundle's files are plain 0644, no set-id bits)";
	if (uid || gid || !field_is(h + 265, 32, "root") || !field_is(h + 297, 32, "root"))
		return "not owned by root/root (uid and gid 0)";
	if ((h[329] && (get_octal(h + 329, 8, &dev) || dev)) ||
	    (h[337] && (get_octal(h + 337, 8, &dev) || dev)))
		return "has device numbers";
	return NULL;
}

static int take_header(struct tar_reader *r)
{
	const unsigned char *h = r->block;
	char name[100 + 1 + 155 + 1], nm[101], prefix[156];
	unsigned sum = 0, stored;
	uint64_t size, v;
	unsigned char type = h[156];
	const char *why, *what;
	size_t i, n;
	int is_dir;

	r->entries++;
	memcpy(nm, h, 100);
	nm[100] = '\0';
	memcpy(prefix, h + 345, 155);
	prefix[155] = '\0';
	if (get_octal(h + 148, 8, &v))
		return entry_error(r, nm, "malformed header checksum field");
	stored = (unsigned)v;
	for (i = 0; i < BLOCK; i++) {
		unsigned char c = (i >= 148 && i < 156) ? ' ' : h[i];

		sum += c;
	}
	/* POSIX: the unsigned sum (some old tars used signed bytes; not here). */
	if (stored != sum)
		return entry_error(r, nm, "header checksum mismatch (not a tar, or corrupt)");
	if (memcmp(h + 257, "ustar\0" "00", 8) && memcmp(h + 257, "ustar  \0", 8))
		return entry_error(r, nm, "not a ustar header");
	/* Shown as the other readers would see it: prefix/name. */
	if (prefix[0]) {
		if (snprintf(name, sizeof(name), "%s/%s", prefix, nm) >= (int)sizeof(name))
			BUG("tar name buffer");
	} else {
		memcpy(name, nm, sizeof(nm));
	}
	if (get_octal(h + 124, 12, &size))
		return entry_error(r, name, "malformed size field");
	if (get_octal(h + 100, 8, &v) || get_octal(h + 108, 8, &v) ||
	    get_octal(h + 116, 8, &v) || get_octal(h + 136, 12, &v))
		return entry_error(r, name, "malformed numeric field (mode, owner or time)");

	/* Only regular files and one directory, patches/. */
	what = type_name(type);
	if (what)
		return entry_error(r, name, "is %s; a bundle holds regular files only", what);
	is_dir = type == '5';
	if (type == '\0')
		return entry_error(r, name, "has the pre-POSIX entry type NUL; a bundle's files "
				   "are type '0'");
	if (!is_dir && type != '0')
		return entry_error(r, name, "has unknown entry type '%c'; a bundle holds "
				   "regular files only", isprint(type) ? type : '?');
	if ((why = header_not_strict(h, is_dir)))
		return entry_error(r, name, "%s", why);
	n = strlen(name);
	if (is_dir && n > 1 && name[n - 1] == '/')
		name[--n] = '\0';
	if ((why = unsafe_name(name)))
		return entry_error(r, name, "%s", why);
	for (i = 0; i < r->t->nr; i++) {
		if (!strcmp(r->t->v[i].name, name))
			return entry_error(r, name, "duplicate name");
		if (fold_equal(r->t->v[i].name, name))
			return entry_error(r, name, "collides with '%s' when case is folded",
					   r->t->v[i].name);
	}
	if (is_dir) {
		if (strcmp(name, "patches"))
			return entry_error(r, name, "a directory outside patches/; a bundle holds "
					   "manifest.json, manifest.json.asc and patches/ only");
		if (r->saw_patches_dir)
			return entry_error(r, name, "duplicate name");
		if (size)
			return entry_error(r, name, "a directory with data");
		if (r->entries != 3)
			return entry_error(r, name, "out of order: the directory patches/ may only "
					   "come right after manifest.json and manifest.json.asc");
		r->saw_patches_dir = 1;
		r->cur = NULL;
		r->left = r->blocks_left = 0;
		return 0;
	}
	if (!strcmp(name, "patches"))
		return entry_error(r, name, "collides with the directory patches/");
	if (strcmp(name, "manifest.json") && strcmp(name, "manifest.json.asc")) {
		if (!starts_with(name, "patches/") || strchr(name + 8, '/'))
			return entry_error(r, name, "outside patches/; a bundle holds manifest.json, "
					   "manifest.json.asc and patches/NNNN-NAME.patch only");
		if (!bundle_patch_name_ok(name))
			return entry_error(r, name, "not named patches/NNNN-NAME.patch (NAME of "
					   "letters, digits, '.', '_' and '-', %d characters at most)",
					   BUNDLE_MAX_NAME);
		if (r->t->nr >= BUNDLE_MAX_PATCHES + 2)
			return entry_error(r, name, "more than %d patches", BUNDLE_MAX_PATCHES);
	}
	if (size > BUNDLE_MAX_ENTRY)
		return entry_error(r, name, "a file of %llu bytes, over the %llu MiB limit",
				   (unsigned long long)size,
				   (unsigned long long)(BUNDLE_MAX_ENTRY >> 20));
	r->declared += size;
	if (r->declared > BUNDLE_MAX_EXPANDED)
		return entry_error(r, name, "the files add up to more than %llu MiB",
				   (unsigned long long)(BUNDLE_MAX_EXPANDED >> 20));
	/* The order is fixed: manifest.json, manifest.json.asc, patches 0001, 0002, ... */
	if (r->entries == 1 && strcmp(name, "manifest.json"))
		return entry_error(r, name, "out of order: the first entry must be manifest.json");
	if (r->entries == 2 && strcmp(name, "manifest.json.asc"))
		return entry_error(r, name, "out of order: the second entry must be "
				   "manifest.json.asc");
	if (r->entries > 2) {
		unsigned num = (unsigned)strtoul(name + 8, NULL, 10);

		if (!starts_with(name, "patches/") || num != r->next_patch)
			return entry_error(r, name, "out of order: patch %04u comes next (the tar "
					   "holds manifest.json, manifest.json.asc, then "
					   "patches/0001-..., 0002-..., in order)", r->next_patch);
		r->next_patch++;
	}
	ALLOC_GROW(r->t->v, r->t->nr + 1, r->t->alloc);
	r->cur = &r->t->v[r->t->nr++];
	r->cur->name = xstrdup(name);
	strbuf_init(&r->cur->data, (size_t)size);
	r->left = size;
	r->blocks_left = (size + BLOCK - 1) / BLOCK;
	return 0;
}

/* One whole 512-byte block. */
static int take_block(struct tar_reader *r)
{
	switch (r->phase) {
	case PHASE_HEADER:
		if (is_zero(r->block, BLOCK)) {
			r->phase = PHASE_END;
			r->zero_blocks = 1;
			return 0;
		}
		if (take_header(r))
			return -XS_INPUT;
		if (r->blocks_left)
			r->phase = PHASE_DATA;
		return 0;
	case PHASE_DATA: {
		size_t n = r->left < BLOCK ? (size_t)r->left : BLOCK;

		if (r->cur)
			strbuf_add(&r->cur->data, r->block, n);
		r->left -= n;
		if (!--r->blocks_left)
			r->phase = PHASE_HEADER;
		return 0;
	}
	case PHASE_END:
		if (!is_zero(r->block, BLOCK))
			return error_input("%s: data after the end-of-archive marker "
					   "(at byte %llu of the tar)", r->origin,
					   (unsigned long long)(r->t->expanded - BLOCK));
		r->zero_blocks++;
		return 0;
	}
	return 0;
}

static int reader_push(struct tar_reader *r, const unsigned char *p, size_t n)
{
	while (n) {
		size_t take = BLOCK - r->have;

		if (take > n)
			take = n;
		if (r->t->expanded + take > BUNDLE_MAX_EXPANDED)
			return error_input("%s: expands to more than %llu MiB; stopped reading "
					   "(a decompression bomb?)", r->origin,
					   (unsigned long long)(BUNDLE_MAX_EXPANDED >> 20));
		memcpy(r->block + r->have, p, take);
		r->have += take;
		r->t->expanded += take;
		p += take;
		n -= take;
		if (r->have == BLOCK) {
			int rc = take_block(r);

			r->have = 0;
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int reader_finish(struct tar_reader *r)
{
	if (r->have)
		return error_input("%s: the tar stream ends in the middle of a block", r->origin);
	if (r->phase == PHASE_DATA)
		return error_input("%s: truncated: entry '%s' ends early", r->origin,
				   r->cur ? r->cur->name : "patches/");
	if (r->phase != PHASE_END || r->zero_blocks < 2)
		return error_input("%s: truncated: no end-of-archive marker", r->origin);
	if (!bundle_tar_find(r->t, "manifest.json"))
		return error_input("%s: no manifest.json in the bundle", r->origin);
	if (!bundle_tar_find(r->t, "manifest.json.asc"))
		return error_input("%s: no manifest.json.asc (the producer's signature) in the "
				   "bundle", r->origin);
	return 0;
}

int bundle_tar_parse(struct bundle_tar *t, const void *tar, size_t len, const char *origin)
{
	struct tar_reader r;
	int rc;

	reader_init(&r, t, origin);
	rc = reader_push(&r, tar, len);
	if (!rc)
		rc = reader_finish(&r);
	return rc;
}

int bundle_tgz_parse(struct bundle_tar *t, const void *gz, size_t len, const char *origin)
{
	const size_t outsz = 64 << 10;
	unsigned char *out;
	struct tar_reader r;
	z_stream z;
	int zrc = Z_OK, rc = 0;

	if (len < 2 || ((const unsigned char *)gz)[0] != 0x1f ||
	    ((const unsigned char *)gz)[1] != 0x8b)
		return error_input("%s: not gzip data", origin);
	if ((uInt)len != len)
		return error_input("%s: too large", origin);
	reader_init(&r, t, origin);
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return error_env("%s: zlib cannot start", origin);
	out = xmalloc(outsz);
	z.next_in = (Bytef *)(uintptr_t)gz;
	z.avail_in = (uInt)len;
	while (!rc && zrc != Z_STREAM_END) {
		z.next_out = out;
		z.avail_out = (uInt)outsz;
		zrc = inflate(&z, Z_NO_FLUSH);
		if (zrc != Z_OK && zrc != Z_STREAM_END) {
			if (zrc == Z_BUF_ERROR && !z.avail_in)
				rc = error_input("%s: truncated gzip data", origin);
			else
				rc = error_input("%s: corrupt gzip data (%s)", origin,
						 z.msg ? z.msg : "zlib error");
			break;
		}
		rc = reader_push(&r, out, outsz - z.avail_out);
	}
	if (!rc && z.avail_in)
		rc = error_input("%s: %u bytes of trailing data after the gzip stream", origin,
				 (unsigned)z.avail_in);
	inflateEnd(&z);
	free(out);
	if (!rc)
		rc = reader_finish(&r);
	return rc;
}
