/*
 * summary.c - fold streaming records into the grouped summary.
 *
 * Input: records, one at a time (input_each()).  Output: a group_tree
 * and the few records it refers to (summary.h).
 *
 * Records alike in everything the grouping looks at - reason, codes,
 * recipient domain, first article and class (temporary or permanent) -
 * fall in one cell.  Whatever group_build() would compute over a cell's
 * records depends only on its count and on three of them: the first (the
 * representative, and the first record of its article), the earliest and
 * the latest in time (the group's first and last; ties go to the first
 * and the last read, as in group_build()).  A cell keeps those three and
 * a count.  At the end the kept records, in the order they came, go
 * through group_build(), and each node's counts, classes and article
 * vote are redone with every kept record weighed as the records it
 * stands for; children are sorted again as group_build() sorts them.
 * The keys are made the way group.c makes them (domain_of(), the codes),
 * and tests/check_summary.c checks that both give the same tree.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group.h"
#include "kb.h"
#include "maillog.h"
#include "record.h"
#include "summary.h"
#include "xalloc.h"

/* A record kept by one or more cells' roles. */
struct kept {
	struct record	 r;
	size_t		 seq;		/* order read */
	int		 refs;
	size_t		 idx;		/* in the output recset */
};

struct cell {
	uint64_t	 hash;
	char		*key;		/* NULL: the slot is empty */
	size_t		 count;
	struct kept	*first, *early, *late;
	long long	 etkey, ltkey;
};

struct summary {
	struct cell	*tab;
	size_t		 cap, count;
	size_t		 seq;
	struct recset	 names;		/* interned sources */
	char		*key;		/* cell_key() */
	size_t		 keycap;
};

struct summary *
summary_new(void)
{
	struct summary	*s = xcalloc(1, sizeof *s);

	s->cap = 256;
	s->tab = xcalloc(s->cap, sizeof *s->tab);
	recset_init(&s->names);
	return s;
}

static uint64_t
hash_str(const char *p)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	while (*p != '\0')
		h = (h ^ (unsigned char)*p++) * 0x100000001b3ULL;
	return h;
}

/*
 * The cell key of r into s->key: reason, codes, domain, article and
 * class, as group.c makes them (the domain: "Bob@AOL.example>" gives
 * "aol.example", no '@' gives "").
 */
static const char *
cell_key(struct summary *s, const struct record *r)
{
	const struct kb_article	*a = r->diagnosis.narticles > 0 ?
				    r->diagnosis.articles[0] : NULL;
	const char		*reason = r->diagnosis.reason ?
				    r->diagnosis.reason : "undefined";
	const char		*at = NULL;
	size_t			 n = 0, need, k, i;

	if (r->recipient != NULL && (at = strrchr(r->recipient, '@')) != NULL) {
		at++;
		n = strcspn(at, "> \t;,)");
		while (n > 0 && at[n - 1] == '.')
			n--;
	}
	need = strlen(reason) + n + 64;
	if (need > s->keycap) {
		free(s->key);
		s->keycap = need * 2;
		s->key = xmalloc(s->keycap);
	}
	k = (size_t)snprintf(s->key, s->keycap, "%s\037%s%s%s\037", reason,
	    r->reply, r->reply[0] && r->status[0] ? " " : "", r->status);
	for (i = 0; i < n; i++)
		s->key[k++] = (char)tolower((unsigned char)at[i]);
	snprintf(s->key + k, s->keycap - k, "\037%p\037%d", (const void *)a,
	    r->diagnosis.temporary);
	return s->key;
}

static struct cell *
slot(struct summary *s, const char *key, uint64_t h)
{
	size_t	i = (size_t)h & (s->cap - 1);

	while (s->tab[i].key != NULL && (s->tab[i].hash != h ||
	    strcmp(s->tab[i].key, key) != 0))
		i = (i + 1) & (s->cap - 1);
	return &s->tab[i];
}

static void
grow(struct summary *s)
{
	struct cell	*old = s->tab;
	size_t		 oldcap = s->cap, i;

	s->cap *= 2;
	s->tab = xcalloc(s->cap, sizeof *s->tab);
	for (i = 0; i < oldcap; i++)
		if (old[i].key != NULL)
			*slot(s, old[i].key, old[i].hash) = old[i];
	free(old);
}

static void
unref(struct kept *k)
{
	if (k != NULL && --k->refs == 0) {
		record_release(&k->r);
		free(k);
	}
}

/* A copy of the lent record r, kept. */
static struct kept *
keep(struct summary *s, const struct record *r, size_t seq)
{
	struct kept	*k = xcalloc(1, sizeof *k);

	k->r = *r;
	maillog_record_own(&k->r);
	k->r.source = recset_intern(&s->names, r->source);
	k->seq = seq;
	return k;
}

void
summary_add(struct summary *s, struct record *r)
{
	struct group_time	 t;
	struct cell		*c;
	struct kept		*k = NULL;
	const char		*key;
	uint64_t		 h;
	size_t			 seq = s->seq++;
	int			 timed, first, early, late;

	if (!group_is_failure(r))
		return;
	key = cell_key(s, r);
	h = hash_str(key);
	if ((c = slot(s, key, h))->key == NULL) {
		c->key = xstrdup(key);
		c->hash = h;
		if (++s->count * 2 > s->cap) {
			grow(s);	/* c moves */
			c = slot(s, key, h);
		}
	}
	c->count++;
	timed = group_time_parse(r->time, &t) == 0;
	first = c->first == NULL;
	early = timed && (c->early == NULL || t.key < c->etkey);
	late = timed && (c->late == NULL || t.key >= c->ltkey);
	if (!first && !early && !late)
		return;
	k = keep(s, r, seq);
	if (first) {
		c->first = k;
		k->refs++;
	}
	if (early) {
		unref(c->early);
		c->early = k;
		c->etkey = t.key;
		k->refs++;
	}
	if (late) {
		unref(c->late);
		c->late = k;
		c->ltkey = t.key;
		k->refs++;
	}
}

