/*
** query.c: the gssim query reports (see query.h; columns in docs/cli.md).
**
** Every report loads the runs (query_runs.h) with the statistics it needs,
** marks the runs that pass the filters, and fills a qtable. Rows are
** sorted with qt_compare, so numeric values sort as numbers.
*/
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db_read.h"
#include "query.h"
#include "query_int.h"
#include "query_runs.h"
#include "stats.h"

int qx_bad_input(struct qctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gs_verrf(c->err, fmt, ap);
	va_end(ap);
	*c->bad = 1;
	return -1;
}

int qx_oom(struct qctx *c)
{
	return gs_errf(c->err, "gssim query: out of memory");
}

/* "KEY=VAL" split into a key (in buf) and a value; 0 if well formed. */
int qx_split_kv(const char *s, char *buf, size_t n, const char **val)
{
	const char *eq = strchr(s, '=');

	if (!eq || eq == s || (size_t)(eq - s) >= n)
		return -1;
	memcpy(buf, s, (size_t)(eq - s));
	buf[eq - s] = '\0';
	*val = eq + 1;
	return 0;
}

int qx_check_key(struct qctx *c, const char *opt, const char *key)
{
	if (qruns_key_known(&c->q, key))
		return 0;
	return qx_bad_input(c, "%s %s: no run has a parameter %s, and it is not a runs column "
			 "(id, status, config_name, config_hash, point_key, trace, seed, "
			 "gssim_version)", opt, key, key);
}

