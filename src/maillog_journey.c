/*
 * maillog_journey.c - join the lines of a log by queue id.
 *
 * Input: parsed lines (struct maillog_line), in log order, with their
 * line number and offset.
 * Output: records (not yet diagnosed) to a sink: one per recipient of a
 * queue id with a failed attempt, one per inbound rejection, made by
 * maillog_emit.c.  The structures are in maillog_journey.h.
 *
 * State: a hash table of the queue ids seen and not yet done, each with
 * its sender, message-id and the journeys of its failing recipients.  A
 * recipient gets a journey at its first failure; a delivery to a
 * recipient without one is looked up and dropped (that is most lines, so
 * it must be cheap: one hash lookup).  A queue id is done at "removed"
 * (Postfix) or "Completed" (Exim); Sendmail says neither, so its journeys
 * end with their final status.  Queue ids that never end (the log starts
 * or stops in the middle, Sendmail) are evicted when the table grows past
 * OPEN_MAX, oldest first, unless a journey is still open in them.
 *
 * Texts are copied (the block they are in is reused); the record's
 * diagnostic and its attempts' texts are raw here: the diagnosis thread
 * unfolds and scans them (maillog.c).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "maillog.h"
#include "maillog_journey.h"
#include "record.h"
#include "xalloc.h"

#define OPEN_MAX	((size_t)1 << 16)	/* queue ids kept idle */
#define ENDED_MAX	64	/* ended journeys waiting for "removed" */

#define MIX	0xff51afd7ed558ccdULL

/* A hash of p[0..n), a word at a time (every queue id of every line is
 * hashed: most are 10 to 16 bytes, two words). */
static uint64_t
hash_bytes(const char *p, size_t n)
{
	const char	*end = p + n;
	uint64_t	 h = 0x9e3779b97f4a7c15ULL * (n + 1), w = 0;

	if (n >= 8) {
		for (; end - p > 8; p += 8) {
			memcpy(&w, p, 8);
			h = (h ^ w) * MIX;
			h ^= h >> 32;
		}
		memcpy(&w, end - 8, 8);		/* overlaps the word before */
	} else
		for (; p < end; p++)
			w = w << 8 | (unsigned char)*p;
	h = (h ^ w) * MIX;
	h ^= h >> 29;
	return h * MIX;
}

static char *
span_dup(struct maillog_span sp)
{
	return maillog_strdup(sp);
}

static int
span_eq(struct maillog_span sp, const char *s)
{
	return s != NULL && sp.p != NULL && strncmp(s, sp.p, sp.n) == 0 &&
	    s[sp.n] == '\0';
}

static void
istr_clear(struct istr *s)
{
	if (s->p != NULL && s->p != s->buf)
		free(s->p);
	s->p = NULL;
}

static void
istr_set(struct istr *s, struct maillog_span sp)
{
	if (sp.p == NULL || span_eq(sp, s->p))
		return;
	istr_clear(s);
	if (sp.n < ISTR_MAX && memchr(sp.p, '\0', sp.n) == NULL) {
		memcpy(s->buf, sp.p, sp.n);	/* the usual case */
		s->buf[sp.n] = '\0';
		s->p = s->buf;
	} else if (sp.n * 3 < ISTR_MAX) {
		maillog_copy(s->buf, sp);
		s->p = s->buf;
	} else
		s->p = span_dup(sp);
}

/* ------------------------------------------------------------- table */

/* a[0..n) == b[0..n), for queue ids: a word or two (the last word
 * overlaps the one before) instead of a call to memcmp(). */
