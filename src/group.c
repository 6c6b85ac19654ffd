/*
 * group.c - group failures by reason, codes and recipient domain.
 *
 * Input: records, one at a time (group_add()) or a whole recset
 * (group_build()).  Output: struct group_tree (group.h).
 *
 * The rules that make a record's keys live here alone (reason_of(),
 * group_codes(), domain_of()).  Each record is folded into the leaf of its
 * keys - the records alike in reason, codes and domain - as a tally:
 * counts, the lowest sequence number, the earliest and latest time, and
 * per article how many records have it and the first of them.  Nothing
 * else of the record is kept, so a leaf costs the same for one record or
 * a million.  At the end the leaves are sorted by (reason, codes,
 * domain), every node of the tree is a run of them and gets the tallies
 * of its run merged, and children are sorted for display (count
 * descending, key ascending).  A tally merged from others is the tally
 * of all their records, so folding record by record or building from a
 * recset gives the same tree.  Everything that decides the output (keys,
 * counts, ties) depends on the records and their order only, never on
 * addresses or the clock.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "kb.h"
#include "record.h"
#include "xalloc.h"

static const char *const level_names[] = {
	"all", "reason", "codes", "domain",
};

const char *
group_level_name(enum group_level level)
{
	return level_names[level];
}

int
group_is_failure(const struct record *r)
{
	static const char *const ok[] = { "delivered", "relayed",
	    "expanded" };
	size_t	i;

	if (r->action == NULL)
		return 1;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (strcmp(r->action, ok[i]) == 0)
			return 0;
	return 1;
}

/* ------------------------------------------------------------ tallies */

/* How many records have one article, and the first of them. */
struct vote {
	const struct kb_article	*a;
	size_t			 n;
	size_t			 first;		/* lowest sequence number */
};

/* The earliest or latest record: its time, what the time sorts by, and
 * its place in the order read (ties: the earliest is the first read,
 * the latest the last read). */
struct stamp {
	const char	*time;		/* NULL: no record with a time */
	long long	 tkey;
	size_t		 seq;
};

/* What the tree shows of a set of records. */
struct tally {
	size_t		 count, temporary, permanent;
	size_t		 first;		/* lowest sequence number */
	struct stamp	 early, late;
	struct vote	*votes;		/* owned; records with an article */
	size_t		 nvotes;
};

/* Counts n records of article a, the first of them read as first.
 * Returns 1 if that is the first record of a so far, else 0. */
static int
tally_vote(struct tally *t, const struct kb_article *a, size_t n,
    size_t first)
{
	size_t	i;

	for (i = 0; i < t->nvotes && t->votes[i].a != a; i++)
		continue;
	if (i == t->nvotes) {
		t->votes = xreallocarray(t->votes, t->nvotes + 1,
		    sizeof *t->votes);
		t->votes[t->nvotes].a = a;
		t->votes[t->nvotes].n = n;
		t->votes[t->nvotes++].first = first;
		return 1;
	}
	t->votes[i].n += n;
	if (first >= t->votes[i].first)
		return 0;
	t->votes[i].first = first;
	return 1;
}

/* Takes s as the earliest or latest of t if it is; returns 1 for the
 * earliest, 2 for the latest, 3 for both, or 0. */
static int
tally_stamp(struct tally *t, const struct stamp *s)
{
	int	took = 0;

	if (s->time == NULL)
		return 0;
	if (t->early.time == NULL || s->tkey < t->early.tkey ||
	    (s->tkey == t->early.tkey && s->seq < t->early.seq)) {
		t->early = *s;
		took |= 1;
	}
	if (t->late.time == NULL || s->tkey > t->late.tkey ||
	    (s->tkey == t->late.tkey && s->seq > t->late.seq)) {
		t->late = *s;
		took |= 2;
	}
	return took;
}

/* Adds the records of src to dst. */
static void
tally_merge(struct tally *dst, const struct tally *src)
{
	size_t	i;

	if (src->count == 0)
		return;
	if (dst->count == 0 || src->first < dst->first)
		dst->first = src->first;
	dst->count += src->count;
	dst->temporary += src->temporary;
	dst->permanent += src->permanent;
	tally_stamp(dst, &src->early);
	tally_stamp(dst, &src->late);
	for (i = 0; i < src->nvotes; i++)
		tally_vote(dst, src->votes[i].a, src->votes[i].n,
		    src->votes[i].first);
}

/* The article of most records (ties: the one whose first record came
 * first), or NULL if no record has one. */
static const struct vote *
tally_winner(const struct tally *t)
{
	const struct vote	*best = NULL;
	size_t			 i;

	for (i = 0; i < t->nvotes; i++)
		if (best == NULL || t->votes[i].n > best->n ||
		    (t->votes[i].n == best->n &&
		    t->votes[i].first < best->first))
			best = &t->votes[i];
	return best;
}

