/*
 * verify-dist.c: a release directory as xenstable writes it or a distro
 * fetched it (verify.h): release.json, the signed SHA256SUMS and every
 * file it lists, the provenance, the OSV records, and the keys the
 * directory brings.
 */
#include "compat.h"
#include "verify.h"
#include "verify-internal.h"
#include "branch.h"
#include "escape.h"
#include "fs.h"
#include "hash.h"
#include "json.h"
#include "maintainers.h"
#include "provenance.h"
#include "tag.h"
#include "tarball.h"
#include "xalloc.h"

/* "name\tvalue" in v, or NULL. */
static const char *tab_lookup(const struct strvec *v, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < v->nr; i++)
		if (!strncmp(v->v[i], name, n) && v->v[i][n] == '\t')
			return v->v[i] + n + 1;
	return NULL;
}

/*
 * The provenance: signed by a pinned key that is its builder, and every
 * field verify can know agrees (the tag, its commit, tree and Git-EVTag,
 * the prefix, the tar stream's sha256, the subjects against SHA256SUMS).
 */
static void check_provenance(const struct verify_opts *o, const char *dir,
			     const struct tag_info *t, const char *branch, const char *version,
			     const struct tarball_source *ts, const char *evtag,
			     const struct strvec *trusted, const struct strvec *sums,
			     const struct provenance *p, const char *tag_tar, struct tally *ty)
{
	struct strbuf data = STRBUF_INIT, sig = STRBUF_INIT, tree = STRBUF_INIT,
		      gz = STRBUF_INIT, xz = STRBUF_INIT;
	struct strvec bad = STRVEC_INIT;
	char *path = path_join(dir, PROVENANCE_FILE), *sigpath = xstrfmt("%s.sig", path);
	char *want_builder = NULL;
	struct gpg_sig s;
	size_t i;

	gpg_sig_init(&s);
	if (read_file(&data, path, 4 << 20) || read_file(&sig, sigpath, 1 << 20) ||
	    gpg_verify_detached(o->gpg, data.buf, data.len, sig.buf, sig.len, &s) ||
	    gpg_sig_require(&s, trusted, sigpath)) {
		verify_result(ty, 0, "provenance", "its .sig does not verify with a pinned key");
		goto out;
	}
	want_builder = xstrfmt("%s%s", PROVENANCE_BUILDER_PREFIX, s.primary_fpr);
	if (!p->statement_type || strcmp(p->statement_type, PROVENANCE_STATEMENT_TYPE))
		strvec_pushf(&bad, "_type is not %s", PROVENANCE_STATEMENT_TYPE);
	if (!p->predicate_type || strcmp(p->predicate_type, PROVENANCE_PREDICATE_TYPE))
		strvec_pushf(&bad, "predicateType is not %s", PROVENANCE_PREDICATE_TYPE);
	if (!p->build_type || strcmp(p->build_type, PROVENANCE_BUILD_TYPE))
		strvec_pushf(&bad, "buildType is not %s", PROVENANCE_BUILD_TYPE);
	if (!p->tag || strcmp(p->tag, o->tag))
		strvec_pushf(&bad, "it is for another tag, not %s", o->tag);
	if (!p->version || !version || strcmp(p->version, version))
		strvec_pushf(&bad, "its version is not %s", version ? version : "the tag's");
	if (!p->branch || !branch || strcmp(p->branch, branch))
		strvec_pushf(&bad, "its branch is not %s", branch ? branch : "the tag's");
	if (p->unknown_params.nr)
		strvec_pushf(&bad, "unexpected externalParameters (%zu), e.g. one named with %zu "
			     "characters", p->unknown_params.nr, strlen(p->unknown_params.v[0]));
	if (!p->commit || strcmp(p->commit, t->object))
		strvec_pushf(&bad, "its commit is not the tag's %.12s", t->object);
	{
		char *spec = xstrfmt("%s^{tree}", t->object);

		if (git_cmd(o->src, &tree, "rev-parse", "--verify", spec, NULL))
			strbuf_reset(&tree);
		strbuf_trim(&tree);
		free(spec);
	}
	if (!p->tree || strcmp(p->tree, tree.buf))
		strvec_pushf(&bad, "its tree is not the commit's");
	if (!evtag || !*evtag)
		strvec_push(&bad, "the commit's Git-EVTag checksum could not be computed");
	else if (!p->evtag || strcmp(p->evtag, evtag))
		strvec_push(&bad, "its Git-EVTag checksum is not the tree's");
	if (!p->prefix || strcmp(p->prefix, ts->prefix))
		strvec_pushf(&bad, "its tar prefix is not %s", ts->prefix);
	if (!p->tar_sha256)
		strvec_push(&bad, "it has no tar sha256");
	else if (tag_tar && *tag_tar && strcmp(p->tar_sha256, tag_tar))
		strvec_pushf(&bad, "its tar sha256 is not the tag's git archive (%.16s...)", tag_tar);
	if (!p->builder_id || strcmp(p->builder_id, want_builder))
		strvec_pushf(&bad, "its builder is not %s, the key that signed it", want_builder);
	for (i = 0; i < p->subjects.nr; i++) {
		const char *tab = strchr(p->subjects.v[i], '\t');
		char *name = xmemdupz(p->subjects.v[i], (size_t)(tab - p->subjects.v[i]));
		const char *sum = tab_lookup(sums, name);

		if (!sum || strcmp(sum, tab + 1))
			strvec_pushf(&bad, "subject %s is not in SHA256SUMS with that sha256", name);
		free(name);
	}
	for (i = 0; i < sums->nr; i++) {
		const char *tab = strchr(sums->v[i], '\t');
		char *name = xmemdupz(sums->v[i], (size_t)(tab - sums->v[i]));

		if (!ends_with(name, ".json") && !tab_lookup(&p->subjects, name))
			strvec_pushf(&bad, "%s is in SHA256SUMS but not a subject", name);
		free(name);
	}
	if (bad.nr) {
		verify_result(ty, 0, "provenance", "%s: %s", PROVENANCE_FILE, bad.v[0]);
		for (i = 1; i < bad.nr; i++)
			verify_note(ty, "also: %s", bad.v[i]);
		goto out;
	}
	verify_result(ty, 1, "provenance", "in-toto Statement v1, SLSA Provenance v1, built and signed "
		      "by %s: tag, commit, tree, Git-EVTag, tar sha256 and %zu subjects agree",
		      want_builder, p->subjects.nr);
	provenance_compression(&gz, &xz);
	if (!p->gzip || strcmp(p->gzip, gz.buf) || !p->xz || strcmp(p->xz, xz.buf))
		verify_note(ty, "compressed with other parameters or library versions than this "
			    "xenstable's (%s; %s): a rebuild may give other compressed bytes", gz.buf,
			    xz.buf);
	if (!p->xenstable_version || strcmp(p->xenstable_version, XENSTABLE_VERSION))
		verify_note(ty, "made by another xenstable version than this one (%s)", XENSTABLE_VERSION);
out:
	gpg_sig_release(&s);
	strvec_clear(&bad);
	strbuf_release(&data);
	strbuf_release(&sig);
	strbuf_release(&tree);
	strbuf_release(&gz);
	strbuf_release(&xz);
	free(path);
	free(sigpath);
	free(want_builder);
}

