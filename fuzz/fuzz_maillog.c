/*
 * fuzz_maillog.c - libFuzzer harness of the mail-log reader.
 *
 * Input: any bytes, read as a mail log.  Each line goes through the line
 * parser (maillog_parse_line(): stamps, programs, the Postfix, Exim and
 * Sendmail fields), whose spans must lie inside the line; the whole input
 * goes through maillog_read() - the journeys joined by queue id, the
 * diagnosis cache - and the records through every view (fuzz_show()),
 * whose output must hold no byte a terminal acts on.  An input that
 * starts with the gzip magic is streamed from a file descriptor, so the
 * streaming inflater (truncated, corrupt, several members) is run too.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "diag.h"
#include "kb.h"
#include "maillog.h"
#include "record.h"
#include "source.h"

#include "fuzz_common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_span(struct maillog_span sp, const char *p, size_t n)
{
	if (sp.p == NULL)
		return;
	if (sp.p < p || sp.n > n || sp.p > p + n - sp.n)
		abort();
}

static void
parse_lines(const char *buf, size_t len)
{
	const char		*p = buf, *end = buf + len, *nl;
	struct maillog_line	 l;
	size_t			 n;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		/* the parser clears only what a line of its kind uses */
		memset(&l, 0, sizeof l);
		maillog_parse_line(p, n, &l);
		check_span(l.stamp, p, n);
		check_span(l.host, p, n);
		/* program and daemon may be constants ("exim") */
		check_span(l.msg, p, n);
		check_span(l.queue_id, p, n);
		check_span(l.recipient, p, n);
		check_span(l.orig_recipient, p, n);
		check_span(l.sender, p, n);
		check_span(l.message_id, p, n);
		check_span(l.relay, p, n);
		check_span(l.client, p, n);
		check_span(l.delays, p, n);
		check_span(l.dsn, p, n);
		check_span(l.text, p, n);
		if (nl == end)
			break;
	}
}

/* A stream of data: from memory, or (gzip) from a file descriptor. */
static struct source_stream *
open_data(const char *data, size_t size, int *fd, struct diag *d)
{
	size_t	off = 0;
	ssize_t	w;

	*fd = -1;
	if (!source_is_gzip((const unsigned char *)data, size) ||
	    (*fd = memfd_create("fuzz", 0)) == -1)
		return source_open_mem("fuzz.log", data, size, d);
	while (off < size && (w = write(*fd, data + off, size - off)) > 0)
		off += (size_t)w;
	lseek(*fd, 0, SEEK_SET);
	return source_open_fd(*fd, "fuzz.log.gz", d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*buf = (const char *)data;
	struct maillog_sink	 sink;
	struct source_stream	*s;
	struct recset		 rs;
	struct diag		 d;
	char			*key;
	size_t			 klen;
	int			 fd;

	parse_lines(buf, size);
	maillog_sniff(buf, size);
	key = maillog_cache_key(buf, size, &klen);
	if (key[klen] != '\0')
		abort();
	free(key);

	recset_init(&rs);
	diag_init(&d);
	sink.record = maillog_record_to_recset;
	sink.arg = &rs;
	sink.lean = size > 0 && (data[size - 1] & 1);	/* both ways */
	if ((s = open_data(buf, size, &fd, &d)) != NULL) {
		maillog_read(s, "fuzz.log", fuzz_builtin_kb(), &sink, &d);
		source_close(s);
	}
	if (fd != -1)
		close(fd);
	fuzz_show(&rs);
	recset_release(&rs);
	diag_release(&d);
	return 0;
}
