/*
 * message.c - bounce messages to records.
 *
 * Input: one message or an mbox, as bytes.  Output: records (record.h).
 *
 * Each message is brought to LF line ends (CRLF and lone CR both count as
 * one line end, so line numbers stay those of the file), cut into MIME
 * parts (mime.c), and read in this order: a feedback report (RFC 5965,
 * or an SES complaint); the RFC 3464 fields (dsn.c), whose recipients
 * take the human-readable text's error line when it says more; an Amazon
 * SES bounce notification; the human-readable text alone (prose.c); the
 * To: of the returned message when the bounce names nobody; last, an
 * auto-reply (RFC 3834).  Mail that is none of these gives no record.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "dsn.h"
#include "findings.h"
#include "kb.h"
#include "message.h"
#include "mime.h"
#include "msginfo.h"
#include "prose.h"
#include "record.h"
#include "xalloc.h"

static char *
normalize(const char *buf, size_t len, int lead_nl, size_t *outlen)
{
	char	*o = xmalloc(len + 2);
	size_t	 i, k = 0;

	if (lead_nl)
		o[k++] = '\n';
	for (i = 0; i < len; i++) {
		if (buf[i] == '\r') {
			o[k++] = '\n';
			if (i + 1 < len && buf[i + 1] == '\n')
				i++;
		} else
			o[k++] = buf[i];
	}
	o[k] = '\0';
	*outlen = k;
	return o;
}

int
message_has_header(const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len, *nl;
	size_t		 i, n, fields = 0;

	for (i = 0; p < end && i < 8; i++, p = nl + 1) {
		/* LF, CRLF or CR alone end a line */
		for (nl = p; nl < end && *nl != '\n' && *nl != '\r'; nl++)
			;
		n = (size_t)(nl - p);
		if (nl + 1 < end && nl[0] == '\r' && nl[1] == '\n')
			nl++;
		if (nl >= end)
			nl = NULL;
		if (n == 0)
			return fields > 0;
		if ((i == 0 && n > 5 && strncmp(p, "From ", 5) == 0) ||
		    (fields > 0 && (*p == ' ' || *p == '\t'))) {
			if (nl == NULL)
				break;
			continue;
		}
		if (msginfo_field_len(p, n) == 0 || msginfo_dsn_field(p, n))
			return fields > 1;
		fields++;
		if (nl == NULL)
			break;
	}
	return fields > 0;
}

int
message_has_bounce_text(const char *buf, size_t len)
{
	return msginfo_bounce_text(buf, len) ||
	    (memmem(buf, len, "Final-Recipient:", 16) != NULL &&
	    memmem(buf, len, "Status:", 7) != NULL);
}

/* One message being read. */
struct msg {
	const char		*name;		/* interned */
	struct recset		*rs;
	const struct kb		*kb;
	struct diag		*d;
	off_t			 off;		/* of the message in the file */
	size_t			 rawlen;
	struct mime_msg		 m;
	const struct mime_part	*orig;		/* the returned message */
	char			*text;		/* the notification text */
	size_t			 textlen;
	unsigned long		 textline;	/* its first line in the file */
	int			 text_exact;	/* lines of text = lines of file */
	char			*subject;	/* of the returned message */
	char			*message_id;
	char			*date;		/* of the bounce, ISO 8601 */
	const char		*skip[8];	/* sender-side addresses */
	char			*skipbuf[8];
	size_t			 nskip;
	size_t			 added;
	/* what fallback_record() gives the records it makes */
	const char		*fb_diag;
	const char		*fb_action;
	unsigned long		 fb_line;
	struct mime_msg		 inl;		/* a returned message that
						   is only text */
	const char		*ctx;		/* what views show as the
						   source: the notice */
	size_t			 ctxlen;
};

#define MESSAGE_CONTEXT_MAX	6144	/* bytes of the notice kept */

static const char *
top_field(const char *name, const void *arg)
{
	const struct msg	*g = arg;

	return mime_field(&g->m.v[0], name);
}

/* Is part i inside a returned message (below an embedded part)? */
static int
inside_orig(const struct mime_msg *m, size_t i)
{
	int	k;

	for (k = (int)i; k >= 0; k = m->v[k].parent)
		if (m->v[k].embedded)
			return 1;
	return 0;
}

