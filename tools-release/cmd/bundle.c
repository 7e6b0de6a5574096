/*
 * xenstable bundle: predisclosure backport bundles (backports/FORMAT.md).
 * This file dispatches and holds what verify and apply share.
 */
#include "bundle.h"
#include "../lib/date.h"
#include "../lib/escape.h"
#include "../lib/usage.h"
#include "../lib/xalloc.h"
#include "../lib/suggest.h"

static const struct {
	const char *name;
	cmd_fn fn;
	const char *summary;
} bundle_cmds[] = {
	{ "create", cmd_bundle_create, "make a signed (and encrypted) bundle of backports" },
	{ "verify", cmd_bundle_verify, "check a bundle: signature, hashes, replay, embargo" },
	{ "apply", cmd_bundle_apply, "verify, then apply a bundle (embargo ref while embargoed)" },
	{ "list", cmd_bundle_list, "the bundles kept here; superseded revisions marked" },
};

static void bundle_usage(FILE *f)
{
	size_t i;

	fputs("usage: xenstable bundle SUBCOMMAND [ARGS]\n\nsubcommands:\n", f);
	for (i = 0; i < ARRAY_SIZE(bundle_cmds); i++)
		fprintf(f, "    %-8s %s\n", bundle_cmds[i].name, bundle_cmds[i].summary);
	fputs("\nRun 'xenstable bundle SUBCOMMAND --help' for its options.\n", f);
}

int cmd_bundle(int argc, const char **argv, struct xs_ctx *ctx)
{
	size_t i;

	if (argc < 2) {
		bundle_usage(stderr);
		return -XS_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		bundle_usage(stdout);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(bundle_cmds); i++)
		if (!strcmp(argv[1], bundle_cmds[i].name))
			return bundle_cmds[i].fn(argc - 1, argv + 1, ctx);
	bundle_usage(stderr);
	{
		const char *names[ARRAY_SIZE(bundle_cmds) + 1];
		const char *near;

		for (i = 0; i < ARRAY_SIZE(bundle_cmds); i++)
			names[i] = bundle_cmds[i].name;
		names[i] = NULL;
		near = suggest_closest(argv[1], names);
		if (near)
			return error_usage("'%s' is not a bundle subcommand; did you mean '%s'?",
					   argv[1], near);
	}
	return error_usage("'%s' is not a bundle subcommand", argv[1]);
}

int bundle_session_open(struct bundle_session *s, struct xs_ctx *ctx, const char *file,
			int64_t date, const char *what)
{
	int rc;

	memset(s, 0, sizeof(*s));
	bundle_init(&s->b);
	strvec_init(&s->unknown);
	gpg_init(&s->gpg, NULL);
	s->date = date;
	rc = ctx_lock(ctx, what);
	if (rc)
		return rc;
	rc = bundle_members_load(&s->members, ctx->repo);
	s->have_members = 1;
	if (!rc)
		rc = bundle_read(&s->b, file, &s->gpg);
	if (!rc)
		rc = bundle_verify(&s->b, &s->members);
	if (rc)
		return rc;
	rc = bundle_store_load(&s->store, ctx->repo);
	s->have_store = !rc;
	/* The replay guard also from the kept, signed files, not seen.json alone. */
	if (!rc)
		rc = bundle_store_reconcile(&s->store, &s->members, &s->gpg);
	if (!rc)
		rc = bundle_store_check(&s->store, &s->b);
	if (rc)
		return rc;
	rc = xsa_store_load(&s->xsa, ctx->repo);
	s->have_xsa = !rc;
	if (rc)
		return rc;
	rc = bundle_embargo_state(&s->b, &s->xsa, date, &s->unknown);
	if (rc < 0)
		return rc;
	s->embargoed = rc;
	return 0;
}

void bundle_session_release(struct bundle_session *s)
{
	bundle_release(&s->b);
	if (s->have_members)
		bundle_members_release(&s->members);
	if (s->have_store)
		bundle_store_release(&s->store);
	if (s->have_xsa)
		xsa_store_release(&s->xsa);
	gpg_release(&s->gpg);
	strvec_clear(&s->unknown);
}

void bundle_print(const struct bundle_session *s)
{
	const struct bundle_manifest *m = &s->b.m;
	struct strbuf f = STRBUF_INIT;
	char d[32];
	size_t i;

	printf("bundle    %s%s\n", s->b.origin, s->b.encrypted ? " (encrypted; decrypted here)" : "");
	printf("id        %s revision %ld (format %d)\n", m->id, m->revision, m->format_version);
	gpg_format_fpr(m->fingerprint, &f);
	printf("producer  %s, key %s\n", m->producer, f.buf);
	printf("          good signature%s%s\n", s->b.signer_uid ? " by " : "",
	       s->b.signer_uid ? s->b.signer_uid : "");
	date_format_short(m->created, d);
	printf("created   %s UTC\n", d);
	printf("branch    %s, base %s (commit %.12s)\n", m->branch, m->base_ref, m->base_commit);
	if (m->embargo_until) {
		char now[32];

		date_format_short(m->embargo_until, d);
		date_format_short(s->date, now);
		printf("embargo   until %s UTC: %s on %s UTC\n", d,
		       s->embargoed ? "embargoed" : "over", now);
	} else {
		printf("embargo   none (public)\n");
	}
	printf("XSAs     ");
	for (i = 0; i < m->nr_xsas; i++)
		printf(" XSA-%d", m->xsas[i]);
	for (i = 0; i < m->cves.nr; i++)
		printf("%s%s", i ? " " : " (", m->cves.v[i]);
	printf("%s\n", m->cves.nr ? ")" : "");
	for (i = 0; i < s->unknown.nr; i++)
		printf("          %s is not in the XSA store: its public time is unknown here\n",
		       s->unknown.v[i]);
	printf("tested    applied cleanly: %s; built: %s; booted: %s\n",
	       m->tested_applied ? "yes" : "no", m->tested_built ? "yes" : "no",
	       m->tested_booted ? "yes" : "no");
	printf("files     %zu, in apply order:\n", m->nr_files);
	for (i = 0; i < m->nr_files; i++) {
		const struct bundle_file *bf = &m->files[i];

		printf("  %-12s XSA-%-5d %s\n", bundle_role_name(bf->role), bf->xsa,
		       text_safe(bf->name));
		printf("               %s\n", text_safe(bf->subject));
		printf("               sha256 %s ok%s%.12s\n", bf->sha256,
		       bf->upstream ? ", upstream " : "", bf->upstream ? bf->upstream : "");
	}
	for (i = 0; i < m->extensions.nr; i++)
		printf("note      ignored extension field %s\n", m->extensions.v[i]);
	strbuf_release(&f);
}
