#include "compat.h"
#include "unpack.h"
#include "usage.h"
#include "xalloc.h"

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#define UNPACK_BUF 65536

struct unpack_stream {
	char *path;
	int fd;
	struct archive *a;
	enum compress_format format;
	struct sha256_ctx raw;
	uint64_t raw_size;
	unsigned char buf[UNPACK_BUF];
	int started, ended, hashed;
	char hex_cache[SHA256_HEX_LEN + 1];
	/* gzip goes through zlib, which checks every member's CRC and length. */
	z_stream z;
	int z_ready, raw_eof;
};

/* libarchive pulls the file through here, so its bytes are hashed once. */
static la_ssize_t raw_read(struct archive *a, void *data, const void **out)
{
	struct unpack_stream *u = data;
	ssize_t n;

	do
		n = read(u->fd, u->buf, sizeof(u->buf));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "read error");
		return -1;
	}
	sha256_update(&u->raw, u->buf, (size_t)n);
	u->raw_size += (uint64_t)n;
	*out = u->buf;
	return n;
}

static int enable_filters(struct archive *a)
{
	/* ARCHIVE_WARN would mean an external program: refuse that. */
	if (archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_filter_xz(a) != ARCHIVE_OK ||
	    archive_read_support_filter_lzip(a) != ARCHIVE_OK)
		return error_env("libarchive: built without zlib or liblzma; cannot read "
				 "gzip, xz and lzip in-process");
	return 0;
}

static int sniff(int fd, const char *path, enum compress_format *f)
{
	unsigned char head[8];
	ssize_t n;

	do
		n = pread(fd, head, sizeof(head), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return error_errno("cannot read '%s'", path);
	*f = compress_format_sniff(head, (size_t)n);
	return 0;
}

static int open_regular(const char *path, int *fdp)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT || errno == ELOOP)
			return error_input("%s: %s", path, errno == ENOENT ?
					   "no such file" : "is a symbolic link");
		return error_errno("cannot open '%s'", path);
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return error_input("%s: not a regular file", path);
	}
	*fdp = fd;
	return 0;
}

int unpack_open(struct unpack_stream **up, const char *path)
{
	struct unpack_stream *u;
	int fd, rc;

	*up = NULL;
	if ((rc = open_regular(path, &fd)))
		return rc;
	u = xcalloc(1, sizeof(*u));
	u->path = xstrdup(path);
	u->fd = fd;
	sha256_init(&u->raw);
	if ((rc = sniff(fd, path, &u->format))) {
		unpack_close(u);
		return rc;
	}
	u->a = archive_read_new();
	if (!u->a)
		die("libarchive: out of memory");
	if ((rc = enable_filters(u->a))) {
		unpack_close(u);
		return rc;
	}
	archive_read_support_format_raw(u->a);
	*up = u;
	return 0;
}

enum compress_format unpack_format(const struct unpack_stream *u)
{
	return u->format;
}

/* Read more of the raw file for zlib; 0 at the end of the file. */
static ssize_t gz_fill(struct unpack_stream *u)
{
	ssize_t n;

	do
		n = read(u->fd, u->buf, sizeof(u->buf));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return error_errno("cannot read '%s'", u->path);
	sha256_update(&u->raw, u->buf, (size_t)n);
	u->raw_size += (uint64_t)n;
	u->z.next_in = u->buf;
	u->z.avail_in = (uInt)n;
	if (!n)
		u->raw_eof = 1;
	return n;
}

static ssize_t gz_read(struct unpack_stream *u, void *buf, size_t len)
{
	if (!u->z_ready) {
		if (inflateInit2(&u->z, 16 + 15) != Z_OK)
			die("zlib: cannot initialise inflate");
		u->z_ready = 1;
	}
	for (;;) {
		size_t got;
		int rc;

		if (!u->z.avail_in && !u->raw_eof && gz_fill(u) < 0)
			return -XS_ENV;
		u->z.next_out = buf;
		u->z.avail_out = (uInt)(len > UINT_MAX ? UINT_MAX : len);
		rc = inflate(&u->z, Z_NO_FLUSH);
		got = len - u->z.avail_out;
		if (rc == Z_STREAM_END) {
			/* Another member may follow; anything else is refused. */
			if (!u->z.avail_in && !u->raw_eof && gz_fill(u) < 0)
				return -XS_ENV;
			if (!u->z.avail_in) {
				u->ended = 1;
				return (ssize_t)got;
			}
			if (u->z.next_in[0] != 0x1f ||
			    (u->z.avail_in > 1 && u->z.next_in[1] != 0x8b))
				return error_input("%s: data after the end of the gzip stream",
						   u->path);
			inflateReset(&u->z);
		} else if (rc == Z_BUF_ERROR && u->raw_eof && !u->z.avail_in) {
			return error_input("%s: cannot decompress (gz): the file is truncated",
					   u->path);
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			return error_input("%s: cannot decompress (gz): %s", u->path,
					   u->z.msg ? u->z.msg : "corrupt data");
		}
		if (got)
			return (ssize_t)got;
	}
}