static char *
decoded_field(const struct mime_part *p, const char *name)
{
	const char	*v = mime_field(p, name);
	size_t		 n;

	return v ? mime_words(v, strlen(v), &n) : NULL;
}

/* The returned message: the first embedded part, else the header block
 * after the notification's cut, parsed on its own. */
static void
find_original(struct msg *g)
{
	size_t	i;

	for (i = 1; i < g->m.n; i++)
		if (g->m.v[i].embedded) {
			g->orig = &g->m.v[i];
			return;
		}
}

static void
add_skip(struct msg *g, const char *value)
{
	char	*a;

	if (value == NULL || g->nskip == 8 ||
	    (a = dsn_address(value, strlen(value))) == NULL)
		return;
	g->skipbuf[g->nskip] = a;
	g->skip[g->nskip++] = a;
}

/* Gathers the notification text: the text parts outside the returned
 * message (text/html only when there is no text/plain). */
static void
gather_text(struct msg *g)
{
	const struct mime_part	*p;
	size_t			 i, pass, nparts = 0;

	for (pass = 0; pass < 2 && g->textlen == 0; pass++)
		for (i = 0; i < g->m.n; i++) {
			p = &g->m.v[i];
			if (p->text == NULL || inside_orig(&g->m, i) ||
			    strcmp(p->type, pass ? "text/html" :
			    "text/plain") != 0)
				continue;
			if (nparts++ == 0) {
				g->textline = p->line;
				g->text_exact = p->encoding == NULL ||
				    strcmp(p->encoding, "base64") != 0;
			}
			g->text = xreallocarray(g->text, g->textlen +
			    p->textlen + 2, 1);
			memcpy(g->text + g->textlen, p->text, p->textlen);
			g->textlen += p->textlen;
			g->text[g->textlen++] = '\n';
			g->text[g->textlen] = '\0';
		}
	if (g->text != NULL && pass == 2)
		msginfo_strip_html(g->text, &g->textlen);
}

static const char *
remember(char **slot, char *v)
{
	free(*slot);
	*slot = v;
	return v;
}

/* A new record with what every record of this message shares. */
static struct record *
new_record(struct msg *g, const char *rcpt, const char *action)
{
	struct record	*r = recset_add(g->rs);

	r->source = g->name;
	r->offset = g->off;
	r->length = g->rawlen;
	r->recipient = rcpt ? xstrdup(rcpt) : NULL;
	r->action = xstrdup(action ? action : "failed");
	r->subject = g->subject ? xstrdup(g->subject) : NULL;
	r->message_id = g->message_id ? xstrdup(g->message_id) : NULL;
	r->time = g->date ? xstrdup(g->date) : NULL;
	r->note = g->m.note ? xstrdup(g->m.note) : NULL;
	r->context = g->ctxlen > 0 ? xstrndup(g->ctx, g->ctxlen) : NULL;
	g->added++;
	return r;
}

/* The file line of line k (0-based) of the notification text. */
static unsigned long
text_line(const struct msg *g, unsigned long k)
{
	return g->textline + (g->text_exact ? k : 0);
}

/* Sets the reason of a record that is not a failure. */
static void
not_failure(struct record *r, const char *reason)
{
	r->diagnosis.reason = reason;
	r->diagnosis.temporary = 0;
}

/* Is the reason only what a detail-less status ("4.4.0") says, or none?
 * A delay then is best named for what it is: still in the queue. */
static int
vague_reason(const struct record *r)
{
	const struct diagnosis	*d = &r->diagnosis;
	size_t			 n = strlen(r->status);

	if (strcmp(d->reason, "onhold") == 0 ||
	    strcmp(d->reason, "undefined") == 0)
		return 1;
	return n > 2 && strcmp(r->status + n - 2, ".0") == 0 &&
	    d->narticles > 0 && d->articles[0]->kind == KB_KIND_STATUS &&
	    strcmp(d->reason, d->articles[0]->reason) == 0;
}

