/*
 * release-artifacts.c: the release directory (release.h, step 4): the
 * tarballs of Xen and of its companions, their signatures, the OSV
 * records, release.json, the provenance and the signed SHA256SUMS,
 * written to OUT/.X.Y.Z.partial, verified, then renamed to OUT/X.Y.Z.
 */
#include "compat.h"
#include "release.h"
#include "release-internal.h"
#include "branch.h"
#include "date.h"
#include "fs.h"
#include "hash.h"
#include "json.h"
#include "provenance.h"
#include "tarball.h"
#include "usage.h"
#include "xalloc.h"
#include "release-history.h"

#include <ctype.h>

#define RELEASE_JSON_SCHEMA 1

/* ---- artifacts ------------------------------------------------------------------ */

struct artifact {
	char *name;			/* file name in the release directory */
	char sha256[SHA256_HEX_LEN + 1];
	uint64_t size;
	char tar_sha256[SHA256_HEX_LEN + 1];
	const char *format;		/* "gzip", "xz", "json" */
	char *companion;		/* companion name, NULL for Xen itself */
	char *revision;			/* companion revision */
};

struct artifact_list {
	struct artifact *v;
	size_t nr, alloc;
};

static struct artifact *artifact_add(struct artifact_list *l, const char *name)
{
	struct artifact *a;

	ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	a = &l->v[l->nr++];
	memset(a, 0, sizeof(*a));
	a->name = xstrdup(name);
	return a;
}

static void artifacts_release(struct artifact_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		free(l->v[i].name);
		free(l->v[i].companion);
		free(l->v[i].revision);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The value of "VAR ?= value" or "VAR = value" in Config.mk text. */
static char *config_mk_value(const char *text, size_t len, const char *var)
{
	size_t pos = 0, n, vl = strlen(var);
	const char *line;

	while (next_line(text, len, &pos, &line, &n)) {
		size_t i = 0;

		if (n <= vl || memcmp(line, var, vl))
			continue;
		i = vl;
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i + 1 < n && line[i] == '?' && line[i + 1] == '=')
			i += 2;
		else if (i < n && line[i] == '=')
			i++;
		else
			continue;
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		{
			size_t e = n;

			while (e > i && isspace((unsigned char)line[e - 1]))
				e--;
			return xmemdupz(line + i, e - i);
		}
	}
	return NULL;
}

