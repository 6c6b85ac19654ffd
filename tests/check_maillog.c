/*
 * check_maillog.c - tests of the mail-log reader (maillog*.c) and of the
 * streaming source it reads through.
 *
 * Lines: a table of real-looking lines of each MTA and stamp style, with
 * the fields each must give, written out by hand.  Each line is copied
 * into a buffer of exactly its length, so a read past its end shows under
 * valgrind and the sanitizers.  Journeys: short logs fed through the
 * joiner, with the records they must make.  Reading: the logs of
 * tests/data/logs, a truncated gzip, an over-long line, and the
 * diagnosis cache, which must agree with the knowledge base run on each
 * text.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "diagnosis.h"
#include "findings.h"
#include "kb.h"
#include "maillog.h"
#include "record.h"
#include "source.h"
#include "tap.h"
#include "view_json.h"

#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND	0
#endif

#define NROWS(a)	((int)(sizeof (a) / sizeof (a)[0]))

/* ------------------------------------------------------------- lines */

struct line_row {
	const char		*line;
	enum maillog_mta	 mta;
	enum maillog_event	 event;
	enum maillog_status	 status;
	/* expected fields; NULL: not set */
	const char		*stamp, *qid, *rcpt, *orig, *sender, *relay,
				*dsn, *text, *msgid, *client;
};

#define PF	MAILLOG_POSTFIX
#define EX	MAILLOG_EXIM
#define SM	MAILLOG_SENDMAIL

