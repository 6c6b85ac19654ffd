/*
 * kb.c - load and query the knowledge base.
 *
 * Input: the text of help/ .kb files (built-in copies from kb_builtin.c, user files).
 * Output: struct kb, an array of articles in load order plus indexes for
 * the generic (code and status) articles and the compiled match patterns.
 *
 * Stanza syntax (bouncedoc-kb(5)): "key: value" lines, continuation lines
 * start with a space or tab, stanzas are separated by blank lines, "#" in
 * column 1 starts a comment.  One bad stanza is reported and skipped; the
 * rest of the file still loads.
 *
 * Articles are loaded in layers: the built-in files, then each user
 * directory.  Within a layer an id may appear once; a later layer replaces
 * an article with the same id (that is how users override the built-in
 * text).
 */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "kb.h"
#include "kb_builtin.h"
#include "source.h"
#include "xalloc.h"

/* Limits for one pattern run: ample for the shipped patterns, small enough
 * that a pathological user pattern cannot stall a scan. */
#define KB_MATCH_LIMIT	200000
#define KB_DEPTH_LIMIT	2000
#define KB_HEAP_LIMIT	4096	/* KiB */
#define KB_FILE_MAX	((size_t)16 << 20)

struct kb {
	struct kb_article	**v;
	size_t			  n, cap;
	int			 *layer;	/* layer each article came from */
	int			  cur_layer;
	pcre2_match_data	 *md;
	pcre2_match_context	 *mctx;
	int			  noprefilter;
	char			 *lower;	/* scratch: lower-cased text */
	size_t			  lowercap;
	/* which byte pairs occur in the text being matched (prefilter) */
	unsigned char		  pairs[65536 / 8];
	/* indexes of the generic articles, rebuilt after loading */
	int			  dirty;
	const struct kb_article	 *by_code[600];
	const struct kb_article	**statuses;
	size_t			  nstatuses;
	/* the last kb_match(): a pattern that stopped at a limit */
	const struct kb_article	 *limited;
};

static void
build_index(struct kb *kb)
{
	size_t			 i;
	const struct kb_article	*a;
	int			 code;

	memset(kb->by_code, 0, sizeof kb->by_code);
	free(kb->statuses);
	kb->statuses = xreallocarray(NULL, kb->n ? kb->n : 1,
	    sizeof *kb->statuses);
	kb->nstatuses = 0;
	for (i = 0; i < kb->n; i++) {
		a = kb->v[i];
		if (a->kind == KB_KIND_CODE) {
			code = atoi(a->code);
			if (code >= 200 && code < 600 && kb->by_code[code] == NULL)
				kb->by_code[code] = a;
		} else if (a->kind == KB_KIND_STATUS)
			kb->statuses[kb->nstatuses++] = a;
	}
	kb->dirty = 0;
}

static const char *const reasons[] = {
	"authfailure", "badreputation", "blocked", "contenterror",
	"delivered", "exceedlimit", "expired", "failedstarttls", "feedback",
	"filtered", "hasmoved", "hostunknown", "mailboxfull", "mailererror",
	"mesgtoobig", "networkerror", "norelaying", "notaccept",
	"notcompliantrfc", "onhold", "policyviolation", "ratelimited",
	"rejected", "requireptr", "securityerror", "spamdetected", "speeding",
	"suppressed", "suspend", "syntaxerror", "systemerror", "systemfull",
	"toomanyconn", "undefined", "userunknown", "vacation",
	"virusdetected",
};

int
kb_reason_valid(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (strcmp(reasons[i], name) == 0)
			return 1;
	return 0;
}

const char *
kb_kind_name(enum kb_kind k)
{
	switch (k) {
	case KB_KIND_MATCH:
		return "match";
	case KB_KIND_STATUS:
		return "status";
	case KB_KIND_CODE:
		return "code";
	}
	return "unknown";
}

const struct kb_builtin_file *
kb_builtin_find(const char *name)
{
	size_t	i;

	for (i = 0; i < kb_builtin_nfiles; i++)
		if (strcmp(kb_builtin_files[i].name, name) == 0)
			return &kb_builtin_files[i];
	return NULL;
}