ssize_t unpack_read(struct unpack_stream *u, void *buf, size_t len)
{
	la_ssize_t n;

	if (u->ended)
		return 0;
	if (u->format == COMPRESS_GZ) {
		ssize_t r = gz_read(u, buf, len);

		if (r < 0)
			u->ended = 1;
		return r;
	}
	if (!u->started) {
		struct archive_entry *e;
		int r;

		u->started = 1;
		if (archive_read_open(u->a, u, NULL, raw_read, NULL) != ARCHIVE_OK)
			goto fail;
		r = archive_read_next_header(u->a, &e);
		if (r == ARCHIVE_EOF) {
			u->ended = 1;
			return 0;
		}
		if (r != ARCHIVE_OK)
			goto fail;
	}
	n = archive_read_data(u->a, buf, len);
	if (n < 0)
		goto fail;
	if (!n)
		u->ended = 1;
	return n;
fail:
	u->ended = 1;
	return error_input("%s: cannot decompress (%s): %s", u->path,
			   compress_format_name(u->format), archive_error_string(u->a) ?
			   archive_error_string(u->a) : "unknown error");
}

int unpack_file_sha256(struct unpack_stream *u, char hex[SHA256_HEX_LEN + 1], uint64_t *size)
{
	/* libarchive stops where the data ends; hash what it did not read. */
	if (!u->hashed) {
		for (;;) {
			ssize_t n = read(u->fd, u->buf, sizeof(u->buf));

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return error_errno("cannot read '%s'", u->path);
			if (!n)
				break;
			sha256_update(&u->raw, u->buf, (size_t)n);
			u->raw_size += (uint64_t)n;
		}
		u->hashed = 1;
		sha256_final_hex(&u->raw, hex);
		memcpy(u->hex_cache, hex, sizeof(u->hex_cache));
	} else {
		memcpy(hex, u->hex_cache, sizeof(u->hex_cache));
	}
	if (size)
		*size = u->raw_size;
	return 0;
}

void unpack_close(struct unpack_stream *u)
{
	if (!u)
		return;
	if (u->a)
		archive_read_free(u->a);
	if (u->z_ready)
		inflateEnd(&u->z);
	if (u->fd >= 0)
		close(u->fd);
	if (!u->hashed) {
		char junk[SHA256_HEX_LEN + 1];

		sha256_final_hex(&u->raw, junk);
	}
	free(u->path);
	free(u);
}

/* ---- tar entries ------------------------------------------------------- */

static char entry_type(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return 'h';
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
		return 'f';
	case AE_IFDIR:
		return 'd';
	case AE_IFLNK:
		return 'l';
	default:
		return 'o';
	}
}

static int walk(struct archive *a, const char *origin, tar_entry_fn fn, void *data)
{
	struct archive_entry *ae;
	unsigned char *buf = xmalloc(UNPACK_BUF);
	int r, rc = 0;

	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		struct tar_entry e;
		struct sha256_ctx h;
		la_ssize_t n;
		const char *link;

		memset(&e, 0, sizeof(e));
		e.path = archive_entry_pathname(ae);
		if (!e.path)
			e.path = "";
		e.type = entry_type(ae);
		e.mode = (unsigned)archive_entry_perm(ae);
		e.size = (uint64_t)archive_entry_size(ae);
		e.mtime = (int64_t)archive_entry_mtime(ae);
		link = e.type == 'h' ? archive_entry_hardlink(ae) : archive_entry_symlink(ae);
		e.link = link ? link : "";
		sha256_init(&h);
		while ((n = archive_read_data(a, buf, UNPACK_BUF)) > 0)
			sha256_update(&h, buf, (size_t)n);
		sha256_final_hex(&h, e.sha256);
		if (n < 0) {
			rc = error_input("%s: %s: cannot read its data: %s", origin, e.path,
					 archive_error_string(a));
			break;
		}
		if ((rc = fn(&e, data)))
			break;
	}
	if (!rc && r != ARCHIVE_EOF)
		rc = error_input("%s: not a readable tar archive: %s", origin,
				 archive_error_string(a) ? archive_error_string(a) : "unknown error");
	free(buf);
	return rc;
}

int tar_walk_file(const char *path, tar_entry_fn fn, void *data)
{
	struct archive *a;
	int fd, rc;

	if ((rc = open_regular(path, &fd)))
		return rc;
	a = archive_read_new();
	if (!a)
		die("libarchive: out of memory");
	rc = enable_filters(a);
	if (!rc) {
		archive_read_support_format_tar(a);
		if (archive_read_open_fd(a, fd, UNPACK_BUF) != ARCHIVE_OK)
			rc = error_input("%s: %s", path, archive_error_string(a));
		else
			rc = walk(a, path, fn, data);
	}
	archive_read_free(a);
	close(fd);
	return rc;
}

int tar_walk_fd(int fd, const char *origin, tar_entry_fn fn, void *data)
{
	struct archive *a = archive_read_new();
	int rc;

	if (!a)
		die("libarchive: out of memory");
	archive_read_support_format_tar(a);
	if (archive_read_open_fd(a, fd, UNPACK_BUF) != ARCHIVE_OK)
		rc = error_input("%s: %s", origin, archive_error_string(a));
	else
		rc = walk(a, origin, fn, data);
	archive_read_free(a);
	return rc;
}
