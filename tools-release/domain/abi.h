/*
 * abi.h: the ABI of the toolstack's shared libraries, release to release.
 *
 * libxenlight is API- but not ABI-stable, and every ABI break forces the
 * programs linked against it to be rebuilt; a point release must not make
 * one.  The ABI of each shared library the toolstack builds is described
 * with libabigail's abidw, in a form that does not depend on where it was
 * built (no paths, short locations, public headers only), and kept in the
 * maintenance repository as the baseline of the branch's last release:
 *
 *	toolstack/abi/4.19/BASELINE		what it was made from
 *	toolstack/abi/4.19/libxenlight.xml	one description per library
 *
 *	# ABI baseline of Xen 4.19.2, written by 'xenstable abi dump'.
 *	[baseline]
 *		version = 4.19.2
 *		tag = RELEASE-4.19.2
 *		commit = b8ac9f82d047a322a1214746e8d1edea3a2c5b29
 *	[library "libxenlight"]
 *		soname = libxenlight.so.4.19
 *		file = libxenlight.xml
 *		sha256 = <of the file>
 *
 * A later revision is compared with abidiff, judged by its exit status
 * bits (1 error, 2 usage, 4 ABI change, 8 incompatible change): an
 * incompatible change, or a change that remains once added symbols are
 * left out (a type's layout, a function's signature), fails; additions
 * alone pass and are reported.  A changed SONAME fails unless
 * branches/X.Y.conf allows it:
 *
 *	[abi]
 *		allow-soname-change = true
 */
#ifndef XS_ABI_H
#define XS_ABI_H

#include "compat.h"
#include "git.h"
#include "hash.h"
#include "preflight.h"
#include "strbuf.h"
#include "strvec.h"

struct branch;
struct branch_set;

#define ABI_DIR "toolstack/abi"
#define ABI_BASELINE_FILE "BASELINE"

/* abidiff's exit status bits (abidiff(1), "Return values"). */
enum {
	ABIDIFF_ERROR = 1,
	ABIDIFF_USAGE_ERROR = 2,
	ABIDIFF_ABI_CHANGE = 4,
	ABIDIFF_ABI_INCOMPATIBLE_CHANGE = 8,
};

/* The [abi] section of branches/X.Y.conf. */
struct abi_config {
	int allow_soname_change;
	int allow_line;		/* where it was allowed, for messages */
};
/* Validate and read b's [abi] section (unknown keys: XS_INPUT, file:line). */
int abi_config_load(struct abi_config *ac, const struct branch *b);

struct abi_library {
	char *name;		/* "libxenlight" */
	char *soname;		/* "libxenlight.so.4.19" */
	char *file;		/* "libxenlight.xml" */
	char sha256[SHA256_HEX_LEN + 1];
};

struct abi_baseline {
	char *dir;		/* <maint>/toolstack/abi/4.19 */
	char *version;		/* "4.19.2" */
	char *tag;		/* "RELEASE-4.19.2" */
	char *commit;
	struct abi_library *libs;
	size_t nr, alloc;
};

void abi_baseline_init(struct abi_baseline *b);
void abi_baseline_release(struct abi_baseline *b);
/* Parse BASELINE text (origin names it in errors). */
int abi_baseline_parse(struct abi_baseline *b, const char *origin, const char *text,
		       size_t len);
/* Load dir/BASELINE and check every file against its sha256.  1 if absent. */
int abi_baseline_load(struct abi_baseline *b, const char *dir);

/* "libxenlight.so.4.19.0" -> "libxenlight" (malloc()ed). */
char *abi_library_name(const char *file);
/* The soname='...' of an ABI XML document's abi-corpus; malloc()ed or NULL. */
char *abi_xml_soname(const char *xml, size_t len);

/* Describe one library with abidw into out.  headers_dir may be NULL. */
int abi_describe(const char *lib, const char *headers_dir, struct strbuf *out);

enum abi_verdict {
	ABI_SAME,
	ABI_ADDITIONS,		/* only added functions, variables or libraries */
	ABI_ALLOWED,		/* a SONAME change the branch allows, nothing else */
	ABI_INCOMPATIBLE,
};

struct abi_finding {
	char *library;
	enum abi_verdict verdict;
	char *summary;		/* one line */
	char *report;		/* abidiff's findings, may be empty */
	char *report_path;	/* where they were kept, or NULL */
};

struct abi_findings {
	struct abi_finding *v;
	size_t nr, alloc;
};
void abi_findings_release(struct abi_findings *f);

/*
 * Compare two ABI descriptions of one library.  A differing SONAME is
 * incompatible unless allow_soname; everything else is abidiff's verdict.
 * 0 with *f filled, or a negative exit class when abidiff failed.
 */
int abi_compare(const char *old_xml, const char *new_xml, int allow_soname,
		const char *work_dir, struct abi_finding *f);

/* abi dump: describe the toolstack at rev as the baseline of its release. */
struct abi_dump_opts {
	const struct git_repo *src;
	const char *rev;
	const char *maint_root;
	const struct branch_set *branches;
	int jobs;
	unsigned force:1;	/* allow a non-release version or an older release */
};
/* 0 written or already up to date (*dir set, malloc()ed), or an exit class. */
int abi_dump_run(const struct abi_dump_opts *o, struct check_result *r, char **dir);

/* abi check: compare rev with the baseline of the branch's last release. */
struct abi_check_opts {
	const struct git_repo *src;
	const struct branch *branch;
	const char *rev;		/* NULL: the branch's tip */
	const char *maint_root;
	const struct branch_set *branches;
	int jobs;
};
/*
 * 0 with the verdict in r and each library's findings in f (passed: no
 * change or additions only; failed: an incompatible change or a build
 * failure; skipped: the branch has no release yet), or an exit class.
 */
int abi_check_run(const struct abi_check_opts *o, struct check_result *r,
		  struct abi_findings *f);

/* The branch's highest release tag in src: 0 found, 1 none. */
int abi_last_release(const struct git_repo *src, const struct branch *b,
		     struct strbuf *tag, int *point);

#endif