static void
finish(struct msg *g, struct record *r)
{
	size_t	i;

	if (r->diagnostic != NULL) {
		for (i = 0; r->diagnostic[i] != '\0'; i++) {
			if (r->diagnostic[i] == '\n' ||
			    r->diagnostic[i] == '\r' ||
			    r->diagnostic[i] == '\t')
				r->diagnostic[i] = ' ';
			/* "ERROR_CODE :550": a code glued to its colon */
			if (i > 0 && r->diagnostic[i - 1] == ' ' &&
			    r->diagnostic[i] == ':' &&
			    findings_reply_len(r->diagnostic + i + 1,
			    strlen(r->diagnostic + i + 1)) > 0)
				r->diagnostic[i] = ' ';
		}
		if (r->remote_host == NULL)
			r->remote_host = msginfo_remote_host(r->diagnostic);
	}
	if (r->diagnostic != NULL && r->reply[0] == '\0')
		msginfo_failure_codes(r->diagnostic, r->reply, r->status);
	if (r->diagnostic != NULL && r->reply[0] == '\0')
		msginfo_lenient_codes(r->diagnostic, r->reply, r->status);
	if (r->diagnostic != NULL && r->phase == FINDINGS_PHASE_NONE)
		r->phase = msginfo_transcript_phase(r->diagnostic);
	if (r->diagnostic != NULL && r->phase == FINDINGS_PHASE_NONE &&
	    g->text != NULL)
		r->phase = msginfo_reply_phase(g->text, g->textlen,
		    r->diagnostic);
	record_diagnose(r, g->kb);
	if (r->action != NULL && (strcmp(r->action, "delivered") == 0 ||
	    strcmp(r->action, "relayed") == 0 ||
	    strcmp(r->action, "expanded") == 0))
		not_failure(r, "delivered");
	else if (r->action != NULL && strcmp(r->action, "delayed") == 0 &&
	    vague_reason(r))
		r->diagnosis.reason = "expired";
}

/* The prose recipient that is addr, or NULL. */
static const struct prose_rcpt *
prose_find(const struct prose *p, const char *addr)
{
	size_t	i;

	for (i = 0; addr != NULL && i < p->n; i++)
		if (strcasecmp(p->v[i].addr, addr) == 0)
			return &p->v[i];
	return NULL;
}

/* Does the human text say more than the Diagnostic-Code: the same reply
 * with the command it answered, or anything when the code is empty? */
static int
prose_better(const char *dsn, const char *prose)
{
	struct findings	f, h;

	if (prose == NULL)
		return 0;
	if (dsn == NULL || *dsn == '\0')
		return 1;
	findings_scan(dsn, strlen(dsn), &f);
	findings_scan(prose, strlen(prose), &h);
	if (h.reply == 0 && h.status[0] == '\0')
		return 0;
	if (f.reply == 0 && f.status[0] == '\0')
		return 1;
	return f.reply == h.reply && h.phase != FINDINGS_PHASE_NONE &&
	    f.phase == FINDINGS_PHASE_NONE;
}

/* The remote server's own reply outranks the reporting MTA's Status:
 * a status of the same class in the Diagnostic-Code wins over a Status
 * that says nothing ("5.0.0", RFC 3463) or something else (Sendmail's
 * "4.4.7" for a reply that was "450 4.7.1"). */
static void
better_status(struct record *r, const char *type, const char *diag)
{
	struct findings	f;

	if (diag == NULL || r->status[0] == '\0')
		return;
	findings_scan(diag, strlen(diag), &f);
	if (f.status[0] != r->status[0] || strcmp(f.status + 1, ".0.0") == 0)
		return;
	if (strcmp(r->status + 1, ".0.0") == 0 ||
	    (type != NULL && strcmp(type, "smtp") == 0 &&
	    f.status_span.off == (f.reply ? f.reply_span.off + 4 : 0)))
		memcpy(r->status, f.status, sizeof r->status);
}

