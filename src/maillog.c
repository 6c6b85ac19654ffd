/*
 * maillog.c - stream a mail log, cut it into lines, have each parsed
 * (maillog_line.c) and hand the lines that matter to the joiner; pack the
 * joiner's records and diagnose them in a second thread.
 *
 * Input: a struct source_stream (plain or gzip, file or pipe).
 * Output: records through a struct maillog_sink (maillog.h).
 *
 * Speed is the point of this file.  The log is read with read(2) into a
 * few buffers of MAILLOG_BLOCK bytes that go round; lines are found with
 * memchr() and parsed in place, and the few that matter (deliveries,
 * senders, rejects) are turned into small copies by the joiner.
 * Diagnosis (the knowledge base, the slow part) runs in a second thread,
 * fed batches of records through a short queue, so reading and
 * diagnosing overlap on two cores; when it has nothing to diagnose, that
 * thread reads the next buffers of a regular file ahead, so the work
 * spreads over both cores whichever part is the larger.
 *
 * A line parse never fails: what is not a line of a known MTA, or not one
 * that says something about a delivery, is MAILLOG_EV_NONE and skipped.
 * A line longer than MAILLOG_LINE_MAX is reported once per file and only
 * its first MAILLOG_LINE_MAX bytes parsed.
 *
 * Cancellation: the caller may run this in a thread it cancels (the TUI's
 * loader).  Cancellation is allowed only inside source_read() in the
 * caller's thread (the other reads ahead of regular files only, whose
 * reads end); a cleanup handler then stops the diagnosis thread and frees
 * everything.
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

#define MAILLOG_BLOCK	((size_t)1 << 18)
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

/*
 * The text is read into RBUFS buffers that go round: a buffer holds up
 * to MAILLOG_BLOCK bytes after MAILLOG_LINE_MAX bytes of room, where the
 * start of a line cut by the end of the buffer before is put back.  The
 * reading thread reads the next buffer itself when none is ready; the
 * diagnosis thread, when it has nothing to diagnose, reads ahead (of a
 * regular file only: a pipe may keep a reader waiting, and only the
 * reading thread may be cancelled there).  Either way one thread reads
 * at a time, and what reading a buffer reports is kept with it until the
 * reading thread takes it, so messages come in the order of the text.
 */
struct rbuf {
	char		*mem;		/* MAILLOG_LINE_MAX + MAILLOG_BLOCK */
	size_t		 len;		/* bytes read after the room */
	int		 eof;		/* the input ends after them */
	struct diag	 msgs;
	struct rbuf	*next;
};
#define RBUFS	4

