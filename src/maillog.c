/*
 * maillog.c - stream a mail log, cut it into lines, parse each line's
 * stamp and program, and hand the lines that matter to the joiner.
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
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "findings.h"
#include "maillog.h"
#include "record.h"
#include "source.h"
#include "xalloc.h"

#define MAILLOG_BLOCK	((size_t)1 << 18)
#define BATCH_RECORDS	64
#define QUEUE_BATCHES	8

/* ------------------------------------------------------------ helpers */

#define A10	1, 1, 1, 1, 1, 1, 1, 1, 1, 1
#define A26	A10, A10, 1, 1, 1, 1, 1, 1
const unsigned char maillog_alnum[256] = {
	['0'] = A10,
	['A'] = A26,
	['a'] = A26,
};

/*
 * Eight bytes at a time (a word holds a byte equal to c where
 * (w ^ c*ONES) has a zero byte; the lowest flagged byte is exact).  Only
 * whole words inside [p, end) are read; the tail goes byte by byte.
 */
#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

const char *
maillog_first(const char *p, const char *end, int a, int b)
{
	uint64_t	w, x, y, m;

	while (end - p >= 8) {
		memcpy(&w, p, 8);
		x = w ^ (ONES * (unsigned char)a);
		y = w ^ (ONES * (unsigned char)b);
		m = ((x - ONES) & ~x) | ((y - ONES) & ~y);
		if ((m &= HIGHS) != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return p + (__builtin_ctzll(m) >> 3);
#else
			break;
#endif
		}
		p += 8;
	}
	while (p < end && *p != a && *p != b)
		p++;
	return p;
}

void
maillog_line_fields(struct maillog_line *l, const char *qid, size_t qlen)
{
	struct maillog_span	*sp = &l->queue_id;
	size_t			 i;

	/* the fields from queue_id to text are spans in a row */
	for (i = 0; i < MAILLOG_FIELDS; i++)
		sp[i].p = NULL, sp[i].n = 0;
	l->queue_id.p = qid;
	l->queue_id.n = qlen;
}

const char *
maillog_find(const char *s, size_t n, const char *needle, size_t nlen)
{
	return memmem(s, n, needle, nlen);
}

struct maillog_span
maillog_field(const char *s, size_t n, const char *key)
{
	struct maillog_span	 sp = { NULL, 0 };
	size_t			 k = strlen(key);
	const char		*p, *end = s + n, *e;

	for (p = s; (p = maillog_find(p, (size_t)(end - p), key, k)) != NULL;
	    p += k) {
		/* a key starts the text or follows ", " or " " */
		if (p == s || p[-1] == ' ' || p[-1] == ',')
			break;
	}
	if (p == NULL)
		return sp;
	sp.p = p + k;
	for (e = sp.p; e < end; e++)
		if (*e == ',' && (e + 1 == end || e[1] == ' '))
			break;
	sp.n = (size_t)(e - sp.p);
	return sp;
}

size_t
maillog_copy(char *dst, struct maillog_span sp)
{
	const char	*z, *p = sp.p, *end = sp.p + sp.n;
	size_t		 n = 0;

	while (p < end && (z = memchr(p, '\0', (size_t)(end - p))) != NULL) {
		memcpy(dst + n, p, (size_t)(z - p));
		n += (size_t)(z - p);
		memcpy(dst + n, "\xe2\x90\x80", 3);
		n += 3;
		p = z + 1;
	}
	memcpy(dst + n, p, (size_t)(end - p));
	n += (size_t)(end - p);
	dst[n] = '\0';
	return n;
}

char *
maillog_strdup(struct maillog_span sp)
{
	char	*s;

	if (sp.p == NULL)
		return NULL;
	if (memchr(sp.p, '\0', sp.n) == NULL)
		return xstrndup(sp.p, sp.n);
	s = xmalloc(3 * sp.n + 1);
	maillog_copy(s, sp);
	return s;
}

struct maillog_span
maillog_unangle(struct maillog_span sp)
{
	if (sp.p != NULL && sp.n >= 2 && sp.p[0] == '<' &&
	    sp.p[sp.n - 1] == '>') {
		sp.p++;
		sp.n -= 2;
	}
	return sp;
}

/* ------------------------------------------------------- line prefix */

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* "Mar  2 00:00:07" or "Mar 02 00:00:07[.123456]"; returns its length. */
static size_t
stamp_syslog(const char *p, size_t n)
{
	size_t	i = 15;

	if (n < 17 || p[3] != ' ' || p[6] != ' ' || p[9] != ':' ||
	    p[12] != ':' || !is_digit(p[5]) || !is_digit(p[7]) ||
	    !is_digit(p[14]) || p[0] < 'A' || p[0] > 'Z')
		return 0;
	if (p[i] == '.')
		for (i++; i < n && is_digit(p[i]); i++)
			continue;
	return i < n && p[i] == ' ' ? i : 0;
}