/* Keep the runs passing every --where (except those on skip_key) and the
** status rule: complete only, unless a --where names status. */
int qx_apply_filters(struct qctx *c, const char *skip_key)
{
	int status_given = 0;
	char key[256];
	const char *val;

	for (int w = 0; w < c->req->nwhere; w++) {
		if (qx_split_kv(c->req->where[w], key, sizeof key, &val))
			return qx_bad_input(c, "--where %s: expected KEY=VAL", c->req->where[w]);
		if (qx_check_key(c, "--where", key))
			return -1;
		status_given |= !strcmp(key, "status");
	}
	for (int i = 0; i < c->q.n; i++) {
		struct qrun *r = &c->q.run[i];

		r->keep = status_given || !strcmp(r->col[QC_STATUS], "complete");
		for (int w = 0; r->keep && w < c->req->nwhere; w++) {
			const char *v;

			qx_split_kv(c->req->where[w], key, sizeof key, &val);
			if (skip_key && !strcmp(key, skip_key))
				continue;
			v = qrun_key(r, key);
			r->keep = v && !strcmp(v, val);
		}
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The config-path params (the swept or --set keys) of the kept runs. */
int qx_collect_swept(struct qctx *c)
{
	int cap = 0;

	for (int i = 0; i < c->q.n; i++) {
		const struct qrun *r = &c->q.run[i];

		for (int p = 0; r->keep && p < r->nparams; p++) {
			const char *k = r->params[p].key;
			int have = 0;

			if (!cfg_key_unit(k))
				continue;
			for (int s = 0; s < c->nswept && !have; s++)
				have = !strcmp(c->swept[s], k);
			if (have)
				continue;
			if (c->nswept == cap) {
				const char **n = realloc(c->swept, (size_t)(cap = cap ? 2 * cap : 8) *
							 sizeof *n);
				if (!n)
					return qx_oom(c);
				c->swept = n;
			}
			c->swept[c->nswept++] = k;
		}
	}
	if (c->nswept)
		qsort(c->swept, (size_t)c->nswept, sizeof *c->swept, cmp_str);
	return 0;
}

/* Where the run's layer or trace came from. */
const char *qx_source_of(const struct qrun *r)
{
	const char *w = qrun_param(r, "workload");

	return w ? w : qrun_key(r, "trace");
}

/* A statistic's value: counts as integers, ratios with 4 decimals. */
int qx_set_stat(struct qtable *t, int row, int col, const char *name, double v)
{
	int st = stat_lookup(name);
	const char *unit = st >= 0 ? stat_unit(st) : "";

	if (strchr(unit, '/') || !strcmp(unit, "fraction") || !strcmp(unit, "us") ||
	    !strcmp(unit, "s"))
		return qt_set_fixed(t, row, col, v, 4);
	return qt_set_num(t, row, col, v);
}

int qx_check_stat(struct qctx *c, const char *opt, const char *name)
{
	if (stat_lookup(name) >= 0)
		return 0;
	return qx_bad_input(c, "%s %s: unknown statistic (docs/stats.md lists them)", opt, name);
}

/* Columns: fixed ones, then the swept keys, then more fixed ones. */
int qx_init_table(struct qctx *c, struct qtable *t, const char *const *head, int nhead,
		      const char *const *tail, int ntail)
{
	int n = nhead + c->nswept + ntail, rc;
	const char **names = malloc(((size_t)n + 1) * sizeof *names);

	if (!names)
		return qx_oom(c);
	memcpy(names, head, (size_t)nhead * sizeof *names);
	if (c->nswept)
		memcpy(names + nhead, c->swept, (size_t)c->nswept * sizeof *names);
	if (ntail)
		memcpy(names + nhead + c->nswept, tail, (size_t)ntail * sizeof *names);
	rc = qt_init(t, n, names);
	free(names);
	return rc ? qx_oom(c) : 0;
}

int qx_set_swept(struct qctx *c, struct qtable *t, int row, int col, const struct qrun *r)
{
	for (int s = 0; s < c->nswept; s++)
		if (qt_set_value(t, row, col + s, qrun_param(r, c->swept[s])))
			return qx_oom(c);
	return 0;
}

int qx_load(struct qctx *c, struct gs_db *db)
{
	return qruns_load(db, c->stats, c->nstats, &c->q, c->err);
}

/* ---- summary ---- */

static const char *const headline[] = {
	"cycles", "insn.total", "ipc", "gse.gather.passes", "gse.gather.conflicts",
	"lanes.utilisation",
};

static int report_summary(struct qctx *c, struct gs_db *db, struct qtable *t)
{
	static const char *const head[] = {
		"id", "status", "config_name", "workload", "pattern", "sparsity", "seed"
	};
	const int nhead = (int)(sizeof head / sizeof *head);

	for (size_t i = 0; i < sizeof headline / sizeof *headline; i++)
		c->stats[c->nstats++] = headline[i];
	for (int s = 0; s < ST__COUNT; s++)
		if (!strncmp(stat_name(s), "cpi.", 4))
			c->stats[c->nstats++] = stat_name(s);
	if (qx_load(c, db) || qx_apply_filters(c, NULL) || qx_collect_swept(c) ||
	    qx_init_table(c, t, head, nhead, c->stats, c->nstats))
		return -1;
	for (int i = 0; i < c->q.n; i++) {
		const struct qrun *r = &c->q.run[i];
		int row, col = nhead + c->nswept;

		if (!r->keep)
			continue;
		if ((row = qt_add_row(t)) < 0 || qt_set_int(t, row, 0, r->id) ||
		    qt_set_text(t, row, 1, r->col[QC_STATUS]) ||
		    qt_set_text(t, row, 2, r->col[QC_CONFIG_NAME]) ||
		    qt_set_text(t, row, 3, qx_source_of(r)) ||
		    qt_set_text(t, row, 4, qrun_param(r, "pattern")) ||
		    qt_set_value(t, row, 5, qrun_param(r, "sparsity")) ||
		    qt_set_value(t, row, 6, qrun_key(r, "seed")) || qx_set_swept(c, t, row, nhead, r))
			return qx_oom(c);
		for (int s = 0; s < c->nstats; s++)
			if (qx_set_stat(t, row, col + s, c->stats[s], r->stat[s]))
				return qx_oom(c);
	}
	return 0;
}

/* ---- sorting runs by text keys ---- */

static int cmp_sorted(const void *a, const void *b)
{
	const struct sorted *x = a, *y = b;

	for (int i = 0; i < x->nk; i++) {
		int c = qt_compare(x->k[i], y->k[i]);

		if (c)
			return c;
	}
	return x->r->id < y->r->id ? -1 : x->r->id > y->r->id;
}

struct sorted *qx_sort_runs(struct qctx *c, int (*want)(struct qctx *, const struct qrun *),
			    int *n)
{
	int nk = 4 + c->nswept;
	size_t each = sizeof(struct sorted) + (size_t)nk * sizeof(const char *);
	struct sorted *v = calloc((size_t)c->q.n + 1, each);
	const char **keys;

	*n = 0;
	if (!v)
		return NULL;
	keys = (const char **)(v + c->q.n + 1);
	for (int i = 0; i < c->q.n; i++) {
		const struct qrun *r = &c->q.run[i];
		const char **k = keys + (size_t)*n * (size_t)nk;

		if (!r->keep || (want && !want(c, r)))
			continue;
		k[0] = qx_source_of(r);
		k[1] = qrun_param(r, "pattern");
		k[2] = qrun_param(r, "sparsity");
		k[3] = r->col[QC_CONFIG_NAME];
		for (int s = 0; s < c->nswept; s++)
			k[4 + s] = qrun_param(r, c->swept[s]);
		v[(*n)++] = (struct sorted){ r, k, nk };
	}
	qsort(v, (size_t)*n, sizeof *v, cmp_sorted);
	return v;
}

/* ---- best ---- */

static int report_best(struct qctx *c, struct gs_db *db, struct qtable *t)
{
	static const char *const head[] = { "workload", "pattern", "sparsity", "runs", "id",
					    "config_name" };
	const char *by = c->req->by ? c->req->by : "cycles";
	struct sorted *v = NULL;
	int n, rc = -1;

	c->stats[c->nstats++] = by;
	if (qx_check_stat(c, "--by", by) || qx_load(c, db) || qx_apply_filters(c, NULL))
		return -1;
	for (int i = 0; i < c->q.n; i++)	/* runs without the stat cannot win */
		c->q.run[i].keep &= !isnan(c->q.run[i].stat[0]);
	if (qx_collect_swept(c) || qx_init_table(c, t, head, 6, &by, 1))
		return -1;
	if (!(v = qx_sort_runs(c, NULL, &n)))
		return qx_oom(c);
	for (int i = 0, j; i < n; i = j) {
		const struct sorted *best = &v[i];
		int row;

		/* the group: same source, pattern and sparsity */
		for (j = i + 1; j < n && !qt_compare(v[j].k[0], v[i].k[0]) &&
		     !qt_compare(v[j].k[1], v[i].k[1]) && !qt_compare(v[j].k[2], v[i].k[2]); j++)
			if (v[j].r->stat[0] < best->r->stat[0] ||
			    (v[j].r->stat[0] == best->r->stat[0] && v[j].r->id < best->r->id))
				best = &v[j];
		if ((row = qt_add_row(t)) < 0 || qt_set_text(t, row, 0, best->k[0]) ||
		    qt_set_text(t, row, 1, best->k[1]) || qt_set_value(t, row, 2, best->k[2]) ||
		    qt_set_int(t, row, 3, j - i) || qt_set_int(t, row, 4, best->r->id) ||
		    qt_set_text(t, row, 5, best->k[3]) || qx_set_swept(c, t, row, 6, best->r) ||
		    qx_set_stat(t, row, 6 + c->nswept, by, best->r->stat[0])) {
			qx_oom(c);
			goto out;
		}
	}
	rc = 0;
out:
	free(v);
	return rc;
}


int query_report(struct gs_db *db, const struct query_req *req, struct qtable *t,
		 int *bad_input, struct gs_err *err)
{
	struct qctx c = { .req = req, .err = err, .bad = bad_input };
	int rc = -1;

	*bad_input = 0;
	memset(t, 0, sizeof *t);
	switch (req->report) {
	case QR_SUMMARY:
		rc = report_summary(&c, db, t);
		break;
	case QR_SPEEDUP:
		rc = qx_report_speedup(&c, db, t);
		break;
	case QR_BEST:
		rc = report_best(&c, db, t);
		break;
	case QR_PIVOT:
		rc = qx_report_pivot(&c, db, t);
		break;
	}
	if (rc)
		qt_free(t);
	qruns_free(&c.q);
	free(c.swept);
	return rc;
}

/* ---- --sql ---- */

static int sql_row(void *ctx, int ncols, const char *const *names, const struct db_value *v)
{
	struct qtable *t = ctx;
	int row;

	if (!v)
		return qt_init(t, ncols, names);
	if ((row = qt_add_row(t)) < 0)
		return 1;
	for (int c = 0; c < ncols; c++) {
		int rc = v[c].type == DB_INT ? qt_set_int(t, row, c, v[c].i) :
			 v[c].type == DB_REAL ? qt_set_num(t, row, c, v[c].d) :
			 v[c].type == DB_TEXT ? qt_set_text(t, row, c, v[c].s) : 0;

		if (rc)
			return 1;
	}
	return 0;
}

int query_sql(struct gs_db *db, const char *sql, struct qtable *t, struct gs_err *err)
{
	int rc;

	memset(t, 0, sizeof *t);
	if (db_read_begin(db, err))
		return -1;
	rc = db_read_rows(db, sql, NULL, 0, sql_row, t, err);
	db_read_end(db);
	if (rc)
		qt_free(t);
	return rc;
}
