/*
 * Unit tests for domain/evtag.c: the Git-EVTag-v0-SHA512 walk (order,
 * bytes, submodules, malformed trees) against an independent SHA-512 of
 * the expected byte stream, on scratch repositories (SHA-1 and SHA-256),
 * a tree changed after the checksum was made, and the tag-message line.
 */
#define UNIT_WITH_SHELL
#include "unit.h"
#include "evtag.h"
#include "fs.h"
#include "git.h"
#include "hash.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

static char *dir;

/* An in-memory object store: oid -> type, content. */
struct mem_obj {
	const char *oid, *type;
	const char *data;
	size_t len;
};

struct mem_store {
	const struct mem_obj *v;
	size_t nr;
	int gets;
};

static int mem_get(void *data, const char *oid, struct strbuf *type, struct strbuf *content)
{
	struct mem_store *s = data;
	size_t i;

	s->gets++;
	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->v[i].oid, oid)) {
			strbuf_reset(type);
			strbuf_addstr(type, s->v[i].type);
			strbuf_reset(content);
			strbuf_add(content, s->v[i].data, s->v[i].len);
			return 0;
		}
	return 1;
}

/* A raw tree entry: "<mode> <name>\0" and the 20 bytes of a 40-hex id. */
static void tree_entry(struct strbuf *t, const char *mode, const char *name, const char *hex)
{
	size_t i;

	strbuf_addf(t, "%s %s", mode, name);
	strbuf_addch(t, '\0');
	for (i = 0; i < 40; i += 2) {
		char b[3] = { hex[i], hex[i + 1], 0 };

		strbuf_addch(t, (char)strtol(b, NULL, 16));
	}
}

static void feed(struct sha512_ctx *c, const char *type, const char *data, size_t len)
{
	char head[64];
	int n = snprintf(head, sizeof(head), "%s %zu", type, len);

	sha512_update(c, head, (size_t)n + 1);
	sha512_update(c, data, len);
}

#define OID_C "cccccccccccccccccccccccccccccccccccccccc"
#define OID_T0 "0000000000000000000000000000000000000000"
#define OID_T1 "1111111111111111111111111111111111111111"
#define OID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define OID_X "abababababababababababababababababababab"
#define OID_L "acacacacacacacacacacacacacacacacacacacac"
#define OID_Z "adadadadadadadadadadadadadadadadadadadad"

/*
 * commit -> T0 { a: blob A, d: tree T1 { x: blob X, y: symlink L }, z: blob Z }
 * must hash commit, T0, A, T1, X, L, Z in that order (depth first, stored
 * order), each as "<type> <size>\0<content>".
 */
TEST(walk_order)
{
	struct strbuf t0 = STRBUF_INIT, t1 = STRBUF_INIT;
	const char *commit = "tree " OID_T0 "\nauthor A <a> 1 +0000\ncommitter C <c> 1 +0000\n\nm\n";
	struct sha512_ctx c;
	char want[EVTAG_HEX_LEN + 1], got[EVTAG_HEX_LEN + 1];
	struct evtag_stats st;

	tree_entry(&t0, "100644", "a", OID_A);
	tree_entry(&t0, "40000", "d", OID_T1);
	tree_entry(&t0, "100755", "z", OID_Z);
	tree_entry(&t1, "100644", "x", OID_X);
	tree_entry(&t1, "120000", "y", OID_L);
	{
		struct mem_obj objs[] = {
			{ OID_C, "commit", commit, strlen(commit) },
			{ OID_T0, "tree", t0.buf, t0.len },
			{ OID_T1, "tree", t1.buf, t1.len },
			{ OID_A, "blob", "alpha\n", 6 },
			{ OID_X, "blob", "", 0 },
			{ OID_L, "blob", "../a", 4 },
			{ OID_Z, "blob", "zeta", 4 },
		};
		struct mem_store s = { objs, ARRAY_SIZE(objs), 0 };

		sha512_init(&c);
		feed(&c, "commit", commit, strlen(commit));
		feed(&c, "tree", t0.buf, t0.len);
		feed(&c, "blob", "alpha\n", 6);
		feed(&c, "tree", t1.buf, t1.len);
		feed(&c, "blob", "", 0);
		feed(&c, "blob", "../a", 4);
		feed(&c, "blob", "zeta", 4);
		sha512_final_hex(&c, want);
		CHECK_INT(evtag_walk(mem_get, &s, OID_C, 40, got, &st), 0);
		CHECK_STR(got, want);
		CHECK_INT(st.commits, 1);
		CHECK_INT(st.trees, 2);
		CHECK_INT(st.blobs, 4);
		CHECK_INT(st.blob_bytes, (6 + 7) + (0 + 7) + (4 + 7) + (4 + 7));
		CHECK_INT(s.gets, 7);
		evtag_stats_release(&st);

		/* Another order of the same objects is another checksum. */
		sha512_init(&c);
		feed(&c, "commit", commit, strlen(commit));
		feed(&c, "tree", t0.buf, t0.len);
		feed(&c, "blob", "alpha\n", 6);
		feed(&c, "blob", "zeta", 4);
		feed(&c, "tree", t1.buf, t1.len);
		feed(&c, "blob", "", 0);
		feed(&c, "blob", "../a", 4);
		sha512_final_hex(&c, want);
		CHECK(strcmp(got, want) != 0);

		/* A missing blob is an error, never a checksum. */
		s.nr--;
		CHECK(evtag_walk(mem_get, &s, OID_C, 40, got, &st) < 0);
		CHECK_STR(got, "");
		evtag_stats_release(&st);
	}
	strbuf_release(&t0);
	strbuf_release(&t1);
}

