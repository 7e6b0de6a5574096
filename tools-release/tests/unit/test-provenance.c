/*
 * Unit tests for domain/provenance.c's reader: what a fetched
 * provenance.intoto.json may hold before verify compares its fields.
 */
#include "unit.h"
#include "provenance.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define C40 "1c79236f4cce4164babe34565f65f49a2cbac25d"

static const char good[] =
	"{\"_type\":\"https://in-toto.io/Statement/v1\","
	"\"subject\":[{\"name\":\"xen-4.19.3.tar.gz\",\"digest\":{\"sha256\":\"" H64 "\"}}],"
	"\"predicateType\":\"https://slsa.dev/provenance/v1\","
	"\"predicate\":{\"buildDefinition\":{\"buildType\":\"" PROVENANCE_BUILD_TYPE "\","
	"\"externalParameters\":{\"tag\":\"RELEASE-4.19.3\",\"branch\":\"4.19\",\"version\":\"4.19.3\"},"
	"\"internalParameters\":{\"xenstableVersion\":\"0.1.0\",\"tar\":{\"prefix\":\"xen-4.19.3/\","
	"\"sha256\":\"" H64 "\"},\"compression\":{\"gzip\":{\"description\":\"g\"},\"xz\":{\"description\":\"x\"}}},"
	"\"resolvedDependencies\":[{\"name\":\"xen\",\"digest\":{\"gitCommit\":\"" C40 "\"},"
	"\"annotations\":{\"xenstable_gitTree\":\"" C40 "\"}},"
	"{\"name\":\"qemu-xen\",\"digest\":{\"gitCommit\":\"" C40 "\"}}]},"
	"\"runDetails\":{\"builder\":{\"id\":\"openpgp4fpr:ABC\"}}}}";

static int parse(const char *text, struct provenance *p)
{
	provenance_release(p);
	return provenance_parse(text, strlen(text), "p.json", p);
}

/* good with the first occurrence of from replaced by to. */
static char *edit(const char *from, const char *to)
{
	const char *at = strstr(good, from);
	struct strbuf sb = STRBUF_INIT;

	if (!at)
		return xstrdup("");
	strbuf_add(&sb, good, (size_t)(at - good));
	strbuf_addstr(&sb, to);
	strbuf_addstr(&sb, at + strlen(from));
	return strbuf_detach(&sb, NULL);
}

TEST(reads_the_fields)
{
	struct provenance p;

	provenance_init(&p);
	CHECK_INT(parse(good, &p), 0);
	CHECK_STR(p.statement_type, PROVENANCE_STATEMENT_TYPE);
	CHECK_STR(p.predicate_type, PROVENANCE_PREDICATE_TYPE);
	CHECK_STR(p.build_type, PROVENANCE_BUILD_TYPE);
	CHECK_INT(p.subjects.nr, 1);
	CHECK_STR(p.subjects.v[0], "xen-4.19.3.tar.gz\t" H64);
	CHECK_STR(p.tag, "RELEASE-4.19.3");
	CHECK_STR(p.branch, "4.19");
	CHECK_STR(p.version, "4.19.3");
	CHECK_INT(p.unknown_params.nr, 0);
	CHECK_STR(p.commit, C40);
	CHECK_STR(p.tree, C40);
	CHECK(p.evtag == NULL);
	CHECK_STR(p.companions.v[0], "qemu-xen\t" C40);
	CHECK_STR(p.tar_sha256, H64);
	CHECK_STR(p.prefix, "xen-4.19.3/");
	CHECK_STR(p.gzip, "g");
	CHECK_STR(p.builder_id, "openpgp4fpr:ABC");
	provenance_release(&p);
}

TEST(refuses_what_two_readers_could_read_two_ways)
{
	static const char *const bad[][2] = {
		{ "\"tag\":\"RELEASE-4.19.3\"", "\"tag\":\"RELEASE-4.19.3\",\"tag\":\"RELEASE-4.19.2\"" },
		{ "{\"_type\"", "{\"_type\":\"x\",\"_type\"" },
		{ "\"sha256\":\"" H64 "\"}}]", "\"sha256\":\"" H64 "\",\"sha256\":\"" H64 "\"}}]" },
		{ "\"sha256\":\"0123", "\"sha256\":\"A123" },			/* upper case */
		{ "\"name\":\"xen-4.19.3.tar.gz\"", "\"name\":\"../x.tar.gz\"" },	/* a path */
		{ "\"name\":\"xen-4.19.3.tar.gz\"", "\"name\":\"a\\u001bb\"" },	/* a control */
		{ "\"name\":\"xen-4.19.3.tar.gz\",", "" },			/* no name */
		{ "\"gitCommit\":\"1c79", "\"gitCommit\":\"zc79" },
		{ "\"subject\":[", "\"subject\":{\"a\":1},\"x\":[" },
		{ "\"predicate\":{", "\"predicate\":[],\"y\":{" },
		{ "\"tag\":\"RELEASE-4.19.3\"", "\"tag\":3" },
		{ "\"prefix\":\"xen-4.19.3/\",\"sha256\":\"" H64, "\"prefix\":\"xen-4.19.3/\",\"sha256\":\"" "12" },
		{ "\"runDetails\":{\"builder\":{\"id\":\"openpgp4fpr:ABC\"}}", "\"runDetails\":{}" },
		{ "{\"name\":\"qemu-xen\"", "{\"name\":\"xen\"" },		/* two xen */
	};
	struct provenance p;
	size_t i;

	provenance_init(&p);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char *t = edit(bad[i][0], bad[i][1]);

		CHECK(*t);
		CHECK_INT(parse(t, &p), -XS_INPUT);
		free(t);
	}
	CHECK_INT(parse("{\"_type\":", &p), -XS_INPUT);
	CHECK_INT(parse("[]", &p), -XS_INPUT);
	provenance_release(&p);
}

TEST(collects_unknown_external_parameters)
{
	struct provenance p;
	char *t = edit("\"version\":\"4.19.3\"}", "\"version\":\"4.19.3\",\"extra\":\"x\"}");

	provenance_init(&p);
	CHECK_INT(parse(t, &p), 0);
	CHECK_INT(p.unknown_params.nr, 1);
	CHECK_STR(p.unknown_params.v[0], "extra");
	provenance_release(&p);
	free(t);
}

int main(void)
{
	xs_quiet = 1;
	RUN(reads_the_fields);
	RUN(refuses_what_two_readers_could_read_two_ways);
	RUN(collects_unknown_external_parameters);
	return unit_done();
}
