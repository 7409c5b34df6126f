/*
** plot_axis.c: the plot module's shared pieces (plot_int.h): axis labels
** with units, the distinct values of a key in plot order, and the
** refusals (two runs on one point, a missing statistic).
**
** Units come from their one home: statistics from sim/stats.h
** (stat_unit), config keys from the config table (cfg_key_unit).
*/
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "exit.h"
#include "plot_int.h"
#include "stats.h"

/* Units of workload parameters (not config keys, so not in the config
** table); a key not here and not a config key is labelled bare. */
static const struct { const char *key, *unit; } param_units[] = {
	{ "sparsity", "fraction" }, { "achieved_sparsity", "fraction" },
	{ "nnz", "non-zeros" }, { "w_frac_kept", "fraction" },
};

void plot_key_label(const char *key, char *out, size_t n)
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

struct axis_item {
	const char *text;
	double num;
	size_t run;
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

void plot_axis_free(struct axis *a)
{
	free(a->text);
	free(a->num);
	free(a->of_run);
	*a = (struct axis){ 0 };
}

/* The distinct values of vals[0..nruns-1] (NULL: the run has none),
** numeric and sorted as numbers when every value is a number, else
** sorted as text. */
int plot_axis_build(const char *const *vals, size_t nruns, struct axis *a)
{
	struct axis_item *it = malloc((nruns ? nruns : 1) * sizeof *it);
	size_t k = 0;

	*a = (struct axis){ .numeric = 1 };
	a->text = malloc((nruns ? nruns : 1) * sizeof *a->text);
	a->num = malloc((nruns ? nruns : 1) * sizeof *a->num);
	a->of_run = malloc((nruns ? nruns : 1) * sizeof *a->of_run);
	if (!it || !a->text || !a->num || !a->of_run) {
		free(it);
		plot_axis_free(a);
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

int plot_axis_pow2(const struct axis *a)
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

char *plot_dup(const char *s, int *bad)
{
	char *d = strdup(s);

	if (!d)
		*bad = 1;
	return d;
}

int plot_oom(struct gs_err *err)
{
	gs_errf(err, "gssim plot: out of memory");
	return EXIT_INTERNAL;
}

/* See plot_int.h: the run_params keys say what was asked; the runs
** columns follow from them. */
void plot_essential_keys(char **keys, int *nkeys)
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

/* Several runs fall on one point: name what differs among them. */
static int refuse_ambiguous(struct plot_ctx *c, const struct pdb_sel *sel,
			    const size_t *runs, size_t n, const char *point, struct gs_err *err)
{
	int64_t *ids = malloc(n * sizeof *ids);
	char **keys = NULL, *hint = NULL, idlist[128] = "", differ[512] = "";
	int nkeys = 0;

	if (!ids)
		return plot_oom(err);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(idlist);

		ids[i] = sel->runs[runs[i]].id;
		if (i < 8)
			snprintf(idlist + len, sizeof idlist - len, "%s%" PRId64, i ? ", " : "", ids[i]);
		else if (i == 8)
			snprintf(idlist + len, sizeof idlist - len, ", ...");
	}
	if (pdb_varying(c->db, ids, n, &keys, &nkeys, err))
		goto input;
	plot_essential_keys(keys, &nkeys);
	if (nkeys && pdb_run_value(c->db, ids[0], keys[0], &hint, err))
		goto input;
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
input:
	free(hint);
	free(ids);
	pdb_free_keys(keys, nkeys);
	return EXIT_INPUT;
}

/* The runs of sel at cell (xi, si); xs, ss the axes (ss NULL: one series). */
int plot_refuse_cell(struct plot_ctx *c, const struct pdb_sel *sel, const struct axis *xs,
		       const struct axis *ss, size_t xi, size_t si, const char *xkey,
		       const char *skey, struct gs_err *err)
{
	size_t *runs = malloc(sel->nruns * sizeof *runs), n = 0;
	char point[256];
	int rc;

	if (!runs)
		return plot_oom(err);
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

int plot_check_stats(struct plot_ctx *c, const struct pdb_sel *sel, const char *const *names,
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

/* Runs that lack the x key are left out, and said so; none with it is an error. */
int plot_x_present(struct plot_ctx *c, const struct pdb_sel *sel, const struct axis *xs,
		   const char *xkey, struct gs_err *err)
{
	size_t n = 0;
	int64_t first = 0;

	if (xs->n == 0)
		return gs_errf(err, "%s: none of the %zu selected runs has %s", pdb_path(c->db),
			       sel->nruns, xkey);
	for (size_t r = 0; r < sel->nruns; r++)
		if (xs->of_run[r] == SIZE_MAX && !n++)
			first = sel->runs[r].id;
	if (n && c->req->note)
		fprintf(c->req->note, "gssim plot: %zu of %zu selected runs have no %s (e.g. run %"
			PRId64 "): left out\n", n, sel->nruns, xkey, first);
	return 0;
}

int plot_alloc_table(struct plot_table *t, size_t nrows, int ncols)
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

int plot_set_labels(struct plot_table *t, const char *title, const char *xlabel,
		      const char *ylabel, const char *xhead)
{
	int bad = 0;

	t->title = plot_dup(title, &bad);
	t->xlabel = plot_dup(xlabel, &bad);
	t->ylabel = plot_dup(ylabel, &bad);
	t->xhead = plot_dup(xhead, &bad);
	return bad ? -1 : 0;
}

