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

#endif
