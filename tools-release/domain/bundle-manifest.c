/*
 * bundle-manifest.c: manifest.json of a backport bundle, read strictly
 * and written canonically (backports/FORMAT.md, "manifest.json").
 *
 * Every field of format 1 is required (some may be null).  A field the
 * reader does not know is refused unless its name starts with "x-":
 * those are the ones a producer may add for people, and a reader may
 * ignore.  Duplicate keys are refused, so two readers can never see two
 * different manifests in the same text.
 */
#include "compat.h"
#include "branch.h"
#include "bundle.h"
#include "date.h"
#include "json.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>
#include <uuid/uuid.h>

const char *bundle_role_name(enum bundle_role r)
{
	return r == BUNDLE_FIX ? "fix" : "prerequisite";
}

void bundle_manifest_init(struct bundle_manifest *m)
{
	memset(m, 0, sizeof(*m));
	strvec_init(&m->cves);
	strvec_init(&m->extensions);
}

void bundle_manifest_release(struct bundle_manifest *m)
{
	size_t i;

	for (i = 0; i < m->nr_files; i++) {
		free(m->files[i].name);
		free(m->files[i].upstream);
		free(m->files[i].subject);
	}
	free(m->files);
	free(m->xsas);
	free(m->producer);
	free(m->branch);
	free(m->base_ref);
	strvec_clear(&m->cves);
	strvec_clear(&m->extensions);
	bundle_manifest_init(m);
}

int bundle_manifest_covers(const struct bundle_manifest *m, int x)
{
	size_t i;

	for (i = 0; i < m->nr_xsas; i++)
		if (m->xsas[i] == x)
			return 1;
	return 0;
}

void bundle_new_id(char id[37])
{
	uuid_t u;

	uuid_generate_random(u);
	uuid_unparse_lower(u, id);
}

int bundle_id_ok(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f')) {
			return 0;
		}
	}
	return 1;
}

static void xsa_list(const struct bundle_manifest *m, const char *sep, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < m->nr_xsas; i++)
		strbuf_addf(out, "%s%d", i ? sep : "", m->xsas[i]);
}

char *bundle_file_name(const struct bundle_manifest *m, int encrypted)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "xsa");
	xsa_list(m, "+", &sb);
	strbuf_addf(&sb, "-%s-%.8s-r%ld.tar.gz%s", m->branch, m->id, m->revision,
		    encrypted ? ".gpg" : "");
	return strbuf_detach(&sb, NULL);
}

char *bundle_embargo_ref(const struct bundle_manifest *m)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "refs/embargo/%s/xsa-", m->branch);
	xsa_list(m, "-", &sb);
	return strbuf_detach(&sb, NULL);
}

/* ---- writing ----------------------------------------------------------- */

void bundle_manifest_write(const struct bundle_manifest *m, struct strbuf *out)
{
	struct json_writer w;
	size_t i;

	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_kv_str(&w, "format", BUNDLE_FORMAT_NAME);
	jw_kv_int(&w, "format_version", m->format_version);
	jw_kv_str(&w, "id", m->id);
	jw_kv_int(&w, "revision", m->revision);
	jw_key(&w, "producer");
	jw_obj_begin(&w);
	jw_kv_str(&w, "name", m->producer);
	jw_kv_str(&w, "fingerprint", m->fingerprint);
	jw_obj_end(&w);
	jw_kv_time(&w, "created", m->created);
	jw_kv_str(&w, "branch", m->branch);
	jw_key(&w, "base");
	jw_obj_begin(&w);
	jw_kv_str(&w, "ref", m->base_ref);
	jw_kv_str(&w, "commit", m->base_commit);
	jw_obj_end(&w);
	jw_kv_time(&w, "embargo_until", m->embargo_until);
	jw_kv_ints(&w, "xsas", m->xsas, m->nr_xsas);
	jw_kv_strvec(&w, "cves", &m->cves);
	jw_key(&w, "files");
	jw_arr_begin(&w);
	for (i = 0; i < m->nr_files; i++) {
		const struct bundle_file *f = &m->files[i];

		jw_obj_begin(&w);
		jw_kv_str(&w, "name", f->name);
		jw_kv_str(&w, "role", bundle_role_name(f->role));
		jw_kv_int(&w, "xsa", f->xsa);
		jw_kv_str(&w, "sha256", f->sha256);
		jw_kv_int(&w, "size", (long long)f->size);
		jw_kv_str(&w, "upstream_commit", f->upstream);
		jw_kv_str(&w, "subject", f->subject);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "tested");
	jw_obj_begin(&w);
	jw_kv_bool(&w, "applied", m->tested_applied);
	jw_kv_bool(&w, "built", m->tested_built);
	jw_kv_bool(&w, "booted", m->tested_booted);
	jw_obj_end(&w);
	jw_obj_end(&w);
	jw_finish(&w, out);
	jw_release(&w);
}

