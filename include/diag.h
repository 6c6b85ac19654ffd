/*
 * diag.h - messages about bad input, collected by the stages.
 *
 * Stages never print and never exit: they append one complete message per
 * problem ("FILE:LINE: what is wrong") to the caller's struct diag and go
 * on.  main.c prints them as "bouncedoc: MESSAGE" through the sanitizer, so
 * bytes quoted from the input cannot reach the terminal raw.
 */
#ifndef BOUNCEDOC_DIAG_H
#define BOUNCEDOC_DIAG_H

#include <stddef.h>

struct diag {
	char		**msg;	/* owned; each owned */
	size_t		  n;
	size_t		  cap;
	size_t		  printed;	/* messages already shown by diag_flush() */
};

void	diag_init(struct diag *d);
void	diag_release(struct diag *d);
/* Appends "FMT…". */
void	diag_add(struct diag *d, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Moves the messages of from to the end of to; from is left empty (and
 * initialised). */
void	diag_move(struct diag *to, struct diag *from);
/* Appends "FILE:LINE: FMT…" (line 0: "FILE: FMT…"). */
void	diag_at(struct diag *d, const char *file, unsigned long line,
	    const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
/* Writes the messages not yet shown to fd 2 as "bouncedoc: MSG", made safe
 * with esc_text(); returns how many were written. */
size_t	diag_flush(struct diag *d);

#endif
