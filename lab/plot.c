/*
** plot.c: `gssim plot` (see plot.h): turning the selected runs into the
** table one plot draws, then handing it to plot_gp.c.
**
** Units come from their one home: statistics from sim/stats.h
** (stat_unit), config keys from the config table (cfg_key_unit). Points
** are never merged silently: two runs on one (x, series) point are an
** error naming what tells them apart.
*/
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "exit.h"
#include "plot.h"
#include "plot_db.h"
#include "plot_gp.h"
#include "stats.h"

#define LABEL_MAX 256

/* Units of workload parameters (not config keys, so not in the config
** table); a key not here and not a config key is labelled bare. */
static const struct { const char *key, *unit; } param_units[] = {
	{ "sparsity", "fraction" }, { "achieved_sparsity", "fraction" },
	{ "nnz", "non-zeros" }, { "w_frac_kept", "fraction" },
};

static void key_label(const char *key, char *out, size_t n)
{
	const char *unit = cfg_key_unit(key);

	for (size_t i = 0; !unit && i < sizeof param_units / sizeof *param_units; i++)
		if (!strcmp(key, param_units[i].key))
			unit = param_units[i].unit;
	if (unit && strcmp(unit, "-"))
		snprintf(out, n, "%s (%s)", key, unit);
	else
		snprintf(out, n, "%s", key);
}

/* --stat NAME or NAME/NAME: the statistics and the unit they plot in. */
struct stat_spec {
	int num, den;			/* stat indices; den -1 if not a ratio */
	const char *names[2];
	char label[LABEL_MAX];		/* "cycles (cycles)", "a/b (passes/gathers)" */
};

static int stat_spec_parse(const char *text, struct stat_spec *s, struct gs_err *err)
{
	const char *slash = strchr(text, '/');
	char num[128];

	if (!slash) {
		snprintf(num, sizeof num, "%s", text);
	} else if ((size_t)(slash - text) < sizeof num) {
		snprintf(num, sizeof num, "%.*s", (int)(slash - text), text);
	} else {
		num[0] = '\0';
	}
	s->num = stat_lookup(num);
	s->den = slash ? stat_lookup(slash + 1) : -1;
	if (s->num < 0 || (slash && s->den < 0))
		return gs_errf(err, "--stat %s: no statistic %s (docs/stats.md lists them;"
			       " NAME/NAME plots a ratio, e.g. gse.gather.passes/gse.gather.count)",
			       text, s->num < 0 ? num : slash + 1);
	s->names[0] = stat_name(s->num);
	s->names[1] = slash ? stat_name(s->den) : NULL;
	if (slash)
		snprintf(s->label, sizeof s->label, "%s/%s (%s/%s)", s->names[0], s->names[1],
			 stat_unit(s->num), stat_unit(s->den));
	else
		snprintf(s->label, sizeof s->label, "%s (%s)", s->names[0], stat_unit(s->num));
	return 0;
}

/* ---- distinct values of a key, in plot order ---- */

struct axis_item {
	const char *text;
	double num;
	size_t run;
};

struct axis {
	size_t n;			/* distinct values */
	const char **text;		/* [n] (borrowed from the selection) */
	double *num;			/* [n] when numeric */
	int numeric;
	size_t *of_run;			/* [nruns]: the run's value index, SIZE_MAX if none */
};

static int cmp_num(const void *a, const void *b)
{
	const struct axis_item *x = a, *y = b;

	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return (x->run > y->run) - (x->run < y->run);
}

static int cmp_text(const void *a, const void *b)
{
	const struct axis_item *x = a, *y = b;
	int c = strcmp(x->text, y->text);

	return c ? c : (x->run > y->run) - (x->run < y->run);
}

static void axis_free(struct axis *a)
{
	free(a->text);
	free(a->num);
	free(a->of_run);
	*a = (struct axis){ 0 };
}

