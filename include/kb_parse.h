/*
 * kb_parse.h - read knowledge-base stanzas into articles (kb_parse.c).
 */
#ifndef BOUNCEDOC_KB_PARSE_H
#define BOUNCEDOC_KB_PARSE_H

#include <stddef.h>

#include "diag.h"
#include "kb.h"

/*
 * Parses text[0..len) of the file called name.  For each valid stanza it
 * calls add(article, arg), which takes ownership of the article and
 * returns 0, or -1 after reporting why it refused it (e.g. a duplicate
 * id; it frees the article then).  Bad stanzas are reported into d.
 * Returns the number of stanzas rejected.
 */
size_t	kb_parse_text(const char *name, const char *text, size_t len,
	    int (*add)(struct kb_article *, void *), void *arg,
	    struct diag *d);

/* Frees an article and everything it owns; NULL is a no-op. */
void	kb_article_free(struct kb_article *a);

#endif
