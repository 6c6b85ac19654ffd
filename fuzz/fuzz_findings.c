/*
 * fuzz_findings.c - libFuzzer harness of the code finder and the sanitizer.
 *
 * Input: any bytes, read as one diagnostic text (a log line, a DSN field,
 * a pasted reply).  Runs what every reader runs on such a text: the code
 * finder, the unfolder, the fixed-syntax parsers at each offset, the
 * diagnosis against the built-in knowledge base, and esc.c.  Checks the
 * invariants a view relies on: every span lies inside the text and the
 * primary codes are well formed; the escaped text holds no control byte.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "diagnosis.h"
#include "esc.h"
#include "findings.h"
#include "kb.h"

#include "fuzz_common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_spans(const struct findings *f, size_t len)
{
	size_t	i;

	if (f->nspans > FINDINGS_MAX_SPANS)
		abort();
	for (i = 0; i < f->nspans; i++)
		if (f->spans[i].off > len ||
		    f->spans[i].len > len - f->spans[i].off ||
		    f->spans[i].len == 0)
			abort();
	if (f->reply != 0 && (f->reply < 200 || f->reply > 599))
		abort();
	if (memchr(f->status, '\0', sizeof f->status) == NULL)
		abort();
}

/* No byte a terminal acts on may survive esc_text(). */
static void
check_safe(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	for (; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 &&
		    p[1] < 0xa0))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*text = (const char *)data;
	struct findings		 f;
	struct diagnosis	 dg;
	char			*u, *e;
	size_t			 ulen, i;

	findings_scan(text, size, &f);
	check_spans(&f, size);
	diagnosis_run(fuzz_builtin_kb(), text, size, &f, &dg);
	if (dg.narticles > DIAGNOSIS_MAX)
		abort();

	u = findings_unfold(text, size, &ulen);
	/* it only shrinks, but for NUL, which becomes U+2400 (3 bytes) */
	if (ulen > 3 * size || u[ulen] != '\0' || strlen(u) != ulen)
		abort();
	findings_scan(u, ulen, &f);
	check_spans(&f, ulen);
	free(u);

	for (i = 0; i < size && i < 64; i++) {
		if (findings_reply_len(text + i, size - i) > size - i ||
		    findings_status_len(text + i, size - i) > size - i)
			abort();
	}

	e = esc_text(text, size, 0);
	check_safe(e);
	free(e);
	return 0;
}