/* ------------------------------------------------------------ finish */

struct vote {
	const struct kb_article	*a;
	size_t			 weight;
	size_t			 first;		/* lowest index */
};

/* Redoes the counts and the article vote of g and below, every record
 * weighed w[idx]; then sorts the children as group_build() does. */
static void
reweigh(struct group *g, const struct recset *rs, const size_t *order,
    const size_t *w)
{
	const struct kb_article	*a;
	struct vote		*v, *best = NULL;
	size_t			 i, k, nv = 0, idx, n = g->count;

	v = xreallocarray(NULL, n ? n : 1, sizeof *v);
	g->count = g->temporary = g->permanent = 0;
	g->rep = (size_t)-1;
	for (i = 0; i < n; i++) {
		idx = order[g->lo + i];
		g->count += w[idx];
		if (rs->v[idx].diagnosis.temporary)
			g->temporary += w[idx];
		else
			g->permanent += w[idx];
		if (idx < g->rep)
			g->rep = idx;
		if ((a = rs->v[idx].diagnosis.narticles > 0 ?
		    rs->v[idx].diagnosis.articles[0] : NULL) == NULL)
			continue;
		for (k = 0; k < nv && v[k].a != a; k++)
			continue;
		if (k == nv) {
			v[nv].a = a;
			v[nv].weight = 0;
			v[nv++].first = idx;
		}
		v[k].weight += w[idx];
		if (idx < v[k].first)
			v[k].first = idx;
	}
	for (k = 0; k < nv; k++)
		if (best == NULL || v[k].weight > best->weight ||
		    (v[k].weight == best->weight && v[k].first < best->first))
			best = &v[k];
	g->article = best ? best->a : NULL;
	g->provider = best ? best->a->provider : NULL;
	if (best != NULL)
		g->rep = best->first;
	free(v);
	for (i = 0; i < g->nchild; i++)
		reweigh(&g->child[i], rs, order, w);
}

static int
child_cmp(const void *x, const void *y)
{
	const struct group	*a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->key, b->key);
}

static void
resort(struct group *g)
{
	size_t	i;

	if (g->nchild > 1)
		qsort(g->child, g->nchild, sizeof *g->child, child_cmp);
	for (i = 0; i < g->nchild; i++)
		resort(&g->child[i]);
}

static int
seq_cmp(const void *x, const void *y)
{
	const struct kept	*a = *(struct kept *const *)x;
	const struct kept	*b = *(struct kept *const *)y;

	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Adds k to v[] unless there (its refs are the roles it has). */
static void
gather(struct kept **v, size_t *n, struct kept *k)
{
	size_t	i;

	if (k == NULL)
		return;
	for (i = 0; i < *n; i++)
		if (v[i] == k)
			return;
	v[(*n)++] = k;
}

void
summary_finish(struct summary *s, struct recset *rs, struct group_tree *t)
{
	struct kept	**v;
	struct cell	 *c;
	struct record	 *r;
	size_t		 *w, n = 0, i, k, mine;

	v = xreallocarray(NULL, s->count * 3 + 1, sizeof *v);
	for (i = 0; i < s->cap; i++) {
		c = &s->tab[i];
		if (c->key == NULL)
			continue;
		gather(v, &n, c->first);
		gather(v, &n, c->early);
		gather(v, &n, c->late);
	}
	qsort(v, n, sizeof *v, seq_cmp);
	for (i = 0; i < n; i++) {
		r = recset_add(rs);
		*r = v[i]->r;
		r->source = recset_intern(rs, v[i]->r.source);
		v[i]->idx = i;
	}
	/* a cell's count goes to its first record, one to each other kept */
	w = xcalloc(n ? n : 1, sizeof *w);
	for (i = 0; i < s->cap; i++) {
		c = &s->tab[i];
		if (c->key == NULL)
			continue;
		mine = 1 + (c->early != NULL && c->early != c->first) +
		    (c->late != NULL && c->late != c->first &&
		    c->late != c->early);
		w[c->first->idx] += c->count - (mine - 1);
		if (c->early != NULL && c->early != c->first)
			w[c->early->idx] += 1;
		if (c->late != NULL && c->late != c->first &&
		    c->late != c->early)
			w[c->late->idx] += 1;
		free(c->key);
		c->key = NULL;
	}
	group_build(t, rs);
	reweigh(&t->root, rs, t->order, w);
	resort(&t->root);
	for (k = 0; k < n; k++)
		free(v[k]);	/* the records moved into rs */
	free(v);
	free(w);
	s->count = 0;
}

void
summary_free(struct summary *s)
{
	size_t	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->cap; i++) {
		if (s->tab[i].key == NULL)
			continue;
		unref(s->tab[i].first);
		unref(s->tab[i].early);
		unref(s->tab[i].late);
		free(s->tab[i].key);
	}
	free(s->tab);
	free(s->key);
	recset_release(&s->names);
	free(s);
}
