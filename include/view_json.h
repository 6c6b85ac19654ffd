/*
 * view_json.h - JSON Lines output.
 *
 * Every string is written as valid UTF-8 JSON: quotes, backslashes,
 * control bytes and characters (\n, \u001b, \u009b …) and bidi controls
 * (\u202e …) are escaped, invalid UTF-8 bytes become U+FFFD, so a
 * consumer never sees raw bytes from the input.  The keys are
 * documented in bouncedoc(1), section JSON OUTPUT; JSON_SCHEMA_VERSION
 * changes when a key changes meaning or disappears.
 */
#ifndef BOUNCEDOC_VIEW_JSON_H
#define BOUNCEDOC_VIEW_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "diagnosis.h"
#include "findings.h"
#include "group.h"
#include "kb.h"
#include "record.h"

#define JSON_SCHEMA_VERSION 1

/* Writes s[0..len) as a JSON string (with quotes); NULL writes null. */
void	view_json_string(FILE *fp, const char *s, size_t len);
/* Same for a NUL-terminated string or NULL. */
void	view_json_str(FILE *fp, const char *s);

/* One object for an --explain: the text, its codes and diagnosis. */
void	view_json_explain(FILE *fp, const char *text, size_t len,
	    const struct findings *f, const struct diagnosis *d);
/* One object for a record read from a file. */
void	view_json_record(FILE *fp, const struct record *r);
/* One object per article for --list-kb --json. */
void	view_json_article(FILE *fp, const struct kb_article *a);
/*
 * --summary --json: one object per node of the group tree, depth first
 * (all, then each reason, its codes, their domains), each object naming
 * its level and the keys of its ancestors (bouncedoc(1), JSON OUTPUT).
 */
void	view_json_summary(FILE *fp, const struct recset *rs,
	    const struct group_tree *t);

#endif
