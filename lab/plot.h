/*
** plot.h: `gssim plot`: a figure from a results database, drawn by gnuplot.
**
** Kinds (docs/cli.md):
**   stat       one line per value of the series key (default pattern) of a
**              statistic against a swept key (x);
**   breakdown  one stacked bar per run (or per value of x) of the cycle
**              stack: the cpi.* statistics, which sum to cycles;
**   sparsity   a statistic (default cycles) against the target sparsity,
**              one line per pattern.
** Only complete runs are plotted, after every --where. Two runs on one
** plotted point are refused (the message names the keys that differ).
** Writes IMAGE's FILE.dat and FILE.gp beside it, then runs gnuplot.
*/
#ifndef gs_plot_h
#define gs_plot_h

#include <stdio.h>

#include "err.h"

struct plot_req {
	const char *db;			/* results database, opened read only */
	const char *kind;		/* "stat", "breakdown" or "sparsity" */
	const char *stat;		/* NAME or NAME/NAME (a ratio); NULL = default */
	const char *x;			/* NULL = the kind's default */
	const char *series;		/* NULL = pattern */
	const char *const *where;	/* "KEY=VAL" each */
	int nwhere;
	const char *image;		/* FILE.png or FILE.svg */
	const char *gnuplot;		/* the program: "gnuplot" */
	FILE *note;			/* skipped runs, gnuplot warnings (NULL: quiet) */
};

/* Make the plot. Returns EXIT_OK, EXIT_INPUT (bad request or database,
** ambiguous points, gnuplot not installed: .dat and .gp are still
** written then) or EXIT_INTERNAL (out of memory, gnuplot failed), with
** the message in err. */
int plot_make(const struct plot_req *req, struct gs_err *err);

#endif
