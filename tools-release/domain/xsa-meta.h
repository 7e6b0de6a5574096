/*
 * xsa-meta.h: the security team's machine-readable xsaNNN.meta.
 *
 * Advisories from about XSA-200 on ship one beside their patches and
 * list it in the sha256sum block (xenbits.xen.org/xsa/xsaNNN.meta).  It is
 * JSON written by the team's tooling, one recipe per Xen version and
 * source tree:
 *
 *	{
 *	  "XSA": 490,
 *	  "SupportedVersions": ["master", "4.19", "4.18", "4.17"],
 *	  "Trees": ["xen"],
 *	  "Recipes": {
 *	    "4.17": {
 *	      "XenVersion": "4.17",
 *	      "Recipes": {
 *	        "xen": {
 *	          "StableRef": "<40 hex>",	the stable-4.17 commit the patches
 *	                                        were made (and tested) against
 *	          "Prereqs": [489],		XSAs to apply first on that branch
 *	          "Patches": ["xsa490-4.17.patch"]	names or globs of the advisory's
 *	                                        files (a series: its directory
 *	                                        and a star), in applying order
 *	        }
 *	      }
 *	    },
 *	    "master": { ... }, ...
 *	  }
 *	}
 *
 * The reader is strict (json-strict.h: lines, no key twice) and checks
 * the content: XSA is the advisory's number; versions are "master" or
 * "X.Y", each in SupportedVersions has exactly one recipe and XenVersion
 * repeats its key; trees are listed in Trees; StableRef is a commit id;
 * Prereqs are XSA numbers other than its own, each once (null is read as
 * an empty list, as the team's Go tooling writes it); every Patches glob
 * is a safe name that matches files of the advisory's sha256sum block
 * (never the .meta itself), and no file is named twice.  Unknown keys and
 * values of another type are refused: a typo must not drop a
 * prerequisite silently.
 *
 * Where it is used: intake reads it when the signed sha256sum block
 * lists it (or, with --allow-unsigned, an unlisted one beside the
 * advisory) and stores it with the version; xsa apply orders a run by
 * Prereqs and, on a conflict, names the missing prerequisite and the
 * base the patches were made against; xsa show prints the recipes.
 */
#ifndef XS_XSA_META_H
#define XS_XSA_META_H

#include "compat.h"
#include "git.h"
#include "strbuf.h"
#include "strvec.h"

struct xsa_store;
struct xsa_version;
struct xsa_matrix;
struct xa_plan;
struct xa_entry;

struct xsameta_recipe {
	char *version;		/* its key in Recipes: "4.19" or "master" */
	char *tree;		/* "xen", "qemu-xen", ... */
	char stable_ref[GIT_MAX_HEXSZ + 1];	/* lower case */
	int *prereqs;		/* XSA numbers, as listed */
	size_t nr_prereqs;
	struct strvec patches;	/* the globs as written */
	struct strvec files;	/* the advisory's files they name, in order */
	int line;		/* the tree's recipe */
	int prereqs_line;
};

struct xsameta {
	char *origin;		/* names it in messages */
	char *file;		/* "xsa490.meta" */
	int xsa;
	struct strvec versions;	/* SupportedVersions, as listed */
	struct strvec trees;
	struct xsameta_recipe *r;	/* in the file's order */
	size_t nr, alloc;
	int listed;		/* in the advisory's sha256sum block */
	int is_signed;		/* ... of a signed advisory */
};

void xsameta_init(struct xsameta *m);
void xsameta_release(struct xsameta *m);

/*
 * Parse and check text.  origin names it in errors ("origin:line: ...",
 * -XS_INPUT), number is the advisory's XSA number, names the files of its
 * sha256sum block (the globs must match them).
 */
int xsameta_parse(struct xsameta *m, const char *text, size_t len, const char *origin,
		  int number, const char *const *names, size_t nr_names);

struct xsa_advisory;
struct xsa_intake;

/* What intake read. */
struct xsameta_found {
	char *name;		/* "xsa490.meta", or NULL: none */
	char sha256[65];
	int listed;		/* in the sha256sum block */
	struct strbuf extra;	/* an unlisted one's content (--allow-unsigned) */
};

void xsameta_found_init(struct xsameta_found *mf);
void xsameta_found_release(struct xsameta_found *mf);

/*
 * At intake, after every file of advisory a's sha256sum block was read
 * into data[] and checked: check the .meta the block lists (at most
 * one).  Without one, an xsaNNN.meta beside the advisory (beside: its
 * content, NULL if none) or attached to the mail is read only with
 * allow_unsigned, since nothing signed vouches for it; otherwise a note
 * says it was left.  Errors name the file and line (-XS_INPUT).
 */
int xsameta_take(const struct xsa_advisory *a, struct xsa_intake *in,
		 const struct strbuf *data, const struct strbuf *beside, int allow_unsigned,
		 struct xsameta_found *mf);

/* The recipe for a version ("4.19", "master") and tree, or NULL. */
const struct xsameta_recipe *xsameta_recipe(const struct xsameta *m, const char *version,
					    const char *tree);

/* "prerequisites XSA-489, XSA-488" / "no prerequisites", for people. */
void xsameta_prereqs_str(const struct xsameta_recipe *r, struct strbuf *out);

/*
 * The .meta stored with version v, parsed and checked again against the
 * stored files (and its sha256 against meta.json's).  Returns 0, 1 when
 * the version has none, or an error.
 */
int xsameta_load(const struct xsa_store *s, const struct xsa_version *v, struct xsameta *m);

/*
 * Order n XSAs so that each follows the ones among them it needs
 * (pre[i] lists XSA numbers, nr_pre[i] of them), keeping the given order
 * otherwise.  order gets indices.  Returns 0, or -1 when they need each
 * other in a circle: cycle then reads "XSA-930 needs XSA-931 needs XSA-930".
 */
int xsameta_order(const int *xsa, const int *const *pre, const size_t *nr_pre, size_t n,
		  size_t *order, struct strbuf *cycle);

/*
 * For plan (branch column bi of matrix m): give each entry what its
 * advisory's .meta says for the branch (the "master" recipe when the
 * branch takes the fix from master), with the state of each
 * prerequisite there, and order the entries prerequisites first.  A
 * cycle is refused with -XS_INPUT naming the files and lines.
 */
int xsameta_plan(const struct xsa_store *s, const struct xsa_matrix *m, size_t bi,
		 struct xa_plan *plan);

/*
 * Entry e of plan did not apply: say in e->meta_hints which of its
 * prerequisites the branch lacks and against which commit the patches
 * were made (src: the source repository).
 */
void xsameta_explain(const struct git_repo *src, const struct xa_plan *plan,
		     struct xa_entry *e);

/*
 * "patches were made against 0123456789ab (stable-4.19 tip as of
 * 2026-10-01); the branch is 3 commits ahead", or that src lacks the
 * commit, or that it is not in ref's history.  ref is a full ref name.
 */
int xsameta_describe_base(const struct git_repo *src, const char *oid, const char *ref,
			  struct strbuf *out);

#endif
