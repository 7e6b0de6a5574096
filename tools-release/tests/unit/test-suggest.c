/* Unit tests for lib/suggest.c: "did you mean ...?". */
#include "compat.h"
#include "suggest.h"
#include "unit.h"

static const char *const cmds[] = {
	"abi", "boot-check", "build", "bundle", "help", "release", "report", "support",
	"tarball", "upstream", "verify", "version", "xsa", NULL
};

TEST(distance)
{
	CHECK(suggest_distance("", "") == 0);
	CHECK(suggest_distance("release", "release") == 0);
	CHECK(suggest_distance("relase", "release") == 1);
	CHECK(suggest_distance("relaese", "release") == 1);	/* a swap */
	CHECK(suggest_distance("abc", "") == 3);
	CHECK(suggest_distance("kitten", "sitting") == 3);
}

TEST(closest)
{
	CHECK_STR(suggest_closest("relase", cmds), "release");
	CHECK_STR(suggest_closest("relaese", cmds), "release");
	CHECK_STR(suggest_closest("verfy", cmds), "verify");
	CHECK_STR(suggest_closest("tarbal", cmds), "tarball");
	CHECK_STR(suggest_closest("upst", cmds), "upstream");	/* the one prefix */
	CHECK(suggest_closest("zzzzzz", cmds) == NULL);
	CHECK(suggest_closest("", cmds) == NULL);
	/* "re" starts release and report: no single one */
	CHECK(suggest_closest("re", cmds) == NULL);
}

int main(void)
{
	RUN(distance);
	RUN(closest);
	return unit_done();
}
