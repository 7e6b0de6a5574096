#include "compat.h"
#include "evtag.h"
#include "strbuf.h"
#include "usage.h"
#include "xalloc.h"

#include <ctype.h>

/* Deeper trees are refused (git's own core.maxTreeDepth is 2048). */
#define EVTAG_MAX_DEPTH 2048

struct walk {
	evtag_get_fn get;
	void *data;
	size_t hexsz;
	struct sha512_ctx sha;
	struct evtag_stats *st;
	struct strbuf type;
	int depth;
};

void evtag_stats_release(struct evtag_stats *st)
{
	free(st->submodule);
	memset(st, 0, sizeof(*st));
}

/* Hash "<type> <size>\0<content>" of oid; the content stays in content. */
static int hash_object(struct walk *w, const char *oid, const char *want,
		       struct strbuf *content)
{
	char head[64];
	int hl, rc = w->get(w->data, oid, &w->type, content);

	if (rc == 1)
		return error_env("object %s is missing from the repository", oid);
	if (rc)
		return rc;
	if (strcmp(w->type.buf, want))
		return error_env("object %s is a %s, not a %s", oid, w->type.buf, want);
	hl = snprintf(head, sizeof(head), "%s %zu", want, content->len);
	if (hl < 0 || (size_t)hl >= sizeof(head))
		BUG("object header too long");
	sha512_update(&w->sha, head, (size_t)hl + 1);	/* with its NUL */
	sha512_update(&w->sha, content->buf, content->len);
	if (!strcmp(want, "blob")) {
		w->st->blobs++;
		w->st->blob_bytes += (uint64_t)hl + 1 + content->len;
	} else if (!strcmp(want, "tree")) {
		w->st->trees++;
		w->st->tree_bytes += (uint64_t)hl + 1 + content->len;
	} else {
		w->st->commits++;
		w->st->commit_bytes += (uint64_t)hl + 1 + content->len;
	}
	return 0;
}

static void oid_to_hex(const unsigned char *raw, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[raw[i] >> 4];
		hex[2 * i + 1] = digits[raw[i] & 15];
	}
	hex[2 * n] = '\0';
}

/*
 * The tree oid (already known to be a tree by its entry's mode), then its
 * entries in stored order.  path is the tree's path, for the submodule
 * message.  Returns 0, 1 (a submodule) or <0.
 */
static int walk_tree(struct walk *w, const char *oid, const char *path)
{
	struct strbuf tree = STRBUF_INIT;
	size_t pos = 0, rawsz = w->hexsz / 2;
	int rc;

	if (++w->depth > EVTAG_MAX_DEPTH) {
		rc = error_env("tree %s is nested more than %d levels deep", oid, EVTAG_MAX_DEPTH);
		goto out;
	}
	rc = hash_object(w, oid, "tree", &tree);
	while (!rc && pos < tree.len) {
		const char *start = tree.buf + pos;
		const char *sp = memchr(start, ' ', tree.len - pos);
		const char *name = sp ? sp + 1 : NULL;
		const char *nul = name ? memchr(name, '\0', tree.len - (size_t)(name - tree.buf)) : NULL;
		char child[GIT_MAX_HEXSZ + 1];
		unsigned long mode = 0;
		const char *m;
		char *sub;

		if (!sp || !nul || sp == start ||
		    (size_t)(tree.buf + tree.len - (nul + 1)) < rawsz) {
			rc = error_env("tree %s is malformed at byte %zu", oid, pos);
			break;
		}
		for (m = start; m < sp; m++) {
			if (*m < '0' || *m > '7' || mode > 0777777) {
				mode = ~0UL;
				break;
			}
			mode = mode * 8 + (unsigned long)(*m - '0');
		}
		oid_to_hex((const unsigned char *)nul + 1, rawsz, child);
		pos = (size_t)(nul + 1 - tree.buf) + rawsz;
		sub = *path ? xstrfmt("%s/%.*s", path, (int)(nul - name), name) :
			      xstrfmt("%.*s", (int)(nul - name), name);
		switch (mode & 0170000) {
		case 0040000:
			rc = walk_tree(w, child, sub);
			break;
		case 0100000:
		case 0120000: {
			struct strbuf blob = STRBUF_INIT;

			rc = hash_object(w, child, "blob", &blob);
			strbuf_release(&blob);
			break;
		}
		case 0160000:
			/* The submodule's objects are in its own repository. */
			if (!w->st->submodule)
				w->st->submodule = xstrdup(sub);
			rc = 1;
			break;
		default:
			rc = error_env("tree %s: entry '%s' has an unknown mode %.*s", oid, sub,
				       (int)(sp - start), start);
			break;
		}
		free(sub);
	}
out:
	w->depth--;
	strbuf_release(&tree);
	return rc;
}