/* ---- reading ----------------------------------------------------------- */

struct mparse {
	const char *text;
	size_t len;
	const char *origin;
	size_t files_at;	/* where "files" starts: its entries' keys come after */
};

/* The line of the nth (0-based) occurrence of "key": in the text, or 0. */
static int key_line(const struct mparse *p, const char *key, size_t nth, size_t from)
{
	char *pat = xstrfmt("\"%s\"", key);
	size_t pl = strlen(pat), i;
	int line = 1, found = 0;

	for (i = 0; i < from && i < p->len; i++)
		if (p->text[i] == '\n')
			line++;
	for (i = from; i + pl <= p->len; i++) {
		if (p->text[i] == '\n')
			line++;
		if (p->text[i] == '"' && !memcmp(p->text + i, pat, pl)) {
			size_t j = i + pl;

			while (j < p->len && (p->text[j] == ' ' || p->text[j] == '\t' ||
					      p->text[j] == '\n' || p->text[j] == '\r'))
				j++;
			if (j < p->len && p->text[j] == ':' && nth-- == 0) {
				found = 1;
				break;
			}
		}
	}
	free(pat);
	return found ? line : 0;
}

static int field_error(const struct mparse *p, const char *key, size_t nth,
		       const char *path, const char *fmt, ...) XS_PRINTF(5, 6);
static int field_error(const struct mparse *p, const char *key, size_t nth,
		       const char *path, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	int line = key ? key_line(p, key, nth, starts_with(path, "files[") ? p->files_at : 0) : 0;
	int rc;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (!*path)
		path = "top level";
	if (line)
		rc = error_input("%s:%d: %s: %s", p->origin, line, path, msg.buf);
	else
		rc = error_input("%s: %s: %s", p->origin, path, msg.buf);
	strbuf_release(&msg);
	return rc;
}

/*
 * Check that obj has exactly the keys in known (NULL-terminated), apart
 * from "x-" extensions, and no key twice.
 */
static int check_keys(const struct mparse *p, yajl_val obj, const char *const *known,
		      const char *path, struct strvec *ext)
{
	size_t i, j, k;

	for (i = 0; i < json_object_len(obj); i++) {
		const char *key = json_object_key(obj, i);
		int ok = 0;

		for (j = 0; j < i; j++)
			if (!strcmp(json_object_key(obj, j), key))
				return field_error(p, key, 0, path, "key \"%s\" appears twice", key);
		if (starts_with(key, "x-")) {
			if (ext)
				strvec_pushf(ext, "%s%s%s", path, *path ? "." : "", key);
			continue;
		}
		for (k = 0; known[k]; k++)
			if (!strcmp(known[k], key))
				ok = 1;
		if (!ok)
			return field_error(p, key, 0, path,
					   "unknown required field \"%s\" (format %d does not "
					   "define it; fields a reader may ignore start with \"x-\")",
					   key, BUNDLE_FORMAT_VERSION);
	}
	for (k = 0; known[k]; k++)
		if (!json_get(obj, known[k]))
			return field_error(p, NULL, 0, path, "required field \"%s\" is missing",
					   known[k]);
	return 0;
}

static int plain_text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* A control character: C0, DEL, or C1 (U+0080..U+009F, 0xc2 0x80..0x9f in UTF-8). */
static int has_control(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (; *u; u++)
		if (*u < 0x20 || *u == 0x7f || (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f))
			return 1;
	return 0;
}

/* s for a message: control characters shown as '?'. */
static char *shown(const char *s)
{
	char *c = xstrdup(s);
	unsigned char *u;

	for (u = (unsigned char *)c; *u; u++)
		if (*u < 0x20 || *u == 0x7f || (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f))
			*u = '?';
	return c;
}

/*
 * FORMAT.md: strings hold no control characters, anywhere in the
 * manifest (keys, values, "x-" extensions): what one reader would print
 * as text another would interpret.
 */
