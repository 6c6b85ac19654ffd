/*
 * input.c - from paths to records: walk directories, sniff each file's
 * kind, and hand its bytes to the reader for that kind.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "findings.h"
#include "input.h"
#include "kb.h"
#include "maillog.h"
#include "message.h"
#include "record.h"
#include "source.h"
#include "xalloc.h"

enum input_kind
input_sniff(const char *buf, size_t len)
{
	if (len > 5 && memcmp(buf, "From ", 5) == 0 &&
	    message_has_header(buf, len))
		return INPUT_MBOX;
	if (message_has_header(buf, len))
		return INPUT_MESSAGE;
	if (maillog_sniff(buf, len))
		return INPUT_LOG;
	/* a bounce pasted without its header */
	if (message_has_bounce_text(buf, len))
		return INPUT_MESSAGE;
	return INPUT_TEXT;
}

void
input_read_text(const char *name, const char *buf, size_t len,
    struct recset *rs, const struct kb *kb, struct diag *d)
{
	const char	*p = buf, *end = buf + len, *nl;
	unsigned long	 line = 0;
	struct findings	 f;
	struct record	*r;
	size_t		 n;
	int		 cut, told = 0;

	name = recset_intern(rs, name);
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		line++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		/* only the start of a huge line is read (said once a file) */
		if ((cut = n > INPUT_LINE_MAX)) {
			if (!told++)
				diag_at(d, name, line, "line longer than %zu "
				    "bytes; only its start is read",
				    INPUT_LINE_MAX);
			n = INPUT_LINE_MAX;
		}
		if (findings_scan(p, n, &f) > 0 && f.reply != 0) {
			r = recset_add(rs);
			r->source = name;
			r->line = line;
			r->offset = (off_t)(p - buf);
			r->length = n;
			r->diagnostic = findings_unfold(p, n, NULL);
			r->action = xstrdup(f.reply >= 500 ? "failed" :
			    f.reply >= 400 ? "delayed" : "delivered");
			if (cut)
				r->note = xasprintf("line longer than %zu "
				    "bytes; only its start is read",
				    INPUT_LINE_MAX);
			record_diagnose(r, kb);
		}
		if (nl == end)
			break;
	}
}

void
input_load_buffer(const char *name, const char *buf, size_t len,
    struct recset *rs, const struct kb *kb, struct diag *d)
{
	struct maillog_sink	 sink = { maillog_record_to_recset, rs };
	struct source_stream	*s;

	switch (input_sniff(buf, len)) {
	case INPUT_LOG:
		s = source_open_mem(name, buf, len, d);
		maillog_read(s, name, kb, &sink, d);
		source_close(s);
		break;
	case INPUT_MBOX:
		message_read_mbox(name, buf, len, rs, kb, d);
		break;
	case INPUT_MESSAGE:
		/* a headerless text that yields no bounce is plain text */
		if (message_read(name, buf, len, rs, kb, d) == 0 &&
		    !message_has_header(buf, len))
			input_read_text(name, buf, len, rs, kb, d);
		break;
	default:
		input_read_text(name, buf, len, rs, kb, d);
		break;
	}
}

/* How much of a file's start is looked at to tell its kind. */
#define INPUT_SNIFF_BYTES	((size_t)64 << 10)

static int
load_file(const char *path, struct recset *rs, const struct kb *kb,
    struct diag *d)
{
	struct maillog_sink	 sink = { maillog_record_to_recset, rs };
	struct source_stream	*s;
	const char		*name = strcmp(path, "-") == 0 ? "(stdin)" : path;
	const char		*head;
	char			*buf;
	size_t			 len;

	if ((s = source_open(path, d)) == NULL)
		return -1;
	/* a log is streamed (it may be gigabytes); the rest is read whole */
	len = source_peek(s, INPUT_SNIFF_BYTES, &head);
	if (input_sniff(head, len) == INPUT_LOG)
		maillog_read(s, name, kb, &sink, d);
	else {
		source_read_all(s, SOURCE_SLURP_MAX, &buf, &len);
		input_load_buffer(name, buf, len, rs, kb, d);
		free(buf);
	}
	source_close(s);
	return 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
load_dir(const char *path, struct recset *rs, const struct kb *kb,
    struct diag *d, int depth)
{
	DIR		*dp;
	struct dirent	*de;
	struct stat	 st;
	char		**names = NULL, *sub;
	size_t		 n = 0, i;

	if (depth > 8)
		return 0;
	if ((dp = opendir(path)) == NULL) {
		diag_at(d, path, 0, "cannot open directory: %s",
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(dp);
	if (n > 1)
		qsort(names, n, sizeof *names, cmpstr);
	for (i = 0; i < n; i++) {
		sub = xasprintf("%s/%s", path, names[i]);
		if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			load_dir(sub, rs, kb, d, depth + 1);
		else if (stat(sub, &st) == 0 && S_ISREG(st.st_mode))
			load_file(sub, rs, kb, d);
		free(sub);
		free(names[i]);
	}
	free(names);
	return 0;
}

/* Lends the records of rs to fn, one at a time, then frees them. */
static void
hand_out(struct recset *rs, void (*fn)(struct record *, void *), void *arg)
{
	size_t	i;

	for (i = 0; i < rs->n; i++)
		fn(&rs->v[i], arg);
	recset_release(rs);
}

/* What input_each() holds, freed however it ends: a reader thread may be
 * cancelled in a read (the TUI's loader). */
struct each {
	struct source_stream	*s;
	char			*buf;
	struct recset		 rs;
	int			 rc;
};

static void
each_release(void *arg)
{
	struct each	*e = arg;

	source_close(e->s);
	free(e->buf);
	recset_release(&e->rs);
}

int
input_each(const char *path, const struct kb *kb,
    void (*fn)(struct record *, void *), void *arg, struct diag *d)
{
	struct maillog_sink	 sink = { fn, arg };
	struct each		 e;
	struct stat		 st;
	const char		*name = strcmp(path, "-") == 0 ? "(stdin)" : path;
	const char		*head;
	size_t			 len;

	memset(&e, 0, sizeof e);
	recset_init(&e.rs);
	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 ||
	    !S_ISDIR(st.st_mode)) {
		if ((e.s = source_open(path, d)) == NULL)
			return -1;
	}
	pthread_cleanup_push(each_release, &e);
	if (e.s == NULL)
		e.rc = load_dir(path, &e.rs, kb, d, 0);
	else if ((len = source_peek(e.s, INPUT_SNIFF_BYTES, &head)) > 0 &&
	    input_sniff(head, len) == INPUT_LOG)
		maillog_read(e.s, name, kb, &sink, d);
	else {
		source_read_all(e.s, SOURCE_SLURP_MAX, &e.buf, &len);
		input_load_buffer(name, e.buf, len, &e.rs, kb, d);
	}
	hand_out(&e.rs, fn, arg);
	recset_init(&e.rs);
	pthread_cleanup_pop(1);
	return e.rc;
}

int
input_load(const char *path, struct recset *rs, const struct kb *kb,
    struct diag *d)
{
	struct stat	st;

	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		return load_dir(path, rs, kb, d, 0);
	return load_file(path, rs, kb, d);
}
