/*
 * Unit tests of the bundle format: the deterministic ustar writer, the
 * strict reader (every refusal with a tar built here by hand, not by the
 * writer), gzip streaming, and manifest.json reading and writing.
 */
#include "unit.h"
#include "bundle.h"
#include "compress.h"
#include "hash.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

/* ---- a hand-made ustar, independent of bundle_tar_write() ------------------ */

struct hdr {
	const char *name;
	char type;
	uint64_t size;		/* as the header states it */
	const char *prefix;
	const char *magic;	/* 8 bytes, default POSIX "ustar\0" "00" */
	int bad_sum;
	unsigned mode;		/* 0: 0644 */
	const char *owner;	/* user and group name; NULL: "root" */
	const char *junk;	/* bytes after the NUL that ends the name */
};

static void oct(unsigned char *f, size_t w, uint64_t v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%0*llo", (int)(w - 1), (unsigned long long)v);
	memcpy(f, tmp, w - 1);
}

static void add_header(struct strbuf *t, const struct hdr *h)
{
	unsigned char b[512];
	unsigned sum = 0;
	size_t i;
	char ck[8];

	memset(b, 0, sizeof(b));
	memcpy(b, h->name, strlen(h->name) > 100 ? 100 : strlen(h->name));
	if (h->junk)
		memcpy(b + strlen(h->name) + 1, h->junk, strlen(h->junk));
	oct(b + 100, 8, h->mode ? h->mode : 0644);
	oct(b + 108, 8, 0);
	oct(b + 116, 8, 0);
	oct(b + 124, 12, h->size);
	oct(b + 136, 12, 0);
	b[156] = (unsigned char)h->type;
	memcpy(b + 257, h->magic ? h->magic : "ustar\0" "00", 8);
	memcpy(b + 265, h->owner ? h->owner : "root", strlen(h->owner ? h->owner : "root"));
	memcpy(b + 297, h->owner ? h->owner : "root", strlen(h->owner ? h->owner : "root"));
	if (h->prefix)
		memcpy(b + 345, h->prefix, strlen(h->prefix));
	memset(b + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += b[i];
	snprintf(ck, sizeof(ck), "%06o", sum + (h->bad_sum ? 1 : 0));
	memcpy(b + 148, ck, 7);
	strbuf_add(t, b, 512);
}

static void add_file(struct strbuf *t, const char *name, const char *data)
{
	struct hdr h = { name, '0', strlen(data), NULL, NULL, 0, 0, NULL, NULL };

	add_header(t, &h);
	strbuf_add(t, data, strlen(data));
	if (strlen(data) % 512)
		strbuf_addchars(t, 0, 512 - strlen(data) % 512);
}

static void add_base(struct strbuf *t)
{
	add_file(t, "manifest.json", "{}\n");
	add_file(t, "manifest.json.asc", "-----BEGIN PGP SIGNATURE-----\n");
}

static void end_tar(struct strbuf *t)
{
	strbuf_addchars(t, 0, 1024);
}

/* Parse t; the error message (stderr) is not checked here, the code is. */
static int parse(const struct strbuf *t)
{
	struct bundle_tar bt;
	int rc;

	bundle_tar_init(&bt);
	rc = bundle_tar_parse(&bt, t->buf, t->len, "test.tar");
	bundle_tar_release(&bt);
	return rc;
}

/* A base tar plus one entry with this header (and its data), parsed. */
static int parse_with(const struct hdr *h, const char *data)
{
	struct strbuf t = STRBUF_INIT;
	int rc;

	add_base(&t);
	add_header(&t, h);
	if (data) {
		strbuf_addstr(&t, data);
		if (strlen(data) % 512)
			strbuf_addchars(&t, 0, 512 - strlen(data) % 512);
	}
	end_tar(&t);
	rc = parse(&t);
	strbuf_release(&t);
	return rc;
}

TEST(reader_accepts)
{
	struct strbuf t = STRBUF_INIT;
	struct bundle_tar bt;
	const struct bundle_entry *e;
	struct hdr dir = { "patches/", '5', 0, NULL, NULL, 0, 0755, NULL, NULL };

	add_base(&t);
	add_header(&t, &dir);
	add_file(&t, "patches/0001-a-fix.patch", "diff\n");
	end_tar(&t);
	strbuf_addchars(&t, 0, 8192);	/* record padding */
	bundle_tar_init(&bt);
	CHECK_INT(bundle_tar_parse(&bt, t.buf, t.len, "ok.tar"), 0);
	CHECK_INT(bt.nr, 3);
	e = bundle_tar_find(&bt, "patches/0001-a-fix.patch");
	CHECK(e && e->data.len == 5 && !memcmp(e->data.buf, "diff\n", 5));
	bundle_tar_release(&bt);
	strbuf_release(&t);
}

TEST(reader_refuses_entry_types)
{
	static const char types[] = { '1', '2', '3', '4', '6', '7', 'x', 'g', 'L', 'K', 'S', 'Z' };
	size_t i;

	for (i = 0; i < sizeof(types); i++) {
		struct hdr h = { "patches/0001-x.patch", types[i], 0, NULL, NULL, 0, 0, NULL, NULL };

		CHECK_INT(parse_with(&h, NULL), -XS_INPUT);
	}
}

TEST(reader_refuses_names)
{
	static const char *const bad[] = {
		"/etc/passwd", "patches/../../x.patch", "../manifest.json", "./manifest.json",
		"patches//0002-x.patch", "README", "patches/sub/0002-x.patch",
		"patches/0002-x.diff", "patches/x.patch", "patches/0000-x.patch",
		"patches/0002-a b.patch", "patches/0002-\x1b[31m.patch", "patches/0002-\xc3\xa9.patch",
		"patches/0002-a\\b.patch", "Manifest.json", "MANIFEST.JSON",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct hdr h = { bad[i], '0', 2, NULL, NULL, 0, 0, NULL, NULL };

		CHECK_INT(parse_with(&h, "x\n"), -XS_INPUT);
	}
	{
		/* The prefix field counts: "../" hidden there is caught. */
		struct hdr h = { "0001-x.patch", '0', 2, "patches/..", NULL, 0, 0, NULL, NULL };

		CHECK_INT(parse_with(&h, "x\n"), -XS_INPUT);
	}
	{
		struct hdr h = { "outside.txt", '5', 0, NULL, NULL, 0, 0, NULL, NULL };

		CHECK_INT(parse_with(&h, NULL), -XS_INPUT);
	}
}

TEST(reader_refuses_duplicates)
{
	struct strbuf t = STRBUF_INIT;

	add_base(&t);
	add_file(&t, "patches/0001-fix.patch", "a\n");
	add_file(&t, "patches/0001-fix.patch", "b\n");
	end_tar(&t);
	CHECK_INT(parse(&t), -XS_INPUT);
	strbuf_reset(&t);
	add_base(&t);
	add_file(&t, "patches/0001-Fix.patch", "a\n");
	add_file(&t, "patches/0001-fix.patch", "b\n");
	end_tar(&t);
	CHECK_INT(parse(&t), -XS_INPUT);
	strbuf_reset(&t);
	add_base(&t);
	add_file(&t, "manifest.json", "again\n");
	end_tar(&t);
	CHECK_INT(parse(&t), -XS_INPUT);
	strbuf_release(&t);
}

TEST(reader_refuses_structure)
{
	struct strbuf t = STRBUF_INIT;
	struct hdr h = { "patches/0001-x.patch", '0', 2, NULL, NULL, 1, 0, NULL, NULL };

	CHECK_INT(parse_with(&h, "x\n"), -XS_INPUT);		/* bad checksum */
	h.bad_sum = 0;
	h.magic = "\0\0\0\0\0\0\0\0";
	CHECK_INT(parse_with(&h, "x\n"), -XS_INPUT);		/* v7, no magic */
	h.magic = NULL;
	CHECK_INT(parse_with(&h, "x\n"), 0);			/* the header as FORMAT.md has it */
	h.magic = "ustar  ";					/* GNU magic */
	CHECK_INT(parse_with(&h, "x\n"), -XS_INPUT);
	h.magic = "ustar\0" "0 ";				/* another version */
	CHECK_INT(parse_with(&h, "x\n"), -XS_INPUT);
	h.magic = NULL;
	h.junk = "hidden";					/* NUL, then junk, in the name */
	CHECK_INT(parse_with(&h, "x\n"), -XS_INPUT);
	h.junk = NULL;
	h.mode = 04777;						/* set-id bits */
	CHECK_INT(parse_with(&h, "x\n"), -XS_INPUT);
	h.mode = 0664;						/* not 0644 */
	CHECK_INT(parse_with(&h, "x\n"), -XS_INPUT);
	h.mode = 0;
	h.owner = "user";					/* not root/root */
	CHECK_INT(parse_with(&h, "x\n"), -XS_INPUT);
	h.owner = NULL;
	h.type = '\0';						/* pre-POSIX regular file */
	CHECK_INT(parse_with(&h, "x\n"), -XS_INPUT);
	h.type = '0';
	h.name = "0001-x.patch";					/* a clean name, split with the prefix */
	h.prefix = "patches";
	CHECK_INT(parse_with(&h, "x\n"), -XS_INPUT);
	h.name = "patches/0001-x.patch";
	h.prefix = NULL;
	h.size = BUNDLE_MAX_ENTRY + 1;				/* over 16 MiB: at the header */
	CHECK_INT(parse_with(&h, NULL), -XS_INPUT);

	add_base(&t);
	CHECK_INT(parse(&t), -XS_INPUT);			/* no end marker */
	strbuf_addchars(&t, 0, 512);
	CHECK_INT(parse(&t), -XS_INPUT);			/* one zero block only */
	strbuf_addchars(&t, 0, 512);
	CHECK_INT(parse(&t), 0);
	strbuf_addstr(&t, "garbage");
	CHECK_INT(parse(&t), -XS_INPUT);			/* partial block */
	strbuf_addchars(&t, 0, 512 - 7);
	CHECK_INT(parse(&t), -XS_INPUT);			/* non-zero after the end */
	strbuf_reset(&t);
	add_file(&t, "manifest.json", "{}\n");
	end_tar(&t);
	CHECK_INT(parse(&t), -XS_INPUT);			/* no signature */
	strbuf_reset(&t);
	add_base(&t);
	add_header(&t, &(struct hdr){ "patches/0001-x.patch", '0', 600, NULL, NULL, 0, 0, NULL,
				       NULL });
	strbuf_addchars(&t, 'a', 512);
	CHECK_INT(parse(&t), -XS_INPUT);			/* data truncated */
	strbuf_release(&t);
}

TEST(reader_refuses_order)
{
	struct strbuf t = STRBUF_INIT;
	struct hdr dir = { "patches/", '5', 0, NULL, NULL, 0, 0755, NULL, NULL };

	add_base(&t);
	add_file(&t, "patches/0001-a.patch", "a\n");
	add_file(&t, "patches/0002-b.patch", "b\n");
	end_tar(&t);
	CHECK_INT(parse(&t), 0);				/* in order */
	strbuf_reset(&t);
	add_file(&t, "manifest.json.asc", "-----BEGIN PGP SIGNATURE-----\n");
	add_file(&t, "manifest.json", "{}\n");
	end_tar(&t);
	CHECK_INT(parse(&t), -XS_INPUT);			/* signature first */
	strbuf_reset(&t);
	add_base(&t);
	add_file(&t, "patches/0002-b.patch", "b\n");
	add_file(&t, "patches/0001-a.patch", "a\n");
	end_tar(&t);
	CHECK_INT(parse(&t), -XS_INPUT);			/* patches swapped */
	strbuf_reset(&t);
	add_base(&t);
	add_file(&t, "patches/0001-a.patch", "a\n");
	add_file(&t, "patches/0003-c.patch", "c\n");
	end_tar(&t);
	CHECK_INT(parse(&t), -XS_INPUT);			/* a gap */
	strbuf_reset(&t);
	add_file(&t, "manifest.json", "{}\n");
	add_file(&t, "patches/0001-a.patch", "a\n");
	add_file(&t, "manifest.json.asc", "-----BEGIN PGP SIGNATURE-----\n");
	end_tar(&t);
	CHECK_INT(parse(&t), -XS_INPUT);			/* a patch before the signature */
	strbuf_reset(&t);
	add_base(&t);
	add_file(&t, "patches/0001-a.patch", "a\n");
	add_header(&t, &dir);
	end_tar(&t);
	CHECK_INT(parse(&t), -XS_INPUT);			/* the directory after a patch */
	strbuf_reset(&t);
	add_base(&t);
	dir.mode = 04755;
	add_header(&t, &dir);
	end_tar(&t);
	CHECK_INT(parse(&t), -XS_INPUT);			/* a set-id directory */
	strbuf_release(&t);
}

/* ---- the writer ------------------------------------------------------------- */

TEST(writer_deterministic_and_readable)
{
	struct bundle_blob blobs[] = {
		{ "manifest.json", "{\"a\": 1}\n", 9 },
		{ "manifest.json.asc", "sig\n", 4 },
		{ "patches/0001-one.patch", "one\n", 4 },
		{ "patches/0002-two.patch", "", 0 },
	};
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, gz = STRBUF_INIT;
	struct bundle_tar bt;
	char h1[SHA256_HEX_LEN + 1], h2[SHA256_HEX_LEN + 1];

	bundle_tar_write(blobs, ARRAY_SIZE(blobs), 1716199200, &a);
	bundle_tar_write(blobs, ARRAY_SIZE(blobs), 1716199200, &b);
	CHECK(a.len == b.len && !memcmp(a.buf, b.buf, a.len));
	CHECK_INT(a.len % 10240, 0);
	/* Header fields as FORMAT.md fixes them. */
	CHECK(!memcmp(a.buf + 100, "0000644", 8));
	CHECK(!memcmp(a.buf + 108, "0000000", 8));
	CHECK(!memcmp(a.buf + 257, "ustar\0" "00", 8));
	CHECK(!memcmp(a.buf + 265, "root", 5));
	CHECK(a.buf[156] == '0');
	bundle_tar_init(&bt);
	CHECK_INT(bundle_tar_parse(&bt, a.buf, a.len, "w.tar"), 0);
	CHECK_INT(bt.nr, 4);
	CHECK_STR(bt.v[2].name, "patches/0001-one.patch");
	CHECK_STR(bt.v[1].data.buf, "sig\n");
	bundle_tar_release(&bt);

	/* gzip'ed with the release rules: the same bytes twice, read back. */
	CHECK_INT(compress_buffer(COMPRESS_GZ, 1, a.buf, a.len, &gz), 0);
	sha256_hex(gz.buf, gz.len, h1);
	strbuf_reset(&gz);
	CHECK_INT(compress_buffer(COMPRESS_GZ, 2, a.buf, a.len, &gz), 0);
	sha256_hex(gz.buf, gz.len, h2);
	CHECK_STR(h1, h2);
	bundle_tar_init(&bt);
	CHECK_INT(bundle_tgz_parse(&bt, gz.buf, gz.len, "w.tar.gz"), 0);
	CHECK_INT(bt.nr, 4);
	bundle_tar_release(&bt);
	/* Truncated, corrupt and trailing gzip data. */
	bundle_tar_init(&bt);
	CHECK_INT(bundle_tgz_parse(&bt, gz.buf, gz.len - 9, "t.tar.gz"), -XS_INPUT);
	bundle_tar_release(&bt);
	strbuf_addstr(&gz, "trailing");
	bundle_tar_init(&bt);
	CHECK_INT(bundle_tgz_parse(&bt, gz.buf, gz.len, "t.tar.gz"), -XS_INPUT);
	bundle_tar_release(&bt);
	gz.buf[gz.len - 20] ^= 0x55;
	bundle_tar_init(&bt);
	CHECK_INT(bundle_tgz_parse(&bt, gz.buf, gz.len - 8, "c.tar.gz"), -XS_INPUT);
	bundle_tar_release(&bt);
	bundle_tar_init(&bt);
	CHECK_INT(bundle_tgz_parse(&bt, a.buf, a.len, "plain.tar"), -XS_INPUT);
	bundle_tar_release(&bt);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&gz);
}