static inline int
qid_eq(const char *a, const char *b, size_t n)
{
	uint64_t	x, y, d = 0;
	size_t		i;

	if (n < 8)
		return memcmp(a, b, n) == 0;
	for (i = 0; i + 8 < n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		d |= x ^ y;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return (d | (x ^ y)) == 0;
}

static size_t
slot_of(const struct maillog_journey *j, struct maillog_span qid,
    uint64_t h)
{
	size_t	i = (size_t)h & (j->cap - 1);

	while (j->tab[i].m != NULL && !(j->tab[i].hash == h &&
	    j->tab[i].m->qlen == qid.n && qid_eq(j->tab[i].m->qid, qid.p,
	    qid.n)))
		i = (i + 1) & (j->cap - 1);
	return i;
}

static void
grow(struct maillog_journey *j)
{
	struct qslot	*old = j->tab;
	size_t		 oldcap = j->cap, i, k;

	j->cap = oldcap ? oldcap * 2 : 1024;
	j->tab = xcalloc(j->cap, sizeof *j->tab);
	for (i = 0; i < oldcap; i++) {
		if (old[i].m == NULL)
			continue;
		for (k = (size_t)old[i].hash & (j->cap - 1); j->tab[k].m !=
		    NULL; k = (k + 1) & (j->cap - 1))
			continue;
		j->tab[k] = old[i];
	}
	free(old);
}

/* The queue id qid whose hash is h, or NULL. */
static struct mq *
find(struct maillog_journey *j, struct maillog_span qid, uint64_t h)
{
	return j->cap ? j->tab[slot_of(j, qid, h)].m : NULL;
}

/* A queue id from the pool, as new.  What mq_free() leaves in the pool
 * is clear but for the fields set here, and the notes beyond nnotes are
 * always clear: a message has a few lines, and clearing all of struct
 * mq for each costs more than reading them. */
static struct mq *
mq_new(struct maillog_journey *j)
{
	struct mq	*m;

	if ((m = j->pool) == NULL)
		return xcalloc(1, sizeof *m);
	j->pool = m->next_free;
	m->next_free = NULL;
	m->sender.p = m->msgid.p = NULL;
	memset(&m->sref, 0, sizeof m->sref);
	memset(&m->mref, 0, sizeof m->mref);
	m->nnotes = 0;
	m->journeys = NULL;
	m->nended = 0;
	m->last = 0;
	return m;
}

static struct mq *
get(struct maillog_journey *j, struct maillog_span qid, uint64_t h)
{
	size_t		 i;
	struct mq	*m;

	if ((j->count + 1) * 2 > j->cap)
		grow(j);
	i = slot_of(j, qid, h);
	if ((m = j->tab[i].m) == NULL) {
		m = mq_new(j);
		j->tab[i].m = m;
		j->tab[i].hash = h;
		m->hash = h;
		m->qlen = qid.n < sizeof m->qid ? qid.n : sizeof m->qid - 1;
		memcpy(m->qid, qid.p, m->qlen);
		m->qid[m->qlen] = '\0';
		j->count++;
	}
	return m;
}

/* Removes slot i, shifting later entries back (linear probing). */
static void
unslot(struct maillog_journey *j, size_t i)
{
	size_t	k = i, home;

	j->tab[i].m = NULL;
	j->count--;
	for (;;) {
		k = (k + 1) & (j->cap - 1);
		if (j->tab[k].m == NULL)
			return;
		home = (size_t)j->tab[k].hash & (j->cap - 1);
		/* move it back unless its home lies in (i, k] */
		if (i <= k ? (home <= i || home > k) : (home <= i && home > k)) {
			j->tab[i] = j->tab[k];
			j->tab[k].m = NULL;
			i = k;
		}
	}
}

/* ------------------------------------------------------ open journeys */

static uint64_t
open_hash(const struct mq *m, struct maillog_span rcpt)
{
	uint64_t	h = m->hash * 0x9e3779b97f4a7c15ULL;

	return h ^ (rcpt.p != NULL ? hash_bytes(rcpt.p, rcpt.n) : 0);
}

static void
open_grow(struct maillog_journey *j)
{
	struct open_slot	*old = j->open;
	size_t			 oldcap = j->opencap, i, k;

	j->opencap = oldcap ? oldcap * 2 : 256;
	j->open = xcalloc(j->opencap, sizeof *j->open);
	for (i = 0; i < oldcap; i++) {
		if (old[i].r == NULL)
			continue;
		for (k = (size_t)old[i].hash & (j->opencap - 1);
		    j->open[k].r != NULL; k = (k + 1) & (j->opencap - 1))
			continue;
		j->open[k] = old[i];
	}
	free(old);
}

/* The open journey of rcpt in m, or NULL. */
static struct jr *
open_find(struct maillog_journey *j, struct mq *m, struct maillog_span rcpt)
{
	uint64_t	 h = open_hash(m, rcpt);
	size_t		 i;
	struct jr	*r;

	if (j->opencap == 0)
		return NULL;
	for (i = (size_t)h & (j->opencap - 1); (r = j->open[i].r) != NULL;
	    i = (i + 1) & (j->opencap - 1))
		if (j->open[i].hash == h && r->m == m && (rcpt.p == NULL ?
		    r->rcpt == NULL : span_eq(rcpt, r->rcpt)))
			return r;
	return NULL;
}

static void
open_add(struct maillog_journey *j, struct jr *r, struct maillog_span rcpt)
{
	size_t	i;

	if ((j->nopen + 1) * 2 > j->opencap)
		open_grow(j);
	r->hash = open_hash(r->m, rcpt);
	for (i = (size_t)r->hash & (j->opencap - 1); j->open[i].r != NULL;
	    i = (i + 1) & (j->opencap - 1))
		continue;
	j->open[i].hash = r->hash;
	j->open[i].r = r;
	j->nopen++;
}

/* Takes r out of the open table (backward-shift deletion). */
static void
open_del(struct maillog_journey *j, struct jr *r)
{
	size_t	i, k, home;

	for (i = (size_t)r->hash & (j->opencap - 1); j->open[i].r != r;
	    i = (i + 1) & (j->opencap - 1))
		if (j->open[i].r == NULL)
			return;
	j->open[i].r = NULL;
	j->nopen--;
	for (k = i;;) {
		k = (k + 1) & (j->opencap - 1);
		if (j->open[k].r == NULL)
			return;
		home = (size_t)j->open[k].hash & (j->opencap - 1);
		if (i <= k ? (home <= i || home > k) : (home <= i && home > k)) {
			j->open[i] = j->open[k];
			j->open[k].r = NULL;
			i = k;
		}
	}
}

/* ---------------------------------------------------------- freeing */

static void
attempt_free(struct attempt *a)
{
	free(a->stamp);
	free(a->text);
	free(a->copy);
}

static void
jr_free(struct maillog_journey *j, struct jr *r)
{
	size_t	i;

	if (r->final == MAILLOG_ST_NONE)
		open_del(j, r);
	for (i = 0; i < r->n; i++)
		attempt_free(&r->v[i]);
	free(r->v);
	free(r->rcpt);
	free(r->orig);
	free(r->relay);
	free(r->delays);
	free(r);
}

/* Frees what m holds and keeps m itself for reuse. */
static void
mq_free(struct maillog_journey *j, struct mq *m)
{
	struct jr	*r;
	size_t		 i;

	while ((r = m->journeys) != NULL) {
		m->journeys = r->next;
		jr_free(j, r);
	}
	for (i = 0; i < m->nnotes; i++) {
		free(m->notes[i].copy);
		memset(&m->notes[i], 0, sizeof m->notes[i]);
	}
	free(m->sref.copy);
	free(m->mref.copy);
	istr_clear(&m->sender);
	istr_clear(&m->msgid);
	m->next_free = j->pool;
	j->pool = m;
}

/* Hands out every journey of m (in the order they began) and frees m. */
static void
done(struct maillog_journey *j, size_t slot)
{
	struct mq	*m = j->tab[slot].m;
	struct jr	*r, *rev = NULL;

	unslot(j, slot);
	while ((r = m->journeys) != NULL) {
		m->journeys = r->next;
		r->next = rev;
		rev = r;
	}
	while ((r = rev) != NULL) {
		rev = r->next;
		maillog_emit_journey(j, m, r);
		jr_free(j, r);
	}
	mq_free(j, m);
}

/* ------------------------------------------------------------ feeding */

static void
set_ref(struct maillog_journey *j, struct ref *f, unsigned long lineno,
    off_t off, const char *p, size_t n)
{
	free(f->copy);
	f->line = lineno;
	f->off = off;
	f->len = n;
	f->copy = j->seekable ? NULL : maillog_strdup((struct maillog_span){
	    p, n });
}

static void
set_str(char **dst, struct maillog_span sp)
{
	if (sp.p == NULL || span_eq(sp, *dst))
		return;
	free(*dst);
	*dst = span_dup(sp);
}

/* The open journey of rcpt in m (matching the original address too, as
 * Exim writes "=> user <user@example.org>" for a local delivery). */
static struct jr *
journey_of(struct maillog_journey *j, struct mq *m, struct maillog_span rcpt,
    struct maillog_span orig)
{
	struct jr	*r;

	if ((r = open_find(j, m, rcpt)) == NULL && orig.p != NULL)
		r = open_find(j, m, orig);
	return r;
}

static void	settle(struct maillog_journey *j, struct mq *m);

static void
add_attempt(struct maillog_journey *j, struct jr *r,
    const struct maillog_line *l, unsigned long lineno, off_t off,
    const char *p, size_t n)
{
	struct attempt	*a;

	if (r->n == ATTEMPTS_MAX) {
		/* keep the first and the latest: drop the oldest of these */
		attempt_free(&r->v[ATTEMPTS_FIRST]);
		memmove(&r->v[ATTEMPTS_FIRST], &r->v[ATTEMPTS_FIRST + 1],
		    (r->n - ATTEMPTS_FIRST - 1) * sizeof *r->v);
		r->n--;
		r->dropped++;
	}
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 2;
		r->v = xreallocarray(r->v, r->cap, sizeof *r->v);
	}
	a = &r->v[r->n++];
	memset(a, 0, sizeof *a);
	a->st = l->status;
	a->line = lineno;
	a->off = off;
	a->len = n;
	a->stamp = span_dup(l->stamp);
	a->text = span_dup(l->text);
	a->copy = j->seekable ? NULL : maillog_strdup((struct maillog_span){
	    p, n });
	/* dsn= is kept if it is an enhanced status code (it stands for the
	 * record's when its text has none, and is shown) */
	if (l->dsn.p != NULL && l->dsn.n < sizeof a->dsn &&
	    findings_status_len(l->dsn.p, l->dsn.n) == l->dsn.n)
		memcpy(a->dsn, l->dsn.p, l->dsn.n);
	set_str(&r->relay, l->relay);
	set_str(&r->delays, l->delays);
	if (l->status == MAILLOG_DEFERRED)
		return;
	/* ended: it waits for its queue file's end, a few at most */
	open_del(j, r);
	r->final = l->status;
	if (++r->m->nended > ENDED_MAX)
		settle(j, r->m);
}

