/*
 * source.c - read input bytes from a path, stdin or a gzip stream.
 *
 * Input files are opened O_RDONLY and never written.  Whether a file is
 * gzip is decided by its first two bytes (RFC 1952 s2.3.1: 1f 8b), so a
 * renamed .gz still works and a ".gz" that is not gzip is read as text.
 *
 * The source_stream functions hand an input out in blocks through the
 * caller's buffer, inflating gzip as they go, so a log of gigabytes is
 * read with a fixed amount of memory; source_slurp() reads a whole
 * (small) input into memory through them.  A large regular file may
 * instead be mapped, a window at a time (source_map()).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

static void
grow(char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return;
	while (*cap < need)
		*cap = *cap ? *cap * 2 : SOURCE_BLOCK;
	*buf = xreallocarray(*buf, *cap, 1);
}

/* ------------------------------------------------------------ streaming */

#define SOURCE_INBUF	((size_t)1 << 17)

struct source_stream {
	int		 fd;
	int		 own_fd;
	int		 regular;
	char		*name;
	struct diag	*d;
	int		 started;	/* first bytes looked at (gzip?) */
	int		 gz;
	int		 zend;		/* current gzip member ended */
	int		 raw_eof;	/* the descriptor said end of file */
	int		 done;		/* end of input or error reported */
	z_stream	 z;
	unsigned char	*in;		/* raw bytes for zlib */
	size_t		 inlen;		/* raw bytes not yet given to zlib */
	char		*look;		/* peeked text not yet consumed */
	size_t		 lookoff, looklen, lookcap;
	unsigned long long out;		/* text bytes produced */
	/* mapping (source_map()): the window being handed out, where it
	 * starts in the file and where the next byte is */
	struct source_window *win;
	off_t		 winoff, mapoff;
	int		 mapping;	/* 1 begun, -1 never (read(2)) */
	atomic_int	 shrunk;	/* a window hit the file's end */
	int		 shrunk_told;
};

static struct source_stream *
stream_new(int fd, int own, const char *name, struct diag *d)
{
	struct source_stream	*s = xcalloc(1, sizeof *s);
	struct stat		 st;

	s->fd = fd;
	s->own_fd = own;
	s->name = xstrdup(name);
	s->d = d;
	s->regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	return s;
}

/* ------------------------------------------------------------ mapping */

/*
 * A large regular file is read fastest mapped: the reader gets pointers
 * into windows of SOURCE_WINDOW bytes of the page cache instead of a
 * copy of every byte (that copy is a fifth of the time of a summary).
 * A window is unmapped when the stream has moved on and every chunk
 * handed out of it is given back (source_unmap()), so a few windows at
 * most are mapped, whatever the size of the file.
 *
 * A mapped file that gets shorter while it is read (logrotate's
 * copytruncate) raises SIGBUS at the first access past its new end,
 * which would kill the process.  The handler maps zero pages over the
 * rest of the window the address falls in and marks it: the rest reads
 * as NUL bytes (no log line), and the stream says once that the file got
 * shorter.  A SIGBUS elsewhere goes to the action there was before (by
 * default the process dies, as it would have).
 */
#define SOURCE_WINDOW	((size_t)8 << 20)
#define GUARD_SLOTS	64		/* windows mapped at once, at most */

struct source_window {
	struct source_stream	*s;
	char			*base;
	size_t			 len;
	atomic_int		 refs;
	int			 slot;		/* in guard[] */
};

static struct {
	_Atomic uintptr_t	base;		/* 0: free */
	_Atomic size_t		len;
	atomic_int		shrank;
} guard[GUARD_SLOTS];
static struct sigaction	guard_old;
static long		guard_page;
static pthread_once_t	guard_once = PTHREAD_ONCE_INIT;

static void
guard_bus(int sig, siginfo_t *si, void *ctx)
{
	uintptr_t		a = (uintptr_t)si->si_addr, b, pg;
	size_t			n;
	struct sigaction	dfl;
	int			i;

	for (i = 0; i < GUARD_SLOTS; i++) {
		b = atomic_load(&guard[i].base);
		n = atomic_load(&guard[i].len);
		if (b == 0 || a < b || a - b >= n)
			continue;
		pg = a & ~(uintptr_t)(guard_page - 1);
		if (mmap((void *)pg, b + n - pg, PROT_READ, MAP_PRIVATE |
		    MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
			atomic_store(&guard[i].shrank, 1);
			return;		/* the access is made again: zeros */
		}
	}
	if ((guard_old.sa_flags & SA_SIGINFO) &&
	    guard_old.sa_sigaction != NULL) {
		guard_old.sa_sigaction(sig, si, ctx);
		return;
	}
	if (!(guard_old.sa_flags & SA_SIGINFO) &&
	    guard_old.sa_handler != SIG_DFL &&
	    guard_old.sa_handler != SIG_IGN) {
		guard_old.sa_handler(sig);
		return;
	}
	/* the default action, at the access made again */
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGBUS, &dfl, NULL);
}