struct kb *
kb_new(void)
{
	struct kb	*kb = xcalloc(1, sizeof *kb);

	kb->md = pcre2_match_data_create(1, NULL);
	kb->mctx = pcre2_match_context_create(NULL);
	if (kb->md == NULL || kb->mctx == NULL)
		xalloc_fatal("out of memory (pcre2)");
	pcre2_set_match_limit(kb->mctx, KB_MATCH_LIMIT);
	pcre2_set_depth_limit(kb->mctx, KB_DEPTH_LIMIT);
	pcre2_set_heap_limit(kb->mctx, KB_HEAP_LIMIT);
	return kb;
}

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

static void
article_free(struct kb_article *a)
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

void
kb_free(struct kb *kb)
{
	size_t	i;

	if (kb == NULL)
		return;
	for (i = 0; i < kb->n; i++)
		article_free(kb->v[i]);
	free(kb->v);
	free(kb->layer);
	free(kb->lower);
	free(kb->statuses);
	pcre2_match_data_free(kb->md);
	pcre2_match_context_free(kb->mctx);
	free(kb);
}

size_t
kb_count(const struct kb *kb)
{
	return kb->n;
}

const struct kb_article *
kb_get(const struct kb *kb, size_t i)
{
	return i < kb->n ? kb->v[i] : NULL;
}

static size_t
find_index(const struct kb *kb, const char *id)
{
	size_t	i;

	for (i = 0; i < kb->n; i++)
		if (strcmp(kb->v[i]->id, id) == 0)
			return i;
	return (size_t)-1;
}

const struct kb_article *
kb_find_id(const struct kb *kb, const char *id)
{
	size_t	i = find_index(kb, id);

	return i == (size_t)-1 ? NULL : kb->v[i];
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

/* Adds a, replacing an article of an earlier layer with the same id.
 * Returns -1 (and frees a) on a duplicate within the layer. */
static int
kb_add(struct kb *kb, struct kb_article *a, struct diag *d)
{
	size_t	i = find_index(kb, a->id);

	kb->dirty = 1;
	if (i != (size_t)-1) {
		if (kb->layer[i] == kb->cur_layer) {
			diag_at(d, a->file, a->line, "duplicate id '%s' (first "
			    "at %s:%lu)", a->id, kb->v[i]->file, kb->v[i]->line);
			article_free(a);
			return -1;
		}
		article_free(kb->v[i]);
		kb->v[i] = a;
		kb->layer[i] = kb->cur_layer;
		return 0;
	}
	if (kb->n == kb->cap) {
		kb->cap = kb->cap ? kb->cap * 2 : 256;
		kb->v = xreallocarray(kb->v, kb->cap, sizeof *kb->v);
		kb->layer = xreallocarray(kb->layer, kb->cap,
		    sizeof *kb->layer);
	}
	kb->layer[kb->n] = kb->cur_layer;
	kb->v[kb->n++] = a;
	return 0;
}

/* Ends the stanza being read: adds it or reports why not. */
static size_t
stanza_end(struct kb *kb, struct stanza *st, struct diag *d)
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
	} else if (kb_add(kb, a, d) == -1)
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
kb_load_text(struct kb *kb, const char *name, const char *text, size_t len,
    struct diag *d)
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
			bad += stanza_end(kb, &st, d);
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
	bad += stanza_end(kb, &st, d);
	return bad;
}

size_t
kb_load_file(struct kb *kb, const char *path, struct diag *d)
{
	char	*buf;
	size_t	 len, bad;

	if (source_slurp(path, KB_FILE_MAX, &buf, &len, d) == -1)
		return (size_t)-1;
	bad = kb_load_text(kb, path, buf, len, d);
	free(buf);
	return bad;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t
load_dir_files(struct kb *kb, const char *dir, int quiet_missing,
    struct diag *d)
{
	DIR		*dp;
	struct dirent	*de;
	char		**names = NULL, *path;
	size_t		 n = 0, i, bad = 0, r, len;

	if ((dp = opendir(dir)) == NULL) {
		if (!(quiet_missing && errno == ENOENT))
			diag_at(d, dir, 0, "cannot open directory: %s",
			    strerror(errno));
		return quiet_missing && errno == ENOENT ? 0 : 1;
	}
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len < 4 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - 3, ".kb") != 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(dp);
	if (n > 1)
		qsort(names, n, sizeof *names, cmpstr);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		r = kb_load_file(kb, path, d);
		bad += r == (size_t)-1 ? 1 : r;
		free(path);
		free(names[i]);
	}
	free(names);
	return bad;
}

