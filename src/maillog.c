/*
 * maillog.c - stream a mail log, cut it into lines, have each parsed
 * (maillog_line.c) and hand the lines that matter to the joiner; pack the
 * joiner's records and diagnose them in a second thread.
 *
 * Input: a struct source_stream (plain or gzip, file or pipe).
 * Output: records through a struct maillog_sink (maillog.h).
 *
 * Speed is the point of this file.  The log is read with read(2) into one
 * reused buffer of MAILLOG_BLOCK bytes; lines are found with memchr() and
 * parsed in place, and the few that matter (deliveries, senders, rejects)
 * are turned into small copies by the joiner.  Diagnosis (the knowledge
 * base, the slow part) runs in a second thread, fed batches of records
 * through a short queue, so reading and diagnosing overlap on two cores.
 *
 * A line parse never fails: what is not a line of a known MTA, or not one
 * that says something about a delivery, is MAILLOG_EV_NONE and skipped.
 * A line longer than MAILLOG_LINE_MAX is reported once per file and only
 * its first MAILLOG_LINE_MAX bytes parsed.
 *
 * Cancellation: the caller may run this in a thread it cancels (the TUI's
 * loader).  Cancellation is allowed only inside source_read(); a cleanup
 * handler then stops the diagnosis thread and frees everything.
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "maillog.h"
#include "record.h"
#include "source.h"
#include "xalloc.h"

#define MAILLOG_BLOCK	((size_t)1 << 17)
#define BATCH_RECORDS	64
#define QUEUE_BATCHES	8

/* ------------------------------------------------------------ packing */

/* The string fields of a record, and of an attempt. */
#define RECORD_STRINGS(r) \
	&(r)->recipient, &(r)->original_recipient, &(r)->sender, \
	&(r)->remote_host, &(r)->diagnostic, &(r)->action, &(r)->time, \
	&(r)->queue_id, &(r)->subject, &(r)->message_id, &(r)->relay, \
	&(r)->delays, &(r)->context, &(r)->note

static size_t
str_size(char **fields[], size_t n)
{
	size_t	i, size = 0;

	for (i = 0; i < n; i++)
		if (*fields[i] != NULL)
			size += strlen(*fields[i]) + 1;
	return size;
}

static void
str_move(char **fields[], size_t n, char **at)
{
	size_t	i, k;

	for (i = 0; i < n; i++) {
		if (*fields[i] == NULL)
			continue;
		k = strlen(*fields[i]) + 1;
		memcpy(*at, *fields[i], k);
		*fields[i] = *at;
		*at += k;
	}
}

/* The bytes maillog_record_pack_into() needs for r. */
static size_t
pack_size(struct record *r)
{
	char			**rs[] = { RECORD_STRINGS(r) }, **as[3];
	size_t			  size, i, nr = sizeof rs / sizeof rs[0];
	struct record_attempt	 *a;

	size = r->nattempts * sizeof *r->attempts +
	    r->nlines * sizeof *r->lines + str_size(rs, nr);
	for (i = 0; i < r->nattempts; i++) {
		a = &r->attempts[i];
		as[0] = &a->time, as[1] = &a->action, as[2] = &a->diagnostic;
		size += str_size(as, 3);
	}
	/* round up: the next pack's arrays stay aligned */
	return (size + 15) & ~(size_t)15;
}

/* Copies what r borrows to at (pack_size(r) bytes, aligned). */
static void
pack_into(struct record *r, char *at)
{
	char			**rs[] = { RECORD_STRINGS(r) }, **as[3];
	size_t			  i, nr = sizeof rs / sizeof rs[0];
	struct record_attempt	 *a;

	/* arrays first: at is aligned for them */
	if (r->nattempts > 0)	/* memcpy() from NULL is undefined */
		memcpy(at, r->attempts, r->nattempts * sizeof *r->attempts);
	r->attempts = r->nattempts ? (struct record_attempt *)(void *)at :
	    NULL;
	at += r->nattempts * sizeof *r->attempts;
	if (r->nlines > 0)
		memcpy(at, r->lines, r->nlines * sizeof *r->lines);
	r->lines = r->nlines ? (struct record_line *)(void *)at : NULL;
	at += r->nlines * sizeof *r->lines;
	str_move(rs, nr, &at);
	for (i = 0; i < r->nattempts; i++) {
		a = &r->attempts[i];
		as[0] = &a->time, as[1] = &a->action, as[2] = &a->diagnostic;
		str_move(as, 3, &at);
	}
}

