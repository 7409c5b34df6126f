/*
** query_cmp.c: the reports that relate runs to each other: speedup (each
** run against its baseline run) and pivot (a stat over two keys).
**
** A run's baseline is a run with the baseline KEY=VAL that is the same
** point except for KEY: the same machine (config_text equal once its
** `name:` line, and KEY's line when KEY is a config path, are left out),
** the same source (workload, else trace), the same seed column, and the
** same run_params apart from KEY, the pruning outcomes (achieved_sparsity,
** nnz, abs_kept, sq_kept, w_frac_kept), sweep.* and slurm.* bookkeeping,
** trace when a workload is given, and, for a pattern=dense baseline,
** sparsity (dense ignores it).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "query_int.h"

struct sbuf {
	char *s;
	size_t len, cap;
	int oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->s, cap);

		if (!p) {
			b->oom = 1;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s ? s : "\x01", strlen(s ? s : "\x01"));
	sb_add(b, "\x1f", 1);
}

#define MAX_DEPTH 8

/* config_text (cfg_dump's YAML: two spaces per section level) without
** the name line and without the line of config path skip. */
static void add_machine(struct sbuf *b, const char *text, const char *skip)
{
	char sec[MAX_DEPTH][64], path[512];

	while (text && *text) {
		const char *end = strchr(text, '\n'), *p = text, *colon;
		size_t len;
		int depth, n = 0;

		if (!end)
			end = text + strlen(text);
		while (*p == ' ')
			p++;
		depth = (int)(p - text) / 2;
		colon = memchr(p, ':', (size_t)(end - p));
		len = colon ? (size_t)(colon - p) : (size_t)(end - p);
		if (depth < MAX_DEPTH && colon && colon + 1 == end) {	/* a section */
			snprintf(sec[depth], sizeof sec[depth], "%.*s", (int)len, p);
		} else {
			path[0] = '\0';
			for (int d = 0; d < depth && d < MAX_DEPTH; d++)
				n += snprintf(path + n, sizeof path - (size_t)n, "%s.", sec[d]);
			snprintf(path + n, sizeof path - (size_t)n, "%.*s", (int)len, p);
			if (!strcmp(path, "name") || (skip && !strcmp(path, skip))) {
				text = *end ? end + 1 : end;
				continue;
			}
		}
		sb_add(b, text, (size_t)(end - text) + (*end ? 1 : 0));
		text = *end ? end + 1 : end;
	}
	sb_add(b, "\x1e", 1);
}

static int ignored_param(const char *k, const struct qctx *c, int has_workload)
{
	static const char *const outcomes[] = {
		"achieved_sparsity", "nnz", "abs_kept", "sq_kept", "w_frac_kept"
	};

	if (!strcmp(k, c->bkey) || !strncmp(k, "sweep.", 6) || !strncmp(k, "slurm.", 6))
		return 1;
	for (size_t i = 0; i < sizeof outcomes / sizeof *outcomes; i++)
		if (!strcmp(k, outcomes[i]))
			return 1;
	if (has_workload && !strcmp(k, "trace"))
		return 1;
	return !strcmp(c->bkey, "pattern") && !strcmp(c->bval, "dense") &&
	       !strcmp(k, "sparsity");
}

/* The text that a run and its baseline share (malloc'd, NULL: no memory). */
static char *identity(const struct qctx *c, const struct qrun *r)
{
	struct sbuf b = { 0 };
	int has_workload = qrun_param(r, "workload") != NULL;

	add_machine(&b, r->col[QC_CONFIG_TEXT], cfg_key_unit(c->bkey) ? c->bkey : NULL);
	sb_str(&b, qx_source_of(r));
	sb_str(&b, r->col[QC_SEED]);
	for (int p = 0; p < r->nparams; p++)
		if (!ignored_param(r->params[p].key, c, has_workload)) {
			sb_str(&b, r->params[p].key);
			sb_str(&b, r->params[p].value);
		}
	sb_add(&b, "", 0);
	if (b.oom || !b.s) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* The run passes the --where clauses on the baseline key. */
static int passes_key_where(const struct qctx *c, const struct qrun *r)
{
	char key[256];
	const char *val, *v;

	for (int w = 0; w < c->req->nwhere; w++) {
		if (qx_split_kv(c->req->where[w], key, sizeof key, &val) || strcmp(key, c->bkey))
			continue;
		if (!(v = qrun_key(r, key)) || strcmp(v, val))
			return 0;
	}
	return 1;
}

static int is_baseline(const struct qctx *c, const struct qrun *r)
{
	const char *v = qrun_key(r, c->bkey);

	return v && !strcmp(v, c->bval);
}

static int want_compared(struct qctx *c, const struct qrun *r)
{
	return !is_baseline(c, r) && passes_key_where(c, r);
}

struct base {
	char *id;
	const struct qrun *r;
};

static int cmp_base(const void *a, const void *b)
{
	const struct base *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->r->id < y->r->id ? -1 : x->r->id > y->r->id);
}

