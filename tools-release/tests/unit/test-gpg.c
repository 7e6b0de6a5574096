/*
 * Unit tests for lib/gpg.c against the real gpg program, in a private
 * temporary GNUPGHOME with throwaway keys made here.
 */
#include "unit.h"
#include "gpg.h"
#include "fs.h"
#include "run-command.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

static char *home;

static int gpg_cmd(const char *input, struct strbuf *out, ...)
{
	struct child_process c;
	va_list ap;
	const char *a;
	int rc;

	child_init(&c);
	strvec_pushl(&c.args, "gpg", "--batch", "--no-tty", "--homedir", home, NULL);
	va_start(ap, out);
	while ((a = va_arg(ap, const char *)))
		strvec_push(&c.args, a);
	va_end(ap);
	if (input) {
		c.in = CHILD_IN_BUF;
		c.in_buf = input;
		c.in_len = strlen(input);
	}
	rc = run_child(&c);
	if (out)
		strbuf_addbuf(out, &c.out_buf);
	child_release(&c);
	return rc;
}

static void make_key(const char *uid, const char *expire, char fpr[GPG_FPR_LEN + 1])
{
	struct strbuf out = STRBUF_INIT;
	const char *p;

	gpg_cmd(NULL, NULL, "--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign",
		expire, NULL);
	gpg_cmd(NULL, &out, "--with-colons", "--list-keys", uid, NULL);
	p = strstr(out.buf, "\nfpr:");
	fpr[0] = '\0';
	if (p)
		snprintf(fpr, GPG_FPR_LEN + 1, "%.40s", p + 13);
	gpg_cmd(NULL, NULL, "--passphrase", "", "--quick-add-key", fpr, "cv25519", "encr",
		"2y", NULL);
	strbuf_release(&out);
}