/* Tarballs of the companion sources the tree pins ([companion "NAME"]). */
static int write_companions(const struct release_opts *o, const struct release_plan *p,
			    const char *dir, struct artifact_list *l)
{
	const struct cfg_file *cf = &o->branch->cfg;
	struct strbuf cmk = STRBUF_INIT;
	int have_cmk = -1, rc = 0;
	size_t i;

	for (i = 0; i < cf->nr && !rc; i++) {
		const struct cfg_entry *e = &cf->e[i], *m, *v;
		struct git_repo mirror;
		struct tarball_source ts;
		struct tarball_hashes h;
		char *mirror_path, *rev, *prefix, *file, *path;
		char oid[GIT_MAX_HEXSZ + 1];
		size_t j;
		int dup = 0;

		if (strcmp(e->section, "companion") || !e->subsection)
			continue;
		for (j = 0; j < i; j++)
			if (!strcmp(cf->e[j].section, "companion") && cf->e[j].subsection &&
			    !strcmp(cf->e[j].subsection, e->subsection))
				dup = 1;
		if (dup)
			continue;
		for (j = 0; j < cf->nr; j++) {
			const struct cfg_entry *k = &cf->e[j];

			if (!strcmp(k->section, "companion") && k->subsection &&
			    !strcmp(k->subsection, e->subsection) && strcmp(k->key, "mirror") &&
			    strcmp(k->key, "variable"))
				return error_input("%s:%d: unknown key '%s' for companion %s "
						   "(mirror, variable)", cf->path, k->line, k->key,
						   e->subsection);
		}
		m = cfg_find(cf, "companion", e->subsection, "mirror");
		v = cfg_find(cf, "companion", e->subsection, "variable");
		if (!m || !m->value || !v || !v->value)
			return error_input("%s:%d: companion %s needs 'mirror' and 'variable'",
					   cf->path, e->line, e->subsection);
		if (!path_is_safe(e->subsection) || strchr(e->subsection, '/'))
			return error_input("%s:%d: companion name '%s' is not a plain name",
					   cf->path, e->line, e->subsection);
		if (have_cmk < 0)
			have_cmk = git_read_blob(o->src, p->release_commit, "Config.mk", &cmk);
		if (have_cmk)
			return have_cmk < 0 ? have_cmk :
				error_input("%s: companion %s is configured but the tree has no "
					    "Config.mk", cf->path, e->subsection);
		rev = config_mk_value(cmk.buf, cmk.len, v->value);
		if (!rev || !*rev || strpbrk(rev, "$( ")) {
			free(rev);
			strbuf_release(&cmk);
			return error_input("Config.mk at %.12s: no plain revision in %s (for %s)",
					   p->release_commit, v->value, e->subsection);
		}
		mirror_path = m->value[0] == '/' ? xstrdup(m->value) : path_join(o->maint_root, m->value);
		rc = git_open(&mirror, mirror_path);
		free(mirror_path);
		if (rc) {
			free(rev);
			return rc;
		}
		rc = git_resolve_commit(&mirror, rev, oid);
		if (rc == 1)
			rc = error_input("companion %s: revision %s (%s in Config.mk) is not in %s",
					 e->subsection, rev, v->value, m->value);
		prefix = xstrfmt("%s-%.12s/", e->subsection, oid);
		file = xstrfmt("%s-%.12s.tar.gz", e->subsection, oid);
		path = path_join(dir, file);
		memset(&ts, 0, sizeof(ts));
		if (!rc)
			rc = tarball_resolve(&mirror, oid, prefix, &ts);
		if (!rc) {
			say("writing %s (%s at %s)", file, e->subsection, rev);
			rc = tarball_write(&mirror, &ts, COMPRESS_GZ, o->jobs, path, &h);
		}
		if (!rc) {
			struct artifact *a = artifact_add(l, file);

			memcpy(a->sha256, h.sha256, sizeof(a->sha256));
			memcpy(a->tar_sha256, h.tar_sha256, sizeof(a->tar_sha256));
			a->size = h.size;
			a->format = "gzip";
			a->companion = xstrdup(e->subsection);
			a->revision = xstrdup(oid);
		}
		tarball_source_release(&ts);
		git_close(&mirror);
		free(rev);
		free(prefix);
		free(file);
		free(path);
		crash_point("release-artifact");
	}
	strbuf_release(&cmk);
	return rc;
}

