/* Unit tests for the ABI module: names, the SONAME of an ABI description,
 * the BASELINE file and the [abi] section. */
#include "unit.h"
#include "abi.h"
#include "branch.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

static const char good[] =
	"# ABI baseline of Xen 4.19.2\n"
	"[baseline]\n"
	"\tversion = 4.19.2\n"
	"\ttag = RELEASE-4.19.2\n"
	"\tcommit = b8ac9f82d047a322a1214746e8d1edea3a2c5b29\n"
	"[library \"libxenlight\"]\n"
	"\tsoname = libxenlight.so.4.19\n"
	"\tfile = libxenlight.xml\n"
	"\tsha256 = 531826bbc7807c3aac2b423bf3a524fd122b3151d3176263a19cc6020ade73b8\n";

TEST(names)
{
	char *s = abi_library_name("/x/lib/libxenlight.so.4.19.0");
	const char *xml = "<abi-corpus version='2.1' architecture='elf-amd-x86_64' "
			  "soname='libxenlight.so.4.19'>\n  <elf-needed>\n";

	CHECK_STR(s, "libxenlight");
	free(s);
	s = abi_xml_soname(xml, strlen(xml));
	CHECK_STR(s, "libxenlight.so.4.19");
	free(s);
	/* Only the corpus element counts; no SONAME gives NULL. */
	xml = "<abi-corpus version='2.1'>\n<elf-symbol soname='x'/>";
	CHECK(abi_xml_soname(xml, strlen(xml)) == NULL);
	xml = "<abi-corpus soname='unterminated>";
	CHECK(abi_xml_soname(xml, strlen(xml)) == NULL);
	CHECK(abi_xml_soname("", 0) == NULL);
}

static int parse(const char *text)
{
	struct abi_baseline b;
	int rc;

	abi_baseline_init(&b);
	rc = abi_baseline_parse(&b, "toolstack/abi/4.19/BASELINE", text, strlen(text));
	abi_baseline_release(&b);
	return rc;
}

static int parse_edited(const char *from, const char *to)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	strbuf_addstr(&sb, good);
	strbuf_replace_all(&sb, from, to);
	rc = parse(sb.buf);
	strbuf_release(&sb);
	return rc;
}

TEST(baseline)
{
	struct abi_baseline b;

	abi_baseline_init(&b);
	CHECK_INT(abi_baseline_parse(&b, "BASELINE", good, strlen(good)), 0);
	CHECK_STR(b.version, "4.19.2");
	CHECK_STR(b.tag, "RELEASE-4.19.2");
	CHECK_INT(b.nr, 1);
	CHECK_STR(b.libs[0].name, "libxenlight");
	CHECK_STR(b.libs[0].soname, "libxenlight.so.4.19");
	CHECK_STR(b.libs[0].file, "libxenlight.xml");
	abi_baseline_release(&b);

	/* Every malformed field is refused. */
	CHECK_INT(parse_edited("4.19.2\n\ttag", "4.19.3-pre\n\ttag"), -XS_INPUT);
	CHECK_INT(parse_edited("4.19.2\n\ttag", "4.19\n\ttag"), -XS_INPUT);
	CHECK_INT(parse_edited("commit = b8ac", "commit = zz"), -XS_INPUT);
	CHECK_INT(parse_edited("libxenlight.xml", "../libxenlight.xml"), -XS_INPUT);
	CHECK_INT(parse_edited("libxenlight.xml", "sub/libxenlight.xml"), -XS_INPUT);
	CHECK_INT(parse_edited("sha256 = 5318", "sha256 = 5"), -XS_INPUT);
	CHECK_INT(parse_edited("\tsoname = libxenlight.so.4.19\n", ""), -XS_INPUT);
	CHECK_INT(parse_edited("\tfile =", "\tfiles ="), -XS_INPUT);
	CHECK_INT(parse_edited("[library \"libxenlight\"]", "[library \"../x\"]"), -XS_INPUT);
	CHECK_INT(parse_edited("[baseline]", "[baselines]"), -XS_INPUT);
	CHECK_INT(parse_edited("\ttag = RELEASE-4.19.2\n", ""), -XS_INPUT);
	CHECK_INT(parse("[baseline]\n\tversion = 4.19.2\n\ttag = RELEASE-4.19.2\n"
			"\tcommit = b8ac9f82d047a322a1214746e8d1edea3a2c5b29\n"), -XS_INPUT);
}

static int abi_conf(const char *extra, struct abi_config *ac)
{
	struct strbuf sb = STRBUF_INIT;
	struct branch b;
	int rc;

	strbuf_addstr(&sb, "[branch]\n\tversion = 4.19\n\tref = stable-4.19\n"
		      "\tinitial-release = 2024-07-29\n\tsupported-until = 2026-01-29\n"
		      "\tsecurity-support-until = 2029-07-29\n");
	strbuf_addstr(&sb, extra);
	rc = branch_parse(&b, "branches/4.19.conf", sb.buf, sb.len);
	if (!rc)
		rc = abi_config_load(ac, &b);
	branch_release(&b);
	strbuf_release(&sb);
	return rc;
}

TEST(config)
{
	struct abi_config ac;

	CHECK_INT(abi_conf("", &ac), 0);
	CHECK_INT(ac.allow_soname_change, 0);
	CHECK_INT(abi_conf("[abi]\n\tallow-soname-change = true\n", &ac), 0);
	CHECK_INT(ac.allow_soname_change, 1);
	CHECK_INT(ac.allow_line, 8);
	CHECK_INT(abi_conf("[abi]\n\tallow-soname-change = no\n", &ac), 0);
	CHECK_INT(ac.allow_soname_change, 0);
	CHECK_INT(abi_conf("[abi]\n\tallow-soname-change = maybe\n", &ac), -XS_INPUT);
	CHECK_INT(abi_conf("[abi]\n\tallow-soname = true\n", &ac), -XS_INPUT);
}

int main(void)
{
	xs_quiet = 1;
	RUN(names);
	RUN(baseline);
	RUN(config);
	return unit_done();
}
