/*
 * json-strict.h: JSON for documents we are strict about (signed files
 * others write, such as the security team's xsaNNN.meta).
 *
 * The text becomes a tree of struct jnode in which every value knows its
 * line.  Refused, with "origin:line: ..." (exit 3): anything but exactly
 * one JSON value, comments, invalid UTF-8, a NUL byte, nesting deeper
 * than JSON_MAX_DEPTH, an integer that does not fit 64 bits, an object
 * key containing NUL, and an object that names a key twice (yajl's own
 * tree keeps both, so a reader would see one of two values).
 *
 * The text goes through yajl's event parser a line at a time, so every
 * event belongs to the line being read: a token never spans lines in
 * JSON (strings cannot hold a raw newline, and a number ends at the
 * newline that follows it).
 */
#ifndef XS_JSON_STRICT_H
#define XS_JSON_STRICT_H

#include "compat.h"

enum jn_type {
	JN_NULL,
	JN_BOOL,
	JN_INT,
	JN_DOUBLE,		/* a number with a fraction or exponent */
	JN_STRING,
	JN_ARRAY,
	JN_OBJECT,
};

struct jnode {
	enum jn_type type;
	int line;		/* where the value (or '[' '{') starts */
	int b;			/* JN_BOOL */
	long long i;		/* JN_INT */
	double d;		/* JN_DOUBLE */
	char *s;		/* JN_STRING, NUL-terminated; len counts a \u0000 */
	size_t len;
	struct jnode **v;	/* JN_ARRAY, JN_OBJECT: the members in order */
	char **keys;		/* JN_OBJECT: the key of v[i] */
	int *key_lines;
	size_t nr, alloc;
};

/* Parse; on error report "origin:line: ..." and return -XS_INPUT. */
int jnode_parse(const char *text, size_t len, const char *origin, struct jnode **out);
void jnode_free(struct jnode *n);

/* "a string", "a list", "an object", ... for messages. */
const char *jnode_type_name(enum jn_type t);
/* The member called key of an object, or NULL. */
struct jnode *jnode_get(const struct jnode *obj, const char *key);
/* Its index in obj->v, or -1. */
long jnode_index(const struct jnode *obj, const char *key);

#endif
