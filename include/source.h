/*
 * source.h - read input bytes: a path, "-" (stdin), or a .gz file.
 *
 * Files are opened read-only (O_RDONLY | O_NOCTTY) and never written.
 * gzip input is recognised by its magic bytes, not its name, and read
 * through zlib; a truncated or corrupt stream keeps what was read and says
 * where it ended.  The decompressed size is limited (gzip bombs).
 */
#ifndef BOUNCEDOC_SOURCE_H
#define BOUNCEDOC_SOURCE_H

#include <stddef.h>
#include <sys/types.h>

#include "diag.h"

/* Largest input read whole (messages, pasted text); more is refused. */
#define SOURCE_SLURP_MAX	((size_t)256 << 20)

/*
 * Reads all of path ("-" for stdin) into a new buffer, NUL-terminated
 * (*len excludes the NUL), gunzipping if it is gzip.  At most max bytes;
 * past that the rest is dropped and reported.  Returns 0, or -1 with a
 * message in d (cannot open, is a directory, read error).  *buf is set
 * (possibly partial) whenever 0 is returned; caller frees.
 */
int	source_slurp(const char *path, size_t max, char **buf, size_t *len,
	    struct diag *d);

/* True if the bytes start with the gzip magic. */
int	source_is_gzip(const unsigned char *p, size_t n);

/*
 * Streaming, for inputs too large to hold (mail logs of gigabytes): the
 * bytes come in blocks through a caller's buffer, gzip is inflated as it
 * streams, and memory does not grow with the input.
 *
 *	s = source_open(path, d);	peek at the start, then
 *	while ((n = source_read(s, buf, size)) > 0)
 *		use buf[0..n);
 *	source_close(s);
 *
 * Offsets are counted in the text read (after gunzip).  A gzip stream
 * that ends early or is corrupt reports once into d ("FILE: gzip data
 * truncated after N bytes of text; keeping what was read") and then reads
 * as the end of the input: what came before it is kept.  Several gzip
 * members in a row are read as one text (RFC 1952 s2.2).
 */
struct source_stream;

/*
 * Opens path ("-" for stdin) read-only.  Returns NULL with a message in d
 * if it cannot be opened or is a directory.  The stream keeps d for later
 * messages: d must outlive it.  Close with source_close().
 */
struct source_stream *source_open(const char *path, struct diag *d);
/* Streams a copy of buf[0..len) (a pasted text); never NULL. */
struct source_stream *source_open_mem(const char *name, const char *buf,
		    size_t len, struct diag *d);
/* Streams an open descriptor; name labels messages.  fd is not closed. */
struct source_stream *source_open_fd(int fd, const char *name,
		    struct diag *d);
void		 source_close(struct source_stream *s);

/*
 * Reads up to n bytes of text into buf.  Returns the count (possibly less
 * than n), 0 at the end of the input (or after an error, reported once
 * into d), never -1.  EINTR is retried.
 */
size_t		 source_read(struct source_stream *s, char *buf, size_t n);

/*
 * Instead of source_read(), for a large regular file: points *p at up to
 * max bytes of the next text, in a window of the file mapped read-only
 * (faster than a copy), and sets *w to the window to give back with
 * source_unmap() once the bytes are no longer used.  Returns the count,
 * 0 at the end of the file, or (size_t)-1 if this input cannot be mapped
 * (a pipe, gzip, bytes peeked and not yet read, no memory): then read it
 * with source_read().  Once mapping has begun, only source_map() reads.
 * A file that gets shorter while mapped reads as NUL bytes past its new
 * end, and says so once into the stream's diag.
 */
struct source_window;
size_t		 source_map(struct source_stream *s, size_t max,
		    const char **p, struct source_window **w);
void		 source_unmap(struct source_window *w);

/*
 * Makes up to want bytes from the start of what has not been read yet
 * available without consuming them (source_read() returns them first).
 * Returns how many are available (less at the end of the input) and sets
 * *p; valid until the next call on s.
 */
size_t		 source_peek(struct source_stream *s, size_t want,
		    const char **p);

/* True if offsets into the text can be read again with source_reread():
 * a regular file that is not gzip. */
int		 source_seekable(const struct source_stream *s);

/* True if the input is a regular file (gzip or not): reading it never
 * waits for a writer, so another thread may read ahead. */
int		 source_regular(const struct source_stream *s);

/* Makes s report into d from now on (it must outlive s, or be replaced
 * before it goes); returns the one it reported into before. */
struct diag	*source_set_diag(struct source_stream *s, struct diag *d);

/*
 * Reads the rest of the stream (the peeked bytes included) into a new
 * NUL-terminated buffer, like source_slurp(): at most max bytes, the rest
 * dropped and reported.  Caller frees *buf.
 */
void		 source_read_all(struct source_stream *s, size_t max, char **buf,
		    size_t *len);

/*
 * Reads len bytes at offset off of the regular file path again (a view
 * showing a log line it kept as an offset).  Returns a new NUL-terminated
 * buffer (caller frees; *got gets its length, shorter at the end of the
 * file), or NULL with a message in d.
 */
char		*source_reread(const char *path, off_t off, size_t len,
		    size_t *got, struct diag *d);

#endif