static void
guard_install(void)
{
	struct sigaction	sa;

	if ((guard_page = sysconf(_SC_PAGESIZE)) <= 0)
		return;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = guard_bus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &guard_old) == -1)
		guard_page = 0;
}

/* A guard slot for [base, base + len), or -1 if all are taken. */
static int
guard_add(char *base, size_t len)
{
	uintptr_t	free_;
	int		i;

	for (i = 0; i < GUARD_SLOTS; i++) {
		free_ = 0;
		if (atomic_compare_exchange_strong(&guard[i].base, &free_,
		    (uintptr_t)base)) {
			atomic_store(&guard[i].shrank, 0);
			atomic_store(&guard[i].len, len);
			return i;
		}
	}
	return -1;
}

/* Whether the file got shorter under the stream: said once. */
static void
tell_shrunk(struct source_stream *s)
{
	if (!atomic_load(&s->shrunk) || s->shrunk_told)
		return;
	s->shrunk_told = 1;
	diag_at(s->d, s->name, 0, "got shorter while it was read; what was "
	    "past its new end reads as NUL bytes");
}

void
source_unmap(struct source_window *w)
{
	if (w == NULL || atomic_fetch_sub(&w->refs, 1) != 1)
		return;
	if (atomic_load(&guard[w->slot].shrank))
		atomic_store(&w->s->shrunk, 1);
	atomic_store(&guard[w->slot].len, 0);
	munmap(w->base, w->len);
	atomic_store(&guard[w->slot].base, 0);
	free(w);
}

/* A new window of the stream at its mapping offset: 0 at the end of the
 * file, -1 if it cannot be mapped. */
static int
map_window(struct source_stream *s)
{
	struct source_window	*w;
	struct stat		 st;
	off_t			 at;
	size_t			 len;
	char			*m;

	if (fstat(s->fd, &st) == -1)
		return -1;
	if (s->mapoff >= st.st_size)
		return 0;
	at = s->mapoff & ~(off_t)(guard_page - 1);
	len = (uintmax_t)(st.st_size - at) < SOURCE_WINDOW ?
	    (size_t)(st.st_size - at) : SOURCE_WINDOW;
	if ((m = mmap(NULL, len, PROT_READ, MAP_SHARED, s->fd, at)) ==
	    MAP_FAILED)
		return -1;
	w = xcalloc(1, sizeof *w);
	if ((w->slot = guard_add(m, len)) == -1) {
		munmap(m, len);
		free(w);
		return -1;
	}
	w->s = s;
	w->base = m;
	w->len = len;
	atomic_init(&w->refs, 1);		/* the stream's */
	if (s->win != NULL)
		source_unmap(s->win);
	s->win = w;
	s->winoff = at;
	return 1;
}

size_t
source_map(struct source_stream *s, size_t max, const char **p,
    struct source_window **w)
{
	struct stat	st;
	size_t		n;
	int		rc;

	*w = NULL;
	if (s->mapping < 0 || max == 0)
		return (size_t)-1;
	if (!s->mapping) {
		/* only a regular file read from its descriptor as it is */
		if (!s->regular || !s->started || s->gz || s->done ||
		    s->looklen > s->lookoff || s->inlen > 0)
			return (size_t)-1;
		pthread_once(&guard_once, guard_install);
		if (guard_page <= 0 || fstat(s->fd, &st) == -1 ||
		    st.st_size == 0 ||	/* /proc: the size says nothing */
		    (s->mapoff = lseek(s->fd, 0, SEEK_CUR)) == -1) {
			s->mapping = -1;
			return (size_t)-1;
		}
		s->mapping = 1;
	}
	if (s->win != NULL && atomic_load(&guard[s->win->slot].shrank)) {
		/* the file got shorter: the rest of the window is zeros */
		atomic_store(&s->shrunk, 1);
		s->done = 1;
	}
	tell_shrunk(s);
	if (s->done)
		return 0;
	if (s->win == NULL || s->mapoff >= s->winoff + (off_t)s->win->len) {
		if ((rc = map_window(s)) == 0) {
			s->done = 1;
			return 0;
		}
		if (rc == -1) {
			/* read(2) goes on from the same place */
			s->mapping = -1;
			return (size_t)-1;
		}
	}
	n = (size_t)(s->winoff + (off_t)s->win->len - s->mapoff);
	if (n > max)
		n = max;
	*p = s->win->base + (s->mapoff - s->winoff);
	atomic_fetch_add(&s->win->refs, 1);
	*w = s->win;
	s->mapoff += (off_t)n;
	s->out += n;
	/* the descriptor stays where read(2) would have left it */
	lseek(s->fd, s->mapoff, SEEK_SET);
	return n;
}

