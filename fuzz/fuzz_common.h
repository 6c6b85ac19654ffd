/*
 * fuzz_common.h - what the fuzz harnesses share: the built-in knowledge
 * base, loaded once, and the check that text output holds no byte a
 * terminal would act on.
 */
#ifndef BOUNCEDOC_FUZZ_COMMON_H
#define BOUNCEDOC_FUZZ_COMMON_H

#include <stddef.h>
#include <stdlib.h>

#include "diag.h"
#include "kb.h"

/* The built-in knowledge base, loaded on first use and kept. */
static inline struct kb *
fuzz_builtin_kb(void)
{
	static struct kb	*kb;
	struct diag		 d;

	if (kb == NULL) {
		kb = kb_new();
		diag_init(&d);
		kb_load_builtin(kb, &d);
		diag_release(&d);
	}
	return kb;
}

/* Text output: tab and newline are the only control bytes allowed, and
 * no C1 control written as UTF-8; aborts otherwise. */
static inline void
fuzz_check_safe(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if ((p[i] < 0x20 && p[i] != '\n' && p[i] != '\t') ||
		    p[i] == 0x7f)
			abort();
		if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 &&
		    p[i + 1] < 0xa0)
			abort();
	}
}

#endif
