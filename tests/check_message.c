/*
 * check_message.c - the reader of bounce messages.
 *
 * Table rows: real bounces of each mailer family (tests/data/messages/,
 * copies from the Sisimai project's set of emails, BSD-2 licence beside
 * them) with the recipient, reply code, status, reason and action read
 * off each message by hand; then the MIME layer (quoted-printable,
 * base64, RFC 2047, charsets, nesting, broken boundaries, limits), the
 * RFC 3464 field reader, line ends (LF, CRLF, CR), mbox and maildir.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "dsn.h"
#include "input.h"
#include "kb.h"
#include "message.h"
#include "mime.h"
#include "prose.h"
#include "record.h"
#include "xalloc.h"
#include "tap.h"

static struct kb	*kb;
static struct diag	 dg;
static struct recset	 rs;

static void
setup(void)
{
	diag_init(&dg);
	kb = kb_new();
	kb_load_builtin(kb, &dg);
	recset_init(&rs);
}

static void
teardown(void)
{
	recset_release(&rs);
	kb_free(kb);
	diag_release(&dg);
}

static size_t
load(const char *name)
{
	ck_assert_int_eq(input_load(tap_data(name), &rs, kb, &dg), 0);
	return rs.n;
}

/* ------------------------------------------------------ corpus rows */

struct row {
	const char	*file;
	size_t		 nrec;		/* records the file gives */
	size_t		 k;		/* the record checked */
	const char	*rcpt;
	const char	*reply;		/* "" none */
	const char	*status;	/* "" none */
	const char	*reason;	/* NULL: not checked */
	const char	*action;
};

