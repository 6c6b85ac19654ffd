/*
 * message.h - the reader of bounce messages: one record per recipient.
 *
 * Input: the bytes of one message (RFC 5322, any of LF, CRLF or CR line
 * ends), of an mbox (messages after "From " lines), or a bounce pasted
 * without its header.  Output: records appended to a struct recset, each
 * diagnosed with the knowledge base.
 *
 * Sources, best first: the RFC 3464 report (message/delivery-status, or
 * its fields inside a text part); an Amazon SES notification; the
 * human-readable text (prose.h); the original message's To: when a bounce
 * names no one.  Success notices (Action: delivered), auto-replies (RFC
 * 3834) and feedback reports (RFC 5965) are not failures: their records
 * have action "delivered" (the message did arrive) and reason
 * "delivered", "vacation" or "feedback".
 */
#ifndef BOUNCEDOC_MESSAGE_H
#define BOUNCEDOC_MESSAGE_H

#include <stddef.h>

#include "diag.h"
#include "kb.h"
#include "record.h"

/*
 * Reads one message (or a headerless bounce text) from buf[0..len) and
 * appends its records to rs; name labels them.  Problems go to d as
 * "NAME:LINE: …".  Returns the number of records added; 0 when the text
 * is neither a bounce, nor an auto-reply, nor a feedback report.
 */
size_t	message_read(const char *name, const char *buf, size_t len,
	    struct recset *rs, const struct kb *kb, struct diag *d);

/* Reads every message of an mbox; returns the records added. */
size_t	message_read_mbox(const char *name, const char *buf, size_t len,
	    struct recset *rs, const struct kb *kb, struct diag *d);

/* Does buf[0..len) open with RFC 5322 header fields (after an optional
 * mbox "From " line)?  Used to sniff the kind of input. */
int	message_has_header(const char *buf, size_t len);

/* Does the text look like a bounce (the markers most mailers write)? */
int	message_has_bounce_text(const char *buf, size_t len);

#endif