struct source_stream *
source_open_fd(int fd, const char *name, struct diag *d)
{
	struct stat	st;

	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		diag_at(d, name, 0, "is a directory");
		return NULL;
	}
	return stream_new(fd, 0, name, d);
}

struct source_stream *
source_open_mem(const char *name, const char *buf, size_t len,
    struct diag *d)
{
	struct source_stream	*s = xcalloc(1, sizeof *s);

	s->fd = -1;
	s->name = xstrdup(name);
	s->d = d;
	s->started = s->done = s->raw_eof = 1;
	s->look = xmalloc(len + 1);
	memcpy(s->look, buf, len);
	s->looklen = len;
	s->lookcap = len + 1;
	return s;
}

struct source_stream *
source_open(const char *path, struct diag *d)
{
	struct source_stream	*s;
	int			 fd;

	if (strcmp(path, "-") == 0)
		return source_open_fd(STDIN_FILENO, path, d);
	/* a FIFO is read as cat(1) reads it: the open waits for a writer
	 * (the TUI is up meanwhile), then its data is read as it comes */
	if ((fd = open(path, O_RDONLY | O_NOCTTY)) == -1) {
		diag_at(d, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if ((s = source_open_fd(fd, path, d)) == NULL) {
		close(fd);
		return NULL;
	}
	s->own_fd = 1;
	return s;
}

void
source_close(struct source_stream *s)
{
	if (s == NULL)
		return;
	if (s->win != NULL)
		source_unmap(s->win);
	tell_shrunk(s);
	if (s->gz)
		inflateEnd(&s->z);
	if (s->own_fd)
		close(s->fd);
	free(s->in);
	free(s->look);
	free(s->name);
	free(s);
}

int
source_seekable(const struct source_stream *s)
{
	return s->regular && !s->gz;
}

int
source_regular(const struct source_stream *s)
{
	return s->regular;
}

struct diag *
source_set_diag(struct source_stream *s, struct diag *d)
{
	struct diag	*old = s->d;

	s->d = d;
	return old;
}

/* One read(2) of raw bytes; 0 at end of file or after a reported error. */
static size_t
raw_read(struct source_stream *s, void *buf, size_t n)
{
	ssize_t	r;

	if (s->raw_eof)
		return 0;
	while ((r = read(s->fd, buf, n)) == -1 && errno == EINTR)
		continue;
	if (r == -1)
		diag_at(s->d, s->name, 0, "read error after %llu bytes: %s",
		    s->out, strerror(errno));
	if (r <= 0) {
		s->raw_eof = 1;
		return 0;
	}
	return (size_t)r;
}

/* Reads the first raw bytes and decides whether the input is gzip. */
static void
start(struct source_stream *s)
{
	s->started = 1;
	s->in = xmalloc(SOURCE_INBUF);
	while (s->inlen < 2 && !s->raw_eof)
		s->inlen += raw_read(s, s->in + s->inlen, SOURCE_INBUF -
		    s->inlen);
	if (!source_is_gzip(s->in, s->inlen))
		return;
	memset(&s->z, 0, sizeof s->z);
	if (inflateInit2(&s->z, 15 + 16) != Z_OK) {
		diag_at(s->d, s->name, 0, "cannot start gzip decoder");
		s->done = 1;
		return;
	}
	s->gz = 1;
	s->z.next_in = s->in;
	s->z.avail_in = (uInt)s->inlen;
}

/* Decides what follows a gzip member: another member, padding or junk. */
static int
next_member(struct source_stream *s)
{
	size_t	i;

	if (s->z.avail_in < 2 && !s->raw_eof) {
		memmove(s->in, s->z.next_in, s->z.avail_in);
		s->z.next_in = s->in;
		s->z.avail_in += (uInt)raw_read(s, s->in + s->z.avail_in,
		    SOURCE_INBUF - s->z.avail_in);
	}
	if (s->z.avail_in == 0)
		return 0;
	if (source_is_gzip(s->z.next_in, s->z.avail_in)) {
		s->zend = 0;
		return inflateReset(&s->z) == Z_OK;
	}
	for (i = 0; i < s->z.avail_in; i++)
		if (s->z.next_in[i] != 0)
			break;
	if (i < s->z.avail_in)
		diag_at(s->d, s->name, 0, "junk after gzip data after %llu "
		    "bytes of text; ignored", s->out);
	return 0;
}

/* Inflates into buf; returns bytes produced, 0 at the end. */
static size_t
inflate_some(struct source_stream *s, char *buf, size_t n)
{
	int	rc;

	for (;;) {
		if (s->zend && !next_member(s))
			return 0;
		if (s->z.avail_in == 0) {
			s->z.next_in = s->in;
			s->z.avail_in = (uInt)raw_read(s, s->in, SOURCE_INBUF);
		}
		s->z.next_out = (unsigned char *)buf;
		s->z.avail_out = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
		rc = inflate(&s->z, Z_NO_FLUSH);
		n = (size_t)((char *)s->z.next_out - buf);
		if (rc == Z_STREAM_END)
			s->zend = 1;
		else if (rc == Z_BUF_ERROR && s->z.avail_in == 0 &&
		    s->raw_eof) {
			diag_at(s->d, s->name, 0, "gzip data truncated after "
			    "%llu bytes of text; keeping what was read",
			    s->out + n);
			s->done = 1;
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			diag_at(s->d, s->name, 0, "gzip data corrupt after "
			    "%llu bytes of text (%s); keeping what was read",
			    s->out + n, s->z.msg ? s->z.msg : "inflate error");
			s->done = 1;
		}
		if (n > 0 || s->done)
			return n;
	}
}

/* Produces text from the descriptor (not the look-ahead). */
static size_t
produce(struct source_stream *s, char *buf, size_t n)
{
	size_t	k;

	if (!s->started)
		start(s);
	if (s->done || n == 0)
		return 0;
	if (s->gz)
		k = inflate_some(s, buf, n);
	else if (s->inlen > 0) {
		k = s->inlen < n ? s->inlen : n;
		memcpy(buf, s->in, k);
		memmove(s->in, s->in + k, s->inlen - k);
		s->inlen -= k;
	} else
		k = raw_read(s, buf, n);
	if (k == 0)
		s->done = 1;
	s->out += k;
	return k;
}

size_t
source_read(struct source_stream *s, char *buf, size_t n)
{
	size_t	k;

	if (s->looklen > s->lookoff) {
		k = s->looklen - s->lookoff;
		if (k > n)
			k = n;
		memcpy(buf, s->look + s->lookoff, k);
		s->lookoff += k;
		return k;
	}
	return produce(s, buf, n);
}

size_t
source_peek(struct source_stream *s, size_t want, const char **p)
{
	size_t	k;

	if (s->lookoff > 0) {
		memmove(s->look, s->look + s->lookoff, s->looklen - s->lookoff);
		s->looklen -= s->lookoff;
		s->lookoff = 0;
	}
	grow(&s->look, &s->lookcap, want + 1);
	while (s->looklen < want) {
		k = produce(s, s->look + s->looklen, want - s->looklen);
		if (k == 0)
			break;
		s->looklen += k;
	}
	*p = s->look;
	return s->looklen < want ? s->looklen : want;
}

void
source_read_all(struct source_stream *s, size_t max, char **buf,
    size_t *len)
{
	size_t	cap = 0, k;

	*buf = NULL;
	*len = 0;
	for (;;) {
		grow(buf, &cap, *len + SOURCE_BLOCK + 1);
		k = source_read(s, *buf + *len, cap - *len - 1);
		if (k == 0)
			break;
		*len += k;
		if (*len > max) {
			diag_at(s->d, s->name, 0, "input larger than %zu MiB; "
			    "the rest is ignored", max >> 20);
			*len = max;
			break;
		}
	}
	(*buf)[*len] = '\0';
}

int
source_slurp(const char *path, size_t max, char **buf, size_t *len,
    struct diag *d)
{
	struct source_stream	*s;

	if ((s = source_open(path, d)) == NULL)
		return -1;
	source_read_all(s, max, buf, len);
	source_close(s);
	return 0;
}

char *
source_reread(const char *path, off_t off, size_t len, size_t *got,
    struct diag *d)
{
	char	*buf;
	ssize_t	 r;
	size_t	 n = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_NOCTTY)) == -1) {
		diag_at(d, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	buf = xmalloc(len + 1);
	while (n < len) {
		r = pread(fd, buf + n, len - n, off + (off_t)n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			diag_at(d, path, 0, "read error: %s", strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*got = n;
	return buf;
}