/* Hands out the journeys of m that have ended (Sendmail: no "removed"
 * will come; or too many are waiting for it). */
static void
settle(struct maillog_journey *j, struct mq *m)
{
	struct jr	**pp = &m->journeys, *r, *ended = NULL;

	m->nended = 0;
	while ((r = *pp) != NULL) {
		if (r->final == MAILLOG_ST_NONE) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		r->next = ended;
		ended = r;
	}
	while ((r = ended) != NULL) {
		ended = r->next;
		maillog_emit_journey(j, m, r);
		jr_free(j, r);
	}
}

/* One attempt for one recipient (of several in a Sendmail to=). */
static void
deliver_one(struct maillog_journey *j, struct mq *m,
    const struct maillog_line *l, struct maillog_span rcpt,
    unsigned long lineno, off_t off, const char *p, size_t n)
{
	struct jr	*r;

	if ((r = journey_of(j, m, rcpt, l->orig_recipient)) == NULL) {
		if (l->status == MAILLOG_SENT)
			return;
		r = xcalloc(1, sizeof *r);
		r->m = m;
		r->rcpt = span_dup(rcpt);
		r->orig = span_dup(l->orig_recipient);
		r->next = m->journeys;
		m->journeys = r;
		open_add(j, r, rcpt);
	}
	add_attempt(j, r, l, lineno, off, p, n);
}