/* The first baseline with identity id (or NULL); more with it: ambiguity. */
static const struct base *find_base(const struct base *v, int n, const char *id)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (strcmp(v[mid].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strcmp(v[lo].id, id) ? &v[lo] : NULL;
}

static int collect_bases(struct qctx *c, struct base **out, int *n)
{
	struct base *v = calloc((size_t)c->q.n + 1, sizeof *v);

	*out = v;
	*n = 0;
	if (!v)
		return qx_oom(c);
	for (int i = 0; i < c->q.n; i++) {
		const struct qrun *r = &c->q.run[i];

		if (!r->keep || !is_baseline(c, r) || isnan(r->stat[0]))
			continue;
		if (!(v[*n].id = identity(c, r)))
			return qx_oom(c);
		v[(*n)++].r = r;
	}
	qsort(v, (size_t)*n, sizeof *v, cmp_base);
	return 0;
}

/* Baseline of run r: NULL if none; refuses baselines that disagree. */
static int baseline_of(struct qctx *c, const struct base *v, int n, const struct qrun *r,
		       const struct qrun **b)
{
	char *id = identity(c, r);
	const struct base *f;

	*b = NULL;
	if (!id)
		return qx_oom(c);
	f = find_base(v, n, id);
	if (f) {
		*b = f->r;
		for (const struct base *g = f + 1; g < v + n && !strcmp(g->id, id); g++)
			if (g->r->stat[0] != f->r->stat[0]) {
				free(id);
				return qx_bad_input(c, "speedup: runs %lld and %lld are both "
						    "baselines (%s=%s) of run %lld, with different "
						    "cycles; narrow with --where",
						    (long long)f->r->id, (long long)g->r->id,
						    c->bkey, c->bval, (long long)r->id);
			}
	}
	free(id);
	return 0;
}

static int speedup_rows(struct qctx *c, struct qtable *t, const struct base *bv, int nb)
{
	struct sorted *v;
	int n, rc = -1, col = 4 + c->nswept;

	if (!(v = qx_sort_runs(c, want_compared, &n)))
		return qx_oom(c);
	for (int i = 0; i < n; i++) {
		const struct qrun *r = v[i].r, *b;
		int row;

		if (baseline_of(c, bv, nb, r, &b))
			goto out;
		if ((row = qt_add_row(t)) < 0 || qt_set_text(t, row, 0, v[i].k[0]) ||
		    qt_set_text(t, row, 1, v[i].k[1]) || qt_set_value(t, row, 2, v[i].k[2]) ||
		    qt_set_text(t, row, 3, v[i].k[3]) || qx_set_swept(c, t, row, 4, r) ||
		    qt_set_int(t, row, col, r->id) || qt_set_num(t, row, col + 1, r->stat[0]) ||
		    (b && (qt_set_int(t, row, col + 2, b->id) ||
			   qt_set_num(t, row, col + 3, b->stat[0]) ||
			   qt_set_fixed(t, row, col + 4, b->stat[0] / r->stat[0], 4)))) {
			qx_oom(c);
			goto out;
		}
	}
	rc = 0;
out:
	free(v);
	return rc;
}

int qx_report_speedup(struct qctx *c, struct gs_db *db, struct qtable *t)
{
	static const char *const head[] = { "workload", "pattern", "sparsity", "config_name" };
	static const char *const tail[] = { "id", "cycles", "baseline_id", "baseline_cycles",
					    "speedup" };
	static char key[256];
	struct base *bv = NULL;
	int nb = 0, rc = -1;

	if (qx_split_kv(c->req->baseline ? c->req->baseline : "pattern=dense", key, sizeof key,
			&c->bval))
		return qx_bad_input(c, "--baseline %s: expected KEY=VAL", c->req->baseline);
	c->bkey = key;
	c->stats[c->nstats++] = "cycles";
	if (qx_load(c, db) || qx_check_key(c, "--baseline", key) ||
	    qx_apply_filters(c, key) || qx_collect_swept(c) ||
	    qx_init_table(c, t, head, 4, tail, 5) || collect_bases(c, &bv, &nb))
		goto out;
	rc = speedup_rows(c, t, bv, nb);
out:
	for (int i = 0; bv && i < nb; i++)
		free(bv[i].id);
	free(bv);
	return rc;
}

/* ---- pivot ---- */

static int cmp_value(const void *a, const void *b)
{
	return qt_compare(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct values of key among the kept runs, sorted. */
static const char **distinct(struct qctx *c, const char *key, int *n)
{
	const char **v = calloc((size_t)c->q.n + 1, sizeof *v);
	int m = 0;

	*n = 0;
	if (!v)
		return NULL;
	for (int i = 0; i < c->q.n; i++)
		if (c->q.run[i].keep)
			v[m++] = qrun_key(&c->q.run[i], key);
	qsort(v, (size_t)m, sizeof *v, cmp_value);
	for (int i = 0; i < m; i++)
		if (!*n || qt_compare(v[*n - 1], v[i]))
			v[(*n)++] = v[i];
	return v;
}

static int index_of(const char *const *v, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return i;
	return -1;
}

static int pivot_fill(struct qctx *c, struct qtable *t, const char **rv, int nr,
		      const char **cv, int nc, const char *stat)
{
	const struct qrun **cell = calloc((size_t)nr * (size_t)nc + 1, sizeof *cell);
	int rc = -1;

	if (!cell)
		return qx_oom(c);
	for (int i = 0; i < c->q.n; i++) {
		const struct qrun *r = &c->q.run[i], **x;

		if (!r->keep)
			continue;
		x = &cell[index_of(rv, nr, qrun_key(r, c->req->rows)) * nc +
			  index_of(cv, nc, qrun_key(r, c->req->cols))];
		if (*x) {
			qx_bad_input(c, "pivot: runs %lld and %lld both fall in the cell %s=%s, "
				     "%s=%s; narrow with --where", (long long)(*x)->id,
				     (long long)r->id, c->req->rows, qrun_key(r, c->req->rows),
				     c->req->cols, qrun_key(r, c->req->cols));
			goto out;
		}
		*x = r;
	}
	for (int i = 0; i < nr; i++) {
		int row = qt_add_row(t);

		if (row < 0 || qt_set_value(t, row, 0, rv[i]))
			goto oom;
		for (int j = 0; j < nc; j++)
			if (cell[i * nc + j] &&
			    qx_set_stat(t, row, j + 1, stat, cell[i * nc + j]->stat[0]))
				goto oom;
	}
	rc = 0;
	goto out;
oom:
	qx_oom(c);
out:
	free(cell);
	return rc;
}

int qx_report_pivot(struct qctx *c, struct gs_db *db, struct qtable *t)
{
	const char *stat = c->req->stat ? c->req->stat : "cycles";
	const char **rv = NULL, **cv = NULL, **names = NULL;
	int nr = 0, nc = 0, rc = -1;

	if (!c->req->rows || !c->req->cols)
		return qx_bad_input(c, "pivot needs --rows KEY and --cols KEY");
	c->stats[c->nstats++] = stat;
	if (qx_check_stat(c, "--stat", stat) || qx_load(c, db) ||
	    qx_check_key(c, "--rows", c->req->rows) || qx_check_key(c, "--cols", c->req->cols) ||
	    qx_apply_filters(c, NULL))
		return -1;
	for (int i = 0; i < c->q.n; i++)	/* runs without either key have no cell */
		c->q.run[i].keep &= qrun_key(&c->q.run[i], c->req->rows) &&
				    qrun_key(&c->q.run[i], c->req->cols);
	if (!(rv = distinct(c, c->req->rows, &nr)) || !(cv = distinct(c, c->req->cols, &nc)) ||
	    !(names = calloc((size_t)nc + 2, sizeof *names))) {
		qx_oom(c);
		goto out;
	}
	names[0] = c->req->rows;
	memcpy(names + 1, cv, (size_t)nc * sizeof *names);
	if (qt_init(t, nc + 1, names)) {
		qx_oom(c);
		goto out;
	}
	rc = pivot_fill(c, t, rv, nr, cv, nc, stat);
out:
	free(rv);
	free(cv);
	free(names);
	return rc;
}