static void write_release_json(const struct release_opts *o, const struct release_plan *p,
			       const struct artifact_list *l, const char *tree,
			       const char *tar_sha256, struct strbuf *out)
{
	struct json_writer w;
	char iso[32];
	size_t i;

	date_format_iso(p->time, iso);
	jw_init(&w, 1);
	jw_obj_begin(&w);
	jw_kv_int(&w, "schema", RELEASE_JSON_SCHEMA);
	jw_kv_str(&w, "product", "xen");
	jw_kv_str(&w, "branch", o->branch->name);
	jw_kv_str(&w, "version", p->version);
	jw_kv_str(&w, "tag", p->tag);
	jw_kv_str(&w, "previous", p->last_tag);
	jw_kv_str(&w, "commit", p->release_commit);
	jw_kv_str(&w, "tree", tree);
	jw_kv_str(&w, "date", iso);
	jw_kv_str(&w, "tar_sha256", tar_sha256);
	jw_key(&w, "files");
	jw_arr_begin(&w);
	for (i = 0; i < l->nr; i++) {
		const struct artifact *a = &l->v[i];

		if (a->companion || !strcmp(a->format, "json"))
			continue;	/* the OSV records are listed by XSA */
		jw_obj_begin(&w);
		jw_kv_str(&w, "name", a->name);
		jw_kv_str(&w, "format", a->format);
		jw_kv_int(&w, "size", (long long)a->size);
		jw_kv_str(&w, "sha256", a->sha256);
		jw_kv_str(&w, "tar_sha256", a->tar_sha256);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "companions");
	jw_arr_begin(&w);
	for (i = 0; i < l->nr; i++) {
		const struct artifact *a = &l->v[i];

		if (!a->companion)
			continue;
		jw_obj_begin(&w);
		jw_kv_str(&w, "name", a->companion);
		jw_kv_str(&w, "revision", a->revision);
		jw_kv_str(&w, "file", a->name);
		jw_kv_int(&w, "size", (long long)a->size);
		jw_kv_str(&w, "sha256", a->sha256);
		jw_kv_str(&w, "tar_sha256", a->tar_sha256);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "xsas");
	jw_arr_begin(&w);
	for (i = 0; i < p->nr_xsas; i++) {
		const struct release_xsa *x = &p->xsas[i];
		struct strvec cves = STRVEC_INIT;

		strvec_split(&cves, x->cves, ", ");
		jw_obj_begin(&w);
		jw_kv_int(&w, "xsa", x->number);
		jw_kv_strvec(&w, "cves", &cves);
		jw_kv_str(&w, "title", x->title);
		jw_kv_str(&w, "state", x->state ? x->state : "fixed");
		jw_kv_strvec(&w, "commits", &x->commits);
		if (x->osv) {
			char *name = xstrfmt(RELEASE_OSV_FMT, x->number);

			jw_kv_str(&w, "osv", name);
			free(name);
		} else {
			jw_kv_null(&w, "osv");
		}
		jw_obj_end(&w);
		strvec_clear(&cves);
	}
	jw_arr_end(&w);
	jw_kv_int(&w, "commits", (long long)p->commits.nr);
	jw_kv_str(&w, "signer", p->key);
	jw_kv_str(&w, "xenstable_version", XENSTABLE_VERSION);
	release_write_recorded(&w, &p->recorded);
	jw_obj_end(&w);
	jw_finish(&w, out);
	jw_release(&w);
}

static int sign_file(const struct release_opts *o, const struct release_plan *p,
		     const char *dir, const char *name)
{
	struct strbuf data = STRBUF_INIT, sig = STRBUF_INIT;
	char *path = path_join(dir, name), *sigpath = xstrfmt("%s.sig", path);
	int rc = read_file(&data, path, 1u << 30);

	if (!rc)
		rc = gpg_sign_detached(o->gpg, p->key, data.buf, data.len, 0, &sig);
	if (!rc)
		rc = write_file_atomic(sigpath, sig.buf, sig.len, 0644);
	crash_point("release-artifact");
	strbuf_release(&data);
	strbuf_release(&sig);
	free(path);
	free(sigpath);
	return rc;
}

/* Check the files of a release directory against SHA256SUMS and signatures. */
static int verify_dir(const struct release_opts *o, const struct release_plan *p,
		      const char *dir, int quiet)
{
	struct strbuf sums = STRBUF_INIT, asc = STRBUF_INIT, plain = STRBUF_INIT;
	struct strvec trusted = STRVEC_INIT;
	struct gpg_sig s;
	char *sums_path = path_join(dir, "SHA256SUMS");
	char *asc_path = path_join(dir, "SHA256SUMS.asc");
	size_t pos = 0, n;
	const char *line;
	int rc;

	strvec_push(&trusted, p->key);
	gpg_sig_init(&s);
	rc = read_file(&sums, sums_path, 1 << 20);
	if (!rc)
		rc = read_file(&asc, asc_path, 1 << 20);
	if (!rc)
		rc = gpg_verify_clearsigned(o->gpg, asc.buf, asc.len, &plain, &s);
	if (!rc)
		rc = gpg_sig_require(&s, &trusted, asc_path);
	if (!rc && (plain.len != sums.len || memcmp(plain.buf, sums.buf, sums.len)))
		rc = error_input("%s does not sign the content of %s", asc_path, sums_path);
	while (!rc && next_line(sums.buf, sums.len, &pos, &line, &n)) {
		char *l = xmemdupz(line, n), *name, *path;
		char hex[SHA256_HEX_LEN + 1];

		if (n < 67 || l[64] != ' ' || l[65] != ' ' || !path_is_safe(l + 66) ||
		    strchr(l + 66, '/')) {
			rc = error_input("%s: malformed line '%s'", sums_path, l);
			free(l);
			break;
		}
		l[64] = '\0';
		name = l + 66;
		path = path_join(dir, name);
		rc = sha256_file_hex(path, hex);
		if (!rc && strcmp(hex, l))
			rc = error_input("%s: sha256 %s, but SHA256SUMS says %s", path, hex, l);
		if (!rc && !ends_with(name, ".json")) {
			struct strbuf data = STRBUF_INIT, sig = STRBUF_INIT;
			char *sigpath = xstrfmt("%s.sig", path);
			struct gpg_sig fs;

			gpg_sig_init(&fs);
			rc = read_file(&data, path, 1u << 30);
			if (!rc)
				rc = read_file(&sig, sigpath, 1 << 20);
			if (!rc)
				rc = gpg_verify_detached(o->gpg, data.buf, data.len, sig.buf, sig.len, &fs);
			if (!rc)
				rc = gpg_sig_require(&fs, &trusted, sigpath);
			gpg_sig_release(&fs);
			strbuf_release(&data);
			strbuf_release(&sig);
			free(sigpath);
		}
		if (!rc && !quiet)
			say("  verified %s", name);
		free(path);
		free(l);
	}
	gpg_sig_release(&s);
	strvec_clear(&trusted);
	strbuf_release(&sums);
	strbuf_release(&asc);
	strbuf_release(&plain);
	free(sums_path);
	free(asc_path);
	return rc;
}

