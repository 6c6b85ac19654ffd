/*
 * fuzz_common.h - what the fuzz harnesses share: the built-in knowledge
 * base, loaded once, the check that text output holds no byte a terminal
 * would act on, and showing records by every view.
 */
#ifndef BOUNCEDOC_FUZZ_COMMON_H
#define BOUNCEDOC_FUZZ_COMMON_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "group.h"
#include "kb.h"
#include "record.h"
#include "view_json.h"
#include "view_report.h"
#include "view_text.h"

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

/* What every record must hold, whatever the input: aborts otherwise. */
static inline void
fuzz_check_record(const struct record *r)
{
	if (r->source == NULL)
		abort();
	if (memchr(r->reply, '\0', sizeof r->reply) == NULL ||
	    memchr(r->status, '\0', sizeof r->status) == NULL)
		abort();
	if (r->reply[0] != '\0' && strlen(r->reply) != 3)
		abort();
	if (r->diagnosis.narticles > DIAGNOSIS_MAX)
		abort();
}

/*
 * Shows the records by every non-interactive view into memory (the
 * report, verbose and narrow summaries, each record as text and JSON,
 * the JSON summary), checking each record and the output.
 */
static inline void
fuzz_show(const struct recset *rs)
{
	struct group_tree	 t;
	struct view_text_opts	 o;
	char			*buf = NULL;
	size_t			 len = 0, i;
	FILE			*fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		return;
	memset(&o, 0, sizeof o);
	o.width = 78;
	o.verbose = 1;
	group_build(&t, rs);
	view_report(fp, rs, &t, &o);
	view_report_summary(fp, rs, &t, &o);
	o.width = 40;
	o.verbose = 0;
	view_report_summary(fp, rs, &t, &o);
	for (i = 0; i < rs->n; i++) {
		fuzz_check_record(&rs->v[i]);
		view_text_record(fp, &rs->v[i], &o);
		view_json_record(fp, &rs->v[i]);
	}
	view_json_summary(fp, rs, &t);
	group_release(&t);
	fclose(fp);
	fuzz_check_safe(buf, len);
	free(buf);
}

#endif
