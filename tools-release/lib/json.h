/*
 * json.h: JSON through yajl.
 *
 * Reading builds a yajl tree; errors name the origin (usually a file) with
 * line and column.  Documents nested deeper than JSON_MAX_DEPTH are
 * refused before yajl sees them.
 *
 * Writing goes through struct json_writer, which always produces valid
 * UTF-8 (invalid bytes in the input become U+FFFD) and, for pretty output,
 * two-space indentation and a final newline, so files are stable and
 * diffable.  Keys are written in the order the caller gives.
 */
#ifndef XS_JSON_H
#define XS_JSON_H

#include "compat.h"
#include "strbuf.h"
#include "strvec.h"

#include <yajl_tree.h>
#include <yajl_gen.h>

#define JSON_MAX_DEPTH 64

/*
 * Parse; on error report "origin:line:col: ..." and return -XS_INPUT.
 * Strict where JSON readers differ: comments and a key given twice in one
 * object (some readers take the first, others the last) are refused.
 */
int json_parse(const char *text, size_t len, const char *origin, yajl_val *out);
/* JSON_NO_CONTROL also refuses control characters (escape.h) in strings
 * and keys: for text that is shown to people. */
#define JSON_NO_CONTROL 1
int json_parse_flags(const char *text, size_t len, const char *origin, unsigned flags,
		     yajl_val *out);
void json_free(yajl_val v);

/* Accessors return NULL / 0 when the member is absent or of another type. */
yajl_val json_get(yajl_val obj, const char *key);
const char *json_get_string(yajl_val obj, const char *key);
int json_get_int(yajl_val obj, const char *key, long long *out);
int json_is_null(yajl_val v);
size_t json_array_len(yajl_val arr);
yajl_val json_array_at(yajl_val arr, size_t i);
size_t json_object_len(yajl_val obj);
const char *json_object_key(yajl_val obj, size_t i);
yajl_val json_object_value(yajl_val obj, size_t i);

struct json_writer {
	yajl_gen g;
	struct strbuf scratch;
	int pretty;
};

void jw_init(struct json_writer *w, int pretty);
void jw_release(struct json_writer *w);
void jw_obj_begin(struct json_writer *w);
void jw_obj_end(struct json_writer *w);
void jw_arr_begin(struct json_writer *w);
void jw_arr_end(struct json_writer *w);
void jw_key(struct json_writer *w, const char *key);
void jw_str(struct json_writer *w, const char *s);	/* NULL writes null */
void jw_strn(struct json_writer *w, const char *s, size_t len);
void jw_int(struct json_writer *w, long long v);
void jw_bool(struct json_writer *w, int v);
void jw_null(struct json_writer *w);
void jw_kv_str(struct json_writer *w, const char *key, const char *s);
void jw_kv_int(struct json_writer *w, const char *key, long long v);
void jw_kv_bool(struct json_writer *w, const char *key, int v);
void jw_kv_null(struct json_writer *w, const char *key);
/* key: [v[0], ..., v[n-1]] */
void jw_kv_ints(struct json_writer *w, const char *key, const int *v, size_t n);
/* key: [the strings of sv] */
void jw_kv_strvec(struct json_writer *w, const char *key, const struct strvec *sv);
/* A time as ISO 8601 UTC ("YYYY-MM-DDTHH:MM:SSZ"); 0 (unknown) is written as null. */
void jw_kv_time(struct json_writer *w, const char *key, int64_t t);
/* Append the document (and a newline when pretty) to out; resets w. */
void jw_finish(struct json_writer *w, struct strbuf *out);

/* Append s to out with invalid UTF-8 replaced by U+FFFD. */
void utf8_sanitize(struct strbuf *out, const char *s, size_t len);

#endif
