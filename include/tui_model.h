/*
 * tui_model.h - what the terminal UI lists: rows, filter, search, summary.
 *
 * The model owns the records (a struct recset filled by the reader thread
 * through tui_load.c) and groups them into rows: records with the same
 * recipient, reply code, enhanced status and diagnostic are one row with
 * a count.  A filter (typed as "code:421 reason:blocked temp", see
 * tui_filter_parse()) selects the records that make rows; the summary
 * groups the same records by reason, then reply code, then domain.  Rows
 * are added as records arrive (tui_model_update()), so the list fills
 * while a big log is read.  No curses, no threads: all of it is called
 * from the UI thread only.
 */
#ifndef BOUNCEDOC_TUI_MODEL_H
#define BOUNCEDOC_TUI_MODEL_H

#include <stddef.h>

#include "kb.h"
#include "record.h"
#include "tui_search.h"

enum tui_field {
	TUI_FIELD_ANY = 0,	/* a bare word: anywhere in the record */
	TUI_FIELD_CODE,		/* reply code; "4xx", "55" */
	TUI_FIELD_STATUS,	/* enhanced status; "5.7", "x.7.1" */
	TUI_FIELD_REASON,	/* reason name, exact */
	TUI_FIELD_DOMAIN,	/* recipient domain or a parent domain */
	TUI_FIELD_PROVIDER,	/* an article's provider, substring */
	TUI_FIELD_CLASS,	/* "t" temporary, "p" permanent */
};

struct tui_term {
	enum tui_field	 field;
	int		 negate;	/* "!code:421" */
	char		*value;		/* lower case */
};

struct tui_filter {
	struct tui_term	*v;
	size_t		 n;
	char		*text;		/* as typed, normalised; or NULL */
};

/*
 * Parses text into *f (released first; empty text: no filter).  Returns 0,
 * or -1 with a message in a new string *err (caller frees) and *f empty.
 */
int	tui_filter_parse(struct tui_filter *f, const char *text, char **err);
void	tui_filter_release(struct tui_filter *f);
/* True if r passes every term (an empty filter passes everything). */
int	tui_filter_match(const struct tui_filter *f, const struct record *r);

struct tui_row {
	size_t	first;		/* index of its first record in rs */
	size_t	last;
	size_t	count;
	char	*key;		/* grouping key, owned */
};

struct tui_model {
	struct recset	 rs;		/* every record read, owned */
	size_t		 seen;		/* records already sorted into rows */
	size_t		*next;		/* per record: next of its row */
	size_t		*rowof;		/* per record: its row, or -1 */
	size_t		 rcap;
	struct tui_row	*rows;
	size_t		 nrows;
	size_t		 rowcap;
	size_t		*hash;		/* open addressing: row index + 1 */
	size_t		 hcap;
	struct tui_filter filter;
	size_t		 failures;	/* records that are failures */
	size_t		 temporary;	/* of which temporary */
	size_t		 shown;		/* failures passing the filter */
	size_t		 shown_temporary;
};

void	tui_model_init(struct tui_model *m);
void	tui_model_release(struct tui_model *m);
/* Sorts the records added to m->rs since the last call into rows.
 * Returns the number of rows added. */
size_t	tui_model_update(struct tui_model *m);
/* Rebuilds the rows (after the filter changed). */
void	tui_model_refilter(struct tui_model *m);
/* The record a row shows (its first). */
const struct record *tui_model_record(const struct tui_model *m, size_t row);

/* The recipient's domain, lower case, into buf; "" if unknown. */
const char *tui_model_domain(const struct record *r, char *buf, size_t size);
/* The first provider named by the record's articles, or NULL. */
const char *tui_model_provider(const struct record *r);

/*
 * The next row after from (dir 1) or before it (dir -1), wrapping, whose
 * records match s.  from may be (size_t)-1 to start at the first row
 * (dir 1) or the last (dir -1).  Returns the row, or (size_t)-1; *wrapped
 * is set when the search went past the end.
 */
size_t	tui_model_search(const struct tui_model *m, struct tui_search *s,
	    size_t from, int dir, int *wrapped);
/* True if any text of the record matches s. */
int	tui_model_record_matches(const struct record *r,
	    struct tui_search *s);

/* The grouped summary: level 0 by reason, 1 by reply code (within
 * reason path[0]), 2 by domain (within path[0] and code path[1]). */
struct tui_sum_row {
	char	*label;		/* "blocked", "550 5.1.1", "example.com"; owned */
	size_t	 count;
	size_t	 temporary;
	/* the article of most of the group's records, or NULL */
	const struct kb_article *article;
};

struct tui_sum {
	struct tui_sum_row *v;
	size_t		 n;
	size_t		 total;
};

/* Fills *out (released first) from the records passing the filter, as
 * the report groups them (group.c): the children of the node path[0]
 * (level 1) or path[0] > path[1] (level 2), largest count first. */
void	tui_model_summary(const struct tui_model *m, int level,
	    const char *const path[2], struct tui_sum *out);
void	tui_sum_release(struct tui_sum *s);

#endif
