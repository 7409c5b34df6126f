/*
** db_merge.h: merge results databases into one (gssim db merge).
**
** Every run of an input is copied whole, under a new id after OUT's (its
** runs row with every other column, its run_params, stats and bank_stats
** rows), unless OUT already holds it:
**   - a complete run with a point_key is already there when OUT has a
**     complete run of the same point_key (same point, same results; at
**     most one complete run per point);
**   - any other run (failed, interrupted, or without a point key, as all
**     runs of a version-1 file) is already there when OUT has a run whose
**     runs columns other than id are all equal (started_at, config_name,
**     config_text, config_hash, trace, gssim_version, host_seconds, status,
**     message, seed, point_key; NULL equal to NULL) and whose run_params
**     are the same set of key/value pairs: the same recorded run.
** So merging an input again changes nothing, runs keep their identity, and
** a failed attempt at a point never hides (nor is hidden by) its complete run.
*/
#ifndef gs_db_merge_h
#define gs_db_merge_h

#include <stdint.h>

#include "err.h"

struct db_merge_counts {
	int64_t runs;		/* runs read from the inputs */
	int64_t added;		/* copied into OUT */
	int64_t present;	/* already in OUT (runs = added + present) */
};

/* Check every input first: a gssim results database of version 1 or 2
** (opened read-only, never written), not corrupt (PRAGMA quick_check), not
** OUT itself; a refusal reads "IN: ..." and comes before OUT is touched.
** Then open OUT with db_open() (created if absent, a version-1 OUT
** migrated; a foreign OUT refused untouched) and merge all inputs in ONE
** transaction: on any error nothing is merged, and an OUT this call
** created is removed again. */
int db_merge(const char *out_path, const char *const *in_paths, int nin,
	     struct db_merge_counts *counts, struct gs_err *err);

#endif