static const struct row rows[] = {
	/* Postfix: a local delivery program (X-Unix) failed */
	{ "messages/lhost-postfix-01.eml", 1, 0,
	    "r@p351355.pool.example.ne.jp", "", "5.1.1", "mailererror",
	    "failed" },
	{ "messages/lhost-postfix-02.eml", 2, 0, "filtered@example.co.jp",
	    "550", "5.2.1", "userunknown", "failed" },
	{ "messages/lhost-postfix-02.eml", 2, 1, "userunknown@example.co.jp",
	    "550", "5.1.1", "userunknown", "failed" },
	/* Postfix without a report: the notice alone */
	{ "messages/lhost-postfix-34.eml", 1, 0, "kijitora@example.com", "",
	    "", "networkerror", "failed" },
	/* Exim: "SMTP error from remote mail server after …" */
	{ "messages/lhost-exim-01.eml", 1, 0, "kijitora@example.ed.jp", "550",
	    "5.7.0", NULL, "failed" },
	{ "messages/lhost-exim-02.eml", 2, 1, "sabatora@example.jp", "550",
	    "5.2.1", "userunknown", "failed" },
	/* Sendmail: report plus transcript; a forwarded, quoted one */
	{ "messages/lhost-sendmail-01.eml", 1, 0,
	    "userunknown@bouncehammer.jp", "550", "5.1.1", "userunknown",
	    "failed" },
	{ "messages/lhost-sendmail-11.eml", 1, 0, "kijitora@example.co.jp",
	    "", "4.4.7", NULL, "failed" },
	{ "messages/lhost-sendmail-14.eml", 1, 0, "kijitora@example.com",
	    "550", "5.1.1", "userunknown", "failed" },
	/* qmail, and mailers that write like it */
	{ "messages/lhost-qmail-01.eml", 1, 0, "kijitora@example.ne.jp", "550",
	    "5.5.0", "userunknown", "failed" },
	{ "messages/lhost-x4-01.eml", 1, 0, "kijitora@example.com", "", "",
	    "mailboxfull", "failed" },
	{ "messages/lhost-yahoo-02.eml", 1, 0, "kijitora@example.ed.jp",
	    "550", "5.2.2", "mailboxfull", "failed" },
	/* Microsoft: Office 365 (QP, Windows-1252), Exchange 2003 */
	{ "messages/lhost-office365-01.eml", 1, 0, "kijitora@example.com",
	    "550", "5.1.10", "userunknown", "failed" },
	{ "messages/lhost-exchange2003-02.eml", 2, 1,
	    "mikeneko@example.co.jp", "", "", "userunknown", "failed" },
	/* Gmail: the remote reply quoted in a sentence */
	{ "messages/lhost-gmail-04.eml", 1, 0, "kijitora@example.com", "554",
	    "5.7.1", "blocked", "failed" },
	/* Amazon SES notifications (JSON) and WorkMail (report in QP) */
	{ "messages/lhost-amazonses-09.eml", 1, 0,
	    "bounce@simulator.amazonses.com", "550", "5.1.1", "userunknown",
	    "failed" },
	{ "messages/lhost-amazonses-11.eml", 1, 0,
	    "complaint@simulator.amazonses.com", "", "", "feedback",
	    "delivered" },
	{ "messages/lhost-amazonses-12.eml", 1, 0,
	    "success@simulator.amazonses.com", "250", "2.6.0", "delivered",
	    "delivered" },
	{ "messages/lhost-amazonworkmail-01.eml", 1, 0, "kijitora@example.jp",
	    "550", "5.1.1", "userunknown", "failed" },
	/* OpenSMTPD: "address: reply" lines */
	{ "messages/lhost-opensmtpd-02.eml", 2, 0, "mailboxfull@example.jp",
	    "550", "5.2.2", "mailboxfull", "failed" },
	/* feedback report and auto-reply: not failures */
	{ "messages/arf-02.eml", 1, 0,
	    "this-local-part-does-not-exist-on-yahoo@yahoo.com", "", "",
	    "feedback", "delivered" },
	{ "messages/rfc3834-01.eml", 1, 0, "kijitora@example.net", "", "",
	    "vacation", "delivered" },
	/* a report written into a plain text body: a delay */
	{ "messages/rfc3464-34.eml", 1, 0, "kijitora@example.com", "", "4.4.1",
	    "networkerror", "delayed" },
	/* GMX, Zoho, IMail, Verizon, Trend Micro, old Sendmail, MXLogic,
	 * 1&1, Mail.ru: their own shapes */
	{ "messages/lhost-gmx-01.eml", 1, 0, "shironeko@example.jp", "",
	    "5.2.2", "mailboxfull", "failed" },
	{ "messages/lhost-zoho-02.eml", 2, 1, "sabineko@example.co.jp", "550",
	    "5.2.2", "mailboxfull", "failed" },
	{ "messages/lhost-imailserver-02.eml", 1, 0, "kijitora@example.co.jp",
	    "", "", "mailboxfull", "failed" },
	{ "messages/lhost-verizon-01.eml", 1, 0, "0000000000@vzwpix.com", "",
	    "", "userunknown", "failed" },
	{ "messages/lhost-trendmicro-01.eml", 1, 0, "kijitora@example.co.jp",
	    "550", "5.1.1", "userunknown", "failed" },
	{ "messages/lhost-v5sendmail-02.eml", 1, 0,
	    "kijitora@neko.example.org", "550", "", "hostunknown", "failed" },
	{ "messages/lhost-mxlogic-01.eml", 1, 0, "kijitora@example.co.jp",
	    "550", "5.1.1", "userunknown", "failed" },
	{ "messages/lhost-einsundeins-02.eml", 1, 0, "kijitora@example.org",
	    "", "", "mesgtoobig", "failed" },
	{ "messages/lhost-mailru-02.eml", 1, 0, "kijitora@example.jp", "550",
	    "5.2.2", "mailboxfull", "failed" },
	/* the header names a boundary the body does not use */
	{ "messages/rhost-google-02.eml", 1, 0, "neko-nyaan@example.org",
	    "550", "5.1.1", "userunknown", "failed" },
	/* mbox files: one message; two without a blank line between */
	{ "messages/mbox-1", 1, 0, "kijitora@libsisimai.org", "550", "5.1.1",
	    "userunknown", "failed" },
	{ "messages/rhost-cox-01.eml", 2, 1, "recipient55@cox.net", "550",
	    "5.1.0", NULL, "failed" },
	/* shapes written here after the mailers' (not from the corpus):
	 * Courier's transcript, Gmail's newer notice, an Exchange NDR,
	 * Yahoo's "554:" */
	{ "messages/synth-courier.eml", 1, 0, "carl@example.com", "550",
	    "5.1.1", "userunknown", "failed" },
	{ "messages/synth-gmail-new.eml", 1, 0, "bob@example.com", "550",
	    "5.1.1", "userunknown", "failed" },
	{ "messages/synth-exch2010.eml", 1, 0, "dora@example.com", "550",
	    "5.1.1", "userunknown", "failed" },
	{ "messages/synth-yahoo-new.eml", 1, 0, "ed@example.com", "554", "",
	    "suspend", "failed" },
	/* an old Sendmail's transcript: one result line per recipient,
	 * the server's reply above it */
	{ "messages/lhost-v5sendmail-07.eml", 3, 0, "kijitora@example.org",
	    "501", "", "blocked", "failed" },
	{ "messages/lhost-v5sendmail-07.eml", 3, 1, "mikeneko@example.org",
	    "550", "", "hostunknown", "failed" },
	{ "messages/lhost-v5sendmail-07.eml", 3, 2, "hachiware@example.edu",
	    "550", "", "userunknown", "failed" },
	/* a Diagnostic-Code cut after the first line of a DMARC refusal:
	 * the transcript has the rest */
	{ "messages/lhost-sendmail-58.eml", 1, 0, "info@example.jp", "550",
	    "5.7.1", "authfailure", "failed" },
	/* a greeting refused (the reply right under "while talking to") */
	{ "messages/lhost-sendmail-16.eml", 1, 0,
	    "aoduigoadiugoaiugaodiugao@example.org", "554", "5.5.0",
	    "blocked", "failed" },
	/* PowerMTA's own category: a bad mailbox, whatever 5.2.1 says */
	{ "messages/lhost-powermta-01.eml", 1, 0, "kijitora@example.jp",
	    "550", "5.2.1", "userunknown", "failed" },
	/* Lotus Domino's reply in Japanese (ISO-2022-JP): not found */
	{ "messages/lhost-domino-02.eml", 1, 0, "kijitora@example.co.jp", "",
	    "5.0.0", "userunknown", "failed" },
	/* Postfix's transcript: the failing "451 4.3.0", not "250 Ok";
	 * the envelope sender (MAIL FROM:<…>) is no recipient */
	{ "messages/lhost-postfix-75.eml", 1, 0, "kijitora@libsisimai.net",
	    "451", "4.3.0", "systemerror", "failed" },
	/* OpenSMTPD: report without Diagnostic-Code, status 5.0.0; the
	 * notice's replies have the real ones */
	{ "messages/lhost-opensmtpd-17.eml", 2, 0,
	    "userunknown@libsisimai.net", "550", "5.1.1", "userunknown",
	    "failed" },
	{ "messages/lhost-opensmtpd-17.eml", 2, 1,
	    "mailboxfull@libsisimai.net", "552", "5.2.2", "mailboxfull",
	    "failed" },
	/* Exim "after MAIL FROM": the quoted reply names the reason */
	{ "messages/lhost-exim-42.eml", 1, 0, "kijitora@example.net", "554",
	    "5.7.1", "requireptr", "failed" },
	/* qmail: "my name was rejected" is about our HELO, not the
	 * recipient's domain ("Invalid domain name") */
	{ "messages/lhost-qmail-04.eml", 1, 0, "kijitora@example.net", "501",
	    "5.0.0", "blocked", "failed" },
	/* GMX "after RCPT command": a user unknown stays one with 5.2.1 */
	{ "messages/lhost-gmx-03.eml", 2, 0, "mikeneko@example.co.jp", "",
	    "5.2.1", "userunknown", "failed" },
	/* SES: "554 4.4.7 Message expired … <421 4.4.2 Connection timed
	 * out>": the inner reply agrees with its status */
	{ "messages/lhost-amazonses-17.eml", 1, 0, "kijitora@example.com",
	    "421", "4.4.2", "expired", "failed" },
	/* Action before Final-Recipient, then Original-Recipient: one */
	{ "messages/rfc3464-43.eml", 1, 0, "jp1rb6cm3@mozmail.com", "451",
	    "4.3.0", NULL, "failed" },
	/* Apple Mail's automatic unsubscribe request: feedback */
	{ "messages/arf-26.eml", 1, 0, "example@icloud.com", "", "",
	    "feedback", "delivered" },
	/* the same Postfix bounce with CRLF and with CR line ends */
	{ "messages/dos/lhost-postfix-01.eml", 1, 0,
	    "r@p351355.pool.example.ne.jp", "", "5.1.1", "mailererror",
	    "failed" },
	{ "messages/mac/lhost-postfix-01.eml", 1, 0,
	    "r@p351355.pool.example.ne.jp", "", "5.1.1", "mailererror",
	    "failed" },
};

