/*
 * kb.h - the knowledge base: articles loaded from help/ stanza files.
 *
 * The format is described in bouncedoc-kb(5) (man/bouncedoc-kb.5).  The
 * built-in files (kb_builtin.h) are loaded first, then the user directory
 * ($XDG_CONFIG_HOME/bouncedoc/help, ~/.config/bouncedoc/help) and --kb-dir
 * directories; an article whose id is already known replaces the earlier
 * one.  A bad stanza is reported as "FILE:LINE: …" into a struct diag and
 * skipped; the rest of the file loads.
 *
 * match: patterns are compiled once at load (PCRE2, caseless, byte mode),
 * JIT-compiled when the platform allows, and run with match, depth and heap
 * limits through one shared match data block.
 */
#ifndef BOUNCEDOC_KB_H
#define BOUNCEDOC_KB_H

#include <stddef.h>

#include "diag.h"
#include "kb_literal.h"

enum kb_kind {
	KB_KIND_MATCH = 1,	/* has a match: pattern */
	KB_KIND_STATUS,		/* generic article for an enhanced status */
	KB_KIND_CODE,		/* generic article for a reply code */
};

enum kb_bounce {
	KB_BOUNCE_UNSET = 0,	/* status article of class X: the code decides */
	KB_BOUNCE_TEMPORARY,
	KB_BOUNCE_PERMANENT,
};

struct kb_list {
	char		**v;	/* owned strings */
	size_t		  n;
};

struct kb_article {
	char		*id;
	enum kb_kind	 kind;
	char		*code;		/* "421 450" or NULL */
	char		*status;	/* "4.7.0 4.7.1", "X.4.7" or NULL */
	char		*match;		/* pattern source or NULL */
	char		*provider;	/* or NULL */
	enum kb_bounce	 bounce;
	char		*reason;
	char		*title;
	char		*explain;
	char		*customer;
	struct kb_list	 remedy;
	struct kb_list	 see;
	struct kb_list	 example;
	char		*file;		/* where it was loaded from */
	unsigned long	 line;		/* line of its first field */
	void		*re;		/* pcre2_code *, or NULL */
	struct kb_literal lit;		/* prefilter of re */
};

struct kb;

/* Returns an empty knowledge base; free with kb_free(). */
struct kb	*kb_new(void);
void		 kb_free(struct kb *kb);

/*
 * Parses one file's text and adds its articles.  name is used in messages
 * and kept.  Returns the number of stanzas rejected (0: all good); each
 * rejection is reported into d as "NAME:LINE: …".
 */
size_t	kb_load_text(struct kb *kb, const char *name, const char *text,
	    size_t len, struct diag *d);
/* Reads and loads one file.  Returns rejected stanzas, or (size_t)-1 if
 * the file cannot be read (reported into d). */
size_t	kb_load_file(struct kb *kb, const char *path, struct diag *d);
/* Loads every *.kb file in dir and its providers/ subdirectory, sorted by
 * name.  A missing directory is not an error when quiet_missing is set. */
size_t	kb_load_dir(struct kb *kb, const char *dir, int quiet_missing,
	    struct diag *d);
/* Loads every built-in .kb file. */
size_t	kb_load_builtin(struct kb *kb, struct diag *d);

/* Number of articles, and article i (0 ≤ i < n) in load order. */
size_t			 kb_count(const struct kb *kb);
const struct kb_article	*kb_get(const struct kb *kb, size_t i);
const struct kb_article	*kb_find_id(const struct kb *kb, const char *id);

/* The generic articles: for reply code 421; for status "4.4.7" (exact,
 * then X.4.7, then X.4.X, then 4.X.X).  NULL if none. */
const struct kb_article	*kb_code_article(const struct kb *kb, int code);
const struct kb_article	*kb_status_article(const struct kb *kb,
			    const char *status);

/*
 * Runs the match articles on text[0..len) and stores up to max candidates
 * in out[], best first (ranking in bouncedoc-kb(5)): reply and status are
 * the codes found in the text (0 / "" if none).  Returns the number stored.
 */
size_t	kb_match(const struct kb *kb, const char *text, size_t len,
	    int reply, const char *status,
	    const struct kb_article **out, size_t max);

/* The article whose pattern stopped at the match, depth or heap limit
 * in the last kb_match() (taken as not matching: the text was too hard
 * for it), or NULL. */
const struct kb_article	*kb_match_limited(const struct kb *kb);

/* Turns the literal prefilter of kb_match() off (0) or on (1, the
 * default); results are the same either way, only the speed differs. */
void	kb_set_prefilter(struct kb *kb, int on);

/* True if name is a known reason name (Sisimai's taxonomy). */
int	kb_reason_valid(const char *name);
const char *kb_kind_name(enum kb_kind k);	/* "match", "status", "code" */

#endif