/* ------------------------------------------------------------ leaves */

/* The records alike in reason, codes and domain: the leaf of the tree. */
struct leaf {
	uint64_t	 hash;
	const char	*reason;	/* static or into the kb */
	char		 codes[20];	/* "550 5.1.1" */
	char		 reply[4];
	char		 status[12];
	char		*domain;	/* owned */
	struct tally	 t;
	char		*times[2];	/* owned copies: early, late */
	size_t		 caps[2];
	size_t		 lo;		/* its records' slice of the order */
};

/* The leaves while records are added (group_tree.fold). */
struct group_fold {
	struct leaf	*v;
	size_t		 n, cap;
	size_t		*tab;		/* index + 1 into v; 0: empty */
	size_t		 tabcap;	/* a power of two */
	char		*dom;		/* domain_of(), reused */
	size_t		 domcap;
};

static const char *
reason_of(const struct record *r)
{
	return r->diagnosis.reason ? r->diagnosis.reason : "undefined";
}

void
group_codes(const struct record *r, char *buf, size_t size)
{
	size_t	rn = strnlen(r->reply, sizeof r->reply);
	size_t	sn = strnlen(r->status, sizeof r->status), n = 0;

	/* every record is folded by this: no printf */
	if (size == 0)
		return;
	if (rn > size - 1)
		rn = size - 1;
	memcpy(buf, r->reply, rn);
	n = rn;
	if (rn > 0 && sn > 0 && n < size - 1)
		buf[n++] = ' ';
	if (sn > size - 1 - n)
		sn = size - 1 - n;
	memcpy(buf + n, r->status, sn);
	buf[n + sn] = '\0';
}

const char *
group_domain(const char *rcpt, size_t *len)
{
	const char	*at;
	size_t		 n;

	*len = 0;
	if (rcpt == NULL || (at = strrchr(rcpt, '@')) == NULL)
		return NULL;
	at++;
	n = strcspn(at, "> \t;,)");
	while (n > 0 && at[n - 1] == '.')
		n--;
	*len = n;
	return at;
}

/* The domain of a recipient, lower-cased, into f->dom. */
static const char *
domain_of(struct group_fold *f, const char *rcpt)
{
	size_t		 n, i;
	const char	*at = group_domain(rcpt, &n);

	if (n + 1 > f->domcap) {
		f->domcap = n + 64;
		f->dom = xreallocarray(f->dom, f->domcap, 1);
	}
	for (i = 0; i < n; i++)
		f->dom[i] = (char)tolower((unsigned char)at[i]);
	f->dom[n] = '\0';
	return f->dom;
}

/* A hash of the three keys, eight bytes at a time (every record of a
 * summary is folded through it). */
static uint64_t
hash_keys(const char *const keys[3])
{
	uint64_t	 h = 0xcbf29ce484222325ULL, w;
	const char	*p;
	size_t		 n;
	int		 i;

	for (i = 0; i < 3; i++) {
		p = keys[i];
		for (n = strlen(p); n >= 8; p += 8, n -= 8) {
			memcpy(&w, p, 8);
			h = (h ^ w) * 0x100000001b3ULL;
			h ^= h >> 29;
		}
		for (; n > 0; n--)
			h = (h ^ (unsigned char)*p++) * 0x100000001b3ULL;
		h = (h ^ 0xff) * 0x100000001b3ULL;
	}
	return h ^ (h >> 32);
}

/* The slot of the table for keys: its leaf's or an empty one. */
static size_t *
fold_slot(struct group_fold *f, const char *const keys[3], uint64_t h)
{
	const struct leaf	*l;
	size_t			 i = (size_t)h & (f->tabcap - 1);

	for (; f->tab[i] != 0; i = (i + 1) & (f->tabcap - 1)) {
		l = &f->v[f->tab[i] - 1];
		if (l->hash == h && strcmp(l->reason, keys[0]) == 0 &&
		    strcmp(l->codes, keys[1]) == 0 &&
		    strcmp(l->domain, keys[2]) == 0)
			break;
	}
	return &f->tab[i];
}

static void
fold_grow(struct group_fold *f)
{
	const struct leaf	*l;
	size_t			 i, j;

	free(f->tab);
	f->tabcap *= 2;
	f->tab = xcalloc(f->tabcap, sizeof *f->tab);
	for (i = 0; i < f->n; i++) {
		l = &f->v[i];
		for (j = (size_t)l->hash & (f->tabcap - 1); f->tab[j] != 0;
		    j = (j + 1) & (f->tabcap - 1))
			continue;
		f->tab[j] = i + 1;
	}
}

