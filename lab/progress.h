/*
** progress.h: one progress line for long work (a whole network, a long
** trace, a sweep): done of total, rate, ETA. On a terminal the line is
** redrawn in place at most a few times a second; elsewhere (pipes, logs,
** CI) it is either silent (PROGRESS_TTY_ONLY) or printed as one line per
** 10 % (PROGRESS_LOG). --quiet callers pass PROGRESS_OFF.
*/
#ifndef gs_progress_h
#define gs_progress_h

#include <stdint.h>
#include <stdio.h>

enum progress_mode { PROGRESS_OFF, PROGRESS_TTY_ONLY, PROGRESS_LOG };

struct progress;

/* what: "layers", "instructions", "points", ...; total 0 = unknown. NULL
** only when out of memory (callers then just show nothing). */
struct progress *progress_new(FILE *f, enum progress_mode mode, const char *what,
			      uint64_t total);
/* done so far; extra (may be NULL): a short note shown after the counts,
** e.g. "3 failed" or "layer4.1.conv2". Cheap enough to call per item. */
void progress_update(struct progress *p, uint64_t done, const char *extra);
/* Clear a terminal line now (before printing something else on the
** terminal); the next update draws it again. */
void progress_clear(struct progress *p);
/* Clear a terminal line (so a following table starts clean) and free. */
void progress_end(struct progress *p);

#endif
