/*
 * embargo-bundles.c: the embargoed patches of kept bundles (embargo.h):
 * their private copies in .xenstable/embargo/, the kept file decrypted
 * when there is none, and the copies removed when the embargo ends.
 */
#include "compat.h"
#include "embargo.h"
#include "embargo-internal.h"
#include "bundle.h"
#include "bundle-store.h"
#include "fs.h"
#include "hash.h"
#include "usage.h"
#include "xalloc.h"
#include "xsa-store.h"

#define EMBARGO_COPIES ".xenstable/embargo"

/* ---- kept bundles -------------------------------------------------------------- */

static char *copy_dir(const char *maint_root, const char *file_sha256)
{
	return xstrfmt("%s/%s/%s", maint_root, EMBARGO_COPIES, file_sha256);
}

/* Patch texts (bytes as they came, NUL or not). */
struct texts {
	struct strbuf *v;
	size_t nr, alloc;
};

static void texts_add(struct texts *t, const void *data, size_t len)
{
	ALLOC_GROW(t->v, t->nr + 1, t->alloc);
	strbuf_init(&t->v[t->nr], len);
	strbuf_add(&t->v[t->nr], data, len);
	t->nr++;
}

static void texts_release(struct texts *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		strbuf_release(&t->v[i]);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static int write_copy(const char *maint_root, const char *file_sha256, const struct texts *t)
{
	char *top = xstrfmt("%s/%s", maint_root, EMBARGO_COPIES);
	char *dir = copy_dir(maint_root, file_sha256);
	char *tmp = xstrfmt("%s/.incoming-XXXXXX", top);
	size_t i;
	int rc = 0, made = 0;

	if (is_dir(dir) || !t->nr)
		goto out;
	rc = mkdir_p(top, 0700);
	if (!rc) {
		if (mkdtemp(tmp))
			made = 1;
		else
			rc = error_errno("cannot create a directory in %s", top);
	}
	for (i = 0; !rc && i < t->nr; i++) {
		char *p = xstrfmt("%s/%04zu.patch", tmp, i + 1);

		rc = write_file_atomic(p, t->v[i].buf, t->v[i].len, 0600);
		free(p);
	}
	if (!rc && rename(tmp, dir))
		rc = is_dir(dir) ? 0 : error_errno("cannot rename %s to %s", tmp, dir);
	if (!rc)
		fsync_dir(top);
	if (made && is_dir(tmp))
		remove_tree(tmp);
out:
	free(top);
	free(dir);
	free(tmp);
	return rc;
}

/* The patches of a bundle read from its file: every patches/ entry, in order. */
static void bundle_texts(const struct bundle *b, struct texts *t)
{
	size_t i;

	for (i = 0; i < b->tar.nr; i++)
		if (starts_with(b->tar.v[i].name, "patches/") &&
		    ends_with(b->tar.v[i].name, ".patch"))
			texts_add(t, b->tar.v[i].data.buf, b->tar.v[i].data.len);
}

int embargo_keep_copy(const char *maint_root, const struct bundle *b)
{
	struct texts t = { NULL, 0, 0 };
	int rc;

	bundle_texts(b, &t);
	rc = write_copy(maint_root, b->file_sha256, &t);
	texts_release(&t);
	return rc;
}

/* The patches of a kept bundle: its private copy, else the file decrypted. */
static int bundle_patches(const struct embargo_load_opts *o, const struct bundle_record *r,
			  const char *until, struct texts *t)
{
	char *dir = copy_dir(o->maint_root, r->file_sha256);
	struct strvec names = STRVEC_INIT;
	struct bundle b;
	char *path;
	size_t i;
	int rc = 0;

	if (is_dir(dir) && !list_dir(dir, &names)) {
		strvec_sort(&names);
		for (i = 0; i < names.nr && !rc; i++) {
			struct strbuf text = STRBUF_INIT;
			char *p;

			if (!ends_with(names.v[i], ".patch"))
				continue;
			p = path_join(dir, names.v[i]);
			rc = read_file(&text, p, EMBARGO_MAX_PATCH);
			if (!rc)
				texts_add(t, text.buf, text.len);
			strbuf_release(&text);
			free(p);
		}
		strvec_clear(&names);
		if (rc || t->nr) {
			free(dir);
			return rc;
		}
		remove_tree(dir);	/* empty: not a copy */
	}
	strvec_clear(&names);
	free(dir);
	if (!path_is_safe(r->file))
		return error_input("backports/seen.json: kept file '%s' is not a safe path", r->file);
	path = path_join(o->maint_root, r->file);
	bundle_init(&b);
	rc = bundle_read(&b, path, o->gpg);
	if (rc) {
		rc = error_env("%s: a kept bundle under embargo until %s UTC cannot be read here, so "
			       "nothing can be checked against it; run 'xenstable bundle verify %s' "
			       "once with a keyring that decrypts it (a private copy is then kept in "
			       "%s/)", r->file, until, r->file, EMBARGO_COPIES);
	} else {
		bundle_texts(&b, t);
		if (!t->nr)
			rc = error_input("%s: a kept bundle under embargo until %s UTC holds no patch",
					 r->file, until);
		else if (!strcmp(b.file_sha256, r->file_sha256))
			rc = write_copy(o->maint_root, r->file_sha256, t);	/* no key next time */
	}
	bundle_release(&b);
	free(path);
	return rc;
}

int embargo_load_bundles(struct embargo_set *es, const struct embargo_load_opts *o,
		 const struct xsa_store *xs)
{
	struct bundle_store bs;
	struct strvec keep = STRVEC_INIT, names = STRVEC_INIT;
	char *top = xstrfmt("%s/%s", o->maint_root, EMBARGO_COPIES);
	size_t i, k;
	int rc;

	memset(&bs, 0, sizeof(bs));
	rc = bundle_store_load(&bs, o->maint_root);
	for (i = 0; !rc && i < bs.nr; i++) {
		const struct bundle_record *r = &bs.v[i];
		const struct bundle_record *hi = bundle_store_highest(&bs, r->id);
		/* Every revision is under the embargo its producer set last. */
		int64_t until = hi ? hi->embargo_until : r->embargo_until;
		int embargoed = until > o->date;
		struct texts t = { NULL, 0, 0 };
		struct strbuf src = STRBUF_INIT, about = STRBUF_INIT;
		char d[32];

		/* An XSA the store still holds embargoed keeps its bundle embargoed. */
		for (k = 0; k < r->nr_xsas && xs; k++) {
			const struct xsa_record *x = xsa_store_find(xs, r->xsas[k]);

			if (x && xsa_embargoed_at(xs, x, o->date)) {
				embargoed = 1;
				if (xsa_public_time(xs, x) > until)
					until = xsa_public_time(xs, x);
			}
		}
		if (!embargoed || !r->file)
			continue;
		strvec_push(&keep, r->file_sha256);
		embargo_until_str(until, d);
		rc = bundle_patches(o, r, d, &t);
		strbuf_addf(&src, "bundle %.8s r%ld", r->id, r->revision);
		for (k = 0; k < r->nr_xsas; k++)
			strbuf_addf(&about, "%sXSA-%d", k ? ", " : "", r->xsas[k]);
		for (k = 0; !rc && k < t.nr; k++)
			embargo_set_add(es, src.buf, about.buf, until, (unsigned)k + 1, (unsigned)t.nr,
				  t.v[k].buf, t.v[k].len);
		texts_release(&t);
		strbuf_release(&src);
		strbuf_release(&about);
	}
	/* Copies of bundles whose embargo is over (or that are gone) go. */
	if (!rc && is_dir(top) && !list_dir(top, &names))
		for (i = 0; i < names.nr; i++)
			if (is_sha256_hex(names.v[i]) && !strvec_contains(&keep, names.v[i])) {
				char *p = path_join(top, names.v[i]);

				remove_tree(p);
				free(p);
			}
	strvec_clear(&names);
	strvec_clear(&keep);
	bundle_store_release(&bs);
	free(top);
	return rc;
}
