/*
** sweep_run.h: running a sweep's points on this machine (gssim sweep run)
** and telling which are done (gssim sweep status). Points already complete
** in the database (by point key) are skipped, so a sweep resumes after an
** interruption, a kill or a spec that grew. N worker processes each open
** the database themselves and record their runs in batches; the parent
** hands out contiguous chunks of points (which then share pruned weights),
** shows progress, and lists failures at the end.
*/
#ifndef gs_sweep_run_h
#define gs_sweep_run_h

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "progress.h"
#include "sweep.h"

struct sweep_run_opts {
	const char *db_path;
	int jobs;			/* worker processes, >= 1 */
	const struct point_set *only;	/* NULL: every point */
	enum progress_mode progress;
	FILE *out;			/* summary and failure list; NULL: none */
};

struct sweep_tally {
	size_t selected;	/* points asked for */
	size_t already;		/* complete before this run */
	size_t done;		/* completed now */
	size_t failed;
	size_t interrupted;	/* recorded as interrupted, or never started */
};

/* Run every selected point not yet complete. Returns an exit status:
** EXIT_OK when every selected point is complete afterwards, EXIT_INTERNAL
** (1) when some failed, EXIT_INPUT for a bad point or database (err says
** which; nothing ran), EXIT_INTERRUPTED after SIGINT/SIGTERM. */
int sweep_run(const struct sweep_spec *s, const struct sweep_run_opts *o,
	      struct sweep_tally *t, struct gs_err *err);

enum point_state { POINT_MISSING, POINT_FAILED, POINT_DONE };

/* The state of every selected point in db_path (read only; the file is
** not created or migrated). fn is called per point in index order. */
int sweep_status(const struct sweep_spec *s, const char *db_path, const struct point_set *only,
		 void (*fn)(void *ctx, size_t index, enum point_state st), void *ctx,
		 struct gs_err *err);

#endif
