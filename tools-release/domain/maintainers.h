/*
 * maintainers.h: who may sign what, read from MAINTAINERS.
 *
 * MAINTAINERS keeps Xen's layout (a section title, then "M:", "F:", "S:"
 * lines).  xenstable adds one tag:
 *
 *	G:	<fingerprint> <role> [scope...]
 *
 * a pinned OpenPGP key of the person on the M: line above it.  The
 * fingerprint is 40 hex digits, spaces allowed.  role is one of
 *	release   signs RELEASE tags and release artifacts; scope = branches
 *	          ("4.19 4.20") or "*"
 *	advisory  signs XSA advisories (the security team)
 *	backport  a predisclosure member who signs backport bundles; scope =
 *	          the member's name, matching backports/members/NAME.asc
 */
#ifndef XS_MAINTAINERS_H
#define XS_MAINTAINERS_H

#include "compat.h"
#include "gpg.h"
#include "strvec.h"

enum signer_role {
	ROLE_RELEASE,
	ROLE_ADVISORY,
	ROLE_BACKPORT,
};

struct signer {
	char fpr[GPG_FPR_LEN + 1];
	enum signer_role role;
	char *person;		/* the M: line it belongs to */
	char *section;		/* the section title */
	struct strvec scope;
	char *origin;		/* "MAINTAINERS:42" */
};

struct maintainers {
	struct signer *v;
	size_t nr, alloc;
};

int maintainers_parse(struct maintainers *m, const char *path, const char *text, size_t len);
/* Load path; a missing file is an error unless optional. */
int maintainers_load(struct maintainers *m, const char *path, int optional);
void maintainers_release(struct maintainers *m);

/* Fingerprints pinned for role (and branch or member name, if not NULL). */
void maintainers_trusted(const struct maintainers *m, enum signer_role role,
			 const char *scope, struct strvec *fprs);
/* The signer entry for fpr in role/scope, or NULL. */
const struct signer *maintainers_find(const struct maintainers *m, const char *fpr,
				      enum signer_role role, const char *scope);
const char *signer_role_name(enum signer_role r);

/*
 * The MAINTAINERS files of a maintenance repository: MAINTAINERS itself
 * and, when present, .xenstable/MAINTAINERS.local (keys of this machine
 * only, such as the demo's throwaway keys; never committed).
 */
int maintainers_load_repo(struct maintainers *m, const char *repo_root);

#endif
