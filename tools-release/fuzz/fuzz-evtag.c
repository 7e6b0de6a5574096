/* The Git-EVTag walk over raw tree objects (a hostile repository can hold
 * any bytes there), and the line read from a tag message. */
#include "fuzz.h"
#include "evtag.h"
#include "strbuf.h"

FUZZ_QUIET()

#define ROOT "0000000000000000000000000000000000000000"

struct store {
	const char *tree;
	size_t len;
};

/* The root tree is the input; a subtree named by an id starting with
 * '0' is the input again (deep or looping trees), '1' an empty tree,
 * anything else a small blob. */
static int get(void *data, const char *oid, struct strbuf *type, struct strbuf *content)
{
	const struct store *s = data;

	strbuf_reset(type);
	strbuf_reset(content);
	if (!strcmp(oid, "cccccccccccccccccccccccccccccccccccccccc")) {
		strbuf_addstr(type, "commit");
		strbuf_addstr(content, "tree " ROOT "\n\nm\n");
	} else if (oid[0] == '0') {
		strbuf_addstr(type, "tree");
		strbuf_add(content, s->tree, s->len);
	} else if (oid[0] == '1') {
		strbuf_addstr(type, "tree");
	} else if (oid[0] == 'f') {
		return 1;	/* missing */
	} else {
		strbuf_addstr(type, "blob");
		strbuf_addstr(content, "x\n");
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char hex[EVTAG_HEX_LEN + 1];
	unsigned pick = fuzz_pick(&data, &size);

	if (pick & 1) {
		int line;
		enum evtag_line r = evtag_find((const char *)data, size, hex, &line);

		if (r == EVTAG_FOUND && strlen(hex) != EVTAG_HEX_LEN)
			__builtin_trap();
		if (r == EVTAG_NONE && (hex[0] || line))
			__builtin_trap();
	} else {
		struct store s = { (const char *)data, size };
		struct evtag_stats st;
		int rc = evtag_walk(get, &s, "cccccccccccccccccccccccccccccccccccccccc", 40, hex, &st);

		if (rc == 0 && strlen(hex) != EVTAG_HEX_LEN)
			__builtin_trap();
		if (rc != 0 && hex[0])
			__builtin_trap();
		evtag_stats_release(&st);
	}
	return 0;
}