/* The distinct values of vals[0..nruns-1] (NULL: the run has none),
** numeric and sorted as numbers when every value is a number, else
** sorted as text. */
static int axis_build(const char *const *vals, size_t nruns, struct axis *a)
{
	struct axis_item *it = malloc((nruns ? nruns : 1) * sizeof *it);
	size_t k = 0;

	*a = (struct axis){ .numeric = 1 };
	a->text = malloc((nruns ? nruns : 1) * sizeof *a->text);
	a->num = malloc((nruns ? nruns : 1) * sizeof *a->num);
	a->of_run = malloc((nruns ? nruns : 1) * sizeof *a->of_run);
	if (!it || !a->text || !a->num || !a->of_run) {
		free(it);
		axis_free(a);
		return -1;
	}
	for (size_t r = 0; r < nruns; r++) {
		a->of_run[r] = SIZE_MAX;
		if (!vals[r])
			continue;
		it[k] = (struct axis_item){ vals[r], 0, r };
		if (!pdb_number(vals[r], &it[k].num))
			a->numeric = 0;
		k++;
	}
	qsort(it, k, sizeof *it, a->numeric ? cmp_num : cmp_text);
	for (size_t i = 0; i < k; i++) {
		int same = a->n && (a->numeric ? it[i].num == a->num[a->n - 1]
					       : !strcmp(it[i].text, a->text[a->n - 1]));

		if (!same) {
			a->text[a->n] = it[i].text;
			a->num[a->n] = it[i].num;
			a->n++;
		}
		a->of_run[it[i].run] = a->n - 1;
	}
	free(it);
	return 0;
}

static int is_pow2_axis(const struct axis *a)
{
	if (!a->numeric || a->n < 2)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		double v = a->num[i];

		if (!(v >= 1 && v <= 0x1p62) || v != floor(v) || ((uint64_t)v & ((uint64_t)v - 1)))
			return 0;
	}
	return 1;
}

/* ---- building the table ---- */

struct plot_ctx {
	const struct plot_req *req;
	struct pdb *db;
	char where[512];		/* " (where a=b, c=d)" or "" */
};

static char *dup_or_null(const char *s, int *oom)
{
	char *d = strdup(s);

	if (!d)
		*oom = 1;
	return d;
}

static int oom(struct gs_err *err)
{
	gs_errf(err, "gssim plot: out of memory");
	return EXIT_INTERNAL;
}

/* Several runs fall on one point: name what differs among them. */
static int refuse_ambiguous(struct plot_ctx *c, const struct pdb_sel *sel,
			    const size_t *runs, size_t n, const char *point, struct gs_err *err)
{
	int64_t *ids = malloc(n * sizeof *ids);
	char **keys = NULL, *hint = NULL, idlist[128] = "", differ[512] = "";
	int nkeys = 0;

	if (!ids)
		return oom(err);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(idlist);

		ids[i] = sel->runs[runs[i]].id;
		if (i < 8)
			snprintf(idlist + len, sizeof idlist - len, "%s%" PRId64, i ? ", " : "", ids[i]);
		else if (i == 8)
			snprintf(idlist + len, sizeof idlist - len, ", ...");
	}
	if (pdb_varying(c->db, ids, n, &keys, &nkeys, err) ||
	    (nkeys && pdb_run_value(c->db, ids[0], keys[0], &hint, err))) {
		free(ids);
		pdb_free_keys(keys, nkeys);
		return EXIT_INPUT;
	}
	for (int k = 0; k < nkeys; k++) {
		size_t len = strlen(differ);

		snprintf(differ + len, sizeof differ - len, "%s%s", k ? ", " : "", keys[k]);
	}
	if (nkeys)
		gs_errf(err, "%s: %zu runs on one point (%s; run ids %s) differ in %s:"
			" choose with --where, e.g. --where %s=%s", pdb_path(c->db), n, point,
			idlist, differ, keys[0], hint ? hint : "VAL");
	else
		gs_errf(err, "%s: %zu runs on one point (%s; run ids %s) differ in no recorded"
			" key: choose one with --where, e.g. --where id=%" PRId64, pdb_path(c->db),
			n, point, idlist, ids[0]);
	free(hint);
	free(ids);
	pdb_free_keys(keys, nkeys);
	return EXIT_INPUT;
}