/* "2025-03-02T00:00:07[.frac][Z|+01:00|+0100]"; or, with a space for the
 * T, Exim's "2025-03-02 00:00:07[.123]" (*exim set).  Returns its
 * length. */
static size_t
stamp_iso(const char *p, size_t n, int *exim)
{
	size_t	i = 19;

	if (n < 21 || p[4] != '-' || p[7] != '-' || p[13] != ':' ||
	    p[16] != ':' || !is_digit(p[0]) || !is_digit(p[18]))
		return 0;
	*exim = p[10] == ' ';
	if (p[10] != 'T' && p[10] != ' ')
		return 0;
	if (p[i] == '.')
		for (i++; i < n && is_digit(p[i]); i++)
			continue;
	if (*exim)
		return i < n && p[i] == ' ' ? i : 0;
	if (i < n && p[i] == 'Z')
		i++;
	else if (i < n && (p[i] == '+' || p[i] == '-'))
		for (i++; i < n && (is_digit(p[i]) || p[i] == ':'); i++)
			continue;
	return i < n && p[i] == ' ' ? i : 0;
}

/* Exim's optional " +0100" zone and " [pid]" after its stamp. */
static size_t
exim_extras(const char *p, size_t n, size_t i)
{
	if (i + 6 < n && (p[i + 1] == '+' || p[i + 1] == '-') &&
	    is_digit(p[i + 2]) && is_digit(p[i + 5]) && p[i + 6] == ' ')
		i += 6;
	if (i + 2 < n && p[i + 1] == '[' && is_digit(p[i + 2])) {
		const char *e = memchr(p + i + 1, ']', n - i - 1);

		if (e != NULL && e + 1 < p + n && e[1] == ' ')
			i = (size_t)(e + 1 - p);
	}
	return i;
}

static enum maillog_mta
program_mta(const char *t, size_t n)
{
	if (n > 8 && memcmp(t, "postfix/", 8) == 0)
		return MAILLOG_POSTFIX;
	if (n >= 4 && memcmp(t, "exim", 4) == 0)
		return MAILLOG_EXIM;
	if ((n == 6 && memcmp(t, "sm-mta", 6) == 0) ||
	    (n == 8 && memcmp(t, "sendmail", 8) == 0) ||
	    (n == 12 && memcmp(t, "sm-msp-queue", 12) == 0))
		return MAILLOG_SENDMAIL;
	/* postfix-out/smtp, a syslog_name of one's own */
	if (memchr(t, '/', n) != NULL)
		return MAILLOG_POSTFIX;
	return MAILLOG_MTA_NONE;
}

/*
 * What the line before looked like.  Most lines of a log share their
 * host and the program's prefix ("mail postfix/"), and their pids have
 * the same number of digits: checking for those first is cheaper than
 * scanning for them, and a log of gigabytes has millions of lines.
 */
struct hint {
	size_t		 hostlen;	/* of tpl */
	size_t		 tpllen;	/* "host postfix/": up to the daemon */
	size_t		 pidlen;
	enum maillog_mta mta;		/* of the program in tpl */
	char		 tpl[80];
};

/* p[0..n) == tpl[0..n), a word at a time (n is small: a host name and
 * "postfix/"). */
static int
same_prefix(const char *p, const char *tpl, size_t n)
{
	uint64_t	a, b;

	for (; n >= 8; p += 8, tpl += 8, n -= 8) {
		memcpy(&a, p, 8);
		memcpy(&b, tpl, 8);
		if (a != b)
			return 0;
	}
	for (; n > 0; n--)
		if (*p++ != *tpl++)
			return 0;
	return 1;
}

/* "[pid]" at e (*e == '['): its end, or NULL. */
static const char *
skip_pid(const char *e, const char *end, struct hint *h)
{
	const char	*s = e;

	if (h->pidlen > 0 && (size_t)(end - e) > h->pidlen + 1 &&
	    e[h->pidlen + 1] == ']')
		return e + h->pidlen + 2;
	for (e++; e < end && *e >= '0' && *e <= '9'; e++)
		continue;
	if (e >= end || *e != ']')
		return NULL;
	h->pidlen = (size_t)(e - s - 1);
	return e + 1;
}

/* The tag at t the slow way: up to '[' or ':'; NULL if not a tag. */
static const char *
tag_end(const char *t, const char *end, const char **slash)
{
	const char	*e;

	*slash = t;
	for (e = t; e < end && *e != '[' && *e != ':'; e++) {
		if (*e == ' ')
			return NULL;
		if (*e == '/')
			*slash = e + 1;
	}
	return e < end && e > t ? e : NULL;
}

/* Remembers the host and program prefix of a line read the slow way. */
static void
learn(struct hint *h, const char *p, const char *host_end,
    const char *daemon)
{
	size_t	n = (size_t)(daemon - p);

	h->tpllen = 0;
	if (host_end == NULL || daemon <= host_end + 1 || n > sizeof h->tpl)
		return;
	memcpy(h->tpl, p, n);
	h->tpllen = n;
	h->hostlen = (size_t)(host_end - p);
	h->mta = program_mta(host_end + 1, (size_t)(daemon - host_end - 1) +
	    1);
}

