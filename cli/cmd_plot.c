/*
** cmd_plot.c: `gssim plot DB KIND [options] -o FILE.png|FILE.svg`: the
** options, then lab/plot.c does the rest.
*/
#include <stdio.h>

#include "cli.h"
#include "opts.h"
#include "plot.h"

static const enum opt_id plot_opts[] = {
	OPT_STAT, OPT_X, OPT_SERIES, OPT_WHERE, OPT_OUTPUT, OPT_QUIET, OPT_HELP, OPT_END
};

static void plot_help(void)
{
	fputs("usage: gssim plot DB KIND [options] -o FILE.png|FILE.svg\n"
	      "\n"
	      "Plot the complete runs of a results database with gnuplot. KIND:\n"
	      "  stat --stat NAME --x KEY [--series KEY]\n"
	      "      NAME (default cycles; A/B plots a ratio) against KEY, one line per\n"
	      "      value of the series key (default pattern); log2 x axis when every\n"
	      "      x is a power of two\n"
	      "  breakdown [--x KEY]\n"
	      "      stacked bars of the cycle stack (the cpi.* statistics) per run, or\n"
	      "      per value of KEY\n"
	      "  sparsity [--stat NAME] [--series KEY]\n"
	      "      NAME (default cycles) against the target sparsity, one line per pattern\n"
	      "Two runs on one point are refused (exit 2): add --where to choose.\n"
	      "Writes FILE.dat (the data) and FILE.gp (the gnuplot script; rerun with\n"
	      "`gnuplot FILE.gp` in its directory) beside the image.\n\n", stdout);
	opts_help(stdout, plot_opts);
}

int cmd_plot(int argc, char **argv)
{
	struct opts o;
	struct plot_req req;
	struct gs_err err = { "" };
	int rc = EXIT_INPUT;

	if (opts_parse("plot", plot_opts, argc, argv, &o))
		return EXIT_INPUT;
	if (o.count[OPT_HELP]) {
		plot_help();
		rc = EXIT_OK;
		goto out;
	}
	if (o.npos != 2) {
		rc = o.npos < 2 ? usage_error("plot", "expected DB and KIND")
				: usage_error("plot", "unexpected argument '%s'", o.pos[2]);
		goto out;
	}
	if (!o.val[OPT_OUTPUT]) {
		rc = usage_error("plot", "-o FILE.png or -o FILE.svg is required");
		goto out;
	}
	req = (struct plot_req){
		.db = o.pos[0], .kind = o.pos[1], .stat = o.val[OPT_STAT], .x = o.val[OPT_X],
		.series = o.val[OPT_SERIES], .where = o.many[OPT_WHERE],
		.nwhere = o.count[OPT_WHERE], .image = o.val[OPT_OUTPUT], .gnuplot = "gnuplot",
		.note = o.count[OPT_QUIET] ? NULL : stderr,
	};
	rc = plot_make(&req, &err);
	if (rc)
		report(&err, rc);
	else if (!o.count[OPT_QUIET])
		printf("wrote %s (data and gnuplot script beside it: .dat, .gp)\n",
		       o.val[OPT_OUTPUT]);
out:
	opts_free(&o);
	return rc;
}
