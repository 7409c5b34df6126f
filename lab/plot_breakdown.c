/*
** plot_breakdown.c: the breakdown kind of `gssim plot`: one stacked bar
** per run (or per value of --x) of the cycle stack, the cpi.* statistics,
** which sum to cycles (sim/stats.h keeps them contiguous).
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
	plot_essential_keys(keys, &nkeys);
	if (nkeys == 0 && !(keys = malloc(sizeof *keys)))
		goto nomem;
	if (nkeys == 0 && (keys[nkeys++] = strdup("config_name")) == NULL)
		goto nomem;
	if (pdb_select(c->db, c->req->where, c->req->nwhere, (const char *const *)keys, nkeys,
		       cpi, NCPI, &sel, err))
		goto input;
	if ((rc = plot_check_stats(c, &sel, cpi, NCPI, err)))
		goto out;
	rc = EXIT_INTERNAL;
	if (plot_alloc_table(t, sel.nruns, NCPI))
		goto nomem;
	for (size_t r = 0; r < sel.nruns; r++) {
		run_label(&sel.runs[r], keys, nkeys, label, sizeof label);
		for (size_t q = 0; q < r && !twice; q++)
			if (t->xtext[q] && !strcmp(t->xtext[q], label))
				twice = 1;	/* same label twice: ids tell them apart */
		t->xtext[r] = plot_dup(label, &bad);
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
	rc = plot_oom(err);
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
	if ((rc = plot_check_stats(c, &sel, cpi, NCPI, err)))
		goto out;
	rc = EXIT_INTERNAL;
	if (!(xv = malloc(sel.nruns * sizeof *xv)))
		goto nomem;
	for (size_t r = 0; r < sel.nruns; r++)
		xv[r] = sel.runs[r].val[0];
	if (plot_axis_build(xv, sel.nruns, &xs))
		goto nomem;
	if (plot_x_present(c, &sel, &xs, xkey, err)) {
		rc = EXIT_INPUT;
		goto out;
	}
	if (!(row_run = malloc(xs.n * sizeof *row_run)))
		goto nomem;
	for (size_t x = 0; x < xs.n; x++)
		row_run[x] = SIZE_MAX;
	for (size_t r = 0; r < sel.nruns; r++) {
		size_t x = xs.of_run[r];

		if (x == SIZE_MAX)
			continue;
		if (row_run[x] != SIZE_MAX) {
			rc = plot_refuse_cell(c, &sel, &xs, NULL, x, 0, xkey, NULL, err);
			goto out;
		}
		row_run[x] = r;
	}
	if (plot_alloc_table(t, xs.n, NCPI))
		goto nomem;
	for (size_t x = 0; x < xs.n; x++) {
		t->xtext[x] = plot_dup(xs.text[x], &bad);
		for (int k = 0; k < NCPI; k++)
			t->v[x * NCPI + (size_t)k] = sel.runs[row_run[x]].stat[k];
	}
	if (bad)
		goto nomem;
	rc = EXIT_OK;
	goto out;
nomem:
	rc = plot_oom(err);
out:
	free(row_run);
	free(xv);
	plot_axis_free(&xs);
	pdb_sel_free(&sel);
	return rc;
}

/* The cycle stack: the cpi.* statistics (contiguous in sim/stats.h), which
** sum to cycles. */
int plot_build_breakdown(struct plot_ctx *c, const char *xkey, struct plot_table *t,
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
		t->cols[k] = plot_dup(cpi[k], &bad);
	if (xkey)
		plot_key_label(xkey, xlabel, sizeof xlabel);
	else
		snprintf(xlabel, sizeof xlabel, "run (%s)", keys);
	snprintf(title, sizeof title, "%s: cycle stack per %s%s", pdb_path(c->db),
		 xkey ? xkey : "run", c->where);
	snprintf(ylabel, sizeof ylabel, "%s (%s)", stat_name(ST_CYCLES), stat_unit(ST_CYCLES));
	t->style = PLOT_STACKED;
	if (bad || plot_set_labels(t, title, xlabel, ylabel, xkey ? xkey : "run"))
		return plot_oom(err);
	return EXIT_OK;
}

