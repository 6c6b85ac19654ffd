/*
 * diag.c - collect messages about bad input; print them safely.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "esc.h"
#include "xalloc.h"

void
diag_init(struct diag *d)
{
	memset(d, 0, sizeof *d);
}

void
diag_release(struct diag *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++)
		free(d->msg[i]);
	free(d->msg);
	memset(d, 0, sizeof *d);
}

static void
diag_push(struct diag *d, char *msg)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->msg = xreallocarray(d->msg, d->cap, sizeof *d->msg);
	}
	d->msg[d->n++] = msg;
}

static char	*vformat(const char *, va_list)
		    __attribute__((format(printf, 1, 0)));

static char *
vformat(const char *fmt, va_list ap)
{
	va_list	 aq;
	int	 n;
	char	*p;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return xstrdup("(unprintable message)");
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

void
diag_move(struct diag *to, struct diag *from)
{
	size_t	i;

	for (i = 0; i < from->n; i++)
		diag_push(to, from->msg[i]);
	free(from->msg);
	diag_init(from);
}

void
diag_add(struct diag *d, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	diag_push(d, vformat(fmt, ap));
	va_end(ap);
}

void
diag_at(struct diag *d, const char *file, unsigned long line,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = vformat(fmt, ap);
	va_end(ap);
	if (line > 0)
		diag_push(d, xasprintf("%s:%lu: %s", file, line, msg));
	else
		diag_push(d, xasprintf("%s: %s", file, msg));
	free(msg);
}

size_t
diag_flush(struct diag *d)
{
	size_t	 k = 0;
	char	*safe;

	fflush(stdout);
	for (; d->printed < d->n; d->printed++, k++) {
		safe = esc_text(d->msg[d->printed], strlen(d->msg[d->printed]),
		    0);
		fprintf(stderr, "bouncedoc: %s\n", safe);
		free(safe);
	}
	fflush(stderr);
	return k;
}
