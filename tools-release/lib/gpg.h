/*
 * gpg.h: OpenPGP through the gpg program, judged by its status lines.
 *
 * Every call runs gpg with --status-file pointing into a private temporary
 * directory and decides only from the "[GNUPG:] KEYWORD ..." lines written
 * there (VALIDSIG, SIG_CREATED, DECRYPTION_OKAY, ...), never from gpg's
 * exit code alone or from its human-readable messages.
 *
 * Trust is a list of pinned primary-key fingerprints: a signature counts
 * only when gpg reports VALIDSIG and the primary fingerprint in that line
 * is one of them.
 */
#ifndef XS_GPG_H
#define XS_GPG_H

#include "compat.h"
#include "strbuf.h"
#include "strvec.h"

#define GPG_FPR_LEN 40

struct gpg_ctx {
	char *homedir;		/* --homedir, or NULL for the user's */
	int temporary;		/* homedir is ours to remove */
	/* When set, signatures are made as at this time (seconds since the
	 * epoch) instead of now, so that the same data signed by the same key
	 * gives the same bytes (EdDSA and RSA signatures are deterministic). */
	long long sig_time;
};

/* Use the given homedir (NULL: $GNUPGHOME or ~/.gnupg). */
void gpg_init(struct gpg_ctx *g, const char *homedir);
/* A fresh private homedir holding only keys imported into it. */
int gpg_init_temporary(struct gpg_ctx *g);
void gpg_release(struct gpg_ctx *g);
/*
 * Is the user's keyring there (no homedir given: $GNUPGHOME, else
 * ~/.gnupg)?  An unset HOME, a missing directory or a file in its place
 * is an environment fault (-XS_ENV, said why); every gpg run checks.
 */
int gpg_check_home(const struct gpg_ctx *g);
/* Import armored or binary keys; origin names them in errors. */
int gpg_import(struct gpg_ctx *g, const void *keys, size_t len, const char *origin);
int gpg_import_file(struct gpg_ctx *g, const char *path);
/* Export public key(s) armored. */
int gpg_export(struct gpg_ctx *g, const char *fpr, struct strbuf *out);

enum gpg_verdict {
	GPG_NO_SIGNATURE = 0,
	GPG_GOOD,		/* VALIDSIG seen, nothing wrong */
	GPG_BAD,		/* BADSIG: the content does not match */
	GPG_NO_KEY,		/* ERRSIG/NO_PUBKEY: cannot check */
	GPG_EXPIRED_KEY,	/* EXPKEYSIG */
	GPG_REVOKED_KEY,	/* REVKEYSIG */
	GPG_EXPIRED_SIG,	/* EXPSIG */
	GPG_ERROR,		/* anything else, e.g. several signatures */
};

struct gpg_sig {
	enum gpg_verdict verdict;
	char fpr[GPG_FPR_LEN + 1];		/* key that made the signature */
	char primary_fpr[GPG_FPR_LEN + 1];	/* its primary key */
	char keyid[17];
	char *uid;
	long long sig_time;
	int nsigs;
	struct strbuf status;	/* the raw status lines */
	/* Set by the caller (after gpg_sig_init()) when what is verified is a
	 * RELEASE tag: GPG_SHA1_TRUSTED_UNTIL (see below); 0, SHA-1 never. */
	long long sha1_until;
};
void gpg_sig_init(struct gpg_sig *s);
void gpg_sig_release(struct gpg_sig *s);

/* Parse status-file text into s (exposed for tests and fuzzing).  A
 * signature over an MD5 or SHA-1 digest is never good. */
void gpg_parse_verify_status(const char *text, size_t len, struct gpg_sig *s);

/*
 * The same, except that a SHA-1 signature made before sha1_until (a Unix
 * time) can be good.  Only for data its signer alone wrote, such as a
 * release tag: forging such a signature through a SHA-1 collision needs
 * the signer to have signed the attacker's colliding text at the time,
 * which nobody could make before collisions were practical, and the time
 * is part of what is signed.  MD5 is never good.
 */
#define GPG_SHA1_TRUSTED_UNTIL 1577836800	/* 2020-01-01T00:00:00Z */
void gpg_parse_verify_status_sha1_until(const char *text, size_t len, struct gpg_sig *s,
					long long sha1_until);

/* Verify a detached signature over data.  Returns 0 when gpg ran (see
 * s->verdict), <0 when it could not. */
int gpg_verify_detached(struct gpg_ctx *g, const void *data, size_t len,
			const void *sig, size_t siglen, struct gpg_sig *s);
/* Verify a clear-signed text; plain receives exactly the signed content. */
int gpg_verify_clearsigned(struct gpg_ctx *g, const void *text, size_t len,
			   struct strbuf *plain, struct gpg_sig *s);
/* Verify a signed git tag or commit object body split as git does. */

/*
 * Accept s only if good and made by one of the trusted primary
 * fingerprints.  what names the thing signed in the error; returns 0 or
 * -XS_INPUT with a message that says exactly why not.
 */
int gpg_sig_require(const struct gpg_sig *s, const struct strvec *trusted,
		    const char *what);

/* Sign; fail unless gpg reports SIG_CREATED by key (primary or subkey). */
int gpg_sign_detached(struct gpg_ctx *g, const char *key, const void *data,
		      size_t len, int armor, struct strbuf *sig);
int gpg_clearsign(struct gpg_ctx *g, const char *key, const void *text,
		  size_t len, struct strbuf *out);

/* Encrypt to recipients (fingerprints); binary OpenPGP message. */
int gpg_encrypt(struct gpg_ctx *g, const struct strvec *recipients,
		const void *data, size_t len, struct strbuf *out);
/* Decrypt; -XS_INPUT with a clear reason when it is not for us. */
int gpg_decrypt(struct gpg_ctx *g, const void *data, size_t len,
		struct strbuf *out, const char *origin);
/* The same, refusing (-XS_INPUT) a plaintext over max bytes; at max+1
 * bytes gpg is killed and nothing more is read (a compressed-packet bomb). */
int gpg_decrypt_limited(struct gpg_ctx *g, const void *data, size_t len,
			struct strbuf *out, const char *origin, size_t max);

struct gpg_key_info {
	char fpr[GPG_FPR_LEN + 1];
	int found;
	int has_secret;
	int can_sign;
	int expired;
	int revoked;
	long long created;	/* the newest creation time of the key and its subkeys */
	char *uid;
};
/* Look a key up by fingerprint (exact). */
int gpg_key_lookup(struct gpg_ctx *g, const char *fpr, struct gpg_key_info *info);
void gpg_key_info_release(struct gpg_key_info *info);

/* Normalise "23E3 222C ..." to 40 uppercase hex; 0 on success. */
int gpg_normalize_fpr(const char *in, char out[GPG_FPR_LEN + 1]);
/* "23E3 222C 145F ..." grouped for people to compare. */
void gpg_format_fpr(const char *fpr, struct strbuf *out);

#endif