static int cmp_artifact(const void *a, const void *b)
{
	return strcmp(((const struct artifact *)a)->name, ((const struct artifact *)b)->name);
}

int release_write_artifacts(const struct release_opts *o, struct release_plan *p)
{
	struct artifact_list l;
	struct tarball_source ts;
	struct tarball_release_files files;
	struct strbuf json = STRBUF_INIT, sums = STRBUF_INIT, asc = STRBUF_INIT,
		      tree = STRBUF_INIT;
	char *partial_rel = xstrfmt(".%s.partial", p->version);
	char *partial = path_join(o->out_dir, partial_rel);
	char *base = branch_tarball_base(o->branch, p->version);
	char *prefix = xstrfmt("%s/", base);
	char *path;
	size_t i;
	int rc, made_partial = 0;

	memset(&l, 0, sizeof(l));
	memset(&ts, 0, sizeof(ts));
	memset(&files, 0, sizeof(files));
	p->dist = path_join(o->out_dir, p->version);
	if (is_dir(p->dist)) {
		/* Empty (a leftover): used.  A finished directory from an
		 * interrupted run: kept if it is ours.  Anything else: not ours
		 * to touch (the preflight said so; this is someone racing us). */
		struct strvec names = STRVEC_INIT;
		char *c = NULL;

		rc = list_dir(p->dist, &names);
		if (!rc && !names.nr) {
			strvec_clear(&names);
			if (rmdir(p->dist) && errno != ENOENT) {
				rc = error_errno("cannot remove the empty %s", p->dist);
				goto out;
			}
		} else {
			strvec_clear(&names);
			if (!rc)
				c = release_dist_commit(p->dist);
			if (!rc && (!c || strcmp(c, p->release_commit)))
				rc = error_env("%s exists and holds %s; move it away, then run the "
					       "release again", p->dist, c ? "another release" :
					       "files that are not this release");
			if (!rc)
				rc = verify_dir(o, p, p->dist, 1);
			if (!rc)
				say("the artifacts in %s are from the interrupted run and verify",
				    p->dist);
			free(c);
			goto out;
		}
	}
	rc = mkdir_p(o->out_dir, 0755);
	if (!rc)
		rc = remove_tree(partial);
	if (!rc)
		rc = mkdir_p(partial, 0755);
	if (rc)
		goto out;
	made_partial = 1;
	{
		char *spec = xstrfmt("%s^{tree}", p->release_commit);

		rc = git_cmd(o->src, &tree, "rev-parse", "--verify", spec, NULL);
		free(spec);
		strbuf_trim(&tree);
	}
	if (!rc)
		rc = tarball_resolve(o->src, p->release_commit, prefix, &ts);
	if (!rc) {
		say("writing %s.tar.gz and %s.tar.xz", base, base);
		rc = tarball_release(o->src, &ts, partial, o->jobs, &files);
	}
	if (rc)
		goto out;
	crash_point("release-artifact");
	{
		struct artifact *a = artifact_add(&l, path_basename(files.gz_path));

		memcpy(a->sha256, files.gz.sha256, sizeof(a->sha256));
		memcpy(a->tar_sha256, files.gz.tar_sha256, sizeof(a->tar_sha256));
		a->size = files.gz.size;
		a->format = "gzip";
		a = artifact_add(&l, path_basename(files.xz_path));
		memcpy(a->sha256, files.xz.sha256, sizeof(a->sha256));
		memcpy(a->tar_sha256, files.xz.tar_sha256, sizeof(a->tar_sha256));
		a->size = files.xz.size;
		a->format = "xz";
	}
	rc = write_companions(o, p, partial, &l);
	for (i = 0; !rc && i < l.nr; i++)
		rc = sign_file(o, p, partial, l.v[i].name);
	if (rc)
		goto out;
	/* The OSV record of each XSA (release-history.h), in SHA256SUMS. */
	for (i = 0; !rc && i < p->nr_xsas; i++) {
		const struct release_xsa *x = &p->xsas[i];
		char *name;

		if (!x->osv)
			continue;
		name = xstrfmt(RELEASE_OSV_FMT, x->number);
		path = path_join(partial, name);
		rc = write_file_atomic(path, x->osv, strlen(x->osv), 0644);
		if (!rc) {
			struct artifact *a = artifact_add(&l, name);

			sha256_hex(x->osv, strlen(x->osv), a->sha256);
			a->format = "json";
		}
		free(path);
		free(name);
	}
	if (rc)
		goto out;
	write_release_json(o, p, &l, tree.buf, files.gz.tar_sha256, &json);
	path = path_join(partial, "release.json");
	rc = write_file_atomic(path, json.buf, json.len, 0644);
	free(path);
	if (rc)
		goto out;
	{
		struct artifact *a = artifact_add(&l, "release.json");

		sha256_hex(json.buf, json.len, a->sha256);
		a->format = "json";
	}
	{
		/* The signed SLSA provenance (domain/provenance.h), in SHA256SUMS. */
		struct artifact *a = artifact_add(&l, PROVENANCE_FILE);

		a->format = "json";
		rc = provenance_write(o->src, o->gpg, o->maint, p->key, partial, json.buf,
				      json.len, a->sha256);
		if (rc)
			goto out;
	}
	qsort(l.v, l.nr, sizeof(*l.v), cmp_artifact);
	for (i = 0; i < l.nr; i++)
		strbuf_addf(&sums, "%s  %s\n", l.v[i].sha256, l.v[i].name);
	path = path_join(partial, "SHA256SUMS");
	rc = write_file_atomic(path, sums.buf, sums.len, 0644);
	free(path);
	if (!rc)
		rc = gpg_clearsign(o->gpg, p->key, sums.buf, sums.len, &asc);
	if (!rc) {
		path = path_join(partial, "SHA256SUMS.asc");
		rc = write_file_atomic(path, asc.buf, asc.len, 0644);
		free(path);
	}
	if (!rc)
		rc = verify_dir(o, p, partial, 0);
	if (rc)
		goto out;
	crash_point("release-artifacts-done");
	if (rename(partial, p->dist)) {
		rc = error_errno("cannot rename %s to %s", partial, p->dist);
		goto out;
	}
	made_partial = 0;
	rc = fsync_dir(o->out_dir);
out:
	/* A failed write (a full disk) leaves no half set behind; the next
	 * run makes it again from the held commits. */
	if (rc && made_partial)
		remove_tree(partial);
	tarball_source_release(&ts);
	tarball_release_files_release(&files);
	artifacts_release(&l);
	strbuf_release(&json);
	strbuf_release(&sums);
	strbuf_release(&asc);
	strbuf_release(&tree);
	free(partial_rel);
	free(partial);
	free(base);
	free(prefix);
	return rc;
}
