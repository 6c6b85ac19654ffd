/*
 * prose.h - read the human-readable part of a bounce.
 *
 * Input: the notification text of a bounce (UTF-8, LF line ends): what
 * Postfix, Exim, Sendmail, qmail, Exchange, Gmail and the rest write for
 * people, in any of their shapes.  Output: the recipients it names and,
 * for each, the error text that goes with it.
 *
 * The reader knows shapes, not products: an address that opens a line
 * ("<a@b>: host … said: 550 …", "  a@b", "a@b on DATE", "\"a@b\":") starts
 * a recipient's block, which runs to the end of its paragraph (or the next
 * paragraph when the address stands alone); the text is cut where a copy
 * of the original message begins ("------ This is a copy of the message",
 * "--- Below this line is a copy", "Original message follows", or a block
 * of header fields).  When no line opens with an address, addresses named
 * inside sentences are taken, minus those of the sender side.  A block
 * without a reply code borrows the lines with codes that name the same
 * recipient (a Sendmail transcript, an Exchange "Remote Server returned").
 */
#ifndef BOUNCEDOC_PROSE_H
#define BOUNCEDOC_PROSE_H

#include <stddef.h>

struct prose_rcpt {
	char		*addr;
	char		*diag;		/* unfolded error text, or NULL */
	unsigned long	 line;		/* 0-based line of the error text */
};

struct prose {
	struct prose_rcpt *v;
	size_t		 n;
	size_t		 cut;		/* byte offset where the copy of the
					   original message starts (or len) */
	char		*summary;	/* the text before the cut, unfolded
					   (first 1000 bytes) */
};

/*
 * Scans text[0..len).  skip[0..nskip) are addresses of the sender side
 * (the bounce's To, the original From) not to take from sentences.
 * Returns the number of recipients found; release *out in any case.
 */
size_t	prose_scan(const char *text, size_t len, const char *const *skip,
	    size_t nskip, struct prose *out);
void	prose_release(struct prose *p);

/* Length of the e-mail address at s (local@domain.tld), or 0. */
size_t	prose_addr_len(const char *s, size_t n);

#endif
