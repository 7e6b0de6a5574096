/*
 * cfgfile.h: files in git-config syntax, read with line numbers.
 *
 *	# comment
 *	[branch]
 *		version = 4.19
 *	[companion "qemu-xen"]
 *		mirror = /srv/mirror/qemu-xen.git
 *
 * Section and key names are case-insensitive (stored in lowercase);
 * subsection names are case-sensitive.  Values follow git's rules: blanks
 * around are dropped, double quotes keep them, \" \\ \n \t are escapes, an
 * unquoted # or ; starts a comment, a final backslash continues the line.
 * Every entry remembers its line so errors can name file and line.
 */
#ifndef XS_CFGFILE_H
#define XS_CFGFILE_H

#include "compat.h"
#include "strbuf.h"

struct cfg_entry {
	char *section;
	char *subsection;	/* NULL when absent */
	char *key;
	char *value;		/* NULL for a bare "key" (boolean true) */
	int line;
};

struct cfg_file {
	char *path;
	struct cfg_entry *e;
	size_t nr, alloc;
};

void cfg_init(struct cfg_file *cf);
void cfg_release(struct cfg_file *cf);
/* Parse text; errors are "path:line: ..." with -XS_INPUT. */
int cfg_parse(struct cfg_file *cf, const char *path, const char *text, size_t len);
int cfg_load(struct cfg_file *cf, const char *path);
/* Last entry for section/subsection/key (subsection NULL matches none). */
const struct cfg_entry *cfg_find(const struct cfg_file *cf, const char *section,
				 const char *subsection, const char *key);
/* Parse a boolean value; -1 if it is not one. */
int cfg_bool(const struct cfg_entry *e);

/*
 * Set section.key = value in config text, keeping everything else (comments
 * included): replace the last existing line for the key, or add it at the
 * end of the section, or add the section.  Subsections are not supported.
 */
void cfg_text_set(struct strbuf *text, const char *section, const char *key,
		  const char *value);

#endif