/* The runs of sel at cell (xi, si); xs, ss the axes (ss NULL: one series). */
static int refuse_cell(struct plot_ctx *c, const struct pdb_sel *sel, const struct axis *xs,
		       const struct axis *ss, size_t xi, size_t si, const char *xkey,
		       const char *skey, struct gs_err *err)
{
	size_t *runs = malloc(sel->nruns * sizeof *runs), n = 0;
	char point[256];
	int rc;

	if (!runs)
		return oom(err);
	for (size_t r = 0; r < sel->nruns; r++)
		if (xs->of_run[r] == xi && (!ss || ss->of_run[r] == si))
			runs[n++] = r;
	if (ss && skey)
		snprintf(point, sizeof point, "%s=%s, %s=%s", xkey, xs->text[xi], skey, ss->text[si]);
	else
		snprintf(point, sizeof point, "%s=%s", xkey, xs->text[xi]);
	rc = refuse_ambiguous(c, sel, runs, n, point, err);
	free(runs);
	return rc;
}

static int check_stats(struct plot_ctx *c, const struct pdb_sel *sel, const char *const *names,
		       int nstats, struct gs_err *err)
{
	for (size_t r = 0; r < sel->nruns; r++)
		for (int k = 0; k < nstats; k++)
			if (isnan(sel->runs[r].stat[k])) {
				gs_errf(err, "%s: run %" PRId64 " has no statistic %s (recorded by an"
					" older gssim?): leave it out with --where", pdb_path(c->db),
					sel->runs[r].id, names[k]);
				return EXIT_INPUT;
			}
	return EXIT_OK;
}

/* Runs that lack the x key are left out, and said so. */
static void note_skipped(struct plot_ctx *c, const struct pdb_sel *sel, const struct axis *xs,
			 const char *xkey)
{
	size_t n = 0;
	int64_t first = 0;

	for (size_t r = 0; r < sel->nruns; r++)
		if (xs->of_run[r] == SIZE_MAX && !n++)
			first = sel->runs[r].id;
	if (n && c->req->note)
		fprintf(c->req->note, "gssim plot: %zu of %zu selected runs have no %s (e.g. run %"
			PRId64 "): left out\n", n, sel->nruns, xkey, first);
}

static int alloc_table(struct plot_table *t, size_t nrows, int ncols)
{
	t->nrows = nrows;
	t->ncols = ncols;
	t->cols = calloc((size_t)ncols, sizeof *t->cols);
	t->xtext = calloc(nrows ? nrows : 1, sizeof *t->xtext);
	t->xnum = calloc(nrows ? nrows : 1, sizeof *t->xnum);
	t->v = malloc((nrows ? nrows : 1) * (size_t)ncols * sizeof *t->v);
	if (!t->cols || !t->xtext || !t->xnum || !t->v)
		return -1;
	for (size_t i = 0; i < nrows * (size_t)ncols; i++)
		t->v[i] = NAN;
	return 0;
}

static int set_labels(struct plot_table *t, const char *title, const char *xlabel,
		      const char *ylabel, const char *xhead)
{
	int bad = 0;

	t->title = dup_or_null(title, &bad);
	t->xlabel = dup_or_null(xlabel, &bad);
	t->ylabel = dup_or_null(ylabel, &bad);
	t->xhead = dup_or_null(xhead, &bad);
	return bad ? -1 : 0;
}

/* Fill t's rows, columns and values from the selection on the axes. */
static int fill_lines(const struct pdb_sel *sel, const struct axis *xs, const struct axis *ss,
		      const size_t *cell, int ratio, struct plot_table *t)
{
	int bad = 0;

	if (alloc_table(t, xs->n, (int)ss->n))
		return -1;
	for (size_t s = 0; s < ss->n; s++)
		t->cols[s] = dup_or_null(ss->text[s], &bad);
	for (size_t x = 0; x < xs->n; x++) {
		t->xtext[x] = dup_or_null(xs->text[x], &bad);
		t->xnum[x] = xs->num[x];
		for (size_t s = 0; s < ss->n; s++) {
			size_t r = cell[x * ss->n + s];
			const double *v;

			if (r == SIZE_MAX)
				continue;
			v = sel->runs[r].stat;
			/* a ratio over a zero count has no value: no point */
			t->v[x * ss->n + s] = !ratio ? v[0] : v[1] != 0 ? v[0] / v[1] : NAN;
		}
	}
	t->x_numeric = xs->numeric;
	t->x_log2 = is_pow2_axis(xs);
	return bad ? -1 : 0;
}