static int check_strings(const struct mparse *p, yajl_val v, const char *path, const char *key)
{
	size_t i;
	int rc = 0;

	if (YAJL_IS_STRING(v)) {
		if (has_control(v->u.string)) {
			char *k = shown(key ? key : path);
			size_t nth = 0;
			const char *f;

			/* The line of files[i].key is that of the i-th "key". */
			if (skip_prefix(path, "files[", &f))
				nth = strtoul(f, NULL, 10);
			rc = field_error(p, key, nth, *path ? path : "", "\"%s\" holds a control "
					 "character; strings in a manifest may not", k);
			free(k);
		}
	} else if (YAJL_IS_OBJECT(v)) {
		for (i = 0; !rc && i < json_object_len(v); i++) {
			const char *k = json_object_key(v, i);
			char *sub;

			if (has_control(k)) {
				char *sk = shown(k);

				rc = field_error(p, NULL, 0, *path ? path : "", "the key \"%s\" holds a "
						 "control character; strings in a manifest may not", sk);
				free(sk);
				break;
			}
			sub = xstrfmt("%s%s%s", path, *path ? "." : "", k);
			rc = check_strings(p, json_object_value(v, i), sub, k);
			free(sub);
		}
	} else if (YAJL_IS_ARRAY(v)) {
		for (i = 0; !rc && i < json_array_len(v); i++) {
			char *sub = xstrfmt("%s[%zu]", path, i);

			rc = check_strings(p, json_array_at(v, i), sub, key);
			free(sub);
		}
	}
	return rc;
}

static int get_str(const struct mparse *p, yajl_val obj, const char *key, size_t nth,
		   const char *path, int nullable, size_t max, const char **out)
{
	yajl_val v = json_get(obj, key);

	*out = NULL;
	if (nullable && json_is_null(v))
		return 0;
	if (!v || !YAJL_IS_STRING(v))
		return field_error(p, key, nth, path, "\"%s\" must be a string%s", key,
				   nullable ? " or null" : "");
	if (!plain_text_ok(v->u.string, max))
		return field_error(p, key, nth, path, "\"%s\" is longer than %zu characters or "
				   "holds control characters", key, max);
	*out = v->u.string;
	return 0;
}

static int get_int(const struct mparse *p, yajl_val obj, const char *key, size_t nth,
		   const char *path, long long lo, long long hi, long long *out)
{
	if (!json_get_int(obj, key, out) || *out < lo || *out > hi)
		return field_error(p, key, nth, path, "\"%s\" must be an integer from %lld to %lld",
				   key, lo, hi);
	return 0;
}

static int get_bool(const struct mparse *p, yajl_val obj, const char *key, const char *path,
		    int *out)
{
	yajl_val v = json_get(obj, key);

	if (!v || !(YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)))
		return field_error(p, key, 0, path, "\"%s\" must be true or false", key);
	*out = YAJL_IS_TRUE(v);
	return 0;
}

static int get_time(const struct mparse *p, yajl_val obj, const char *key, const char *path,
		    int nullable, int64_t *out)
{
	const char *s;
	char back[32];
	int rc = get_str(p, obj, key, 0, path, nullable, 32, &s);

	*out = 0;
	if (rc || !s)
		return rc;
	if (date_parse_time(s, out) || *out <= 0)
		return field_error(p, key, 0, path, "\"%s\" is not a UTC time "
				   "YYYY-MM-DDTHH:MM:SSZ: '%s'", key, s);
	date_format_iso(*out, back);
	if (strcmp(back, s))
		return field_error(p, key, 0, path, "\"%s\" must be written YYYY-MM-DDTHH:MM:SSZ, "
				   "not '%s'", key, s);
	return 0;
}

static int hex_ok(const char *s, size_t n)
{
	size_t i;

	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return 0;
	return 1;
}

static int commit_ok(const char *s)
{
	return hex_ok(s, 40) || hex_ok(s, 64);
}

static int cve_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 13 || n > 20 || strncmp(s, "CVE-", 4) || s[8] != '-')
		return 0;
	for (i = 4; i < n; i++)
		if (i != 8 && !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return 0;
	return 1;
}

static int canonical_version(const char *s, int major, int minor)
{
	char buf[16];

	return snprintf(buf, sizeof(buf), "%d.%d", major, minor) < (int)sizeof(buf) &&
	       !strcmp(buf, s);
}

