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
#include "input.h"
#include "kb.h"
#include "message.h"
#include "record.h"

#include "fuzz_common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

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
	fuzz_show(&rs);
	recset_release(&rs);
	diag_release(&d);
	return 0;
}
