/*
 * record.c - the set of failure records the readers fill and views read.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis.h"
#include "findings.h"
#include "record.h"
#include "xalloc.h"

void
recset_init(struct recset *rs)
{
	memset(rs, 0, sizeof *rs);
}

void
record_release(struct record *r)
{
	size_t	i;

	free(r->recipient);
	free(r->original_recipient);
	free(r->sender);
	free(r->remote_host);
	free(r->diagnostic);
	free(r->action);
	free(r->time);
	free(r->queue_id);
	free(r->subject);
	free(r->message_id);
	free(r->relay);
	free(r->delays);
	free(r->context);
	free(r->note);
	for (i = 0; i < r->nattempts; i++) {
		free(r->attempts[i].time);
		free(r->attempts[i].action);
		free(r->attempts[i].diagnostic);
	}
	free(r->attempts);
	free(r->lines);
	memset(r, 0, sizeof *r);
}

void
recset_release(struct recset *rs)
{
	size_t	i;

	for (i = 0; i < rs->n; i++)
		record_release(&rs->v[i]);
	free(rs->v);
	for (i = 0; i < rs->nnames; i++)
		free(rs->names[i]);
	free(rs->names);
	memset(rs, 0, sizeof *rs);
}

struct record *
recset_add(struct recset *rs)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 64;
		rs->v = xreallocarray(rs->v, rs->cap, sizeof *rs->v);
	}
	memset(&rs->v[rs->n], 0, sizeof rs->v[0]);
	return &rs->v[rs->n++];
}

const char *
recset_intern(struct recset *rs, const char *name)
{
	size_t	i;

	for (i = rs->nnames; i > 0; i--)
		if (strcmp(rs->names[i - 1], name) == 0)
			return rs->names[i - 1];
	rs->names = xreallocarray(rs->names, rs->nnames + 1,
	    sizeof *rs->names);
	rs->names[rs->nnames] = xstrdup(name);
	return rs->names[rs->nnames++];
}

void
record_reply_text(char buf[4], int reply)
{
	if (reply < 100 || reply > 999) {
		buf[0] = '\0';
		return;
	}
	buf[0] = (char)('0' + reply / 100);
	buf[1] = (char)('0' + reply / 10 % 10);
	buf[2] = (char)('0' + reply % 10);
	buf[3] = '\0';
}

void
record_codes(struct record *r, struct findings *f)
{
	size_t	n = r->findings.nspans;

	/* the spans past nspans are never read: most of the struct */
	memcpy(f, &r->findings, offsetof(struct findings, spans));
	f->nspans = n;
	if (n > FINDINGS_MAX_SPANS)
		n = FINDINGS_MAX_SPANS;
	memcpy(f->spans, r->findings.spans, n * sizeof f->spans[0]);
	if (r->reply[0] == '\0')
		record_reply_text(r->reply, f->reply);
	if (r->status[0] == '\0' && f->status[0] != '\0')
		memcpy(r->status, f->status, sizeof r->status);
	if (r->phase == FINDINGS_PHASE_NONE)
		r->phase = f->phase;
	/* structured fields (Status:, dsn=) win over the text's codes */
	f->reply = r->reply[0] ? atoi(r->reply) : 0;
	memcpy(f->status, r->status, sizeof f->status);
	f->phase = r->phase;
}

char *
record_limit_note(const struct record *r)
{
	if (r->diagnosis.limited == NULL)
		return NULL;
	return xasprintf("%s%sthe pattern of article '%s' stopped at its "
	    "match limit", r->note ? r->note : "", r->note ? "; " : "",
	    r->diagnosis.limited->id);
}

void
record_diagnose(struct record *r, const struct kb *kb)
{
	const char	*text = r->diagnostic ? r->diagnostic : "";
	size_t		 len = strlen(text);
	struct findings	 f;
	char		*m;

	findings_scan(text, len, &r->findings);
	record_codes(r, &f);
	diagnosis_run(kb, text, len, &f, &r->diagnosis);
	/* a limit hit is said in the record, like the reader's limits */
	if ((m = record_limit_note(r)) != NULL) {
		free(r->note);
		r->note = m;
	}
}