/* One line per series value of st against xkey. skey NULL: one line. */
static int build_lines(struct plot_ctx *c, const char *xkey, const char *skey,
		       const struct stat_spec *st, const char *what, struct plot_table *t,
		       struct gs_err *err)
{
	const char *keys[2] = { xkey, skey };
	struct pdb_sel sel;
	struct axis xs = { 0 }, ss = { 0 };
	const char **xv = NULL, **sv = NULL;
	size_t *cell = NULL, have_series = 0;
	char nokey[LABEL_MAX], title[1024], xlabel[LABEL_MAX];
	int nstats = st->den >= 0 ? 2 : 1, rc;

	if (pdb_select(c->db, c->req->where, c->req->nwhere, keys, skey ? 2 : 1, st->names,
		       nstats, &sel, err))
		return EXIT_INPUT;
	if ((rc = check_stats(c, &sel, st->names, nstats, err)))
		goto out;
	rc = EXIT_INTERNAL;
	xv = malloc(sel.nruns * sizeof *xv);
	sv = malloc(sel.nruns * sizeof *sv);
	if (!xv || !sv)
		goto nomem;
	for (size_t r = 0; r < sel.nruns; r++)
		have_series += skey && sel.runs[r].val[1];
	snprintf(nokey, sizeof nokey, "(no %s)", skey ? skey : "");
	for (size_t r = 0; r < sel.nruns; r++) {
		xv[r] = sel.runs[r].val[0];
		/* no run has the series key: one line, named by what it shows */
		sv[r] = !have_series ? st->label : sel.runs[r].val[1] ? sel.runs[r].val[1] : nokey;
	}
	if (axis_build(xv, sel.nruns, &xs) || axis_build(sv, sel.nruns, &ss))
		goto nomem;
	if (xs.n == 0) {
		rc = EXIT_INPUT;
		gs_errf(err, "%s: none of the %zu selected runs has %s", pdb_path(c->db),
			sel.nruns, xkey);
		goto out;
	}
	note_skipped(c, &sel, &xs, xkey);
	if (!(cell = malloc(xs.n * ss.n * sizeof *cell)))
		goto nomem;
	for (size_t i = 0; i < xs.n * ss.n; i++)
		cell[i] = SIZE_MAX;
	for (size_t r = 0; r < sel.nruns; r++) {
		size_t x = xs.of_run[r], s = ss.of_run[r];

		if (x == SIZE_MAX)
			continue;
		if (cell[x * ss.n + s] != SIZE_MAX) {
			rc = refuse_cell(c, &sel, &xs, &ss, x, s, xkey, have_series ? skey : NULL,
					 err);
			goto out;
		}
		cell[x * ss.n + s] = r;
	}
	snprintf(title, sizeof title, "%s: %s vs %s%s%s%s", pdb_path(c->db), what, xkey,
		 have_series ? ", one line per " : "", have_series ? skey : "", c->where);
	key_label(xkey, xlabel, sizeof xlabel);
	t->style = PLOT_LINES;
	if (fill_lines(&sel, &xs, &ss, cell, st->den >= 0, t) ||
	    set_labels(t, title, xlabel, st->label, xkey))
		goto nomem;
	rc = EXIT_OK;
	goto out;
nomem:
	rc = oom(err);
out:
	free(cell);
	free(xv);
	free(sv);
	axis_free(&xs);
	axis_free(&ss);
	pdb_sel_free(&sel);
	return rc;
}

#define NCPI (ST_CPI_DRAIN - ST_CPI_ISSUE + 1)

/* "k=v k2=v2" of run r over keys (or the one key's bare value). */
static void run_label(const struct pdb_run *run, char **keys, int nkeys, char *out, size_t n)
{
	out[0] = '\0';
	for (int k = 0; k < nkeys; k++) {
		size_t len = strlen(out);
		const char *v = run->val[k] ? run->val[k] : "-";

		if (nkeys == 1)
			snprintf(out, n, "%s", v);
		else
			snprintf(out + len, n - len, "%s%s=%s", k ? " " : "", keys[k], v);
	}
}

