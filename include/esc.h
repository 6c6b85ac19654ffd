/*
 * esc.h - the one way text from the input reaches a terminal.
 *
 * Bounces and logs quote strangers.  Every byte string from the input is
 * passed through esc_text() before it is printed or drawn: printable UTF-8
 * is kept, everything that could drive the terminal is made visible:
 *
 *	C0 controls and DEL	^@ … ^_ ^?   (ESC shows as ^[)
 *	C1 controls (U+0080-9F)	<U+009B>
 *	invalid UTF-8 bytes	<9B>
 *	bidi controls		<U+202E> (U+200E/F, U+202A-202E, U+2066-2069)
 *
 * Tab becomes one space unless ESC_KEEP_TAB; newline is kept only with
 * ESC_KEEP_NL.
 */
#ifndef BOUNCEDOC_ESC_H
#define BOUNCEDOC_ESC_H

#include <stddef.h>

enum esc_flags {
	ESC_KEEP_NL	= 1 << 0,
	ESC_KEEP_TAB	= 1 << 1,
};

/* Appends the safe form of s[0..len) to *buf (grown with xreallocarray,
 * *buflen bytes used, NUL-terminated).  Returns the number of bytes added. */
size_t	esc_append(char **buf, size_t *buflen, size_t *bufcap,
	    const char *s, size_t len, int flags);
/* Returns a new NUL-terminated safe copy; caller frees. */
char	*esc_text(const char *s, size_t len, int flags);

/*
 * Decodes one UTF-8 sequence at s (n bytes available).  Returns its length
 * (1-4) and stores the code point in *cp, or returns 0 if the bytes are not
 * valid UTF-8 (overlong, surrogate, > U+10FFFF, truncated).
 */
size_t	esc_utf8_decode(const unsigned char *s, size_t n, unsigned *cp);

#endif