static void
from_dsn_rcpt(struct msg *g, const struct dsn_report *rep,
    const struct dsn_rcpt *c, const struct prose *p, unsigned long base)
{
	const struct prose_rcpt	*pr;
	struct record		*r;
	const char		*rcpt = c->final_rcpt ? c->final_rcpt :
				    c->orig_rcpt;

	r = new_record(g, rcpt, c->action);
	r->original_recipient = c->orig_rcpt ? xstrdup(c->orig_rcpt) : NULL;
	r->sender = rep->sender ? xstrdup(rep->sender) : NULL;
	r->queue_id = rep->queue_id ? xstrdup(rep->queue_id) : NULL;
	r->remote_host = c->remote_mta ? xstrdup(c->remote_mta) : NULL;
	if (c->last_attempt != NULL)
		remember(&r->time, msginfo_iso_date(c->last_attempt));
	if (c->status != NULL && findings_status_len(c->status,
	    strlen(c->status)) == strlen(c->status) &&
	    strlen(c->status) < sizeof r->status)
		memcpy(r->status, c->status, strlen(c->status) + 1);
	r->line = base + c->line;
	better_status(r, c->diag_type, c->diag);
	if ((pr = prose_find(p, rcpt)) == NULL)
		pr = prose_find(p, c->orig_rcpt);
	if (pr == NULL && p->n == rep->n)	/* the same recipients, in order */
		pr = &p->v[c - rep->v];
	if (rcpt == NULL && pr != NULL) {	/* "Final-Recipient: @host" */
		free(r->recipient);
		r->recipient = xstrdup(pr->addr);
	}
	if (pr != NULL && prose_better(c->diag, pr->diag)) {
		r->diagnostic = xstrdup(pr->diag);
		r->line = text_line(g, pr->line);
		better_status(r, NULL, r->diagnostic);
	} else if (c->diag != NULL && (r->diagnostic = g->text == NULL ?
	    NULL : msginfo_full_reply(g->text, g->textlen, c->diag)) == NULL)
		r->diagnostic = xstrdup(c->diag);
	finish(g, r);
	/* a local delivery program failed (RFC 3464 s2.3.6 "X-Unix"): its
	 * exit status is no SMTP reply */
	if (c->diag_type != NULL && strcmp(c->diag_type, "x-unix") == 0 &&
	    r->diagnostic != NULL && strcmp(r->diagnostic, c->diag) == 0)
		r->reply[0] = '\0';
	if (c->diag_type != NULL && strcmp(c->diag_type, "x-unix") == 0 &&
	    strcmp(r->action, "delivered") != 0 && strstr("mailboxfull systemfull "
	    "mesgtoobig exceedlimit", r->diagnosis.reason) == NULL)
		r->diagnosis.reason = "mailererror";
	if (strcmp(r->action, "delivered") != 0 &&
	    msginfo_category_reason(c->category) != NULL)
		r->diagnosis.reason = msginfo_category_reason(c->category);
}

/* Every RFC 3464 report of the message: the delivery-status parts, else
 * fields written into the notification text. */
static size_t
from_dsn(struct msg *g, const struct prose *p)
{
	struct dsn_report	 rep;
	const struct mime_part	*q;
	size_t			 i, k, before = g->added;

	for (i = 0; i < g->m.n; i++) {
		q = &g->m.v[i];
		if (q->text == NULL || inside_orig(&g->m, i) ||
		    strstr(q->type, "delivery-status") == NULL)
			continue;
		dsn_parse(q->text, q->textlen, &rep);
		for (k = 0; k < rep.n; k++)
			from_dsn_rcpt(g, &rep, &rep.v[k], p, q->line);
		dsn_release(&rep);
	}
	if (g->added > before || g->text == NULL)
		return g->added - before;
	dsn_parse(g->text, g->textlen, &rep);
	for (k = 0; k < rep.n; k++)
		if ((rep.v[k].final_rcpt != NULL ||
		    rep.v[k].orig_rcpt != NULL) && (rep.v[k].action != NULL ||
		    rep.v[k].status != NULL || rep.v[k].diag != NULL))
			from_dsn_rcpt(g, &rep, &rep.v[k], p,
			    text_line(g, 0));
	dsn_release(&rep);
	return g->added - before;
}

static size_t
from_ses(struct msg *g)
{
	struct msginfo_ses	*v;
	struct record		*r;
	size_t			 n, i;

	if (g->text == NULL)
		return 0;
	if ((n = msginfo_ses_parse(g->text, g->textlen, &v)) == 0)
		return 0;
	for (i = 0; i < n; i++) {
		r = new_record(g, v[i].addr, v[i].kind == 'c' ? "delivered" :
		    v[i].action);
		r->line = g->textline;
		if (v[i].diag != NULL)
			r->diagnostic = strncasecmp(v[i].diag, "smtp;", 5) ?
			    xstrdup(v[i].diag) : xstrdup(v[i].diag + 5 +
			    (v[i].diag[5] == ' '));
		if (v[i].status != NULL && strlen(v[i].status) <
		    sizeof r->status)
			memcpy(r->status, v[i].status, strlen(v[i].status) + 1);
		r->remote_host = v[i].remote ? xstrdup(v[i].remote) : NULL;
		finish(g, r);
		if (v[i].kind == 'c')
			not_failure(r, "feedback");
	}
	msginfo_ses_free(v, n);
	return n;
}