static const struct line_row line_rows[] = {
	/* Postfix, traditional syslog stamp: a deferral with a reply */
	{ "Mar  2 00:00:07 mail postfix/smtp[13939]: D79B9B5E503: "
	  "to=<dave@live.example>, relay=mx.live.example[203.0.113.14]:25, "
	  "delay=0.82, delays=0.11/0.13/0.21/0.37, dsn=4.7.0, "
	  "status=deferred (host mx.live.example[203.0.113.14] said: 421 "
	  "4.7.0 Try again later (in reply to MAIL FROM command))",
	  PF, MAILLOG_EV_DELIVERY, MAILLOG_DEFERRED, "Mar  2 00:00:07",
	  "D79B9B5E503", "dave@live.example", NULL, NULL,
	  "mx.live.example[203.0.113.14]:25", "4.7.0",
	  "host mx.live.example[203.0.113.14] said: 421 4.7.0 Try again "
	  "later (in reply to MAIL FROM command)", NULL, NULL },
	/* journalctl -o short: a zero-padded day; local, orig_to */
	{ "Mar 02 10:15:01 mail postfix/local[2211]: 4C1F22A0B7: "
	  "to=<nobody2@mail.example.com>, orig_to=<nobody2>, relay=local, "
	  "delay=0.02, delays=0.01/0/0/0.01, dsn=5.1.1, status=bounced "
	  "(unknown user: \"nobody2\")",
	  PF, MAILLOG_EV_DELIVERY, MAILLOG_BOUNCED, "Mar 02 10:15:01",
	  "4C1F22A0B7", "nobody2@mail.example.com", "nobody2", NULL, "local",
	  "5.1.1", "unknown user: \"nobody2\"", NULL, NULL },
	/* RFC 3339 stamp; qmgr gives up on a message */
	{ "2025-03-02T10:15:01.123456+01:00 mail postfix/qmgr[882]: "
	  "8A1B2C3D4E: from=<alice@example.org>, status=expired, returned to "
	  "sender",
	  PF, MAILLOG_EV_EXPIRED, MAILLOG_EXPIRED,
	  "2025-03-02T10:15:01.123456+01:00", "8A1B2C3D4E", NULL, NULL,
	  "alice@example.org", NULL, NULL,
	  "from=<alice@example.org>, status=expired, returned to sender",
	  NULL, NULL },
	/* no reply: the connection timed out */
	{ "2025-03-02T00:00:21Z mail postfix/smtp[13841]: C2F1CA3C460: "
	  "to=<thomas@contoso.example>, relay=none, delay=0.75, "
	  "delays=0.19/0.01/0.24/0.32, dsn=4.4.1, status=deferred (connect "
	  "to mx.contoso.example[203.0.113.73]:25: Connection timed out)",
	  PF, MAILLOG_EV_DELIVERY, MAILLOG_DEFERRED, "2025-03-02T00:00:21Z",
	  "C2F1CA3C460", "thomas@contoso.example", NULL, NULL, "none",
	  "4.4.1", "connect to mx.contoso.example[203.0.113.73]:25: "
	  "Connection timed out", NULL, NULL },
	/* journalctl -o short-iso; DNS failure, bounced */
	{ "2025-03-02T00:00:27+0100 mail postfix/smtp[13939]: B3A0FE07DDA: "
	  "to=<yusuf@mail-ru.example>, relay=none, delay=1.5, "
	  "delays=0.08/0.01/0.28/1.2, dsn=5.4.4, status=bounced (Host or "
	  "domain name not found. Name service error for name=mail-ru.example "
	  "type=AAAA: Host not found)",
	  PF, MAILLOG_EV_DELIVERY, MAILLOG_BOUNCED, "2025-03-02T00:00:27+0100",
	  "B3A0FE07DDA", "yusuf@mail-ru.example", NULL, NULL, "none", "5.4.4",
	  "Host or domain name not found. Name service error for "
	  "name=mail-ru.example type=AAAA: Host not found", NULL, NULL },
	{ "Mar  2 00:00:32 mail postfix/smtp[13640]: 3FE8267B369: "
	  "to=<peggy@globex.example>, relay=mx2.globex.example[203.0.113.52]"
	  ":25, delay=2, delays=0.24/0.09/0.46/1.2, dsn=4.4.2, "
	  "status=deferred (lost connection with mx2.globex.example"
	  "[203.0.113.52] while sending message body)",
	  PF, MAILLOG_EV_DELIVERY, MAILLOG_DEFERRED, "Mar  2 00:00:32",
	  "3FE8267B369", "peggy@globex.example", NULL, NULL,
	  "mx2.globex.example[203.0.113.52]:25", "4.4.2", "lost connection "
	  "with mx2.globex.example[203.0.113.52] while sending message body",
	  NULL, NULL },
	/* a renamed service and a long queue id */
	{ "Mar  2 09:01:02 relay1 postfix-out/smtp[77]: 4Yz3Kx0Z1Pz9nqW: "
	  "to=<a@b.example>, relay=mx.b.example[192.0.2.5]:25, delay=1, "
	  "delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
	  PF, MAILLOG_EV_DELIVERY, MAILLOG_SENT, "Mar  2 09:01:02",
	  "4Yz3Kx0Z1Pz9nqW", "a@b.example", NULL, NULL,
	  "mx.b.example[192.0.2.5]:25", "2.0.0", "250 2.0.0 Ok", NULL, NULL },
	/* smtpd refuses a recipient */
	{ "Mar  2 00:00:02 mail postfix/smtpd[12137]: NOQUEUE: reject: RCPT "
	  "from unknown[203.0.113.171]: 554 5.7.1 <x@example.net>: Relay "
	  "access denied; from=<peggy@woodgrove.example> to=<x@example.net> "
	  "proto=ESMTP helo=<woodgrove.example>",
	  PF, MAILLOG_EV_REJECT, MAILLOG_ST_NONE, "Mar  2 00:00:02", NULL,
	  "x@example.net", NULL, "peggy@woodgrove.example", NULL, NULL,
	  "554 5.7.1 <x@example.net>: Relay access denied", NULL,
	  "unknown[203.0.113.171]" },
	/* postscreen: a client with a port, fields with commas */
	{ "Mar  2 00:00:00 mail postfix/postscreen[14747]: NOQUEUE: reject: "
	  "RCPT from [203.0.113.136]:49377: 550 5.7.1 Service unavailable; "
	  "client [203.0.113.136] blocked using zen.spamhaus.org; "
	  "from=<gbell@comcast.example>, to=<rosa@example.com>, "
	  "proto=ESMTP, helo=<1b0co42g.example>",
	  PF, MAILLOG_EV_REJECT, MAILLOG_ST_NONE, "Mar  2 00:00:00", NULL,
	  "rosa@example.com", NULL, "gbell@comcast.example", NULL, NULL,
	  "550 5.7.1 Service unavailable; client [203.0.113.136] blocked "
	  "using zen.spamhaus.org", NULL, "[203.0.113.136]:49377" },
	/* a header check in cleanup: the reply comes last */
	{ "Mar  2 00:01:00 mail postfix/cleanup[3]: 1A2B3C4D5E: reject: "
	  "header Subject: win big from mail.example.net[192.0.2.9]; "
	  "from=<spam@example.net> to=<bob@example.org> proto=ESMTP "
	  "helo=<mail.example.net>: 5.7.1 Message content rejected",
	  PF, MAILLOG_EV_REJECT, MAILLOG_ST_NONE, "Mar  2 00:01:00",
	  "1A2B3C4D5E", "bob@example.org", NULL, "spam@example.net", NULL,
	  NULL, "5.7.1 Message content rejected", NULL, NULL },
	{ "Mar  2 00:00:22 mail postfix/bounce[11459]: 497AC26C9C3: sender "
	  "non-delivery notification: E512B7145D8",
	  PF, MAILLOG_EV_NOTE, MAILLOG_ST_NONE, "Mar  2 00:00:22",
	  "497AC26C9C3", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "Mar  2 00:00:00 mail postfix/qmgr[14814]: 1424899B74A: "
	  "from=<reports@hooli.example>, size=35541, nrcpt=1 (queue active)",
	  PF, MAILLOG_EV_SENDER, MAILLOG_ST_NONE, "Mar  2 00:00:00",
	  "1424899B74A", NULL, NULL, "reports@hooli.example", NULL, NULL,
	  NULL, NULL, NULL },
	{ "Mar  2 00:00:00 mail postfix/cleanup[14000]: 1424899B74A: "
	  "message-id=<n3ngan90maww.nm3emy@hooli.example>",
	  PF, MAILLOG_EV_MESSAGE_ID, MAILLOG_ST_NONE, "Mar  2 00:00:00",
	  "1424899B74A", NULL, NULL, NULL, NULL, NULL, NULL,
	  "n3ngan90maww.nm3emy@hooli.example", NULL },
	{ "Mar  2 00:00:01 mail postfix/qmgr[14814]: 1424899B74A: removed",
	  PF, MAILLOG_EV_DONE, MAILLOG_ST_NONE, "Mar  2 00:00:01",
	  "1424899B74A", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	/* lines that say nothing about a delivery */
	{ "Mar  2 00:00:00 mail postfix/smtpd[12424]: connect from "
	  "mail-wm1-f183.google.example[203.0.113.238]",
	  PF, MAILLOG_EV_NONE, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL },
	{ "Mar  2 00:00:00 mail postfix/smtpd[12424]: 1424899B74A: "
	  "client=mail.example[203.0.113.238]",
	  PF, MAILLOG_EV_NONE, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL },
	{ "Mar  2 00:00:00 mail postfix/anvil[14692]: statistics: max "
	  "connection rate 12/60s for (smtp:203.0.113.26) at Mar  2 00:00:00",
	  PF, MAILLOG_EV_NONE, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL },
	{ "Mar  2 00:00:01 mail dovecot: lmtp(34978): Connect from local",
	  MAILLOG_MTA_NONE, MAILLOG_EV_NONE, 0, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, NULL, NULL },
	/* cut off in the middle: no status, nothing */
	{ "Mar  2 00:00:07 mail postfix/smtp[13939]: D79B9B5E503: "
	  "to=<dave@li",
	  PF, MAILLOG_EV_NONE, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL },
	{ "not a log line at all", MAILLOG_MTA_NONE, MAILLOG_EV_NONE, 0,
	  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "", MAILLOG_MTA_NONE, MAILLOG_EV_NONE, 0, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, NULL, NULL, NULL },
	/* Exim's own log: a bounce after RCPT TO */
	{ "2025-03-02 00:00:20 1toWkm-0001rT-01 ** rupert@massive.example "
	  "R=dnslookup T=remote_smtp H=mx.massive.example [203.0.113.150] "
	  "X=TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256 CV=yes: SMTP error from "
	  "remote mail server after RCPT TO:<rupert@massive.example>: 550 "
	  "5.1.1 No Such User Here",
	  EX, MAILLOG_EV_DELIVERY, MAILLOG_BOUNCED, "2025-03-02 00:00:20",
	  "1toWkm-0001rT-01", "rupert@massive.example", NULL, NULL,
	  "mx.massive.example [203.0.113.150]", NULL, "SMTP error from remote "
	  "mail server after RCPT TO:<rupert@massive.example>: 550 5.1.1 No "
	  "Such User Here", NULL, NULL },
	{ "2025-03-02 00:00:19 1toWkk-0001jE-02 == judy@gmail.example "
	  "R=dnslookup T=remote_smtp defer (-53): retry time not reached for "
	  "any host for 'gmail.example'",
	  EX, MAILLOG_EV_DELIVERY, MAILLOG_DEFERRED, "2025-03-02 00:00:19",
	  "1toWkk-0001jE-02", "judy@gmail.example", NULL, NULL, NULL, NULL,
	  "defer (-53): retry time not reached for any host for "
	  "'gmail.example'", NULL, NULL },
	{ "2025-03-02 00:00:16 1toWkh-0001dh-05 == support9@initech.example "
	  "R=dnslookup T=remote_smtp defer (-44) H=mx2.initech.example "
	  "[203.0.113.144]: SMTP error from remote mail server after RCPT "
	  "TO:<support9@initech.example>: 450 4.2.0 Greylisted",
	  EX, MAILLOG_EV_DELIVERY, MAILLOG_DEFERRED, "2025-03-02 00:00:16",
	  "1toWkh-0001dh-05", "support9@initech.example", NULL, NULL,
	  "mx2.initech.example [203.0.113.144]", NULL, "SMTP error from "
	  "remote mail server after RCPT TO:<support9@initech.example>: 450 "
	  "4.2.0 Greylisted", NULL, NULL },
	{ "2025-03-02 00:00:01 1toWkS-0001kg-03 ** wendy@msn.example: "
	  "Unrouteable address",
	  EX, MAILLOG_EV_DELIVERY, MAILLOG_BOUNCED, "2025-03-02 00:00:01",
	  "1toWkS-0001kg-03", "wendy@msn.example", NULL, NULL, NULL, NULL,
	  "Unrouteable address", NULL, NULL },
	{ "2025-03-06 08:00:00 1toWkk-0001jE-02 ** judy@gmail.example: all "
	  "hosts for 'gmail.example' have been failing for a long time (and "
	  "retry time not reached)",
	  EX, MAILLOG_EV_DELIVERY, MAILLOG_BOUNCED, "2025-03-06 08:00:00",
	  "1toWkk-0001jE-02", "judy@gmail.example", NULL, NULL, NULL, NULL,
	  "all hosts for 'gmail.example' have been failing for a long time "
	  "(and retry time not reached)", NULL, NULL },
	{ "2025-03-02 00:00:00 1toWkS-0001kg-03 <= dave@example.org "
	  "H=(DESKTOP-791EKK9) [198.51.100.173] P=esmtpsa S=31924 "
	  "id=s1czqz3jj@example.org",
	  EX, MAILLOG_EV_SENDER, MAILLOG_ST_NONE, "2025-03-02 00:00:00",
	  "1toWkS-0001kg-03", NULL, NULL, "dave@example.org", NULL, NULL, NULL,
	  "s1czqz3jj@example.org", NULL },
	{ "2025-03-02 00:00:00 1toWkS-0001bd-02 Completed",
	  EX, MAILLOG_EV_DONE, MAILLOG_ST_NONE, "2025-03-02 00:00:00",
	  "1toWkS-0001bd-02", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	/* a zone and a pid after Exim's stamp; a local delivery's address */
	{ "2025-03-02 00:00:25 +0100 [4711] 1toWkS-0001pV-04 => dave "
	  "<dave@example.org> R=local_user T=mail_spool",
	  EX, MAILLOG_EV_DELIVERY, MAILLOG_SENT, "2025-03-02 00:00:25",
	  "1toWkS-0001pV-04", "dave", "dave@example.org", NULL, NULL, NULL,
	  NULL, NULL, NULL },
	/* Exim 4.97 message ids */
	{ "2025-03-02 00:00:30.123 1tOWkS-0000000AbCd-01ab ** c@d.example: "
	  "Unrouteable address",
	  EX, MAILLOG_EV_DELIVERY, MAILLOG_BOUNCED, "2025-03-02 00:00:30.123",
	  "1tOWkS-0000000AbCd-01ab", "c@d.example", NULL, NULL, NULL, NULL,
	  "Unrouteable address", NULL, NULL },
	/* Exim to syslog, without its own stamp */
	{ "Mar  2 00:00:30 mx2 exim[5236]: 1toWkv-0001Bm-01 == khill@msn.example"
	  " R=dnslookup T=remote_smtp defer (110): Connection timed out",
	  EX, MAILLOG_EV_DELIVERY, MAILLOG_DEFERRED, "Mar  2 00:00:30",
	  "1toWkv-0001Bm-01", "khill@msn.example", NULL, NULL, NULL, NULL,
	  "defer (110): Connection timed out", NULL, NULL },
	{ "2025-03-02 00:00:02 H=(0zjx3t22) [198.51.100.28] "
	  "F=<xena@cyberdyne.example> rejected RCPT <ethan@example.org>: "
	  "198.51.100.28 is listed at zen.spamhaus.org",
	  EX, MAILLOG_EV_REJECT, MAILLOG_ST_NONE, "2025-03-02 00:00:02", NULL,
	  "ethan@example.org", NULL, "xena@cyberdyne.example", NULL, NULL,
	  "198.51.100.28 is listed at zen.spamhaus.org", NULL,
	  "(0zjx3t22) [198.51.100.28]" },
	/* Sendmail */
	{ "Mar  2 00:00:03 smtp3 sm-mta[5148]: j2200306004677: "
	  "to=<alerts47@gmail.example>, delay=00:00:03, xdelay=00:00:02, "
	  "mailer=esmtp, pri=101852, relay=gmail-smtp-in.l.google.example. "
	  "[198.51.100.234], dsn=4.2.2, stat=Deferred: 452-4.2.2 The "
	  "recipient's inbox is out of storage space.",
	  SM, MAILLOG_EV_DELIVERY, MAILLOG_DEFERRED, "Mar  2 00:00:03",
	  "j2200306004677", "alerts47@gmail.example", NULL, NULL,
	  "gmail-smtp-in.l.google.example. [198.51.100.234]", "4.2.2",
	  "Deferred: 452-4.2.2 The recipient's inbox is out of storage space.",
	  NULL, NULL },
	{ "Mar  2 00:00:09 smtp3 sm-mta[4937]: j2200805005375: "
	  "to=<jobs54@vandelay.example>, delay=00:00:03, xdelay=00:00:02, "
	  "mailer=esmtp, pri=67877, relay=mx2.vandelay.example. "
	  "[203.0.113.181], dsn=5.1.3, stat=User unknown",
	  SM, MAILLOG_EV_DELIVERY, MAILLOG_BOUNCED, "Mar  2 00:00:09",
	  "j2200805005375", "jobs54@vandelay.example", NULL, NULL,
	  "mx2.vandelay.example. [203.0.113.181]", "5.1.3", "User unknown",
	  NULL, NULL },
	{ "Mar  2 00:00:10 smtp3 sendmail[4937]: j2200805005376: "
	  "to=<a@x.example>,<b@y.example>, delay=00:00:01, mailer=esmtp, "
	  "pri=1, relay=mx.x.example. [192.0.2.1], dsn=2.0.0, stat=Sent (ok)",
	  SM, MAILLOG_EV_DELIVERY, MAILLOG_SENT, "Mar  2 00:00:10",
	  "j2200805005376", "a@x.example>,<b@y.example", NULL, NULL,
	  "mx.x.example. [192.0.2.1]", "2.0.0", "Sent (ok)", NULL, NULL },
	{ "Mar  2 00:00:01 smtp3 sm-mta[5017]: j2200103005537: "
	  "from=<bob@example.net>, size=2048, class=0, nrcpts=1, "
	  "msgid=<abc@example.net>, proto=ESMTP, daemon=MTA-v4, "
	  "relay=[198.51.100.189]",
	  SM, MAILLOG_EV_SENDER, MAILLOG_ST_NONE, "Mar  2 00:00:01",
	  "j2200103005537", NULL, NULL, "bob@example.net", NULL, NULL, NULL,
	  "abc@example.net", NULL },
	{ "Mar  2 00:00:01 smtp3 sm-mta[5770]: ruleset=check_rcpt, "
	  "arg1=<sd7beh@example.net>, relay=[203.0.113.97], reject=550 5.7.1 "
	  "<sd7beh@example.net>... Relaying denied",
	  SM, MAILLOG_EV_REJECT, MAILLOG_ST_NONE, "Mar  2 00:00:01", NULL,
	  "sd7beh@example.net", NULL, NULL, NULL, NULL,
	  "550 5.7.1 <sd7beh@example.net>... Relaying denied", NULL,
	  "[203.0.113.97]" },
	/* a host left out of the syslog line; a CR before the newline */
	{ "Mar  2 00:00:01 postfix/qmgr[14814]: 1424899B74A: removed\r",
	  PF, MAILLOG_EV_DONE, MAILLOG_ST_NONE, "Mar  2 00:00:01",
	  "1424899B74A", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
};

static void
check_span(const char *what, int row, struct maillog_span sp,
    const char *want)
{
	if (want == NULL) {
		ck_assert_msg(sp.p == NULL, "row %d: %s set to '%.*s'", row,
		    what, (int)sp.n, sp.p);
		return;
	}
	ck_assert_msg(sp.p != NULL, "row %d: %s not set", row, what);
	ck_assert_msg(sp.n == strlen(want) && memcmp(sp.p, want, sp.n) == 0,
	    "row %d: %s is '%.*s', want '%s'", row, what, (int)sp.n, sp.p,
	    want);
}

START_TEST(test_line)
{
	const struct line_row	*r = &line_rows[_i];
	struct maillog_line	 l;
	size_t			 n = strlen(r->line);
	char			*p = malloc(n > 0 ? n : 1);

	memcpy(p, r->line, n);
	ck_assert_int_eq(maillog_parse_line(p, n, &l), r->event);
	ck_assert_int_eq(l.mta, r->mta);
	if (r->event != MAILLOG_EV_NONE) {
		ck_assert_int_eq(l.status, r->status);
		check_span("stamp", _i, l.stamp, r->stamp);
		check_span("queue id", _i, l.queue_id, r->qid);
		check_span("recipient", _i, l.recipient, r->rcpt);
		check_span("orig_to", _i, l.orig_recipient, r->orig);
		check_span("sender", _i, l.sender, r->sender);
		check_span("relay", _i, l.relay, r->relay);
		check_span("dsn", _i, l.dsn, r->dsn);
		check_span("text", _i, l.text, r->text);
		check_span("message-id", _i, l.message_id, r->msgid);
		check_span("client", _i, l.client, r->client);
	}
	free(p);
}
END_TEST

/*
 * The hint kept between lines (the stamp, host and program before, the
 * daemon names seen) only saves work: each line parses as it would
 * alone.  A pid of other than digits is no pid, even after a line whose
 * pid had as many digits; a name seen before is not taken for a longer
 * or a quiet one.
 */
START_TEST(test_line_hint)
{
	static const struct {
		const char		*line;
		enum maillog_event	 ev;
	} rows[] = {
		{ "Mar  2 00:00:09 mail postfix/qmgr[137]: 5C2B3D4E5F: removed",
		  MAILLOG_EV_DONE },
		{ "Mar  2 00:00:09 mail postfix/qmgr[1a7]: 5C2B3D4E5F: removed",
		  MAILLOG_EV_NONE },
		{ "Mar  2 00:00:09 mail postfix/qmgr[]: 5C2B3D4E5F: removed",
		  MAILLOG_EV_DONE },
		{ "Mar  2 00:00:09 mail postfix/smtp[12]: 6D3C4E5F6A: "
		  "to=<a@b.example>, relay=none, delay=1, "
		  "delays=0/0/0.5/0.5, dsn=5.1.1, status=bounced (User "
		  "unknown)", MAILLOG_EV_DELIVERY },
		{ "Mar  2 00:00:09 mail postfix/smtpd[12]: 6D3C4E5F6A: "
		  "to=<a@b.example>, relay=none, dsn=5.1.1, "
		  "status=bounced (x)", MAILLOG_EV_DELIVERY },
		{ "Mar  2 00:00:09 mail postfix/anvil[9]: 5C2B3D4E5F: removed",
		  MAILLOG_EV_NONE },
		{ "Mar  2 00:00:09 mail dovecot: imap-login: Login: user=<a@b>",
		  MAILLOG_EV_NONE },
		{ "Mar  2 00:00:09 mail postfix/postsuper[9]: 5C2B3D4E5F: "
		  "removed", MAILLOG_EV_NONE },
		{ "Mar  2 00:00:09 mail postfix/qmgr[137]: 5C2B3D4E5F: removed",
		  MAILLOG_EV_DONE },
		{ "Mar  2 00:00:09 x", MAILLOG_EV_NONE },
		{ "Mar  2 00:00:10 mail postfix/qmgr[137]: 5C2B3D4E5F: removed",
		  MAILLOG_EV_DONE },
		{ "Mar  2 00:00:10.25 mail postfix/qmgr[137]: 5C2B3D4E5F: "
		  "removed", MAILLOG_EV_DONE },
		{ "Mar  2 00:00:10 mx9 postfix/qmgr[137]: 5C2B3D4E5F: removed",
		  MAILLOG_EV_DONE },
	};
	struct maillog_hint	 h, fresh;
	struct maillog_line	 a, b;
	const struct maillog_span *sa = &a.queue_id, *sb = &b.queue_id;
	size_t			 i, k, n;

	memset(&h, 0, sizeof h);
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		n = strlen(rows[i].line);
		memset(&fresh, 0, sizeof fresh);
		ck_assert_int_eq(maillog_parse_next(rows[i].line, n, &a, &h),
		    rows[i].ev);
		ck_assert_int_eq(maillog_parse_next(rows[i].line, n, &b,
		    &fresh), rows[i].ev);
		if (rows[i].ev == MAILLOG_EV_NONE)
			continue;
		ck_assert_int_eq(a.status, b.status);
		ck_assert_ptr_eq(a.stamp.p, b.stamp.p);
		ck_assert_uint_eq(a.stamp.n, b.stamp.n);
		ck_assert_ptr_eq(a.msg.p, b.msg.p);
		ck_assert_uint_eq(a.program.n, b.program.n);
		for (k = 0; k < MAILLOG_FIELDS; k++) {
			ck_assert_ptr_eq(sa[k].p, sb[k].p);
			ck_assert_uint_eq(sa[k].n, sb[k].n);
		}
	}
}
END_TEST

/* Binary junk and a NUL inside a reply are bytes like others. */
START_TEST(test_line_bytes)
{
	static const char	nul[] = "Mar  2 00:00:09 mail postfix/smtp[1]: "
	    "5C2B3D4E5F: to=<c@example.org>, relay=none, delay=1, "
	    "delays=0/0/0.5/0.5, dsn=5.1.1, status=bounced (User\0unknown)";
	static const char	junk[] = "\x1f\x8b\x08\0\xff\xfe\x1b[2J";
	struct maillog_line	l;
	char			buf[64];

	ck_assert_int_eq(maillog_parse_line(nul, sizeof nul - 1, &l),
	    MAILLOG_EV_DELIVERY);
	ck_assert_uint_eq(l.text.n, 12);
	ck_assert_uint_eq(maillog_copy(buf, l.text), 14);
	ck_assert_str_eq(buf, "User\xe2\x90\x80unknown");
	ck_assert_int_eq(maillog_parse_line(junk, sizeof junk - 1, &l),
	    MAILLOG_EV_NONE);
}
END_TEST

START_TEST(test_sniff)
{
	static const char	pf[] = "Mar  2 00:00:00 mail postfix/anvil[1]: "
	    "statistics: x\nMar  2 00:00:01 mail postfix/qmgr[2]: "
	    "1424899B74A: removed\n";
	static const char	jc[] = "-- Logs begin at Sun 2025-03-02 00:00:00 "
	    "CET. --\nMar 02 00:00:01 mail postfix/qmgr[2]: 1424899B74A: "
	    "removed\n";
	static const char	ex[] = "2025-03-02 00:00:00 1toWkS-0001bd-02 "
	    "Completed\n";
	static const char	dovecot[] = "Mar  2 00:00:01 mail dovecot: "
	    "lmtp(1): Connect from local\n";
	static const char	msg[] = "From: MAILER-DAEMON@example.org\n"
	    "Subject: Undelivered Mail\n\n550 5.1.1 unknown\n";

	ck_assert(maillog_sniff(pf, sizeof pf - 1));
	ck_assert(maillog_sniff(jc, sizeof jc - 1));
	ck_assert(maillog_sniff(ex, sizeof ex - 1));
	ck_assert(!maillog_sniff(dovecot, sizeof dovecot - 1));
	ck_assert(!maillog_sniff(msg, sizeof msg - 1));
	ck_assert(!maillog_sniff("", 0));
	/* a known MTA's line after 40 of other programs': a log still; 50
	 * of them alone, or unstamped lines around one, are not */
	{
		char	buf[8192];
		size_t	n = 0, i;

		for (i = 0; i < 50; i++)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s",
			    dovecot);
		ck_assert(!maillog_sniff(buf, n));
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", pf);
		ck_assert(maillog_sniff(buf, n));
		n = 0;
		for (i = 0; i < 50; i++)
			n += (size_t)snprintf(buf + n, sizeof buf - n,
			    "no stamp here\n");
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", pf);
		ck_assert(!maillog_sniff(buf, n));
	}
}
END_TEST

/* ---------------------------------------------------------- journeys */

struct got {
	struct record	 v[16];
	size_t		 n;
};

static void
collect(struct record *r, void *arg)
{
	struct got	*g = arg;
	char		*pack;

	ck_assert_uint_lt(g->n, 16);
	g->v[g->n] = *r;
	/* as the reader does: packed, then copied out of the pack */
	pack = maillog_record_pack(&g->v[g->n]);
	maillog_record_own(&g->v[g->n]);
	free(pack);
	g->n++;
}

/* Feeds lines[] (a NULL-terminated log) to a joiner; records into g. */
static void
join(const char *const *lines, int seekable, struct got *g)
{
	struct maillog_sink	 sink = { collect, g, 0 };
	struct maillog_journey	*j;
	struct maillog_line	 l;
	unsigned long		 n;
	off_t			 off = 0;

	memset(g, 0, sizeof *g);
	j = maillog_journey_new("test.log", seekable, &sink);
	for (n = 0; lines[n] != NULL; n++) {
		if (maillog_parse_line(lines[n], strlen(lines[n]), &l) !=
		    MAILLOG_EV_NONE)
			maillog_journey_feed(j, &l, n + 1, off, lines[n],
			    strlen(lines[n]));
		off += (off_t)strlen(lines[n]) + 1;
	}
	maillog_journey_finish(j);
}

static void
release(struct got *g)
{
	while (g->n > 0)
		record_release(&g->v[--g->n]);
}

/* Counts the records of test_journey_repeats and keeps the last note. */
static void
count_record(struct record *r, void *arg)
{
	struct {
		size_t	records, attempts;
		char	note[128];
	}	*c = arg;

	c->records++;
	c->attempts += r->nattempts;
	if (r->note != NULL)
		snprintf(c->note, sizeof c->note, "%s", r->note);
}

#define PFX	"Mar  2 00:0"
static const char *const pf_delayed[] = {
	PFX "0:00 mail postfix/cleanup[1]: 9A8B7C6D5E: message-id=<m1@ex>",
	PFX "0:00 mail postfix/qmgr[2]: 9A8B7C6D5E: from=<s@example.org>, "
	    "size=10, nrcpt=2 (queue active)",
	PFX "0:01 mail postfix/smtp[3]: 9A8B7C6D5E: to=<r@example.net>, "
	    "relay=mx.example.net[192.0.2.1]:25, delay=1, delays=0/0/0/1, "
	    "dsn=4.2.0, status=deferred (host mx.example.net[192.0.2.1] said: "
	    "450 4.2.0 Greylisted (in reply to RCPT TO command))",
	PFX "0:01 mail postfix/smtp[3]: 9A8B7C6D5E: to=<ok@example.net>, "
	    "relay=mx.example.net[192.0.2.1]:25, delay=1, delays=0/0/0/1, "
	    "dsn=2.0.0, status=sent (250 2.0.0 Ok)",
	PFX "5:01 mail postfix/qmgr[2]: 9A8B7C6D5E: from=<s@example.org>, "
	    "size=10, nrcpt=2 (queue active)",
	PFX "5:02 mail postfix/smtp[3]: 9A8B7C6D5E: to=<r@example.net>, "
	    "relay=mx.example.net[192.0.2.1]:25, delay=301, delays=300/0/0/1,"
	    " dsn=4.2.0, status=deferred (host mx.example.net[192.0.2.1] said:"
	    " 450 4.2.0 Greylisted (in reply to RCPT TO command))",
	PFX "9:03 mail postfix/smtp[3]: 9A8B7C6D5E: to=<r@example.net>, "
	    "relay=mx.example.net[192.0.2.1]:25, delay=541, delays=540/0/0/1,"
	    " dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 1234)",
	PFX "9:03 mail postfix/qmgr[2]: 9A8B7C6D5E: removed",
	NULL
};

/* Deferred, deferred, delivered: one record, "delayed", three attempts;
 * the recipient delivered at once makes none. */
START_TEST(test_journey_delayed)
{
	struct got	g;
	struct record	*r;

	join(pf_delayed, 1, &g);
	ck_assert_uint_eq(g.n, 1);
	r = &g.v[0];
	ck_assert_str_eq(r->action, "delayed");
	ck_assert_str_eq(r->recipient, "r@example.net");
	ck_assert_str_eq(r->sender, "s@example.org");
	ck_assert_str_eq(r->message_id, "m1@ex");
	ck_assert_str_eq(r->queue_id, "9A8B7C6D5E");
	ck_assert_str_eq(r->relay, "mx.example.net[192.0.2.1]:25");
	ck_assert_str_eq(r->remote_host, "mx.example.net");
	ck_assert_str_eq(r->delays, "delay=541, delays=540/0/0/1");
	ck_assert_uint_eq(r->line, 6);	/* the last failure */
	ck_assert_str_eq(r->time, "Mar  2 00:05:02");
	ck_assert_uint_eq(r->nattempts, 3);
	ck_assert_str_eq(r->attempts[0].action, "delayed");
	ck_assert_uint_eq(r->attempts[0].line, 3);
	ck_assert_str_eq(r->attempts[0].dsn, "4.2.0");
	ck_assert_str_eq(r->attempts[1].action, "delayed");
	ck_assert_str_eq(r->attempts[2].action, "delivered");
	ck_assert_uint_eq(r->attempts[2].line, 7);
	/* message-id, sender (last seen), three attempts: in line order */
	ck_assert_uint_eq(r->nlines, 5);
	ck_assert_uint_eq(r->lines[0].line, 1);
	ck_assert_uint_eq(r->lines[1].line, 3);
	ck_assert_uint_eq(r->lines[2].line, 5);
	ck_assert_uint_eq(r->lines[4].line, 7);
	ck_assert_int_eq(r->seekable, 1);
	ck_assert_ptr_null(r->context);
	release(&g);
}
END_TEST

static const char *const pf_bounced[] = {
	PFX "0:00 mail postfix/qmgr[2]: 5C2B3D4E5F: from=<s@example.org>, "
	    "size=10, nrcpt=1 (queue active)",
	PFX "0:01 mail postfix/smtp[3]: 5C2B3D4E5F: to=<c@example.org>, "
	    "relay=none, delay=1, delays=0/0/1/0, dsn=4.4.1, status=deferred "
	    "(connect to mx.example.org[192.0.2.7]:25: Connection timed out)",
	PFX "1:01 mail postfix/smtp[3]: 5C2B3D4E5F: to=<c@example.org>, "
	    "relay=mx.example.org[192.0.2.7]:25, delay=61, delays=60/0/0/1, "
	    "dsn=5.1.1, status=bounced (host mx.example.org[192.0.2.7] said: "
	    "550 5.1.1 <c@example.org>: User unknown (in reply to RCPT TO "
	    "command))",
	PFX "1:01 mail postfix/bounce[4]: 5C2B3D4E5F: sender non-delivery "
	    "notification: 6D7E8F9A0B",
	PFX "1:01 mail postfix/qmgr[2]: 5C2B3D4E5F: removed",
	PFX "1:02 mail postfix/smtpd[5]: NOQUEUE: reject: RCPT from "
	    "unknown[192.0.2.9]: 550 5.1.1 <x@example.org>: Recipient address "
	    "rejected: User unknown in local recipient table; "
	    "from=<y@example.net> to=<x@example.org> proto=ESMTP helo=<h>",
	NULL
};

/* Deferred then bounced: "failed", the bounce notice among its lines;
 * a rejection is a record of its own.  Unseekable: the lines copied. */
START_TEST(test_journey_bounced)
{
	struct got	g;
	struct record	*r;

	join(pf_bounced, 0, &g);
	ck_assert_uint_eq(g.n, 2);
	r = &g.v[0];
	ck_assert_str_eq(r->action, "failed");
	ck_assert_uint_eq(r->line, 3);
	ck_assert_uint_eq(r->nattempts, 2);
	ck_assert_str_eq(r->attempts[0].action, "delayed");
	ck_assert_str_eq(r->attempts[1].action, "failed");
	ck_assert_str_eq(r->attempts[1].dsn, "5.1.1");
	ck_assert_uint_eq(r->nlines, 4);
	ck_assert_uint_eq(r->lines[3].line, 4);
	ck_assert_int_eq(r->seekable, 0);
	ck_assert_ptr_nonnull(r->context);
	ck_assert_ptr_nonnull(strstr(r->context, "non-delivery notification"));
	ck_assert_ptr_nonnull(strstr(r->context, "Connection timed out"));
	r = &g.v[1];
	ck_assert_str_eq(r->action, "rejected");
	ck_assert_uint_eq(r->line, 6);
	ck_assert_ptr_null(r->queue_id);
	ck_assert_str_eq(r->recipient, "x@example.org");
	ck_assert_str_eq(r->sender, "y@example.net");
	ck_assert_str_eq(r->remote_host, "unknown[192.0.2.9]");
	ck_assert_str_eq(r->diagnostic, "550 5.1.1 <x@example.org>: Recipient "
	    "address rejected: User unknown in local recipient table");
	release(&g);
}
END_TEST

static const char *const ex_sm[] = {
	"2025-03-02 00:00:00 1toWkS-0001kg-03 <= a@example.org H=h [192.0.2.3]"
	    " P=esmtp S=100 id=x1@example.org",
	"2025-03-02 00:00:01 1toWkS-0001kg-03 == b@example.net R=dnslookup "
	    "T=remote_smtp defer (-44) H=mx.example.net [192.0.2.4]: SMTP error "
	    "from remote mail server after RCPT TO:<b@example.net>: 451 4.7.1 "
	    "Try later",
	"2025-03-02 00:30:01 1toWkS-0001kg-03 ** b@example.net R=dnslookup "
	    "T=remote_smtp H=mx.example.net [192.0.2.4]: SMTP error from remote "
	    "mail server after RCPT TO:<b@example.net>: 550 5.1.1 No such user",
	"2025-03-02 00:30:01 1toWkS-0001kg-03 Completed",
	"Mar  2 00:00:03 smtp3 sm-mta[5]: j2200306004677: from=<s@example.org>"
	    ", size=1, class=0, nrcpts=1, msgid=<m2@ex>, relay=[192.0.2.8]",
	"Mar  2 00:00:04 smtp3 sm-mta[5]: j2200306004677: to=<d@example.com>, "
	    "delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=1, "
	    "relay=mx.example.com. [192.0.2.9], dsn=5.1.1, stat=User unknown",
	"Mar  2 00:00:05 smtp3 sm-mta[5]: j2200306004678: to=<e@example.com>, "
	    "delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=1, "
	    "relay=mx.example.com. [192.0.2.9], dsn=4.0.0, stat=Deferred: "
	    "Connection reset by mx.example.com.",
	NULL
};

/* Exim ends a journey at "Completed", Sendmail at its final status; a
 * journey still open when the log ends is "delayed". */
START_TEST(test_journey_exim_sendmail)
{
	struct got	g;

	join(ex_sm, 1, &g);
	ck_assert_uint_eq(g.n, 3);
	ck_assert_str_eq(g.v[0].action, "failed");
	ck_assert_str_eq(g.v[0].queue_id, "1toWkS-0001kg-03");
	ck_assert_str_eq(g.v[0].sender, "a@example.org");
	ck_assert_str_eq(g.v[0].message_id, "x1@example.org");
	ck_assert_str_eq(g.v[0].relay, "mx.example.net [192.0.2.4]");
	ck_assert_uint_eq(g.v[0].nattempts, 2);
	ck_assert_str_eq(g.v[1].action, "failed");
	ck_assert_str_eq(g.v[1].recipient, "d@example.com");
	ck_assert_str_eq(g.v[1].sender, "s@example.org");
	ck_assert_str_eq(g.v[1].message_id, "m2@ex");
	ck_assert_str_eq(g.v[2].action, "delayed");
	ck_assert_str_eq(g.v[2].recipient, "e@example.com");
	ck_assert_uint_eq(g.v[2].nattempts, 1);
	release(&g);
}
END_TEST

/* One line a thousand times: a record per bounce, handed out as they
 * pile up (no "removed" comes); one journey keeps its first and latest
 * deferrals and says how many it left out. */
START_TEST(test_journey_repeats)
{
	static const char	bounced[] = "Mar  2 00:00:07 mx1 postfix/smtp[1]: "
	    "4B1A2C3D4E: to=<bob@example.org>, relay=none, delay=1, "
	    "delays=0/0/1/0, dsn=5.1.1, status=bounced (550 5.1.1 unknown)";
	static const char	deferred[] = "Mar  2 00:00:08 mx1 "
	    "postfix/smtp[1]: 5B1A2C3D4E: to=<eve@example.org>, relay=none, "
	    "delay=1, delays=0/0/1/0, dsn=4.4.1, status=deferred (connect to "
	    "mx[192.0.2.1]:25: Connection refused)";
	struct count {
		size_t	records, attempts;
		char	note[128];
	}			 c;
	struct maillog_sink	 sink;
	struct maillog_journey	*j;
	struct maillog_line	 l;
	unsigned long		 n;

	memset(&c, 0, sizeof c);
	sink.record = count_record;
	sink.arg = &c;
	sink.lean = 0;
	j = maillog_journey_new("rep.log", 1, &sink);
	for (n = 1; n <= 2000; n++) {
		maillog_parse_line(n % 2 ? bounced : deferred, n % 2 ?
		    sizeof bounced - 1 : sizeof deferred - 1, &l);
		maillog_journey_feed(j, &l, n, 0, "", 0);
	}
	maillog_journey_finish(j);
	ck_assert_uint_eq(c.records, 1001);
	ck_assert_uint_eq(c.attempts, 1000 + 100);
	ck_assert_str_eq(c.note, "900 attempts between the first 10 and the "
	    "last 90 are left out");
}
END_TEST

/* ----------------------------------------------------------- reading */

static struct kb	*kb;
static struct diag	 kbd;

static void
kb_setup(void)
{
	diag_init(&kbd);
	kb = kb_new();
	kb_load_builtin(kb, &kbd);
}

static void
kb_teardown(void)
{
	kb_free(kb);
	diag_release(&kbd);
}

/* The diagnosis r would get with no cache: record_diagnose()'s steps. */
static void
uncached(const struct record *r, struct diagnosis *out)
{
	const char	*text = r->diagnostic ? r->diagnostic : "";
	struct findings	 f;

	findings_scan(text, strlen(text), &f);
	f.reply = r->reply[0] ? atoi(r->reply) : 0;
	memcpy(f.status, r->status, sizeof f.status);
	diagnosis_run(kb, text, strlen(text), &f, out);
}

static const char *const data_logs[] = {
	"logs/postfix-small.log", "logs/postfix.log.gz", "logs/exim.log.gz",
	"logs/sendmail.log.gz", "logs/mixed.log.gz", "journeys.log",
};

/* The records of a test log, read lean or not, with no message. */
static void
read_log(const char *log, int lean, struct recset *rs)
{
	struct maillog_sink	 sink = { maillog_record_to_recset, rs, lean };
	struct diag		 d;

	diag_init(&d);
	recset_init(rs);
	ck_assert_int_eq(maillog_read_path(tap_data(log), kb, &sink, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	diag_release(&d);
}

/* Every record of the test logs: diagnosed as the knowledge base itself
 * diagnoses its text, codes found in it as findings_scan() finds them. */
START_TEST(test_read_exact)
{
	struct recset		 a;
	struct diagnosis	 want;
	struct findings		 f;
	const struct record	*r;
	size_t			 i, k;

	read_log(data_logs[_i], 0, &a);
	ck_assert_uint_gt(a.n, 10);
	for (i = 0; i < a.n; i++) {
		r = &a.v[i];
		uncached(r, &want);
		ck_assert_uint_eq(r->diagnosis.narticles, want.narticles);
		for (k = 0; k < want.narticles; k++)
			ck_assert_ptr_eq(r->diagnosis.articles[k],
			    want.articles[k]);
		ck_assert_int_eq(r->diagnosis.temporary, want.temporary);
		ck_assert_str_eq(r->diagnosis.reason, want.reason);
		if (r->diagnostic == NULL)
			continue;
		findings_scan(r->diagnostic, strlen(r->diagnostic), &f);
		ck_assert_uint_eq(r->findings.nspans, f.nspans);
		ck_assert_int_eq(r->findings.reply, f.reply);
		ck_assert_str_eq(r->findings.status, f.status);
		for (k = 0; k < f.nspans; k++) {
			ck_assert_uint_eq(r->findings.spans[k].off,
			    f.spans[k].off);
			ck_assert_uint_eq(r->findings.spans[k].len,
			    f.spans[k].len);
			ck_assert_int_eq(r->findings.spans[k].kind,
			    f.spans[k].kind);
		}
	}
	recset_release(&a);
}
END_TEST

/* r as JSON, without its sender, message-id and attempts' texts. */
static char *
json_but_sender(struct record *r)
{
	char	*buf = NULL;
	size_t	 len = 0, i;
	FILE	*fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	free(r->sender);
	free(r->message_id);
	r->sender = r->message_id = NULL;
	for (i = 0; i < r->nattempts; i++) {
		free(r->attempts[i].diagnostic);
		r->attempts[i].diagnostic = NULL;
		r->attempts[i].reply[0] = r->attempts[i].status[0] = '\0';
	}
	view_json_record(fp, r);
	fclose(fp);
	return buf;
}

/*
 * A lean sink (a summary's) gets the same records, but for their
 * senders, message-ids and the lines that gave them, and their attempts'
 * texts and codes: nothing else may change.
 */
START_TEST(test_read_lean)
{
	struct recset		 full, lean;
	char			*a, *b;
	size_t			 i, k, senders = 0, fewer = 0, raw = 0;

	read_log(data_logs[_i], 0, &full);
	read_log(data_logs[_i], 1, &lean);
	ck_assert_uint_gt(full.n, 5);
	ck_assert_uint_eq(lean.n, full.n);
	for (i = 0; i < full.n; i++) {
		senders += full.v[i].sender != NULL &&
		    lean.v[i].sender == NULL;
		fewer += lean.v[i].nlines < full.v[i].nlines;
		for (k = 0; k < full.v[i].nattempts; k++)
			raw += full.v[i].attempts[k].status[0] != '\0' &&
			    lean.v[i].attempts[k].status[0] == '\0';
		a = json_but_sender(&full.v[i]);
		b = json_but_sender(&lean.v[i]);
		ck_assert_str_eq(b, a);
		free(a);
		free(b);
	}
	/* it was lean: some sender lines were not read */
	ck_assert_uint_gt(senders, 0);
	ck_assert_uint_gt(fewer, 0);
	ck_assert_uint_gt(raw, 0);
	recset_release(&full);
	recset_release(&lean);
}
END_TEST

/*
 * The lines a record names are lines of the text: each starts where one
 * starts, ends before a newline and has its number - whatever the size
 * of the blocks the text is read in (BOUNCEDOC_READ_BLOCK), so whichever
 * thread parsed it and however the block ends cut it.
 */
static const struct {
	const char	*log;
	const char	*block;		/* NULL: the default */
} lines_rows[] = {
	{ "logs/postfix-small.log", NULL },
	{ "logs/postfix-small.log", "61" },
	{ "logs/postfix-small.log", "4093" },
	{ "logs/exim.log.gz", NULL },
	{ "logs/sendmail.log.gz", "1000" },
	{ "logs/mixed.log.gz", "32768" },
};

START_TEST(test_read_lines)
{
	struct maillog_sink	 sink = { maillog_record_to_recset, NULL, 0 };
	struct recset		 a;
	struct source_stream	*s;
	struct diag		 d;
	const struct record_line *l;
	unsigned long		*start = NULL, nstart = 0;
	char			*text;
	size_t			 len, i, k, checked = 0;

	recset_init(&a);
	sink.arg = &a;
	diag_init(&d);
	s = source_open(tap_data(lines_rows[_i].log), &d);
	ck_assert_ptr_nonnull(s);
	source_read_all(s, (size_t)64 << 20, &text, &len);
	source_close(s);
	/* where each line starts */
	start = malloc((len + 2) * sizeof *start);
	ck_assert_ptr_nonnull(start);
	start[nstart++] = 0;
	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			start[nstart++] = i + 1;
	if (lines_rows[_i].block != NULL)
		setenv("BOUNCEDOC_READ_BLOCK", lines_rows[_i].block, 1);
	ck_assert_int_eq(maillog_read_path(tap_data(lines_rows[_i].log), kb,
	    &sink, &d), 0);
	unsetenv("BOUNCEDOC_READ_BLOCK");
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_gt(a.n, 10);
	for (i = 0; i < a.n; i++) {
		ck_assert_uint_gt(a.v[i].nlines, 0);
		for (k = 0; k < a.v[i].nlines; k++) {
			l = &a.v[i].lines[k];
			ck_assert_uint_ge(l->line, 1);
			ck_assert_uint_lt(l->line, nstart);
			ck_assert_uint_eq((unsigned long)l->offset,
			    start[l->line - 1]);
			ck_assert_uint_le(l->offset + l->length, len);
			ck_assert_msg(l->offset + l->length == len ||
			    text[l->offset + l->length] == '\n',
			    "line %lu: length %zu", l->line, l->length);
			checked++;
		}
	}
	ck_assert_uint_gt(checked, a.n);
	recset_release(&a);
	diag_release(&d);
	free(start);
	free(text);
}
END_TEST

/* A gzip cut short: the records before the cut, and where it ended. */
START_TEST(test_read_truncated)
{
	struct maillog_sink	 sink = { maillog_record_to_recset, NULL, 0 };
	struct recset		 a;
	struct diag		 d;
	char			 path[] = "/tmp/check_maillog.XXXXXX";
	char			*buf;
	FILE			*fp;
	size_t			 n;
	int			 fd;

	recset_init(&a);
	sink.arg = &a;
	fp = fopen(tap_data("logs/postfix.log.gz"), "rb");
	ck_assert_ptr_nonnull(fp);
	buf = malloc(80000);
	n = fread(buf, 1, 80000, fp);
	fclose(fp);
	ck_assert_uint_eq(n, 80000);
	fd = mkstemp(path);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, buf, n), (ssize_t)n);
	close(fd);
	diag_init(&d);
	ck_assert_int_eq(maillog_read_path(path, kb, &sink, &d), 0);
	unlink(path);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_msg(strstr(d.msg[0], ": gzip data truncated after ") !=
	    NULL && strstr(d.msg[0], " bytes of text; keeping what was read")
	    != NULL, "message: %s", d.msg[0]);
	ck_assert_uint_gt(a.n, 10);
	recset_release(&a);
	diag_release(&d);
	free(buf);
}
END_TEST

/* A line of 2 MB between two deliveries: cut, said once, both read. */
START_TEST(test_read_long_line)
{
	static const char	a1[] = "Mar  2 00:00:01 mail postfix/smtp[1]: "
	    "1A2B3C4D5E: to=<a@example.org>, relay=none, delay=1, "
	    "delays=0/0/1/0, dsn=5.1.1, status=bounced (550 5.1.1 no)\n";
	static const char	a3[] = "Mar  2 00:00:03 mail postfix/smtp[1]: "
	    "2A2B3C4D5E: to=<b@example.org>, relay=none, delay=1, "
	    "delays=0/0/1/0, dsn=4.4.1, status=deferred (connect to "
	    "mx[192.0.2.1]:25: Connection refused)\n";
	struct maillog_sink	 sink = { maillog_record_to_recset, NULL, 0 };
	struct recset		 a;
	struct source_stream	*s;
	struct diag		 d;
	size_t			 big = 2 << 20, n = 0;
	char			*buf = malloc(sizeof a1 + big + sizeof a3);

	recset_init(&a);
	sink.arg = &a;
	memcpy(buf, a1, sizeof a1 - 1);
	n = sizeof a1 - 1;
	memcpy(buf + n, "Mar  2 00:00:02 mail postfix/smtpd[9]: ", 39);
	memset(buf + n + 39, 'x', big - 39);
	buf[n + big - 1] = '\n';
	n += big;
	memcpy(buf + n, a3, sizeof a3 - 1);
	n += sizeof a3 - 1;
	diag_init(&d);
	s = source_open_mem("long.log", buf, n, &d);
	ck_assert_int_eq(maillog_read(s, "long.log", kb, &sink, &d), 0);
	source_close(s);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_uint_eq(a.v[0].line, 1);
	ck_assert_uint_eq(a.v[1].line, 3);
	ck_assert_str_eq(a.v[1].recipient, "b@example.org");
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.msg[0], "long.log:2: line longer than 1048576 "
	    "bytes; only its start is read");
	recset_release(&a);
	diag_release(&d);
	free(buf);
}
END_TEST

