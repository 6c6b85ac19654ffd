/*
 * fuzz_kb.c - libFuzzer harness of the knowledge-base parser.
 *
 * Input: any bytes, read as a user's .kb file (kb_load_text(), the path
 * of --kb-dir and --check-kb).  Bad stanzas must be reported and skipped,
 * patterns of any shape compiled or refused, and every article loaded
 * must be well formed.  The loaded patterns are then run on a few fixed
 * replies and on the input itself, under the match limits.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "findings.h"
#include "kb.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const replies[] = {
	"550 5.1.1 <a@example.com>: Recipient address rejected: User unknown",
	"421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred",
	"452 4.2.2 The email account that you tried to reach is over quota",
	"554 5.7.1 Service unavailable; Client host blocked using zen",
};

static void
check_article(const struct kb_article *a)
{
	if (a == NULL || a->id == NULL || a->file == NULL)
		abort();
	if (a->kind != KB_KIND_MATCH && a->kind != KB_KIND_STATUS &&
	    a->kind != KB_KIND_CODE)
		abort();
	if (a->kind == KB_KIND_MATCH && a->match == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct kb_article	*out[8];
	struct findings		 f;
	struct kb		*kb = kb_new();
	struct diag		 d;
	size_t			 i, n, k;

	diag_init(&d);
	kb_load_text(kb, "fuzz.kb", (const char *)data, size, &d);
	/* a message for every problem, each a complete line */
	for (i = 0; i < d.n; i++)
		if (d.msg[i] == NULL || strncmp(d.msg[i], "fuzz.kb", 7) != 0)
			abort();
	for (i = 0; i < kb_count(kb); i++) {
		check_article(kb_get(kb, i));
		if (kb_find_id(kb, kb_get(kb, i)->id) == NULL)
			abort();
	}
	for (i = 0; i < sizeof replies / sizeof replies[0]; i++) {
		findings_scan(replies[i], strlen(replies[i]), &f);
		n = kb_match(kb, replies[i], strlen(replies[i]), f.reply,
		    f.status, out, 8);
		for (k = 0; k < n; k++)
			check_article(out[k]);
		kb_status_article(kb, f.status);
		kb_code_article(kb, f.reply);
	}
	findings_scan((const char *)data, size, &f);
	kb_match(kb, (const char *)data, size, f.reply, f.status, out, 8);
	kb_free(kb);
	diag_release(&d);
	return 0;
}
