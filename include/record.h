/*
 * record.h - one failed (or delayed) delivery to one recipient.
 *
 * The readers (message.c for bounce messages, maillog.c for mail logs)
 * produce records into a struct recset; the views only read them.  Short
 * fields are small owned copies; the text of a whole message or log is
 * never copied here (the TUI re-reads what it shows, by offset, or keeps
 * the short context string).
 */
#ifndef BOUNCEDOC_RECORD_H
#define BOUNCEDOC_RECORD_H

#include <stddef.h>
#include <sys/types.h>

#include "diagnosis.h"
#include "findings.h"

/* One delivery attempt of a log journey (deferred, deferred, bounced…). */
struct record_attempt {
	char		*time;		/* as in the log, or NULL */
	unsigned long	 line;
	char		*action;	/* "delayed", "failed", … */
	char		*diagnostic;	/* or NULL */
	char		 reply[4];
	char		 status[12];
	/* appended for mail logs: where the line is in the source text (to
	 * read it again, see record.lines) and the MTA's own dsn= */
	off_t		 offset;
	size_t		 length;
	char		 dsn[12];
};

/* A source line of a log journey (record.lines). */
struct record_line {
	unsigned long	 line;		/* 1-based */
	off_t		 offset;	/* in the source text (after gunzip) */
	size_t		 length;	/* without the newline */
};

struct record {
	/* where it came from */
	const char	*source;	/* file name (interned in the set) */
	unsigned long	 line;		/* line of the diagnostic, 1-based */
	off_t		 offset;	/* start of the unit in the source */
	size_t		 length;	/* bytes of the unit */

	/* findings */
	char		*recipient;	/* or NULL */
	char		*original_recipient;
	char		*sender;
	char		*remote_host;
	char		*diagnostic;	/* the reply, unfolded, or NULL */
	char		*action;	/* failed, delayed, delivered, expired… */
	char		*time;		/* ISO 8601 when known, else as found */
	char		*queue_id;
	char		*subject;	/* of the original message */
	char		*message_id;
	char		*relay;
	char		*delays;
	char		 reply[4];	/* "550" or "" */
	char		 status[12];	/* "5.1.1" or "" */
	enum findings_phase phase;
	/* the codes inside diagnostic, for highlighting */
	struct findings	 findings;

	/* the diagnosis */
	struct diagnosis diagnosis;

	/* what a view shows as the source: the journey's log lines or the
	 * bounce's relevant part (may be NULL when not kept) */
	char		*context;
	/* log journeys: every attempt, oldest first */
	struct record_attempt *attempts;
	size_t		 nattempts;
	/* limits hit while reading this record ("MIME nesting too deep") */
	char		*note;

	/* appended for mail logs: every line of the journey (sender,
	 * attempts, notices), oldest first.  When seekable is set the source
	 * is a regular uncompressed file and a view reads the lines again
	 * with source_reread(source, offset, length); otherwise context
	 * holds a short copy of them. */
	struct record_line *lines;
	size_t		 nlines;
	int		 seekable;
};

struct recset {
	struct record	*v;
	size_t		 n;
	size_t		 cap;
	char		**names;	/* interned source names, owned */
	size_t		 nnames;
};

void		 recset_init(struct recset *rs);
void		 recset_release(struct recset *rs);
/* Appends a zeroed record and returns it (valid until the next add). */
struct record	*recset_add(struct recset *rs);
/* Returns a stable copy of name owned by the set. */
const char	*recset_intern(struct recset *rs, const char *name);
/* Frees the fields of one record (not the record itself). */
void		 record_release(struct record *r);

/*
 * Fills r->findings, r->reply, r->status (unless already set), r->phase
 * (unless set) and r->diagnosis from r->diagnostic.  Readers call it once
 * per record after setting the diagnostic and any codes they found in
 * structured fields (Status:, dsn=).
 */
void		 record_diagnose(struct record *r, const struct kb *kb);
/*
 * record_diagnose()'s steps, for a reader that diagnoses its own way (the
 * log cache): record_codes() sets r's codes from r->findings where unset
 * and gives in *f the codes to diagnose with (the structured ones win);
 * record_limit_note() is the note a diagnosis that hit a match limit adds
 * to r's (NULL if none; caller frees).
 */
void		 record_codes(struct record *r, struct findings *f);
/* A reply code as a record keeps it: "550" into buf; "" for none (0, or
 * not three digits). */
void		 record_reply_text(char buf[4], int reply);
char		*record_limit_note(const struct record *r);

#endif
