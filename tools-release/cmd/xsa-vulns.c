/*
 * xenstable xsa vulns --format osv|cve5|dyad [-o DIR] [--org-id UUID]
 * [--keyring FILE] [XSA...]: the history of each XSA as OSV, CVE JSON 5
 * or dyad records (domain/xsa-vulns.h), one file per XSA (per CVE for
 * cve5) in DIR, or all on stdout.  A file whose content is unchanged is
 * not rewritten.
 */
#include "xsa-hist.h"
#include "../domain/xsa-vulns.h"
#include "../lib/fs.h"
#include "../lib/parse-options.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"

#include <ctype.h>

static const char *const vulns_usage[] = {
	"xenstable xsa vulns --format osv|cve5|dyad [-o DIR] [--org-id UUID] [--keyring FILE] [XSA...]",
	NULL
};

static int uuid_ok(const char *s)
{
	static const int dash[] = { 8, 13, 18, 23 };
	size_t i, k = 0;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (k < 4 && (int)i == dash[k]) {
			if (s[i] != '-')
				return 0;
			k++;
		} else if (!isxdigit((unsigned char)s[i])) {
			return 0;
		}
	}
	return s[14] == '4' && strchr("89abAB", s[19]);
}

/* Write name in dir unless it already holds exactly text. */
static int put_file(const char *dir, const char *name, const struct strbuf *text, size_t *written)
{
	struct strbuf old = STRBUF_INIT;
	char *path = path_join(dir, name);
	int rc = read_file_if_exists(&old, path, 64 << 20);

	if (rc < 0)
		goto out;
	if (!rc && old.len == text->len && !memcmp(old.buf, text->buf, text->len)) {
		rc = 0;
		goto out;
	}
	rc = write_file_atomic(path, text->buf, text->len, 0644);
	if (!rc)
		(*written)++;
out:
	strbuf_release(&old);
	free(path);
	return rc;
}

