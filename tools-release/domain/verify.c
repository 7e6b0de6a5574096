#include "compat.h"
#include "verify.h"
#include "branch.h"
#include "escape.h"
#include "fs.h"
#include "hash.h"
#include "json.h"
#include "maintainers.h"
#include "release.h"
#include "tag.h"
#include "tarball.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa.h"

#include <ctype.h>

/*
 * What verify found, printed as it goes (text) or gathered and printed at
 * the end as one JSON object (--json).
 */
struct vcheck {
	char *name;
	int ok;
	char *detail;
	struct strvec notes;
};

struct tally {
	int failed;
	char *first;		/* the first thing that failed */
	int json;
	struct vcheck *v;
	size_t nr, alloc;
	struct strvec xsas;	/* "N\ttitle" */
	char *xsa_note;		/* why XSAs are not listed, or NULL */
	char fpr[GPG_FPR_LEN + 1];
};

static void result(struct tally *t, int ok, const char *what, const char *fmt, ...)
	XS_PRINTF(4, 5);

static void result(struct tally *t, int ok, const char *what, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (t->json) {
		struct vcheck *c;

		ALLOC_GROW(t->v, t->nr + 1, t->alloc);
		c = &t->v[t->nr++];
		c->name = xstrdup(what);
		c->ok = ok;
		c->detail = xstrdup(msg);
		strvec_init(&c->notes);
	} else {
		printf("  %s %-10s %s\n", ok ? "ok  " : "FAIL", what, msg);
	}
	if (!ok) {
		t->failed++;
		if (!t->first)
			t->first = xstrfmt("%s: %s", what, msg);
	}
}

/* A detail under the last result. */
static void note(struct tally *t, const char *fmt, ...) XS_PRINTF(2, 3);

static void note(struct tally *t, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!t->json)
		printf("             %s\n", msg);
	else if (t->nr)
		strvec_push(&t->v[t->nr - 1].notes, msg);
}

static void tally_release(struct tally *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++) {
		free(t->v[i].name);
		free(t->v[i].detail);
		strvec_clear(&t->v[i].notes);
	}
	free(t->v);
	free(t->first);
	free(t->xsa_note);
	strvec_clear(&t->xsas);
}