/* The keys a bar label needs, of those that differ: the run_params keys
** say what was asked; the runs columns (config_hash, trace, ...) follow
** from them, so they are kept only when no parameter differs, and
** config_hash only when nothing else does. */
static void label_keys(char **keys, int *nkeys)
{
	static const char *const columns[] = { "config_name", "config_hash", "trace", "seed",
					       "gssim_version" };
	int params = 0, others = 0, kept = 0;

	for (int k = 0; k < *nkeys; k++) {
		int col = 0;

		for (size_t i = 0; i < sizeof columns / sizeof *columns; i++)
			col |= !strcmp(keys[k], columns[i]);
		params += !col;
		others += col && strcmp(keys[k], "config_hash");
	}
	for (int k = 0; k < *nkeys; k++) {
		int col = 0, hash = !strcmp(keys[k], "config_hash");

		for (size_t i = 0; i < sizeof columns / sizeof *columns; i++)
			col |= !strcmp(keys[k], columns[i]);
		if ((col && params) || (hash && others)) {
			free(keys[k]);
			continue;
		}
		keys[kept++] = keys[k];
	}
	*nkeys = kept;
}

/* Bars per run (by id), labelled by the keys that differ among them. */
static int breakdown_rows_by_run(struct plot_ctx *c, const char *const *cpi,
				 struct plot_table *t, char *keys_text, size_t ktsize,
				 struct gs_err *err)
{
	struct pdb_sel sel;
	int64_t *ids = NULL;
	char **keys = NULL, label[LABEL_MAX * 2];
	size_t n;
	int nkeys = 0, rc, bad = 0, twice = 0;

	if (pdb_select(c->db, c->req->where, c->req->nwhere, NULL, 0, NULL, 0, &sel, err))
		return EXIT_INPUT;
	rc = EXIT_INTERNAL;
	if (!(ids = malloc(sel.nruns * sizeof *ids)))
		goto nomem;
	for (size_t r = 0; r < sel.nruns; r++)
		ids[r] = sel.runs[r].id;
	n = sel.nruns;
	pdb_sel_free(&sel);
	if (pdb_varying(c->db, ids, n, &keys, &nkeys, err))
		goto input;
	label_keys(keys, &nkeys);
	if (nkeys == 0 && !(keys = malloc(sizeof *keys)))
		goto nomem;
	if (nkeys == 0 && (keys[nkeys++] = strdup("config_name")) == NULL)
		goto nomem;
	if (pdb_select(c->db, c->req->where, c->req->nwhere, (const char *const *)keys, nkeys,
		       cpi, NCPI, &sel, err))
		goto input;
	if ((rc = check_stats(c, &sel, cpi, NCPI, err)))
		goto out;
	rc = EXIT_INTERNAL;
	if (alloc_table(t, sel.nruns, NCPI))
		goto nomem;
	for (size_t r = 0; r < sel.nruns; r++) {
		run_label(&sel.runs[r], keys, nkeys, label, sizeof label);
		for (size_t q = 0; q < r && !twice; q++)
			if (t->xtext[q] && !strcmp(t->xtext[q], label))
				twice = 1;	/* same label twice: ids tell them apart */
		t->xtext[r] = dup_or_null(label, &bad);
		for (int k = 0; k < NCPI; k++)
			t->v[r * NCPI + (size_t)k] = sel.runs[r].stat[k];
	}
	if (bad)
		goto nomem;
	for (size_t r = 0; twice && r < sel.nruns; r++) {
		snprintf(label, sizeof label, "%s #%" PRId64, t->xtext[r], sel.runs[r].id);
		free(t->xtext[r]);
		if (!(t->xtext[r] = strdup(label)))
			goto nomem;
	}
	keys_text[0] = '\0';
	for (int k = 0; k < nkeys; k++) {
		size_t len = strlen(keys_text);

		snprintf(keys_text + len, ktsize - len, "%s%s", k ? ", " : "", keys[k]);
	}
	rc = EXIT_OK;
	goto out;
input:
	rc = EXIT_INPUT;
	goto out;
nomem:
	rc = oom(err);
out:
	free(ids);
	pdb_free_keys(keys, nkeys);
	pdb_sel_free(&sel);
	return rc;
}

/* Bars per value of xkey (one run each). */
static int breakdown_rows_by_x(struct plot_ctx *c, const char *xkey, const char *const *cpi,
			       struct plot_table *t, struct gs_err *err)
{
	struct pdb_sel sel;
	struct axis xs = { 0 };
	const char **xv = NULL;
	size_t *row_run = NULL;
	int rc, bad = 0;

