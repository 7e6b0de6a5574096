#include "compat.h"
#include "hash.h"
#include "usage.h"

#include <ctype.h>
#include <openssl/evp.h>

void sha256_init(struct sha256_ctx *c)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		die("libcrypto: cannot initialise SHA-256");
	c->md = md;
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
	if (len && EVP_DigestUpdate(c->md, data, len) != 1)
		die("libcrypto: SHA-256 update failed");
}

void sha256_final_hex(struct sha256_ctx *c, char hex[SHA256_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (EVP_DigestFinal_ex(c->md, d, &n) != 1 || n != 32)
		die("libcrypto: SHA-256 final failed");
	EVP_MD_CTX_free(c->md);
	c->md = NULL;
	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
}

void sha512_init(struct sha512_ctx *c)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	if (!md || EVP_DigestInit_ex(md, EVP_sha512(), NULL) != 1)
		die("libcrypto: cannot initialise SHA-512");
	c->md = md;
}

void sha512_update(struct sha512_ctx *c, const void *data, size_t len)
{
	if (len && EVP_DigestUpdate(c->md, data, len) != 1)
		die("libcrypto: SHA-512 update failed");
}

void sha512_final_hex(struct sha512_ctx *c, char hex[SHA512_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (EVP_DigestFinal_ex(c->md, d, &n) != 1 || n != 64)
		die("libcrypto: SHA-512 final failed");
	EVP_MD_CTX_free(c->md);
	c->md = NULL;
	for (i = 0; i < 64; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[128] = '\0';
}

void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final_hex(&c, hex);
}

int sha256_file_hex(const char *path, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256_ctx c;
	char buf[65536];
	struct stat st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return error_errno("cannot open '%s'", path);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return error_input("%s: not a regular file", path);
	}
	sha256_init(&c);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int rc = error_errno("cannot read '%s'", path);

			sha256_final_hex(&c, hex);
			close(fd);
			return rc;
		}
		if (!n)
			break;
		sha256_update(&c, buf, (size_t)n);
	}
	close(fd);
	sha256_final_hex(&c, hex);
	return 0;
}

int is_sha256_hex(const char *s)
{
	int i;

	for (i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return 0;
	return s[64] == '\0';
}

int git_object_hash_hex(const char *algo, const char *type, const void *data, size_t len,
			char hex[SHA256_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	const EVP_MD *md = !strcmp(algo, "sha1") ? EVP_sha1() :
		!strcmp(algo, "sha256") ? EVP_sha256() : NULL;
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	char head[64];
	int hl;
	EVP_MD_CTX *c;

	if (!md)
		return -1;
	hl = snprintf(head, sizeof(head), "%s %zu", type, len);
	if (hl < 0 || (size_t)hl >= sizeof(head))
		return -1;
	c = EVP_MD_CTX_new();
	if (!c || EVP_DigestInit_ex(c, md, NULL) != 1 ||
	    EVP_DigestUpdate(c, head, (size_t)hl + 1) != 1 ||
	    (len && EVP_DigestUpdate(c, data, len) != 1) ||
	    EVP_DigestFinal_ex(c, d, &n) != 1)
		die("libcrypto: hashing a git object failed");
	EVP_MD_CTX_free(c);
	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[2 * n] = '\0';
	return 0;
}
