/*
 * kb_literal.c - find literal strings every match of a pattern contains.
 *
 * The knowledge base has hundreds of match patterns and a log can have
 * hundreds of thousands of failures: running every pattern on every text
 * costs tens of microseconds.  Most patterns contain a plain word that
 * must appear ("TSS04", "quota", "gsmtp"); a memmem() for it is far
 * cheaper than the pattern, and rules out nearly all of them.
 *
 * Only the top level of the pattern is read (PCRE2 syntax, pcre2pattern(3)):
 * groups, classes and escapes that stand for several characters end a run
 * of literals; a quantifier that allows zero (?, *, {0,…}) takes back the
 * character before it.  Anything unusual (\Q, \x, back references, a
 * mode change in the middle) gives up: no literal, the pattern always runs.
 *
 * A group of alternatives, "(?:UNAVAILABLE|INUSE)" or "(CON-T[1-4]|MSG-T1)",
 * that a match cannot skip gives a set instead: a literal of each of its
 * branches, read by the same rules, one of which every match contains.
 * It is taken when the alternative has no run as long as its shortest.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "kb_literal.h"

struct run {
	char	s[256];
	size_t	n;
	char	best[256];
	size_t	bestn;
	/* the best group of alternatives: a literal of each */
	char	set[KB_LITERAL_MAX][KB_LITERAL_LEN];
	size_t	setlen[KB_LITERAL_MAX];
	size_t	setn;		/* 0: none */
	size_t	setmin;		/* its shortest */
};

static void
run_end(struct run *r)
{
	if (r->n > r->bestn) {
		memcpy(r->best, r->s, r->n);
		r->bestn = r->n;
	}
	r->n = 0;
}

static void
run_add(struct run *r, char c)
{
	if (r->n < sizeof r->s)
		r->s[r->n++] = (char)tolower((unsigned char)c);
}

/* Skips a character class starting at p[0] == '['; returns the position
 * after it, or NULL if it does not end. */
static const char *
skip_class(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')		/* "[]…]" and "[^]…]" hold a ']' */
		p++;
	for (; *p != '\0'; p++) {
		if (*p == '\\') {
			if (*++p == '\0')
				return NULL;
		} else if (*p == '[' && p[1] == ':') {
			if ((p = strstr(p + 2, ":]")) == NULL)
				return NULL;
			p++;
		} else if (*p == ']')
			return p + 1;
	}
	return NULL;
}

/* Skips a group starting at p[0] == '('; returns the position after it,
 * or NULL if it does not end. */
static const char *
skip_group(const char *p)
{
	int	depth = 0;

	while (*p != '\0') {
		if (*p == '\\') {
			if (p[1] == '\0')
				return NULL;
			p += 2;
		} else if (*p == '[') {
			if ((p = skip_class(p)) == NULL)
				return NULL;
		} else if (*p == '(') {
			depth++;
			p++;
		} else if (*p == ')') {
			p++;
			if (--depth == 0)
				return p;
		} else
			p++;
	}
	return NULL;
}

/* A quantifier at p: returns its length and sets *zero if it allows no
 * repetition at all. */
static size_t
quantifier(const char *p, int *zero)
{
	const char	*q;

	*zero = 0;
	if (*p == '?' || *p == '*') {
		*zero = 1;
		q = p + 1;
	} else if (*p == '+')
		q = p + 1;
	else if (*p == '{' && isdigit((unsigned char)p[1])) {
		*zero = p[1] == '0';
		if ((q = strchr(p, '}')) == NULL)
			return 0;
		q++;
	} else if (*p == '{' && p[1] == ',') {
		*zero = 1;
		if ((q = strchr(p, '}')) == NULL)
			return 0;
		q++;
	} else
		return 0;
	if (*q == '?' || *q == '+')	/* lazy or possessive */
		q++;
	return (size_t)(q - p);
}

static int
is_class_escape(char c)
{
	return strchr("sSdDwWbBhHvVRAzZGKX", c) != NULL;
}

#define SET_DEPTH	4	/* groups deeper are skipped as a whole */

static int	alternative(const char **, int, struct run *, int);

/*
 * The group of alternatives at p[0] == '(' ("(?:a|b)" or "(a|b)"): a
 * literal of each branch into r's set if that is better than the one it
 * has; depth is the group's (1 at the top level).  Returns the position
 * after the group, or NULL to give up.
 */
static const char *
group_set(const char *p, int xmode, struct run *r, int depth)
{
	struct run	 b;
	const char	*q;
	size_t		 n = 0, min = 0, k;
	char		 s[KB_LITERAL_MAX][KB_LITERAL_LEN];
	size_t		 len[KB_LITERAL_MAX];
	int		 ok = 1, zero;

	q = p + (p[1] == '?' ? 3 : 1);
	for (;;) {
		if (alternative(&q, xmode, &b, depth) == -1)
			return NULL;
		if (b.bestn < 3 || n == KB_LITERAL_MAX)
			ok = 0;
		else {
			k = b.bestn < KB_LITERAL_LEN ? b.bestn : KB_LITERAL_LEN;
			memcpy(s[n], b.best, k);
			len[n] = k;
			min = n == 0 || k < min ? k : min;
			n++;
		}
		if (*q != '|')
			break;
		q++;
	}
	if (*q != ')')
		return NULL;
	q++;
	/* a quantifier that allows zero lets a match skip the group */
	if (quantifier(q, &zero) > 0 && zero)
		ok = 0;
	if (ok && n > 0 && (r->setn == 0 || min > r->setmin)) {
		memcpy(r->set, s, sizeof s);
		memcpy(r->setlen, len, sizeof len);
		r->setn = n;
		r->setmin = min;
	}
	return q;
}

