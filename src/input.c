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
	struct maillog_sink	 sink = { maillog_record_to_recset, rs, 0 };
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

/* What reading a path holds, freed however it ends: a reader thread may
 * be cancelled in a read (the TUI's loader). */
struct each {
	struct source_stream	*s;
	char			*buf;
	struct recset		 rs;	/* a file's records, not a log's */
};

static void
each_release(void *arg)
{
	struct each	*e = arg;

	source_close(e->s);
	free(e->buf);
	recset_release(&e->rs);
	memset(e, 0, sizeof *e);
	recset_init(&e->rs);
}

/*
 * One file: a log is streamed to sink (it may be gigabytes); anything
 * else is read whole and its records lent to sink one at a time.
 */
static int
load_file(const char *path, const struct maillog_sink *sink,
    const struct kb *kb, struct diag *d, struct each *e)
{
	const char	*name = strcmp(path, "-") == 0 ? "(stdin)" : path;
	const char	*head;
	size_t		 len, i;

	if ((e->s = source_open(path, d)) == NULL)
		return -1;
	len = source_peek(e->s, INPUT_SNIFF_BYTES, &head);
	if (input_sniff(head, len) == INPUT_LOG)
		maillog_read(e->s, name, kb, sink, d);
	else {
		source_read_all(e->s, SOURCE_SLURP_MAX, &e->buf, &len);
		input_load_buffer(name, e->buf, len, &e->rs, kb, d);
		for (i = 0; i < e->rs.n; i++)
			sink->record(&e->rs.v[i], sink->arg);
	}
	each_release(e);
	return 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of a directory in name order, its subdirectories too. */
static int
load_dir(const char *path, const struct maillog_sink *sink,
    const struct kb *kb, struct diag *d, struct each *e, int depth)
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
			load_dir(sub, sink, kb, d, e, depth + 1);
		else if (stat(sub, &st) == 0 && S_ISREG(st.st_mode))
			load_file(sub, sink, kb, d, e);
		free(sub);
		free(names[i]);
	}
	free(names);
	return 0;
}

/* A path: a directory, a file or "-". */
static int
load(const char *path, const struct maillog_sink *sink, const struct kb *kb,
    struct diag *d, struct each *e)
{
	struct stat	st;

	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		return load_dir(path, sink, kb, d, e, 0);
	return load_file(path, sink, kb, d, e);
}

int
input_each(const char *path, const struct kb *kb,
    const struct maillog_sink *sink, struct diag *d)
{
	struct each		 e;
	int			 rc;

	memset(&e, 0, sizeof e);
	recset_init(&e.rs);
	pthread_cleanup_push(each_release, &e);
	rc = load(path, sink, kb, d, &e);
	pthread_cleanup_pop(1);
	return rc;
}

int
input_load(const char *path, struct recset *rs, const struct kb *kb,
    struct diag *d)
{
	struct maillog_sink	 sink = { maillog_record_to_recset, rs, 0 };
	struct each		 e;
	int			 rc;

	memset(&e, 0, sizeof e);
	recset_init(&e.rs);
	rc = load(path, &sink, kb, d, &e);
	each_release(&e);
	return rc;
}