char *
maillog_record_pack(struct record *r)
{
	char	*pack = xmalloc(pack_size(r) + 1);

	pack_into(r, pack);
	return pack;
}

static void
str_own(char **fields[], size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (*fields[i] != NULL)
			*fields[i] = xstrdup(*fields[i]);
}

void
maillog_record_own(struct record *r)
{
	char			**rs[] = { RECORD_STRINGS(r) }, **as[3];
	struct record_attempt	 *a;
	void			 *v;
	size_t			  i;

	str_own(rs, sizeof rs / sizeof rs[0]);
	if (r->nattempts > 0) {
		v = xreallocarray(NULL, r->nattempts, sizeof *r->attempts);
		memcpy(v, r->attempts, r->nattempts * sizeof *r->attempts);
		r->attempts = v;
	} else
		r->attempts = NULL;
	for (i = 0; i < r->nattempts; i++) {
		a = &r->attempts[i];
		as[0] = &a->time, as[1] = &a->action, as[2] = &a->diagnostic;
		str_own(as, 3);
	}
	if (r->nlines > 0) {
		v = xreallocarray(NULL, r->nlines, sizeof *r->lines);
		memcpy(v, r->lines, r->nlines * sizeof *r->lines);
		r->lines = v;
	} else
		r->lines = NULL;
}

/* ------------------------------------------------ the diagnosis thread */

/*
 * Records go from the reader to the diagnosis thread in batches, through
 * a queue of at most QUEUE_BATCHES full batches: the reader waits when
 * the diagnosis falls behind, so memory stays bounded.
 */
struct batch {
	struct record	 v[BATCH_RECORDS];
	char		*pack[BATCH_RECORDS];	/* too big for the arena */
	size_t		 n;
	char		*arena;			/* the records' packs */
	size_t		 used;
	struct batch	*next;
};
#define BATCH_ARENA	((size_t)256 << 10)

struct run {
	const struct maillog_sink *sink;	/* the caller's */
	struct maillog_cache	*cache;
	struct maillog_journey	*journey;
	struct source_stream	*stream;
	char			*buf;
	struct batch		*cur;		/* being filled */
	/* the queue, under lock */
	pthread_mutex_t		 lock;
	pthread_cond_t		 more;		/* a batch or the end came */
	pthread_cond_t		 room;		/* a batch was taken */
	struct batch		*head, *tail, *spare;
	size_t			 queued;
	int			 ended;
	int			 abandon;	/* cancelled: drop, not emit */
	int			 done;		/* read to the end */
	int			 threaded;
	pthread_t		 thread;
};

static void
diagnose_batch(struct run *ru, struct batch *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++) {
		if (!ru->abandon) {
			maillog_cache_record(ru->cache, &b->v[i]);
			ru->sink->record(&b->v[i], ru->sink->arg);
		}
		free(b->pack[i]);
		b->pack[i] = NULL;
	}
	b->n = 0;
	b->used = 0;
}

static void *
diagnoser(void *arg)
{
	struct run	*ru = arg;
	struct batch	*b;

	for (;;) {
		pthread_mutex_lock(&ru->lock);
		while (ru->head == NULL && !ru->ended)
			pthread_cond_wait(&ru->more, &ru->lock);
		if ((b = ru->head) == NULL) {
			pthread_mutex_unlock(&ru->lock);
			return NULL;
		}
		ru->head = b->next;
		if (ru->head == NULL)
			ru->tail = NULL;
		ru->queued--;
		pthread_mutex_unlock(&ru->lock);
		diagnose_batch(ru, b);
		pthread_mutex_lock(&ru->lock);
		b->next = ru->spare;
		ru->spare = b;
		pthread_cond_signal(&ru->room);
		pthread_mutex_unlock(&ru->lock);
	}
}