/* Is name one of the tag's own tarballs (base.tar.gz / base.tar.xz)? */
static int tag_tarball_format(const struct tarball_source *ts, const char *name,
			      enum compress_format *f)
{
	size_t n = strlen(ts->name);

	if (strncmp(name, ts->name, n))
		return 0;
	if (!strcmp(name + n, ".tar.gz"))
		*f = COMPRESS_GZ;
	else if (!strcmp(name + n, ".tar.xz"))
		*f = COMPRESS_XZ;
	else
		return 0;
	return 1;
}

/*
 * A release directory as xenstable writes it, or as a distro fetched it
 * (SHA256SUMS.asc at least).  Everything is checked against the signed
 * content of SHA256SUMS.asc and the tag alone.
 */
void verify_check_dist(const struct verify_opts *o, const char *dir, const struct tag_info *t,
		       const struct branch *b, const char *version,
		       const struct tarball_source *ts, const char *evtag, struct tally *ty)
{
	struct strbuf json = STRBUF_INIT, sums = STRBUF_INIT, asc = STRBUF_INIT,
		      plain = STRBUF_INIT, ptext = STRBUF_INIT;
	struct strvec trusted = STRVEC_INIT, lines = STRVEC_INIT;
	char *jpath = path_join(dir, "release.json");
	char *spath = path_join(dir, "SHA256SUMS");
	char *apath = path_join(dir, "SHA256SUMS.asc");
	char *ppath = path_join(dir, PROVENANCE_FILE);
	struct provenance prov;
	struct rebuilt rb;
	struct gpg_sig s;
	yajl_val v = NULL, files = NULL, xsas;
	const char *c, *signer = NULL, *branch = b ? b->name : NULL;
	size_t pos = 0, n, i;
	const char *line;
	int have_json = 0, have_prov = 0, prov_listed = 0, rc;

	gpg_sig_init(&s);
	provenance_init(&prov);
	memset(&rb, 0, sizeof(rb));
	rc = read_file_if_exists(&json, jpath, 4 << 20);
	if (rc == 1) {
		verify_info(ty, "release", "no release.json in %s: the files are checked against the tag "
			    "alone", dir);
	} else if (rc || json_parse(json.buf, json.len, jpath, &v)) {
		verify_result(ty, 0, "release", "%s cannot be read", jpath);
	} else {
		have_json = 1;
		c = json_get_string(v, "commit");
		verify_result(ty, c && !strcmp(c, t->object) ? 1 : 0, "release", "%s: commit %.12s%s",
			      jpath, c ? c : "?", c && !strcmp(c, t->object) ? " is the tag's" :
			      " is NOT the tag's");
		signer = json_get_string(v, "signer");
		files = json_get(v, "files");
		if (!branch)
			branch = json_get_string(v, "branch");
		else if (!json_get_string(v, "branch") ||
			 strcmp(json_get_string(v, "branch"), branch))
			verify_result(ty, 0, "release", "release.json is for another branch than %s", branch);
	}
	if (o->keyring_fprs)
		strvec_pushv(&trusted, o->keyring_fprs->v);
	else
		maintainers_trusted(o->maint, ROLE_RELEASE, branch, &trusted);
	if (read_file(&asc, apath, 1 << 20) ||
	    gpg_verify_clearsigned(o->gpg, asc.buf, asc.len, &plain, &s)) {
		verify_result(ty, 0, "SHA256SUMS", "SHA256SUMS.asc cannot be read or checked");
		goto out;
	}
	rc = read_file_if_exists(&sums, spath, 1 << 20);
	if (gpg_sig_require(&s, &trusted, apath)) {
		verify_result(ty, 0, "SHA256SUMS", "SHA256SUMS.asc is not signed by a pinned key");
		goto out;
	} else if (rc == 1) {
		verify_result(ty, 1, "SHA256SUMS", "signed by %s (the signed text is used: there is no "
			      "SHA256SUMS beside it)", s.primary_fpr);
	} else if (rc || plain.len != sums.len || memcmp(plain.buf, sums.buf, sums.len)) {
		verify_result(ty, 0, "SHA256SUMS", "SHA256SUMS.asc signs other content than SHA256SUMS");
	} else {
		verify_result(ty, 1, "SHA256SUMS", "signed by %s%s", s.primary_fpr,
			      signer && strcmp(signer, s.primary_fpr) ? " (release.json names another signer)" : "");
	}
	/* The provenance first: its tar sha256 is what the rebuild must give. */
	rc = read_file_if_exists(&ptext, ppath, 4 << 20);
	if (!rc && !provenance_parse(ptext.buf, ptext.len, ppath, &prov))
		have_prov = 1;
	else if (!rc)
		verify_result(ty, 0, "provenance", "%s is malformed (the error is above)", ppath);
	/* Every line of the signed text, never of the unsigned copy. */
	while (next_line(plain.buf, plain.len, &pos, &line, &n)) {
		char *l = xmemdupz(line, n), *name, *path;
		char hex[SHA256_HEX_LEN + 1];
		const char *want_tar = NULL;
		enum compress_format f = COMPRESS_NONE;
		int ours;

		if (n >= 67)
			l[64] = '\0';
		if (n < 67 || line[64] != ' ' || l[65] != ' ' || !path_is_safe(l + 66) ||
		    strchr(l + 66, '/') || !is_sha256_hex(l) || tab_lookup(&lines, l + 66)) {
			verify_result(ty, 0, "SHA256SUMS", "malformed or repeated line %zu", lines.nr + 1);
			free(l);
			continue;
		}
		name = l + 66;
		strvec_pushf(&lines, "%s\t%s", name, l);
		if (!strcmp(name, PROVENANCE_FILE))
			prov_listed = 1;
		path = path_join(dir, name);
		ours = tag_tarball_format(ts, name, &f);
		for (i = 0; i < json_array_len(files); i++) {
			yajl_val fj = json_array_at(files, i);
			const char *fn = json_get_string(fj, "name");

			if (fn && !strcmp(fn, name))
				want_tar = json_get_string(fj, "tar_sha256");
		}
		if (!want_tar && ours && have_prov)
			want_tar = prov.tar_sha256;
		if (!path_exists(path)) {
			if (ours) {
				struct tarball_hashes h;

				if (tarball_write(o->src, ts, f, o->jobs, NULL, &h))
					verify_result(ty, 0, name, "not in %s, and it could not be rebuilt", dir);
				else if (strcmp(h.sha256, l))
					verify_result(ty, 0, name, "not in %s; rebuilt from the tag it has sha256 "
						      "%s, but SHA256SUMS says %s", dir, h.sha256, l);
				else if (want_tar && strcmp(want_tar, h.tar_sha256))
					verify_result(ty, 0, name, "not in %s; rebuilt from the tag its tar sha256 "
						      "is not the release's", dir);
				else
					verify_result(ty, 1, name, "not in %s: rebuilt from the tag, its sha256 is "
						      "the SHA256SUMS line", dir);
				if (!rb.tar_sha256[0])
					memcpy(rb.tar_sha256, h.tar_sha256, sizeof(rb.tar_sha256));
			} else if (ends_with(name, ".json")) {
				verify_info(ty, name, "not in %s (not checked)", dir);
			} else {
				verify_result(ty, 0, name, "not in %s, and it is not built from the tag (a "
					      "companion): fetch it to check it", dir);
			}
			free(path);
			free(l);
			continue;
		}
		if (sha256_file_hex(path, hex) || strcmp(hex, l))
			verify_result(ty, 0, name, "does not match its SHA256SUMS line");
		else if (ends_with(name, ".json"))
			verify_result(ty, 1, name, "sum good");
		else {
			struct strbuf data = STRBUF_INIT, sig = STRBUF_INIT;
			char *sigpath = xstrfmt("%s.sig", path);
			struct gpg_sig fs;

			gpg_sig_init(&fs);
			if (read_file(&data, path, 1u << 30) || read_file(&sig, sigpath, 1 << 20) ||
			    gpg_verify_detached(o->gpg, data.buf, data.len, sig.buf, sig.len, &fs) ||
			    gpg_sig_require(&fs, &trusted, sigpath))
				verify_result(ty, 0, name, "its .sig does not verify with a pinned key");
			else
				verify_result(ty, 1, name, "sum and .sig good");
			gpg_sig_release(&fs);
			strbuf_release(&data);
			strbuf_release(&sig);
			free(sigpath);
		}
		/* The tag's own tarballs are rebuilt, also when the sum is wrong:
		 * the rebuild names the file that differs. */
		if (ours)
			verify_check_tarball(o, ts, path, 1, l, want_tar, &rb, ty);
		free(path);
		free(l);
	}
	if (have_prov && !prov_listed)
		verify_result(ty, 0, "provenance", "%s is not listed in SHA256SUMS", PROVENANCE_FILE);
	else if (have_prov)
		check_provenance(o, dir, t, branch, version, ts, evtag, &trusted, &lines, &prov,
				 rb.tar_sha256, ty);
	else if (!prov_listed && !path_exists(ppath))
		verify_info(ty, "provenance", "none in %s (a release made before xenstable wrote one)", dir);
	if (!have_json)
		goto out;
	xsas = json_get(v, "xsas");
	/* An OSV record release.json names must be a line of the signed
	 * SHA256SUMS (whose files were checked above). */
	for (i = 0; i < json_array_len(xsas); i++) {
		const char *osv = json_get_string(json_array_at(xsas, i), "osv");

		if (osv && (!path_is_safe(osv) || strchr(osv, '/') || !ends_with(osv, ".json")))
			verify_result(ty, 0, "osv", "release.json names '%s' as an OSV record: not a plain "
				      ".json file name", osv);
		else if (osv && !tab_lookup(&lines, osv))
			verify_result(ty, 0, "osv", "%s (named by release.json) is not in SHA256SUMS", osv);
	}
	if (!ty->json)
		printf("  XSAs in this release: %s\n", json_array_len(xsas) ? "" : "none");
	for (i = 0; i < json_array_len(xsas); i++) {
		yajl_val x = json_array_at(xsas, i), cs = json_get(x, "commits");
		long long num = 0;
		const char *title = json_get_string(x, "title");
		const char *state = json_get_string(x, "state");
		const char *osv = json_get_string(x, "osv");
		struct strbuf ids = STRBUF_INIT, shortids = STRBUF_INIT;
		size_t k;

		json_get_int(x, "xsa", &num);
		for (k = 0; k < json_array_len(cs); k++) {
			yajl_val cv = json_array_at(cs, k);
			const char *id = cv && YAJL_IS_STRING(cv) ? YAJL_GET_STRING(cv) : NULL;

			if (!id || !*id || !is_hex_string(id, strlen(id)))
				continue;
			strbuf_addf(&ids, "%s%s", ids.len ? " " : "", id);
			strbuf_addf(&shortids, "%s%.12s", shortids.len ? ", " : "", id);
		}
		if (state && (strchr(state, '\t') || !*state))
			state = NULL;
		if (osv && (strchr(osv, '\t') || !path_is_safe(osv) || strchr(osv, '/')))
			osv = NULL;
		strvec_pushf(&ty->xsas, "%lld\t%s\t%s\t%s\t%s", num, state ? state : "", ids.buf,
			     osv ? osv : "", title ? title : "");
		if (!ty->json) {
			printf("    XSA-%lld%s%s", num, title && *title ? ": " : "", text_safe(title));
			if (state)
				printf(" [%s%s%s]", text_safe(state), shortids.len ? ": " : "",
				       shortids.buf);
			if (osv) {
				char *op = path_join(dir, osv);

				printf(" OSV %s%s", osv, path_exists(op) ? "" : " (not in the directory)");
				free(op);
			}
			printf("\n");
		}
		strbuf_release(&ids);
		strbuf_release(&shortids);
	}
out:
	json_free(v);
	gpg_sig_release(&s);
	provenance_release(&prov);
	strvec_clear(&trusted);
	strvec_clear(&lines);
	strbuf_release(&json);
	strbuf_release(&sums);
	strbuf_release(&asc);
	strbuf_release(&plain);
	strbuf_release(&ptext);
	free(jpath);
	free(spath);
	free(apath);
	free(ppath);
}