/*
 * After the stamp: "host tag[pid]: msg" (or "tag[pid]: msg" when the
 * host is left out).  Sets host, program, daemon and msg; returns the
 * MTA.
 */
static enum maillog_mta
syslog_rest(const char *p, size_t n, struct maillog_line *l, struct hint *h)
{
	const char		*end = p + n, *s, *t, *e = NULL, *d;
	size_t			 k;
	enum maillog_mta	 mta = MAILLOG_MTA_NONE;

	if (h->tpllen > 0 && n > h->tpllen && same_prefix(p, h->tpl,
	    h->tpllen)) {
		/* as the line before: "host postfix/" */
		s = p + h->hostlen;
		t = s + 1;
		d = p + h->tpllen;
		if (h->mta == MAILLOG_POSTFIX &&
		    (k = maillog_postfix_name(d, end, &l->quiet)) > 0) {
			e = d + k;
			mta = MAILLOG_POSTFIX;
		} else
			e = tag_end(d, end, &d);
	} else {
		for (s = p; s < end && *s != ' '; s++)
			continue;
		if (s >= end)
			return MAILLOG_MTA_NONE;
		t = s > p && s[-1] == ':' ? p : s + 1;
		if ((e = tag_end(t, end, &d)) != NULL && d > t) {
			learn(h, p, t == p ? NULL : s, d);
			maillog_postfix_name(d, end, &l->quiet);
		}
	}
	if (e == NULL || e + 2 >= end)
		return MAILLOG_MTA_NONE;
	if (t > p) {
		l->host.p = p;
		l->host.n = (size_t)(s - p);
	}
	l->program.p = t;
	l->program.n = (size_t)(e - t);
	l->daemon.p = d;
	l->daemon.n = (size_t)(e - d);
	if (*e == '[' && (e = skip_pid(e, end, h)) == NULL)
		return MAILLOG_MTA_NONE;
	if (e + 1 >= end || e[0] != ':' || e[1] != ' ')
		return MAILLOG_MTA_NONE;
	l->msg.p = e + 2;
	l->msg.n = (size_t)(end - l->msg.p);
	return mta != MAILLOG_MTA_NONE ? mta :
	    program_mta(l->program.p, l->program.n);
}

static enum maillog_event
parse(const char *p, size_t n, struct maillog_line *l, struct hint *h)
{
	size_t	k;
	int	exim = 0;

	l->mta = MAILLOG_MTA_NONE;
	l->event = MAILLOG_EV_NONE;
	l->status = MAILLOG_ST_NONE;
	l->host.p = NULL;
	l->host.n = 0;
	l->quiet = 0;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if ((k = stamp_syslog(p, n)) == 0 && (k = stamp_iso(p, n, &exim)) == 0)
		return MAILLOG_EV_NONE;
	l->stamp.p = p;
	l->stamp.n = k;
	if (exim) {
		k = exim_extras(p, n, k);
		l->mta = MAILLOG_EXIM;
		l->program.p = l->daemon.p = "exim";
		l->program.n = l->daemon.n = 4;
		l->msg.p = p + k + 1;
		l->msg.n = n - k - 1;
	} else
		l->mta = syslog_rest(p + k + 1, n - k - 1, l, h);
	switch (l->mta) {
	case MAILLOG_POSTFIX:
		maillog_postfix_parse(l);
		break;
	case MAILLOG_EXIM:
		maillog_exim_parse(l);
		break;
	case MAILLOG_SENDMAIL:
		maillog_sendmail_parse(l);
		break;
	default:
		break;
	}
	return l->event;
}

enum maillog_event
maillog_parse_line(const char *p, size_t n, struct maillog_line *l)
{
	struct hint	h;

	h.tpllen = h.pidlen = 0;
	return parse(p, n, l, &h);
}

int
maillog_sniff(const char *buf, size_t len)
{
	const char		*p = buf, *end = buf + len, *nl;
	struct maillog_line	 l;
	size_t			 lines = 0, stamped = 0, known = 0;
	int			 exim;

	while (p < end && lines < 40) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			if (lines > 0)
				break;	/* a cut last line says nothing */
			nl = end;
		}
		/* journalctl's "-- Logs begin at …" and blank lines */
		if (nl > p && !(nl - p >= 3 && memcmp(p, "-- ", 3) == 0)) {
			lines++;
			if (stamp_syslog(p, (size_t)(nl - p)) > 0 ||
			    stamp_iso(p, (size_t)(nl - p), &exim) > 0)
				stamped++;
			else if (lines == 1)
				return 0;
			maillog_parse_line(p, (size_t)(nl - p), &l);
			known += l.mta != MAILLOG_MTA_NONE;
		}
		p = nl + 1;
	}
	return lines > 0 && known > 0 && stamped * 10 >= lines * 8;
}

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
	struct hint	 hint;
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
		if (parse(p, n, &l, &c->hint) != MAILLOG_EV_NONE)
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