TEST(patch_names)
{
	CHECK(bundle_patch_name_ok("patches/0001-hypervisor-evtchn-check.patch"));
	CHECK(bundle_patch_name_ok("patches/0999-a_b.c.patch"));
	CHECK(!bundle_patch_name_ok("patches/0001-.patch"));
	CHECK(!bundle_patch_name_ok("patches/001-a.patch"));
	CHECK(!bundle_patch_name_ok("patches/0001-a/b.patch"));
	CHECK(!bundle_patch_name_ok("0001-a.patch"));
}

/* ---- the manifest ------------------------------------------------------------ */

static const char good_manifest[] =
	"{\n"
	"  \"format\": \"xenstable-backport-bundle\",\n"
	"  \"format_version\": 1,\n"
	"  \"id\": \"0b5c4a8e-2f3d-4c1b-9a6e-7d8f9e0a1b2c\",\n"
	"  \"revision\": 2,\n"
	"  \"producer\": {\"name\": \"debian\", \"fingerprint\": \"0123456789ABCDEF0123456789ABCDEF01234567\"},\n"
	"  \"created\": \"2024-05-20T10:00:00Z\",\n"
	"  \"branch\": \"4.16\",\n"
	"  \"base\": {\"ref\": \"stable-4.16\", \"commit\": \"69f925a48ea444527920e5b8ae60fc2a770e1c74\"},\n"
	"  \"embargo_until\": \"2024-06-04T12:00:00Z\",\n"
	"  \"xsas\": [960],\n"
	"  \"cves\": [\"CVE-2024-96001\"],\n"
	"  \"files\": [\n"
	"    {\"name\": \"patches/0001-prereq.patch\", \"role\": \"prerequisite\", \"xsa\": 960,\n"
	"     \"sha256\": \"fe512ede67fc8ef28d3e4a9c08f5120108b121cfcc970a5edce2eb850f56760b\", \"size\": 10,\n"
	"     \"upstream_commit\": \"fc9534fc529ad4880ef760b7bae9cbfb77e71dea\", \"subject\": \"a\"},\n"
	"    {\"name\": \"patches/0002-fix.patch\", \"role\": \"fix\", \"xsa\": 960,\n"
	"     \"sha256\": \"f143328ab0a29abf6c885c896cb9d514316b0a28998f32c25ea6a7ee366238ea\", \"size\": 20,\n"
	"     \"upstream_commit\": null, \"subject\": \"b\"}\n"
	"  ],\n"
	"  \"tested\": {\"applied\": true, \"built\": true, \"booted\": false}\n"
	"}\n";

