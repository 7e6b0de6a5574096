/* Unit tests for the build module: the one-line failure reason, the
 * component list, the [build] section and the shared check result. */
#include "unit.h"
#include "branch.h"
#include "build.h"
#include "fs.h"
#include "json.h"
#include "preflight.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

static const char conf_head[] =
	"[branch]\n"
	"\tversion = 4.19\n"
	"\tref = stable-4.19\n"
	"\tinitial-release = 2024-07-29\n"
	"\tsupported-until = 2026-01-29\n"
	"\tsecurity-support-until = 2029-07-29\n";

TEST(failure_reason)
{
	const char *log =
		"# xenstable build: hypervisor of x\n"
		"$ make -C hypervisor -j2\n"
		"make: Entering directory '/tmp/xs-build-1/hypervisor'\n"
		"gcc -m32 -c common/kernel.c -o common/kernel.o\n"
		"/tmp/xs-build-1/hypervisor/common/kernel.c:12:5: error: 'foo' undeclared\n"
		"   12 |     foo = 1;\n"
		"make: *** [Makefile:31: common/kernel.o] Error 1\n";
	char *r = build_failure_reason(log, strlen(log), "/tmp/xs-build-1");

	CHECK_STR(r, "hypervisor/common/kernel.c:12:5: error: 'foo' undeclared");
	free(r);

	log = "$ make -C xen -j2\n  LEX     tools/kconfig/lexer.lex.c\n"
	      "/bin/sh: 1: flex: not found\nmake[1]: *** [x] Error 127\n";
	r = build_failure_reason(log, strlen(log), NULL);
	CHECK_STR(r, "/bin/sh: 1: flex: not found");
	free(r);

	log = "$ ./configure --disable-docs\nchecking for gcc... gcc\n"
	      "configure: error: Unable to find xz\n";
	r = build_failure_reason(log, strlen(log), NULL);
	CHECK_STR(r, "configure: error: Unable to find xz");
	free(r);

	/* No known mark: make's own complaint, else the last line. */
	log = "$ make\nsomething odd\nmake: *** [all] Error 2\n";
	r = build_failure_reason(log, strlen(log), NULL);
	CHECK_STR(r, "make: *** [all] Error 2");
	free(r);
	log = "$ make\nfirst\nlast words\n\n";
	r = build_failure_reason(log, strlen(log), NULL);
	CHECK_STR(r, "last words");
	free(r);
	r = build_failure_reason("", 0, NULL);
	CHECK_STR(r, "the build failed and its log is empty");
	free(r);
	/* The linker's words count too. */
	log = "$ make\nld: libxl.o: in function `f':\nlibxl.c:(.text+0x1): undefined reference to `g'\n";
	r = build_failure_reason(log, strlen(log), NULL);
	CHECK_STR(r, "libxl.c:(.text+0x1): undefined reference to `g'");
	free(r);
}

TEST(components)
{
	unsigned m = 0;

	CHECK_INT(build_parse_components("hypervisor", &m), 0);
	CHECK_INT(m, BUILD_HYPERVISOR);
	CHECK_INT(build_parse_components("toolstack, hypervisor", &m), 0);
	CHECK_INT(m, BUILD_ALL);
	CHECK_INT(build_parse_components("hypervisor,tools", &m), -XS_USAGE);
	CHECK_INT(build_parse_components(",", &m), -XS_USAGE);
	CHECK_STR(build_component_name(1), "toolstack");
}

static int load_conf(struct branch *b, struct build_config *bc, const char *extra)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	strbuf_addstr(&sb, conf_head);
	strbuf_addstr(&sb, extra);
	rc = branch_parse(b, "branches/4.19.conf", sb.buf, sb.len);
	build_config_init(bc);
	if (!rc)
		rc = build_config_load(bc, b);
	strbuf_release(&sb);
	return rc;
}

