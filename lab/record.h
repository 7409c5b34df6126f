/*
** record.h: one simulation from a ready config and instruction source to a
** printed summary and a recorded run; shared by every command that
** simulates (trace files now, in-process workloads later).
*/
#ifndef gs_record_h
#define gs_record_h

#include <stdint.h>

#include "config.h"
#include "db.h"
#include "insn.h"
#include "stats.h"
#include <signal.h>

struct run_request {
	const char *db_path;
	uint64_t seed;
	const char *point_key;		/* point.h key of this run, or NULL */
	const char *config_name;	/* recorded name; NULL: the config's own */
	int quiet;
	struct db_param *params;	/* recorded in run_params */
	int nparams, capparams;
	char **owned;			/* strings the params point into */
	int nowned;
	double *out_v;			/* if set: receives the run's stats (ST__COUNT) */
};

/* Add "key=value" (copied); rejects a missing '=' or an empty key. */
int run_request_add_param(struct run_request *rq, const char *kv, struct gs_err *err);
/* Add key and value (copied). -1 only when out of memory. */
int run_request_set(struct run_request *rq, const char *key, const char *value);
void run_request_free(struct run_request *rq);
int parse_seed(const char *s, uint64_t *seed, struct gs_err *err);

/* What became of one simulated run. */
struct run_outcome {
	int rc;				/* exit status (exit.h) */
	const char *status;		/* "complete", "failed", "interrupted" (NULL: not run) */
	int recorded;			/* the run (or the point's earlier run) is in the file */
	int already;			/* the point was already complete: not recorded again */
	int64_t run_id;			/* the run that stands for it */
	int have_stats;
	struct gs_stats stats;		/* without per-bank arrays */
	char config_hash[17];
	char source[256];
	char message[GS_ERR_MAX];	/* why it failed */
};

/* Simulate src on a new machine for cfg and record the run in an open
** database (inside a db_begin batch or not). Never prints. Returns out->rc. */
int record_simulation(struct gs_db *db, const struct gs_config *cfg, struct gs_source *src,
		      const struct run_request *rq, const volatile sig_atomic_t *stop,
		      struct run_outcome *out);

/* Record a run that failed before it could be simulated (out->message
** says why): status failed, no statistics. Returns out->rc. */
int record_failure(struct gs_db *db, const struct gs_config *cfg, const struct run_request *rq,
		   const char *source, struct run_outcome *out);

/* record_simulation, then what a command prints: the summary (unless
** rq->quiet; an already complete point says it was not recorded again) or
** the failure on stderr. Returns out->rc. */
int record_and_report(struct gs_db *db, const struct gs_config *cfg, struct gs_source *src,
		      const struct run_request *rq, const volatile sig_atomic_t *stop,
		      struct run_outcome *out);

/* Open the database, simulate, record, print the summary. Returns an exit
** status (cli.h). The source is not closed. */
int run_and_record(const struct gs_config *cfg, struct gs_source *src,
		   const struct run_request *rq);

#endif