/*
 * The release directory for version in o->dist: DIR/X.Y.Z, or DIR itself
 * when it holds SHA256SUMS.asc (the files as a distro fetched them) or
 * release.json.  NULL when there is none.
 */
char *verify_find_dist(const struct verify_opts *o, const char *version)
{
	char *cand, *found = NULL;

	if (!o->dist || !version)
		return NULL;
	cand = path_join(o->dist, version);
	if (is_dir(cand)) {
		found = cand;
		cand = NULL;
	} else {
		char *asc = path_join(o->dist, "SHA256SUMS.asc");
		char *rj = path_join(o->dist, "release.json");

		if (is_regular_file(asc) || is_regular_file(rj))
			found = xstrdup(o->dist);
		free(asc);
		free(rj);
	}
	free(cand);
	return found;
}

/*
 * With the release's own key file in dir and no --keyring: a private
 * keyring holding that file's keys, and the user's own copies of the
 * pinned keys when the user has them (their revocations win); trust stays
 * with the fingerprints MAINTAINERS pins.  1 when g was set up.
 */
int verify_dist_keyring(const struct verify_opts *o, const struct branch *b, const char *dir,
			struct gpg_ctx *g, struct tally *ty)
{
	char *kp = path_join(dir, PROVENANCE_KEY_FILE);
	struct strvec pinned = STRVEC_INIT;
	size_t i, mine = 0;

	if (o->keyring_fprs || !is_regular_file(kp)) {
		free(kp);
		return 0;
	}
	if (gpg_init_temporary(g) || gpg_import_file(g, kp)) {
		gpg_release(g);
		verify_result(ty, 0, "keys", "%s cannot be read as OpenPGP keys", kp);
		free(kp);
		return -1;
	}
	maintainers_trusted(o->maint, ROLE_RELEASE, b ? b->name : NULL, &pinned);
	for (i = 0; i < pinned.nr; i++) {
		struct gpg_key_info ki;
		struct strbuf pub = STRBUF_INIT;

		if (!gpg_key_lookup(o->gpg, pinned.v[i], &ki) && ki.found &&
		    !gpg_export(o->gpg, pinned.v[i], &pub) &&
		    !gpg_import(g, pub.buf, pub.len, "your keyring"))
			mine++;
		gpg_key_info_release(&ki);
		strbuf_release(&pub);
	}
	verify_info(ty, "keys", "from %s%s; trusted only through the fingerprints MAINTAINERS pins", kp,
		    mine ? " and your keyring" : "");
	strvec_clear(&pinned);
	free(kp);
	return 1;
}
