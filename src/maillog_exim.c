/*
 * maillog_exim.c - the lines of Exim's main log.
 *
 * Input: the text after the stamp (native mainlog) or after "exim[PID]: "
 * (Exim logging to syslog), in l->msg.
 * Output: the event and fields of struct maillog_line.
 *
 * A line about a message starts with its id (16 characters, "1toWkS-
 * 0001kg-03"; Exim 4.97 and later write 23, "1toWkS-00000001kg-0003"),
 * then a flag (Exim specification, "Log file entries"):
 *
 *	ID <= sender … id=MESSAGE-ID		arrival
 *	ID => rcpt [<orig>] R=… T=… H=…		delivery (-> another address of
 *						the same delivery, *> faked)
 *	ID ** rcpt [<orig>] [R=… T=… H=…]: TEXT	delivery failed, bounced
 *	ID == rcpt [<orig>] R=… T=… defer (N) [H=…]: TEXT
 *						delivery deferred
 *	ID Completed				the message is done
 *	ID H=host [ip] …: SMTP error from …	a host's error (also on the ==
 *						or ** line that follows)
 *
 * Lines without an id that say "rejected" are refusals of incoming mail:
 * "H=(helo) [ip] F=<s> rejected RCPT <r>: TEXT".
 *
 * TEXT is what follows the first ": " after the recipient ("SMTP error
 * from remote mail server after RCPT TO:<r>: 550 …", "retry time not
 * reached for any host for 'example.com'", "Unrouteable address"),
 * "defer (N): " kept in front when nothing stands between them: the
 * knowledge base knows "defer (110): Connection timed out".
 */
#include "config.h"

#include <string.h>

#include "maillog.h"

/* Length of an alphanumeric run at p, at most max. */
static size_t
run(const char *p, const char *end, size_t max)
{
	size_t	n = 0;

	while (p + n < end && n <= max && maillog_alnum[(unsigned char)p[n]])
		n++;
	return n;
}

/* A message id at p, followed by a space: its length, or 0. */
static size_t
message_id_len(const char *p, const char *end)
{
	size_t	a, b, c;

	if ((a = run(p, end, 6)) != 6 || p + 6 >= end || p[6] != '-')
		return 0;
	b = run(p + 7, end, 11);
	if (b < 6 || b > 11 || p + 7 + b >= end || p[7 + b] != '-')
		return 0;
	c = run(p + 8 + b, end, 4);
	if (c < 2 || c > 4 || p + 8 + b + c >= end || p[8 + b + c] != ' ')
		return 0;
	return 8 + b + c;
}

/* The value of " key" (e.g. " H=") up to the next space; with host set
 * (H=), up to and with the "[ip]" after the name. */
static struct maillog_span
word_after(const char *p, const char *end, const char *key, int host)
{
	struct maillog_span	 sp = { NULL, 0 };
	size_t			 k = strlen(key);
	const char		*q, *e;

	if ((q = maillog_find(p, (size_t)(end - p), key, k)) == NULL)
		return sp;
	q += k;
	for (e = q; e < end && *e != ' '; e++)
		continue;
	if (host && e + 1 < end && e[1] == '[' &&
	    (e = memchr(e, ']', (size_t)(end - e))) != NULL)
		e++;
	if (e == NULL)
		return sp;
	sp.p = q;
	sp.n = (size_t)(e - q);
	return sp;
}

