/*
 * maillog_emit.c - the records the joiner hands out: a failing
 * recipient's journey, an inbound rejection.
 *
 * Input: a finished journey (maillog_journey.h), or a rejection line.
 * Output: one struct record to the joiner's sink.  The record borrows:
 * its strings and arrays are the journey's, or the joiner's scratch
 * space, valid during the sink call only (maillog.h).
 *
 * Its lines are every line the journey was told about (the sender's,
 * the message-id's, notes, attempts), in line order; when the text cannot
 * be read again (gzip, a pipe), their copies become its context.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maillog.h"
#include "maillog_journey.h"
#include "record.h"
#include "xalloc.h"

static const char *
action_of(enum maillog_status st)
{
	switch (st) {
	case MAILLOG_SENT:
		return "delivered";
	case MAILLOG_DEFERRED:
		return "delayed";
	case MAILLOG_BOUNCED:
		return "failed";
	case MAILLOG_EXPIRED:
		return "expired";
	default:
		return NULL;
	}
}

static int
cmp_line(const void *a, const void *b)
{
	const struct record_line	*x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}

static void
add_line(struct record *r, const struct ref *f)
{
	size_t	i;

	if (f->line == 0)
		return;
	for (i = 0; i < r->nlines; i++)
		if (r->lines[i].line == f->line)
			return;
	r->lines[r->nlines].line = f->line;
	r->lines[r->nlines].offset = f->off;
	r->lines[r->nlines++].length = f->len;
}

/* Joins the copied lines of a journey, in line order, into context. */
static void
add_context(struct maillog_journey *j, struct record *r,
    const struct ref *refs, size_t n)
{
	size_t	i, k, len = 0, need;
	char	*s = j->ctx;

	for (i = 0; i < r->nlines; i++)
		for (k = 0; k < n; k++) {
			if (refs[k].line != r->lines[i].line ||
			    refs[k].copy == NULL)
				continue;
			need = strlen(refs[k].copy) + 1;
			if (len + need > CONTEXT_MAX)
				break;
			memcpy(s + len, refs[k].copy, need - 1);
			len += need;
			s[len - 1] = '\n';
			break;
		}
	s[len] = '\0';
	r->context = s;
}

/* The journey's source lines (and, unseekable, their copies). */
static void
journey_lines(struct maillog_journey *j, struct record *r,
    const struct mq *m, const struct jr *jr)
{
	struct ref	*refs;
	size_t		 n = 0, i;

	refs = xreallocarray(NULL, jr->n + NOTES_MAX + 2, sizeof *refs);
	refs[n++] = m->sref;
	refs[n++] = m->mref;
	for (i = 0; i < m->nnotes; i++)
		refs[n++] = m->notes[i];
	for (i = 0; i < jr->n; i++) {
		refs[n].line = jr->v[i].line;
		refs[n].off = jr->v[i].off;
		refs[n].len = jr->v[i].len;
		refs[n++].copy = jr->v[i].copy;
	}
	if (n > j->linecap) {
		j->linecap = n;
		j->lines = xreallocarray(j->lines, n, sizeof *j->lines);
	}
	r->lines = j->lines;
	for (i = 0; i < n; i++)
		add_line(r, &refs[i]);
	qsort(r->lines, r->nlines, sizeof *r->lines, cmp_line);
	r->seekable = j->seekable;
	if (!j->seekable)
		add_context(j, r, refs, n);
	free(refs);
}

/* The host name of a relay ("mx.example.com[192.0.2.1]:25", "mx.example.com
 * [192.0.2.1]") into buf; NULL for "none", "local" and the like. */
static char *
relay_host(const char *relay, char *buf, size_t size)
{
	size_t	n;

	if (relay == NULL || strchr(relay, '[') == NULL)
		return NULL;
	if ((n = strcspn(relay, "[ ")) == 0 || n >= size)
		return NULL;
	memcpy(buf, relay, n);
	buf[n] = '\0';
	return buf;
}

/*
 * Hands out a finished journey as a record.  The record borrows every
 * string and array from the journey (maillog.h): nothing is allocated
 * for it here.
 */
