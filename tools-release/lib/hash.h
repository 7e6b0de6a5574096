/*
 * hash.h: SHA-256 from OpenSSL's libcrypto (never a hand-written one).
 * Digests are handled as 64-character lowercase hex strings.  SHA-1 is
 * here only to name git objects in SHA-1 repositories.
 */
#ifndef XS_HASH_H
#define XS_HASH_H

#include "compat.h"

#define SHA256_HEX_LEN 64

struct sha256_ctx {
	void *md;	/* EVP_MD_CTX */
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
/* Writes 64 hex digits and a NUL into hex; releases the context. */
void sha256_final_hex(struct sha256_ctx *c, char hex[SHA256_HEX_LEN + 1]);

void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1]);
/* Hash a file (not following a final symlink).  Reports errors. */
int sha256_file_hex(const char *path, char hex[SHA256_HEX_LEN + 1]);
int is_sha256_hex(const char *s);

/* SHA-512 (git-evtag's checksum), as 128 lowercase hex digits. */
#define SHA512_HEX_LEN 128
struct sha512_ctx {
	void *md;	/* EVP_MD_CTX */
};
void sha512_init(struct sha512_ctx *c);
void sha512_update(struct sha512_ctx *c, const void *data, size_t len);
/* Writes 128 hex digits and a NUL into hex; releases the context. */
void sha512_final_hex(struct sha512_ctx *c, char hex[SHA512_HEX_LEN + 1]);

/*
 * The id git gives an object: the digest of "<type> <len>\0" and data,
 * with the repository's algorithm, "sha1" (40 hex digits) or "sha256"
 * (64).  Returns 0, or -1 for another algorithm.
 */
int git_object_hash_hex(const char *algo, const char *type, const void *data, size_t len,
			char hex[SHA256_HEX_LEN + 1]);

#endif
