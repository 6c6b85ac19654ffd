/*
 * maillog_record.c - records that outlive the joiner: packed into one
 * allocation, or given copies of their own.
 *
 * Input: a record whose strings and arrays are lent (the joiner's, valid
 * during one sink call).  Output: the same record pointing into memory
 * that stays (maillog.h).
 *
 * A record has fourteen strings and two arrays, its attempts three
 * strings each: packing them into one block (arrays first, aligned) costs
 * one allocation, or none when the block is part of a larger arena, as
 * the batches handed to the diagnosis thread are (maillog.c).
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "maillog.h"
#include "record.h"
#include "xalloc.h"

/* The string fields of a record, and of an attempt. */
#define RECORD_STRINGS(r) \
	&(r)->recipient, &(r)->original_recipient, &(r)->sender, \
	&(r)->remote_host, &(r)->diagnostic, &(r)->action, &(r)->time, \
	&(r)->queue_id, &(r)->subject, &(r)->message_id, &(r)->relay, \
	&(r)->delays, &(r)->context, &(r)->note
/* The string fields of attempt a, into as[3]; as. */
#define ATTEMPT_STRINGS(a, as) \
	((as)[0] = &(a)->time, (as)[1] = &(a)->action, \
	    (as)[2] = &(a)->diagnostic, (as))

/* Where the spans of a record's findings are, in the record. */
#define SPANS_AT	(offsetof(struct record, findings) + \
			    offsetof(struct findings, spans))
#define SPANS_END	(SPANS_AT + sizeof ((struct findings *)0)->spans)

void
maillog_record_clear(struct record *r)
{
	memset(r, 0, SPANS_AT);
	memset((char *)r + SPANS_END, 0, sizeof *r - SPANS_END);
}

void
maillog_record_copy(struct record *dst, const struct record *src)
{
	size_t	n = src->findings.nspans;

	memcpy(dst, src, SPANS_AT);
	memcpy((char *)dst + SPANS_END, (const char *)src + SPANS_END,
	    sizeof *dst - SPANS_END);
	if (n > FINDINGS_MAX_SPANS)
		n = FINDINGS_MAX_SPANS;
	memcpy(dst->findings.spans, src->findings.spans,
	    n * sizeof src->findings.spans[0]);
}

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

size_t
maillog_record_pack_size(struct record *r)
{
	char			**rs[] = { RECORD_STRINGS(r) }, **as[3];
	size_t			  size, i, nr = sizeof rs / sizeof rs[0];
	struct record_attempt	 *a;

	size = r->nattempts * sizeof *r->attempts +
	    r->nlines * sizeof *r->lines + str_size(rs, nr);
	for (i = 0; i < r->nattempts; i++) {
		a = &r->attempts[i];
		size += str_size(ATTEMPT_STRINGS(a, as), 3);
	}
	/* round up: the next pack's arrays stay aligned */
	return (size + 15) & ~(size_t)15;
}

void
maillog_record_pack_into(struct record *r, char *at)
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
		str_move(ATTEMPT_STRINGS(a, as), 3, &at);
	}
}

char *
maillog_record_pack(struct record *r)
{
	char	*pack = xmalloc(maillog_record_pack_size(r) + 1);

	maillog_record_pack_into(r, pack);
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

/* A copy of n elements of size bytes at v; NULL for none. */
static void *
array_own(const void *v, size_t n, size_t size)
{
	void	*c;

	if (n == 0)
		return NULL;
	c = xreallocarray(NULL, n, size);
	memcpy(c, v, n * size);
	return c;
}

void
maillog_record_own(struct record *r)
{
	char			**rs[] = { RECORD_STRINGS(r) }, **as[3];
	struct record_attempt	 *a;
	size_t			  i;

	str_own(rs, sizeof rs / sizeof rs[0]);
	r->attempts = array_own(r->attempts, r->nattempts,
	    sizeof *r->attempts);
	for (i = 0; i < r->nattempts; i++) {
		a = &r->attempts[i];
		str_own(ATTEMPT_STRINGS(a, as), 3);
	}
	r->lines = array_own(r->lines, r->nlines, sizeof *r->lines);
}

void
maillog_record_to_recset(struct record *r, void *arg)
{
	struct recset	*rs = arg;
	struct record	*n = recset_add(rs);

	*n = *r;
	maillog_record_own(n);
	n->source = recset_intern(rs, r->source);
}