static void
delivery(struct maillog_journey *j, const struct maillog_line *l,
    uint64_t h, unsigned long lineno, off_t off, const char *p, size_t n)
{
	struct mq		*m;
	struct maillog_span	 rcpt = l->recipient, one;
	const char		*e, *end;

	if (l->status == MAILLOG_SENT) {
		/* the common case: nothing failed before */
		if ((m = find(j, l->queue_id, h)) == NULL ||
		    m->journeys == NULL)
			return;
	} else
		m = get(j, l->queue_id, h);
	m->last = lineno;
	end = rcpt.p != NULL ? rcpt.p + rcpt.n : NULL;
	/* Sendmail: "to=<a>,<b>" (the outer <> already gone) */
	while (rcpt.p != NULL && (e = maillog_find(rcpt.p, (size_t)(end -
	    rcpt.p), ">,<", 3)) != NULL) {
		one.p = rcpt.p;
		one.n = (size_t)(e - rcpt.p);
		deliver_one(j, m, l, one, lineno, off, p, n);
		rcpt.p = e + 3;
		rcpt.n = (size_t)(end - rcpt.p);
	}
	deliver_one(j, m, l, rcpt, lineno, off, p, n);
	if (l->mta == MAILLOG_SENDMAIL)
		settle(j, m);
}

