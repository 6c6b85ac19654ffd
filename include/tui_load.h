/*
 * tui_load.h - read the inputs in a thread while the screen stays live.
 *
 * tui_load_start() starts one reader thread that reads each path in turn.
 * A mail log's records are handed over one by one as the log reader
 * completes them; other inputs' records, and the messages, after each
 * path.  The hand-over is under a mutex.  The UI thread calls
 * tui_load_take() from its input loop (a few times a second) to move what
 * is ready into its own recset and struct diag, so the UI never reads
 * memory the reader is writing.  Only the reader thread diagnoses while
 * it runs (kb_match() shares one PCRE2 match data), and it blocks every
 * signal: Ctrl-C, resize and Ctrl-Z go to the UI thread.
 */
#ifndef BOUNCEDOC_TUI_LOAD_H
#define BOUNCEDOC_TUI_LOAD_H

#include <stddef.h>
#include <sys/types.h>

#include "diag.h"
#include "kb.h"
#include "record.h"

struct tui_load;

struct tui_load_progress {
	int		 done;		/* every path read */
	size_t		 path;		/* index of the path being read */
	size_t		 npaths;
	size_t		 records;	/* handed over so far */
	int		 failed;	/* a path could not be read */
	off_t		 offset;	/* how far into the path (a log) */
	off_t		 size;		/* its size, 0 if unknown (a pipe,
					   gzip, not a log) */
};

/*
 * Starts reading paths[0..npaths) (kept by pointer: they must outlive the
 * loader).  Returns the loader, or NULL if no thread could be started -
 * then the caller reads them itself.
 */
struct tui_load	*tui_load_start(const struct kb *kb, char *const *paths,
		    size_t npaths);
/*
 * Moves the records read so far into rs (names interned in rs) and the
 * messages into d.  Returns the number of records moved.
 */
size_t		 tui_load_take(struct tui_load *l, struct recset *rs,
		    struct diag *d);
void		 tui_load_progress(struct tui_load *l,
		    struct tui_load_progress *p);
/*
 * Stops the reader (cancelled at its next read if still running) and
 * frees the loader.  Returns 0, or -1 if the thread could not be joined:
 * it may still use kb, so the caller must exit without freeing it.
 */
int		 tui_load_stop(struct tui_load *l);

/* Moves every record of from into to (re-interning the source names) and
 * empties from.  Exposed for the paste path and for tests. */
void		 tui_load_move(struct recset *to, struct recset *from);

#endif