/* Trees git would never write are refused with an error, not hashed. */
TEST(malformed_trees)
{
	static const char *const bad[] = {
		"100644 a",			/* no NUL, no id */
		"100644 a\0short",		/* id cut short */
		"10064x a\0aaaaaaaaaaaaaaaaaaaa",	/* mode not octal */
		" a\0aaaaaaaaaaaaaaaaaaaa",	/* no mode */
		"070000 a\0aaaaaaaaaaaaaaaaaaaa",	/* unknown type bits */
		"17777777777 a\0aaaaaaaaaaaaaaaaaaaa",	/* mode too large */
	};
	static const size_t lens[] = { 8, 14, 29, 23, 29, 34 };
	const char *commit = "tree " OID_T0 "\n\nm\n";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct mem_obj objs[] = {
			{ OID_C, "commit", commit, strlen(commit) },
			{ OID_T0, "tree", bad[i], lens[i] },
			{ "6161616161616161616161616161616161616161", "blob", "x", 1 },
		};
		struct mem_store s = { objs, ARRAY_SIZE(objs), 0 };
		char got[EVTAG_HEX_LEN + 1];
		struct evtag_stats st;

		CHECK(evtag_walk(mem_get, &s, OID_C, 40, got, &st) < 0);
		evtag_stats_release(&st);
	}
	{
		/* A tree that holds itself: refused at the depth limit, not a crash. */
		struct strbuf loop = STRBUF_INIT;
		char got[EVTAG_HEX_LEN + 1];
		struct evtag_stats st;

		tree_entry(&loop, "40000", "d", OID_T0);
		{
			struct mem_obj objs[] = {
				{ OID_C, "commit", commit, strlen(commit) },
				{ OID_T0, "tree", loop.buf, loop.len },
			};
			struct mem_store s = { objs, ARRAY_SIZE(objs), 0 };

			CHECK(evtag_walk(mem_get, &s, OID_C, 40, got, &st) < 0);
			CHECK(st.trees >= 2048 && st.trees <= 2049);
			evtag_stats_release(&st);
		}
		strbuf_release(&loop);
	}
	{
		/* A commit that does not start with its tree, and a wrong type. */
		const char *nc = "parent " OID_T0 "\n\nm\n";
		struct mem_obj objs[] = {
			{ OID_C, "commit", nc, strlen(nc) },
			{ OID_T1, "blob", "x", 1 },
		};
		struct mem_store s = { objs, ARRAY_SIZE(objs), 0 };
		char got[EVTAG_HEX_LEN + 1];
		struct evtag_stats st;

		CHECK(evtag_walk(mem_get, &s, OID_C, 40, got, &st) < 0);
		evtag_stats_release(&st);
		CHECK(evtag_walk(mem_get, &s, OID_T1, 40, got, &st) < 0);
		evtag_stats_release(&st);
		CHECK(evtag_walk(mem_get, &s, OID_C, 32, got, &st) < 0);
		evtag_stats_release(&st);
	}
}