	if (pdb_select(c->db, c->req->where, c->req->nwhere, &xkey, 1, cpi, NCPI, &sel, err))
		return EXIT_INPUT;
	if ((rc = check_stats(c, &sel, cpi, NCPI, err)))
		goto out;
	rc = EXIT_INTERNAL;
	if (!(xv = malloc(sel.nruns * sizeof *xv)))
		goto nomem;
	for (size_t r = 0; r < sel.nruns; r++)
		xv[r] = sel.runs[r].val[0];
	if (axis_build(xv, sel.nruns, &xs))
		goto nomem;
	if (xs.n == 0) {
		rc = EXIT_INPUT;
		gs_errf(err, "%s: none of the %zu selected runs has %s", pdb_path(c->db),
			sel.nruns, xkey);
		goto out;
	}
	note_skipped(c, &sel, &xs, xkey);
	if (!(row_run = malloc(xs.n * sizeof *row_run)))
		goto nomem;
	for (size_t x = 0; x < xs.n; x++)
		row_run[x] = SIZE_MAX;
	for (size_t r = 0; r < sel.nruns; r++) {
		size_t x = xs.of_run[r];

		if (x == SIZE_MAX)
			continue;
		if (row_run[x] != SIZE_MAX) {
			rc = refuse_cell(c, &sel, &xs, NULL, x, 0, xkey, NULL, err);
			goto out;
		}
		row_run[x] = r;
	}
	if (alloc_table(t, xs.n, NCPI))
		goto nomem;
	for (size_t x = 0; x < xs.n; x++) {
		t->xtext[x] = dup_or_null(xs.text[x], &bad);
		for (int k = 0; k < NCPI; k++)
			t->v[x * NCPI + (size_t)k] = sel.runs[row_run[x]].stat[k];
	}
	if (bad)
		goto nomem;
	rc = EXIT_OK;
	goto out;
nomem:
	rc = oom(err);
out:
	free(row_run);
	free(xv);
	axis_free(&xs);
	pdb_sel_free(&sel);
	return rc;
}

/* The cycle stack: the cpi.* statistics (contiguous in sim/stats.h), which
** sum to cycles. */
static int build_breakdown(struct plot_ctx *c, const char *xkey, struct plot_table *t,
			   struct gs_err *err)
{
	const char *cpi[NCPI];
	char title[1024], xlabel[LABEL_MAX + 64], ylabel[LABEL_MAX], keys[LABEL_MAX] = "";
	int rc, bad = 0;

	for (int k = 0; k < NCPI; k++)
		cpi[k] = stat_name(ST_CPI_ISSUE + k);
	rc = xkey ? breakdown_rows_by_x(c, xkey, cpi, t, err)
		  : breakdown_rows_by_run(c, cpi, t, keys, sizeof keys, err);
	if (rc)
		return rc;
	for (int k = 0; k < NCPI; k++)
		t->cols[k] = dup_or_null(cpi[k], &bad);
	if (xkey)
		key_label(xkey, xlabel, sizeof xlabel);
	else
		snprintf(xlabel, sizeof xlabel, "run (%s)", keys);
	snprintf(title, sizeof title, "%s: cycle stack per %s%s", pdb_path(c->db),
		 xkey ? xkey : "run", c->where);
	snprintf(ylabel, sizeof ylabel, "%s (%s)", stat_name(ST_CYCLES), stat_unit(ST_CYCLES));
	t->style = PLOT_STACKED;
	if (bad || set_labels(t, title, xlabel, ylabel, xkey ? xkey : "run"))
		return oom(err);
	return EXIT_OK;
}

/* ---- the request ---- */

static const char *const kinds[] = { "stat", "breakdown", "sparsity", NULL };
enum { K_STAT, K_BREAKDOWN, K_SPARSITY };

static int kind_of(const char *kind, struct gs_err *err)
{
	for (int k = 0; kinds[k]; k++)
		if (!strcmp(kind, kinds[k]))
			return k;
	return gs_errf(err, "gssim plot: unknown plot kind '%s' (expected stat, breakdown or"
		       " sparsity)", kind);
}