static int parse_files(const struct mparse *p, struct bundle_manifest *m, yajl_val arr)
{
	static const char *const known[] = { "name", "role", "xsa", "sha256", "size",
		"upstream_commit", "subject", NULL };
	size_t i, n = json_array_len(arr);

	if (!arr || !YAJL_IS_ARRAY(arr) || !n)
		return field_error(p, "files", 0, "files", "must be a non-empty array");
	if (n > BUNDLE_MAX_PATCHES)
		return field_error(p, "files", 0, "files", "more than %d files", BUNDLE_MAX_PATCHES);
	m->files = xcalloc(n, sizeof(*m->files));
	for (i = 0; i < n; i++) {
		yajl_val f = json_array_at(arr, i);
		struct bundle_file *bf = &m->files[m->nr_files];
		char path[32], want[5];
		const char *s;
		long long v;
		size_t j;
		int rc;

		if (snprintf(path, sizeof(path), "files[%zu]", i) >= (int)sizeof(path))
			BUG("path buffer");
		if (!f || !YAJL_IS_OBJECT(f))
			return field_error(p, "files", 0, path, "must be an object");
		if ((rc = check_keys(p, f, known, path, &m->extensions)))
			return rc;
		m->nr_files++;
		if ((rc = get_str(p, f, "name", i, path, 0, BUNDLE_MAX_NAME, &s)))
			return rc;
		if (!bundle_patch_name_ok(s))
			return field_error(p, "name", i, path, "\"%s\" is not patches/NNNN-NAME.patch", s);
		if (snprintf(want, sizeof(want), "%04zu", i + 1) != 4 || memcmp(s + 8, want, 4))
			return field_error(p, "name", i, path, "\"%s\" is out of order: file %zu of the "
					   "apply order must be numbered %s", s, i + 1, want);
		for (j = 0; j < i; j++)
			if (!strcasecmp(m->files[j].name, s))
				return field_error(p, "name", i, path, "\"%s\" is listed twice", s);
		bf->name = xstrdup(s);
		if ((rc = get_str(p, f, "role", i, path, 0, 32, &s)))
			return rc;
		if (!strcmp(s, "fix"))
			bf->role = BUNDLE_FIX;
		else if (!strcmp(s, "prerequisite"))
			bf->role = BUNDLE_PREREQUISITE;
		else
			return field_error(p, "role", i, path, "role must be \"prerequisite\" or "
					   "\"fix\", not \"%s\"", s);
		if ((rc = get_int(p, f, "xsa", i, path, 1, 99999, &v)))
			return rc;
		bf->xsa = (int)v;
		if (!bundle_manifest_covers(m, bf->xsa))
			return field_error(p, "xsa", i, path, "XSA-%d is not among the bundle's "
					   "\"xsas\"", bf->xsa);
		if ((rc = get_str(p, f, "sha256", i, path, 0, 64, &s)))
			return rc;
		if (!hex_ok(s, SHA256_HEX_LEN))
			return field_error(p, "sha256", i, path, "\"sha256\" must be 64 lowercase hex "
					   "digits");
		memcpy(bf->sha256, s, SHA256_HEX_LEN + 1);
		if ((rc = get_int(p, f, "size", i, path, 1, (long long)BUNDLE_MAX_ENTRY, &v)))
			return rc;
		bf->size = (uint64_t)v;
		if ((rc = get_str(p, f, "upstream_commit", i, path, 1, 64, &s)))
			return rc;
		if (s && !commit_ok(s))
			return field_error(p, "upstream_commit", i, path, "\"upstream_commit\" must be "
					   "a commit id (40 or 64 lowercase hex digits) or null");
		bf->upstream = s ? xstrdup(s) : NULL;
		if ((rc = get_str(p, f, "subject", i, path, 0, 1000, &s)))
			return rc;
		bf->subject = xstrdup(s);
	}
	/* Every XSA has a fix, and nothing comes after the last fix. */
	for (i = 0; i < m->nr_xsas; i++) {
		size_t j;
		int has = 0;

		for (j = 0; j < m->nr_files; j++)
			if (m->files[j].role == BUNDLE_FIX && m->files[j].xsa == m->xsas[i])
				has = 1;
		if (!has)
			return field_error(p, "files", 0, "files", "no file is the fix of XSA-%d",
					   m->xsas[i]);
	}
	if (m->files[m->nr_files - 1].role != BUNDLE_FIX)
		return field_error(p, "name", m->nr_files - 1, "files",
				   "the last file is a prerequisite of nothing");
	return 0;
}