/* good_manifest with the first occurrence of from replaced by to. */
static int parse_variant(const char *from, const char *to)
{
	struct strbuf sb = STRBUF_INIT;
	struct bundle_manifest m;
	const char *at = strstr(good_manifest, from);
	int rc;

	if (!at) {
		printf("# variant '%s' not found\n", from);
		return 99;
	}
	strbuf_add(&sb, good_manifest, (size_t)(at - good_manifest));
	strbuf_addstr(&sb, to);
	strbuf_addstr(&sb, at + strlen(from));
	rc = bundle_manifest_parse(&m, sb.buf, sb.len, "m.json");
	bundle_manifest_release(&m);
	strbuf_release(&sb);
	return rc;
}

TEST(manifest_good_and_canonical)
{
	struct bundle_manifest m, m2;
	struct strbuf out = STRBUF_INIT, out2 = STRBUF_INIT;
	char *name, *ref;

	CHECK_INT(bundle_manifest_parse(&m, good_manifest, strlen(good_manifest), "m.json"), 0);
	CHECK_STR(m.id, "0b5c4a8e-2f3d-4c1b-9a6e-7d8f9e0a1b2c");
	CHECK_INT(m.revision, 2);
	CHECK_STR(m.producer, "debian");
	CHECK_STR(m.branch, "4.16");
	CHECK_INT(m.embargo_until, 1717502400);
	CHECK_INT(m.nr_files, 2);
	CHECK(m.files[0].role == BUNDLE_PREREQUISITE && m.files[1].role == BUNDLE_FIX);
	CHECK(m.files[1].upstream == NULL);
	CHECK(m.tested_built && !m.tested_booted);
	name = bundle_file_name(&m, 1);
	CHECK_STR(name, "xsa960-4.16-0b5c4a8e-r2.tar.gz.gpg");
	ref = bundle_embargo_ref(&m);
	CHECK_STR(ref, "refs/embargo/4.16/xsa-960");
	free(name);
	free(ref);
	/* Written, read back and written again: the same text. */
	bundle_manifest_write(&m, &out);
	CHECK_INT(bundle_manifest_parse(&m2, out.buf, out.len, "out.json"), 0);
	bundle_manifest_write(&m2, &out2);
	CHECK(out.len == out2.len && !memcmp(out.buf, out2.buf, out.len));
	bundle_manifest_release(&m);
	bundle_manifest_release(&m2);
	strbuf_release(&out);
	strbuf_release(&out2);
}

