/* Unit tests for the platform layer: strbuf, strvec, paths, dates, hashes,
 * config files, JSON, options, subprocesses and gpg status parsing. */
#include "unit.h"
#include "strbuf.h"
#include "strvec.h"
#include "fs.h"
#include "date.h"
#include "hash.h"
#include "cfgfile.h"
#include "json.h"
#include "parse-options.h"
#include "run-command.h"
#include "gpg.h"
#include "usage.h"
#include "xalloc.h"

TEST(strbuf)
{
	struct strbuf sb = STRBUF_INIT;
	char *d;
	size_t len;

	CHECK(sb.len == 0 && sb.buf[0] == '\0');
	strbuf_addstr(&sb, "  hello");
	strbuf_addf(&sb, " %s %d  \n", "world", 42);
	CHECK_STR(sb.buf, "  hello world 42  \n");
	strbuf_trim(&sb);
	CHECK_STR(sb.buf, "hello world 42");
	strbuf_replace_all(&sb, "o", "0");
	CHECK_STR(sb.buf, "hell0 w0rld 42");
	strbuf_add(&sb, "\0x", 2);
	CHECK_INT(sb.len, 16);
	CHECK(sb.buf[16] == '\0');
	d = strbuf_detach(&sb, &len);
	CHECK_INT(len, 16);
	CHECK(sb.len == 0 && sb.buf[0] == '\0');
	free(d);
	strbuf_addchars(&sb, 'x', 1000);
	CHECK_INT(sb.len, 1000);
	strbuf_release(&sb);
	strbuf_release(&sb);	/* twice is fine */
	CHECK(sb.len == 0);
}

TEST(lines)
{
	const char *t = "a\nbb\n\nccc";
	size_t pos = 0, n;
	const char *l;
	int count = 0;

	while (next_line(t, strlen(t), &pos, &l, &n))
		count++;
	CHECK_INT(count, 4);
	CHECK(starts_with("RELEASE-4.19.1", "RELEASE-"));
	CHECK(ends_with("x.patch", ".patch"));
	CHECK(!ends_with("h", ".patch"));
}

TEST(strvec)
{
	struct strvec sv = STRVEC_INIT;

	CHECK(sv.v[0] == NULL);
	strvec_pushl(&sv, "b", "a", NULL);
	strvec_pushf(&sv, "c%d", 3);
	strvec_sort(&sv);
	CHECK_STR(sv.v[0], "a");
	CHECK_STR(sv.v[2], "c3");
	CHECK(sv.v[3] == NULL);
	CHECK(strvec_contains(&sv, "b"));
	strvec_clear(&sv);
	strvec_split(&sv, "  4.19 4.20\t4.21 ", " \t");
	CHECK_INT(sv.nr, 3);
	CHECK_STR(sv.v[2], "4.21");
	strvec_clear(&sv);
}

TEST(paths)
{
	char *p;

	CHECK(path_is_safe("xsa488.patch"));
	CHECK(path_is_safe("xsa452-4.17/0001-x.patch"));
	CHECK(!path_is_safe("../etc/passwd"));
	CHECK(!path_is_safe("a/../b"));
	CHECK(!path_is_safe("/abs"));
	CHECK(!path_is_safe("a//b"));
	CHECK(!path_is_safe("a/"));
	CHECK(!path_is_safe(""));
	CHECK(!path_is_safe("."));
	CHECK(!path_is_safe("a\\b"));
	CHECK(!path_is_safe("a\nb"));
	p = path_join("dir/", "f");
	CHECK_STR(p, "dir/f");
	free(p);
	p = path_dirname("a/b/c");
	CHECK_STR(p, "a/b");
	free(p);
	CHECK_STR(path_basename("a/b/c"), "c");
}

TEST(dates)
{
	long day;
	int64_t t;
	char buf[32];

	CHECK(!date_parse_day("2026-11-21", &day));
	date_format_day(day, buf);
	CHECK_STR(buf, "2026-11-21");
	CHECK(date_parse_day("2026-02-29", &day));	/* not a leap year */
	CHECK(!date_parse_day("2028-02-29", &day));
	CHECK(date_parse_day("2026-13-01", &day));
	CHECK(date_parse_day("2026-1-01", &day));
	CHECK(date_parse_day("2026-11-21x", &day));
	CHECK(!date_parse_time("2012-12-03 17:51", &t));
	date_format_iso(t, buf);
	CHECK_STR(buf, "2012-12-03T17:51:00Z");
	date_format_short(t, buf);
	CHECK_STR(buf, "2012-12-03 17:51");
	CHECK(!date_parse_time("2024-01-23T12:00:00Z", &t));
	date_format_rfc2822(t, buf);
	CHECK_STR(buf, "Tue, 23 Jan 2024 12:00:00 +0000");
	CHECK(date_parse_time("2024-01-23 25:00", &t));
	CHECK(!date_parse_time("1970-01-01", &t) && t == 0);
}

