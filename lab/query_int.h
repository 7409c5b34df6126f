/*
** query_int.h: what the query report files share (query.c: filters,
** columns, summary, best, the entry points; query_cmp.c: speedup, pivot).
** Not for other modules.
*/
#ifndef gs_query_int_h
#define gs_query_int_h

#include <stddef.h>

#include "query.h"
#include "query_runs.h"
#include "stats.h"

#define MAX_STATS (ST__COUNT + 2)

struct qctx {
	const struct query_req *req;
	struct qruns q;
	const char *stats[MAX_STATS];	/* what to load */
	int nstats;
	const char **swept;	/* config-path params of the kept runs, sorted */
	int nswept;
	const char *bkey, *bval;	/* speedup: the baseline KEY=VAL */
	struct gs_err *err;
	int *bad;
};

/* Errors: bad input (sets *bad), out of memory; both return -1. */
int qx_bad_input(struct qctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int qx_oom(struct qctx *c);
/* "KEY=VAL": key copied into buf, *val points into s; -1 if malformed. */
int qx_split_kv(const char *s, char *buf, size_t n, const char **val);
/* KEY must be a param of some run or a runs column (opt names the option). */
int qx_check_key(struct qctx *c, const char *opt, const char *key);
int qx_check_stat(struct qctx *c, const char *opt, const char *name);
/* Load the runs with c->stats. */
int qx_load(struct qctx *c, struct gs_db *db);
/* Set keep: --where (except on skip_key) and the complete-only rule. */
int qx_apply_filters(struct qctx *c, const char *skip_key);
int qx_collect_swept(struct qctx *c);
/* workload param, else trace (param, then runs column). */
const char *qx_source_of(const struct qrun *r);
int qx_set_stat(struct qtable *t, int row, int col, const char *name, double v);
/* Columns head, the swept keys, tail. */
int qx_init_table(struct qctx *c, struct qtable *t, const char *const *head, int nhead,
		  const char *const *tail, int ntail);
int qx_set_swept(struct qctx *c, struct qtable *t, int row, int col, const struct qrun *r);

struct sorted {
	const struct qrun *r;
	const char **k;		/* source, pattern, sparsity, config_name, swept keys */
	int nk;
};
/* The kept runs passing want (NULL: all), sorted by k then id (free the
** array with free(): k points into the same block); NULL when out of memory. */
struct sorted *qx_sort_runs(struct qctx *c, int (*want)(struct qctx *, const struct qrun *),
			    int *n);

int qx_report_speedup(struct qctx *c, struct gs_db *db, struct qtable *t);
int qx_report_pivot(struct qctx *c, struct gs_db *db, struct qtable *t);

#endif