/* The leaf of r, made if new; returns its index in f->v. */
static size_t
fold_leaf(struct group_fold *f, const struct record *r)
{
	struct leaf	*l;
	const char	*keys[3];
	char		 codes[sizeof l->codes];
	size_t		*slot;
	uint64_t	 h;

	group_codes(r, codes, sizeof codes);
	keys[0] = reason_of(r);
	keys[1] = codes;
	keys[2] = domain_of(f, r->recipient);
	h = hash_keys(keys);
	if (*(slot = fold_slot(f, keys, h)) != 0)
		return *slot - 1;
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		f->v = xreallocarray(f->v, f->cap, sizeof *f->v);
	}
	l = &f->v[f->n];
	memset(l, 0, sizeof *l);
	l->hash = h;
	l->reason = keys[0];
	memcpy(l->codes, codes, sizeof l->codes);
	memcpy(l->reply, r->reply, sizeof l->reply);
	memcpy(l->status, r->status, sizeof l->status);
	l->domain = xstrdup(keys[2]);
	*slot = ++f->n;
	if (f->n * 2 > f->tabcap)
		fold_grow(f);
	return f->n - 1;
}

/* Keeps a copy of the time s in slot i (0 early, 1 late) of l. */
static const char *
leaf_time(struct leaf *l, int i, const char *s)
{
	size_t	n = strlen(s) + 1;

	if (n > l->caps[i]) {
		l->caps[i] = n + 16;
		l->times[i] = xreallocarray(l->times[i], l->caps[i], 1);
	}
	memcpy(l->times[i], s, n);
	return l->times[i];
}

/* Folds r, read as seq, into its leaf; returns the leaf's index, and in
 * *keep whether r is the first record of the leaf or of its article. */
static size_t
fold_add(struct group_fold *f, const struct record *r, size_t seq,
    int *keep)
{
	const struct kb_article	*a = r->diagnosis.narticles > 0 ?
				    r->diagnosis.articles[0] : NULL;
	struct group_time	 gt;
	struct stamp		 s;
	struct leaf		*l;
	size_t			 k = fold_leaf(f, r);
	int			 took;

	l = &f->v[k];
	*keep = l->t.count == 0 || seq < l->t.first;
	if (*keep)
		l->t.first = seq;
	l->t.count++;
	if (r->diagnosis.temporary)
		l->t.temporary++;
	else
		l->t.permanent++;
	if (group_time_parse(r->time, &gt) == 0) {
		s.time = r->time;
		s.tkey = gt.key;
		s.seq = seq;
		took = tally_stamp(&l->t, &s);
		if (took & 1)
			l->t.early.time = leaf_time(l, 0, r->time);
		if (took & 2)
			l->t.late.time = leaf_time(l, 1, r->time);
	}
	if (a != NULL && tally_vote(&l->t, a, 1, seq))
		*keep = 1;
	return k;
}

static void
fold_free(struct group_fold *f)
{
	size_t	i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		free(f->v[i].domain);
		free(f->v[i].t.votes);
		free(f->v[i].times[0]);
		free(f->v[i].times[1]);
	}
	free(f->v);
	free(f->tab);
	free(f->dom);
	free(f);
}

/* ------------------------------------------------------------ nodes */

static int
leaf_cmp(const void *x, const void *y)
{
	const struct leaf	*a = *(const struct leaf *const *)x;
	const struct leaf	*b = *(const struct leaf *const *)y;
	int			 c;

	if ((c = strcmp(a->reason, b->reason)) != 0)
		return c;
	if ((c = strcmp(a->codes, b->codes)) != 0)
		return c;
	return strcmp(a->domain, b->domain);
}

/* The key of l at a level. */
static const char *
leaf_key(const struct leaf *l, enum group_level level)
{
	switch (level) {
	case GROUP_REASON:
		return l->reason;
	case GROUP_CODES:
		return l->codes;
	case GROUP_DOMAIN:
		return l->domain;
	default:
		return "";
	}
}

/* Fills the counts, times, article and representative of g from the
 * leaves s[0..n). */
static void
node_fill(struct group *g, struct leaf *const *s, size_t n)
{
	const struct vote	*best;
	struct tally		 t;
	size_t			 i;

	memset(&t, 0, sizeof t);
	for (i = 0; i < n; i++)
		tally_merge(&t, &s[i]->t);
	g->count = t.count;
	g->temporary = t.temporary;
	g->permanent = t.permanent;
	g->lo = n > 0 ? s[0]->lo : 0;
	g->first = t.early.time ? xstrdup(t.early.time) : NULL;
	g->last = t.late.time ? xstrdup(t.late.time) : NULL;
	g->rep = t.count > 0 ? t.first : (size_t)-1;
	if ((best = tally_winner(&t)) != NULL) {
		g->article = best->a;
		g->provider = best->a->provider;
		g->rep = best->first;
	}
	free(t.votes);
}

