/*
 * kb_parse.c - read knowledge-base stanzas (bouncedoc-kb(5)) into articles.
 *
 * Input: the text of one .kb file, built-in or the user's.  Output: one
 * struct kb_article per valid stanza, handed to the caller's add function;
 * each bad stanza is reported as "FILE:LINE: …; stanza skipped" and the
 * rest of the file still loads.
 *
 * Syntax: "key: value" lines, continuation lines start with a space or
 * tab (a lone "." there is a paragraph break), stanzas are separated by
 * blank lines, "#" in column 1 starts a comment.  A match: pattern is
 * compiled here (PCRE2, caseless, byte mode), JIT-compiled unless
 * BOUNCEDOC_NO_JIT is set, refused if it can match the empty string, and
 * its literal words are extracted for the prefilter (kb_literal.c).
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "kb.h"
#include "kb_literal.h"
#include "kb_parse.h"
#include "xalloc.h"

static void
list_free(struct kb_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
kb_article_free(struct kb_article *a)
{
	if (a == NULL)
		return;
	free(a->id);
	free(a->code);
	free(a->status);
	free(a->match);
	free(a->provider);
	free(a->reason);
	free(a->title);
	free(a->explain);
	free(a->customer);
	list_free(&a->remedy);
	list_free(&a->see);
	list_free(&a->example);
	free(a->file);
	pcre2_code_free(a->re);
	free(a);
}

/* ------------------------------------------------------------ stanzas */

/* The fields of one stanza as read, before validation. */
enum field { F_ID, F_CODE, F_STATUS, F_MATCH, F_PROVIDER, F_BOUNCE,
	F_REASON, F_TITLE, F_EXPLAIN, F_REMEDY, F_CUSTOMER, F_SEE, F_EXAMPLE,
	F_COUNT };

static const struct {
	const char	*name;
	int		 repeat;
} fields[F_COUNT] = {
	{ "id", 0 }, { "code", 0 }, { "status", 0 }, { "match", 0 },
	{ "provider", 0 }, { "bounce", 0 }, { "reason", 0 }, { "title", 0 },
	{ "explain", 0 }, { "remedy", 1 }, { "customer", 0 }, { "see", 1 },
	{ "example", 1 },
};

struct stanza {
	const char	*name;		/* file name for messages */
	unsigned long	 line;		/* first line */
	char		*one[F_COUNT];	/* single fields */
	unsigned long	 oneline[F_COUNT];
	struct kb_list	 many[F_COUNT];	/* repeatable fields */
	int		 last;		/* field being continued, -1 none */
	char		*error;		/* first error, owned */
	unsigned long	 errline;
};

static void
stanza_clear(struct stanza *st)
{
	int	i;

	for (i = 0; i < F_COUNT; i++) {
		free(st->one[i]);
		list_free(&st->many[i]);
	}
	free(st->error);
	memset(st, 0, sizeof *st);
	st->last = -1;
}

static void
stanza_error(struct stanza *st, unsigned long line, char *msg)
{
	if (st->error == NULL) {
		st->error = msg;
		st->errline = line;
	} else
		free(msg);
}

static char **
field_slot(struct stanza *st, int f)
{
	struct kb_list	*l;

	if (!fields[f].repeat)
		return &st->one[f];
	l = &st->many[f];
	return &l->v[l->n - 1];
}

