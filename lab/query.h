/*
** query.h: the reports of `gssim query` (docs/cli.md) on a results
** database opened read-only (db_open_readonly; version 1 or 2).
**
** A KEY (in --where, --baseline, --rows, --cols) names, per run, first its
** run_params value of that key, then the runs column of that name (id,
** status, config_name, config_hash, point_key, trace, seed, gssim_version).
** A key that is neither a parameter of any run nor a runs column is an
** error. Values are compared as text, exactly as recorded. Reports only
** consider complete runs unless a --where names status.
*/
#ifndef gs_query_h
#define gs_query_h

#include "db.h"
#include "err.h"
#include "qtable.h"

enum query_report { QR_SUMMARY, QR_SPEEDUP, QR_BEST, QR_PIVOT };

struct query_req {
	enum query_report report;
	const char *const *where;	/* KEY=VAL, all must hold */
	int nwhere;
	const char *baseline;		/* speedup: KEY=VAL (NULL: pattern=dense) */
	const char *by;			/* best: stat (NULL: cycles) */
	const char *rows, *cols;	/* pivot keys */
	const char *stat;		/* pivot: stat (NULL: cycles) */
};

/* Build the report into t (initialised here; qt_free it). Bad input (a
** malformed or unknown key, an unknown statistic, a pivot cell with
** several runs, an ambiguous baseline) returns -1 with "what: why" in err
** and *bad_input set; other errors (database, memory) leave it 0. */
int query_report(struct gs_db *db, const struct query_req *req, struct qtable *t,
		 int *bad_input, struct gs_err *err);

/* Any read-only statement's result as a table. */
int query_sql(struct gs_db *db, const char *sql, struct qtable *t, struct gs_err *err);

#endif
