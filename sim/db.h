/*
** db.h: the results database (SQLite), schema in docs/results-db.md,
** versioned with PRAGMA user_version. Many runs share one file; each run is
** written in one transaction, so a crash or a failed write never leaves a
** half-recorded run, and runs already in the file are never modified.
*/
#ifndef gs_db_h
#define gs_db_h

#include <stdint.h>

#include "err.h"
#include "stats.h"

#define GS_DB_SCHEMA_VERSION 2

struct gs_db;

/* Open (creating if absent) a results database for writing. A version-1
** file is migrated to version 2 in place (one transaction; no row
** changes). A file that is not an SQLite database, or one with another
** schema version or foreign tables only, is refused with "path: ..." and
** left untouched. */
int db_open(struct gs_db **out, const char *path, struct gs_err *err);
void db_close(struct gs_db *db);

struct db_param {
	const char *key;
	const char *value;
};

struct db_run {
	const char *started_at;		/* ISO-8601 UTC, e.g. 2026-11-24T19:52:00Z */
	const char *config_name;
	const char *config_text;	/* cfg_dump() */
	const char *config_hash;	/* cfg_hash() */
	const char *trace;		/* trace path or workload description */
	const char *version;		/* gssim version */
	double host_seconds;
	const char *status;		/* "complete", "failed" or "interrupted" */
	const char *message;		/* NULL, or why the run failed */
	uint64_t seed;
	const char *point_key;		/* point.h key, or NULL (identity unknown) */
	const struct db_param *params;	/* run_params rows (workload, layer, pattern, ...) */
	int nparams;
	const struct gs_stats *stats;	/* NULL when there are none (e.g. failed early) */
};

/* Record one run (runs row, its params, stats and bank_stats) in a single
** transaction (a savepoint inside db_begin/db_commit). On error (-1)
** nothing of the run is kept. A complete run whose point_key is already
** complete in the file is not recorded again: returns 1 with *run_id the
** run that stands (at most one complete run per point; failed and
** interrupted runs are always kept and never hide a complete one). */
int db_record_run(struct gs_db *db, const struct db_run *run, int64_t *run_id,
		  struct gs_err *err);

/* Group the runs recorded until db_commit() into one transaction (a
** sweep worker's batch): one commit instead of one per run. If the
** process dies before db_commit, none of the batch is kept. */
int db_begin(struct gs_db *db, struct gs_err *err);
int db_commit(struct gs_db *db, struct gs_err *err);

/* Open an existing results database (version 1 or 2) for reading only:
** nothing is created, migrated or written, and no journal appears. */
int db_open_readonly(struct gs_db **out, const char *path, struct gs_err *err);
/* The file's schema version (1 or 2). */
int db_version(const struct gs_db *db);

/* Call fn(ctx, point_key, status) for every run that has a point key (a
** sweep's resume and status); fn returns nonzero when out of memory. */
int db_point_states(struct gs_db *db, int (*fn)(void *ctx, const char *point_key,
						 const char *status),
		    void *ctx, struct gs_err *err);

#endif