int cmd_xsa_vulns(int argc, const char **argv, struct xs_ctx *ctx)
{
	const char *format = NULL, *dir = NULL, *keyring = NULL, *org = NULL;
	struct option opts[] = {
		OPT_STRING_("format", 0, &format, "FMT", "osv, cve5 or dyad"),
		OPT_STRING_("output", 'o', &dir, "DIR", "one file per XSA (per CVE for cve5) in DIR"),
		OPT_STRING_("org-id", 0, &org, "UUID",
			    "the CNA's organisation id in CVE records (default: a placeholder)"),
		OPT_STRING_("keyring", 0, &keyring, "FILE",
			    "trust exactly the keys in FILE for RELEASE tags (instead of MAINTAINERS)"),
		OPT_END_(),
	};
	struct xh_session s;
	int *want = NULL, rc, i;
	size_t nr_want = 0, k, written = 0, records = 0, no_cve = 0;
	enum { OSV, CVE5, DYAD } fmt;

	argc = parse_options(argc, argv, opts, vulns_usage);
	if (argc < 0)
		return PARSE_OPT_EXIT(argc);
	if (!format)
		return error_usage("--format osv, cve5 or dyad is needed");
	if (!strcmp(format, "osv"))
		fmt = OSV;
	else if (!strcmp(format, "cve5"))
		fmt = CVE5;
	else if (!strcmp(format, "dyad"))
		fmt = DYAD;
	else
		return error_usage("unknown --format '%s' (osv, cve5 or dyad)", format);
	if (org && !uuid_ok(org))
		return error_usage("--org-id '%s' is not a version 4 UUID", org);
	for (i = 0; i < argc; i++) {
		int n = xsa_arg_number(argv[i]);

		if (n < 0) {
			free(want);
			return error_usage("'%s' is not an XSA number", argv[i]);
		}
		want = xrealloc(want, (nr_want + 1) * sizeof(*want));
		want[nr_want++] = n;
	}
	if (dir && path_exists(dir) && !is_dir(dir)) {
		free(want);
		return error_usage("%s is not a directory", dir);
	}
	/* -o DIR is made when missing (its parents too) */
	if (dir && !path_exists(dir) && mkdir_p(dir, 0755)) {
		free(want);
		error_errno("cannot create %s", dir);
		return -XS_ENV;
	}
	rc = xh_session_open(ctx, &s, keyring);
	if (rc)
		goto out;
	if (!nr_want) {
		/* every XSA the history or the store knows */
		for (k = 0; k < s.h.nr_xsas; k++) {
			want = xrealloc(want, (nr_want + 1) * sizeof(*want));
			want[nr_want++] = s.h.xsas[k];
		}
		for (k = 0; k < s.h.nr_adv; k++) {
			size_t j;

			for (j = 0; j < nr_want && want[j] != s.h.adv[k].xsa; j++)
				;
			if (j < nr_want)
				continue;
			want = xrealloc(want, (nr_want + 1) * sizeof(*want));
			want[nr_want++] = s.h.adv[k].xsa;
		}
	} else {
		for (k = 0; k < nr_want; k++)
			if (!xsa_vulns_known(&s.h, want[k])) {
				rc = error_input("XSA-%d: neither the history of %s nor the store "
						 "says anything about it%s", want[k], s.source,
						 xh_xsa_is_xen(&s.h, want[k]) ? "" :
						 " (its advisory is not for Xen)");
				goto out;
			}
	}
	if (fmt == CVE5) {
		uint32_t *all = NULL;
		size_t nall = 0;

		for (k = 0; k < nr_want; k++) {
			uint32_t *c;
			size_t n;

			xsa_vulns_fix_commits(&s.h, want[k], &c, &n);
			all = xrealloc(all, (nall + n + 1) * sizeof(*all));
			memcpy(all + nall, c, n * sizeof(*c));
			nall += n;
			free(c);
		}
		rc = xsa_history_files(&s.h, all, nall);
		free(all);
		if (rc)
			goto out;
	}
	for (k = 0; k < nr_want && !rc; k++) {
		struct strbuf text = STRBUF_INIT;
		char name[64];
		int x = want[k];

		if (!xsa_vulns_known(&s.h, x))
			continue;
		if (fmt == OSV) {
			xsa_vulns_osv(&s.h, x, &text);
			snprintf(name, sizeof(name), "XSA-%d.json", x);
			records++;
			rc = dir ? put_file(dir, name, &text, &written)
				 : (fwrite(text.buf, 1, text.len, stdout), 0);
		} else if (fmt == DYAD) {
			xsa_vulns_dyad(&s.h, x, &text);
			snprintf(name, sizeof(name), "XSA-%d.dyad", x);
			records++;
			if (dir) {
				rc = put_file(dir, name, &text, &written);
			} else {
				if (nr_want > 1)
					printf("# XSA-%d\n", x);
				fwrite(text.buf, 1, text.len, stdout);
			}
		} else {
			struct strvec cves = STRVEC_INIT;
			size_t j;

			xsa_vulns_cves(&s.h, x, &cves);
			if (!cves.nr)
				no_cve++;
			for (j = 0; j < cves.nr && !rc; j++) {
				strbuf_reset(&text);
				xsa_vulns_cve5(&s.h, x, cves.v[j], org ? org : XSA_VULNS_NO_ORG, &text);
				snprintf(name, sizeof(name), "%s.json", cves.v[j]);
				records++;
				rc = dir ? put_file(dir, name, &text, &written)
					 : (fwrite(text.buf, 1, text.len, stdout), 0);
			}
			strvec_clear(&cves);
		}
		strbuf_release(&text);
	}
	if (!rc && dir)
		say("%zu records, %zu written to %s", records, written, dir);
	if (!rc && no_cve)
		say("%zu XSAs name no CVE: no CVE record for them", no_cve);
out:
	xh_session_close(&s);
	free(want);
	return rc;
}
