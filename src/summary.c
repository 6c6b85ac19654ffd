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
 * and the last read, as in group_build()).  A cell keeps a copy of its
 * first record, a count, and the time and place in the order of its
 * earliest and latest, which stand in for them at the end as copies of
 * the first with their times (nothing else of theirs is looked at).
 * At the end the kept records, in the order they came, go
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
	size_t		 idx;		/* summary_finish(): its weight */
};

/* The earliest or latest record of a cell: only what the tree takes from
 * it (its time and place in the order); the rest is the first record's. */
struct mark {
	int		 set;
	size_t		 seq;
	long long	 tkey;
	char		*time;		/* owned, reused */
	size_t		 timecap;
};

struct cell {
	uint64_t	 hash;
	char		*key;		/* NULL: the slot is empty */
	size_t		 count;
	struct kept	*first;
	struct mark	 early, late;
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

static void
mark(struct mark *m, size_t seq, long long tkey, const char *time)
{
	size_t	n = strlen(time) + 1;

	if (n > m->timecap) {
		free(m->time);
		m->timecap = n + 32;
		m->time = xmalloc(m->timecap);
	}
	memcpy(m->time, time, n);
	m->set = 1;
	m->seq = seq;
	m->tkey = tkey;
}

void
summary_add(struct summary *s, struct record *r)
{
	struct group_time	 t;
	struct cell		*c;
	const char		*key;
	uint64_t		 h;
	size_t			 seq = s->seq++;

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
	if (c->first == NULL) {
		c->first = keep(s, r, seq);
		c->first->refs = 1;
	}
	if (group_time_parse(r->time, &t) != 0)
		return;
	if (!c->early.set || t.key < c->early.tkey)
		mark(&c->early, seq, t.key, r->time);
	if (!c->late.set || t.key >= c->late.tkey)
		mark(&c->late, seq, t.key, r->time);
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

/* A stand-in for the earliest or latest record of c: the first record
 * with the other one's time and place. */
static struct kept *
stand_in(const struct cell *c, const struct mark *m)
{
	const struct record	*f = &c->first->r;
	struct kept		*k = xcalloc(1, sizeof *k);

	k->seq = m->seq;
	k->refs = 1;
	k->r.source = f->source;
	k->r.line = f->line;
	memcpy(k->r.reply, f->reply, sizeof k->r.reply);
	memcpy(k->r.status, f->status, sizeof k->r.status);
	k->r.phase = f->phase;
	k->r.diagnosis = f->diagnosis;
	k->r.recipient = f->recipient ? xstrdup(f->recipient) : NULL;
	k->r.action = f->action ? xstrdup(f->action) : NULL;
	k->r.time = xstrdup(m->time);
	return k;
}

void
summary_finish(struct summary *s, struct recset *rs, struct group_tree *t)
{
	struct kept	**v;
	struct cell	 *c;
	struct record	 *r;
	size_t		 *w, n = 0, i, k, mine;

	v = xreallocarray(NULL, s->count * 3 + 1, sizeof *v);
	w = xcalloc(s->count * 3 + 1, sizeof *w);
	/* a cell's count goes to its first record, one to each other kept;
	 * w is by cell order here, moved to record order below */
	for (i = 0; i < s->cap; i++) {
		c = &s->tab[i];
		if (c->key == NULL)
			continue;
		mine = n;
		v[n++] = c->first;
		if (c->early.set && c->early.seq != c->first->seq)
			v[n++] = stand_in(c, &c->early);
		if (c->late.set && c->late.seq != c->first->seq &&
		    (!c->early.set || c->late.seq != c->early.seq))
			v[n++] = stand_in(c, &c->late);
		c->first->idx = c->count - (n - mine - 1);
		for (k = mine + 1; k < n; k++)
			v[k]->idx = 1;
		c->first = NULL;
		free(c->early.time);
		free(c->late.time);
		free(c->key);
		memset(c, 0, sizeof *c);
	}
	/* idx held each record's weight: now in the order they came */
	qsort(v, n, sizeof *v, seq_cmp);
	for (i = 0; i < n; i++) {
		w[i] = v[i]->idx;
		r = recset_add(rs);
		*r = v[i]->r;
		r->source = recset_intern(rs, v[i]->r.source);
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
		free(s->tab[i].early.time);
		free(s->tab[i].late.time);
		free(s->tab[i].key);
	}
	free(s->tab);
	free(s->key);
	recset_release(&s->names);
	free(s);
}
