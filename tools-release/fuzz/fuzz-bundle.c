/* A backport bundle as it arrives: the gzip, the strict tar reader, the
 * manifest, the files against it and the patches as apply would check
 * them (bundle_parse(), bundle_check_patches(); no gpg involved). */
#include "fuzz.h"
#include "bundle.h"

FUZZ_QUIET()

static void check_manifest(const struct bundle_tar *t)
{
	const struct bundle_entry *e = bundle_tar_find(t, "manifest.json");
	struct bundle_manifest m;

	if (!e)
		return;
	bundle_manifest_init(&m);
	if (!bundle_manifest_parse(&m, e->data.buf, e->data.len, "manifest.json"))
		bundle_check_files(&m, t, "fuzz.tar");
	bundle_manifest_release(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned k = fuzz_pick(&data, &size);
	struct bundle_tar t;
	size_t i;

	if (k % 3 == 2) {
		struct bundle b;

		bundle_init(&b);
		strbuf_add(&b.raw, data, size);
		b.origin = xstrdup("fuzz.tar.gz");
		/* What bundle_verify() does after the signature. */
		if (!bundle_parse(&b, NULL) &&
		    !bundle_manifest_parse(&b.m, b.manifest->data.buf, b.manifest->data.len,
					   "manifest.json") &&
		    !bundle_check_files(&b.m, &b.tar, b.origin))
			bundle_check_patches(&b);
		bundle_release(&b);
		return 0;
	}
	bundle_tar_init(&t);
	if (!(k % 3 ? bundle_tgz_parse(&t, data, size, "fuzz.tar.gz") :
		      bundle_tar_parse(&t, data, size, "fuzz.tar"))) {
		for (i = 0; i < t.nr; i++) {
			/* Only the names the reader promises get through. */
			const char *n = t.v[i].name;

			if (strcmp(n, "manifest.json") && strcmp(n, "manifest.json.asc") &&
			    !bundle_patch_name_ok(n))
				__builtin_trap();
			if (t.v[i].data.len > BUNDLE_MAX_ENTRY)
				__builtin_trap();
		}
		check_manifest(&t);
	}
	bundle_tar_release(&t);
	return 0;
}