int evtag_walk(evtag_get_fn get, void *data, const char *commit, size_t hexsz,
	       char hex[EVTAG_HEX_LEN + 1], struct evtag_stats *st)
{
	struct strbuf c = STRBUF_INIT;
	struct walk w;
	char tree[GIT_MAX_HEXSZ + 1];
	int rc;

	memset(st, 0, sizeof(*st));
	memset(&w, 0, sizeof(w));
	hex[0] = '\0';
	if (hexsz != 40 && hexsz != 64)
		return error_env("object ids of %zu hex digits are neither SHA-1 nor SHA-256", hexsz);
	w.get = get;
	w.data = data;
	w.hexsz = hexsz;
	w.st = st;
	strbuf_init(&w.type, 0);
	sha512_init(&w.sha);
	rc = hash_object(&w, commit, "commit", &c);
	/* A commit starts with "tree <oid>\n". */
	if (!rc && (c.len < 5 + hexsz + 1 || memcmp(c.buf, "tree ", 5) ||
		    c.buf[5 + hexsz] != '\n'))
		rc = error_env("commit %s does not start with its tree", commit);
	if (!rc) {
		size_t i;

		memcpy(tree, c.buf + 5, hexsz);
		tree[hexsz] = '\0';
		for (i = 0; i < hexsz; i++)
			if (!isxdigit((unsigned char)tree[i]) || isupper((unsigned char)tree[i]))
				rc = error_env("commit %s names a malformed tree", commit);
	}
	if (!rc)
		rc = walk_tree(&w, tree, "");
	sha512_final_hex(&w.sha, hex);
	if (rc)
		hex[0] = '\0';
	strbuf_release(&w.type);
	strbuf_release(&c);
	return rc;
}

static int batch_get(void *data, const char *oid, struct strbuf *type, struct strbuf *content)
{
	return git_batch_get(data, oid, type, content);
}

int evtag_compute(const struct git_repo *r, const char *commit,
		  char hex[EVTAG_HEX_LEN + 1], struct evtag_stats *st)
{
	struct git_batch b;
	size_t n = strlen(commit);
	int rc;

	memset(st, 0, sizeof(*st));
	hex[0] = '\0';
	if (!is_oid_hex(commit))
		return error_env("'%s' is not a full object id", commit);
	rc = git_batch_start(&b, r);
	if (rc)
		return rc;
	rc = evtag_walk(batch_get, &b, commit, n, hex, st);
	git_batch_stop(&b);
	return rc;
}

enum evtag_line evtag_find(const char *msg, size_t len, char hex[EVTAG_HEX_LEN + 1],
			   int *line)
{
	size_t pos = 0, plen = strlen(EVTAG_PREFIX);
	enum evtag_line res = EVTAG_NONE;
	int lineno = 0;

	hex[0] = '\0';
	*line = 0;
	while (pos < len) {
		const char *l = msg + pos, *nl = memchr(l, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - l) : len - pos, i, e;

		pos += n + (nl ? 1 : 0);
		lineno++;
		if (n < plen || memcmp(l, EVTAG_PREFIX, plen))
			continue;
		i = plen;
		while (i < n && (l[i] == ' ' || l[i] == '\t'))
			i++;
		e = n;
		while (e > i && isspace((unsigned char)l[e - 1]))
			e--;
		if (e - i != EVTAG_HEX_LEN) {
			if (!*line)
				*line = lineno;
			return EVTAG_MALFORMED;
		}
		{
			size_t k;

			for (k = i; k < e; k++)
				if (!isdigit((unsigned char)l[k]) && (l[k] < 'a' || l[k] > 'f')) {
					if (!*line)
						*line = lineno;
					return EVTAG_MALFORMED;
				}
		}
		if (res == EVTAG_FOUND) {
			if (memcmp(hex, l + i, EVTAG_HEX_LEN))
				return EVTAG_CONFLICT;
			continue;
		}
		memcpy(hex, l + i, EVTAG_HEX_LEN);
		hex[EVTAG_HEX_LEN] = '\0';
		*line = lineno;
		res = EVTAG_FOUND;
	}
	return res;
}

void evtag_append_line(struct strbuf *msg, const char *hex)
{
	if (msg->len && msg->buf[msg->len - 1] != '\n')
		strbuf_addch(msg, '\n');
	strbuf_addf(msg, "\n%s %s\n", EVTAG_PREFIX, hex);
}

int evtag_tag_line(const struct git_repo *r, const char *commit, struct strbuf *msg)
{
	char hex[EVTAG_HEX_LEN + 1];
	struct evtag_stats st;
	int rc = evtag_compute(r, commit, hex, &st);

	if (rc == 1)
		rc = error_env("commit %.12s has a submodule (%s): its Git-EVTag checksum needs "
			       "the submodule's objects, which are not in this repository",
			       commit, st.submodule);
	if (!rc)
		evtag_append_line(msg, hex);
	evtag_stats_release(&st);
	return rc;
}