/* "rcpt [<orig>] …: TEXT" after a delivery flag. */
static void
delivery(struct maillog_line *l, const char *p, const char *end)
{
	const char	*e, *colon, *d;

	for (e = p; e < end && *e != ' ' && !(*e == ':' && (e + 1 == end ||
	    e[1] == ' ')); e++)
		continue;
	l->recipient.p = p;
	l->recipient.n = (size_t)(e - p);
	if (e + 2 < end && e[0] == ' ' && e[1] == '<' &&
	    (d = memchr(e + 2, '>', (size_t)(end - e - 2))) != NULL) {
		l->orig_recipient.p = e + 2;
		l->orig_recipient.n = (size_t)(d - e - 2);
	}
	l->relay = word_after(e, end, " H=", 1);
	l->event = MAILLOG_EV_DELIVERY;
	if (l->status == MAILLOG_SENT)
		return;
	for (colon = e; colon + 1 < end && !(colon[0] == ':' &&
	    colon[1] == ' '); colon++)
		continue;
	l->text.p = colon + 2 <= end ? colon + 2 : end;
	if ((d = maillog_find(e, (size_t)(colon - e), " defer (", 8)) != NULL &&
	    colon[-1] == ')' && memchr(d + 8, ' ', (size_t)(colon - d - 8)) ==
	    NULL)
		l->text.p = d + 1;
	l->text.n = (size_t)(end - l->text.p);
}

/* "<= sender … id=MESSAGE-ID" */
static void
arrival(struct maillog_line *l, const char *p, const char *end)
{
	const char	*e;

	for (e = p; e < end && *e != ' '; e++)
		continue;
	l->sender.p = p;
	l->sender.n = (size_t)(e - p);
	l->sender = maillog_unangle(l->sender);
	l->message_id = word_after(e, end, " id=", 0);
	l->event = MAILLOG_EV_SENDER;
}

/* "H=(helo) [ip] F=<s> rejected RCPT <r>: TEXT" and its kin. */
static void
rejected(struct maillog_line *l, const char *p, const char *end,
    const char *rej)
{
	const char	*e, *t;

	l->event = MAILLOG_EV_REJECT;
	/* the H= before " rejected": one after it would make a span that
	 * ends before it starts */
	l->client = word_after(p - 1, rej, " H=", 1);
	l->sender = maillog_unangle(word_after(p - 1, rej, " F=", 0));
	if (end - rej > 15 && memcmp(rej, " rejected RCPT <", 16) == 0 &&
	    (e = memchr(rej + 16, '>', (size_t)(end - rej - 16))) != NULL) {
		l->recipient.p = rej + 16;
		l->recipient.n = (size_t)(e - rej - 16);
	}
	if ((t = maillog_find(rej, (size_t)(end - rej), ": ", 2)) == NULL)
		t = rej - 1;	/* " rejected …" itself */
	l->text.p = t + 2;
	l->text.n = (size_t)(end - t - 2);
}

/* What follows "ID ". */
static void
with_id(struct maillog_line *l, const char *p, const char *end)
{
	const char	*r;

	if (end - p >= 3 && p[2] == ' ') {
		if (p[0] == '<' && p[1] == '=') {
			if (!l->lean)
				arrival(l, p + 3, end);
		} else if ((p[0] == '=' || p[0] == '-' || p[0] == '*') &&
		    p[1] == '>')
			l->status = MAILLOG_SENT;
		else if (p[0] == '*' && p[1] == '*')
			l->status = MAILLOG_BOUNCED;
		else if (p[0] == '=' && p[1] == '=')
			l->status = MAILLOG_DEFERRED;
		if (l->status != MAILLOG_ST_NONE)
			delivery(l, p + 3, end);
		return;
	}
	if (end - p == 9 && memcmp(p, "Completed", 9) == 0)
		l->event = MAILLOG_EV_DONE;
	else if ((r = maillog_find(p, (size_t)(end - p), " rejected ", 10)) !=
	    NULL)
		rejected(l, p, end, r);
	else if (end - p > 2 && p[0] == 'H' && p[1] == '=')
		l->event = MAILLOG_EV_NOTE;
}

void
maillog_exim_parse(struct maillog_line *l)
{
	const char	*p = l->msg.p, *end = p + l->msg.n, *r;
	size_t		 k;

	if ((k = message_id_len(p, end)) > 0) {
		maillog_line_fields(l, p, k);
		with_id(l, p + k + 1, end);
		return;
	}
	if (end - p > 2 && p[0] == 'H' && p[1] == '=' &&
	    (r = maillog_find(p, (size_t)(end - p), " rejected ", 10)) !=
	    NULL) {
		maillog_line_fields(l, NULL, 0);
		rejected(l, p, end, r);
	}
}
