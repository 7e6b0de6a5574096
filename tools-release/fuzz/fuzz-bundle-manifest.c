/* A bundle's manifest.json: parsed, written canonically, read again. */
#include "fuzz.h"
#include "bundle.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle_manifest m, again;
	struct strbuf out = STRBUF_INIT, out2 = STRBUF_INIT;

	bundle_manifest_init(&m);
	if (!bundle_manifest_parse(&m, (const char *)data, size, "manifest.json")) {
		char *name = bundle_file_name(&m, 0), *ref = bundle_embargo_ref(&m);

		bundle_manifest_write(&m, &out);
		bundle_manifest_init(&again);
		if (bundle_manifest_parse(&again, out.buf, out.len, "manifest.json (written)"))
			__builtin_trap();	/* what we write must read */
		bundle_manifest_write(&again, &out2);
		if (out.len != out2.len || memcmp(out.buf, out2.buf, out.len))
			__builtin_trap();	/* and be canonical */
		bundle_manifest_release(&again);
		free(name);
		free(ref);
	}
	bundle_manifest_release(&m);
	strbuf_release(&out);
	strbuf_release(&out2);
	return 0;
}
