/*
 * summary.c - the grouped failures of streaming records, with the few
 * records the tree names as representatives.
 *
 * Input: records, one at a time (input_each()), lent.  Output: a
 * group_tree and a recset of the records it refers to (summary.h).
 *
 * The grouping is group.c's: each record is folded into the tree with
 * group_add(), which keeps counts, times and article votes but no
 * record.  A record is copied here only when group_add() says the tree
 * may name it as a representative (the first of its domain node, or the
 * first there with its article), so the copies grow with the number of
 * groups, not of failures.  At the end the tree's representatives, given
 * as sequence numbers, are turned into indexes of the kept records.
 */
#include "config.h"

#include <assert.h>
#include <stdlib.h>

#include "group.h"
#include "maillog.h"
#include "record.h"
#include "summary.h"
#include "xalloc.h"

struct summary {
	struct group_tree	 t;
	struct recset		 kept;	/* in the order read */
	size_t			*seqs;	/* the sequence number of each */
	size_t			 cap;
	size_t			 seq;	/* of the next record */
};

struct summary *
summary_new(void)
{
	struct summary	*s = xcalloc(1, sizeof *s);

	group_init(&s->t);
	recset_init(&s->kept);
	return s;
}

void
summary_add(struct summary *s, struct record *r)
{
	size_t		 seq = s->seq++;

	if (!group_add(&s->t, r, seq))
		return;
	if (s->kept.n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->seqs = xreallocarray(s->seqs, s->cap, sizeof *s->seqs);
	}
	s->seqs[s->kept.n] = seq;
	maillog_record_to_recset(r, &s->kept);
}

static int
seq_cmp(const void *x, const void *y)
{
	size_t	a = *(const size_t *)x, b = *(const size_t *)y;

	return a < b ? -1 : a > b;
}

/* Turns the sequence numbers of g and below into indexes of the kept
 * records (every representative is one of them). */
static void
renumber(struct group *g, const size_t *seqs, size_t n)
{
	const size_t	*p;
	size_t		 i;

	if (g->count > 0) {
		p = bsearch(&g->rep, seqs, n, sizeof *seqs, seq_cmp);
		assert(p != NULL);
		g->rep = (size_t)(p - seqs);
	}
	for (i = 0; i < g->nchild; i++)
		renumber(&g->child[i], seqs, n);
}

void
summary_finish(struct summary *s, struct recset *rs, struct group_tree *t)
{
	group_finish(&s->t);
	renumber(&s->t.root, s->seqs, s->kept.n);
	*t = s->t;
	*rs = s->kept;
	free(s->seqs);
	s->seqs = NULL;
	s->cap = 0;
	s->seq = 0;
	group_init(&s->t);
	recset_init(&s->kept);
}

void
summary_free(struct summary *s)
{
	if (s == NULL)
		return;
	group_release(&s->t);
	recset_release(&s->kept);
	free(s->seqs);
	free(s);
}