START_TEST(corpus_row)
{
	const struct row	*w = &rows[_i];
	const struct record	*r;

	ck_assert_msg(load(w->file) == w->nrec, "%s: %zu records, not %zu",
	    w->file, rs.n, w->nrec);
	r = &rs.v[w->k];
	ck_assert_str_eq(r->recipient ? r->recipient : "", w->rcpt);
	ck_assert_str_eq(r->reply, w->reply);
	ck_assert_str_eq(r->status, w->status);
	if (w->reason != NULL)
		ck_assert_str_eq(r->diagnosis.reason, w->reason);
	ck_assert_str_eq(r->action, w->action);
}
END_TEST

/* The command a transcript shows before the reply is the phase. */
START_TEST(transcript_phase)
{
	load("messages/synth-courier.eml");
	ck_assert_int_eq(rs.v[0].phase, FINDINGS_PHASE_RCPT);
	ck_assert_uint_eq(rs.v[0].line, 20);
}
END_TEST

/* The step a reply answered, from what each mailer writes: a Sendmail
 * greeting, qmail's "my name was rejected", GMX's "after RCPT command",
 * a Sendmail transcript's ">>> DATA" above a reply read whole. */
START_TEST(reply_steps)
{
	load("messages/lhost-sendmail-16.eml");
	load("messages/lhost-qmail-04.eml");
	load("messages/lhost-gmx-03.eml");
	load("messages/lhost-sendmail-58.eml");
	ck_assert_uint_eq(rs.n, 5);
	ck_assert_int_eq(rs.v[0].phase, FINDINGS_PHASE_CONNECT);
	ck_assert_int_eq(rs.v[1].phase, FINDINGS_PHASE_EHLO);
	ck_assert_int_eq(rs.v[2].phase, FINDINGS_PHASE_RCPT);
	ck_assert_int_eq(rs.v[4].phase, FINDINGS_PHASE_DATA);
	ck_assert_ptr_nonnull(strstr(rs.v[4].diagnostic,
	    "domain's DMARC policy."));
	ck_assert_ptr_nonnull(strstr(rs.v[4].diagnostic, "DMARC initiative."));
}
END_TEST

