/* The state file `xsa apply` leaves for --continue (a person may edit it). */
#include "fuzz.h"
#include "xsa-apply.h"

FUZZ_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xa_plan p;

	xa_plan_init(&p);
	xa_plan_parse(&p, "xenstable-apply.json", (const char *)data, size);
	xa_plan_release(&p);
	return 0;
}