static void tally_json(const struct tally *t, const char *tag, const char *commit)
{
	struct json_writer w;
	struct strbuf out = STRBUF_INIT;
	size_t i, k;

	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_kv_str(&w, "tag", tag);
	jw_kv_str(&w, "commit", commit);
	jw_kv_str(&w, "fingerprint", t->fpr[0] ? t->fpr : NULL);
	jw_kv_bool(&w, "passed", !t->failed);
	jw_key(&w, "checks");
	jw_arr_begin(&w);
	for (i = 0; i < t->nr; i++) {
		jw_obj_begin(&w);
		jw_kv_str(&w, "check", t->v[i].name);
		jw_kv_bool(&w, "ok", t->v[i].ok);
		jw_kv_str(&w, "detail", t->v[i].detail);
		if (t->v[i].notes.nr) {
			jw_key(&w, "notes");
			jw_arr_begin(&w);
			for (k = 0; k < t->v[i].notes.nr; k++)
				jw_str(&w, t->v[i].notes.v[k]);
			jw_arr_end(&w);
		}
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	if (t->xsa_note) {
		jw_kv_null(&w, "xsas");
		jw_kv_str(&w, "xsas_note", t->xsa_note);
	} else {
		jw_key(&w, "xsas");
		jw_arr_begin(&w);
		for (i = 0; i < t->xsas.nr; i++) {
			const char *tab = strchr(t->xsas.v[i], '\t');

			jw_obj_begin(&w);
			jw_kv_int(&w, "xsa", atoll(t->xsas.v[i]));
			jw_kv_str(&w, "title", tab && tab[1] ? tab + 1 : NULL);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
	}
	jw_obj_end(&w);
	jw_finish(&w, &out);
	fwrite(out.buf, 1, out.len, stdout);
	jw_release(&w);
	strbuf_release(&out);
}

/* "RELEASE-4.19.3" -> the branch it belongs to, and "4.19.3". */
static const struct branch *tag_branch(const struct verify_opts *o, char **version)
{
	size_t i;

	*version = NULL;
	for (i = 0; i < o->branches->nr; i++) {
		const struct branch *b = &o->branches->v[i];
		int point;

		if (branch_tag_point(b, o->tag, &point)) {
			*version = xstrfmt("%d.%d.%d", b->major, b->minor, point);
			return b;
		}
	}
	return NULL;
}

/* Returns <0 when gpg could not run at all (an environment error). */
static int check_signature(const struct verify_opts *o, const struct branch *b,
			   struct tag_info *t, struct tally *ty)
{
	struct strvec trusted = STRVEC_INIT;
	struct strbuf f = STRBUF_INIT;
	int rc = tag_verify_signature(o->src, o->gpg, t);

	if (rc) {
		result(ty, 0, "signature", "gpg could not check the tag (the error is above)");
		return rc < 0 ? rc : -XS_ENV;
	}
	if (o->keyring_fprs)
		strvec_pushv(&trusted, o->keyring_fprs->v);
	else
		maintainers_trusted(o->maint, ROLE_RELEASE, b ? b->name : NULL, &trusted);
	if (t->sig.primary_fpr[0])
		gpg_format_fpr(t->sig.primary_fpr, &f);
	switch (t->sig.verdict) {
	case GPG_GOOD: {
		size_t i;
		int pinned = 0;

		for (i = 0; i < trusted.nr; i++) {
			char norm[GPG_FPR_LEN + 1];

			if (!gpg_normalize_fpr(trusted.v[i], norm) &&
			    !strcmp(norm, t->sig.primary_fpr))
				pinned = 1;
		}
		result(ty, 1, "signature", "good signature by %s", t->sig.uid ? t->sig.uid : "?");
		note(ty, "Primary key fingerprint: %s", f.buf);
		snprintf(ty->fpr, sizeof(ty->fpr), "%s", t->sig.primary_fpr);
		result(ty, pinned, "pinned", pinned ?
		       "that fingerprint is pinned %s" :
		       "that fingerprint is NOT pinned %s; compare it with the project's",
		       o->keyring_fprs ? "by --keyring" : "in MAINTAINERS for this branch");
		break;
	}
	case GPG_NO_SIGNATURE:
		result(ty, 0, "signature", "%s is not signed", t->name);
		break;
	case GPG_BAD:
		result(ty, 0, "signature", "BAD signature on %s: the tag was altered", t->name);
		break;
	case GPG_NO_KEY:
		result(ty, 0, "signature", "signed by key %s, which is not in the keyring "
		       "(import it, or pass --keyring FILE)", t->sig.keyid);
		break;
	case GPG_EXPIRED_KEY:
		result(ty, 0, "signature", "signed by key %s, which has expired", t->sig.keyid);
		break;
	case GPG_REVOKED_KEY:
		result(ty, 0, "signature", "signed by key %s, which is revoked", t->sig.keyid);
		break;
	default:
		result(ty, 0, "signature", "the signature could not be verified");
		break;
	}
	strvec_clear(&trusted);
	strbuf_release(&f);
	return 0;
}

static void list_differences(struct tally *ty, const struct tarball_verdict *v)
{
	size_t i, shown = 0;

	for (i = 0; i < v->only_in_file.nr && shown < 20; i++, shown++)
		note(ty, "only in the tarball: %s", v->only_in_file.v[i]);
	for (i = 0; i < v->only_in_ref.nr && shown < 20; i++, shown++)
		note(ty, "only in the tag:     %s", v->only_in_ref.v[i]);
	for (i = 0; i < v->differ.nr && shown < 20; i++, shown++)
		note(ty, "differs:             %s", v->differ.v[i]);
	if (v->mtime_differs)
		note(ty, "%zu entries have another modification time", v->mtime_differs);
	if (v->entries_equal)
		note(ty, "same files and contents; only tar headers differ");
	if (v->only_in_file.nr + v->only_in_ref.nr + v->differ.nr > shown)
		note(ty, "... and %zu more",
		       v->only_in_file.nr + v->only_in_ref.nr + v->differ.nr - shown);
}

/* Prove one tarball against the tag. */
static void check_tarball(const struct verify_opts *o, const struct tarball_source *ts,
			  const char *file, int recompress, const char *want_sha,
			  const char *want_tar, struct tally *ty)
{
	struct tarball_verdict v;
	const char *name = path_basename(file);
	int rc;

	tarball_verdict_init(&v);
	rc = tarball_verify(o->src, ts, file, o->jobs, recompress, &v);
	if (rc) {
		result(ty, 0, name, "could not be checked");
	} else if (!v.readable) {
		result(ty, 0, name, "is damaged: it does not decompress");
	} else if (!v.tar_match) {
		result(ty, 0, name, "its tar stream is NOT the tag's git archive stream");
		list_differences(ty, &v);
	} else if (want_tar && strcmp(want_tar, v.file.tar_sha256)) {
		result(ty, 0, name, "tar_sha256 %s differs from release.json's %s",
		       v.file.tar_sha256, want_tar);
	} else if (recompress && v.compressed_checked && !v.compressed_match) {
		result(ty, 0, name, "same tar stream, but recompressing gives other bytes");
	} else if (want_sha && strcmp(want_sha, v.file.sha256)) {
		result(ty, 0, name, "sha256 %s differs from SHA256SUMS", v.file.sha256);
	} else {
		result(ty, 1, name, "%s%s", "rebuilt from the tag: identical tar stream",
		       recompress && v.compressed_checked ? " and identical compressed bytes" : "");
	}
	tarball_verdict_release(&v);
}

static void check_dist(const struct verify_opts *o, const char *dir, const struct tag_info *t,
		       const struct tarball_source *ts, struct tally *ty)
{
	struct strbuf json = STRBUF_INIT, sums = STRBUF_INIT, asc = STRBUF_INIT,
		      plain = STRBUF_INIT;
	struct strvec trusted = STRVEC_INIT;
	char *jpath = path_join(dir, "release.json");
	char *spath = path_join(dir, "SHA256SUMS");
	char *apath = path_join(dir, "SHA256SUMS.asc");
	struct gpg_sig s;
	yajl_val v = NULL, files, xsas;
	const char *c, *signer;
	size_t pos = 0, n, i;
	const char *line;

	gpg_sig_init(&s);
	if (read_file(&json, jpath, 4 << 20) || json_parse(json.buf, json.len, jpath, &v)) {
		result(ty, 0, "release", "%s cannot be read", jpath);
		goto out;
	}
	c = json_get_string(v, "commit");
	result(ty, c && !strcmp(c, t->object) ? 1 : 0, "release", "%s: commit %.12s%s", jpath,
	       c ? c : "?", c && !strcmp(c, t->object) ? " is the tag's" : " is NOT the tag's");
	signer = json_get_string(v, "signer");
	if (o->keyring_fprs)
		strvec_pushv(&trusted, o->keyring_fprs->v);
	else
		maintainers_trusted(o->maint, ROLE_RELEASE, json_get_string(v, "branch"), &trusted);
	if (read_file(&sums, spath, 1 << 20) || read_file(&asc, apath, 1 << 20) ||
	    gpg_verify_clearsigned(o->gpg, asc.buf, asc.len, &plain, &s)) {
		result(ty, 0, "SHA256SUMS", "cannot be read or checked");
		goto out;
	}
	if (gpg_sig_require(&s, &trusted, apath))
		result(ty, 0, "SHA256SUMS", "SHA256SUMS.asc is not signed by a pinned key");
	else if (plain.len != sums.len || memcmp(plain.buf, sums.buf, sums.len))
		result(ty, 0, "SHA256SUMS", "SHA256SUMS.asc signs other content than SHA256SUMS");
	else
		result(ty, 1, "SHA256SUMS", "signed by %s%s", s.primary_fpr,
		       signer && strcmp(signer, s.primary_fpr) ? " (release.json names another signer)" : "");
	files = json_get(v, "files");
	while (next_line(sums.buf, sums.len, &pos, &line, &n)) {
		char *l = xmemdupz(line, n), *name, *path;
		char hex[SHA256_HEX_LEN + 1];
		const char *want_tar = NULL;

		if (n < 67 || l[64] != ' ' || l[65] != ' ' || !path_is_safe(l + 66) ||
		    strchr(l + 66, '/')) {
			result(ty, 0, "SHA256SUMS", "malformed line '%.80s'", l);
			free(l);
			continue;
		}
		l[64] = '\0';
		name = l + 66;
		path = path_join(dir, name);
		if (sha256_file_hex(path, hex) || strcmp(hex, l)) {
			result(ty, 0, name, "does not match its SHA256SUMS line");
		} else if (!ends_with(name, ".json")) {
			struct strbuf data = STRBUF_INIT, sig = STRBUF_INIT;
			char *sigpath = xstrfmt("%s.sig", path);
			struct gpg_sig fs;

			gpg_sig_init(&fs);
			if (read_file(&data, path, 1u << 30) || read_file(&sig, sigpath, 1 << 20) ||
			    gpg_verify_detached(o->gpg, data.buf, data.len, sig.buf, sig.len, &fs) ||
			    gpg_sig_require(&fs, &trusted, sigpath))
				result(ty, 0, name, "its .sig does not verify with a pinned key");
			else
				result(ty, 1, name, "sum and .sig good");
			gpg_sig_release(&fs);
			strbuf_release(&data);
			strbuf_release(&sig);
			free(sigpath);
			for (i = 0; i < json_array_len(files); i++) {
				yajl_val f = json_array_at(files, i);
				const char *fn = json_get_string(f, "name");

				if (fn && !strcmp(fn, name))
					want_tar = json_get_string(f, "tar_sha256");
			}
			if (want_tar)
				check_tarball(o, ts, path, 1, l, want_tar, ty);
		} else {
			result(ty, 1, name, "sum good");
		}
		free(path);
		free(l);
	}
	xsas = json_get(v, "xsas");
	if (!ty->json)
		printf("  XSAs in this release: %s\n", json_array_len(xsas) ? "" : "none");
	for (i = 0; i < json_array_len(xsas); i++) {
		yajl_val x = json_array_at(xsas, i);
		long long num = 0;
		const char *title = json_get_string(x, "title");

		json_get_int(x, "xsa", &num);
		strvec_pushf(&ty->xsas, "%lld\t%s", num, title ? title : "");
		if (!ty->json)
			printf("    XSA-%lld%s%s\n", num, title && *title ? ": " : "", text_safe(title));
	}
out:
	json_free(v);
	gpg_sig_release(&s);
	strvec_clear(&trusted);
	strbuf_release(&json);
	strbuf_release(&sums);
	strbuf_release(&asc);
	strbuf_release(&plain);
	free(jpath);
	free(spath);
	free(apath);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* XSAs named by commits between the previous release and this one. */
static void list_xsas_from_history(const struct verify_opts *o, const struct branch *b,
				   const struct tag_info *t, struct tally *ty)
{
	struct strbuf out = STRBUF_INIT;
	char *prev = NULL, *parent = xstrfmt("%s^", t->object), *range;
	char pc[GIT_MAX_HEXSZ + 1];
	int64_t when;
	int point, nums[512];
	size_t nr = 0, i;

	if (!b || release_last_tag(o->src, b, parent, &prev, &point, pc, &when)) {
		ty->xsa_note = xstrdup("not listed (no earlier release on its branch)");
		if (!ty->json)
			printf("  XSAs in this release: %s\n", ty->xsa_note);
		free(parent);
		return;
	}
	range = xstrfmt("%s..%s", prev, t->object);
	if (!git_cmd(o->src, &out, "log", "--format=%B%x00", range, NULL)) {
		size_t pos = 0;

		while (pos < out.len) {
			const char *m = out.buf + pos;
			size_t len = strlen(m), k;
			int f[32];
			size_t nf = xsa_mentions(m, len, f, ARRAY_SIZE(f));

			for (k = 0; k < nf && nr < ARRAY_SIZE(nums); k++) {
				size_t j;
				int dup = 0;

				for (j = 0; j < nr; j++)
					dup |= nums[j] == f[k];
				if (!dup)
					nums[nr++] = f[k];
			}
			pos += len + 1;
		}
	}
	qsort(nums, nr, sizeof(nums[0]), cmp_int);
	for (i = 0; i < nr; i++)
		strvec_pushf(&ty->xsas, "%d\t", nums[i]);
	if (!ty->json) {
		printf("  XSAs in this release (from the commits since %s):%s", prev,
		       nr ? "" : " none");
		for (i = 0; i < nr; i++)
			printf(" XSA-%d", nums[i]);
		printf("\n");
	}
	strbuf_release(&out);
	free(range);
	free(prev);
	free(parent);
}

int verify_release(const struct verify_opts *o)
{
	struct tag_info t;
	struct tally ty;
	struct tarball_source ts;
	char *version = NULL, *prefix = NULL, *dir = NULL;
	const struct branch *b = tag_branch(o, &version);
	int rc, env_rc;

	memset(&ts, 0, sizeof(ts));
	memset(&ty, 0, sizeof(ty));
	strvec_init(&ty.xsas);
	ty.json = o->json;
	rc = tag_read(o->src, o->tag, &t);
	if (rc) {
		free(version);
		tally_release(&ty);
		if (rc == 1)
			return error_input("no tag %s in the source repository", o->tag);
		return rc;
	}
	if (!ty.json)
		printf("Verifying %s (commit %.12s)\n", o->tag, t.object);
	if (strcmp(t.type, "commit"))
		result(&ty, 0, "tag", "%s tags a %s, not a commit", o->tag, t.type);
	env_rc = check_signature(o, b, &t, &ty);
	if (env_rc)
		goto done;	/* without gpg nothing can be proven */
	if (version) {
		char *base = b ? branch_tarball_base(b, version) : xstrfmt("xen-%s", version);

		prefix = xstrfmt("%s/", base);
		free(base);
	}
	if (tarball_resolve(o->src, o->tag, prefix, &ts)) {
		result(&ty, 0, "tarball", "cannot prepare the tag's git archive");
		goto done;
	}
	if (o->dist && version) {
		char *cand = path_join(o->dist, version), *rj = path_join(o->dist, "release.json");

		dir = is_dir(cand) ? xstrdup(cand) : is_regular_file(rj) ? xstrdup(o->dist) : NULL;
		free(cand);
		free(rj);
	}
	if (dir)
		check_dist(o, dir, &t, &ts, &ty);
	else
		list_xsas_from_history(o, b, &t, &ty);
	if (o->tarball)
		check_tarball(o, &ts, o->tarball, 0, NULL, NULL, &ty);
	if (!dir && !o->tarball && !ty.json)
		printf("  (no release directory and no --tarball given: only the tag was checked)\n");
done:
	if (ty.json)
		tally_json(&ty, o->tag, t.object);
	if (env_rc) {
		if (!ty.json)
			printf("%s: NOT VERIFIED: gpg could not run\n", o->tag);
		rc = env_rc;
	} else if (ty.failed) {
		if (!ty.json)
			printf("%s: %d check(s) FAILED\n", o->tag, ty.failed);
		rc = error_input("%s does not verify: %s", o->tag, ty.first);
	} else {
		if (!ty.json)
			printf("%s: all checks passed\n", o->tag);
		rc = 0;
	}
	tally_release(&ty);
	free(version);
	free(prefix);
	free(dir);
	tarball_source_release(&ts);
	tag_info_release(&t);
	return rc;
}
