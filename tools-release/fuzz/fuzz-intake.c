/* What `xsa import FILE` collects from a file it is given: mail, mbox
 * or advisory text sniffed from the bytes, attachments taken apart,
 * then the clear-signed frame checked as import does before gpg. */
#include "fuzz.h"
#include "xsa-intake.h"

static char *file;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xs_quiet = 1;
	file = fuzz_scratch_file("fuzz-intake", "fuzz.eml");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xsa_inputs in;
	size_t i;

	if (write_file_atomic(file, data, size, 0600))
		abort();
	xsa_inputs_init(&in);
	xsa_collect_inputs(&in, file);
	for (i = 0; i < in.nr; i++) {
		struct strbuf framed = STRBUF_INIT;
		int line;

		if (!in.v[i].rc)
			xsa_clearsign_frame(in.v[i].text.buf, in.v[i].text.len, "fuzz.eml",
					    in.v[i].text_line, &framed, &line);
		strbuf_release(&framed);
	}
	xsa_inputs_release(&in);
	return 0;
}