START_TEST(not_a_bounce)
{
	ck_assert_uint_eq(load("messages/is-not-bounce-01.eml"), 0);
}
END_TEST

/* The line of the diagnostic is the file's, whatever the line ends. */
START_TEST(line_ends_keep_lines)
{
	load("messages/lhost-postfix-01.eml");
	load("messages/dos/lhost-postfix-01.eml");
	load("messages/mac/lhost-postfix-01.eml");
	ck_assert_uint_eq(rs.n, 3);
	ck_assert_uint_eq(rs.v[0].line, 54);	/* Diagnostic-Code: x-unix */
	ck_assert_uint_eq(rs.v[1].line, 54);
	ck_assert_uint_eq(rs.v[2].line, 54);
	ck_assert_str_eq(rs.v[2].diagnostic, rs.v[0].diagnostic);
}
END_TEST

/* The returned message gives the subject; the report the queue id and
 * the remote host; the human text the command that was refused. */
START_TEST(record_details)
{
	const struct record	*r;

	load("messages/lhost-postfix-02.eml");
	r = &rs.v[1];
	ck_assert_str_eq(r->subject, "test");
	ck_assert_str_eq(r->queue_id, "7874F1FB8E");
	ck_assert_str_eq(r->sender, "kijitora@example.jp");
	ck_assert_str_eq(r->remote_host, "mx.example.co.jp");
	ck_assert_int_eq(r->phase, FINDINGS_PHASE_RCPT);
	ck_assert_str_eq(r->time, "2014-06-21T18:35:16+00:00");
	ck_assert_ptr_nonnull(strstr(r->diagnostic, "User Unknown"));
	/* the notice, not the returned message, is the context */
	ck_assert_ptr_nonnull(strstr(r->context, "The mail system"));
	ck_assert_ptr_null(strstr(r->context, "Return-Path:"));
}
END_TEST

/* An mbox of three bounces, each read on its own. */
START_TEST(mbox_three)
{
	ck_assert_uint_eq(load("messages/three.mbox"), 3);
	ck_assert_str_eq(rs.v[0].recipient, "bob@example.com");
	ck_assert_str_eq(rs.v[0].status, "5.1.1");
	ck_assert_str_eq(rs.v[0].action, "failed");
	ck_assert_uint_eq(rs.v[0].line, 9);
	ck_assert_str_eq(rs.v[1].recipient, "carol@example.com");
	ck_assert_str_eq(rs.v[1].reply, "552");
	ck_assert_str_eq(rs.v[1].diagnosis.reason, "mailboxfull");
	ck_assert_uint_eq(rs.v[1].line, 21);
	ck_assert_str_eq(rs.v[2].recipient, "dave@example.com");
	ck_assert_str_eq(rs.v[2].status, "4.2.0");
	ck_assert_str_eq(rs.v[2].action, "delayed");
	ck_assert_int_eq(rs.v[2].diagnosis.temporary, 1);
}
END_TEST

