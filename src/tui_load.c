/*
 * tui_load.c - the reader thread of the terminal UI (see tui_load.h).
 *
 * Each path is read with input_each(), the same dispatch as the other
 * views: a mail log's records reach the screen as soon as each journey
 * is complete, and the offsets of their lines tell how far the scan is;
 * the records of other inputs (a message, an mbox, a directory, plain
 * text) come when that input has been read.
 *
 * Ownership: the thread owns its private recset and diag while reading a
 * path; the "ready" recset and diag are shared and guarded by the mutex;
 * the UI owns what tui_load_take() gives it.  Records move by value (their
 * strings change owner, nothing is copied) and their source names are
 * interned again in the receiving set, because the names belong to a set.
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "diag.h"
#include "input.h"
#include "kb.h"
#include "maillog.h"
#include "record.h"
#include "tui_load.h"
#include "xalloc.h"


struct tui_load {
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	const struct kb		*kb;
	char *const		*paths;
	size_t			 npaths;
	/* shared, under lock */
	struct recset		 ready;
	struct diag		 msgs;
	size_t			 path;
	size_t			 records;
	off_t			 offset;	/* of the path being read */
	off_t			 size;		/* of it; 0 if unknown */
	int			 done;		/* read every path */
	int			 exited;	/* finished or cancelled */
	int			 failed;
};

void
tui_load_move(struct recset *to, struct recset *from)
{
	struct record	*r;
	size_t		 i;

	for (i = 0; i < from->n; i++) {
		r = recset_add(to);
		*r = from->v[i];
		if (r->source != NULL)
			r->source = recset_intern(to, r->source);
	}
	/* the records' fields now belong to to: free only the shells */
	free(from->v);
	for (i = 0; i < from->nnames; i++)
		free(from->names[i]);
	free(from->names);
	memset(from, 0, sizeof *from);
}

/*
 * Each record as it is read (input_each() lends it): copied, then handed
 * over at once.  A record's lines tell how far into its file the reader
 * is.
 */
static void
take_one(struct record *r, void *arg)
{
	struct tui_load	*l = arg;
	struct record	 c = *r, *n;
	off_t		 end = r->offset;

	if (r->nlines > 0 && r->lines[r->nlines - 1].offset > end)
		end = r->lines[r->nlines - 1].offset;
	maillog_record_own(&c);
	pthread_mutex_lock(&l->lock);
	n = recset_add(&l->ready);
	*n = c;
	if (c.source != NULL)
		n->source = recset_intern(&l->ready, c.source);
	l->records++;
	if (r->seekable && end > l->offset)
		l->offset = end;
	pthread_mutex_unlock(&l->lock);
}

/* Reads one path, records straight to the UI. */
static int
read_path(struct tui_load *l, const char *path, struct diag *d)
{
	/* the screen shows senders and message-ids: not lean */
	struct maillog_sink	sink = { take_one, l, 0 };
	struct stat		st;

	pthread_mutex_lock(&l->lock);
	l->offset = 0;
	l->size = strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
	    S_ISREG(st.st_mode) ? st.st_size : 0;
	pthread_mutex_unlock(&l->lock);
	return input_each(path, l->kb, &sink, d);
}

/* Runs when the reader ends, normally or cancelled. */
static void
reader_exit(void *arg)
{
	struct tui_load	*l = arg;

	pthread_mutex_lock(&l->lock);
	l->exited = 1;
	pthread_mutex_unlock(&l->lock);
}

static void *
reader(void *arg)
{
	struct tui_load	*l = arg;
	struct diag	 d;
	size_t		 i;
	int		 rc, old;

	pthread_cleanup_push(reader_exit, l);
	for (i = 0; i < l->npaths; i++) {
		diag_init(&d);
		rc = read_path(l, l->paths[i], &d);
		/* no cancellation while the shared state is half changed */
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
		pthread_mutex_lock(&l->lock);
		diag_move(&l->msgs, &d);
		l->failed |= rc == -1;
		l->path = i + 1;
		pthread_mutex_unlock(&l->lock);
		diag_release(&d);
		pthread_setcancelstate(old, NULL);
	}
	pthread_mutex_lock(&l->lock);
	l->done = 1;
	pthread_mutex_unlock(&l->lock);
	pthread_cleanup_pop(1);
	return NULL;
}

struct tui_load *
tui_load_start(const struct kb *kb, char *const *paths, size_t npaths)
{
	struct tui_load	*l = xcalloc(1, sizeof *l);
	sigset_t	 all, old;
	int		 rc;

	l->kb = kb;
	l->paths = paths;
	l->npaths = npaths;
	recset_init(&l->ready);
	diag_init(&l->msgs);
	pthread_mutex_init(&l->lock, NULL);
	/* the thread inherits this mask: signals go to the UI thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&l->thread, NULL, reader, l);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_mutex_destroy(&l->lock);
		diag_release(&l->msgs);
		free(l);
		return NULL;
	}
	return l;
}

size_t
tui_load_take(struct tui_load *l, struct recset *rs, struct diag *d)
{
	size_t	n;

	pthread_mutex_lock(&l->lock);
	n = l->ready.n;
	if (n > 0)
		tui_load_move(rs, &l->ready);
	if (l->msgs.n > 0)
		diag_move(d, &l->msgs);
	pthread_mutex_unlock(&l->lock);
	return n;
}

void
tui_load_progress(struct tui_load *l, struct tui_load_progress *p)
{
	pthread_mutex_lock(&l->lock);
	p->done = l->done;
	p->path = l->path;
	p->npaths = l->npaths;
	p->records = l->records;
	p->failed = l->failed;
	p->offset = l->offset;
	p->size = l->size;
	pthread_mutex_unlock(&l->lock);
}

/* Waits up to ms milliseconds for the reader to end. */
static int
wait_exited(struct tui_load *l, int ms)
{
	struct timespec	ts = { 0, 10 * 1000 * 1000 };
	int		exited = 0;

	for (;;) {
		pthread_mutex_lock(&l->lock);
		exited = l->exited;
		pthread_mutex_unlock(&l->lock);
		if (exited || ms <= 0)
			break;
		nanosleep(&ts, NULL);
		ms -= 10;
	}
	return exited;
}

int
tui_load_stop(struct tui_load *l)
{
	if (l == NULL)
		return 0;
	if (!wait_exited(l, 0)) {
		pthread_cancel(l->thread);
		/* it stops at its next read; a long regex run may hold it a
		 * little longer, but not forever */
		if (!wait_exited(l, 1000))
			return -1;
	}
	if (pthread_join(l->thread, NULL) != 0)
		return -1;
	pthread_mutex_destroy(&l->lock);
	recset_release(&l->ready);
	diag_release(&l->msgs);
	free(l);
	return 0;
}
