/*
 * msginfo.h - small judgements about a message, for message.c.
 *
 * Is it a bounce at all, an auto-reply, a delay warning?  Where is the
 * remote host named in an error text?  What is its date in ISO 8601?  And
 * the reader of Amazon SES notifications (JSON in the mail body).  Each
 * function looks at text it is given (pointer and length, or a C string
 * for header values) and keeps nothing.
 */
#ifndef BOUNCEDOC_MSGINFO_H
#define BOUNCEDOC_MSGINFO_H

#include <stddef.h>

#include "findings.h"

/* Length of the name of a header field "Name: …" at p (no blanks in the
 * name, at most 80 bytes), or 0. */
size_t	msginfo_field_len(const char *p, size_t n);
/* Is p[0..n) one of the RFC 3464 fields (Final-Recipient: …)? */
int	msginfo_dsn_field(const char *p, size_t n);

/* Bounce markers: in the header (From, Subject, Content-Type, all may be
 * NULL) and in the text.  Each returns 1 or 0. */
int	msginfo_bounce_header(const char *from, const char *subject,
	    const char *ctype);
int	msginfo_bounce_text(const char *text, size_t len);
/* A delay warning rather than a failure ("will be retried")? */
int	msginfo_delay_text(const char *subject, const char *text, size_t len);
/* An auto-reply by its header (RFC 3834 Auto-Submitted, X-Autoreply,
 * Precedence, a "Automatic reply:"-like subject)?  get(name, arg)
 * returns a header value or NULL. */
int	msginfo_autoreply(const char *(*get)(const char *, const void *),
	    const void *arg);

/* The remote host named in an error text ("host mx.example.com[192.0.2.1]
 * said", "while talking to mx.example.com.:", "remote host 192.0.2.1
 * said"), as a new string, or NULL. */
char	*msginfo_remote_host(const char *text);

/* Turns HTML in text[0..*len) into plain text in place: tags dropped
 * (block ends become line ends), style and script dropped, the common
 * entities decoded.  *len is updated; the text stays NUL-terminated. */
void	msginfo_strip_html(char *text, size_t *len);

/* An RFC 5322 date as ISO 8601 ("2013-04-29T23:45:41+09:00"), or a copy
 * of it as written when it does not parse; caller frees. */
char	*msginfo_iso_date(const char *s);

/* Codes the strict finder (findings.h) leaves alone because of what
 * surrounds them, in a diagnostic t: a reply glued to a colon ("550:
 * 5.2.2 …"), and, when t has no code at all, a status glued to a label
 * ("ERROR_CODE :5.2.1") or a reply right after the word "code"
 * ("ResponseCode 421,").  Fills reply and status where they are empty. */
void	msginfo_lenient_codes(const char *t, char reply[4], char status[12]);

/* The reply that failed, when the first code of a diagnostic t is not it:
 * a success or intermediate reply of a transcript ("250 2.0.0 Ok" before
 * "451 4.3.0 Error"), or a reply whose status disagrees in class with it
 * ("554 4.4.7 Message expired … <421 4.4.2 Connection timed out>": the
 * inner, agreeing pair).  Fills reply when it is empty, and status when
 * it is empty or the first pair's.  Leaves both alone otherwise. */
void	msginfo_failure_codes(const char *t, char reply[4], char status[12]);

/* The SMTP command a diagnostic t answered: in a session transcript
 * (Sendmail, Courier: ">>> RCPT TO:<a@b>" then "<<< 550 …") the last one
 * sent; else the phase the code finder reads (findings.h); else the
 * words of mailers that name the step their own way ("after RCPT
 * command", qmail's "but sender was rejected").  NONE if none. */
enum findings_phase msginfo_transcript_phase(const char *t);

/* The phase of the reply diag as a Sendmail transcript in the
 * notification text[0..len) shows it: the ">>> " command on the line
 * above its "<<< " line, or the connection when that line is the
 * "... while talking to host:" that opens the conversation (a greeting
 * refused).  NONE when the text does not show it. */
enum findings_phase msginfo_reply_phase(const char *text, size_t len,
	    const char *diag);

/* The whole of a reply whose Diagnostic-Code kept only its first line
 * ("550-5.7.1 Unauthenticated email … due to domain's"): its lines as the
 * notification text[0..len) gives them (a Sendmail transcript's "<<< "
 * lines), unfolded, after the ">>> " command they answered when that is
 * the line above.  A new string (caller frees), or NULL when diag is not
 * such a line or the text has nothing more. */
char	*msginfo_full_reply(const char *text, size_t len, const char *diag);

/* The reason a sending MTA's own category of a failure names
 * ("bad-mailbox" in PowerMTA's X-PowerMTA-BounceCategory: userunknown),
 * or NULL for one that names none ("other") or is unknown.  Static. */
const char *msginfo_category_reason(const char *category);

/* One recipient of an Amazon SES (SNS) notification. */
struct msginfo_ses {
	char	*addr;
	char	*action;	/* failed, delivered, or NULL */
	char	*status;
	char	*diag;
	char	*remote;
	int	 kind;		/* 'b' bounce, 'c' complaint, 'd' delivery */
};

/* Reads the recipients of an SES notification in text[0..len) (also
 * when it is a JSON string inside an SNS envelope); returns
 * how many were stored in a new array *out (caller frees each field and
 * the array), 0 if the text is not one. */
size_t	msginfo_ses_parse(const char *text, size_t len,
	    struct msginfo_ses **out);
void	msginfo_ses_free(struct msginfo_ses *v, size_t n);

#endif