size_t
kb_load_dir(struct kb *kb, const char *dir, int quiet_missing,
    struct diag *d)
{
	char	*sub;
	size_t	 bad;
	DIR	*dp;

	kb->cur_layer++;
	bad = load_dir_files(kb, dir, quiet_missing, d);
	/* a dir that cannot be read has been reported once already */
	if ((dp = opendir(dir)) == NULL)
		return bad;
	closedir(dp);
	sub = xasprintf("%s/providers", dir);
	bad += load_dir_files(kb, sub, 1, d);
	free(sub);
	return bad;
}

size_t
kb_load_builtin(struct kb *kb, struct diag *d)
{
	size_t	i, bad = 0, len;

	for (i = 0; i < kb_builtin_nfiles; i++) {
		len = strlen(kb_builtin_files[i].name);
		if (len > 3 &&
		    strcmp(kb_builtin_files[i].name + len - 3, ".kb") == 0)
			bad += kb_load_text(kb, kb_builtin_files[i].name,
			    kb_builtin_files[i].text, kb_builtin_files[i].len,
			    d);
	}
	return bad;
}

/* ------------------------------------------------------------ queries */

/* True if word (len n) is one of the space-separated words of list. */
static int
has_word(const char *list, const char *word, size_t n)
{
	const char	*p = list;
	size_t		 k;

	if (list == NULL || n == 0)
		return 0;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		k = strcspn(p, " ");
		if (k == n && memcmp(p, word, n) == 0)
			return 1;
		p += k;
	}
	return 0;
}

const struct kb_article *
kb_code_article(const struct kb *ckb, int code)
{
	struct kb	*kb = (struct kb *)ckb;	/* the index is a cache */

	if (code < 200 || code > 599)
		return NULL;
	if (kb->dirty)
		build_index(kb);
	return kb->by_code[code];
}

static const struct kb_article *
status_exact(const struct kb *ckb, const char *s)
{
	struct kb	*kb = (struct kb *)ckb;
	size_t		 i;

	if (kb->dirty)
		build_index(kb);
	for (i = 0; i < kb->nstatuses; i++)
		if (strcmp(kb->statuses[i]->status, s) == 0)
			return kb->statuses[i];
	return NULL;
}

const struct kb_article *
kb_status_article(const struct kb *kb, const char *status)
{
	const struct kb_article	*a;
	char			 buf[16];
	const char		*dot1, *dot2;

	if (status == NULL || strlen(status) < 5 || strlen(status) > 9)
		return NULL;
	if ((a = status_exact(kb, status)) != NULL)
		return a;
	dot1 = strchr(status, '.');
	dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	if (dot2 == NULL)
		return NULL;
	snprintf(buf, sizeof buf, "X%s", dot1);
	if ((a = status_exact(kb, buf)) != NULL)
		return a;
	snprintf(buf, sizeof buf, "X%.*sX", (int)(dot2 - dot1 + 1), dot1);
	if ((a = status_exact(kb, buf)) != NULL)
		return a;
	snprintf(buf, sizeof buf, "%c.X.X", status[0]);
	return status_exact(kb, buf);
}

struct cand {
	const struct kb_article	*a;
	int			 score;
	size_t			 mlen;
	size_t			 order;
};

static int
cand_cmp(const void *x, const void *y)
{
	const struct cand	*a = x, *b = y;

	if (a->score != b->score)
		return b->score - a->score;
	if (a->mlen != b->mlen)
		return a->mlen < b->mlen ? 1 : -1;
	return a->order < b->order ? -1 : a->order > b->order;
}

