/*
 * test-tarball.c: the domain API (domain/tarball.h) on a scratch
 * repository: choosing the prefix, a release's two files from one pass,
 * compressing a tar held in memory, and verifying tarballs.
 */
#define UNIT_WITH_SHELL
#include "unit.h"
#include "tarball.h"
#include "fs.h"
#include "hash.h"
#include "run-command.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

static char *dir;

static int sh(const char *script)
{
	return unit_sh(dir, script);
}

/* A Xen-like tree: xen/Makefile at 4.19.4, some text, tags. */
static const char setup_script[] =
	"git init -q -b master repo && cd repo && mkdir -p xen/common docs && "
	"printf 'export XEN_VERSION       = 4\\nexport XEN_SUBVERSION    = 19\\n"
	"export XEN_EXTRAVERSION ?= .4$(XEN_VENDORVERSION)\\n' >xen/Makefile && "
	"i=0; while [ $i -lt 300 ]; do "
	"  printf 'int f%d(struct domain *d)\\n{\\n    return d->id + %d;\\n}\\n' $i $i "
	"    >>xen/common/funcs.c; i=$((i+1)); done && "
	"printf 'Changeset: $Format:%%H$\\n' >.gitarchive-info && "
	"echo '.gitarchive-info export-subst' >.gitattributes && "
	"echo readme >docs/README && "
	"git add -A && git commit -q -m 'Xen 4.19.4' && "
	"git tag -a -m 'Xen 4.19.4' RELEASE-4.19.4 && git tag RELEASE-4.19.5 && "
	"git checkout -q --orphan plain && git rm -q -r --cached xen && "
	"git commit -q -m 'no xen' && git checkout -q -f master";

static struct git_repo repo;

TEST(resolve)
{
	struct tarball_source s;

	CHECK(!tarball_resolve(&repo, "RELEASE-4.19.4", NULL, &s));
	CHECK_STR(s.prefix, "xen-4.19.4/");
	CHECK_STR(s.name, "xen-4.19.4");
	CHECK_STR(s.version, "4.19.4");
	tarball_source_release(&s);

	CHECK(!tarball_resolve(&repo, "refs/tags/RELEASE-4.19.4", NULL, &s));
	CHECK_STR(s.prefix, "xen-4.19.4/");
	tarball_source_release(&s);

	/* Not a release tag: the tree's version. */
	CHECK(!tarball_resolve(&repo, "master", NULL, &s));
	CHECK_STR(s.version, "4.19.4");
	tarball_source_release(&s);

	/* The tag's name wins (with a warning) when the tree disagrees. */
	CHECK(!tarball_resolve(&repo, "RELEASE-4.19.5", NULL, &s));
	CHECK_STR(s.prefix, "xen-4.19.5/");
	tarball_source_release(&s);

	CHECK(!tarball_resolve(&repo, "master", "top//", &s));
	CHECK_STR(s.prefix, "top/");
	CHECK_STR(s.name, "top");
	CHECK(s.version == NULL);
	tarball_source_release(&s);

	CHECK(tarball_resolve(&repo, "master", "../up", &s) == -XS_USAGE);
	CHECK(tarball_resolve(&repo, "master", "/abs", &s) == -XS_USAGE);
	CHECK(tarball_resolve(&repo, "no-such-ref", NULL, &s) == -XS_INPUT);
	CHECK(tarball_resolve(&repo, "plain", NULL, &s) == -XS_INPUT);
	CHECK(!tarball_resolve(&repo, "plain", "p", &s));
	tarball_source_release(&s);
}

static int sink_strbuf(void *data, const void *buf, size_t len)
{
	strbuf_add(data, buf, len);
	return 0;
}

static int sink_fail(void *data, const void *buf, size_t len)
{
	(void)data;
	(void)buf;
	(void)len;
	return error_env("test sink: refusing");
}

