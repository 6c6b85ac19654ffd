/*
 * mime.h - cut one RFC 5322 message into its MIME parts (RFC 2045-2049).
 *
 * Input: the bytes of one message with LF line ends (message.c turns CRLF
 * and lone CR into LF first, which keeps the line count).  Output: a flat
 * list of parts in document order; each part knows its parent, depth,
 * header fields (unfolded, RFC 2047 words left as they are) and, for
 * leaves, its body decoded (base64, quoted-printable) and turned into
 * UTF-8 where the charset is UTF-8, US-ASCII, ISO-8859-1, ISO-8859-15 or
 * Windows-1252 (other charsets keep their bytes; esc.c shows them).
 *
 * message/rfc822, message/global and text/rfc822-headers bodies are parsed
 * as embedded messages: their headers become a child part's headers.  A
 * broken part (no boundary, bad base64) is kept as text and noted; the
 * parse always goes on.  Limits (depth, parts, fields, field length) stop
 * the descent and leave a note.
 */
#ifndef BOUNCEDOC_MIME_H
#define BOUNCEDOC_MIME_H

#include <stddef.h>

#define MIME_MAX_DEPTH		16
#define MIME_MAX_PARTS		256
#define MIME_MAX_FIELDS		512	/* per part */
#define MIME_MAX_FIELD_LEN	65536	/* bytes kept of one unfolded field */

struct mime_field {
	char		*name;		/* as written */
	char		*value;		/* unfolded, trimmed */
	unsigned long	 line;		/* line of the field in the source */
};

struct mime_part {
	struct mime_field *fields;
	size_t		 nfields;
	char		*type;		/* lower case, "text/plain" by default */
	char		*charset;	/* lower case, or NULL */
	char		*encoding;	/* lower case CTE, or NULL */
	const char	*raw;		/* body as written; points into the buffer
					   given to mime_parse() or a decoded
					   copy owned by the message */
	size_t		 rawlen;
	unsigned long	 line;		/* source line of the first body line */
	char		*text;		/* leaves: decoded UTF-8 body, or NULL */
	size_t		 textlen;
	int		 parent;	/* index, -1 for the message itself */
	int		 depth;
	int		 embedded;	/* the headers of a message/rfc822 */
	int		 multipart;
};

struct mime_msg {
	struct mime_part *v;
	size_t		 n;
	size_t		 cap;
	char		**owned;	/* decoded message/rfc822 bodies */
	size_t		 nowned;
	char		*note;		/* limits hit, broken parts; or NULL */
};

/*
 * Parses buf[0..len) (LF line ends; need not be NUL-terminated) whose first
 * line is source line line0.  Part 0 is the message itself.  The parts
 * point into buf, which must outlive m.  Free with mime_release().
 */
void	mime_parse(const char *buf, size_t len, unsigned long line0,
	    struct mime_msg *m);
void	mime_release(struct mime_msg *m);

/* The first field called name (case-insensitive) of part p, or NULL.
 * Points into p. */
const char *mime_field(const struct mime_part *p, const char *name);
/* The value of parameter param of a structured field ("charset" of
 * "text/plain; charset=utf-8"), unquoted; caller frees; NULL if absent. */
char	*mime_param(const char *value, const char *param);

/*
 * Decoders.  Each returns a new NUL-terminated buffer (caller frees) and
 * stores its length in *outlen.
 *	mime_qp_decode	quoted-printable; a broken "=" is kept as is
 *	mime_b64_decode	base64; bytes outside the alphabet are skipped,
 *			*bad (if not NULL) counts them
 *	mime_to_utf8	charset (any case; NULL means US-ASCII) to UTF-8;
 *			unknown charsets keep their bytes
 *	mime_words	RFC 2047 encoded words in a header value, decoded
 *			and converted; the rest kept as is
 */
char	*mime_qp_decode(const char *s, size_t n, size_t *outlen);
char	*mime_b64_decode(const char *s, size_t n, size_t *outlen,
	    size_t *bad);
char	*mime_to_utf8(const char *s, size_t n, const char *charset,
	    size_t *outlen);
char	*mime_words(const char *s, size_t n, size_t *outlen);

#endif
