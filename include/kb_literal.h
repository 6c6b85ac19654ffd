/*
 * kb_literal.h - required literal strings of a match pattern, to skip the
 * patterns that cannot match a text before running PCRE2 on it.
 *
 * For a pattern A|B|C (top-level alternatives), one literal is taken from
 * each alternative: a run of plain characters every match of that
 * alternative must contain.  A text that contains none of them cannot
 * match the pattern.  The extraction is conservative: any construct it
 * does not understand makes it give up, and the pattern is then always
 * run.
 */
#ifndef BOUNCEDOC_KB_LITERAL_H
#define BOUNCEDOC_KB_LITERAL_H

#include <stddef.h>

#define KB_LITERAL_MAX	8	/* alternatives with a literal */
#define KB_LITERAL_LEN	32	/* bytes kept of one literal */

struct kb_literal {
	size_t	n;			/* 0: no prefilter, always run */
	size_t	len[KB_LITERAL_MAX];
	char	s[KB_LITERAL_MAX][KB_LITERAL_LEN];	/* lower case */
};

/* Extracts the literals of pattern (compiled caseless).  Returns lit->n. */
size_t	kb_literal_extract(const char *pattern, struct kb_literal *lit);

#endif