TEST(manifest_refusals)
{
	/* An optional extension is ignored... */
	CHECK_INT(parse_variant("\"revision\": 2,", "\"revision\": 2, \"x-note\": {\"any\": 1},"), 0);
	/* ... an unknown required field is not, at any level. */
	CHECK_INT(parse_variant("\"revision\": 2,", "\"revision\": 2, \"critical\": true,"), -XS_INPUT);
	CHECK_INT(parse_variant("\"booted\": false", "\"booted\": false, \"fuzzed\": true"), -XS_INPUT);
	CHECK_INT(parse_variant("\"subject\": \"b\"", "\"subject\": \"b\", \"mode\": 755"), -XS_INPUT);
	CHECK_INT(parse_variant("\"format_version\": 1", "\"format_version\": 2"), -XS_INPUT);
	CHECK_INT(parse_variant("\"format_version\": 1", "\"format_version\": \"1\""), -XS_INPUT);
	CHECK_INT(parse_variant("\"format\": \"xenstable-backport-bundle\"", "\"format\": \"other\""), -XS_INPUT);
	CHECK_INT(parse_variant("\"revision\": 2,", "\"revision\": 2, \"revision\": 9,"), -XS_INPUT);
	CHECK_INT(parse_variant("\"revision\": 2,", "\"revision\": 0,"), -XS_INPUT);
	CHECK_INT(parse_variant("\"revision\": 2,", "\"revision\": 2.5,"), -XS_INPUT);
	CHECK_INT(parse_variant("\"revision\": 2,", ""), -XS_INPUT);
	CHECK_INT(parse_variant("0b5c4a8e-2f3d", "0B5C4A8E-2f3d"), -XS_INPUT);
	CHECK_INT(parse_variant("\"2024-06-04T12:00:00Z\"", "\"2024-06-04 12:00\""), -XS_INPUT);
	CHECK_INT(parse_variant("\"2024-06-04T12:00:00Z\"", "null"), 0);
	CHECK_INT(parse_variant("\"2024-06-04T12:00:00Z\"", "\"2024-02-30T12:00:00Z\""), -XS_INPUT);
	CHECK_INT(parse_variant("\"4.16\"", "\"4.016\""), -XS_INPUT);
	CHECK_INT(parse_variant("0123456789ABCDEF", "0123456789abcdef"), -XS_INPUT);
	CHECK_INT(parse_variant("fe512ede", "FE512EDE"), -XS_INPUT);
	CHECK_INT(parse_variant("\"size\": 10", "\"size\": 16777217"), -XS_INPUT);
	CHECK_INT(parse_variant("patches/0002-fix.patch", "patches/0003-fix.patch"), -XS_INPUT);
	CHECK_INT(parse_variant("patches/0001-prereq.patch", "patches/../etc.patch"), -XS_INPUT);
	CHECK_INT(parse_variant("\"role\": \"fix\"", "\"role\": \"prerequisite\""), -XS_INPUT);
	CHECK_INT(parse_variant("\"role\": \"fix\"", "\"role\": \"feature\""), -XS_INPUT);
	CHECK_INT(parse_variant("\"xsa\": 960,\n     \"sha256\": \"f1", "\"xsa\": 961,\n     \"sha256\": \"f1"), -XS_INPUT);
	CHECK_INT(parse_variant("[960]", "[960, 960]"), -XS_INPUT);
	CHECK_INT(parse_variant("[960]", "[960, 961]"), -XS_INPUT);	/* 961 has no fix */
	CHECK_INT(parse_variant("\"CVE-2024-96001\"", "\"CVE-24-1\""), -XS_INPUT);
	CHECK_INT(parse_variant("\"subject\": \"b\"", "\"subject\": \"b\\u001b[2J\""), -XS_INPUT);
	CHECK_INT(parse_variant("\"stable-4.16\"", "\"--upload-pack=x\""), -XS_INPUT);
	CHECK_INT(parse_variant("{\n  \"format\"", "[\n  \"format\""), -XS_INPUT);
	CHECK_INT(parse_variant("\"tested\": {", "\"tested\": {,"), -XS_INPUT);
}

