/*
 * esc.c - make text from the input safe for a terminal.
 *
 * Every byte string quoted from a bounce or a log goes through here before
 * it is printed or drawn (see esc.h for the visible forms).  The rule is
 * simple on purpose: only printable, valid UTF-8 passes as it is; anything
 * a terminal could act on - C0/C1 controls (ESC starts CSI and OSC,
 * including OSC 52 clipboard writes), DEL, bidi overrides that reorder what
 * the reader sees - is written as plain visible text.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "esc.h"
#include "xalloc.h"

size_t
esc_utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned	c, min;
	size_t		len, i;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2; c &= 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3; c &= 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4; c &= 0x07; min = 0x10000;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static int
is_bidi_control(unsigned cp)
{
	return cp == 0x200e || cp == 0x200f || cp == 0x061c ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

static void
put(char **buf, size_t *buflen, size_t *bufcap, const char *s, size_t n)
{
	if (*buflen + n + 1 > *bufcap) {
		while (*buflen + n + 1 > *bufcap)
			*bufcap = *bufcap ? *bufcap * 2 : 64;
		*buf = xreallocarray(*buf, *bufcap, 1);
	}
	memcpy(*buf + *buflen, s, n);
	*buflen += n;
	(*buf)[*buflen] = '\0';
}

size_t
esc_append(char **buf, size_t *buflen, size_t *bufcap, const char *s,
    size_t len, int flags)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 start = *buflen, i = 0, k;
	unsigned		 cp;
	char			 tmp[16];

	if (*buf == NULL || *bufcap == 0)
		put(buf, buflen, bufcap, "", 0);
	while (i < len) {
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			/* run of printable ASCII: the common case */
			for (k = i; k < len && p[k] >= 0x20 && p[k] < 0x7f; k++)
				;
			put(buf, buflen, bufcap, s + i, k - i);
			i = k;
			continue;
		}
		if (p[i] < 0x80) {
			if (p[i] == '\n' && (flags & ESC_KEEP_NL))
				put(buf, buflen, bufcap, "\n", 1);
			else if (p[i] == '\t')
				put(buf, buflen, bufcap,
				    (flags & ESC_KEEP_TAB) ? "\t" : " ", 1);
			else {
				tmp[0] = '^';
				tmp[1] = p[i] == 0x7f ? '?' : (char)(p[i] + 0x40);
				put(buf, buflen, bufcap, tmp, 2);
			}
			i++;
			continue;
		}
		k = esc_utf8_decode(p + i, len - i, &cp);
		if (k == 0) {
			snprintf(tmp, sizeof tmp, "<%02X>", p[i]);
			put(buf, buflen, bufcap, tmp, 4);
			i++;
		} else if ((cp >= 0x80 && cp < 0xa0) || is_bidi_control(cp) ||
		    cp == 0x2028 || cp == 0x2029 || cp == 0xfeff) {
			snprintf(tmp, sizeof tmp, "<U+%04X>", cp);
			put(buf, buflen, bufcap, tmp, strlen(tmp));
			i += k;
		} else {
			put(buf, buflen, bufcap, s + i, k);
			i += k;
		}
	}
	return *buflen - start;
}

char *
esc_text(const char *s, size_t len, int flags)
{
	char	*buf = NULL;
	size_t	 buflen = 0, bufcap = 0;

	esc_append(&buf, &buflen, &bufcap, s, len, flags);
	return buf;
}