/* Trims spaces at both ends of s[0..len) and returns a new string. */
static char *
trimdup(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

static int	ok_url(const char *);

static void
stanza_field(struct stanza *st, unsigned long line, const char *s,
    size_t len)
{
	const char	*colon = memchr(s, ':', len);
	size_t		 klen;
	int		 f;
	struct kb_list	*l;

	if (colon == NULL) {
		stanza_error(st, line, xstrdup("expected 'key: value'"));
		st->last = -1;
		return;
	}
	klen = (size_t)(colon - s);
	for (f = 0; f < F_COUNT; f++)
		if (strlen(fields[f].name) == klen &&
		    memcmp(fields[f].name, s, klen) == 0)
			break;
	if (f == F_COUNT) {
		stanza_error(st, line, xasprintf("unknown key '%.*s'",
		    (int)(klen > 40 ? 40 : klen), s));
		st->last = -1;
		return;
	}
	if (st->line == 0)
		st->line = line;
	if (fields[f].repeat) {
		l = &st->many[f];
		l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
		l->v[l->n++] = trimdup(colon + 1, len - klen - 1);
		/* checked here, where the line is known */
		if (f == F_SEE && !ok_url(l->v[l->n - 1]))
			stanza_error(st, line, xasprintf("see: not an "
			    "http(s) URL: '%s'", l->v[l->n - 1]));
	} else if (st->one[f] != NULL) {
		stanza_error(st, line, xasprintf("duplicate key '%s'",
		    fields[f].name));
		st->last = -1;
		return;
	} else {
		st->one[f] = trimdup(colon + 1, len - klen - 1);
		st->oneline[f] = line;
	}
	st->last = f;
}

static void
stanza_continue(struct stanza *st, unsigned long line, const char *s,
    size_t len)
{
	char	**slot, *t, *joined;

	if (st->last < 0) {
		if (st->error == NULL)
			stanza_error(st, line,
			    xstrdup("continuation line without a field"));
		return;
	}
	slot = field_slot(st, st->last);
	t = trimdup(s, len);
	if (strcmp(t, ".") == 0)
		joined = xasprintf("%s\n", *slot);
	else if (**slot == '\0' || (*slot)[strlen(*slot) - 1] == '\n')
		joined = xasprintf("%s%s", *slot, t);
	else
		joined = xasprintf("%s %s", *slot, t);
	free(t);
	free(*slot);
	*slot = joined;
}

/* ------------------------------------------------------- validation */

static int
valid_id(const char *s)
{
	if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s))
		return 0;
	for (; *s != '\0'; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) &&
		    *s != '.' && *s != '_' && *s != '-')
			return 0;
	return 1;
}

/* Each space-separated word of s must satisfy ok(); returns the first bad
 * word (copied) or NULL. */
static char *
bad_word(const char *s, int (*ok)(const char *, size_t))
{
	size_t	n;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			return NULL;
		n = strcspn(s, " \t");
		if (!ok(s, n))
			return xstrndup(s, n);
		s += n;
	}
}

static int
ok_code(const char *s, size_t n)
{
	return n == 3 && s[0] >= '2' && s[0] <= '5' &&
	    isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]);
}