static size_t
from_prose(struct msg *g, const struct prose *p)
{
	struct record	*r;
	size_t		 i;
	const char	*subj = mime_field(&g->m.v[0], "Subject");
	int		 delay = msginfo_delay_text(subj, g->text,
			    p->cut < g->textlen ? p->cut : g->textlen);

	for (i = 0; i < p->n; i++) {
		r = new_record(g, p->v[i].addr, delay ? "delayed" : "failed");
		r->diagnostic = p->v[i].diag ? xstrdup(p->v[i].diag) : NULL;
		r->line = text_line(g, p->v[i].line);
		finish(g, r);
	}
	return p->n;
}

#define EACH_ADDR_MAX	256

/* Calls fn for each address in the header value v (a list), at most
 * EACH_ADDR_MAX of them. */
static size_t
each_addr(const char *v, void (*fn)(struct msg *, const char *, size_t),
    struct msg *g)
{
	const char	*at, *a, *end;
	size_t		 n, count = 0;

	if (v == NULL)
		return 0;
	end = v + strlen(v);
	/* each address costs a record and a diagnosis: a list of more than
	 * EACH_ADDR_MAX is not a bounce's, and must not take quadratic time */
	for (at = strchr(v, '@'); at != NULL && count < EACH_ADDR_MAX;
	    at = strchr(at + 1, '@')) {
		for (a = at; a > v && strchr(" \t<>,;:\"()[]", a[-1]) == NULL;
		    a--)
			;
		if ((n = prose_addr_len(a, (size_t)(end - a))) == 0)
			continue;
		fn(g, a, n);
		count++;
		at = a + n - 1;
	}
	return count;
}

static void
fallback_record(struct msg *g, const char *a, size_t n)
{
	struct record	*r;
	char		*addr = xstrndup(a, n);

	r = new_record(g, addr, g->fb_action);
	free(addr);
	r->diagnostic = g->fb_diag ? xstrdup(g->fb_diag) : NULL;
	r->line = g->fb_line;
	finish(g, r);
	/* the message did arrive: the reason says how we know */
	if (strcmp(g->fb_action, "vacation") == 0 ||
	    strcmp(g->fb_action, "feedback") == 0) {
		free(r->action);
		r->action = xstrdup("delivered");
		not_failure(r, g->fb_action);
	}
}

/* The recipients of a feedback report: its Original-Rcpt-To fields, else
 * the To: of the reported message. */
static size_t
from_feedback(struct msg *g, const char *summary)
{
	const struct mime_part	*q = NULL;
	const char		*s, *e, *end;
	size_t			 i, n = 0;

	for (i = 0; i < g->m.n; i++)
		if (strcmp(g->m.v[i].type, "message/feedback-report") == 0 &&
		    g->m.v[i].text != NULL)
			q = &g->m.v[i];
	g->fb_diag = summary;
	g->fb_action = "feedback";
	g->fb_line = g->textline;
	if (q != NULL)
		for (s = q->text, end = s + q->textlen; s < end; s = e + 1) {
			if ((e = memchr(s, '\n', (size_t)(end - s))) == NULL)
				e = end;
			if ((size_t)(e - s) > 17 &&
			    strncasecmp(s, "Original-Rcpt-To:", 17) == 0) {
				char *v = xstrndup(s + 17, (size_t)(e - s - 17));

				n += each_addr(v, fallback_record, g);
				free(v);
			}
		}
	if (n == 0 && g->orig != NULL)
		n = each_addr(mime_field(g->orig, "X-HmXmrOriginalRecipient"),
		    fallback_record, g);
	if (n == 0 && g->orig != NULL)
		n = each_addr(mime_field(g->orig, "To"), fallback_record, g);
	if (n == 0) {		/* a report that names no recipient */
		fallback_record(g, "", 0);
		free(g->rs->v[g->rs->n - 1].recipient);
		g->rs->v[g->rs->n - 1].recipient = NULL;
		n = 1;
	}
	return n;
}

/* An ARF report (RFC 5965), or a complaint that only attaches the
 * reported message (Microsoft's feedback loop). */