void
kb_set_prefilter(struct kb *kb, int on)
{
	kb->noprefilter = !on;
}

const struct kb_article *
kb_match_limited(const struct kb *kb)
{
	return kb->limited;
}

static void
set_pair(unsigned char *pairs, char a, char b)
{
	unsigned	k = (unsigned)(unsigned char)a << 8 | (unsigned char)b;

	pairs[k >> 3] |= (unsigned char)(1u << (k & 7));
}

static int
has_pair(const unsigned char *pairs, char a, char b)
{
	unsigned	k = (unsigned)(unsigned char)a << 8 | (unsigned char)b;

	return pairs[k >> 3] & (1u << (k & 7));
}

/* Lower-cases text into kb's scratch buffer (ASCII, as PCRE2's default
 * caseless tables do) and returns it. */
static const char *
lower_text(struct kb *kb, const char *text, size_t len)
{
	size_t	i;

	if (len + 1 > kb->lowercap) {
		kb->lowercap = len + 1 > 1024 ? len + 1 : 1024;
		free(kb->lower);
		kb->lower = xmalloc(kb->lowercap);
	}
	memset(kb->pairs, 0, sizeof kb->pairs);
	for (i = 0; i < len; i++) {
		kb->lower[i] = (char)tolower((unsigned char)text[i]);
		if (i > 0)
			set_pair(kb->pairs, kb->lower[i - 1], kb->lower[i]);
	}
	kb->lower[len] = '\0';
	return kb->lower;
}

/* True if every byte pair of some literal occurs in the text, and then
 * the literal itself: a few bit tests rule out most patterns before any
 * memmem() or PCRE2 run. */
static int
literal_possible(const struct kb *kb, const struct kb_literal *lit,
    const char *lower, size_t len)
{
	size_t	i, j;

	if (lit->n == 0)
		return 1;
	for (i = 0; i < lit->n; i++) {
		for (j = 1; j < lit->len[i]; j++)
			if (!has_pair(kb->pairs, lit->s[i][j - 1], lit->s[i][j]))
				break;
		if (j == lit->len[i] &&
		    memmem(lower, len, lit->s[i], lit->len[i]) != NULL)
			return 1;
	}
	return 0;
}

size_t
kb_match(const struct kb *ckb, const char *text, size_t len, int reply,
    const char *status, const struct kb_article **out, size_t max)
{
	struct kb	*kb = (struct kb *)ckb;	/* scratch space only */
	struct cand	 c[16];
	size_t		 nc = 0, i;
	int		 rc;
	char		 rbuf[8];
	const char	*lower = NULL;
	PCRE2_SIZE	*ov;

	snprintf(rbuf, sizeof rbuf, "%d", reply);
	kb->limited = NULL;
	if (!kb->noprefilter)
		lower = lower_text(kb, text, len);
	for (i = 0; i < kb->n; i++) {
		const struct kb_article *a = kb->v[i];

		if (a->kind != KB_KIND_MATCH || a->re == NULL)
			continue;
		if (lower != NULL && !literal_possible(kb, &a->lit, lower, len))
			continue;
		rc = pcre2_match(a->re, (PCRE2_SPTR)text, len, 0, 0, kb->md,
		    kb->mctx);
		if (rc == PCRE2_ERROR_MATCHLIMIT ||
		    rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
			kb->limited = a;	/* taken as no match */
		if (rc < 0)
			continue;
		ov = pcre2_get_ovector_pointer(kb->md);
		c[nc].a = a;
		c[nc].score = (status && *status &&
		    has_word(a->status, status, strlen(status)) ? 3 : 0) +
		    (reply && has_word(a->code, rbuf, strlen(rbuf)) ? 2 : 0);
		c[nc].mlen = ov[1] > ov[0] ? ov[1] - ov[0] : 0;
		c[nc].order = i;
		if (++nc == sizeof c / sizeof c[0])
			break;
	}
	qsort(c, nc, sizeof c[0], cand_cmp);
	for (i = 0; i < nc && i < max; i++)
		out[i] = c[i].a;
	return i;
}