int bundle_manifest_parse(struct bundle_manifest *m, const char *text, size_t len,
			  const char *origin)
{
	static const char *const known[] = { "format", "format_version", "id", "revision",
		"producer", "created", "branch", "base", "embargo_until", "xsas", "cves", "files",
		"tested", NULL };
	static const char *const known_producer[] = { "name", "fingerprint", NULL };
	static const char *const known_base[] = { "ref", "commit", NULL };
	static const char *const known_tested[] = { "applied", "built", "booted", NULL };
	struct mparse p = { text, len, origin, 0 };
	yajl_val root = NULL, v;
	const char *s;
	long long n;
	size_t i;
	int rc, major, minor;

	bundle_manifest_init(m);
	if (len > BUNDLE_MAX_MANIFEST)
		return error_input("%s: larger than %zu bytes", origin, BUNDLE_MAX_MANIFEST);
	rc = json_parse(text, len, origin, &root);
	if (rc)
		return rc;
	if (!YAJL_IS_OBJECT(root)) {
		rc = error_input("%s:1: the manifest must be a JSON object", origin);
		goto out;
	}
	{
		const char *f = memmem(text, len, "\"files\"", 7);

		p.files_at = f ? (size_t)(f - text) : 0;
	}
	if ((rc = check_strings(&p, root, "", NULL)))
		goto out;
	/* The format first: a newer format is not an unknown-field error. */
	s = json_get_string(root, "format");
	if (!s || strcmp(s, BUNDLE_FORMAT_NAME)) {
		rc = field_error(&p, "format", 0, "format", "must be \"%s\"", BUNDLE_FORMAT_NAME);
		goto out;
	}
	if (!json_get_int(root, "format_version", &n) || n < 1) {
		rc = field_error(&p, "format_version", 0, "format_version",
				 "must be a positive integer");
		goto out;
	}
	if (n != BUNDLE_FORMAT_VERSION) {
		rc = field_error(&p, "format_version", 0, "format_version",
				 "format version %lld; this xenstable reads version %d only", n,
				 BUNDLE_FORMAT_VERSION);
		goto out;
	}
	m->format_version = (int)n;
	if ((rc = check_keys(&p, root, known, "", &m->extensions)))
		goto out;

	if ((rc = get_str(&p, root, "id", 0, "id", 0, 36, &s)))
		goto out;
	if (!bundle_id_ok(s)) {
		rc = field_error(&p, "id", 0, "id", "\"%s\" is not a lowercase UUID", s);
		goto out;
	}
	memcpy(m->id, s, 37);
	if ((rc = get_int(&p, root, "revision", 0, "revision", 1, INT32_MAX, &n)))
		goto out;
	m->revision = (long)n;

	v = json_get(root, "producer");
	if (!YAJL_IS_OBJECT(v)) {
		rc = field_error(&p, "producer", 0, "producer", "must be an object");
		goto out;
	}
	if ((rc = check_keys(&p, v, known_producer, "producer", &m->extensions)) ||
	    (rc = get_str(&p, v, "name", 0, "producer", 0, 64, &s)))
		goto out;
	if (!name_ok(s)) {
		rc = field_error(&p, "name", 0, "producer", "member name \"%s\" must be letters, "
				 "digits, '.', '_' and '-'", s);
		goto out;
	}
	m->producer = xstrdup(s);
	if ((rc = get_str(&p, v, "fingerprint", 0, "producer", 0, 40, &s)))
		goto out;
	if (strlen(s) != GPG_FPR_LEN || gpg_normalize_fpr(s, m->fingerprint) ||
	    strcmp(s, m->fingerprint)) {
		rc = field_error(&p, "fingerprint", 0, "producer", "\"fingerprint\" must be 40 "
				 "uppercase hex digits");
		goto out;
	}

	if ((rc = get_time(&p, root, "created", "created", 0, &m->created)))
		goto out;
	if ((rc = get_str(&p, root, "branch", 0, "branch", 0, 16, &s)))
		goto out;
	if (parse_major_minor(s, &major, &minor) || !canonical_version(s, major, minor)) {
		rc = field_error(&p, "branch", 0, "branch", "\"%s\" is not a branch version X.Y", s);
		goto out;
	}
	m->branch = xstrdup(s);

	v = json_get(root, "base");
	if (!YAJL_IS_OBJECT(v)) {
		rc = field_error(&p, "base", 0, "base", "must be an object");
		goto out;
	}
	if ((rc = check_keys(&p, v, known_base, "base", &m->extensions)) ||
	    (rc = get_str(&p, v, "ref", 0, "base", 0, 200, &s)))
		goto out;
	if (!*s || *s == '-' || strchr(s, ' ')) {
		rc = field_error(&p, "ref", 0, "base", "\"ref\" must be a tag, branch or commit name");
		goto out;
	}
	m->base_ref = xstrdup(s);
	if ((rc = get_str(&p, v, "commit", 0, "base", 0, 64, &s)))
		goto out;
	if (!commit_ok(s)) {
		rc = field_error(&p, "commit", 0, "base", "\"commit\" must be a commit id");
		goto out;
	}
	memcpy(m->base_commit, s, strlen(s) + 1);

	if ((rc = get_time(&p, root, "embargo_until", "embargo_until", 1, &m->embargo_until)))
		goto out;

	v = json_get(root, "xsas");
	if (!v || !YAJL_IS_ARRAY(v) || !json_array_len(v) || json_array_len(v) > 64) {
		rc = field_error(&p, "xsas", 0, "xsas", "must be an array of 1 to 64 XSA numbers");
		goto out;
	}
	m->xsas = xcalloc(json_array_len(v), sizeof(*m->xsas));
	for (i = 0; i < json_array_len(v); i++) {
		yajl_val x = json_array_at(v, i);
		long long num;

		if (!YAJL_IS_INTEGER(x) || (num = YAJL_GET_INTEGER(x)) < 1 || num > 99999) {
			rc = field_error(&p, "xsas", 0, "xsas", "item %zu is not an XSA number", i);
			goto out;
		}
		if (bundle_manifest_covers(m, (int)num)) {
			rc = field_error(&p, "xsas", 0, "xsas", "XSA-%lld is listed twice", num);
			goto out;
		}
		m->xsas[m->nr_xsas++] = (int)num;
	}

	v = json_get(root, "cves");
	if (!v || !YAJL_IS_ARRAY(v) || json_array_len(v) > 256) {
		rc = field_error(&p, "cves", 0, "cves", "must be an array of CVE ids");
		goto out;
	}
	for (i = 0; i < json_array_len(v); i++) {
		yajl_val c = json_array_at(v, i);

		if (!YAJL_IS_STRING(c) || !cve_ok(c->u.string)) {
			rc = field_error(&p, "cves", 0, "cves", "item %zu is not a CVE id "
					 "(CVE-YYYY-NNNN)", i);
			goto out;
		}
		strvec_push(&m->cves, c->u.string);
	}

	if ((rc = parse_files(&p, m, json_get(root, "files"))))
		goto out;

	v = json_get(root, "tested");
	if (!YAJL_IS_OBJECT(v)) {
		rc = field_error(&p, "tested", 0, "tested", "must be an object");
		goto out;
	}
	if ((rc = check_keys(&p, v, known_tested, "tested", &m->extensions)) ||
	    (rc = get_bool(&p, v, "applied", "tested", &m->tested_applied)) ||
	    (rc = get_bool(&p, v, "built", "tested", &m->tested_built)) ||
	    (rc = get_bool(&p, v, "booted", "tested", &m->tested_booted)))
		goto out;
out:
	json_free(root);
	return rc;
}

