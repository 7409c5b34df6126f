/*
** query_runs.c: load runs, params and chosen statistics (see query_runs.h).
** Three SELECTs in one read transaction; rows are attached to their run
** by binary search on the id (runs come sorted by id).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "db_read.h"
#include "query_runs.h"

/* The runs columns a KEY may name, in enum qcol order. */
static const char *const col_names[QC__COUNT] = {
	"id", "status", "config_name", "config_hash", "point_key", "trace", "seed",
	"gssim_version", NULL	/* config_text: internal, not a key */
};

static const char runs_v1_sql[] =
	"SELECT id, status, config_name, config_hash, NULL, trace, seed, gssim_version,"
	" config_text FROM runs ORDER BY id";
static const char runs_v2_sql[] =
	"SELECT id, status, config_name, config_hash, point_key, trace, seed, gssim_version,"
	" config_text FROM runs ORDER BY id";
static const char params_sql[] =
	"SELECT run_id, key, value FROM run_params ORDER BY run_id, key";

static struct qrun *find_run(struct qruns *q, int64_t id)
{
	int lo = 0, hi = q->n - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (q->run[mid].id == id)
			return &q->run[mid];
		if (q->run[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

static int add_run(void *ctx, int ncols, const char *const *names, const struct db_value *v)
{
	struct qruns *q = ctx;
	struct qrun *r;

	(void)names;
	if (!v)
		return ncols != QC__COUNT;
	if (q->n == q->cap) {
		int cap = q->cap ? 2 * q->cap : 64;
		struct qrun *n = realloc(q->run, (size_t)cap * sizeof *n);

		if (!n)
			return 1;
		q->run = n;
		q->cap = cap;
	}
	r = &q->run[q->n++];
	memset(r, 0, sizeof *r);
	r->id = v[0].i;
	r->keep = 1;
	for (int c = 0; c < QC__COUNT; c++)
		if (v[c].s && !(r->col[c] = strdup(v[c].s)))
			return 1;
	if (!(r->stat = malloc(((size_t)q->nstats + 1) * sizeof *r->stat)))
		return 1;
	for (int s = 0; s < q->nstats; s++)
		r->stat[s] = NAN;
	return 0;
}

static int add_param(void *ctx, int ncols, const char *const *names, const struct db_value *v)
{
	struct qruns *q = ctx;
	struct qrun *r;
	struct qparam *p;

	(void)ncols;
	(void)names;
	if (!v || !(r = find_run(q, v[0].i)) || !v[1].s || !v[2].s)
		return 0;
	if (r->nparams == r->cap) {
		int cap = r->cap ? 2 * r->cap : 16;

		if (!(p = realloc(r->params, (size_t)cap * sizeof *p)))
			return 1;
		r->params = p;
		r->cap = cap;
	}
	p = &r->params[r->nparams];
	p->key = strdup(v[1].s);
	p->value = strdup(v[2].s);
	r->nparams++;
	return !p->key || !p->value;
}

static int add_stat(void *ctx, int ncols, const char *const *names, const struct db_value *v)
{
	struct qruns *q = ctx;
	struct qrun *r;
	int s;

	(void)ncols;
	(void)names;
	if (!v || !(r = find_run(q, v[0].i)) || !v[1].s)
		return 0;
	s = qruns_stat_index(q, v[1].s);
	if (s >= 0 && v[2].type != DB_NULL && v[2].type != DB_TEXT)
		r->stat[s] = v[2].d;
	return 0;
}

/* SELECT run_id, name, value FROM stats WHERE name IN (?1, ..., ?n) */
static char *stats_sql(int n)
{
	size_t size = 96 + 8 * (size_t)n;
	char *sql = malloc(size);
	size_t len;

	if (!sql)
		return NULL;
	len = (size_t)snprintf(sql, size, "SELECT run_id, name, value FROM stats WHERE name IN (");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(sql + len, size - len, "%s?%d", i ? "," : "", i + 1);
	snprintf(sql + len, size - len, ")");
	return sql;
}

int qruns_load(struct gs_db *db, const char *const *stats, int nstats, struct qruns *q,
	       struct gs_err *err)
{
	char *sql = NULL;
	int rc = -1;

	memset(q, 0, sizeof *q);
	q->stats = stats;
	q->nstats = nstats;
	if (db_read_begin(db, err))
		return -1;
	if (db_read_rows(db, db_version(db) == 1 ? runs_v1_sql : runs_v2_sql, NULL, 0, add_run,
			 q, err) ||
	    db_read_rows(db, params_sql, NULL, 0, add_param, q, err))
		goto out;
	if (nstats) {
		if (!(sql = stats_sql(nstats))) {
			gs_errf(err, "%s: out of memory", db_path(db));
			goto out;
		}
		if (db_read_rows(db, sql, stats, nstats, add_stat, q, err))
			goto out;
	}
	rc = 0;
out:
	free(sql);
	db_read_end(db);
	return rc;
}

void qruns_free(struct qruns *q)
{
	for (int i = 0; i < q->n; i++) {
		struct qrun *r = &q->run[i];

		for (int c = 0; c < QC__COUNT; c++)
			free(r->col[c]);
		for (int p = 0; p < r->nparams; p++) {
			free(r->params[p].key);
			free(r->params[p].value);
		}
		free(r->params);
		free(r->stat);
	}
	free(q->run);
	memset(q, 0, sizeof *q);
}

const char *qrun_param(const struct qrun *r, const char *key)
{
	int lo = 0, hi = r->nparams - 1;

	/* params come sorted by key (ORDER BY key: SQLite's binary collation = strcmp) */
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2, c = strcmp(r->params[mid].key, key);

		if (!c)
			return r->params[mid].value;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

static int col_index(const char *key)
{
	for (int c = 0; c < QC__COUNT; c++)
		if (col_names[c] && !strcmp(col_names[c], key))
			return c;
	return -1;
}

const char *qrun_key(const struct qrun *r, const char *key)
{
	const char *v = qrun_param(r, key);
	int c;

	if (v)
		return v;
	c = col_index(key);
	return c >= 0 ? r->col[c] : NULL;
}

int qruns_key_known(const struct qruns *q, const char *key)
{
	if (col_index(key) >= 0)
		return 1;
	for (int i = 0; i < q->n; i++)
		if (qrun_param(&q->run[i], key))
			return 1;
	return 0;
}

int qruns_stat_index(const struct qruns *q, const char *name)
{
	for (int s = 0; s < q->nstats; s++)
		if (!strcmp(q->stats[s], name))
			return s;
	return -1;
}
