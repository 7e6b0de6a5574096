#include "compat.h"
#include "provenance.h"
#include "compress.h"
#include "evtag.h"
#include "fs.h"
#include "json.h"
#include "maintainers.h"
#include "usage.h"
#include "xalloc.h"

#include <libdeflate.h>
#include <lzma.h>

void provenance_compression(struct strbuf *gzip, struct strbuf *xz)
{
	if (gzip)
		compress_describe(COMPRESS_GZ, gzip);
	if (xz)
		compress_describe(COMPRESS_XZ, xz);
}

/* ---- writing ---------------------------------------------------------- */

static void write_compression(struct json_writer *w)
{
	struct strbuf gz = STRBUF_INIT, xz = STRBUF_INIT;

	provenance_compression(&gz, &xz);
	jw_key(w, "compression");
	jw_obj_begin(w);
	jw_key(w, "gzip");
	jw_obj_begin(w);
	jw_kv_str(w, "description", gz.buf);
	jw_kv_str(w, "library", "libdeflate");
	jw_kv_str(w, "libraryVersion", LIBDEFLATE_VERSION_STRING);
	jw_kv_str(w, "function", "libdeflate_deflate_compress");
	jw_kv_int(w, "level", GZ_LEVEL);
	jw_kv_int(w, "blockSize", (long long)GZ_BLOCK_SIZE);
	jw_kv_str(w, "blockJoin", "final bit cleared, empty stored block (00 00 ff ff) after every block but the last");
	jw_kv_int(w, "members", 1);
	jw_kv_str(w, "header", "1f8b0800000000000003");
	jw_obj_end(w);
	jw_key(w, "xz");
	jw_obj_begin(w);
	jw_kv_str(w, "description", xz.buf);
	jw_kv_str(w, "library", "liblzma");
	jw_kv_str(w, "libraryVersion", lzma_version_string());
	jw_kv_str(w, "encoder", "lzma_stream_encoder_mt");
	jw_kv_int(w, "preset", XZ_PRESET);
	jw_kv_str(w, "check", "crc64");
	jw_kv_int(w, "blockSize", (long long)XZ_BLOCK_SIZE);
	jw_kv_str(w, "sameBytesAs", "xz --threads=2 --block-size=8MiB -6");
	jw_obj_end(w);
	jw_obj_end(w);
	strbuf_release(&gz);
	strbuf_release(&xz);
}

/* "xen-4.19.4.tar.gz" -> "xen-4.19.4/" */
static char *prefix_of(const char *name)
{
	size_t n = strlen(name);

	if (n > 7 && (ends_with(name, ".tar.gz") || ends_with(name, ".tar.xz")))
		return xstrfmt("%.*s/", (int)(n - 7), name);
	return NULL;
}

