/*
 * tui_search.c - compile and run the user's search pattern (PCRE2).
 *
 * See tui_search.h.  Byte mode: the subject is the input's bytes (or the
 * sanitised text drawn on screen), which need not be valid UTF-8.  No JIT:
 * a search runs once per key press over what is loaded, and the
 * interpreter's limits (match context) are what keep it bounded.
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "tui_search.h"
#include "xalloc.h"

/* Limits per match: generous for a line of a log, small for a hang. */
#define SEARCH_MATCH_LIMIT	1000000
#define SEARCH_DEPTH_LIMIT	10000
#define SEARCH_HEAP_LIMIT	(20 * 1024)	/* KiB */

struct tui_search {
	char			*pattern;
	pcre2_code		*re;
	pcre2_match_data	*md;
	pcre2_match_context	*mctx;
};

static int
has_upper(const char *s)
{
	int	esc = 0;

	/* "\S" or "\W" are classes, not upper-case letters */
	for (; *s != '\0'; s++) {
		if (esc)
			esc = 0;
		else if (*s == '\\')
			esc = 1;
		else if (isupper((unsigned char)*s))
			return 1;
	}
	return 0;
}

struct tui_search *
tui_search_new(const char *pattern, char **err)
{
	struct tui_search	*s;
	PCRE2_UCHAR		 msg[256];
	PCRE2_SIZE		 eoff;
	uint32_t		 flags = 0;
	int			 ec;
	pcre2_code		*re;

	*err = NULL;
	if (!has_upper(pattern))
		flags |= PCRE2_CASELESS;
	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, flags,
	    &ec, &eoff, NULL);
	if (re == NULL) {
		pcre2_get_error_message(ec, msg, sizeof msg);
		*err = xasprintf("%s at offset %zu", (char *)msg, (size_t)eoff);
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->pattern = xstrdup(pattern);
	s->re = re;
	s->md = pcre2_match_data_create_from_pattern(re, NULL);
	s->mctx = pcre2_match_context_create(NULL);
	if (s->md == NULL || s->mctx == NULL)
		xalloc_fatal("out of memory");
	pcre2_set_match_limit(s->mctx, SEARCH_MATCH_LIMIT);
	pcre2_set_depth_limit(s->mctx, SEARCH_DEPTH_LIMIT);
	pcre2_set_heap_limit(s->mctx, SEARCH_HEAP_LIMIT);
	return s;
}

void
tui_search_free(struct tui_search *s)
{
	if (s == NULL)
		return;
	pcre2_match_context_free(s->mctx);
	pcre2_match_data_free(s->md);
	pcre2_code_free(s->re);
	free(s->pattern);
	free(s);
}

const char *
tui_search_pattern(const struct tui_search *s)
{
	return s->pattern;
}

int
tui_search_find(struct tui_search *s, const char *text, size_t len,
    size_t start, size_t *mo, size_t *ml)
{
	PCRE2_SIZE	*ov;
	int		 rc;

	while (start <= len) {
		rc = pcre2_match(s->re, (PCRE2_SPTR)text, len, start, 0, s->md,
		    s->mctx);
		if (rc < 0)
			return 0;
		ov = pcre2_get_ovector_pointer(s->md);
		if (ov[1] > ov[0]) {
			*mo = ov[0];
			*ml = ov[1] - ov[0];
			return 1;
		}
		/* an empty match: look again one byte further on */
		start = ov[0] + 1;
	}
	return 0;
}