static int
is_feedback(const struct msg *g)
{
	const char	*ct = mime_field(&g->m.v[0], "Content-Type");
	const char	*subj = mime_field(&g->m.v[0], "Subject");
	size_t		 i;

	for (i = 0; i < g->m.n; i++)
		if (strcmp(g->m.v[i].type, "message/feedback-report") == 0)
			return 1;
	if (ct != NULL && strcasestr(ct, "feedback-report") != NULL)
		return 1;
	return g->orig != NULL && subj != NULL &&
	    (strcasestr(subj, "complaint about message") != NULL ||
	    strcasestr(subj, "abuse report") != NULL);
}

/* The returned message as text after the cut ("------ This is a copy of
 * the message, including all the headers. ------"): parse its header. */
static void
inline_original(struct msg *g, const struct prose *p)
{
	const char	*s, *nl;

	if (g->orig != NULL || g->text == NULL || p->cut >= g->textlen)
		return;
	s = g->text + p->cut;
	if (!message_has_header(s, g->textlen - p->cut) &&
	    (nl = memchr(s, '\n', g->textlen - p->cut)) != NULL)
		s = nl + 1;
	while (s < g->text + g->textlen && *s == '\n')
		s++;
	if (!message_has_header(s, (size_t)(g->text + g->textlen - s)))
		return;
	mime_parse(s, (size_t)(g->text + g->textlen - s), 0, &g->inl);
	if (g->inl.n > 0 && g->inl.v[0].nfields > 0)
		g->orig = &g->inl.v[0];
}

static void
original_fields(struct msg *g)
{
	const char	*v;

	if (g->orig == NULL)
		return;
	g->subject = decoded_field(g->orig, "Subject");
	if ((v = mime_field(g->orig, "Message-ID")) != NULL)
		g->message_id = xstrdup(v);
	add_skip(g, mime_field(g->orig, "From"));
	add_skip(g, mime_field(g->orig, "Sender"));
	add_skip(g, mime_field(g->orig, "Return-Path"));
}

/* The notice up to the returned message (whole lines, bounded), else
 * the first delivery report. */
static void
set_context(struct msg *g, size_t cut)
{
	const char	*nl;
	size_t		 i;

	g->ctx = g->text;
	g->ctxlen = g->text ? (cut < g->textlen ? cut : g->textlen) : 0;
	for (i = 0; g->ctxlen == 0 && i < g->m.n; i++)
		if (g->m.v[i].text != NULL &&
		    strstr(g->m.v[i].type, "delivery-status") != NULL) {
			g->ctx = g->m.v[i].text;
			g->ctxlen = g->m.v[i].textlen;
		}
	if (g->ctxlen > MESSAGE_CONTEXT_MAX) {
		nl = memrchr(g->ctx, '\n', MESSAGE_CONTEXT_MAX);
		g->ctxlen = nl ? (size_t)(nl - g->ctx) : MESSAGE_CONTEXT_MAX;
	}
	while (g->ctxlen > 0 && (g->ctx[g->ctxlen - 1] == '\n' ||
	    g->ctx[g->ctxlen - 1] == ' '))
		g->ctxlen--;
}

static void
read_parsed(struct msg *g)
{
	const struct mime_part	*top = &g->m.v[0];
	struct prose		 p;
	const char		*v;
	size_t			 nskip;
	int			 bounce;

	gather_text(g);
	find_original(g);
	add_skip(g, mime_field(top, "To"));
	add_skip(g, mime_field(top, "Reply-To"));
	if ((v = mime_field(top, "Date")) != NULL)
		g->date = msginfo_iso_date(v);
	nskip = g->nskip;
	prose_scan(g->text ? g->text : "", g->textlen, g->skip, nskip, &p);
	inline_original(g, &p);
	original_fields(g);
	if (p.n > 0 && g->nskip > nskip) {	/* the skip list grew */
		prose_release(&p);
		prose_scan(g->text ? g->text : "", g->textlen, g->skip,
		    g->nskip, &p);
	}
	set_context(g, p.cut);
	if (is_feedback(g)) {
		from_feedback(g, p.summary);
		goto out;
	}
	if (from_dsn(g, &p) > 0 || from_ses(g) > 0)
		goto out;
	bounce = msginfo_bounce_header(mime_field(top, "From"),
	    mime_field(top, "Subject"), mime_field(top, "Content-Type")) ||
	    msginfo_bounce_text(g->text ? g->text : "", p.cut);
	g->fb_diag = p.summary;
	g->fb_line = g->textline;
	if (bounce && p.n > 0)
		from_prose(g, &p);
	else if (bounce && (v = mime_field(top, "X-Failed-Recipients")) !=
	    NULL) {
		g->fb_action = "failed";
		each_addr(v, fallback_record, g);
	} else if (bounce && g->orig != NULL) {
		g->fb_action = "failed";
		each_addr(mime_field(g->orig, "To"), fallback_record, g);
	} else if (!bounce && msginfo_autoreply(top_field, g)) {
		/* a mail client's automatic unsubscribe request (Apple
		 * Mail) is the recipient's feedback, not an absence */
		g->fb_action = mime_field(top, "X-Apple-Unsubscribe") ?
		    "feedback" : "vacation";
		each_addr(mime_field(top, "From"), fallback_record, g);
	}
out:
	prose_release(&p);
}

