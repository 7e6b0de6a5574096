#include "compat.h"
#include "support.h"
#include "branch.h"
#include "date.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>

static const char *const block_fields[] = {
	"Xen-Version", "Initial-Release", "Supported-Until", "Security-Support-Until"
};

void support_block_release(struct support_block *b)
{
	free(b->xen_version);
	free(b->initial_release);
	free(b->supported_until);
	free(b->security_support_until);
	memset(b, 0, sizeof(*b));
}

static char **block_slot(struct support_block *b, int i)
{
	switch (i) {
	case 0: return &b->xen_version;
	case 1: return &b->initial_release;
	case 2: return &b->supported_until;
	default: return &b->security_support_until;
	}
}

/* "    Field: value" -> field index and value span, or -1. */
static int block_line(const char *line, size_t n, const char **val, size_t *vlen)
{
	size_t i = 0, j;
	int f;

	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == 0)
		return -1;
	for (f = 0; f < 4; f++) {
		size_t fl = strlen(block_fields[f]);

		if (n - i > fl && !strncasecmp(line + i, block_fields[f], fl) &&
		    line[i + fl] == ':') {
			j = i + fl + 1;
			while (j < n && (line[j] == ' ' || line[j] == '\t'))
				j++;
			*val = line + j;
			*vlen = n - j;
			while (*vlen && isspace((unsigned char)(*val)[*vlen - 1]))
				(*vlen)--;
			return f;
		}
	}
	return -1;
}

int support_parse_block(const char *text, size_t len, const char *origin,
			struct support_block *b)
{
	size_t pos = 0, n, vlen;
	const char *line, *val;
	int lineno = 0, found = 0, f;

	memset(b, 0, sizeof(*b));
	while (next_line(text, len, &pos, &line, &n)) {
		lineno++;
		f = block_line(line, n, &val, &vlen);
		if (f < 0) {
			if (found)
				break;	/* the block ended */
			continue;
		}
		if (!found)
			b->line = lineno;
		found = 1;
		if (*block_slot(b, f))
			return error_input("%s:%d: %s given twice", origin, lineno,
					   block_fields[f]);
		*block_slot(b, f) = xmemdupz(val, vlen);
	}
	for (f = 0; f < 4; f++)
		if (!*block_slot(b, f)) {
			int rc = error_input("%s: no '%s:' line in the release support block",
					     origin, block_fields[f]);

			support_block_release(b);
			return rc;
		}
	return 0;
}

int support_set_block(struct strbuf *text, const char *origin,
		      const struct support_block *b)
{
	struct strbuf out = STRBUF_INIT;
	struct support_block copy = *b;
	size_t pos = 0, n, vlen;
	const char *line, *val;
	int seen = 0, f;

	while (next_line(text->buf, text->len, &pos, &line, &n)) {
		f = block_line(line, n, &val, &vlen);
		if (f >= 0 && !(seen & (1 << f))) {
			strbuf_add(&out, line, (size_t)(val - line));
			strbuf_addstr(&out, *block_slot(&copy, f));
			seen |= 1 << f;
		} else {
			strbuf_add(&out, line, n);
		}
		if (pos < text->len || (text->len && text->buf[text->len - 1] == '\n'))
			strbuf_addch(&out, '\n');
	}
	if (seen != 15) {
		strbuf_release(&out);
		return error_input("%s: the release support block is incomplete", origin);
	}
	strbuf_release(text);
	*text = out;
	return 0;
}

void support_table(const struct branch_set *bs, struct strbuf *out)
{
	size_t i;

	strbuf_addstr(out, "| branch | ref | initial release | supported until | "
		      "security support until | release cadence |\n");
	strbuf_addstr(out, "|---|---|---|---|---|---|\n");
	for (i = bs->nr; i--; ) {
		const struct branch *b = &bs->v[i];
		char d1[11], d2[11], d3[11];

		date_format_day(b->initial_release, d1);
		date_format_day(b->supported_until, d2);
		date_format_day(b->security_until, d3);
		strbuf_addf(out, "| %s | `%s` | %s | %s | %s | %s |\n", b->name, b->ref,
			    d1, d2, d3, b->cadence);
	}
}

int support_update_doc(struct strbuf *text, const char *origin,
		       const struct branch_set *bs)
{
	struct strbuf table = STRBUF_INIT, out = STRBUF_INIT;
	const char *begin = strstr(text->buf, SUPPORT_TABLE_BEGIN);
	const char *end = begin ? strstr(begin, SUPPORT_TABLE_END) : NULL;
	size_t head, tail;
	int changed;

	if (!begin || !end)
		return error_input("%s: the generated-table markers are missing (%s ... %s)",
				   origin, SUPPORT_TABLE_BEGIN, SUPPORT_TABLE_END);
	support_table(bs, &table);
	head = (size_t)(begin - text->buf) + strlen(SUPPORT_TABLE_BEGIN);
	tail = (size_t)(end - text->buf);
	strbuf_add(&out, text->buf, head);
	strbuf_addch(&out, '\n');
	strbuf_addbuf(&out, &table);
	strbuf_add(&out, text->buf + tail, text->len - tail);
	changed = out.len != text->len || memcmp(out.buf, text->buf, out.len);
	strbuf_release(text);
	*text = out;
	strbuf_release(&table);
	return changed;
}