/* ------------------------------------------------------- cache keys */

static const struct {
	const char	*text;
	const char	*key;
} key_rows[] = {
	/* addresses, IPv4 and IPv6 addresses go; codes stay */
	{ "host mx.example.org[192.0.2.7] said: 550 5.1.1 <bob@example.org>: "
	  "User unknown (in reply to RCPT TO command)",
	  "host mx.example.org[0.0.0.0] said: 550 5.1.1 <@>: "
	  "User unknown (in reply to RCPT TO command)" },
	{ "connect to mx[2001:db8::25]:25: Connection refused",
	  "connect to mx[::]:25: Connection refused" },
	/* random ids, long numbers and counters after a name */
	{ "421 4.7.28 review our Guidelines. ubekier0j9dachrc1l78y0rl2z7 - "
	  "gsmtp", "421 4.7.28 review our Guidelines. x0 - gsmtp" },
	{ "250 2.6.0 [InternalId=158469856038] 52838 bytes",
	  "250 2.6.0 [InternalId=0] 0 bytes" },
	{ "554 delivery error: dd This user doesn't have a yahoo.com account "
	  "- mta233.mail.gq1.yahoo.example",
	  "554 delivery error: dd This user doesn't have a yahoo.com account "
	  "- mta0.mail.gq1.yahoo.example" },
	/* what articles tell apart is kept: tags, short codes, versions */
	{ "421 4.7.0 [TSS04] Messages from 192.0.2.10 temporarily deferred",
	  "421 4.7.0 [TSS04] Messages from 0.0.0.0 temporarily deferred" },
	{ "550 5.7.606 Access denied (S3150) (554.30) DY-001 AS(1234)",
	  "550 5.7.606 Access denied (S3150) (554.30) DY-001 AS(1234)" },
	{ "", "" },
};