/* A maildir: new/ and cur/ are read, in name order. */
START_TEST(maildir_walk)
{
	ck_assert_uint_eq(load("messages/maildir"), 2);
	ck_assert_str_eq(rs.v[0].recipient, "frank@example.com");
	ck_assert_str_eq(rs.v[0].reply, "552");
	ck_assert_str_eq(rs.v[0].diagnosis.reason, "mailboxfull");
	ck_assert_str_eq(rs.v[1].recipient, "erin@example.com");
	ck_assert_str_eq(rs.v[1].status, "5.1.1");
	ck_assert_str_eq(rs.v[1].subject, "Hello");
	ck_assert_int_eq(rs.v[1].phase, FINDINGS_PHASE_RCPT);
}
END_TEST

/* A bounce pasted without its header is still a bounce. */
START_TEST(pasted_notice)
{
	static const char	text[] =
	    "This is the mail system at host mx.example.net.\n\n"
	    "<gina@example.com>: host mx.example.com[192.0.2.1] said: 550\n"
	    "    5.1.1 <gina@example.com>: Recipient address rejected: User\n"
	    "    unknown in local recipient table (in reply to RCPT TO "
	    "command)\n";

	input_load_buffer("(pasted)", text, sizeof text - 1, &rs, kb, &dg);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_str_eq(rs.v[0].recipient, "gina@example.com");
	ck_assert_str_eq(rs.v[0].reply, "550");
	ck_assert_str_eq(rs.v[0].status, "5.1.1");
	ck_assert_uint_eq(rs.v[0].line, 3);
	ck_assert_int_eq(rs.v[0].phase, FINDINGS_PHASE_RCPT);
}
END_TEST

/* The reason written before the address (Lotus Notes' shape). */
START_TEST(reason_before_address)
{
	static const char	msg[] =
	    "From: Postmaster <postmaster@notes.example.net>\n"
	    "Subject: DELIVERY FAILURE: User kim not listed\n"
	    "\n"
	    "------- Failure Reasons  --------\n"
	    "\n"
	    "User not listed in public Name & Address Book\n"
	    "kim@example.com\n"
	    "\n"
	    "------- Returned Message --------\n"
	    "From: alice@example.org\n"
	    "Subject: lunch\n"
	    "\n"
	    "hi\n";

	input_load_buffer("notes", msg, sizeof msg - 1, &rs, kb, &dg);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_str_eq(rs.v[0].recipient, "kim@example.com");
	ck_assert_str_eq(rs.v[0].diagnostic,
	    "User not listed in public Name & Address Book");
	ck_assert_uint_eq(rs.v[0].line, 6);
	ck_assert_str_eq(rs.v[0].subject, "lunch");
}
END_TEST

/* An SES bounce inside an SNS envelope (a JSON string in JSON). */
START_TEST(ses_in_sns_envelope)
{
	static const char	msg[] =
	    "From: no-reply@sns.amazonaws.com\n"
	    "Subject: AWS Notification Message\n"
	    "\n"
	    "{\"Type\" : \"Notification\", \"Message\" : \"{\\\"notificationType"
	    "\\\":\\\"Bounce\\\",\\\"bounce\\\":{\\\"bouncedRecipients\\\":"
	    "[{\\\"emailAddress\\\":\\\"lee@example.com\\\",\\\"action\\\":"
	    "\\\"failed\\\",\\\"status\\\":\\\"5.1.1\\\",\\\"diagnosticCode"
	    "\\\":\\\"smtp; 550 5.1.1 user unknown\\\"}]}}\"}\n";

	input_load_buffer("sns", msg, sizeof msg - 1, &rs, kb, &dg);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_str_eq(rs.v[0].recipient, "lee@example.com");
	ck_assert_str_eq(rs.v[0].status, "5.1.1");
	ck_assert_str_eq(rs.v[0].reply, "550");
	ck_assert_str_eq(rs.v[0].diagnostic, "550 5.1.1 user unknown");
}
END_TEST

/* ------------------------------------------------------------- MIME */

struct codec_row {
	const char	*in;
	const char	*out;
};

static const struct codec_row qp_rows[] = {
	{ "a=3Db", "a=b" },
	{ "soft=\nbreak", "softbreak" },
	{ "soft= \t\nbreak", "softbreak" },
	{ "wasn=92t", "wasn\x92t" },
	{ "broken=ZZ=", "broken=ZZ" },
	{ "=E3=81=AB", "\xe3\x81\xab" },
};

START_TEST(qp_decode)
{
	char	*o;
	size_t	 n;

	o = mime_qp_decode(qp_rows[_i].in, strlen(qp_rows[_i].in), &n);
	ck_assert_str_eq(o, qp_rows[_i].out);
	ck_assert_uint_eq(n, strlen(qp_rows[_i].out));
	free(o);
}
END_TEST