static int
group_cmp(const void *x, const void *y)
{
	const struct group	*a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* The end of the run of leaves from s[i] with its key at level. */
static size_t
run_end(struct leaf *const *s, size_t i, size_t n, enum group_level level)
{
	size_t	j;

	for (j = i + 1; j < n && strcmp(leaf_key(s[j], level),
	    leaf_key(s[i], level)) == 0; j++)
		continue;
	return j;
}

/* Makes the children of g at level from the sorted leaves s[0..n), one
 * per run of equal key, and theirs below. */
static void
node_split(struct group *g, struct leaf *const *s, size_t n,
    enum group_level level)
{
	struct group	*c;
	size_t		 i, j;

	if (level > GROUP_DOMAIN)
		return;
	for (i = 0; i < n; i = run_end(s, i, n, level))
		g->nchild++;
	g->child = xcalloc(g->nchild ? g->nchild : 1, sizeof *g->child);
	for (i = 0, c = g->child; i < n; i = j, c++) {
		j = run_end(s, i, n, level);
		c->level = level;
		c->key = xstrdup(leaf_key(s[i], level));
		if (level == GROUP_CODES) {
			memcpy(c->reply, s[i]->reply, sizeof c->reply);
			memcpy(c->status, s[i]->status, sizeof c->status);
		}
		node_fill(c, s + i, j - i);
		node_split(c, s + i, j - i, level + 1);
	}
	if (g->nchild > 1)
		qsort(g->child, g->nchild, sizeof *g->child, group_cmp);
}

/* Makes the tree of the leaves of t->fold; leaves the fold to the caller.
 * Each leaf's lo is where its records go in an order by leaf. */
static void
tree_make(struct group_tree *t)
{
	struct group_fold	 *f = t->fold;
	struct leaf		**s;
	size_t			  i, lo = 0;

	s = xreallocarray(NULL, f->n ? f->n : 1, sizeof *s);
	for (i = 0; i < f->n; i++)
		s[i] = &f->v[i];
	qsort(s, f->n, sizeof *s, leaf_cmp);
	for (i = 0; i < f->n; i++) {
		s[i]->lo = lo;
		lo += s[i]->t.count;
	}
	t->root.level = GROUP_ALL;
	t->root.key = xstrdup("");
	node_fill(&t->root, s, f->n);
	node_split(&t->root, s, f->n, GROUP_REASON);
	free(s);
}

void
group_init(struct group_tree *t)
{
	memset(t, 0, sizeof *t);
	t->fold = xcalloc(1, sizeof *t->fold);
	t->fold->tabcap = 64;
	t->fold->tab = xcalloc(t->fold->tabcap, sizeof *t->fold->tab);
}

int
group_add(struct group_tree *t, const struct record *r, size_t seq)
{
	int	keep;

	if (!group_is_failure(r))
		return 0;
	fold_add(t->fold, r, seq, &keep);
	return keep;
}

void
group_finish(struct group_tree *t)
{
	tree_make(t);
	fold_free(t->fold);
	t->fold = NULL;
}

void
group_build(struct group_tree *t, const struct recset *rs)
{
	struct leaf	*l;
	size_t		*of, i;
	int		 keep;

	group_init(t);
	of = xreallocarray(NULL, rs->n ? rs->n : 1, sizeof *of);
	for (i = 0; i < rs->n; i++)
		of[i] = group_is_failure(&rs->v[i]) ?
		    fold_add(t->fold, &rs->v[i], i, &keep) : (size_t)-1;
	tree_make(t);
	/* each leaf's records, in the order of the recset */
	t->order = xreallocarray(NULL, t->root.count ? t->root.count : 1,
	    sizeof *t->order);
	for (i = 0; i < rs->n; i++) {
		if (of[i] == (size_t)-1)
			continue;
		l = &t->fold->v[of[i]];
		t->order[l->lo++] = i;
	}
	free(of);
	fold_free(t->fold);
	t->fold = NULL;
}

static void
node_release(struct group *g)
{
	size_t	i;

	for (i = 0; i < g->nchild; i++)
		node_release(&g->child[i]);
	free(g->child);
	free(g->key);
	free(g->first);
	free(g->last);
}

void
group_release(struct group_tree *t)
{
	node_release(&t->root);
	free(t->order);
	fold_free(t->fold);
	memset(t, 0, sizeof *t);
}