/* Postfix qmgr: every open journey of the message expired. */
static void
expired(struct maillog_journey *j, const struct maillog_line *l,
    uint64_t h, unsigned long lineno, off_t off, const char *p, size_t n)
{
	struct mq		*m = get(j, l->queue_id, h);
	struct jr		*r, **open = NULL;
	struct maillog_span	 none = { NULL, 0 };
	size_t			 k = 0, i;

	istr_set(&m->sender, l->sender);
	/* each open journey ends (ending may hand out and free ended ones,
	 * so they are taken first) */
	for (r = m->journeys; r != NULL; r = r->next)
		if (r->final == MAILLOG_ST_NONE) {
			open = xreallocarray(open, k + 1, sizeof *open);
			open[k++] = r;
		}
	for (i = 0; i < k; i++)
		add_attempt(j, open[i], l, lineno, off, p, n);
	free(open);
	if (k == 0)	/* its deferrals were before the log began */
		deliver_one(j, m, l, none, lineno, off, p, n);
}

/* Makes room: drops idle queue ids (no open journey), oldest first. */
static void
evict(struct maillog_journey *j, unsigned long lineno)
{
	unsigned long	 horizon;
	size_t		 i, k, n = 0;
	struct mq	*m, **idle;

	/* the idle ones first, then out: taking an entry out moves others
	 * back, and a pass that took them out as it went would miss some */
	horizon = lineno > OPEN_MAX * 4 ? lineno - OPEN_MAX * 4 : 0;
	idle = xreallocarray(NULL, j->count + 1, sizeof *idle);
	for (i = 0; i < j->cap; i++)
		if ((m = j->tab[i].m) != NULL && m->journeys == NULL &&
		    m->last < horizon)
			idle[n++] = m;
	for (k = 0; k < n; k++) {
		m = idle[k];
		unslot(j, slot_of(j, (struct maillog_span){ m->qid, m->qlen },
		    m->hash));
		mq_free(j, m);
	}
	free(idle);
	j->limit = j->count * 2 > OPEN_MAX ? j->count * 2 : OPEN_MAX;
}