static struct batch *
batch_new(void)
{
	struct batch	*b = xcalloc(1, sizeof *b);

	b->arena = xmalloc(BATCH_ARENA);
	return b;
}

/* Hands the batch being filled to the diagnosis (or diagnoses it here). */
static void
flush_batch(struct run *ru)
{
	struct batch	*b = ru->cur;

	if (b == NULL || b->n == 0)
		return;
	if (!ru->threaded) {
		diagnose_batch(ru, b);
		return;
	}
	pthread_mutex_lock(&ru->lock);
	while (ru->queued >= QUEUE_BATCHES)
		pthread_cond_wait(&ru->room, &ru->lock);
	b->next = NULL;
	if (ru->tail != NULL)
		ru->tail->next = b;
	else
		ru->head = b;
	ru->tail = b;
	ru->queued++;
	if ((ru->cur = ru->spare) != NULL)
		ru->spare = ru->spare->next;
	pthread_cond_signal(&ru->more);
	pthread_mutex_unlock(&ru->lock);
	if (ru->cur == NULL)
		ru->cur = batch_new();
	ru->cur->n = 0;
	ru->cur->used = 0;
}

/* The joiner's sink: packs its records into batches. */
static void
take_record(struct record *r, void *arg)
{
	struct run	*ru = arg;
	struct batch	*b = ru->cur;
	size_t		 size = pack_size(r);

	if (b->used + size > BATCH_ARENA && b->n > 0) {
		flush_batch(ru);
		b = ru->cur;
	}
	b->v[b->n] = *r;
	if (size > BATCH_ARENA)
		b->pack[b->n] = maillog_record_pack(&b->v[b->n]);
	else {
		pack_into(&b->v[b->n], b->arena + b->used);
		b->used += size;
	}
	if (++b->n == BATCH_RECORDS)
		flush_batch(ru);
}

static void
start_thread(struct run *ru)
{
	sigset_t	all, old;

	/* signals stay with the caller's threads */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ru->threaded = pthread_create(&ru->thread, NULL, diagnoser, ru) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Ends the diagnosis thread (after what is queued) and frees the run. */
static void
finish_run(void *arg)
{
	struct run	*ru = arg;
	struct batch	*b;

	if (!ru->done) {
		/* cancelled while reading: nobody wants the rest */
		maillog_journey_free(ru->journey);
		pthread_mutex_lock(&ru->lock);
		ru->abandon = 1;
		pthread_mutex_unlock(&ru->lock);
	}
	if (ru->threaded) {
		pthread_mutex_lock(&ru->lock);
		ru->ended = 1;
		pthread_cond_signal(&ru->more);
		pthread_mutex_unlock(&ru->lock);
		pthread_join(ru->thread, NULL);
	}
	pthread_mutex_destroy(&ru->lock);
	pthread_cond_destroy(&ru->more);
	pthread_cond_destroy(&ru->room);
	while ((b = ru->spare) != NULL) {
		ru->spare = b->next;
		free(b->arena);
		free(b);
	}
	if (ru->cur != NULL) {
		while (ru->cur->n > 0)
			free(ru->cur->pack[--ru->cur->n]);
		free(ru->cur->arena);
		free(ru->cur);
	}
	maillog_cache_free(ru->cache);
	free(ru->buf);
}

/* ---------------------------------------------------------- the reader */

struct cursor {
	struct maillog_hint hint;
	unsigned long	 lineno;
	off_t		 off;		/* text offset of buf[0] */
	int		 skipping;	/* in the rest of an over-long line */
	int		 long_told;
};

/*
 * Parses the complete lines of buf[0..len); returns the bytes consumed.
 * A line without its newline is left for the next call, unless the input
 * ended or it already fills MAILLOG_LINE_MAX: then its start is parsed
 * and the rest skipped.
 */
static size_t
scan_block(struct run *ru, struct cursor *c, const char *buf, size_t len,
    int at_end, const char *name, struct diag *d)
{
	const char		*p = buf, *end = buf + len, *nl;
	struct maillog_line	 l;
	size_t			 n;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			if (!at_end && (size_t)(end - p) < MAILLOG_LINE_MAX)
				break;
			c->skipping = !at_end;
			nl = end;
		}
		c->lineno++;
		if ((n = (size_t)(nl - p)) >= MAILLOG_LINE_MAX) {
			if (!c->long_told)
				diag_at(d, name, c->lineno, "line longer than "
				    "%zu bytes; only its start is read",
				    MAILLOG_LINE_MAX);
			c->long_told = 1;
			n = MAILLOG_LINE_MAX;
		}
		if (maillog_parse_next(p, n, &l, &c->hint) != MAILLOG_EV_NONE)
			maillog_journey_feed(ru->journey, &l, c->lineno,
			    c->off + (off_t)(p - buf), p, n);
		p = nl < end ? nl + 1 : end;
	}
	return (size_t)(p - buf);
}