int main(void)
{
	struct gpg_ctx g, other;
	struct gpg_sig s;
	struct strbuf sig = STRBUF_INIT, clear = STRBUF_INIT, plain = STRBUF_INIT,
		      enc = STRBUF_INIT, dec = STRBUF_INIT, pub = STRBUF_INIT;
	struct strvec trusted = STRVEC_INIT, to = STRVEC_INIT;
	char alice[GPG_FPR_LEN + 1], mallory[GPG_FPR_LEN + 1];
	struct gpg_key_info info;
	static const char data[] = "SHA256SUMS content\n";

	unit_current = "setup";
	if (!program_exists("gpg")) {
		printf("# gpg missing\n");
		CHECK(!"gpg is installed");
		return unit_done();
	}
	CHECK(!gpg_init_temporary(&g));
	home = g.homedir;
	make_key("Alice Release <alice@example.org>", "1y", alice);
	make_key("Mallory <mallory@example.org>", "1y", mallory);
	CHECK(strlen(alice) == 40 && strlen(mallory) == 40);
	strvec_push(&trusted, alice);

	unit_current = "sign and verify";
	CHECK(!gpg_sign_detached(&g, alice, data, strlen(data), 1, &sig));
	CHECK(strstr(sig.buf, "BEGIN PGP SIGNATURE") != NULL);
	gpg_sig_init(&s);
	CHECK(!gpg_verify_detached(&g, data, strlen(data), sig.buf, sig.len, &s));
	CHECK(s.verdict == GPG_GOOD);
	CHECK_STR(s.primary_fpr, alice);
	CHECK(!gpg_sig_require(&s, &trusted, "data"));
	gpg_sig_release(&s);

	unit_current = "tampered data is a BAD signature";
	gpg_sig_init(&s);
	CHECK(!gpg_verify_detached(&g, "SHA256SUMS c0ntent\n", strlen(data), sig.buf, sig.len, &s));
	CHECK(s.verdict == GPG_BAD);
	CHECK(gpg_sig_require(&s, &trusted, "data") == -XS_INPUT);
	gpg_sig_release(&s);

	unit_current = "a good signature by an unpinned key is refused";
	strbuf_reset(&sig);
	CHECK(!gpg_sign_detached(&g, mallory, data, strlen(data), 1, &sig));
	gpg_sig_init(&s);
	CHECK(!gpg_verify_detached(&g, data, strlen(data), sig.buf, sig.len, &s));
	CHECK(s.verdict == GPG_GOOD);
	CHECK(gpg_sig_require(&s, &trusted, "data") == -XS_INPUT);
	gpg_sig_release(&s);

	unit_current = "a key we do not hold cannot verify";
	CHECK(!gpg_init_temporary(&other));
	gpg_sig_init(&s);
	CHECK(!gpg_verify_detached(&other, data, strlen(data), sig.buf, sig.len, &s));
	CHECK(s.verdict == GPG_NO_KEY);
	gpg_sig_release(&s);

	unit_current = "importing a public key makes it verifiable";
	CHECK(!gpg_export(&g, alice, &pub));
	CHECK(!gpg_import(&other, pub.buf, pub.len, "alice.asc"));
	CHECK(gpg_import(&other, "not a key", 9, "junk.asc") == -XS_INPUT);
	strbuf_reset(&sig);
	CHECK(!gpg_sign_detached(&g, alice, data, strlen(data), 0, &sig));
	gpg_sig_init(&s);
	CHECK(!gpg_verify_detached(&other, data, strlen(data), sig.buf, sig.len, &s));
	CHECK(s.verdict == GPG_GOOD && !gpg_sig_require(&s, &trusted, "data"));
	gpg_sig_release(&s);

	unit_current = "clear-signed text";
	CHECK(!gpg_clearsign(&g, alice, "Xen Security Advisory XSA-999\n- dashed line\n",
			     44, &clear));
	gpg_sig_init(&s);
	CHECK(!gpg_verify_clearsigned(&other, clear.buf, clear.len, &plain, &s));
	CHECK(s.verdict == GPG_GOOD);
	CHECK_STR(plain.buf, "Xen Security Advisory XSA-999\n- dashed line\n");
	gpg_sig_release(&s);
	{
		struct strbuf evil = STRBUF_INIT;

		strbuf_addbuf(&evil, &clear);
		strbuf_addstr(&evil, "\nxsa999.patch  Xen 4.19.x\n");
		strbuf_reset(&plain);
		gpg_sig_init(&s);
		CHECK(gpg_verify_clearsigned(&other, evil.buf, evil.len, &plain, &s) == -XS_INPUT);
		gpg_sig_release(&s);
		strbuf_reset(&evil);
		strbuf_addstr(&evil, "injected\n");
		strbuf_addbuf(&evil, &clear);
		gpg_sig_init(&s);
		CHECK(gpg_verify_clearsigned(&other, evil.buf, evil.len, &plain, &s) == -XS_INPUT);
		gpg_sig_release(&s);
		strbuf_reset(&evil);
		strbuf_addbuf(&evil, &clear);
		strbuf_replace_all(&evil, "XSA-999", "XSA-998");
		gpg_sig_init(&s);
		CHECK(!gpg_verify_clearsigned(&other, evil.buf, evil.len, &plain, &s));
		CHECK(s.verdict == GPG_BAD);
		gpg_sig_release(&s);
		strbuf_release(&evil);
	}

	unit_current = "encrypt to a recipient; others cannot read it";
	strvec_push(&to, alice);
	CHECK(!gpg_encrypt(&g, &to, data, strlen(data), &enc));
	CHECK(!gpg_decrypt(&g, enc.buf, enc.len, &dec, "bundle"));
	CHECK_STR(dec.buf, data);
	strbuf_reset(&dec);
	CHECK(gpg_decrypt(&other, enc.buf, enc.len, &dec, "bundle") == -XS_INPUT);
	CHECK(gpg_decrypt(&g, "garbage", 7, &dec, "junk") == -XS_INPUT);

	unit_current = "key lookup";
	CHECK(!gpg_key_lookup(&g, alice, &info));
	CHECK(info.found && info.has_secret && info.can_sign && !info.expired && !info.revoked);
	gpg_key_info_release(&info);
	CHECK(!gpg_key_lookup(&other, alice, &info));
	CHECK(info.found && !info.has_secret);
	gpg_key_info_release(&info);

	unit_current = "a revoked key";
	{
		struct strbuf out = STRBUF_INIT;
		char *rev = xstrfmt("%s/openpgp-revocs.d/%s.rev", home, mallory);

		strbuf_reset(&sig);
		CHECK(!gpg_sign_detached(&g, mallory, data, strlen(data), 1, &sig));
		CHECK(!read_file(&out, rev, 0));
		/* The stored certificate has its armor line escaped with ':'. */
		strbuf_replace_all(&out, ":-----BEGIN", "-----BEGIN");
		CHECK(gpg_cmd(out.buf, NULL, "--import", NULL) == 0);
		gpg_sig_init(&s);
		CHECK(!gpg_verify_detached(&g, data, strlen(data), sig.buf, sig.len, &s));
		CHECK(s.verdict == GPG_REVOKED_KEY);
		gpg_sig_release(&s);
		CHECK(!gpg_key_lookup(&g, mallory, &info));
		CHECK(info.revoked);
		gpg_key_info_release(&info);
		strbuf_reset(&sig);
		CHECK(gpg_sign_detached(&g, mallory, data, strlen(data), 1, &sig) == -XS_ENV);
		strbuf_release(&out);
		free(rev);
	}

	unit_current = "an expired key";
	{
		struct strbuf out = STRBUF_INIT, esig = STRBUF_INIT;
		char old[GPG_FPR_LEN + 1] = "";
		const char *p;

		gpg_cmd(NULL, NULL, "--faked-system-time", "20200101T000000!", "--passphrase", "",
			"--quick-gen-key", "Old <old@example.org>", "ed25519", "sign", "1d", NULL);
		gpg_cmd(NULL, &out, "--with-colons", "--list-keys", "old@example.org", NULL);
		if ((p = strstr(out.buf, "\nfpr:")))
			snprintf(old, sizeof(old), "%.40s", p + 13);
		CHECK(strlen(old) == 40);
		gpg_cmd(data, &esig, "--faked-system-time", "20200101T120000!", "--armor",
			"--local-user", old, "--detach-sign", NULL);
		CHECK(esig.len > 0);
		gpg_sig_init(&s);
		CHECK(!gpg_verify_detached(&g, data, strlen(data), esig.buf, esig.len, &s));
		CHECK(s.verdict == GPG_EXPIRED_KEY);
		strvec_push(&trusted, old);
		CHECK(gpg_sig_require(&s, &trusted, "data") == -XS_INPUT);
		gpg_sig_release(&s);
		CHECK(!gpg_key_lookup(&g, old, &info));
		CHECK(info.expired);
		gpg_key_info_release(&info);
		strbuf_release(&out);
		strbuf_release(&esig);
	}

	unit_current = "cleanup";
	gpg_release(&other);
	{
		char *h = xstrdup(home);

		gpg_release(&g);
		CHECK(!path_exists(h));
		free(h);
	}
	strbuf_release(&sig);
	strbuf_release(&clear);
	strbuf_release(&plain);
	strbuf_release(&enc);
	strbuf_release(&dec);
	strbuf_release(&pub);
	strvec_clear(&trusted);
	strvec_clear(&to);
	return unit_done();
}