struct run {
	const struct maillog_sink *sink;	/* the caller's */
	struct maillog_cache	*cache;
	struct maillog_journey	*journey;
	struct source_stream	*stream;
	struct diag		*sdiag;		/* the stream's own */
	struct batch		*cur;		/* being filled */
	struct rbuf		 rbufs[RBUFS];
	int			 ahead;		/* others may read ahead */
	/* the queues, under lock */
	pthread_mutex_t		 lock;
	pthread_cond_t		 more;		/* a batch, a free buffer or
						   the end came */
	pthread_cond_t		 room;		/* a batch was taken */
	pthread_cond_t		 filled;	/* a buffer was read */
	struct batch		*head, *tail, *spare;
	size_t			 queued;
	struct rbuf		*rfull, *rfree;	/* read, in order; free */
	int			 reading;	/* a buffer is being read */
	int			 eof;		/* the input ended */
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

static void	fill(struct run *, struct rbuf *, int);
static struct rbuf *take_rbuf(struct run *);
static void	put_rbuf(struct run *, struct rbuf *);

/* Whether the diagnosis thread should read the next buffer (locked). */
static int
may_read_ahead(const struct run *ru)
{
	return ru->ahead && !ru->abandon && !ru->eof && !ru->reading &&
	    ru->rfree != NULL;
}

static void *
diagnoser(void *arg)
{
	struct run	*ru = arg;
	struct batch	*b;
	struct rbuf	*r;

	for (;;) {
		pthread_mutex_lock(&ru->lock);
		while (ru->head == NULL && !ru->ended && !may_read_ahead(ru))
			pthread_cond_wait(&ru->more, &ru->lock);
		/* reading ahead first, unless the records pile up: the
		 * reading thread has the most to do */
		if (may_read_ahead(ru) && (ru->head == NULL ||
		    ru->queued < QUEUE_BATCHES / 2)) {
			r = take_rbuf(ru);
			pthread_mutex_unlock(&ru->lock);
			fill(ru, r, 0);
			pthread_mutex_lock(&ru->lock);
			put_rbuf(ru, r);
			pthread_mutex_unlock(&ru->lock);
			continue;
		}
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
	size_t		 i;

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
	source_set_diag(ru->stream, ru->sdiag);
	pthread_mutex_destroy(&ru->lock);
	pthread_cond_destroy(&ru->more);
	pthread_cond_destroy(&ru->room);
	pthread_cond_destroy(&ru->filled);
	for (i = 0; i < RBUFS; i++) {
		free(ru->rbufs[i].mem);
		diag_release(&ru->rbufs[i].msgs);
	}
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

/* ---------------------------------------------------------- buffers */

/* A free buffer, marked as being read (locked; one must be free). */
static struct rbuf *
take_rbuf(struct run *ru)
{
	struct rbuf	*r = ru->rfree;

	ru->rfree = r->next;
	ru->reading = 1;
	return r;
}

/* The buffer just read, queued after the others (locked). */
static void
put_rbuf(struct run *ru, struct rbuf *r)
{
	struct rbuf	**pp;

	ru->reading = 0;
	ru->eof |= r->eof;
	r->next = NULL;
	for (pp = &ru->rfull; *pp != NULL; pp = &(*pp)->next)
		continue;
	*pp = r;
	pthread_cond_signal(&ru->filled);
}

/*
 * Reads into r up to MAILLOG_BLOCK bytes (a pipe gives little at a time:
 * it is read again until then) or to the end of the input.  The reading
 * thread (cancellable set) may be cancelled in the read.
 */
static void
fill(struct run *ru, struct rbuf *r, int cancellable)
{
	size_t	k;
	int	old;

	source_set_diag(ru->stream, &r->msgs);
	r->len = 0;
	r->eof = 0;
	while (r->len < MAILLOG_BLOCK) {
		if (cancellable)
			pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
		k = source_read(ru->stream, r->mem + MAILLOG_LINE_MAX + r->len,
		    MAILLOG_BLOCK - r->len);
		if (cancellable)
			pthread_setcancelstate(old, NULL);
		if (k == 0) {
			r->eof = 1;
			break;
		}
		r->len += k;
	}
	source_set_diag(ru->stream, ru->sdiag);
}

/* The next buffer of the text, read here if none is ready. */
static struct rbuf *
next_rbuf(struct run *ru)
{
	struct rbuf	*r;

	pthread_mutex_lock(&ru->lock);
	while (ru->rfull == NULL && ru->reading)
		pthread_cond_wait(&ru->filled, &ru->lock);
	if ((r = ru->rfull) != NULL) {
		ru->rfull = r->next;
		pthread_mutex_unlock(&ru->lock);
		return r;
	}
	r = take_rbuf(ru);
	pthread_mutex_unlock(&ru->lock);
	fill(ru, r, 1);
	pthread_mutex_lock(&ru->lock);
	ru->reading = 0;
	ru->eof |= r->eof;
	pthread_mutex_unlock(&ru->lock);
	return r;
}

/* Gives r back, for the diagnosis thread to read ahead into. */
static void
free_rbuf(struct run *ru, struct rbuf *r)
{
	pthread_mutex_lock(&ru->lock);
	r->next = ru->rfree;
	ru->rfree = r;
	pthread_cond_signal(&ru->more);
	pthread_mutex_unlock(&ru->lock);
}

/* Moves the messages of from (its buffer's reading) into to. */
static void
move_msgs(struct diag *to, struct diag *from)
{
	size_t	i;

	for (i = 0; i < from->n; i++)
		diag_add(to, "%s", from->msg[i]);
	diag_release(from);
	diag_init(from);
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
	struct rbuf	*r, *prev = NULL;
	const char	*carry = NULL;
	char		*start;
	size_t		 carried = 0, have, used;
	int		 at_end = 0;

	memset(&c, 0, sizeof c);
	while (!at_end) {
		r = next_rbuf(ru);
		move_msgs(d, &r->msgs);
		/* the cut line (shorter than the room) before the new bytes */
		start = r->mem + MAILLOG_LINE_MAX - carried;
		if (carried > 0)
			memcpy(start, carry, carried);
		if (prev != NULL)
			free_rbuf(ru, prev);
		have = carried + r->len;
		at_end = r->eof;
		if (c.skipping) {
			used = skip_rest(&c, start, have);
			if (at_end && used < have && !c.skipping) {
				/* the lines after it, as the input ended */
				c.off += (off_t)used;
				start += used;
				have -= used;
				used = scan_block(ru, &c, start, have, 1, name,
				    d);
			}
		} else
			used = scan_block(ru, &c, start, have, at_end, name, d);
		c.off += (off_t)used;
		carry = start + used;
		carried = have - used;
		prev = r;
	}
	free_rbuf(ru, prev);
}

int
maillog_read(struct source_stream *s, const char *name, const struct kb *kb,
    const struct maillog_sink *sink, struct diag *d)
{
	struct run		 ru;
	struct maillog_sink	 joined;
	int			 old;
	size_t			 i;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	memset(&ru, 0, sizeof ru);
	ru.sink = sink;
	ru.stream = s;
	ru.cache = maillog_cache_new(kb);
	ru.cur = batch_new();
	ru.sdiag = source_set_diag(s, d);
	ru.ahead = source_regular(s);
	for (i = 0; i < RBUFS; i++) {
		ru.rbufs[i].mem = xmalloc(MAILLOG_LINE_MAX + MAILLOG_BLOCK);
		diag_init(&ru.rbufs[i].msgs);
		ru.rbufs[i].next = ru.rfree;
		ru.rfree = &ru.rbufs[i];
	}
	pthread_mutex_init(&ru.lock, NULL);
	pthread_cond_init(&ru.more, NULL);
	pthread_cond_init(&ru.room, NULL);
	pthread_cond_init(&ru.filled, NULL);
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
