/*
 * tui_search.h - the search pattern of the terminal UI (PCRE2).
 *
 * The user's pattern is compiled once, in byte mode, caseless unless it
 * holds an upper-case letter ("smart case", as in less -i), with its own
 * match data and a match context that limits work, so a pathological
 * pattern or a 10 MB line cannot hang the screen.  The knowledge base's
 * patterns and match data (kb.c) are never touched: searching is safe
 * while the reader thread diagnoses records.
 */
#ifndef BOUNCEDOC_TUI_SEARCH_H
#define BOUNCEDOC_TUI_SEARCH_H

#include <stddef.h>

struct tui_search;

/*
 * Compiles pattern.  Returns the search (free with tui_search_free()), or
 * NULL with a message ("missing closing parenthesis at offset 3") in a new
 * string *err, which the caller frees.
 */
struct tui_search *tui_search_new(const char *pattern, char **err);
void		 tui_search_free(struct tui_search *s);
/* The pattern as typed.  Points into s. */
const char	*tui_search_pattern(const struct tui_search *s);
/*
 * Finds the first non-empty match in text[start..len).  Returns 1 and
 * sets *mo (offset into text) and *ml (length), or 0 if none (or the
 * match limits were hit).
 */
int		 tui_search_find(struct tui_search *s, const char *text,
		    size_t len, size_t start, size_t *mo, size_t *ml);

#endif