START_TEST(test_key)
{
	size_t	 n;
	char	*k = maillog_cache_key(key_rows[_i].text,
		    strlen(key_rows[_i].text), &n);

	ck_assert_str_eq(k, key_rows[_i].key);
	ck_assert_uint_eq(n, strlen(key_rows[_i].key));
	free(k);
}
END_TEST

/* Two texts of one key share a diagnosis; each keeps its own codes. */
START_TEST(test_cache_shares)
{
	struct maillog_cache		*c = maillog_cache_new(kb);
	struct maillog_cache_stats	 st;
	struct record			 r1, r2;

	memset(&r1, 0, sizeof r1);
	memset(&r2, 0, sizeof r2);
	r1.diagnostic = strdup("host mx.example.org[192.0.2.7] said: 550 5.1.1 "
	    "<bob@example.org>: Recipient address rejected: User unknown in "
	    "local recipient table (in reply to RCPT TO command)");
	r2.diagnostic = strdup("host mx.example.org[198.51.100.20] said: 550 "
	    "5.1.1 <alice.long@example.org>: Recipient address rejected: User "
	    "unknown in local recipient table (in reply to RCPT TO command)");
	maillog_cache_diagnose(c, &r1);
	maillog_cache_diagnose(c, &r2);
	maillog_cache_stats(c, &st);
	ck_assert_uint_eq(st.lookups, 2);
	ck_assert_uint_eq(st.entries, 1);
	ck_assert_str_eq(r1.reply, "550");
	ck_assert_str_eq(r2.status, "5.1.1");
	ck_assert_uint_ne(r1.findings.reply_span.off,
	    r2.findings.reply_span.off);
	ck_assert_uint_eq(r1.diagnosis.narticles, r2.diagnosis.narticles);
	ck_assert_ptr_eq(r1.diagnosis.articles[0], r2.diagnosis.articles[0]);
	ck_assert_str_eq(r1.diagnosis.reason, "userunknown");
	record_release(&r1);
	record_release(&r2);
	maillog_cache_free(c);
}
END_TEST