void
maillog_journey_feed(struct maillog_journey *j, const struct maillog_line *l,
    unsigned long lineno, off_t off, const char *p, size_t n)
{
	struct mq	*m;
	uint64_t	 h = 0;
	size_t		 i;

	if (l->queue_id.p != NULL)
		h = hash_bytes(l->queue_id.p, l->queue_id.n);
	switch (l->event) {
	case MAILLOG_EV_DELIVERY:
		if (l->queue_id.p != NULL)
			delivery(j, l, h, lineno, off, p, n);
		break;
	case MAILLOG_EV_SENDER:
	case MAILLOG_EV_MESSAGE_ID:
		m = get(j, l->queue_id, h);
		m->last = lineno;
		istr_set(&m->sender, l->sender);
		istr_set(&m->msgid, l->message_id);
		if (l->event == MAILLOG_EV_SENDER)
			set_ref(j, &m->sref, lineno, off, p, n);
		else
			set_ref(j, &m->mref, lineno, off, p, n);
		break;
	case MAILLOG_EV_EXPIRED:
		expired(j, l, h, lineno, off, p, n);
		break;
	case MAILLOG_EV_DONE:
		if (j->cap > 0 && j->tab[i = slot_of(j, l->queue_id, h)].m !=
		    NULL)
			done(j, i);
		break;
	case MAILLOG_EV_REJECT:
		m = l->sender.p == NULL && l->queue_id.p != NULL ?
		    find(j, l->queue_id, h) : NULL;
		maillog_emit_reject(j, l, m != NULL ? m->sender.p : NULL,
		    lineno, off, p, n);
		break;
	case MAILLOG_EV_NOTE:
		if ((m = find(j, l->queue_id, h)) != NULL &&
		    m->nnotes < NOTES_MAX)
			set_ref(j, &m->notes[m->nnotes++], lineno, off, p, n);
		break;
	default:
		break;
	}
	if (j->count > j->limit)
		evict(j, lineno);
}

struct maillog_journey *
maillog_journey_new(const char *name, int seekable,
    const struct maillog_sink *out)
{
	struct maillog_journey	*j = xcalloc(1, sizeof *j);

	j->name = name;
	j->seekable = seekable;
	j->out = out;
	j->limit = OPEN_MAX;
	return j;
}

static int
cmp_first_line(const void *a, const void *b)
{
	const struct mq	*x = *(struct mq *const *)a,
			*y = *(struct mq *const *)b;
	unsigned long	 lx = x->journeys->v[0].line,
			 ly = y->journeys->v[0].line;
	struct jr	*r;

	for (r = x->journeys; r != NULL; r = r->next)
		lx = r->v[0].line < lx ? r->v[0].line : lx;
	for (r = y->journeys; r != NULL; r = r->next)
		ly = r->v[0].line < ly ? r->v[0].line : ly;
	return lx < ly ? -1 : lx > ly;
}

void
maillog_journey_finish(struct maillog_journey *j)
{
	struct mq	**open;
	size_t		  n = 0, i;

	/* the journeys still open, oldest first */
	open = xreallocarray(NULL, j->count + 1, sizeof *open);
	for (i = 0; i < j->cap; i++)
		if (j->tab[i].m != NULL && j->tab[i].m->journeys != NULL)
			open[n++] = j->tab[i].m;
	qsort(open, n, sizeof *open, cmp_first_line);
	for (i = 0; i < n; i++)
		/* qlen, not strlen(): a queue id may hold a NUL byte */
		done(j, slot_of(j, (struct maillog_span){ open[i]->qid,
		    open[i]->qlen }, open[i]->hash));
	free(open);
	maillog_journey_free(j);
}

void
maillog_journey_free(struct maillog_journey *j)
{
	struct mq	*m;
	size_t		 i;

	if (j == NULL)
		return;
	for (i = 0; i < j->cap; i++)
		if (j->tab[i].m != NULL)
			mq_free(j, j->tab[i].m);
	while ((m = j->pool) != NULL) {
		j->pool = m->next_free;
		free(m);
	}
	free(j->att);
	free(j->lines);
	free(j->scratch);
	free(j->open);
	free(j->tab);
	free(j);
}
