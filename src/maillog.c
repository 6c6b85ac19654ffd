/*
 * maillog.c - stream a mail log, cut it into lines, have each parsed
 * (maillog_line.c) and hand the lines that matter to the joiner; pack the
 * joiner's records and diagnose them in a second thread.
 *
 * Input: a struct source_stream (plain or gzip, file or pipe).
 * Output: records through a struct maillog_sink (maillog.h).
 *
 * Speed is the point of this file.  The log is read with read(2) into a
 * few buffers of MAILLOG_BLOCK bytes that go round, or, a regular file,
 * pointed at in windows mapped by source_map(); lines are found with
 * memchr() and parsed in place, and the few that matter (deliveries,
 * senders, rejects) are turned into small copies by the joiner.
 * Diagnosis (the knowledge base, the slow part) runs in a second thread,
 * fed batches of records through a short queue, so reading and
 * diagnosing overlap on two cores; when it has nothing to diagnose, that
 * thread reads the next buffers of a regular file ahead and parses their
 * lines, so the work spreads over both cores whichever part is the
 * larger: the reading thread is left with what must be done in order,
 * joining the lines by queue id.
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
#include <stdint.h>
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
 * The text is read into RBUFS buffers of MAILLOG_BLOCK bytes that go
 * round.  The reading thread reads the next buffer itself when none is
 * ready; the diagnosis thread, when it has nothing to diagnose, reads
 * ahead (of a regular file only: a pipe may keep a reader waiting, and
 * only the reading thread may be cancelled there).  Either way one
 * thread reads at a time, and what reading a buffer reports is kept with it
 * until the reading thread takes it, so messages come in the order of
 * the text.
 *
 * The lines of a buffer between its first and its last newline are
 * whole, and parse the same whatever came before (the hint only saves
 * time): the diagnosis thread, with nothing else to do, parses them
 * ahead into a list of the lines that matter (struct pline), which the
 * reading thread then only has to join.  The line cut by the start of a
 * buffer is put together by the reading thread, in a buffer of its own.
 */
enum { RB_READ, RB_PARSING, RB_PARSED };

struct pline {
	struct maillog_line	 l;
	size_t			 off;	/* in the buffer */
	size_t			 n;
	unsigned long		 idx;	/* its line among the whole ones */
};

struct rbuf {
	char		*mem;		/* the bytes: own, or mapped */
	char		*own;		/* MAILLOG_BLOCK bytes to read into */
	struct source_window *win;	/* mem is in it, or NULL */
	size_t		 len;		/* read */
	int		 eof;		/* the input ends after them */
	size_t		 mid, midend;	/* the whole lines: mem[mid..midend) */
	int		 state;		/* RB_*: parsed ahead? */
	struct pline	*pl;		/* parsed ahead: the lines that matter */
	size_t		 npl, plcap;
	unsigned long	 nlines;	/* whole lines */
	unsigned long	 longidx;	/* the first too long one, or ~0 */
	struct diag	 msgs;
	struct rbuf	*next;
};
#define RBUFS		4
#define NO_LINE		(~0UL)

