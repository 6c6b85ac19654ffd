/*
 * fuzz_message.c - libFuzzer harness of the bounce-message reader.
 *
 * Input: any bytes, read as one message (message_read(): MIME, RFC 3464
 * reports, the human-readable text) and, when the kind sniffed is
 * another, the way the program would read the file (input_load_buffer():
 * mbox, plain text, logs).  The records are then shown by every
 * non-interactive view into memory, and the output is checked: the text
 * views and the JSON hold no byte a terminal acts on (ESC, CSI as C1,
 * BEL, BS, other C0 but newline), whatever the input held.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "group.h"
#include "input.h"
#include "kb.h"
#include "message.h"
#include "record.h"
#include "view_json.h"
#include "view_report.h"
#include "view_text.h"

#include "fuzz_common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_record(const struct record *r)
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

static void
show(const struct recset *rs)
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
		check_record(&rs->v[i]);
		view_text_record(fp, &rs->v[i], &o);
		view_json_record(fp, &rs->v[i]);
	}
	view_json_summary(fp, rs, &t);
	group_release(&t);
	fclose(fp);
	fuzz_check_safe(buf, len);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*buf = (const char *)data;
	struct recset	 rs;
	struct diag	 d;

	recset_init(&rs);
	diag_init(&d);
	message_read("fuzz.eml", buf, size, &rs, fuzz_builtin_kb(), &d);
	if (input_sniff(buf, size) != INPUT_MESSAGE)
		input_load_buffer("fuzz", buf, size, &rs, fuzz_builtin_kb(), &d);
	show(&rs);
	recset_release(&rs);
	diag_release(&d);
	return 0;
}
