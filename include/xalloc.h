/*
 * xalloc.h - allocation that never returns NULL.
 *
 * Running out of memory ends the program inside these functions, after the
 * terminal has been restored (see xalloc_set_fatal_hook()).  Everything else
 * in bouncedoc may therefore treat allocation as infallible.
 */
#ifndef BOUNCEDOC_XALLOC_H
#define BOUNCEDOC_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	*xmalloc(size_t size);
void	*xcalloc(size_t nmemb, size_t size);
/* Grows an array of nmemb elements of size bytes; overflow is fatal. */
void	*xreallocarray(void *ptr, size_t nmemb, size_t size);
char	*xstrdup(const char *s);
/* Copies len bytes and adds a NUL; caller frees. */
char	*xstrndup(const char *s, size_t len);
/* printf into a new string; caller frees. */
char	*xasprintf(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* The same with a va_list (ap is left as it was given: va_copy). */
char	*xvasprintf(const char *fmt, va_list ap)
	    __attribute__((format(printf, 1, 0)));

/* Called before the program exits on a fatal error (e.g. to end curses). */
void	 xalloc_set_fatal_hook(void (*hook)(void));
/* Prints "bouncedoc: MESSAGE", runs the hook and exits with status 2. */
void	 xalloc_fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