/* 4.7.1, X.7.1, X.7.X, 4.X.X; subject 1 digit, detail 1-3 digits. */
static int
ok_status(const char *s, size_t n)
{
	size_t	i = 2, d = 0;

	if (n < 5 || s[1] != '.' || s[3] != '.')
		return 0;
	if (s[0] != 'X' && s[0] != '2' && s[0] != '4' && s[0] != '5')
		return 0;
	if (s[2] != 'X' && !(s[2] >= '0' && s[2] <= '7'))
		return 0;
	i = 4;
	if (n == 5 && s[4] == 'X')
		return s[0] != 'X' || s[2] != 'X';
	for (; i < n; i++, d++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return d >= 1 && d <= 3 && s[2] != 'X';
}

static int
ok_url(const char *s)
{
	return (strncmp(s, "https://", 8) == 0 && s[8] != '\0') ||
	    (strncmp(s, "http://", 7) == 0 && s[7] != '\0');
}

static pcre2_code *
compile_pattern(const char *pat, char **err)
{
	pcre2_code		*re;
	pcre2_match_data	*md;
	int			 ec, rc;
	PCRE2_SIZE		 eo;
	PCRE2_UCHAR		 buf[256];

	re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
	    PCRE2_CASELESS, &ec, &eo, NULL);
	if (re == NULL) {
		pcre2_get_error_message(ec, buf, sizeof buf);
		*err = xasprintf("match: pattern does not compile at offset "
		    "%zu: %s", (size_t)eo, (char *)buf);
		return NULL;
	}
	/* JIT is an optimisation: the interpreter is used where it fails.
	 * BOUNCEDOC_NO_JIT turns it off, for memory checkers that cannot
	 * follow generated code. */
	if (getenv("BOUNCEDOC_NO_JIT") == NULL)
		(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	md = pcre2_match_data_create(1, NULL);
	rc = pcre2_match(re, (PCRE2_SPTR)"", 0, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	if (rc >= 0) {
		pcre2_code_free(re);
		*err = xstrdup("match: pattern can match the empty string");
		return NULL;
	}
	return re;
}

static char *
take(struct stanza *st, int f)
{
	char	*s = st->one[f];

	st->one[f] = NULL;
	return s;
}

static void
take_list(struct stanza *st, int f, struct kb_list *out)
{
	*out = st->many[f];
	memset(&st->many[f], 0, sizeof st->many[f]);
}

/* Checks the stanza; on success returns a new article, else NULL with
 * st->error set. */
static struct kb_article *
stanza_build(struct stanza *st)
{
	struct kb_article	*a;
	static const int	 required[] = { F_ID, F_REASON, F_TITLE,
	    F_EXPLAIN, F_CUSTOMER };
	size_t			 i;
	char			*w, *err = NULL;
	enum kb_bounce		 bounce = KB_BOUNCE_UNSET;
	pcre2_code		*re = NULL;

	if (st->error != NULL)
		return NULL;
	for (i = 0; i < sizeof required / sizeof required[0]; i++)
		if (st->one[required[i]] == NULL || *st->one[required[i]] == '\0') {
			stanza_error(st, st->line, xasprintf("missing field "
			    "'%s'", fields[required[i]].name));
			return NULL;
		}
	if (st->many[F_REMEDY].n == 0) {
		stanza_error(st, st->line, xstrdup("missing field 'remedy'"));
		return NULL;
	}
	if (!valid_id(st->one[F_ID])) {
		stanza_error(st, st->oneline[F_ID], xasprintf("bad id '%s': "
		    "use a-z, 0-9, '.', '_' and '-'", st->one[F_ID]));
		return NULL;
	}
	if (!kb_reason_valid(st->one[F_REASON])) {
		stanza_error(st, st->oneline[F_REASON], xasprintf("unknown "
		    "reason '%s'", st->one[F_REASON]));
		return NULL;
	}
	if (st->one[F_CODE] != NULL &&
	    (w = bad_word(st->one[F_CODE], ok_code)) != NULL) {
		stanza_error(st, st->oneline[F_CODE], xasprintf("bad reply "
		    "code '%s'", w));
		free(w);
		return NULL;
	}
	if (st->one[F_STATUS] != NULL &&
	    (w = bad_word(st->one[F_STATUS], ok_status)) != NULL) {
		stanza_error(st, st->oneline[F_STATUS], xasprintf("bad "
		    "enhanced status '%s'", w));
		free(w);
		return NULL;
	}
	for (i = 0; i < st->many[F_SEE].n; i++)
		if (!ok_url(st->many[F_SEE].v[i])) {
			stanza_error(st, st->line, xasprintf("see: not an "
			    "http(s) URL: '%s'", st->many[F_SEE].v[i]));
			return NULL;
		}
	if (st->one[F_BOUNCE] != NULL) {
		w = st->one[F_BOUNCE];
		if (strcmp(w, "temporary") == 0 || strcmp(w, "soft") == 0)
			bounce = KB_BOUNCE_TEMPORARY;
		else if (strcmp(w, "permanent") == 0 || strcmp(w, "hard") == 0)
			bounce = KB_BOUNCE_PERMANENT;
		else {
			stanza_error(st, st->oneline[F_BOUNCE], xasprintf(
			    "bounce: '%s' is not temporary or permanent", w));
			return NULL;
		}
	}
	if (st->one[F_MATCH] == NULL && st->one[F_STATUS] == NULL &&
	    st->one[F_CODE] == NULL) {
		stanza_error(st, st->line, xstrdup("needs 'match', 'status' "
		    "or 'code'"));
		return NULL;
	}
	if (st->one[F_MATCH] == NULL && st->one[F_STATUS] != NULL &&
	    strchr(st->one[F_STATUS], ' ') != NULL) {
		stanza_error(st, st->oneline[F_STATUS], xstrdup("a status "
		    "article has exactly one status"));
		return NULL;
	}
	if (bounce == KB_BOUNCE_UNSET && !(st->one[F_MATCH] == NULL &&
	    st->one[F_STATUS] != NULL && st->one[F_STATUS][0] == 'X')) {
		stanza_error(st, st->line, xstrdup("missing field 'bounce'"));
		return NULL;
	}
	if (st->one[F_MATCH] == NULL && st->one[F_STATUS] == NULL &&
	    strchr(st->one[F_CODE], ' ') != NULL) {
		stanza_error(st, st->oneline[F_CODE], xstrdup("a code "
		    "article has exactly one code"));
		return NULL;
	}
	if (st->one[F_MATCH] != NULL &&
	    (re = compile_pattern(st->one[F_MATCH], &err)) == NULL) {
		stanza_error(st, st->oneline[F_MATCH], err);
		return NULL;
	}

	a = xcalloc(1, sizeof *a);
	a->kind = st->one[F_MATCH] ? KB_KIND_MATCH :
	    st->one[F_STATUS] ? KB_KIND_STATUS : KB_KIND_CODE;
	a->bounce = bounce;
	a->re = re;
	a->id = take(st, F_ID);
	a->code = take(st, F_CODE);
	a->status = take(st, F_STATUS);
	a->match = take(st, F_MATCH);
	a->provider = take(st, F_PROVIDER);
	a->reason = take(st, F_REASON);
	a->title = take(st, F_TITLE);
	a->explain = take(st, F_EXPLAIN);
	a->customer = take(st, F_CUSTOMER);
	take_list(st, F_REMEDY, &a->remedy);
	take_list(st, F_SEE, &a->see);
	take_list(st, F_EXAMPLE, &a->example);
	a->file = xstrdup(st->name);
	a->line = st->line;
	if (a->match != NULL)
		kb_literal_extract(a->match, &a->lit);
	return a;
}

/* Ends the stanza being read: adds it or reports why not. */
static size_t
stanza_end(struct stanza *st, int (*add)(struct kb_article *, void *),
    void *arg, struct diag *d)
{
	struct kb_article	*a;
	size_t			 bad = 0;

	if (st->line == 0 && st->error == NULL) {
		stanza_clear(st);
		return 0;
	}
	if ((a = stanza_build(st)) == NULL) {
		diag_at(d, st->name, st->errline ? st->errline : st->line,
		    "%s; stanza skipped", st->error);
		bad = 1;
	} else if (add(a, arg) == -1)
		bad = 1;
	stanza_clear(st);
	return bad;
}

/* Is p[0..n) empty or only blanks?  (p need not be NUL-terminated.) */
static int
blank(const char *p, size_t n)
{
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return n == 0;
}

size_t
kb_parse_text(const char *name, const char *text, size_t len,
    int (*add)(struct kb_article *, void *), void *arg, struct diag *d)
{
	struct stanza	 st;
	const char	*p = text, *end = text + len, *nl;
	unsigned long	 line = 0;
	size_t		 bad = 0, n;

	memset(&st, 0, sizeof st);
	st.last = -1;
	st.name = name;
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		line++;
		if (memchr(p, '\0', n) != NULL) {
			if (st.line == 0)
				st.line = line;
			stanza_error(&st, line, xstrdup("NUL byte in line"));
		} else if (blank(p, n)) {
			bad += stanza_end(&st, add, arg, d);
			st.name = name;
		} else if (p[0] == '#')
			continue;
		else if (p[0] == ' ' || p[0] == '\t')
			stanza_continue(&st, line, p, n);
		else
			stanza_field(&st, line, p, n);
		if (nl == end)
			break;
	}
	bad += stanza_end(&st, add, arg, d);
	return bad;
}