TEST(files_against_manifest)
{
	static const char one[] = "patch one\n", two[] = "patch two, longer\n";
	struct bundle_manifest m;
	struct strbuf t = STRBUF_INIT, man = STRBUF_INIT;
	struct bundle_tar bt;
	struct bundle b;

	CHECK_INT(bundle_manifest_parse(&m, good_manifest, strlen(good_manifest), "m.json"), 0);
	sha256_hex(one, strlen(one), m.files[0].sha256);
	m.files[0].size = strlen(one);
	sha256_hex(two, strlen(two), m.files[1].sha256);
	m.files[1].size = strlen(two);

	add_base(&t);
	add_file(&t, "patches/0001-prereq.patch", one);
	add_file(&t, "patches/0002-fix.patch", two);
	end_tar(&t);
	bundle_tar_init(&bt);
	CHECK_INT(bundle_tar_parse(&bt, t.buf, t.len, "f.tar"), 0);
	CHECK_INT(bundle_check_files(&m, &bt, "f.tar"), 0);
	bundle_tar_release(&bt);

	/* A patch that is not listed. */
	strbuf_setlen(&t, t.len - 1024);
	add_file(&t, "patches/0003-extra.patch", "x\n");
	end_tar(&t);
	bundle_tar_init(&bt);
	CHECK_INT(bundle_tar_parse(&bt, t.buf, t.len, "f.tar"), 0);
	CHECK_INT(bundle_check_files(&m, &bt, "f.tar"), -XS_INPUT);
	bundle_tar_release(&bt);

	/* A listed patch missing, and one of another size. */
	strbuf_reset(&t);
	add_base(&t);
	add_file(&t, "patches/0001-prereq.patch", one);
	end_tar(&t);
	bundle_tar_init(&bt);
	CHECK_INT(bundle_tar_parse(&bt, t.buf, t.len, "f.tar"), 0);
	CHECK_INT(bundle_check_files(&m, &bt, "f.tar"), -XS_INPUT);
	bundle_tar_release(&bt);
	strbuf_reset(&t);
	add_base(&t);
	add_file(&t, "patches/0001-prereq.patch", "patch one!\n");
	add_file(&t, "patches/0002-fix.patch", two);
	end_tar(&t);
	bundle_tar_init(&bt);
	CHECK_INT(bundle_tar_parse(&bt, t.buf, t.len, "f.tar"), 0);
	CHECK_INT(bundle_check_files(&m, &bt, "f.tar"), -XS_INPUT);
	bundle_tar_release(&bt);

	/* bundle_parse() on bytes in memory: gzip only without a keyring. */
	bundle_init(&b);
	strbuf_addstr(&b.raw, "plain text");
	CHECK_INT(bundle_parse(&b, NULL), -XS_INPUT);
	bundle_release(&b);
	bundle_init(&b);
	strbuf_addstr(&b.raw, "-----BEGIN PGP MESSAGE-----\n");
	CHECK_INT(bundle_parse(&b, NULL), -XS_INPUT);
	bundle_release(&b);
	bundle_init(&b);
	CHECK_INT(compress_buffer(COMPRESS_GZ, 1, t.buf, t.len, &b.raw), 0);
	CHECK_INT(bundle_parse(&b, NULL), 0);
	CHECK(b.manifest && b.signature && !b.encrypted);
	CHECK_INT(b.tar.nr, 4);
	bundle_release(&b);

	bundle_manifest_release(&m);
	strbuf_release(&t);
	strbuf_release(&man);
}

int main(void)
{
	xs_quiet = 1;
	RUN(reader_accepts);
	RUN(reader_refuses_entry_types);
	RUN(reader_refuses_names);
	RUN(reader_refuses_duplicates);
	RUN(reader_refuses_order);
	RUN(reader_refuses_structure);
	RUN(writer_deterministic_and_readable);
	RUN(patch_names);
	RUN(manifest_good_and_canonical);
	RUN(manifest_refusals);
	RUN(files_against_manifest);
	return unit_done();
}