static const struct codec_row b64_rows[] = {
	{ "SGVsbG8=", "Hello" },
	{ "SGVs\nbG8gd29y\r\nbGQ=", "Hello world" },
	{ "44Gr44KD44KT44GT", "\xe3\x81\xab\xe3\x82\x83\xe3\x82\x93"
	    "\xe3\x81\x93" },
	{ "", "" },
};

START_TEST(b64_decode)
{
	char	*o;
	size_t	 n, bad;

	o = mime_b64_decode(b64_rows[_i].in, strlen(b64_rows[_i].in), &n,
	    &bad);
	ck_assert_str_eq(o, b64_rows[_i].out);
	ck_assert_uint_eq(bad, 0);
	free(o);
}
END_TEST

START_TEST(b64_bad_bytes_counted)
{
	char	*o;
	size_t	 n, bad;

	o = mime_b64_decode("SG!Vs*bG8=", 10, &n, &bad);
	ck_assert_str_eq(o, "Hello");
	ck_assert_uint_eq(bad, 2);
	free(o);
}
END_TEST

static const struct codec_row word_rows[] = {
	{ "=?UTF-8?B?44Gr44KD44KT44GT?=", "\xe3\x81\xab\xe3\x82\x83"
	    "\xe3\x82\x93\xe3\x81\x93" },
	{ "=?iso-8859-1?Q?caf=E9?= =?iso-8859-1?Q?_bar?=",
	    "caf\xc3\xa9 bar" },
	{ "Re: =?windows-1252?Q?=80uro?= rate", "Re: \xe2\x82\xacuro rate" },
	{ "=?ISO-8859-15?Q?=A4?=", "\xe2\x82\xac" },
	{ "=?utf-8?Q?Delivery_Status?=", "Delivery Status" },
	{ "plain =?bad", "plain =?bad" },
	{ "=?koi8-r?B?8NLJ18XU?=", "\xf0\xd2\xc9\xd7\xc5\xd4" },
};

START_TEST(encoded_words)
{
	char	*o;
	size_t	 n;

	o = mime_words(word_rows[_i].in, strlen(word_rows[_i].in), &n);
	ck_assert_str_eq(o, word_rows[_i].out);
	free(o);
}
END_TEST

START_TEST(latin1_to_utf8)
{
	char	*o;
	size_t	 n;

	o = mime_to_utf8("\xe9t\xe9", 3, "ISO-8859-1", &n);
	ck_assert_str_eq(o, "\xc3\xa9t\xc3\xa9");
	ck_assert_uint_eq(n, 5);
	free(o);
	o = mime_to_utf8("\x93q\x94", 3, "windows-1252", &n);
	ck_assert_str_eq(o, "\xe2\x80\x9cq\xe2\x80\x9d");
	free(o);
}
END_TEST

static const char nested[] =
    "From: a@example.org\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\n"
    "\n"
    "preamble\n"
    "--outer\n"
    "Content-Type: multipart/alternative;\n"
    "\tboundary=inner\n"
    "\n"
    "--inner\n"
    "Content-Type: text/plain; charset=iso-8859-1\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "caf=E9 au=\n"
    " lait\n"
    "--inner\n"
    "Content-Type: text/html\n"
    "\n"
    "<p>x</p>\n"
    "--inner--\n"
    "--outer\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "Subject: =?utf-8?Q?inner_subject?=\n"
    "\n"
    "body\n"
    "--outer--\n"
    "epilogue\n";

START_TEST(nested_multipart)
{
	struct mime_msg	m;

	mime_parse(nested, sizeof nested - 1, 1, &m);
	ck_assert_ptr_null(m.note);
	ck_assert_uint_eq(m.n, 6);
	ck_assert_str_eq(m.v[0].type, "multipart/mixed");
	ck_assert_str_eq(m.v[1].type, "multipart/alternative");
	ck_assert_int_eq(m.v[1].parent, 0);
	ck_assert_str_eq(m.v[2].type, "text/plain");
	ck_assert_int_eq(m.v[2].depth, 2);
	ck_assert_str_eq(m.v[2].text, "caf\xc3\xa9 au lait");
	ck_assert_uint_eq(m.v[2].line, 13);
	ck_assert_str_eq(m.v[3].type, "text/html");
	ck_assert_str_eq(m.v[4].type, "message/rfc822");
	ck_assert_int_eq(m.v[5].embedded, 1);
	ck_assert_str_eq(mime_field(&m.v[5], "Subject"),
	    "=?utf-8?Q?inner_subject?=");
	ck_assert_str_eq(m.v[5].text, "body");
	mime_release(&m);
}
END_TEST