TEST(sha256)
{
	char hex[65];

	sha256_hex("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("", 0, hex);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK(is_sha256_hex(hex));
	CHECK(!is_sha256_hex("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
}

TEST(cfgfile)
{
	static const char good[] =
		"# comment\n"
		"[branch]\n"
		"\tversion = 4.19 ; trailing comment\n"
		"\tRef = \"stable-4.19\"\n"
		"\tquoted = \" spaced \\\"x\\\" \"\n"
		"\tflag\n"
		"[companion \"qemu-xen\"]\n"
		"\tmirror = /srv/q\\\n"
		"emu.git\n";
	struct cfg_file cf;
	const struct cfg_entry *e;
	struct strbuf t = STRBUF_INIT;

	cfg_init(&cf);
	CHECK(!cfg_parse(&cf, "good.conf", good, strlen(good)));
	e = cfg_find(&cf, "branch", NULL, "version");
	CHECK(e && !strcmp(e->value, "4.19") && e->line == 3);
	e = cfg_find(&cf, "branch", NULL, "ref");
	CHECK(e && !strcmp(e->value, "stable-4.19"));
	e = cfg_find(&cf, "branch", NULL, "quoted");
	CHECK(e && !strcmp(e->value, " spaced \"x\" "));
	e = cfg_find(&cf, "branch", NULL, "flag");
	CHECK(e && cfg_bool(e) == 1);
	e = cfg_find(&cf, "companion", "qemu-xen", "mirror");
	CHECK(e && !strcmp(e->value, "/srv/qemu.git"));
	cfg_release(&cf);

	CHECK(cfg_parse(&cf, "bad.conf", "[branch\n", 8) == -XS_INPUT);
	cfg_release(&cf);
	CHECK(cfg_parse(&cf, "bad.conf", "key = 1\n", 8) == -XS_INPUT);
	cfg_release(&cf);
	CHECK(cfg_parse(&cf, "bad.conf", "[a]\nk = \"open\n", 14) == -XS_INPUT);
	cfg_release(&cf);

	strbuf_addstr(&t, "# c\n[branch]\n\tversion = 4.19\n\tsupported-until = 2026-01-01\n[abi]\n\tx = y\n");
	cfg_text_set(&t, "branch", "supported-until", "2026-01-29");
	cfg_text_set(&t, "branch", "cadence", "on-xsa");
	CHECK_STR(t.buf, "# c\n[branch]\n\tversion = 4.19\n\tsupported-until = 2026-01-29\n"
		  "\tcadence = on-xsa\n[abi]\n\tx = y\n");
	strbuf_release(&t);
}

TEST(json)
{
	static const char doc[] = "{\"xsas\":[{\"xsa\":\"26\",\"version\":3}],\"n\":null}";
	struct json_writer w;
	struct strbuf out = STRBUF_INIT;
	yajl_val v, x;
	long long n = 0;

	CHECK(!json_parse(doc, strlen(doc), "doc", &v));
	x = json_array_at(json_get(v, "xsas"), 0);
	CHECK_STR(json_get_string(x, "xsa"), "26");
	CHECK(json_get_int(x, "version", &n) && n == 3);
	CHECK(json_is_null(json_get(v, "n")));
	CHECK(json_get(v, "missing") == NULL);
	json_free(v);
	CHECK(json_parse("{\"a\":", 5, "cut.json", &v) == -XS_INPUT);
	{
		/* Strict: no comments, no key twice, no NUL inside a string. */
		static const char *const bad[] = {
			"{\"a\":1,\"a\":2}",
			"{\"a\":1 /* c */}",
			"// c\n{\"a\":1}",
			"{\"s\":\"x\\u0000y\"}",
			"{\"k\\u0000\":1}",
			"[{\"a\":{\"b\":1,\"c\":2,\"b\":3}}]",
			"{\"a\":1}x",
			"{\"a\":1}{\"b\":2}",
		};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			v = NULL;
			CHECK_INT(json_parse(bad[i], strlen(bad[i]), "bad.json", &v), -XS_INPUT);
			CHECK(v == NULL);
		}
		CHECK(!json_parse("[{\"a\":{\"b\":1}},{\"a\":{\"b\":2}},\"\\u00e9\"]", 38,
				  "ok.json", &v));
		json_free(v);
	}
	{
		struct strbuf deep = STRBUF_INIT;

		strbuf_addchars(&deep, '[', 100);
		strbuf_addchars(&deep, ']', 100);
		CHECK(json_parse(deep.buf, deep.len, "deep.json", &v) == -XS_INPUT);
		strbuf_release(&deep);
	}

	jw_init(&w, 0);
	jw_obj_begin(&w);
	jw_kv_str(&w, "bad", "a\xff" "b");
	jw_kv_int(&w, "n", 7);
	jw_kv_null(&w, "z");
	jw_obj_end(&w);
	jw_finish(&w, &out);
	CHECK_STR(out.buf, "{\"bad\":\"a\xef\xbf\xbd" "b\",\"n\":7,\"z\":null}");
	jw_release(&w);
	strbuf_release(&out);

	{
		struct strvec sv = STRVEC_INIT, none = STRVEC_INIT;
		static const int xsas[] = { 901, 905 };

		strvec_push(&sv, "CVE-2026-1");
		strvec_push(&sv, "CVE-2026-2");
		jw_init(&w, 0);
		jw_obj_begin(&w);
		jw_kv_strvec(&w, "cves", &sv);
		jw_kv_strvec(&w, "none", &none);
		jw_kv_ints(&w, "xsas", xsas, 2);
		jw_kv_time(&w, "t", 86400 + 3600 + 60);
		jw_kv_time(&w, "unknown", 0);
		jw_obj_end(&w);
		jw_finish(&w, &out);
		CHECK_STR(out.buf, "{\"cves\":[\"CVE-2026-1\",\"CVE-2026-2\"],\"none\":[],\"xsas\":[901,905],"
			  "\"t\":\"1970-01-02T01:01:00Z\",\"unknown\":null}");
		jw_release(&w);
		strbuf_release(&out);
		strvec_clear(&sv);
	}
}

TEST(options)
{
	const char *argv[] = { "cmd", "--date", "2026-01-01", "op1", "-q", "--xsa=1", "--xsa", "2",
			       "--", "--op2", NULL };
	const char *date = NULL;
	int quiet = 0, n;
	struct strvec xsa = STRVEC_INIT;
	struct option opts[] = {
		OPT_STRING_("date", 0, &date, "D", "date"),
		OPT_BOOL_("quiet", 'q', &quiet, "quiet"),
		OPT_LIST_("xsa", 0, &xsa, "N", "xsa"),
		OPT_END_(),
	};
	static const char *const usage[] = { "cmd [options]", NULL };
	const char *bad[] = { "cmd", "--nope", NULL };
	const char *missing[] = { "cmd", "--date", NULL };

	n = parse_options(10, argv, opts, usage);
	CHECK_INT(n, 2);
	CHECK_STR(argv[0], "op1");
	CHECK_STR(argv[1], "--op2");
	CHECK_STR(date, "2026-01-01");
	CHECK(quiet == 1);
	CHECK(xsa.nr == 2 && !strcmp(xsa.v[1], "2"));
	strvec_clear(&xsa);
	CHECK(parse_options(2, bad, opts, usage) == -XS_USAGE);
	CHECK(parse_options(2, missing, opts, usage) == -XS_USAGE);
}

TEST(run_command)
{
	struct child_process c;
	int rc;

	child_init(&c);
	strvec_pushl(&c.args, "sh", "-c", "cat; echo err >&2; exit 3", NULL);
	c.in = CHILD_IN_BUF;
	c.in_buf = "fed";
	c.in_len = 3;
	rc = run_child(&c);
	CHECK_INT(rc, 3);
	CHECK_STR(c.out_buf.buf, "fed");
	CHECK_STR(c.err_buf.buf, "err\n");
	child_release(&c);

	/* A large input to a child that never reads it: no SIGPIPE, no hang. */
	child_init(&c);
	{
		char *big = xcalloc(1, 1 << 20);

		strvec_pushl(&c.args, "true", NULL);
		c.in = CHILD_IN_BUF;
		c.in_buf = big;
		c.in_len = 1 << 20;
		rc = run_child(&c);
		CHECK_INT(rc, 0);
		free(big);
	}
	child_release(&c);

	child_init(&c);
	strvec_pushl(&c.args, "sh", "-c", "kill -TERM $$", NULL);
	CHECK_INT(run_child(&c), 128 + 15);
	child_release(&c);

	child_init(&c);
	strvec_pushl(&c.args, "sleep", "5", NULL);
	c.timeout_ms = 100;
	rc = run_child(&c);
	CHECK(c.timed_out && rc == 128 + 9);
	child_release(&c);

	/*
	 * Past max_output the child is killed, its whole group with
	 * new_pgroup (a wrapper's pipeline too), and nothing more is read:
	 * "yes" would write forever, so this returns only because of it.
	 */
	child_init(&c);
	strvec_pushl(&c.args, "sh", "-c", "yes | cat; echo never >&2", NULL);
	c.max_output = 1 << 20;
	c.new_pgroup = 1;
	rc = run_child(&c);
	CHECK_INT(rc, 128 + 9);
	CHECK(c.output_limited);
	CHECK_INT(c.out_buf.len, 1 << 20);
	CHECK(!strstr(c.err_buf.buf, "never"));
	child_release(&c);
	/* Under the limit nothing happens. */
	child_init(&c);
	strvec_pushl(&c.args, "sh", "-c", "echo small", NULL);
	c.max_output = 1 << 20;
	CHECK_INT(run_child(&c), 0);
	CHECK(!c.output_limited);
	CHECK_STR(c.out_buf.buf, "small\n");
	child_release(&c);

	child_init(&c);
	strvec_pushl(&c.args, "/nonexistent/program", NULL);
	c.err = CHILD_OUT_NULL;
	CHECK(run_child(&c) == -XS_ENV && c.exec_errno == ENOENT);
	child_release(&c);

	child_init(&c);
	strvec_pushl(&c.args, "sh", "-c", "echo $XS_A-${XS_B:-unset}", NULL);
	strvec_push(&c.env, "XS_A=set");
	strvec_push(&c.env, "XS_B");
	setenv("XS_B", "inherited", 1);
	run_child(&c);
	CHECK_STR(c.out_buf.buf, "set-unset\n");
	child_release(&c);
}

TEST(atomic_files)
{
	char *dir = make_temp_dir("unit");
	char *f = path_join(dir, "out.txt");
	struct strbuf sb = STRBUF_INIT;
	struct atomic_file af;
	struct stat st;

	CHECK(!write_file_atomic(f, "one\n", 4, 0644));
	CHECK(!read_file(&sb, f, 0));
	CHECK_STR(sb.buf, "one\n");
	CHECK(!stat(f, &st) && (st.st_mode & 0777) == 0644);
	CHECK(!atomic_open(&af, f, 0600));
	CHECK(!atomic_write(&af, "two\n", 4));
	atomic_abort(&af);
	strbuf_reset(&sb);
	CHECK(!read_file(&sb, f, 0));
	CHECK_STR(sb.buf, "one\n");	/* an aborted write leaves the old file */
	{
		char *link = path_join(dir, "link");

		CHECK(!symlink(f, link));
		strbuf_reset(&sb);
		CHECK(read_file(&sb, link, 0) == -XS_INPUT);	/* O_NOFOLLOW */
		free(link);
	}
	CHECK(!remove_tree(dir));
	CHECK(!path_exists(dir));
	strbuf_release(&sb);
	free(f);
	free(dir);
}

TEST(gpg_status)
{
	static const char good[] =
		"[GNUPG:] NEWSIG\n"
		"[GNUPG:] KEY_CONSIDERED 23E3222C145F4475FA8060A783FE14C957E82BD9 0\n"
		"[GNUPG:] SIG_ID abc 2026-04-28 1777377601\n"
		"[GNUPG:] GOODSIG 83FE14C957E82BD9 Xen.org Xen tree code signing <pgp@xen.org>\n"
		"[GNUPG:] VALIDSIG 23E3222C145F4475FA8060A783FE14C957E82BD9 2026-04-28 1777377601 0 4 0 1 8 01 23E3222C145F4475FA8060A783FE14C957E82BD9\n"
		"[GNUPG:] TRUST_UNDEFINED 0 pgp\n";
	static const char bad[] =
		"[GNUPG:] NEWSIG\n"
		"[GNUPG:] BADSIG 83FE14C957E82BD9 Xen.org <pgp@xen.org>\n";
	static const char forged_text[] =
		"gpg: Good signature from \"x [GNUPG:] VALIDSIG FAKE\"\n"
		"gpg:  [GNUPG:] GOODSIG 83FE14C957E82BD9 x\n";
	struct gpg_sig s;
	struct strvec trusted = STRVEC_INIT;

	strvec_push(&trusted, "23E3 222C 145F 4475 FA80  60A7 83FE 14C9 57E8 2BD9");
	gpg_sig_init(&s);
	gpg_parse_verify_status(good, strlen(good), &s);
	CHECK(s.verdict == GPG_GOOD);
	CHECK_STR(s.primary_fpr, "23E3222C145F4475FA8060A783FE14C957E82BD9");
	CHECK(gpg_sig_require(&s, &trusted, "t") == 0);
	gpg_sig_release(&s);

	gpg_sig_init(&s);
	gpg_parse_verify_status(bad, strlen(bad), &s);
	CHECK(s.verdict == GPG_BAD);
	CHECK(gpg_sig_require(&s, &trusted, "t") == -XS_INPUT);
	gpg_sig_release(&s);

	/* Human text is never status, even when it quotes a status line. */
	gpg_sig_init(&s);
	gpg_parse_verify_status(forged_text, strlen(forged_text), &s);
	CHECK(s.verdict == GPG_NO_SIGNATURE);
	gpg_sig_release(&s);

	/* Two signatures are refused. */
	gpg_sig_init(&s);
	{
		struct strbuf two = STRBUF_INIT;

		strbuf_addstr(&two, good);
		strbuf_addstr(&two, good);
		gpg_parse_verify_status(two.buf, two.len, &s);
		strbuf_release(&two);
	}
	CHECK(s.verdict == GPG_ERROR);
	gpg_sig_release(&s);
	strvec_clear(&trusted);
	{
		char f[GPG_FPR_LEN + 1];

		CHECK(!gpg_normalize_fpr("23e3 222c 145f 4475 fa80  60a7 83fe 14c9 57e8 2bd9", f));
		CHECK_STR(f, "23E3222C145F4475FA8060A783FE14C957E82BD9");
		CHECK(gpg_normalize_fpr("23E3", f));
	}
}

/*
 * SHA-1 signatures: never good for gpg_parse_verify_status(); good for
 * the release-tag reading only when made before the cut-off (the Xen
 * Project's RELEASE tags up to 4.11.0 are SHA-1); MD5 never.
 */
TEST(gpg_status_sha1_cutoff)
{
	/* hash algorithm field: 2 = SHA-1, 1 = MD5, 8 = SHA-256 */
	static const char fmt[] =
		"[GNUPG:] NEWSIG\n"
		"[GNUPG:] GOODSIG 83FE14C957E82BD9 Xen.org <pgp@xen.org>\n"
		"[GNUPG:] VALIDSIG 23E3222C145F4475FA8060A783FE14C957E82BD9 x %lld 0 4 0 1 %d 00 "
		"23E3222C145F4475FA8060A783FE14C957E82BD9\n";
	static const struct {
		long long when;
		int algo;
		enum gpg_verdict strict, tags;
	} cases[] = {
		{ 1488905077, 2, GPG_ERROR, GPG_GOOD },		/* RELEASE-4.7.2, 2017 */
		{ GPG_SHA1_TRUSTED_UNTIL - 1, 2, GPG_ERROR, GPG_GOOD },
		{ GPG_SHA1_TRUSTED_UNTIL, 2, GPG_ERROR, GPG_ERROR },
		{ 1777377601, 2, GPG_ERROR, GPG_ERROR },	/* a SHA-1 signature of 2026 */
		{ 1488905077, 1, GPG_ERROR, GPG_ERROR },	/* MD5, never */
		{ 0, 2, GPG_ERROR, GPG_ERROR },			/* no time: not before anything */
		{ 1777377601, 8, GPG_GOOD, GPG_GOOD },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf st = STRBUF_INIT;
		struct gpg_sig s;

		strbuf_addf(&st, fmt, cases[i].when, cases[i].algo);
		gpg_sig_init(&s);
		gpg_parse_verify_status(st.buf, st.len, &s);
		CHECK(s.verdict == cases[i].strict);
		gpg_sig_release(&s);
		gpg_sig_init(&s);
		gpg_parse_verify_status_sha1_until(st.buf, st.len, &s, GPG_SHA1_TRUSTED_UNTIL);
		CHECK(s.verdict == cases[i].tags);
		gpg_sig_release(&s);
		strbuf_release(&st);
	}
}

int main(void)
{
	RUN(strbuf);
	RUN(lines);
	RUN(strvec);
	RUN(paths);
	RUN(dates);
	RUN(sha256);
	RUN(cfgfile);
	RUN(json);
	RUN(options);
	RUN(run_command);
	RUN(atomic_files);
	RUN(gpg_status);
	RUN(gpg_status_sha1_cutoff);
	return unit_done();
}