/* The release pair, and each file against what tarball_write computes. */
TEST(release_and_buffer)
{
	struct tarball_source s;
	struct tarball_release_files rel;
	struct tarball_hashes hgz, hxz, hbuf, hs;
	struct strbuf tar = STRBUF_INIT;
	char fh[SHA256_HEX_LEN + 1];
	char *out = path_join(dir, "dist"), *bufpath = path_join(dir, "dist/buf.tar.gz");

	CHECK(!mkdir_p(out, 0755));
	CHECK(!tarball_resolve(&repo, "RELEASE-4.19.4", NULL, &s));
	CHECK(!tarball_release(&repo, &s, out, 2, &rel));
	CHECK(ends_with(rel.gz_path, "/dist/xen-4.19.4.tar.gz"));
	CHECK(ends_with(rel.xz_path, "/dist/xen-4.19.4.tar.xz"));
	CHECK_STR(rel.gz.tar_sha256, rel.xz.tar_sha256);
	CHECK(rel.gz.tar_size > 10000 && rel.gz.tar_size % 512 == 0);

	CHECK(!sha256_file_hex(rel.gz_path, fh));
	CHECK_STR(fh, rel.gz.sha256);
	CHECK(!sha256_file_hex(rel.xz_path, fh));
	CHECK_STR(fh, rel.xz.sha256);

	/* Computing without writing gives the same figures (1 thread). */
	CHECK(!tarball_write(&repo, &s, COMPRESS_GZ, 1, NULL, &hgz));
	CHECK_STR(hgz.sha256, rel.gz.sha256);
	CHECK_STR(hgz.tar_sha256, rel.gz.tar_sha256);
	CHECK(hgz.size == rel.gz.size);
	CHECK(!tarball_write(&repo, &s, COMPRESS_XZ, 1, NULL, &hxz));
	CHECK_STR(hxz.sha256, rel.xz.sha256);

	/* The same tar held in memory compresses to the same file. */
	CHECK(!tarball_stream(&repo, &s, sink_strbuf, &tar, NULL, &hs));
	CHECK_STR(hs.tar_sha256, rel.gz.tar_sha256);
	CHECK(tar.len == hs.tar_size);
	CHECK(!tarball_write_buffer(tar.buf, tar.len, COMPRESS_GZ, 3, bufpath, &hbuf));
	CHECK_STR(hbuf.sha256, rel.gz.sha256);
	CHECK_STR(hbuf.tar_sha256, rel.gz.tar_sha256);
	CHECK(!sha256_file_hex(bufpath, fh));
	CHECK_STR(fh, rel.gz.sha256);

	/* A sink that fails stops git and reports, without hanging. */
	CHECK(tarball_stream(&repo, &s, sink_fail, NULL, NULL, &hs) == -XS_ENV);

	strbuf_release(&tar);
	tarball_release_files_release(&rel);
	tarball_source_release(&s);
	free(out);
	free(bufpath);
}

TEST(verify)
{
	struct tarball_source s, other;
	struct tarball_verdict v;
	struct tarball_hashes h;
	char *gz = path_join(dir, "dist/xen-4.19.4.tar.gz");
	char *xz = path_join(dir, "dist/xen-4.19.4.tar.xz");
	char *bad = path_join(dir, "dist/other.tar.gz");
	size_t i;
	int found = 0;

	CHECK(!tarball_resolve(&repo, "RELEASE-4.19.4", NULL, &s));

	tarball_verdict_init(&v);
	CHECK(!tarball_verify(&repo, &s, gz, 2, 1, &v));
	CHECK(v.format == COMPRESS_GZ && v.readable && v.tar_match);
	CHECK(v.compressed_checked && v.compressed_match);
	tarball_verdict_release(&v);

	tarball_verdict_init(&v);
	CHECK(!tarball_verify(&repo, &s, xz, 2, 0, &v));
	CHECK(v.format == COMPRESS_XZ && v.tar_match && !v.compressed_checked);
	tarball_verdict_release(&v);

	/* The plain branch with the same prefix: xen/ is missing from it. */
	CHECK(!tarball_resolve(&repo, "plain", "xen-4.19.4", &other));
	CHECK(!tarball_write(&repo, &other, COMPRESS_GZ, 1, bad, &h));
	tarball_verdict_init(&v);
	CHECK(!tarball_verify(&repo, &s, bad, 2, 1, &v));
	CHECK(v.readable && !v.tar_match && !v.compressed_match);
	CHECK(v.only_in_file.nr == 0);
	for (i = 0; i < v.only_in_ref.nr; i++)
		found |= !strcmp(v.only_in_ref.v[i], "xen-4.19.4/xen/Makefile");
	CHECK(found);
	/* The export-subst line names another commit. */
	found = 0;
	for (i = 0; i < v.differ.nr; i++)
		found |= !strcmp(v.differ.v[i], "xen-4.19.4/.gitarchive-info\tcontent");
	CHECK(found);
	CHECK(v.mtime_differs == 0);	/* same commit date */
	CHECK_STR(v.file_top, "xen-4.19.4");
	tarball_verdict_release(&v);

	tarball_source_release(&other);
	tarball_source_release(&s);
	free(gz);
	free(xz);
	free(bad);
}

int main(void)
{
	dir = make_temp_dir("test-tarball");
	if (!dir || sh(setup_script)) {
		printf("not ok 1 - set up a scratch repository\n");
		return 1;
	}
	{
		char *r = path_join(dir, "repo");

		if (git_open(&repo, r)) {
			printf("not ok 1 - open the scratch repository\n");
			return 1;
		}
		free(r);
	}
	RUN(resolve);
	RUN(release_and_buffer);
	RUN(verify);
	git_close(&repo);
	remove_tree(dir);
	free(dir);
	return unit_done();
}
