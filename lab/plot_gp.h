/*
** plot_gp.h: a plot as gssim writes it for gnuplot: the table of numbers
** (FILE.dat, tab separated, a header comment naming the columns), the
** script that draws it (FILE.gp, loading FILE.dat and writing the image by
** their names relative to the script's directory, so `gnuplot FILE.gp`
** rerun there redraws it) and running gnuplot, an external program, on it.
** Internal to the plot module (lab/plot*.c).
*/
#ifndef gs_plot_gp_h
#define gs_plot_gp_h

#include <stddef.h>
#include <stdio.h>

#include "err.h"

/* Longest image base name (without directory and extension) accepted. */
#define PLOT_NAME_MAX 255

enum plot_style {
	PLOT_LINES,		/* one line per column against x */
	PLOT_STACKED		/* one stacked bar per row, one segment per column */
};

enum plot_term { PLOT_PNG, PLOT_SVG };

struct plot_table {
	enum plot_style style;
	char *title, *xlabel, *ylabel;
	char *xhead;		/* header of the first column (the key, or "run") */
	int ncols;
	char **cols;		/* [ncols]: column names (series values, statistics) */
	size_t nrows;
	char **xtext;		/* [nrows]: the row's x as text (its label) */
	double *xnum;		/* [nrows]: the x value, when x_numeric */
	int x_numeric;		/* x drawn as a number axis (else one tic per row) */
	int x_log2;		/* x drawn on a log2 axis */
	double *v;		/* [nrows * ncols]: row-major; NaN = no point */
};

void plot_table_free(struct plot_table *t);

/* The terminal for an image name: .png or .svg (any case); -1 with
** "-o FILE: ..." for anything else. */
int plot_term_of(const char *image, enum plot_term *term, struct gs_err *err);

/* Write dir/base.dat and dir/base.gp (base at most PLOT_NAME_MAX) for t, the script drawing
** base.<png|svg>. Returns 0, or -1 with "path: cannot write: ...". */
int plot_gp_write(const struct plot_table *t, const char *dir, const char *base,
		  enum plot_term term, struct gs_err *err);

/* Run gnuplot (program: a name looked up on PATH, or a path) on base.gp in
** dir. Returns EXIT_OK (its warnings, if any, copied to warn unless NULL),
** EXIT_INPUT when the program is not found (message says how to install
** gnuplot), EXIT_INTERNAL when it fails (message holds its stderr). */
int plot_gp_run(const char *program, const char *dir, const char *base, FILE *warn,
		struct gs_err *err);

/* Format v the way the .dat file does: the shortest of %.15g and %.17g
** that reads back as v; "?" (gnuplot's missing mark here) for NaN. */
void plot_number(double v, char *out, size_t n);

#endif
