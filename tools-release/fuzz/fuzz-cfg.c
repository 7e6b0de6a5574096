/* The git-config syntax every .conf file uses, and the in-place setter. */
#include "fuzz.h"
#include "cfgfile.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_file cf;
	struct strbuf text = STRBUF_INIT;

	cfg_init(&cf);
	if (!cfg_parse(&cf, "fuzz.conf", (const char *)data, size)) {
		const struct cfg_entry *e = cfg_find(&cf, "branch", NULL, "version");

		if (e)
			cfg_bool(e);
		/* Setting a key keeps the file readable. */
		strbuf_add(&text, data, size);
		cfg_text_set(&text, "branch", "version", "4.19 # \"x\"");
		cfg_release(&cf);
		cfg_init(&cf);
		if (cfg_parse(&cf, "fuzz.conf (set)", text.buf, text.len))
			__builtin_trap();
		e = cfg_find(&cf, "branch", NULL, "version");
		if (!e || !e->value || strcmp(e->value, "4.19 # \"x\""))
			__builtin_trap();
	}
	cfg_release(&cf);
	strbuf_release(&text);
	return 0;
}