/* The same walk computed by an independent script: git cat-file per object. */
static const char ref_script[] =
	"ref() {\n"
	"  h() { printf '%s %s\\0' \"$(git cat-file -t $1)\" \"$(git cat-file -s $1)\"; "
	"git cat-file \"$(git cat-file -t $1)\" $1; }\n"
	"  tree() { h $1; git ls-tree $1 | while read -r m t o n; do\n"
	"    case $t in blob) h $o ;; tree) tree $o ;; *) exit 9 ;; esac; done; }\n"
	"  h $1; tree $(git rev-parse $1^{tree})\n"
	"}\n";

static char *script_evtag(const char *rev)
{
	struct strbuf out = STRBUF_INIT, s = STRBUF_INIT;
	const char *argv[] = { "sh", "-c", NULL, NULL };
	char *r;

	strbuf_addf(&s, "cd '%s' && %s ref $(git rev-parse %s) | sha512sum | cut -c1-128", dir,
		    ref_script, rev);
	argv[2] = s.buf;
	if (run_capture(&out, NULL, argv))
		strbuf_reset(&out);
	strbuf_trim(&out);
	r = strbuf_detach(&out, NULL);
	strbuf_release(&s);
	return r;
}

TEST(real_repository)
{
	struct git_repo r;
	char oid[GIT_MAX_HEXSZ + 1], hex[EVTAG_HEX_LEN + 1], hex2[EVTAG_HEX_LEN + 1];
	struct evtag_stats st;
	char *want;

	CHECK(!unit_sh(dir, "git init -q -b master r1 && cd r1 && echo a >a && mkdir -p d/e && "
		       "printf 'x\\0y' >d/e/bin && echo s >d/s && ln -s ../a d/link && "
		       "chmod +x d/s && : >empty && git add -A && git commit -q -m one"));
	{
		char *p = path_join(dir, "r1");

		CHECK(!git_open(&r, p));
		free(p);
	}
	CHECK(!git_resolve_commit(&r, "HEAD", oid));
	CHECK_INT(evtag_compute(&r, oid, hex, &st), 0);
	CHECK_INT(st.blobs, 5);
	CHECK_INT(st.trees, 3);
	evtag_stats_release(&st);
	{
		char *save = dir;

		dir = path_join(save, "r1");
		want = script_evtag("HEAD");
		free(dir);
		dir = save;
	}
	CHECK_STR(hex, want);
	free(want);
	CHECK(evtag_compute(&r, "HEAD", hex2, &st) < 0);	/* ids only */
	evtag_stats_release(&st);

	/*
	 * The tree changed after the checksum was made, under the same
	 * commit id (what a SHA-1 collision would do): the loose object of
	 * a blob is replaced by other content of the same length.  git reads
	 * it without complaint; the checksum must change.
	 */
	CHECK(!unit_sh(dir, "cd r1 && b=$(git rev-parse HEAD:d/s) && "
		       "f=.git/objects/$(echo $b | cut -c1-2)/$(echo $b | cut -c3-) && "
		       "chmod u+w $f && printf 'blob 2\\0t\\n' | "
		       "python3 -c 'import sys,zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read()))' "
		       ">$f.new && mv $f.new $f && test \"$(git cat-file blob $b)\" = t"));
	CHECK_INT(evtag_compute(&r, oid, hex2, &st), 0);
	evtag_stats_release(&st);
	CHECK(strcmp(hex, hex2) != 0);
	git_close(&r);

	/* A gitlink: the submodule's objects are elsewhere, so no checksum. */
	CHECK(!unit_sh(dir, "cd r1 && git update-index --add --cacheinfo "
		       "160000,1234567890123456789012345678901234567890,sub/mod && "
		       "git commit -q -m sub"));
	{
		char *p = path_join(dir, "r1");

		CHECK(!git_open(&r, p));
		free(p);
	}
	CHECK(!git_resolve_commit(&r, "HEAD", oid));
	CHECK_INT(evtag_compute(&r, oid, hex, &st), 1);
	CHECK_STR(st.submodule, "sub/mod");
	CHECK_STR(hex, "");
	evtag_stats_release(&st);
	git_close(&r);

	/* A SHA-256 repository: 32-byte ids in its trees. */
	if (!unit_sh(dir, "git init -q --object-format=sha256 -b master r2 2>/dev/null && cd r2 && "
		     "mkdir d && echo a >d/a && echo b >b && git add -A && git commit -q -m one")) {
		char *p = path_join(dir, "r2");

		CHECK(!git_open(&r, p));
		CHECK(!git_resolve_commit(&r, "HEAD", oid));
		CHECK_INT(strlen(oid), 64);
		CHECK_INT(evtag_compute(&r, oid, hex, &st), 0);
		CHECK_INT(st.blobs, 2);
		evtag_stats_release(&st);
		{
			char *save = dir;

			dir = p;
			want = script_evtag("HEAD");
			dir = save;
		}
		CHECK_STR(hex, want);
		free(want);
		git_close(&r);
		free(p);
	}
}