START_TEST(broken_boundary)
{
	static const char	msg[] =
	    "Content-Type: multipart/report; boundary=\"nowhere\"\n"
	    "\n"
	    "Final-Recipient: rfc822; h@example.com\n"
	    "Status: 5.1.1\n";
	struct mime_msg		m;

	mime_parse(msg, sizeof msg - 1, 1, &m);
	ck_assert_uint_eq(m.n, 1);
	ck_assert_ptr_nonnull(m.note);
	ck_assert_ptr_nonnull(strstr(m.note, "boundary"));
	ck_assert_str_eq(m.v[0].type, "text/plain");
	ck_assert_ptr_nonnull(strstr(m.v[0].text, "Status: 5.1.1"));
	mime_release(&m);
}
END_TEST

/* Twenty multiparts inside each other: the depth limit notes it and
 * the parts above the limit are kept. */
START_TEST(depth_limit)
{
	char		*msg = xstrdup(""), *t;
	struct mime_msg	 m;
	int		 i;

	for (i = 0; i < 20; i++) {
		t = xasprintf("%sContent-Type: multipart/mixed; boundary=b%d\n"
		    "\n--b%d\n", msg, i, i);
		free(msg);
		msg = t;
	}
	t = xasprintf("%s\nleaf\n", msg);
	free(msg);
	mime_parse(t, strlen(t), 1, &m);
	ck_assert_ptr_nonnull(m.note);
	ck_assert_ptr_nonnull(strstr(m.note, "nesting too deep"));
	ck_assert_uint_eq(m.n, MIME_MAX_DEPTH);
	mime_release(&m);
	free(t);
}
END_TEST

/* ------------------------------------------------------------ reports */

START_TEST(dsn_folded_fields)
{
	static const char	text[] =
	    "Reporting-MTA: dns; mx.example.net\n"
	    "X-Postfix-Queue-ID: 4F00A1\n"
	    "X-Postfix-Sender: rfc822; alice@example.org\n"
	    "\n"
	    "Final-Recipient: rfc822; Bob@Example.com\n"
	    "Original-Recipient: rfc822;bob@example.com\n"
	    "Action: Failed\n"
	    "Status: 5.1.1 (bad mailbox)\n"
	    "Remote-MTA: dns; mx.example.com\n"
	    "Diagnostic-Code: smtp; 550 5.1.1 <bob@example.com>:\n"
	    "    Recipient address rejected:\n"
	    "\tUser unknown\n"
	    "Last-Attempt-Date: Mon, 6 Jan 2025 10:00:00 +0000\n"
	    "\n"
	    "Final-Recipient: rfc822; carol@example.com\n"
	    "Action: delayed\n"
	    "Status: 4.4.1\n"
	    "Final-Recipient: rfc822; dave@example.com\n"
	    "Action: failed\n";
	struct dsn_report	r;

	ck_assert_uint_eq(dsn_parse(text, sizeof text - 1, &r), 3);
	ck_assert_str_eq(r.reporting_mta, "mx.example.net");
	ck_assert_str_eq(r.queue_id, "4F00A1");
	ck_assert_str_eq(r.sender, "alice@example.org");
	ck_assert_str_eq(r.v[0].final_rcpt, "Bob@Example.com");
	ck_assert_str_eq(r.v[0].orig_rcpt, "bob@example.com");
	ck_assert_str_eq(r.v[0].action, "failed");
	ck_assert_str_eq(r.v[0].status, "5.1.1");
	ck_assert_str_eq(r.v[0].remote_mta, "mx.example.com");
	ck_assert_str_eq(r.v[0].diag_type, "smtp");
	ck_assert_str_eq(r.v[0].diag, "550 5.1.1 <bob@example.com>: "
	    "Recipient address rejected: User unknown");
	ck_assert_uint_eq(r.v[0].line, 9);
	ck_assert_str_eq(r.v[1].action, "delayed");
	ck_assert_str_eq(r.v[2].final_rcpt, "dave@example.com");
	dsn_release(&r);
}
END_TEST

START_TEST(dsn_quoted)
{
	static const char	text[] =
	    "> Final-Recipient: RFC822; kim@example.com\n"
	    "> Action: failed\n"
	    "> Status: 5.2.2\n"
	    "> Diagnostic-Code: SMTP; 552 5.2.2 Mailbox full\n";
	struct dsn_report	r;

	ck_assert_uint_eq(dsn_parse(text, sizeof text - 1, &r), 1);
	ck_assert_str_eq(r.v[0].final_rcpt, "kim@example.com");
	ck_assert_str_eq(r.v[0].diag, "552 5.2.2 Mailbox full");
	dsn_release(&r);
}
END_TEST