/*
 * The cache gives a record the text findings_unfold() makes of its reply
 * (joined lines, one space for a run, no control byte), and looks eight
 * bytes at a time for what needs it: each kind of byte that does, put at
 * every place of a text, on either side of a word's edge.
 */
START_TEST(test_cache_unfolds)
{
	static const char *const base = "host mx.example.org said: 550 5.1.1 "
	    "mailbox unavailable for this user";
	static const char *const marks[] = {
	    "  ", "\t", "\r\n", "\n", "-", "550-", "5-", "55-", " 550-",
	    "x550-", "\v", "\f", "\x01", "\x0e", "\x1f", "  \t  ",
	};
	struct maillog_cache	*c = maillog_cache_new(kb);
	struct record		 r;
	char			 text[256], *want, *raw;
	size_t			 m, at, n, wlen, tested = 0;

	for (m = 0; m < sizeof marks / sizeof marks[0]; m++) {
		for (at = 0; at <= strlen(base); at++) {
			n = (size_t)snprintf(text, sizeof text, "%.*s%s%s",
			    (int)at, base, marks[m], base + at);
			want = findings_unfold(text, n, &wlen);
			memset(&r, 0, sizeof r);
			r.diagnostic = raw = strdup(text);
			ck_assert_ptr_nonnull(raw);
			maillog_cache_record(c, &r);
			ck_assert_msg(strcmp(r.diagnostic, want) == 0,
			    "mark %zu at %zu: \"%s\", want \"%s\"", m, at,
			    r.diagnostic, want);
			free(want);
			free(raw);
			/* the record now borrows the cache's copy */
			r.diagnostic = NULL;
			record_release(&r);
			tested++;
		}
	}
	ck_assert_uint_gt(tested, 1000);
	maillog_cache_free(c);
}
END_TEST