TEST(build_config)
{
	struct branch b;
	struct build_config bc;

	CHECK_INT(load_conf(&b, &bc, "[build]\n\tconfigure = --disable-stubdom  --disable-docs\n"), 0);
	CHECK_INT(bc.configure.nr, 2);
	CHECK_STR(bc.configure.v[1], "--disable-docs");
	build_config_release(&bc);
	branch_release(&b);

	CHECK_INT(load_conf(&b, &bc, ""), 0);
	CHECK_INT(bc.configure.nr, 0);
	build_config_release(&bc);
	branch_release(&b);

	/* A typo is an error naming the file and line, not silently ignored. */
	CHECK_INT(load_conf(&b, &bc, "[build]\n\tconfigur = --x\n"), -XS_INPUT);
	build_config_release(&bc);
	branch_release(&b);
	CHECK_INT(load_conf(&b, &bc, "[build]\n\tconfigure\n"), -XS_INPUT);
	build_config_release(&bc);
	branch_release(&b);
	CHECK_INT(load_conf(&b, &bc, "[build]\n\tconfigure = --a oops\n"), -XS_INPUT);
	build_config_release(&bc);
	branch_release(&b);
	CHECK_INT(load_conf(&b, &bc, "[build \"x\"]\n\tconfigure = --a\n"), -XS_INPUT);
	build_config_release(&bc);
	branch_release(&b);
}

TEST(check_result)
{
	struct check_result r;
	struct json_writer w;
	struct strbuf out = STRBUF_INIT;
	yajl_val doc;
	char took[32];

	check_result_init(&r, "boot");
	CHECK_INT(r.status, CHECK_SKIPPED);
	check_set(&r, CHECK_FAILED, "line one\nline two\t%d", 3);
	CHECK_STR(r.reason, "line one line two 3");
	CHECK_INT(check_exit_code(&r), XS_FAIL);
	r.duration_ms = 1234;
	strvec_push(&r.logs, "/x/console.log");
	jw_init(&w, 0);
	check_result_json(&w, &r);
	jw_finish(&w, &out);
	jw_release(&w);
	CHECK_INT(json_parse(out.buf, out.len, "json", &doc), 0);
	CHECK_STR(json_get_string(doc, "check"), "boot");
	CHECK_STR(json_get_string(doc, "status"), "failed");
	CHECK_STR(json_get_string(doc, "reason"), "line one line two 3");
	CHECK_INT(json_array_len(json_get(doc, "logs")), 1);
	json_free(doc);
	strbuf_release(&out);
	check_set(&r, CHECK_SKIPPED, "no release yet");
	CHECK_INT(check_exit_code(&r), 0);
	CHECK_INT(check_errored(&r, -XS_INPUT, "bad %s", "ref"), -XS_INPUT);
	CHECK_INT(check_exit_code(&r), XS_INPUT);
	CHECK_STR(check_status_name(r.status), "error");
	check_result_release(&r);
	CHECK(r.reason == NULL && r.logs.nr == 0);
	preflight_format_ms(1450, took);
	CHECK_STR(took, "1.4 s");
	preflight_format_ms(186361, took);
	CHECK_STR(took, "3 min 06 s");
}

TEST(reason_from_the_top)
{
	char *tree = make_temp_dir("unit-build");
	char *dir = path_join(tree, "hypervisor/common");
	char *file = path_join(dir, "kernel.c");
	struct strbuf log = STRBUF_INIT;
	char *r;

	CHECK_INT(mkdir_p(dir, 0755), 0);
	CHECK_INT(write_file_atomic(file, "int x;\n", 7, 0644), 0);
	strbuf_addf(&log, "$ make -C hypervisor\n"
		    "make: Entering directory '%s/hypervisor'\n"
		    "common/kernel.c:3:1: error: expected ';'\n"
		    "make: *** [Makefile:31: common/kernel.o] Error 1\n", tree);
	r = build_failure_reason(log.buf, log.len, tree);
	CHECK_STR(r, "hypervisor/common/kernel.c:3:1: error: expected ';'");
	free(r);
	/* A name that is not there is left as the compiler gave it. */
	strbuf_replace_all(&log, "common/kernel.c:3", "common/gone.c:3");
	r = build_failure_reason(log.buf, log.len, tree);
	CHECK_STR(r, "common/gone.c:3:1: error: expected ';'");
	free(r);
	remove_tree(tree);
	strbuf_release(&log);
	free(file);
	free(dir);
	free(tree);
}

int main(void)
{
	xs_quiet = 1;
	RUN(failure_reason);
	RUN(reason_from_the_top);
	RUN(components);
	RUN(build_config);
	RUN(check_result);
	return unit_done();
}