/* Options that make no sense for the kind are refused, not ignored. */
static int check_options(const struct plot_req *q, int kind, struct gs_err *err)
{
	if (kind == K_STAT && !q->x)
		return gs_errf(err, "gssim plot stat: --x KEY is required");
	if (kind == K_BREAKDOWN && (q->stat || q->series))
		return gs_errf(err, "gssim plot breakdown: --%s does not apply (the bars are the"
			       " cpi.* statistics)", q->stat ? "stat" : "series");
	if (kind == K_SPARSITY && q->x)
		return gs_errf(err, "gssim plot sparsity: --x does not apply (x is sparsity)");
	return 0;
}

/* key must be a key of the file: "--OPT KEY: no key ..." otherwise. */
static int need_key(struct plot_ctx *c, const char *opt, const char *key, struct gs_err *err)
{
	switch (pdb_has_key(c->db, key, err)) {
	case 1: return 0;
	case 0: return pdb_unknown_key(c->db, opt, key, err);
	default: return -1;
	}
}

/* dir and base of the image path: "out/a.png" -> "out", "a". */
static int split_image(const char *image, char *dir, size_t dsize, char *base,
		       struct gs_err *err)
{
	const char *slash = strrchr(image, '/');
	const char *name = slash ? slash + 1 : image;
	size_t blen = (size_t)(strrchr(name, '.') - name);

	if (blen > PLOT_NAME_MAX || (slash && (size_t)(slash - image) >= dsize))
		return gs_errf(err, "-o %s: name too long", image);
	if (!slash)
		snprintf(dir, dsize, ".");
	else if (slash == image)
		snprintf(dir, dsize, "/");
	else
		snprintf(dir, dsize, "%.*s", (int)(slash - image), image);
	snprintf(base, PLOT_NAME_MAX + 1, "%.*s", (int)blen, name);
	return 0;
}

static void where_text(const struct plot_req *q, char *out, size_t n)
{
	out[0] = '\0';
	for (int w = 0; w < q->nwhere; w++) {
		size_t len = strlen(out);

		snprintf(out + len, n - len, "%s%s", w ? ", " : " (where ", q->where[w]);
	}
	if (q->nwhere) {
		size_t len = strlen(out);

		snprintf(out + len, n - len, ")");
	}
}

static int build(struct plot_ctx *c, int kind, struct plot_table *t, struct gs_err *err)
{
	const struct plot_req *q = c->req;
	const char *stat = q->stat ? q->stat : "cycles";
	const char *x = kind == K_SPARSITY ? "sparsity" : q->x, *series = q->series;
	struct stat_spec st;

	if (kind != K_BREAKDOWN && stat_spec_parse(stat, &st, err))
		return EXIT_INPUT;
	if (x && need_key(c, kind == K_SPARSITY ? "gssim plot sparsity:" : "--x", x, err))
		return EXIT_INPUT;
	for (int w = 0; w < q->nwhere; w++)
		if (!strchr(q->where[w], '='))
			return gs_errf(err, "--where %s: expected KEY=VAL", q->where[w]), EXIT_INPUT;
	if (kind == K_BREAKDOWN)
		return build_breakdown(c, x, t, err);
	if (series && need_key(c, "--series", series, err))
		return EXIT_INPUT;
	if (!series) {
		/* the default series, pattern, only where runs have one */
		int has = pdb_has_key(c->db, "pattern", err);

		if (has < 0)
			return EXIT_INPUT;
		series = has ? "pattern" : NULL;
	}
	return build_lines(c, x, series, &st, stat, t, err);
}

int plot_make(const struct plot_req *req, struct gs_err *err)
{
	struct plot_ctx c = { .req = req };
	struct plot_table t = { 0 };
	enum plot_term term;
	char dir[4096], base[PLOT_NAME_MAX + 1];
	int kind = kind_of(req->kind, err), rc;

	if (kind < 0 || check_options(req, kind, err) || plot_term_of(req->image, &term, err) ||
	    split_image(req->image, dir, sizeof dir, base, err))
		return EXIT_INPUT;
	if (pdb_open(&c.db, req->db, err))
		return EXIT_INPUT;
	where_text(req, c.where, sizeof c.where);
	if ((rc = build(&c, kind, &t, err)))
		goto out;
	if (plot_gp_write(&t, dir, base, term, err)) {
		rc = EXIT_INPUT;
		goto out;
	}
	rc = plot_gp_run(req->gnuplot, dir, base, req->note, err);
out:
	plot_table_free(&t);
	pdb_close(c.db);
	return rc;
}
