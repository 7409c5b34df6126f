/*
** query_runs.h: the runs of a results database in memory for the query
** reports (query.c): each run's runs columns, its run_params (sorted by
** key) and the statistics a report asked for.
*/
#ifndef gs_query_runs_h
#define gs_query_runs_h

#include <stdint.h>

#include "db.h"
#include "err.h"

enum qcol { QC_ID, QC_STATUS, QC_CONFIG_NAME, QC_CONFIG_HASH, QC_POINT_KEY, QC_TRACE,
	    QC_SEED, QC_GSSIM_VERSION, QC_CONFIG_TEXT, QC__COUNT };

struct qparam {
	char *key, *value;
};

struct qrun {
	int64_t id;
	char *col[QC__COUNT];	/* as text; point_key NULL in v1 files */
	struct qparam *params;	/* sorted by key */
	int nparams, cap;
	double *stat;		/* [qruns.nstats]; NAN when the run has none */
	int keep;		/* passes the filters */
};

struct qruns {
	struct qrun *run;	/* sorted by id */
	int n, cap;
	const char *const *stats;	/* the loaded statistic names */
	int nstats;
};

/* Load every run with its params and the named statistics (NULL-free). */
int qruns_load(struct gs_db *db, const char *const *stats, int nstats, struct qruns *q,
	       struct gs_err *err);
void qruns_free(struct qruns *q);

/* The run's value of KEY (param first, then runs column), or NULL. */
const char *qrun_key(const struct qrun *r, const char *key);
const char *qrun_param(const struct qrun *r, const char *key);
/* KEY is a runs column a query may name, or a param of some run. */
int qruns_key_known(const struct qruns *q, const char *key);
/* Index of a statistic among the loaded ones, or -1. */
int qruns_stat_index(const struct qruns *q, const char *name);

#endif
