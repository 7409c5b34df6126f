/*
** plot_int.h: what the plot module's files (lab/plot.c: the request and
** the line plots; lab/plot_axis.c: axes, labels, refusals;
** lab/plot_breakdown.c: the cycle stack) share. Not a public interface.
*/
#ifndef gs_plot_int_h
#define gs_plot_int_h

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "plot.h"
#include "plot_db.h"
#include "plot_gp.h"

#define LABEL_MAX 256

struct plot_ctx {
	const struct plot_req *req;
	struct pdb *db;
	char where[512];		/* " (where a=b, c=d)" or "" */
};

/* "key (unit)": the unit from the config table (cfg_key_unit) or, for a
** workload parameter, from plot_axis.c's short list; bare key otherwise. */
void plot_key_label(const char *key, char *out, size_t n);

/* The distinct values a key takes among the selected runs, in plot order. */
struct axis {
	size_t n;			/* distinct values */
	const char **text;		/* [n] (borrowed from the selection) */
	double *num;			/* [n] when numeric */
	int numeric;
	size_t *of_run;			/* [nruns]: the run's value index, SIZE_MAX if none */
};

/* The distinct values of vals[0..nruns-1] (NULL: the run has none),
** numeric and sorted as numbers when every value is a number, else
** sorted as text. -1 when out of memory. */
int plot_axis_build(const char *const *vals, size_t nruns, struct axis *a);
void plot_axis_free(struct axis *a);
/* 1 if the axis is numeric, has two values or more and all are integer
** powers of two (drawn on a log2 axis). */
int plot_axis_pow2(const struct axis *a);

/* Keep, of keys that differ among runs (pdb_varying), those that say
** what differs: the run_params keys; the runs columns (config_name,
** trace, ...) only when no parameter differs, config_hash only when
** nothing else does (it follows from the config keys). */
void plot_essential_keys(char **keys, int *nkeys);

/* strdup, setting *bad when out of memory. */
char *plot_dup(const char *s, int *bad);
/* "out of memory" into err; returns EXIT_INTERNAL. */
int plot_oom(struct gs_err *err);

/* Several runs of sel fall on cell (xi, si) of the axes (ss NULL: one
** series): the message names the keys that differ and a --where that
** chooses. Returns EXIT_INPUT (EXIT_INTERNAL when out of memory). */
int plot_refuse_cell(struct plot_ctx *c, const struct pdb_sel *sel, const struct axis *xs,
		     const struct axis *ss, size_t xi, size_t si, const char *xkey,
		     const char *skey, struct gs_err *err);
/* EXIT_INPUT naming the first run without one of the statistics. */
int plot_check_stats(struct plot_ctx *c, const struct pdb_sel *sel, const char *const *names,
		     int nstats, struct gs_err *err);
/* Say on req->note how many runs lack the x key (they are left out); -1
** with a message when no run has it. */
int plot_x_present(struct plot_ctx *c, const struct pdb_sel *sel, const struct axis *xs,
		   const char *xkey, struct gs_err *err);
/* t's cols, xtext, xnum (zeroed) and v (NaN) for nrows x ncols; -1 if out of memory. */
int plot_alloc_table(struct plot_table *t, size_t nrows, int ncols);
int plot_set_labels(struct plot_table *t, const char *title, const char *xlabel,
		    const char *ylabel, const char *xhead);

/* The breakdown kind: the cpi.* stack per run, or per value of xkey. */
int plot_build_breakdown(struct plot_ctx *c, const char *xkey, struct plot_table *t,
			 struct gs_err *err);

#endif
