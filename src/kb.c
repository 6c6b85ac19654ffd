/*
 * kb.c - load and query the knowledge base.
 *
 * Input: the text of .kb files (the built-in copies of kb_builtin.c, the
 * user's files), read into articles by kb_parse.c.
 * Output: struct kb, an array of articles in load order plus indexes for
 * the generic (code and status) articles, and the matching of the match
 * articles' patterns against a failure's text (prefiltered by the
 * literal words of kb_literal.c).
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
#include "kb_parse.h"
#include "source.h"
#include "xalloc.h"

/* Limits for one pattern run: ample for the shipped patterns, small enough
 * that a pathological user pattern cannot stall a scan. */
#define KB_MATCH_LIMIT	200000
#define KB_DEPTH_LIMIT	2000
#define KB_HEAP_LIMIT	4096	/* KiB */
#define KB_FILE_MAX	((size_t)16 << 20)

/*
 * The match articles in order, each with two byte pairs of each of its
 * literals, side by side: kb_match() goes through them all for every
 * text, and most are ruled out by a pair that is not in it, which this
 * tells without loading the article.  The two are the literal's rarest
 * in the articles' examples (bounce texts): "ma" and "in" are in most.
 */
struct kb_pre {
	const struct kb_article	*a;
	size_t			 order;		/* its index in kb->v */
	size_t			 n;		/* its literals (0: none) */
	unsigned short		 key[KB_LITERAL_MAX][2];
};

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
	struct kb_pre		 *pre;		/* the match articles */
	size_t			  npre;
	/* the last kb_match(): a pattern that stopped at a limit */
	const struct kb_article	 *limited;
};

/* The byte pair key of a[0], a[1] (kb->pairs). */
static unsigned
pair_key(char a, char b)
{
	return (unsigned)(unsigned char)a << 8 | (unsigned char)b;
}

/* The two rarest byte pairs of literal s[0..n) (n >= 3) by freq[]. */
static void
rare_keys(const unsigned *freq, const char *s, size_t n,
    unsigned short key[2])
{
	size_t		j, b0 = 0, b1 = 0;	/* pair s[j - 1], s[j]; 0 none */
	unsigned	k;

	for (j = 1; j < n; j++) {
		k = pair_key(s[j - 1], s[j]);
		if (b0 == 0 || freq[k] < freq[pair_key(s[b0 - 1], s[b0])]) {
			b1 = b0;
			b0 = j;
		} else if (b1 == 0 || freq[k] < freq[pair_key(s[b1 - 1],
		    s[b1])])
			b1 = j;
	}
	if (b1 == 0)
		b1 = b0;
	key[0] = (unsigned short)pair_key(s[b0 - 1], s[b0]);
	key[1] = (unsigned short)pair_key(s[b1 - 1], s[b1]);
}

/* The match articles' prefilter table (struct kb_pre). */
static void
build_pre(struct kb *kb)
{
	unsigned		*freq = xcalloc(65536, sizeof *freq);
	const struct kb_article	*a;
	struct kb_pre		*p;
	const char		*e;
	size_t			 i, k;

	for (i = 0; i < kb->n; i++)
		for (k = 0; k < kb->v[i]->example.n; k++)
			for (e = kb->v[i]->example.v[k]; e[0] != '\0' &&
			    e[1] != '\0'; e++)
				freq[pair_key((char)tolower((unsigned char)e[0]),
				    (char)tolower((unsigned char)e[1]))]++;
	free(kb->pre);
	kb->pre = xreallocarray(NULL, kb->n ? kb->n : 1, sizeof *kb->pre);
	kb->npre = 0;
	for (i = 0; i < kb->n; i++) {
		a = kb->v[i];
		if (a->kind != KB_KIND_MATCH || a->re == NULL)
			continue;
		p = &kb->pre[kb->npre++];
		p->a = a;
		p->order = i;
		p->n = a->lit.n;
		for (k = 0; k < a->lit.n; k++)	/* each is 3+ long */
			rare_keys(freq, a->lit.s[k], a->lit.len[k], p->key[k]);
	}
	free(freq);
}

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
	build_pre(kb);
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

void
kb_free(struct kb *kb)
{
	size_t	i;

	if (kb == NULL)
		return;
	for (i = 0; i < kb->n; i++)
		kb_article_free(kb->v[i]);
	free(kb->v);
	free(kb->layer);
	free(kb->lower);
	free(kb->statuses);
	free(kb->pre);
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

struct kb_add_arg {
	struct kb	*kb;
	struct diag	*d;
};

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
			kb_article_free(a);
			return -1;
		}
		kb_article_free(kb->v[i]);
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

/* kb_parse_text() hands each valid article to the current layer. */
static int
add_article(struct kb_article *a, void *arg)
{
	struct kb_add_arg	*aa = arg;

	return kb_add(aa->kb, a, aa->d);
}

size_t
kb_load_text(struct kb *kb, const char *name, const char *text, size_t len,
    struct diag *d)
{
	struct kb_add_arg	aa = { kb, d };

	return kb_parse_text(name, text, len, add_article, &aa, d);
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

/* The *.kb files of dir in name order; *opened says whether dir could be
 * read. */
static size_t
load_dir_files(struct kb *kb, const char *dir, int quiet_missing,
    struct diag *d, int *opened)
{
	DIR		*dp;
	struct dirent	*de;
	char		**names = NULL, *path;
	size_t		 n = 0, i, bad = 0, r, len;

	if ((*opened = (dp = opendir(dir)) != NULL) == 0) {
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
	int	 opened;

	kb->cur_layer++;
	bad = load_dir_files(kb, dir, quiet_missing, d, &opened);
	/* a dir that cannot be read has been reported once already */
	if (!opened)
		return bad;
	sub = xasprintf("%s/providers", dir);
	bad += load_dir_files(kb, sub, 1, d, &opened);
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
	unsigned	k = pair_key(a, b);

	pairs[k >> 3] |= (unsigned char)(1u << (k & 7));
}

static int
has_key(const unsigned char *pairs, unsigned k)
{
	return pairs[k >> 3] & (1u << (k & 7));
}

static int
has_pair(const unsigned char *pairs, char a, char b)
{
	return has_key(pairs, pair_key(a, b));
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
	size_t		 nc = 0, i, k;
	int		 rc;
	char		 rbuf[8];
	const char	*lower = NULL;
	const struct kb_pre *p;
	PCRE2_SIZE	*ov;

	snprintf(rbuf, sizeof rbuf, "%d", reply);
	kb->limited = NULL;
	if (kb->dirty)
		build_index(kb);
	if (!kb->noprefilter)
		lower = lower_text(kb, text, len);
	for (i = 0; i < kb->npre; i++) {	/* (pre is NULL when empty) */
		const struct kb_article *a;

		p = &kb->pre[i];
		a = p->a;
		if (lower != NULL && p->n > 0) {
			for (k = 0; k < p->n && !(has_key(kb->pairs,
			    p->key[k][0]) && has_key(kb->pairs, p->key[k][1]));
			    k++)
				continue;
			if (k == p->n)
				continue;	/* no literal can be there */
			if (!literal_possible(kb, &a->lit, lower, len))
				continue;
		}
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
		c[nc].order = p->order;
		if (++nc == sizeof c / sizeof c[0])
			break;
	}
	qsort(c, nc, sizeof c[0], cand_cmp);
	for (i = 0; i < nc && i < max; i++)
		out[i] = c[i].a;
	return i;
}
