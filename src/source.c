/*
 * source.c - read input bytes from a path, stdin or a gzip stream.
 *
 * Input files are opened O_RDONLY and never written.  Whether a file is
 * gzip is decided by its first two bytes (RFC 1952 s2.3.1: 1f 8b), so a
 * renamed .gz still works and a ".gz" that is not gzip is read as text.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "diag.h"
#include "source.h"
#include "xalloc.h"

#define SOURCE_BLOCK	((size_t)1 << 16)

int
source_is_gzip(const unsigned char *p, size_t n)
{
	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* read(2) until n bytes or EOF; returns bytes read or -1. */
static ssize_t
read_full(int fd, char *p, size_t n)
{
	size_t	got = 0;
	ssize_t	r;

	while (got < n) {
		r = read(fd, p + got, n - got);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static void
grow(char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return;
	while (*cap < need)
		*cap = *cap ? *cap * 2 : SOURCE_BLOCK;
	*buf = xreallocarray(*buf, *cap, 1);
}

/* Reads the raw bytes of fd (up to max + 1, so the caller sees overflow). */
static int
slurp_fd(int fd, const char *path, size_t max, char **buf, size_t *len,
    struct diag *d)
{
	size_t	cap = 0, want;
	ssize_t	r;

	*buf = NULL;
	*len = 0;
	for (;;) {
		want = SOURCE_BLOCK;
		if (*len + want > max + 1)
			want = max + 1 - *len;
		grow(buf, &cap, *len + want + 1);
		if (want == 0)
			break;
		if ((r = read_full(fd, *buf + *len, want)) == -1) {
			diag_at(d, path, 0, "read error: %s", strerror(errno));
			break;
		}
		*len += (size_t)r;
		if ((size_t)r < want)
			break;
	}
	grow(buf, &cap, *len + 1);
	(*buf)[*len] = '\0';
	return 0;
}

/* Inflates a whole gzip buffer (possibly several members). */
static void
gunzip(const char *path, char **buf, size_t *len, size_t max,
    struct diag *d)
{
	z_stream	 z;
	char		*out = NULL;
	size_t		 cap = 0, olen = 0;
	int		 rc = Z_OK;

	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 15 + 32) != Z_OK) {
		diag_at(d, path, 0, "cannot start gzip decoder");
		return;
	}
	z.next_in = (unsigned char *)*buf;
	z.avail_in = (uInt)*len;
	while (z.avail_in > 0 || rc == Z_OK) {
		grow(&out, &cap, olen + SOURCE_BLOCK + 1);
		z.next_out = (unsigned char *)out + olen;
		z.avail_out = (uInt)SOURCE_BLOCK;
		rc = inflate(&z, Z_NO_FLUSH);
		olen = (size_t)((char *)z.next_out - out);
		if (olen > max) {
			diag_at(d, path, 0, "decompressed data larger than "
			    "%zu MiB; the rest is ignored", max >> 20);
			olen = max;
			break;
		}
		if (rc == Z_STREAM_END) {
			if (z.avail_in == 0)
				break;
			/* another gzip member follows */
			if (inflateReset(&z) != Z_OK)
				break;
			rc = Z_OK;
			continue;
		}
		if (rc == Z_BUF_ERROR && z.avail_in == 0) {
			diag_at(d, path, 0, "gzip data truncated after %zu "
			    "bytes of text; keeping what was read", olen);
			break;
		}
		if (rc != Z_OK) {
			diag_at(d, path, 0, "gzip data corrupt after %zu "
			    "bytes of text (%s); keeping what was read", olen,
			    z.msg ? z.msg : "inflate error");
			break;
		}
	}
	inflateEnd(&z);
	grow(&out, &cap, olen + 1);
	out[olen] = '\0';
	free(*buf);
	*buf = out;
	*len = olen;
}

int
source_slurp(const char *path, size_t max, char **buf, size_t *len,
    struct diag *d)
{
	int		fd;
	struct stat	st;

	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_NOCTTY)) == -1) {
		diag_at(d, path, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		diag_at(d, path, 0, "is a directory");
		if (fd != STDIN_FILENO)
			close(fd);
		return -1;
	}
	slurp_fd(fd, path, max, buf, len, d);
	if (fd != STDIN_FILENO)
		close(fd);
	if (source_is_gzip((unsigned char *)*buf, *len))
		gunzip(path, buf, len, max, d);
	else if (*len > max) {
		diag_at(d, path, 0, "input larger than %zu MiB; the rest is "
		    "ignored", max >> 20);
		*len = max;
		(*buf)[*len] = '\0';
	}
	return 0;
}
