/*
 * kb_builtin.h - the help/ files compiled into the program.
 *
 * kb_builtin.c is generated at build time by build-aux/kb2c.awk from every
 * .kb and .txt file under help/, sorted by name.
 */
#ifndef BOUNCEDOC_KB_BUILTIN_H
#define BOUNCEDOC_KB_BUILTIN_H

#include <stddef.h>

struct kb_builtin_file {
	const char	*name;	/* "help/reply-codes.kb" */
	const char	*text;	/* the whole file */
	size_t		 len;
};

extern const struct kb_builtin_file kb_builtin_files[];
extern const size_t kb_builtin_nfiles;

/* Returns the built-in file with this name ("help/keys.txt"), or NULL. */
const struct kb_builtin_file *kb_builtin_find(const char *name);

#endif
