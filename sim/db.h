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

#define GS_DB_SCHEMA_VERSION 1

struct gs_db;

/* Open (creating if absent) a results database. A file that is not an
** SQLite database, or one with another schema version or foreign tables
** only, is refused with "path: ..." and left untouched. */
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
	const struct db_param *params;	/* run_params rows (workload, layer, pattern, ...) */
	int nparams;
	const struct gs_stats *stats;	/* NULL when there are none (e.g. failed early) */
};

/* Record one run (runs row, its params, stats and bank_stats) in a single
** transaction. On error nothing of the run is kept. */
int db_record_run(struct gs_db *db, const struct db_run *run, int64_t *run_id,
		  struct gs_err *err);

#endif