struct run {
	const struct maillog_sink *sink;	/* the caller's */
	struct maillog_cache	*cache;
	struct maillog_journey	*journey;
	struct source_stream	*stream;
	struct diag		*sdiag;		/* the stream's own */
	struct batch		*cur;		/* being filled */
	struct rbuf		 rbufs[RBUFS];
	size_t			 block;		/* bytes read at a time */
	int			 ahead;		/* others may read ahead */
	struct maillog_hint	 hint;		/* the diagnosis thread's */
	char			*cut;		/* MAILLOG_LINE_MAX bytes */
	/* the queues, under lock */
	pthread_mutex_t		 lock;
	pthread_cond_t		 more;		/* a batch, a free buffer or
						   the end came */
	pthread_cond_t		 room;		/* a batch was taken */
	pthread_cond_t		 filled;	/* a buffer was read or parsed */
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
static void	parse_ahead(struct rbuf *, struct maillog_hint *);

/* Whether the diagnosis thread should read the next buffer (locked). */
static int
may_read_ahead(const struct run *ru)
{
	return ru->ahead && !ru->abandon && !ru->eof && !ru->reading &&
	    ru->rfree != NULL;
}

/* The buffer read ahead the diagnosis thread should parse (locked): the
 * last one, furthest from the reading thread, which takes the first. */
static struct rbuf *
to_parse(const struct run *ru)
{
	struct rbuf	*r, *last = NULL;

	if (ru->abandon)
		return NULL;
	for (r = ru->rfull; r != NULL; r = r->next)
		if (r->state == RB_READ && r->midend > r->mid)
			last = r;
	return last;
}

static void *
diagnoser(void *arg)
{
	struct run	*ru = arg;
	struct batch	*b;
	struct rbuf	*r;

	for (;;) {
		pthread_mutex_lock(&ru->lock);
		while (ru->head == NULL && !ru->ended && !may_read_ahead(ru) &&
		    to_parse(ru) == NULL)
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
		/* then parsing ahead, unless the records pile up */
		if ((ru->head == NULL || ru->queued < QUEUE_BATCHES / 2) &&
		    (r = to_parse(ru)) != NULL) {
			r->state = RB_PARSING;
			pthread_mutex_unlock(&ru->lock);
			parse_ahead(r, &ru->hint);
			pthread_mutex_lock(&ru->lock);
			r->state = RB_PARSED;
			pthread_cond_broadcast(&ru->filled);
			pthread_mutex_unlock(&ru->lock);
			continue;
		}
		if ((b = ru->head) == NULL) {
			int	end = ru->ended;

			pthread_mutex_unlock(&ru->lock);
			if (end)
				return NULL;
			continue;
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
	size_t		 size = maillog_record_pack_size(r);

	if (b->used + size > BATCH_ARENA && b->n > 0) {
		flush_batch(ru);
		b = ru->cur;
	}
	maillog_record_copy(&b->v[b->n], r);
	if (size > BATCH_ARENA)
		b->pack[b->n] = maillog_record_pack(&b->v[b->n]);
	else {
		maillog_record_pack_into(&b->v[b->n], b->arena + b->used);
		b->used += size;
	}
	if (++b->n == BATCH_RECORDS)
		flush_batch(ru);
}

static void
start_thread(struct run *ru)
{
	sigset_t	all, old;

	/* signals stay with the caller's threads, but for those of a fault,
	 * which go to the thread that faults (a mapped file that shrank) */
	sigfillset(&all);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
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
		source_unmap(ru->rbufs[i].win);
		free(ru->rbufs[i].own);
		free(ru->rbufs[i].pl);
		diag_release(&ru->rbufs[i].msgs);
	}
	free(ru->cut);
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
	off_t		 off;		/* text offset of the buffer's data */
	char		*cut;		/* the line cut by the buffer's start */
	size_t		 cutlen;	/* (less than MAILLOG_LINE_MAX) */
	off_t		 cutoff;	/* its text offset */
	int		 skipping;	/* in the rest of an over-long line */
	int		 long_told;
	const char	*name;
	struct diag	*d;
};

static void
tell_long(struct cursor *c, unsigned long lineno)
{
	if (!c->long_told)
		diag_at(c->d, c->name, lineno, "line longer than %zu bytes; "
		    "only its start is read", MAILLOG_LINE_MAX);
	c->long_told = 1;
}

/* Parses the next line, p[0..n) at text offset off, and joins it. */
static void
one_line(struct run *ru, struct cursor *c, const char *p, size_t n,
    off_t off)
{
	struct maillog_line	l;

	c->lineno++;
	if (n >= MAILLOG_LINE_MAX) {
		tell_long(c, c->lineno);
		n = MAILLOG_LINE_MAX;
	}
	if (maillog_parse_next(p, n, &l, &c->hint) != MAILLOG_EV_NONE)
		maillog_journey_feed(ru->journey, &l, c->lineno, off, p, n);
}

/* Adds p[0..n) (no newline in it) to the cut line.  One that reaches
 * MAILLOG_LINE_MAX is parsed now, its start only, and the rest skipped. */
static void
add_cut(struct run *ru, struct cursor *c, const char *p, size_t n)
{
	size_t	room = MAILLOG_LINE_MAX - c->cutlen;

	if (c->skipping)
		return;
	if (n < room) {
		memcpy(c->cut + c->cutlen, p, n);
		c->cutlen += n;
		return;
	}
	memcpy(c->cut + c->cutlen, p, room);
	one_line(ru, c, c->cut, MAILLOG_LINE_MAX, c->cutoff);
	c->cutlen = 0;
	c->skipping = 1;
}

/* The cut line ends: at a newline, or with the input. */
static void
end_cut(struct run *ru, struct cursor *c)
{
	if (c->skipping)
		c->skipping = 0;
	else
		one_line(ru, c, c->cut, c->cutlen, c->cutoff);
	c->cutlen = 0;
}

/*
 * The whole lines mem[mid..midend) of r, each ending with a newline:
 * those that matter into r->pl (a list that grows as needed).
 */
static void
parse_ahead(struct rbuf *r, struct maillog_hint *h)
{
	const char	*base = r->mem, *p = base + r->mid;
	const char	*end = base + r->midend, *nl;
	struct pline	*pl;
	unsigned long	 idx = 0;
	size_t		 n;

	r->npl = 0;
	r->longidx = NO_LINE;
	for (; p < end; p = nl + 1, idx++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if ((n = (size_t)(nl - p)) >= MAILLOG_LINE_MAX) {
			if (r->longidx == NO_LINE)
				r->longidx = idx;
			n = MAILLOG_LINE_MAX;
		}
		if (r->npl == r->plcap) {
			r->plcap = r->plcap ? r->plcap * 2 : 1024;
			r->pl = xreallocarray(r->pl, r->plcap, sizeof *r->pl);
		}
		pl = &r->pl[r->npl];
		if (maillog_parse_next(p, n, &pl->l, h) == MAILLOG_EV_NONE)
			continue;
		pl->off = (size_t)(p - base);
		pl->n = n;
		pl->idx = idx;
		r->npl++;
	}
	r->nlines = idx;
}

/* The whole lines of r, joined: parsed ahead, or parsed here one at a
 * time (no list to write and read back). */
static void
whole_lines(struct run *ru, struct cursor *c, struct rbuf *r)
{
	const char	*p, *end, *nl;
	struct pline	*pl;
	size_t		 i;

	if (r->state != RB_PARSED) {
		end = r->mem + r->midend;
		for (p = r->mem + r->mid; p < end; p = nl + 1) {
			nl = memchr(p, '\n', (size_t)(end - p));
			one_line(ru, c, p, (size_t)(nl - p), c->off +
			    (off_t)(p - r->mem));
		}
		return;
	}
	if (r->longidx != NO_LINE)
		tell_long(c, c->lineno + r->longidx + 1);
	for (i = 0; i < r->npl; i++) {
		pl = &r->pl[i];
		maillog_journey_feed(ru->journey, &pl->l, c->lineno + pl->idx +
		    1, c->off + (off_t)pl->off, r->mem + pl->off, pl->n);
	}
	c->lineno += r->nlines;
}

/* The lines of the buffer r: the end of the cut line, the whole ones,
 * the start of the next cut line. */
static void
scan_buffer(struct run *ru, struct cursor *c, struct rbuf *r)
{
	const char	*data = r->mem;
	size_t		 len = r->len, first, last;

	if (c->cutlen == 0 && !c->skipping)
		c->cutoff = c->off;
	if (r->midend == 0) {		/* no newline */
		add_cut(ru, c, data, len);
	} else {
		/* the newline before mid ends the cut line, the one before
		 * midend the last whole line */
		first = r->mid - 1;
		last = r->midend - 1;
		add_cut(ru, c, data, first);
		end_cut(ru, c);
		whole_lines(ru, c, r);
		c->cutoff = c->off + (off_t)(last + 1);
		add_cut(ru, c, data + last + 1, len - last - 1);
	}
	c->off += (off_t)len;
	if (r->eof && (c->cutlen > 0 || c->skipping))
		end_cut(ru, c);
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
 * it is read again until then) or to the end of the input, or points r
 * at them in a mapped window, and finds its whole lines.  The reading
 * thread (cancellable set) may be cancelled in the read.
 */
static void
fill(struct run *ru, struct rbuf *r, int cancellable)
{
	const char	*nl, *p;
	size_t		 k;
	int		 old;

	source_set_diag(ru->stream, &r->msgs);
	r->len = 0;
	r->eof = 0;
	r->state = RB_READ;
	r->mem = r->own;
	if ((k = source_map(ru->stream, ru->block, &p, &r->win)) == 0)
		r->eof = 1;
	else if (k != (size_t)-1) {
		/* the parsers only read a block: mem is not written */
		r->mem = (char *)(uintptr_t)p;
		r->len = k;
	}
	while (r->win == NULL && !r->eof && r->len < ru->block) {
		if (cancellable)
			pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
		k = source_read(ru->stream, r->mem + r->len,
		    ru->block - r->len);
		if (cancellable)
			pthread_setcancelstate(old, NULL);
		if (k == 0) {
			r->eof = 1;
			break;
		}
		r->len += k;
	}
	/* the whole lines: after the first newline, to the last */
	r->mid = r->midend = 0;
	if ((nl = memchr(r->mem, '\n', r->len)) != NULL) {
		r->mid = (size_t)(nl - r->mem) + 1;
		r->midend = (size_t)((const char *)memrchr(r->mem, '\n',
		    r->len) - r->mem) + 1;
	}
	source_set_diag(ru->stream, ru->sdiag);
}

/* The next buffer of the text, read here if none is ready, parsed
 * ahead if that was begun. */
static struct rbuf *
next_rbuf(struct run *ru)
{
	struct rbuf	*r;

	pthread_mutex_lock(&ru->lock);
	while ((ru->rfull == NULL && ru->reading) ||
	    (ru->rfull != NULL && ru->rfull->state == RB_PARSING))
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
	source_unmap(r->win);
	r->win = NULL;
	pthread_mutex_lock(&ru->lock);
	r->next = ru->rfree;
	ru->rfree = r;
	pthread_cond_signal(&ru->more);
	pthread_mutex_unlock(&ru->lock);
}

static void
read_loop(struct run *ru, const char *name, struct diag *d)
{
	struct cursor	 c;
	struct rbuf	*r;
	int		 at_end = 0;

	memset(&c, 0, sizeof c);
	c.name = name;
	c.d = d;
	c.cut = ru->cut;
	c.hint.lean = ru->sink->lean;
	while (!at_end) {
		r = next_rbuf(ru);
		diag_move(d, &r->msgs);
		at_end = r->eof;
		scan_buffer(ru, &c, r);
		free_rbuf(ru, r);
	}
}

/* MAILLOG_BLOCK, or BOUNCEDOC_READ_BLOCK bytes (1 to 64 MiB): the tests
 * read with small blocks, so that lines are cut in every way. */
static size_t
read_block(void)
{
	const char		*env = getenv("BOUNCEDOC_READ_BLOCK");
	char			*end;
	unsigned long		 v;

	if (env == NULL || *env == '\0')
		return MAILLOG_BLOCK;
	v = strtoul(env, &end, 10);
	if (*end != '\0' || v == 0 || v > (64UL << 20))
		return MAILLOG_BLOCK;
	return (size_t)v;
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
	if (sink->lean)
		maillog_cache_lean(ru.cache);
	ru.cur = batch_new();
	ru.sdiag = source_set_diag(s, d);
	ru.ahead = source_regular(s);
	ru.cut = xmalloc(MAILLOG_LINE_MAX);
	ru.block = read_block();
	ru.hint.lean = sink->lean;
	for (i = 0; i < RBUFS; i++) {
		ru.rbufs[i].mem = ru.rbufs[i].own = xmalloc(ru.block);
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
