/*
 * cmd/bundle.h: the sub-commands of "xenstable bundle", one file each,
 * and what verify and apply share.  argv[0] is the sub-command's name.
 */
#ifndef XS_CMD_BUNDLE_H
#define XS_CMD_BUNDLE_H

#include "../builtin.h"
#include "../domain/bundle.h"
#include "../domain/bundle-store.h"
#include "../domain/xsa-store.h"

int cmd_bundle_create(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_bundle_verify(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_bundle_apply(int argc, const char **argv, struct xs_ctx *ctx);
int cmd_bundle_list(int argc, const char **argv, struct xs_ctx *ctx);

/* A bundle received: read, verified, and checked against the stores. */
struct bundle_session {
	struct bundle b;
	struct bundle_members members;
	struct bundle_store store;
	struct xsa_store xsa;
	struct gpg_ctx gpg;		/* the user's keyring, to decrypt */
	struct strvec unknown;		/* XSAs the XSA store does not know */
	int64_t date;
	int embargoed;
	unsigned have_members:1, have_store:1, have_xsa:1;
};

/*
 * Take the repository lock, then read and verify file: members' keys,
 * signature, hashes, replay (seen.json), embargo against the XSA store
 * at date.  Nothing is written.  Release s in every case.
 */
int bundle_session_open(struct bundle_session *s, struct xs_ctx *ctx, const char *file,
			int64_t date, const char *what);
void bundle_session_release(struct bundle_session *s);
/* The manifest for people, on stdout. */
void bundle_print(const struct bundle_session *s);

#endif
