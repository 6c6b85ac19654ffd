/*
 * input.h - turn the paths on the command line into records.
 *
 * A path is a file, a directory (maildir, or a folder of .eml files,
 * walked in name order), or "-" for stdin.  Each file's kind is sniffed
 * from its first bytes (after gunzip): a mail log (Postfix, Exim,
 * Sendmail lines), an mbox, a single message, or - failing all - plain
 * text, where each line holding a reply code becomes a record.
 */
#ifndef BOUNCEDOC_INPUT_H
#define BOUNCEDOC_INPUT_H

#include "diag.h"
#include "kb.h"
#include "maillog.h"
#include "record.h"

enum input_kind {
	INPUT_TEXT = 0,
	INPUT_MESSAGE,
	INPUT_MBOX,
	INPUT_LOG,
};

/* Guesses the kind of buf[0..len). */
enum input_kind	input_sniff(const char *buf, size_t len);

/*
 * Reads path and appends its records to rs, diagnosed with kb.  Problems
 * go to d.  Returns 0, or -1 if the path could not be read at all.
 */
int	input_load(const char *path, struct recset *rs, const struct kb *kb,
	    struct diag *d);

/*
 * Like input_load(), but lends each record to sink->record() as soon as
 * it is read instead of keeping them all: a mail log of any size is read
 * in bounded memory.  The record is valid only during the call; the sink
 * copies what it keeps (maillog_record_own() copies a record's strings).
 * A lean sink gets the records of a mail log without their sender and
 * message-id.  Records of other inputs come once their file is read.
 * Returns 0, or -1 if the path could not be read at all.
 */
int	input_each(const char *path, const struct kb *kb,
	    const struct maillog_sink *sink, struct diag *d);

/*
 * Like input_load() for bytes already in memory (a pasted bounce): sniffs
 * buf[0..len) and hands it to the reader for its kind.  name labels the
 * records ("(pasted)").
 */
void	input_load_buffer(const char *name, const char *buf, size_t len,
	    struct recset *rs, const struct kb *kb, struct diag *d);

/* The plain-text reader: one record per line that holds a reply code or
 * enhanced status.  name labels the records.  Of a line longer than
 * INPUT_LINE_MAX only the start is read; the first such line of a text is
 * reported into d and its record has a note. */
#define INPUT_LINE_MAX	((size_t)1 << 20)
void	input_read_text(const char *name, const char *buf, size_t len,
	    struct recset *rs, const struct kb *kb, struct diag *d);

#endif
