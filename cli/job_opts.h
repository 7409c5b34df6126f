/*
** job_opts.h: the options that say which layer to simulate and how to
** prune it (--workload, --weights, --gsf, --pattern, --sparsity, --seed,
** --dist, --batch, --variant), shared by gssim prune, gen and run. The
** options themselves are rows of the one table in opts.c.
*/
#ifndef gs_job_opts_h
#define gs_job_opts_h

#include <stddef.h>

#include "err.h"
#include "layer_job.h"
#include "opts.h"
#include "workload.h"

/* The job options in table order, for a command's accepted list. */
#define JOB_OPTS OPT_WORKLOAD, OPT_WEIGHTS, OPT_GSF, OPT_PATTERN, OPT_SPARSITY, OPT_SEED, \
	OPT_DIST, OPT_BATCH, OPT_VARIANT

struct job_opts {
	const char *workload;	/* NET or NET:LAYER */
	struct layer_job job;
	int have_sparsity;
};

/* Fill jo from parsed options. A bad value: "gssim CMD: --name VALUE:
** expected ..." on stderr and -1. */
int job_from_opts(const char *cmd, const struct opts *o, struct job_opts *jo);
/* The option combination makes sense for `cmd`. */
int job_check(const struct job_opts *o, const char *cmd, struct gs_err *err);
/* The layers to run: one (NET:LAYER, or NULL for a bare --weights/--gsf
** matrix) or a whole network. */
int job_layers(const struct job_opts *o, const struct layer **first, size_t *n,
	       struct gs_err *err);

#endif