static size_t
read_more(struct run *ru, char *p, size_t n)
{
	size_t	k;
	int	old;

	if (n > MAILLOG_BLOCK)
		n = MAILLOG_BLOCK;
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	k = source_read(ru->stream, p, n);
	pthread_setcancelstate(old, NULL);
	return k;
}

/* Drops bytes up to the end of an over-long line; 0 if none came yet. */
static size_t
skip_rest(struct cursor *c, const char *buf, size_t have)
{
	const char	*nl = memchr(buf, '\n', have);

	if (nl == NULL)
		return have;
	c->skipping = 0;
	return (size_t)(nl + 1 - buf);
}

static void
read_loop(struct run *ru, const char *name, struct diag *d)
{
	struct cursor	 c;
	size_t		 cap = MAILLOG_BLOCK + MAILLOG_LINE_MAX, have = 0, k,
			 used;
	int		 at_end = 0;

	memset(&c, 0, sizeof c);
	ru->buf = xmalloc(cap);
	while (!at_end) {
		k = read_more(ru, ru->buf + have, cap - have);
		at_end = k == 0;
		have += k;
		if (!at_end && have < MAILLOG_BLOCK)
			continue;	/* a pipe gives little at a time */
		if (c.skipping)
			used = skip_rest(&c, ru->buf, have);
		else
			used = scan_block(ru, &c, ru->buf, have, at_end, name,
			    d);
		c.off += (off_t)used;
		memmove(ru->buf, ru->buf + used, have - used);
		have -= used;
		if (at_end && have > 0 && !c.skipping) {
			c.off += (off_t)scan_block(ru, &c, ru->buf, have, 1,
			    name, d);
			have = 0;
		}
	}
}

int
maillog_read(struct source_stream *s, const char *name, const struct kb *kb,
    const struct maillog_sink *sink, struct diag *d)
{
	struct run		 ru;
	struct maillog_sink	 joined;
	int			 old;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	memset(&ru, 0, sizeof ru);
	ru.sink = sink;
	ru.stream = s;
	ru.cache = maillog_cache_new(kb);
	ru.cur = batch_new();
	pthread_mutex_init(&ru.lock, NULL);
	pthread_cond_init(&ru.more, NULL);
	pthread_cond_init(&ru.room, NULL);
	joined.record = take_record;
	joined.arg = &ru;
	ru.journey = maillog_journey_new(name, source_seekable(s), &joined);
	start_thread(&ru);
	pthread_cleanup_push(finish_run, &ru);
	read_loop(&ru, name, d);
	maillog_journey_finish(ru.journey);
	ru.journey = NULL;
	flush_batch(&ru);
	ru.done = 1;
	pthread_cleanup_pop(1);
	pthread_setcancelstate(old, NULL);
	return 0;
}

int
maillog_read_path(const char *path, const struct kb *kb,
    const struct maillog_sink *sink, struct diag *d)
{
	struct source_stream	*s;
	int			 rc;

	if ((s = source_open(path, d)) == NULL)
		return -1;
	rc = maillog_read(s, strcmp(path, "-") == 0 ? "(stdin)" : path, kb,
	    sink, d);
	source_close(s);
	return rc;
}
