/*
 * maillog_sendmail.c - the lines Sendmail logs about a message.
 *
 * Input: the text after "sm-mta[PID]: " (or "sendmail[PID]: "), l->msg.
 * Output: the event and fields of struct maillog_line.
 *
 *	QID: from=<s>, size=N, class=0, nrcpts=1, msgid=<m>, …	arrival
 *	QID: to=<r>[,<r2>…], [ctladdr=…, ]delay=D, xdelay=X, mailer=M,
 *	     pri=N, relay=R, dsn=X.Y.Z, stat=TEXT			attempt
 *	[QID: ]ruleset=check_rcpt, arg1=<r>, relay=C, reject=TEXT	refused
 *	QID: <r>... User unknown					refused
 *	QID: QID2: DSN: TEXT				the bounce message
 *
 * stat= is the last field and runs to the end of the line.  "Sent …" is
 * a delivery, "Deferred: …" a deferral; any other stat= with a 5.x.x dsn=
 * is a permanent failure ("User unknown", "Service unavailable").  Sendmail
 * logs no "removed": a recipient's journey ends with its final status.
 */
#include "config.h"

#include <string.h>

#include "maillog.h"

static int
starts(const char *p, const char *end, const char *word, size_t n)
{
	return (size_t)(end - p) >= n && memcmp(p, word, n) == 0;
}

/* "to=<r>, …, stat=TEXT" */
static void
delivery(struct maillog_line *l, const char *p, const char *end)
{
	struct maillog_span	 stat, d, x;

	if ((stat = maillog_field(p, (size_t)(end - p), "stat=")).p == NULL)
		return;
	/* stat= runs to the end of the line, commas and all */
	stat.n = (size_t)(end - stat.p);
	l->recipient = maillog_field(p, (size_t)(stat.p - p), "to=");
	l->recipient = maillog_unangle(l->recipient);
	l->relay = maillog_field(p, (size_t)(stat.p - p), "relay=");
	l->dsn = maillog_field(p, (size_t)(stat.p - p), "dsn=");
	d = maillog_field(p, (size_t)(stat.p - p), "delay=");
	x = maillog_field(p, (size_t)(stat.p - p), "xdelay=");
	if (d.p != NULL) {
		l->delays.p = d.p - 6;
		l->delays.n = (size_t)((x.p != NULL ? x.p + x.n : d.p + d.n) -
		    l->delays.p);
	}
	l->text = stat;
	if (starts(stat.p, end, "Sent", 4))
		l->status = MAILLOG_SENT;
	else if (starts(stat.p, end, "Deferred", 8))
		l->status = MAILLOG_DEFERRED;
	else if (starts(stat.p, end, "queued", 6) ||
	    starts(stat.p, end, "Queued", 6))
		return;
	else if (l->dsn.p == NULL || l->dsn.p[0] != '4')
		l->status = MAILLOG_BOUNCED;
	else
		l->status = MAILLOG_DEFERRED;
	l->event = MAILLOG_EV_DELIVERY;
}

/* "ruleset=check_rcpt, arg1=<r>, relay=C, reject=TEXT" */
static void
ruleset(struct maillog_line *l, const char *p, const char *end)
{
	struct maillog_span	 rej, rs, arg;

	if ((rej = maillog_field(p, (size_t)(end - p), "reject=")).p == NULL)
		return;
	rej.n = (size_t)(end - rej.p);
	rs = maillog_field(p, (size_t)(rej.p - p), "ruleset=");
	arg = maillog_unangle(maillog_field(p, (size_t)(rej.p - p), "arg1="));
	if (rs.n == 10 && memcmp(rs.p, "check_rcpt", 10) == 0)
		l->recipient = arg;
	else if (rs.n == 10 && memcmp(rs.p, "check_mail", 10) == 0)
		l->sender = arg;
	l->client = maillog_field(p, (size_t)(rej.p - p), "relay=");
	l->text = rej;
	l->event = MAILLOG_EV_REJECT;
}

/* "<r>... User unknown": refused while receiving. */
static void
refused(struct maillog_line *l, const char *p, const char *end)
{
	const char	*e;

	if ((e = maillog_find(p, (size_t)(end - p), ">... ", 5)) == NULL)
		return;
	l->recipient.p = p + 1;
	l->recipient.n = (size_t)(e - p - 1);
	l->text.p = e + 5;
	l->text.n = (size_t)(end - e - 5);
	l->event = MAILLOG_EV_REJECT;
}

static void
with_qid(struct maillog_line *l, const char *p, const char *end)
{
	const char	*q;

	if (starts(p, end, "to=", 3))
		delivery(l, p, end);
	else if (starts(p, end, "from=", 5)) {
		if (l->lean)
			return;
		l->sender = maillog_field(p, (size_t)(end - p), "from=");
		l->sender = maillog_unangle(l->sender);
		l->message_id = maillog_unangle(maillog_field(p,
		    (size_t)(end - p), "msgid="));
		l->event = MAILLOG_EV_SENDER;
	} else if (starts(p, end, "ruleset=", 8))
		ruleset(l, p, end);
	else if (*p == '<')
		refused(l, p, end);
	else {
		for (q = p; q < end && maillog_alnum[(unsigned char)*q]; q++)
			continue;
		if (q > p && starts(q, end, ": DSN: ", 7))
			l->event = MAILLOG_EV_NOTE;
	}
}

void
maillog_sendmail_parse(struct maillog_line *l)
{
	const char	*p = l->msg.p, *end = p + l->msg.n, *q;

	if (starts(p, end, "ruleset=", 8)) {
		maillog_line_fields(l, NULL, 0);
		ruleset(l, p, end);
		return;
	}
	for (q = p; q < end && q - p < 31 && maillog_alnum[(unsigned char)*q];
	    q++)
		continue;
	if (q - p < 6 || q + 2 >= end || q[0] != ':' || q[1] != ' ')
		return;
	maillog_line_fields(l, p, (size_t)(q - p));
	with_qid(l, q + 2, end);
}
