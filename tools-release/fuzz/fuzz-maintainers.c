/* MAINTAINERS: who may sign what. */
#include "fuzz.h"
#include "maintainers.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct maintainers m;
	struct strvec fprs = STRVEC_INIT;

	memset(&m, 0, sizeof(m));
	if (!maintainers_parse(&m, "MAINTAINERS", (const char *)data, size)) {
		maintainers_trusted(&m, ROLE_RELEASE, "4.19", &fprs);
		maintainers_trusted(&m, ROLE_BACKPORT, "4.16", &fprs);
		if (m.nr)
			maintainers_find(&m, m.v[0].fpr, m.v[0].role, "4.19");
	}
	strvec_clear(&fprs);
	maintainers_release(&m);
	return 0;
}