/*
 * The codes a record gets through the cache are the ones findings_scan()
 * finds in its text, where they are: texts of one shape whose masked
 * tokens (an IP address, an address, ids) have other lengths before the
 * codes, with few codes and with more than a slot keeps.
 */
START_TEST(test_cache_codes)
{
	static const char *const ips[] = { "192.0.2.1", "198.51.100.254",
	    "10.0.0.10", "203.0.113.77" };
	static const char *const ids[] = { "a1b2c3d4e5f6", "Q9W8E7R6T5Y4U3I2",
	    "z0z0z0z0z0", "7uwvqmg0hzca6rthp91vd0cd" };
	static const size_t counts[] = { 0, 1, 7, 8, 9, 14 };
	struct maillog_cache	*c = maillog_cache_new(kb);
	struct maillog_cache_stats st;
	struct record		 r;
	struct findings		 f;
	char			 text[1024], *raw;
	size_t			 ci, v, j, n, k, scans = 0;

	for (ci = 0; ci < sizeof counts / sizeof counts[0]; ci++)
		for (v = 0; v < 4; v++) {
			n = (size_t)snprintf(text, sizeof text, "host "
			    "mx.example.org[%s] said: 550 5.1.1 <u%zu%s@example."
			    "com>: no such user", ips[v], v * 977, ids[v]);
			for (j = 0; j < counts[ci]; j++)
				n += (size_t)snprintf(text + n, sizeof text - n,
				    " id %s code #5.7.%zu", ids[(v + j) % 4],
				    j % 10);
			n += (size_t)snprintf(text + n, sizeof text - n,
			    " (in reply to RCPT TO command)");
			memset(&r, 0, sizeof r);
			r.diagnostic = raw = strdup(text);
			ck_assert_ptr_nonnull(raw);
			maillog_cache_record(c, &r);
			findings_scan(r.diagnostic, strlen(r.diagnostic), &f);
			ck_assert_int_eq(r.findings.reply, f.reply);
			ck_assert_str_eq(r.findings.status, f.status);
			ck_assert_int_eq(r.findings.phase, f.phase);
			ck_assert_uint_eq(r.findings.reply_span.off,
			    f.reply_span.off);
			ck_assert_uint_eq(r.findings.status_span.off,
			    f.status_span.off);
			ck_assert_uint_eq(r.findings.nspans, f.nspans);
			ck_assert_uint_eq(f.nspans, counts[ci] + 2);
			for (k = 0; k < f.nspans; k++) {
				ck_assert_uint_eq(r.findings.spans[k].off,
				    f.spans[k].off);
				ck_assert_uint_eq(r.findings.spans[k].len,
				    f.spans[k].len);
				ck_assert_int_eq(r.findings.spans[k].kind,
				    f.spans[k].kind);
			}
			free(raw);
			r.diagnostic = NULL;
			record_release(&r);
			/* the first text of a shape is scanned, the others
			 * get its codes moved, unless there are more than a
			 * slot of the cache keeps (8) */
			maillog_cache_stats(c, &st);
			scans += v == 0 || counts[ci] + 2 > 8;
			ck_assert_uint_eq(st.scans, scans);
		}
	maillog_cache_free(c);
}
END_TEST

