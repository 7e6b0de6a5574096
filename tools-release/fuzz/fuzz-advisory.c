/* Advisory text as gpg hands it over: header, sections, RESOLUTION map,
 * the sha256 block; then what the store asks of a parsed advisory. */
#include "fuzz.h"
#include "escape.h"
#include "xsa.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xsa_advisory a;
	char *text = fuzz_text(data, size);
	size_t i;

	xsa_advisory_init(&a);
	if (!xsa_parse_advisory(&a, text, size, "advisory-fuzz.txt", 3)) {
		int major, minor, inh;
		size_t at;
		unsigned code;

		/* Nothing parsed may drive a terminal. */
		if (text_find_ctrl(a.title, strlen(a.title), 0, &at, &code))
			__builtin_trap();
		for (i = 0; i < a.cves.nr; i++)
			if (text_find_ctrl(a.cves.v[i], strlen(a.cves.v[i]), 0, &at, &code))
				__builtin_trap();

		xsa_newest_named(&a, &major, &minor);
		(void)xsa_find_section(&a, "RESOLUTION");
		for (i = 0; i < a.nr_files; i++) {
			const struct xsa_file *f = &a.files[i];

			if (!xsa_name_is_safe(f->name))
				__builtin_trap();	/* the parser must have refused it */
			xsa_file_covers(f->ranges, f->nr_ranges, 4, 19, 4, 21, &inh);
			xsa_file_covers(f->ranges, f->nr_ranges, 4, 22, -1, -1, &inh);
		}
	}
	xsa_advisory_release(&a);
	free(text);
	return 0;
}