TEST(find_line)
{
	char hex[EVTAG_HEX_LEN + 1], v[EVTAG_HEX_LEN + 1];
	struct strbuf m = STRBUF_INIT;
	int line;

	memset(v, 'a', EVTAG_HEX_LEN);
	v[EVTAG_HEX_LEN] = '\0';
	v[5] = '7';
	CHECK_INT(evtag_find("Xen 4.19.4\n", 11, hex, &line), EVTAG_NONE);
	CHECK_INT(line, 0);

	strbuf_addstr(&m, "Xen 4.19.4\n");
	evtag_append_line(&m, v);
	{
		char *want = xstrfmt("\n%s %s\n", EVTAG_PREFIX, v);

		CHECK_STR(m.buf + 11, want);
		free(want);
	}
	CHECK_INT(evtag_find(m.buf, m.len, hex, &line), EVTAG_FOUND);
	CHECK_STR(hex, v);
	CHECK_INT(line, 3);

	/* Tabs after the colon and CR/blank at the end, as git-evtag allows. */
	strbuf_reset(&m);
	strbuf_addf(&m, "x\n%s\t %s \r\n", EVTAG_PREFIX, v);
	CHECK_INT(evtag_find(m.buf, m.len, hex, &line), EVTAG_FOUND);
	CHECK_STR(hex, v);
	/* No newline at the end. */
	strbuf_reset(&m);
	strbuf_addf(&m, "%s %s", EVTAG_PREFIX, v);
	CHECK_INT(evtag_find(m.buf, m.len, hex, &line), EVTAG_FOUND);

	/* Only at the start of a line. */
	strbuf_reset(&m);
	strbuf_addf(&m, "x\n %s %s\n", EVTAG_PREFIX, v);
	CHECK_INT(evtag_find(m.buf, m.len, hex, &line), EVTAG_NONE);

	/* Twice the same value is one claim; two values are refused. */
	strbuf_reset(&m);
	strbuf_addf(&m, "%s %s\n%s %s\n", EVTAG_PREFIX, v, EVTAG_PREFIX, v);
	CHECK_INT(evtag_find(m.buf, m.len, hex, &line), EVTAG_FOUND);
	v[0] = 'b';
	strbuf_addf(&m, "%s %s\n", EVTAG_PREFIX, v);
	CHECK_INT(evtag_find(m.buf, m.len, hex, &line), EVTAG_CONFLICT);

	/* Upper case, short, long, non-hex, empty: malformed, with the line. */
	{
		static const char *const bad[] = {
			"AAAA", "abc", "", "g",
		};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			strbuf_reset(&m);
			strbuf_addf(&m, "t\n\n%s %s\n", EVTAG_PREFIX, bad[i]);
			CHECK_INT(evtag_find(m.buf, m.len, hex, &line), EVTAG_MALFORMED);
			CHECK_INT(line, 3);
		}
		strbuf_reset(&m);
		strbuf_addf(&m, "%s %s0\n", EVTAG_PREFIX, v);
		CHECK_INT(evtag_find(m.buf, m.len, hex, &line), EVTAG_MALFORMED);
		v[9] = 'A';
		strbuf_reset(&m);
		strbuf_addf(&m, "%s %s\n", EVTAG_PREFIX, v);
		CHECK_INT(evtag_find(m.buf, m.len, hex, &line), EVTAG_MALFORMED);
	}
	strbuf_release(&m);
}

int main(void)
{
	dir = make_temp_dir("unit-evtag");
	if (!dir)
		return 1;
	RUN(walk_order);
	RUN(malformed_trees);
	RUN(real_repository);
	RUN(find_line);
	remove_tree(dir);
	free(dir);
	return unit_done();
}