int provenance_write(const struct git_repo *src, struct gpg_ctx *g,
		     const struct maintainers *m, const char *key, const char *dir,
		     const char *release_json, size_t len, char sha256[SHA256_HEX_LEN + 1])
{
	struct strbuf out = STRBUF_INIT, sig = STRBUF_INIT, gitv = STRBUF_INIT,
		      pub = STRBUF_INIT;
	struct evtag_stats st;
	struct json_writer w;
	yajl_val v = NULL, files, comps;
	const char *branch, *version, *tag, *commit, *tree, *date, *tar, *xsv;
	char evtag[EVTAG_HEX_LEN + 1], fpr[GPG_FPR_LEN + 1];
	char *prefix = NULL, *path = NULL, *builder = NULL;
	size_t i;
	int rc;

	memset(&st, 0, sizeof(st));
	sha256[0] = '\0';
	rc = json_parse(release_json, len, "release.json", &v);
	if (rc)
		return rc;
	branch = json_get_string(v, "branch");
	version = json_get_string(v, "version");
	tag = json_get_string(v, "tag");
	commit = json_get_string(v, "commit");
	tree = json_get_string(v, "tree");
	date = json_get_string(v, "date");
	tar = json_get_string(v, "tar_sha256");
	xsv = json_get_string(v, "xenstable_version");
	files = json_get(v, "files");
	comps = json_get(v, "companions");
	if (!branch || !version || !tag || !commit || !tree || !tar || !xsv ||
	    !json_array_len(files)) {
		rc = error_env("release.json lacks what the provenance records");
		goto out;
	}
	prefix = prefix_of(json_get_string(json_array_at(files, 0), "name") ?
			   json_get_string(json_array_at(files, 0), "name") : "");
	if (!prefix) {
		rc = error_env("release.json: the first file is not a .tar.gz or .tar.xz");
		goto out;
	}
	if (gpg_normalize_fpr(key, fpr) || !maintainers_find(m, fpr, ROLE_RELEASE, branch)) {
		rc = error_env("the signing key %s is not pinned in MAINTAINERS for %s: no builder "
			       "id for the provenance", key, branch);
		goto out;
	}
	builder = xstrfmt("%s%s", PROVENANCE_BUILDER_PREFIX, fpr);
	rc = evtag_compute(src, commit, evtag, &st);
	if (rc == 1)
		rc = error_env("commit %.12s has a submodule (%s): its Git-EVTag checksum needs the "
			       "submodule's objects", commit, st.submodule);
	if (!rc)
		rc = git_cmd(src, &gitv, "version", NULL);
	if (rc)
		goto out;
	strbuf_trim(&gitv);
	if (starts_with(gitv.buf, "git version ")) {
		char *rest = xstrdup(gitv.buf + 12);

		strbuf_reset(&gitv);
		strbuf_addstr(&gitv, rest);
		free(rest);
	}

	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_kv_str(&w, "_type", PROVENANCE_STATEMENT_TYPE);
	jw_key(&w, "subject");
	jw_arr_begin(&w);
	for (i = 0; i < json_array_len(files); i++) {
		yajl_val f = json_array_at(files, i);

		jw_obj_begin(&w);
		jw_kv_str(&w, "name", json_get_string(f, "name"));
		jw_key(&w, "digest");
		jw_obj_begin(&w);
		jw_kv_str(&w, "sha256", json_get_string(f, "sha256"));
		jw_obj_end(&w);
		jw_obj_end(&w);
	}
	for (i = 0; i < json_array_len(comps); i++) {
		yajl_val f = json_array_at(comps, i);

		jw_obj_begin(&w);
		jw_kv_str(&w, "name", json_get_string(f, "file"));
		jw_key(&w, "digest");
		jw_obj_begin(&w);
		jw_kv_str(&w, "sha256", json_get_string(f, "sha256"));
		jw_obj_end(&w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_kv_str(&w, "predicateType", PROVENANCE_PREDICATE_TYPE);
	jw_key(&w, "predicate");
	jw_obj_begin(&w);
	jw_key(&w, "buildDefinition");
	jw_obj_begin(&w);
	jw_kv_str(&w, "buildType", PROVENANCE_BUILD_TYPE);
	jw_key(&w, "externalParameters");
	jw_obj_begin(&w);
	jw_kv_str(&w, "tag", tag);
	jw_kv_str(&w, "branch", branch);
	jw_kv_str(&w, "version", version);
	jw_obj_end(&w);
	jw_key(&w, "internalParameters");
	jw_obj_begin(&w);
	jw_kv_str(&w, "xenstableVersion", xsv);
	jw_key(&w, "tar");
	jw_obj_begin(&w);
	{
		char *cmd = xstrfmt("git archive --format=tar --prefix=%s %s", prefix, commit);

		jw_kv_str(&w, "command", cmd);
		free(cmd);
	}
	jw_kv_str(&w, "prefix", prefix);
	jw_kv_str(&w, "sha256", tar);
	jw_obj_end(&w);
	write_compression(&w);
	jw_kv_str(&w, "specification", "tools-release/TARBALL.md");
	jw_obj_end(&w);
	jw_key(&w, "resolvedDependencies");
	jw_arr_begin(&w);
	jw_obj_begin(&w);
	jw_kv_str(&w, "name", "xen");
	jw_key(&w, "digest");
	jw_obj_begin(&w);
	jw_kv_str(&w, "gitCommit", commit);
	jw_obj_end(&w);
	jw_key(&w, "annotations");
	jw_obj_begin(&w);
	jw_kv_str(&w, "xenstable_tag", tag);
	jw_kv_str(&w, "xenstable_gitTree", tree);
	jw_kv_str(&w, "xenstable_gitEvtagV0Sha512", evtag);
	jw_obj_end(&w);
	jw_obj_end(&w);
	for (i = 0; i < json_array_len(comps); i++) {
		yajl_val f = json_array_at(comps, i);

		jw_obj_begin(&w);
		jw_kv_str(&w, "name", json_get_string(f, "name"));
		jw_key(&w, "digest");
		jw_obj_begin(&w);
		jw_kv_str(&w, "gitCommit", json_get_string(f, "revision"));
		jw_obj_end(&w);
		jw_key(&w, "annotations");
		jw_obj_begin(&w);
		jw_kv_str(&w, "xenstable_file", json_get_string(f, "file"));
		jw_kv_str(&w, "xenstable_tarSha256", json_get_string(f, "tar_sha256"));
		jw_obj_end(&w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);	/* buildDefinition */
	jw_key(&w, "runDetails");
	jw_obj_begin(&w);
	jw_key(&w, "builder");
	jw_obj_begin(&w);
	jw_kv_str(&w, "id", builder);
	jw_key(&w, "version");
	jw_obj_begin(&w);
	jw_kv_str(&w, "xenstable", xsv);
	jw_kv_str(&w, "git", gitv.buf);
	jw_kv_str(&w, "libdeflate", LIBDEFLATE_VERSION_STRING);
	jw_kv_str(&w, "liblzma", lzma_version_string());
	jw_obj_end(&w);
	jw_obj_end(&w);
	if (date) {
		jw_key(&w, "metadata");
		jw_obj_begin(&w);
		jw_kv_str(&w, "startedOn", date);
		jw_obj_end(&w);
	}
	jw_obj_end(&w);	/* runDetails */
	jw_obj_end(&w);	/* predicate */
	jw_obj_end(&w);
	jw_finish(&w, &out);
	jw_release(&w);

	path = path_join(dir, PROVENANCE_FILE);
	rc = write_file_atomic(path, out.buf, out.len, 0644);
	if (!rc)
		rc = gpg_sign_detached(g, fpr, out.buf, out.len, 0, &sig);
	if (!rc) {
		char *sp = xstrfmt("%s.sig", path);

		rc = write_file_atomic(sp, sig.buf, sig.len, 0644);
		free(sp);
	}
	if (!rc)
		rc = gpg_export(g, fpr, &pub);
	if (!rc) {
		char *kp = path_join(dir, PROVENANCE_KEY_FILE);

		rc = write_file_atomic(kp, pub.buf, pub.len, 0644);
		free(kp);
	}
	if (!rc)
		sha256_hex(out.buf, out.len, sha256);
out:
	evtag_stats_release(&st);
	json_free(v);
	strbuf_release(&out);
	strbuf_release(&sig);
	strbuf_release(&gitv);
	strbuf_release(&pub);
	free(prefix);
	free(path);
	free(builder);
	return rc;
}

/* ---- reading ---------------------------------------------------------- */

void provenance_init(struct provenance *p)
{
	memset(p, 0, sizeof(*p));
	strvec_init(&p->subjects);
	strvec_init(&p->unknown_params);
	strvec_init(&p->companions);
}

void provenance_release(struct provenance *p)
{
	free(p->statement_type);
	free(p->predicate_type);
	free(p->build_type);
	strvec_clear(&p->subjects);
	free(p->tag);
	free(p->branch);
	free(p->version);
	strvec_clear(&p->unknown_params);
	free(p->commit);
	free(p->tree);
	free(p->evtag);
	strvec_clear(&p->companions);
	free(p->tar_sha256);
	free(p->prefix);
	free(p->xenstable_version);
	free(p->gzip);
	free(p->xz);
	free(p->builder_id);
	provenance_init(p);
}

/*
 * The one member key of obj: NULL when absent; an error when obj is not
 * an object or holds key twice (two readers could then see two values).
 */
static int member(yajl_val obj, const char *key, const char *origin, const char *where,
		  yajl_val *out)
{
	size_t i, n = json_object_len(obj);

	*out = NULL;
	if (!YAJL_IS_OBJECT(obj))
		return error_input("%s: %s is not an object", origin, where);
	for (i = 0; i < n; i++) {
		const char *k = json_object_key(obj, i);

		if (!k || strcmp(k, key))
			continue;
		if (*out)
			return error_input("%s: %s has '%s' twice", origin, where, key);
		*out = json_object_value(obj, i);
	}
	return 0;
}

/* A string member, copied (NULL when absent; an error when not a string). */
static int member_str(yajl_val obj, const char *key, const char *origin, const char *where,
		      char **out)
{
	yajl_val v;
	const char *sv;
	int rc = member(obj, key, origin, where, &v);

	*out = NULL;
	if (rc || !v)
		return rc;
	sv = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
	if (!sv)
		return error_input("%s: %s.%s is not a string", origin, where, key);
	if (strlen(sv) > 4096)
		return error_input("%s: %s.%s is too long", origin, where, key);
	*out = xstrdup(sv);
	return 0;
}

static int is_lower_hex(const char *s, size_t n)
{
	size_t i;

	if (!s || strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* A name we will print and compare with file names: plain, no controls. */
static int is_plain_name(const char *s)
{
	return s && *s && path_is_safe(s) && !strchr(s, '/') && strlen(s) < 256;
}

static int parse_dependency(yajl_val d, const char *origin, size_t i, struct provenance *p)
{
	char where[64];
	yajl_val digest, ann;
	char *name = NULL, *commit = NULL;
	int rc;

	snprintf(where, sizeof(where), "resolvedDependencies[%zu]", i);
	rc = member_str(d, "name", origin, where, &name);
	if (!rc)
		rc = member(d, "digest", origin, where, &digest);
	if (!rc && digest)
		rc = member_str(digest, "gitCommit", origin, where, &commit);
	if (!rc && commit && !is_lower_hex(commit, 40) && !is_lower_hex(commit, 64))
		rc = error_input("%s: %s: gitCommit is not an object id", origin, where);
	if (rc || !name)
		goto out;
	if (!strcmp(name, "xen")) {
		if (p->commit) {
			rc = error_input("%s: two dependencies named xen", origin);
			goto out;
		}
		p->commit = commit;
		commit = NULL;
		rc = member(d, "annotations", origin, where, &ann);
		if (!rc && ann)
			rc = member_str(ann, "xenstable_gitTree", origin, where, &p->tree);
		if (!rc && ann)
			rc = member_str(ann, "xenstable_gitEvtagV0Sha512", origin, where, &p->evtag);
		if (!rc && p->evtag && !is_lower_hex(p->evtag, EVTAG_HEX_LEN))
			rc = error_input("%s: %s: the Git-EVTag checksum is not 128 hex digits",
					 origin, where);
	} else if (commit && is_plain_name(name)) {
		strvec_pushf(&p->companions, "%s\t%s", name, commit);
	}
out:
	free(name);
	free(commit);
	return rc;
}

int provenance_parse(const char *text, size_t len, const char *origin, struct provenance *p)
{
	yajl_val v = NULL, subj, pred, bd, ext, intl, deps, rd, builder, tar, comp, x;
	size_t i;
	int rc = json_parse(text, len, origin, &v);

	if (rc)
		return rc;
	rc = member_str(v, "_type", origin, "the statement", &p->statement_type);
	if (!rc)
		rc = member_str(v, "predicateType", origin, "the statement", &p->predicate_type);
	if (!rc)
		rc = member(v, "subject", origin, "the statement", &subj);
	if (!rc && !YAJL_IS_ARRAY(subj))
		rc = error_input("%s: subject is not an array", origin);
	for (i = 0; !rc && i < json_array_len(subj); i++) {
		yajl_val s = json_array_at(subj, i), d;
		char *name = NULL, *sha = NULL;

		rc = member_str(s, "name", origin, "a subject", &name);
		if (!rc)
			rc = member(s, "digest", origin, "a subject", &d);
		if (!rc && !d)
			rc = error_input("%s: subject %zu has no digest", origin, i);
		if (!rc)
			rc = member_str(d, "sha256", origin, "a subject digest", &sha);
		if (!rc && (!is_plain_name(name) || !is_lower_hex(sha, SHA256_HEX_LEN)))
			rc = error_input("%s: subject %zu needs a plain file name and a sha256 "
					 "(64 lowercase hex digits)", origin, i);
		if (!rc)
			strvec_pushf(&p->subjects, "%s\t%s", name, sha);
		free(name);
		free(sha);
	}
	if (!rc)
		rc = member(v, "predicate", origin, "the statement", &pred);
	if (!rc && !pred)
		rc = error_input("%s: no predicate", origin);
	if (!rc)
		rc = member(pred, "buildDefinition", origin, "predicate", &bd);
	if (!rc && !bd)
		rc = error_input("%s: no buildDefinition", origin);
	if (!rc)
		rc = member_str(bd, "buildType", origin, "buildDefinition", &p->build_type);
	if (!rc)
		rc = member(bd, "externalParameters", origin, "buildDefinition", &ext);
	if (!rc && !ext)
		rc = error_input("%s: no externalParameters", origin);
	if (!rc)
		rc = member_str(ext, "tag", origin, "externalParameters", &p->tag);
	if (!rc)
		rc = member_str(ext, "branch", origin, "externalParameters", &p->branch);
	if (!rc)
		rc = member_str(ext, "version", origin, "externalParameters", &p->version);
	for (i = 0; !rc && i < json_object_len(ext); i++) {
		const char *k = json_object_key(ext, i);

		if (k && strcmp(k, "tag") && strcmp(k, "branch") && strcmp(k, "version"))
			strvec_push(&p->unknown_params, k);
	}
	if (!rc)
		rc = member(bd, "internalParameters", origin, "buildDefinition", &intl);
	if (!rc && intl)
		rc = member_str(intl, "xenstableVersion", origin, "internalParameters",
				&p->xenstable_version);
	if (!rc && intl)
		rc = member(intl, "tar", origin, "internalParameters", &tar);
	if (!rc && intl && tar)
		rc = member_str(tar, "sha256", origin, "internalParameters.tar", &p->tar_sha256);
	if (!rc && intl && tar)
		rc = member_str(tar, "prefix", origin, "internalParameters.tar", &p->prefix);
	if (!rc && p->tar_sha256 && !is_lower_hex(p->tar_sha256, SHA256_HEX_LEN))
		rc = error_input("%s: internalParameters.tar.sha256 is not a sha256", origin);
	if (!rc && intl)
		rc = member(intl, "compression", origin, "internalParameters", &comp);
	if (!rc && intl && comp) {
		rc = member(comp, "gzip", origin, "compression", &x);
		if (!rc && x)
			rc = member_str(x, "description", origin, "compression.gzip", &p->gzip);
		if (!rc)
			rc = member(comp, "xz", origin, "compression", &x);
		if (!rc && x)
			rc = member_str(x, "description", origin, "compression.xz", &p->xz);
	}
	if (!rc)
		rc = member(bd, "resolvedDependencies", origin, "buildDefinition", &deps);
	if (!rc && deps && !YAJL_IS_ARRAY(deps))
		rc = error_input("%s: resolvedDependencies is not an array", origin);
	for (i = 0; !rc && i < json_array_len(deps); i++)
		rc = parse_dependency(json_array_at(deps, i), origin, i, p);
	if (!rc)
		rc = member(pred, "runDetails", origin, "predicate", &rd);
	if (!rc && !rd)
		rc = error_input("%s: no runDetails", origin);
	if (!rc)
		rc = member(rd, "builder", origin, "runDetails", &builder);
	if (!rc && !builder)
		rc = error_input("%s: no runDetails.builder", origin);
	if (!rc)
		rc = member_str(builder, "id", origin, "runDetails.builder", &p->builder_id);
	json_free(v);
	return rc;
}