int bundle_check_files(const struct bundle_manifest *m, const struct bundle_tar *t,
		       const char *origin)
{
	size_t i, j;

	for (i = 0; i < m->nr_files; i++) {
		const struct bundle_file *f = &m->files[i];
		const struct bundle_entry *e = bundle_tar_find(t, f->name);
		char hex[SHA256_HEX_LEN + 1];

		if (!e)
			return error_input("%s: %s is listed in manifest.json but not in the bundle",
					   origin, f->name);
		if (e->data.len != f->size)
			return error_input("%s: %s has %zu bytes; manifest.json says %llu", origin,
					   f->name, e->data.len, (unsigned long long)f->size);
		sha256_hex(e->data.buf, e->data.len, hex);
		if (strcmp(hex, f->sha256))
			return error_input("%s: %s: sha256 %s does not match manifest.json's %s "
					   "(the file was altered)", origin, f->name, hex, f->sha256);
	}
	for (j = 0; j < t->nr; j++) {
		const char *name = t->v[j].name;
		int listed = 0;

		if (!starts_with(name, "patches/"))
			continue;
		for (i = 0; i < m->nr_files; i++)
			if (!strcmp(m->files[i].name, name))
				listed = 1;
		if (!listed)
			return error_input("%s: %s is in the bundle but not listed in manifest.json",
					   origin, name);
	}
	return 0;
}
