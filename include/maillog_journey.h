/*
 * maillog_journey.h - the joiner's state, shared by the files of the
 * joiner only: maillog_journey.c (the table of queue ids, feeding) and
 * maillog_emit.c (records made of a journey or a rejection).  Everyone
 * else uses the functions of maillog.h.
 *
 * A queue id (struct mq) has its sender, message-id and the lines they
 * came from, and the journeys (struct jr) of its failing recipients; a
 * journey has its attempts, each with its line, status, time and text.
 * Every string is the joiner's own copy: the block a line was read in is
 * reused.
 */
#ifndef BOUNCEDOC_MAILLOG_JOURNEY_H
#define BOUNCEDOC_MAILLOG_JOURNEY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "maillog.h"
#include "record.h"

#define NOTES_MAX	8
#define CONTEXT_MAX	4096			/* bytes of copied lines */
#define ATTEMPTS_MAX	100	/* kept per journey: the first and last */
#define ATTEMPTS_FIRST	10

struct attempt {
	enum maillog_status	 st;
	unsigned long		 line;
	off_t			 off;
	size_t			 len;
	char			*stamp;
	char			*text;
	char			*copy;		/* the line, if not seekable */
	char			 dsn[12];
};

struct jr {
	struct jr		*next;
	struct mq		*m;		/* its queue id */
	uint64_t		 hash;		/* in the open table */
	size_t			 dropped;	/* attempts left out */
	char			*rcpt;
	char			*orig;
	char			*relay;
	char			*delays;
	struct attempt		*v;
	size_t			 n, cap;
	enum maillog_status	 final;		/* ST_NONE while open */
};

struct ref {
	unsigned long		 line;
	off_t			 off;
	size_t			 len;
	char			*copy;
};

/* A short string kept in place (no allocation), longer ones on the heap. */
#define ISTR_MAX	88
struct istr {
	char			*p;		/* buf, heap or NULL */
	char			 buf[ISTR_MAX];
};

struct mq {
	uint64_t		 hash;
	struct mq		*next_free;
	char			 qid[32];
	size_t			 qlen;
	struct istr		 sender;
	struct istr		 msgid;
	struct ref		 sref, mref;	/* sender and message-id lines */
	struct ref		 notes[NOTES_MAX];
	size_t			 nnotes;
	struct jr		*journeys;
	size_t			 nended;	/* of journeys */
	unsigned long		 last;		/* line last seen */
};

/* The open journeys by queue id and recipient (open addressing). */
struct open_slot {
	uint64_t		 hash;
	struct jr		*r;
};

struct maillog_journey {
	const char		*name;		/* the caller's */
	int			 seekable;
	const struct maillog_sink *out;
	struct qslot {			/* open addressing */
		uint64_t	 hash;		/* read first */
		struct mq	*m;
	}			*tab;
	size_t			 cap, count, limit;
	struct mq		*pool;		/* freed, for reuse */
	struct open_slot	*open;
	size_t			 opencap, nopen;
	/* what the records handed out borrow */
	struct record_attempt	*att;
	size_t			 attcap;
	struct record_line	*lines;
	size_t			 linecap;
	char			*scratch;
	size_t			 scratchcap;
	char			 host[256];
	char			 ctx[CONTEXT_MAX + 1];
	char			 note[128];
};

/*
 * Hand out, as a record that borrows every string and array from the
 * joiner (maillog.h), the journey jr of m; the rejection l (its line
 * lineno at offset off, p[0..n)), with sender the sender of its queue id
 * when the line names none (NULL if unknown).
 */
void	maillog_emit_journey(struct maillog_journey *j, struct mq *m,
	    const struct jr *jr);
void	maillog_emit_reject(struct maillog_journey *j,
	    const struct maillog_line *l, const char *sender,
	    unsigned long lineno, off_t off, const char *p, size_t n);

#endif