void
maillog_emit_journey(struct maillog_journey *j, struct mq *m,
    const struct jr *jr)
{
	struct record	 r;
	struct attempt	*a, *last = NULL;
	size_t		 i;

	maillog_record_clear(&r);
	if (jr->n > j->attcap) {
		j->attcap = jr->n;
		j->att = xreallocarray(j->att, jr->n, sizeof *j->att);
	}
	r.attempts = j->att;
	for (i = 0; i < jr->n; i++) {
		a = &jr->v[i];
		if (a->st != MAILLOG_SENT)
			last = a;
		memset(&r.attempts[i], 0, sizeof r.attempts[i]);
		r.attempts[i].line = a->line;
		r.attempts[i].offset = a->off;
		r.attempts[i].length = a->len;
		r.attempts[i].action = (char *)action_of(a->st);
		r.attempts[i].time = a->stamp;
		r.attempts[i].diagnostic = a->text;
		memcpy(r.attempts[i].dsn, a->dsn, sizeof a->dsn);
	}
	r.nattempts = jr->n;
	if (last == NULL)
		last = &jr->v[jr->n - 1];
	r.source = j->name;
	r.line = last->line;
	r.offset = last->off;
	r.length = last->len;
	r.time = last->stamp;
	r.diagnostic = last->text;
	r.action = (char *)(jr->final == MAILLOG_BOUNCED ? "failed" :
	    jr->final == MAILLOG_EXPIRED ? "expired" : "delayed");
	r.recipient = jr->rcpt;
	r.original_recipient = jr->orig;
	r.relay = jr->relay;
	r.delays = jr->delays;
	r.remote_host = relay_host(r.relay, j->host, sizeof j->host);
	if (jr->dropped > 0) {
		snprintf(j->note, sizeof j->note, "%zu attempts between the "
		    "first %d and the last %d are left out", jr->dropped,
		    ATTEMPTS_FIRST, ATTEMPTS_MAX - ATTEMPTS_FIRST);
		r.note = j->note;
	}
	r.sender = m->sender.p;
	r.message_id = m->msgid.p;
	r.queue_id = m->qid;
	journey_lines(j, &r, m, jr);
	j->out->record(&r, j->out->arg);
}

/* Copies span sp, NUL-terminated, into j->scratch at *at. */
static char *
scratch(struct maillog_journey *j, size_t *at, struct maillog_span sp)
{
	char	*s;

	if (sp.p == NULL)
		return NULL;
	s = j->scratch + *at;
	*at += maillog_copy(s, sp) + 1;
	return s;
}

/* An inbound rejection: a record of its own line. */
void
maillog_emit_reject(struct maillog_journey *j, const struct maillog_line *l,
    const char *sender, unsigned long lineno, off_t off, const char *p,
    size_t n)
{
	struct record		 r;
	struct record_line	 line;
	size_t			 at = 0, need;

	/* pieces of the line and its start, NULs made U+2400 */
	need = 3 * (l->stamp.n + l->text.n + l->recipient.n + l->sender.n +
	    l->client.n + l->queue_id.n + CONTEXT_MAX) + 8;
	if (j->scratchcap < need) {
		j->scratchcap = need;
		free(j->scratch);
		j->scratch = xmalloc(j->scratchcap);
	}
	maillog_record_clear(&r);
	r.source = j->name;
	r.line = line.line = lineno;
	r.offset = line.offset = off;
	r.length = line.length = n;
	r.time = scratch(j, &at, l->stamp);
	r.action = (char *)"rejected";
	r.diagnostic = scratch(j, &at, l->text);
	r.recipient = scratch(j, &at, l->recipient);
	r.sender = scratch(j, &at, l->sender);
	r.remote_host = scratch(j, &at, l->client);
	r.queue_id = scratch(j, &at, l->queue_id);
	if (l->sender.p == NULL)
		r.sender = (char *)sender;
	r.lines = &line;
	r.nlines = 1;
	r.seekable = j->seekable;
	if (!j->seekable) {
		struct maillog_span	 all = { p, n < CONTEXT_MAX ? n :
					     CONTEXT_MAX };

		r.context = scratch(j, &at, all);
	}
	j->out->record(&r, j->out->arg);
}
