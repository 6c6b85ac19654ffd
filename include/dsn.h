/*
 * dsn.h - read the fields of a delivery status notification (RFC 3464).
 *
 * Input: the text of a message/delivery-status part, or any text that
 * holds such fields (some mailers put them in a text/plain part, some
 * quote them with "> ").  Output: the per-message fields and one struct
 * dsn_rcpt per per-recipient group (RFC 3464 s2.2, s2.3).  Field groups
 * are separated by blank lines; a second Final-Recipient in one group
 * starts a new recipient, so sloppy reports without blank lines work too.
 * Folded fields are unfolded (whitespace runs become one space); the type
 * prefix ("rfc822;", "smtp;", "dns;") is split off.
 */
#ifndef BOUNCEDOC_DSN_H
#define BOUNCEDOC_DSN_H

#include <stddef.h>

struct dsn_rcpt {
	char		*final_rcpt;	/* address, type prefix removed */
	char		*orig_rcpt;
	char		*action;	/* lower case: failed, delayed… */
	char		*status;	/* "5.1.1" */
	char		*remote_mta;
	char		*diag_type;	/* "smtp", "x-unix", … or NULL */
	char		*diag;		/* Diagnostic-Code text, unfolded */
	char		*last_attempt;
	char		*category;	/* the sending MTA's own verdict
					   (X-PowerMTA-BounceCategory) */
	unsigned long	 line;		/* 0-based line of Diagnostic-Code in
					   the text (else of the group) */
};

struct dsn_report {
	char		*reporting_mta;
	char		*queue_id;	/* X-Postfix-Queue-ID */
	char		*sender;	/* X-Postfix-Sender, address only */
	char		*arrival;
	struct dsn_rcpt	*v;
	size_t		 n;
};

/*
 * Reads the fields in text[0..len) (LF line ends).  Lines that are not DSN
 * fields are skipped.  Returns the number of recipient groups (0: none;
 * *out is still filled and must be released).
 */
size_t	dsn_parse(const char *text, size_t len, struct dsn_report *out);
void	dsn_release(struct dsn_report *r);

/* The address in "rfc822; <a@b>" / "a@b" / "Name <a@b>": a new string
 * (lower-cased domain kept as written), or NULL if there is none. */
char	*dsn_address(const char *s, size_t n);

#endif