/* Reads one alternative from *pp (a top-level one, or a branch of a group
 * nested deep: it ends at ')' too); stores its best literal and set.
 * Returns -1 to give up. */
static int
alternative(const char **pp, int xmode, struct run *r, int nested)
{
	const char	*p = *pp, *q;
	size_t		 k;
	int		 zero;
	char		 c;

	r->n = r->bestn = r->setn = r->setmin = 0;
	while (*p != '\0' && *p != '|' && !(nested && *p == ')')) {
		if (xmode && isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (xmode && *p == '#')
			return -1;
		if (*p == '(' || *p == '[') {
			/* a mode change inside the pattern: give up */
			if (*p == '(' && p[1] == '?' &&
			    memchr(p + 2, 'x', strspn(p + 2, "imnsxJU-")) != NULL)
				return -1;
			run_end(r);
			if (*p == '(' && nested < SET_DEPTH &&
			    (p[1] != '?' || p[2] == ':')) {
				if ((q = group_set(p, xmode, r, nested + 1)) ==
				    NULL)
					return -1;
			} else if ((q = *p == '(' ? skip_group(p) :
			    skip_class(p)) == NULL)
				return -1;
			p = q;
			p += quantifier(p, &zero);
			continue;
		}
		if (*p == ')')
			return -1;
		if (*p == '.' || *p == '^' || *p == '$') {
			run_end(r);
			p++;
			p += quantifier(p, &zero);
			continue;
		}
		if (*p == '\\') {
			c = p[1];
			if (c == '\0' || c == 'Q' || c == 'E' || c == 'x' ||
			    c == 'o' || c == 'c' || c == 'N' || c == 'p' ||
			    c == 'P' || c == 'g' || c == 'k' || c == 'e' ||
			    isdigit((unsigned char)c))
				return -1;
			if (is_class_escape(c)) {
				run_end(r);
				p += 2;
				p += quantifier(p, &zero);
				continue;
			}
			if (isalpha((unsigned char)c)) {
				/* \t \n \r \f \a: one control char */
				c = c == 't' ? '\t' : c == 'n' ? '\n' :
				    c == 'r' ? '\r' : c == 'f' ? '\f' :
				    c == 'a' ? '\a' : 0;
				if (c == 0)
					return -1;
			}
			p += 2;
		} else if (strchr("*+?{", *p) != NULL) {
			return -1;	/* quantifier with nothing before */
		} else
			c = *p++;
		if ((k = quantifier(p, &zero)) > 0) {
			if (!zero)
				run_add(r, c);
			run_end(r);
			p += k;
			continue;
		}
		run_add(r, c);
	}
	run_end(r);
	*pp = p;
	return 0;
}

size_t
kb_literal_extract(const char *pattern, struct kb_literal *lit)
{
	const char	*p = pattern;
	struct run	 r;
	int		 xmode = 0;
	size_t		 len, i;

	memset(lit, 0, sizeof *lit);
	/* leading option settings: (?x) (?i) (?xi) … */
	while (p[0] == '(' && p[1] == '?' && p[2] != '\0' &&
	    strspn(p + 2, "imnsxJU") > 0 && p[2 + strspn(p + 2, "imnsxJU")] ==
	    ')') {
		if (memchr(p + 2, 'x', strspn(p + 2, "imnsxJU")) != NULL)
			xmode = 1;
		p += 3 + strspn(p + 2, "imnsxJU");
	}
	for (;;) {
		if (alternative(&p, xmode, &r, 0) == -1) {
			memset(lit, 0, sizeof *lit);
			return 0;
		}
		if (r.setn > 0 && (r.bestn < 3 || r.setmin > r.bestn)) {
			/* a group's set: one of its literals is there */
			if (lit->n + r.setn > KB_LITERAL_MAX) {
				memset(lit, 0, sizeof *lit);
				return 0;
			}
			for (i = 0; i < r.setn; i++) {
				memcpy(lit->s[lit->n], r.set[i], r.setlen[i]);
				lit->len[lit->n++] = r.setlen[i];
			}
		} else if (r.bestn < 3 || lit->n == KB_LITERAL_MAX) {
			memset(lit, 0, sizeof *lit);
			return 0;
		} else {
			len = r.bestn < KB_LITERAL_LEN ? r.bestn :
			    KB_LITERAL_LEN;
			memcpy(lit->s[lit->n], r.best, len);
			lit->len[lit->n++] = len;
		}
		if (*p != '|')
			break;
		p++;
	}
	return lit->n;
}
