/*
 * strbuf.h: the one growable byte buffer.
 *
 * Ownership rules:
 *  - A strbuf owns its buffer.  Initialise with STRBUF_INIT or strbuf_init()
 *    and free with strbuf_release(); after release it is a valid empty
 *    strbuf again and may be reused.
 *  - buf is always NUL-terminated (buf[len] == '\0'), even when empty, so
 *    sb.buf can be handed to any function that wants a C string.  It may
 *    also hold NUL bytes inside; len is the truth.
 *  - Never keep a pointer into buf across a call that may grow the buffer.
 *  - strbuf_detach() hands the allocation to the caller (free() it) and
 *    leaves the strbuf empty.
 *  - A function that takes a "struct strbuf *out" appends to it; it does not
 *    reset it unless its comment says so.
 */
#ifndef XS_STRBUF_H
#define XS_STRBUF_H

#include "compat.h"

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen((sb), 0)

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addchars(struct strbuf *sb, int c, size_t n);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) XS_PRINTF(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);

void strbuf_rtrim(struct strbuf *sb);
void strbuf_ltrim(struct strbuf *sb);
void strbuf_trim(struct strbuf *sb);
/* Drop one trailing "\n" (and "\r\n"). */
void strbuf_chomp(struct strbuf *sb);
int strbuf_starts_with(const struct strbuf *sb, const char *prefix);
/* Replace every occurrence of a with b (both NUL-free). */
void strbuf_replace_all(struct strbuf *sb, const char *a, const char *b);

/* Append everything read from fd.  Returns 0 or -1 (errno set). */
int strbuf_read_fd(struct strbuf *sb, int fd, size_t max);

/* Helpers for text held in memory. */
int starts_with(const char *s, const char *prefix);
int ends_with(const char *s, const char *suffix);
/* If s starts with prefix, set *rest past it and return 1. */
int skip_prefix(const char *s, const char *prefix, const char **rest);
int is_hex_string(const char *s, size_t len);

/*
 * Walk text line by line.  *pos is the offset of the next line; the line is
 * returned as [*line, *line + *len) without its "\n".  Returns 0 at the end.
 */
int next_line(const char *text, size_t size, size_t *pos,
	      const char **line, size_t *len);

#endif