static size_t
read_one(struct msg *g, const char *buf, size_t len, unsigned long line0)
{
	char	*norm;
	size_t	 nlen, i;
	int	 headless = !message_has_header(buf, len);

	norm = normalize(buf, len, headless, &nlen);
	mime_parse(norm, nlen, headless ? line0 - 1 : line0, &g->m);
	if (g->m.note != NULL)
		diag_at(g->d, g->name, line0, "%s", g->m.note);
	read_parsed(g);
	mime_release(&g->m);
	mime_release(&g->inl);
	free(g->text);
	free(g->subject);
	free(g->message_id);
	free(g->date);
	for (i = 0; i < g->nskip; i++)
		free(g->skipbuf[i]);
	free(norm);
	return g->added;
}

size_t
message_read(const char *name, const char *buf, size_t len,
    struct recset *rs, const struct kb *kb, struct diag *d)
{
	struct msg	g;

	memset(&g, 0, sizeof g);
	g.name = recset_intern(rs, name);
	g.rs = rs;
	g.kb = kb;
	g.d = d;
	g.rawlen = len;
	return read_one(&g, buf, len, 1);
}

/* Does the line p[0..n) hold a time "hh:mm:ss"? */
static int
has_time(const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i + 8 <= n; i++)
		if (p[i + 2] == ':' && p[i + 5] == ':' &&
		    strspn(p + i, "0123456789") == 2 &&
		    strspn(p + i + 3, "0123456789") == 2 &&
		    strspn(p + i + 6, "0123456789") == 2)
			return 1;
	return 0;
}

/* Is the line at p an mbox separator: "From " after a blank line, or a
 * "From sender date" line followed by a header field? */
static int
mbox_from(const char *buf, const char *p, const char *end)
{
	const char	*nl;

	if ((size_t)(end - p) <= 5 || memcmp(p, "From ", 5) != 0)
		return 0;
	if (p == buf || (p[-1] == '\n' && (p - buf == 1 || p[-2] == '\n')))
		return 1;
	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
		return 0;
	return has_time(p, (size_t)(nl - p)) &&
	    msginfo_field_len(nl + 1, (size_t)(end - nl - 1)) > 0;
}

size_t
message_read_mbox(const char *name, const char *buf, size_t len,
    struct recset *rs, const struct kb *kb, struct diag *d)
{
	const char	*end, *p, *start = NULL, *nl;
	unsigned long	 line = 1, sline = 0;
	size_t		 total = 0, nlen;
	struct msg	 g;
	char		*norm;

	norm = normalize(buf, len, 0, &nlen);	/* CR-only mboxes too */
	buf = norm;
	end = buf + nlen;
	for (p = buf;;) {
		if (p >= end || mbox_from(buf, p, end)) {
			if (start != NULL && start < p) {
				memset(&g, 0, sizeof g);
				g.name = recset_intern(rs, name);
				g.rs = rs;
				g.kb = kb;
				g.d = d;
				g.off = (off_t)(start - buf);
				g.rawlen = (size_t)(p - start);
				total += read_one(&g, start, g.rawlen, sline);
			}
			if (p >= end)
				break;
			nl = memchr(p, '\n', (size_t)(end - p));
			start = nl ? nl + 1 : end;
			sline = line + 1;
			p = start;
			line++;
			continue;
		}
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		p = nl + (nl < end);
		line++;
	}
	free(norm);
	return total;
}