/*
 * What a reply's addresses are named does not change its diagnosis (a
 * recipient "security42@" is no security error), so the cache, which
 * masks them, gives each text its own diagnosis: the first text of the
 * shape has a plain address, the next ones words the reasons look for.
 */
START_TEST(test_cache_addresses)
{
	static const char *const locals[] = { "info", "security42", "quota",
	    "spam.trap", "mailbox-full", "blocked+x", "virus", "expired" };
	struct maillog_cache	*c = maillog_cache_new(kb);
	struct record		 r, want;
	char			 text[512];
	size_t			 i, k;

	for (i = 0; i < sizeof locals / sizeof locals[0]; i++) {
		snprintf(text, sizeof text, "host mx2.oceanic.example"
		    "[203.0.113.2] said: 450 4.2.0 <%s@oceanic.example>: "
		    "Recipient address rejected: Greylisted, see http://"
		    "postgrey.schweikert.ch/help/oceanic.example.html (in "
		    "reply to RCPT TO command)", locals[i]);
		memset(&want, 0, sizeof want);
		want.diagnostic = strdup(text);
		ck_assert_ptr_nonnull(want.diagnostic);
		record_diagnose(&want, kb);
		memset(&r, 0, sizeof r);
		r.diagnostic = strdup(text);
		ck_assert_ptr_nonnull(r.diagnostic);
		maillog_cache_diagnose(c, &r);
		ck_assert_str_eq(r.diagnosis.reason, want.diagnosis.reason);
		ck_assert_uint_eq(r.diagnosis.narticles,
		    want.diagnosis.narticles);
		for (k = 0; k < want.diagnosis.narticles; k++)
			ck_assert_ptr_eq(r.diagnosis.articles[k],
			    want.diagnosis.articles[k]);
		/* and the name was not read for the reason */
		ck_assert_str_eq(want.diagnosis.reason, "onhold");
		record_release(&r);
		record_release(&want);
	}
	maillog_cache_free(c);
}
END_TEST