static const char *const addr_ok[] = {
	"a@example.com", "first.last+tag@sub.example.co.jp",
	"0000000000@vzwpix.com",
};
static const char *const addr_bad[] = {
	"@example.com", "a@", "a@localhost", "a@example.", "a@b.1",
};

START_TEST(addresses)
{
	size_t	i;

	for (i = 0; i < sizeof addr_ok / sizeof addr_ok[0]; i++)
		ck_assert_uint_eq(prose_addr_len(addr_ok[i],
		    strlen(addr_ok[i])), strlen(addr_ok[i]));
	for (i = 0; i < sizeof addr_bad / sizeof addr_bad[0]; i++)
		ck_assert_uint_eq(prose_addr_len(addr_bad[i],
		    strlen(addr_bad[i])), 0);
}
END_TEST

START_TEST(sniff_kinds)
{
	static const char	msg[] = "From: a@example.org\nSubject: x\n\nhi\n";
	static const char	mbox[] = "From a@example.org Mon Jan  6 "
	    "10:00:00 2025\nFrom: a@example.org\n\nhi\n";
	static const char	log[] = "Jan  6 10:00:00 mx postfix/smtp[1]: "
	    "4F00A1: to=<b@example.com>, status=bounced\n";
	static const char	pasted[] = "Hi. This is the qmail-send program "
	    "at mx.example.net.\n";
	static const char	text[] = "550 5.1.1 user unknown\n";

	ck_assert_int_eq(input_sniff(msg, sizeof msg - 1), INPUT_MESSAGE);
	ck_assert_int_eq(input_sniff(mbox, sizeof mbox - 1), INPUT_MBOX);
	ck_assert_int_eq(input_sniff(log, sizeof log - 1), INPUT_LOG);
	ck_assert_int_eq(input_sniff(pasted, sizeof pasted - 1),
	    INPUT_MESSAGE);
	ck_assert_int_eq(input_sniff(text, sizeof text - 1), INPUT_TEXT);
	ck_assert_int_eq(input_sniff("", 0), INPUT_TEXT);
}
END_TEST

/* Junk in, nothing out, nothing broken. */
START_TEST(junk_is_no_bounce)
{
	static const char	junk[] = "Content-Type: multipart/mixed; "
	    "boundary=x\n\n--x\nContent-Transfer-Encoding: base64\n\n"
	    "\x01\x02\xff==\n--x\n\0\0\0\n";

	ck_assert_uint_eq(message_read("junk", junk, sizeof junk - 1, &rs,
	    kb, &dg), 0);
	ck_assert_uint_eq(message_read("empty", "", 0, &rs, kb, &dg), 0);
}
END_TEST

static Suite *
message_suite(void)
{
	Suite	*s = suite_create("message");
	TCase	*tc;

	tc = tcase_create("corpus");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, corpus_row, 0, sizeof rows / sizeof rows[0]);
	tcase_add_test(tc, not_a_bounce);
	tcase_add_test(tc, transcript_phase);
	tcase_add_test(tc, reply_steps);
	tcase_add_test(tc, line_ends_keep_lines);
	tcase_add_test(tc, record_details);
	tcase_add_test(tc, mbox_three);
	tcase_add_test(tc, maildir_walk);
	tcase_add_test(tc, pasted_notice);
	tcase_add_test(tc, junk_is_no_bounce);
	tcase_add_test(tc, reason_before_address);
	tcase_add_test(tc, ses_in_sns_envelope);
	suite_add_tcase(s, tc);

	tc = tcase_create("mime");
	tcase_add_loop_test(tc, qp_decode, 0,
	    sizeof qp_rows / sizeof qp_rows[0]);
	tcase_add_loop_test(tc, b64_decode, 0,
	    sizeof b64_rows / sizeof b64_rows[0]);
	tcase_add_test(tc, b64_bad_bytes_counted);
	tcase_add_loop_test(tc, encoded_words, 0,
	    sizeof word_rows / sizeof word_rows[0]);
	tcase_add_test(tc, latin1_to_utf8);
	tcase_add_test(tc, nested_multipart);
	tcase_add_test(tc, broken_boundary);
	tcase_add_test(tc, depth_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("report");
	tcase_add_test(tc, dsn_folded_fields);
	tcase_add_test(tc, dsn_quoted);
	tcase_add_test(tc, addresses);
	tcase_add_test(tc, sniff_kinds);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return tap_run(message_suite());
}
