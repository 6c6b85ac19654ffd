/*
 * findings.h - find SMTP reply codes and enhanced status codes in text.
 *
 * Input: any text - one log line, a DSN field, a whole bounce - as pointer
 * and length (no NUL needed; NUL bytes are ordinary bytes).
 * Output: struct findings, with every code found as a byte span into that
 * text, the primary reply code and enhanced status, and the SMTP phase when
 * the text names it.
 *
 * A reply code is three digits [2-5][0-5][0-9] standing alone as a token:
 * "421 4.7.0 …", "421-4.7.0 …" (multi-line reply), "said: 550 …",
 * "smtp; 550 …", "(550 …".  An enhanced status code is class.subject.detail
 * (RFC 3463) with class 2, 4 or 5, subject 0-7 and a 1-3 digit detail,
 * standing alone: after a reply code, or as "#4.4.5", "(#4.3.0)",
 * "dsn=4.7.0", "Status: 5.1.1", or as a token of its own.  Dates, times,
 * IP addresses, ports, sizes, queue ids, delays ("delays=0.1/0/1.2/0"),
 * version numbers, order numbers and durations ("after 421 ms") are not
 * codes: see the rules in findings.c.
 */
#ifndef BOUNCEDOC_FINDINGS_H
#define BOUNCEDOC_FINDINGS_H

#include <stddef.h>

enum findings_phase {
	FINDINGS_PHASE_NONE = 0,
	FINDINGS_PHASE_CONNECT,		/* greeting, connect */
	FINDINGS_PHASE_EHLO,		/* EHLO/HELO */
	FINDINGS_PHASE_STARTTLS,
	FINDINGS_PHASE_AUTH,
	FINDINGS_PHASE_MAIL,		/* MAIL FROM */
	FINDINGS_PHASE_RCPT,		/* RCPT TO */
	FINDINGS_PHASE_DATA,		/* DATA command or end of data */
	FINDINGS_PHASE_QUIT,
};

enum findings_kind {
	FINDINGS_REPLY = 1,		/* 3-digit reply code */
	FINDINGS_STATUS,		/* enhanced status code */
};

struct findings_span {
	size_t			off;	/* byte offset into the text */
	size_t			len;
	enum findings_kind	kind;
};

#define FINDINGS_MAX_SPANS 64

struct findings {
	int		 reply;		/* primary reply code, 0 if none */
	char		 status[12];	/* primary enhanced status, "" if none */
	enum findings_phase phase;
	/* where the primary codes are; len 0 when absent */
	struct findings_span reply_span;
	struct findings_span status_span;
	/* every code found, in text order (highlighting); at most MAX */
	struct findings_span spans[FINDINGS_MAX_SPANS];
	size_t		 nspans;
};

/*
 * Scans text[0..len) and fills *f (cleared first, but for the spans past
 * nspans, which are left as they were: read no further than nspans).  The primary reply code
 * is the first one found; the primary status is the one next to it, else
 * the first one found.  Returns the number of codes found (0: none).
 */
size_t	findings_scan(const char *text, size_t len, struct findings *f);

/*
 * Unfolds a multi-line reply into one line: "550-5.1.1 a\n550 5.1.1 b",
 * the same joined by spaces (as Postfix logs it), or joined by a literal
 * "\n" (as Exim logs it) become "550 5.1.1 a b".  Whitespace runs collapse
 * to one space; leading and trailing space is dropped; a NUL byte becomes
 * U+2400 (the symbol for NUL) so nothing after it is lost.  Returns a new
 * NUL-terminated string; caller frees.  *outlen (if not NULL) gets its
 * length.
 */
char	*findings_unfold(const char *text, size_t len, size_t *outlen);
/* True if findings_unfold(text, len) would give text back unchanged (a
 * look at a few bytes of most texts, much cheaper than unfolding). */
int	findings_unfolded(const char *text, size_t len);

/* "RCPT", "MAIL", "DATA", "CONNECT", "EHLO", "STARTTLS", "AUTH", "QUIT";
 * NULL for FINDINGS_PHASE_NONE.  Static. */
const char *findings_phase_name(enum findings_phase p);

/* Parsers of the fixed syntax, for other stages.  Each returns the length
 * of the code at s (0: not one); they do not look at what surrounds it. */
size_t	findings_reply_len(const char *s, size_t n);
size_t	findings_status_len(const char *s, size_t n);

#endif