/* ------------------------------------------------------------ source */

/* Two gzip members in a row read as one text; peeked bytes come first. */
START_TEST(test_source_members)
{
	/* "ab\n" and "cd\n", each gzip -9n */
	static const unsigned char	two[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03,
		0x4b, 0x4c, 0xe2, 0x02, 0x00, 0x3e, 0x98, 0x4a, 0x01, 0x03,
		0x00, 0x00, 0x00,
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03,
		0x4b, 0x4e, 0xe1, 0x02, 0x00, 0xd6, 0xeb, 0x94, 0x54, 0x03,
		0x00, 0x00, 0x00,
	};
	char			 path[] = "/tmp/check_maillog.XXXXXX", buf[16];
	struct source_stream	*s;
	struct diag		 d;
	const char		*p;
	size_t			 n = 0, k;
	int			 fd = mkstemp(path);

	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, two, sizeof two), (ssize_t)sizeof two);
	close(fd);
	diag_init(&d);
	s = source_open(path, &d);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(source_peek(s, 2, &p), 2);
	ck_assert(memcmp(p, "ab", 2) == 0);
	while ((k = source_read(s, buf + n, sizeof buf - n)) > 0)
		n += k;
	ck_assert_uint_eq(n, 6);
	ck_assert(memcmp(buf, "ab\ncd\n", 6) == 0);
	ck_assert_int_eq(source_seekable(s), 0);
	source_close(s);
	unlink(path);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_ptr_null(source_open("/", &d));
	ck_assert_str_eq(d.msg[0], "/: is a directory");
	diag_release(&d);
}
END_TEST

/*
 * A regular file is mapped a window at a time, each byte once, the same
 * bytes read(2) gives; one that gets shorter under the mapping reads as
 * NUL bytes past its new end (no SIGBUS), and the stream says so once.
 */
START_TEST(test_source_map)
{
	char			 path[] = "/tmp/check_maillog.XXXXXX", buf[64];
	struct source_stream	*s;
	struct source_window	*w[4];
	struct diag		 d;
	const char		*p[4];
	size_t			 k[4], i, total = 0, size = (size_t)3 << 20;
	char			*text = malloc(size);
	int			 fd = mkstemp(path), fd_pipe[2];

	ck_assert_ptr_nonnull(text);
	ck_assert_int_ne(fd, -1);
	for (i = 0; i < size; i++)
		text[i] = i % 61 == 60 ? '\n' : (char)('a' + i % 26);
	ck_assert_int_eq(write(fd, text, size), (ssize_t)size);
	diag_init(&d);
	s = source_open(path, &d);
	ck_assert_ptr_nonnull(s);
	/* bytes read before (the first are buffered: read them all) cannot
	 * be mapped; then the rest can */
	while (total < 300000 && (i = source_read(s, buf, 300000 - total <
	    sizeof buf ? 300000 - total : sizeof buf)) > 0) {
		ck_assert(memcmp(buf, text + total, i) == 0);
		total += i;
	}
	ck_assert_uint_eq(total, 300000);
	for (i = 0; i < 2; i++) {
		k[i] = source_map(s, (size_t)1 << 20, &p[i], &w[i]);
		ck_assert_uint_eq(k[i], (size_t)1 << 20);
		ck_assert_ptr_nonnull(w[i]);
		ck_assert(memcmp(p[i], text + total, k[i]) == 0);
		total += k[i];
	}
	/* the file gets shorter than what is mapped (memcheck runs the
	 * access again at a wrong address after the handler: not there) */
	if (!RUNNING_ON_VALGRIND) {
		ck_assert_int_eq(ftruncate(fd, 400000), 0);
		ck_assert_int_eq(p[0][0], text[300000]);
		ck_assert_int_eq(p[0][400000 - 300000 - 1], text[399999]);
		ck_assert_int_eq(p[0][k[0] - 1], 0);
		ck_assert_int_eq(p[1][k[1] / 2], 0);
	}
	source_unmap(w[0]);
	source_unmap(w[1]);
	if (!RUNNING_ON_VALGRIND) {
		/* then the end, and one message */
		ck_assert_uint_eq(source_map(s, (size_t)1 << 20, &p[2],
		    &w[2]), 0);
		ck_assert_ptr_null(w[2]);
		source_close(s);
		ck_assert_uint_eq(d.n, 1);
		ck_assert_ptr_nonnull(strstr(d.msg[0], "got shorter"));
	} else {
		/* the rest, as it is */
		while ((k[2] = source_map(s, (size_t)1 << 20, &p[2],
		    &w[2])) > 0) {
			ck_assert(memcmp(p[2], text + total, k[2]) == 0);
			total += k[2];
			source_unmap(w[2]);
		}
		ck_assert_uint_eq(total, size);
		source_close(s);
		ck_assert_uint_eq(d.n, 0);
	}
	close(fd);
	unlink(path);
	diag_release(&d);
	/* a pipe is not mapped */
	ck_assert_int_eq(pipe(fd_pipe), 0);
	s = source_open_fd(fd_pipe[0], "(pipe)", &d);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(source_map(s, 4096, &p[3], &w[3]), (size_t)-1);
	source_close(s);
	close(fd_pipe[0]);
	close(fd_pipe[1]);
	free(text);
}
END_TEST

static Suite *
maillog_suite(void)
{
	Suite	*s = suite_create("maillog");
	TCase	*tc;

	tc = tcase_create("lines");
	tcase_add_loop_test(tc, test_line, 0, NROWS(line_rows));
	tcase_add_test(tc, test_line_hint);
	tcase_add_test(tc, test_line_bytes);
	tcase_add_test(tc, test_sniff);
	suite_add_tcase(s, tc);
	tc = tcase_create("journeys");
	tcase_add_test(tc, test_journey_delayed);
	tcase_add_test(tc, test_journey_bounced);
	tcase_add_test(tc, test_journey_exim_sendmail);
	tcase_add_test(tc, test_journey_repeats);
	suite_add_tcase(s, tc);
	tc = tcase_create("reading");
	tcase_add_checked_fixture(tc, kb_setup, kb_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_read_exact, 0, NROWS(data_logs));
	tcase_add_loop_test(tc, test_read_lean, 0, NROWS(data_logs));
	tcase_add_loop_test(tc, test_read_lines, 0, NROWS(lines_rows));
	tcase_add_test(tc, test_read_truncated);
	tcase_add_test(tc, test_read_long_line);
	tcase_add_test(tc, test_cache_shares);
	tcase_add_test(tc, test_cache_unfolds);
	tcase_add_test(tc, test_cache_codes);
	tcase_add_test(tc, test_cache_addresses);
	suite_add_tcase(s, tc);
	tc = tcase_create("keys");
	tcase_add_loop_test(tc, test_key, 0, NROWS(key_rows));
	tcase_add_test(tc, test_source_members);
	tcase_add_test(tc, test_source_map);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tap_run(maillog_suite());
}
