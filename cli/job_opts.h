/*
** job_opts.h: the options that say which layer to simulate and how to
** prune it, shared by gssim prune, gen and run.
*/
#ifndef gs_job_opts_h
#define gs_job_opts_h

#include <getopt.h>

#include "err.h"
#include "layer_job.h"
#include "workload.h"

enum {
	JOB_WORKLOAD = 1000, JOB_WEIGHTS, JOB_GSF, JOB_PATTERN, JOB_SPARSITY, JOB_SEED,
	JOB_DIST, JOB_BATCH, JOB_VARIANT
};

#define JOB_LONG_OPTIONS \
	{ "workload", required_argument, NULL, JOB_WORKLOAD }, \
	{ "weights", required_argument, NULL, JOB_WEIGHTS }, \
	{ "gsf", required_argument, NULL, JOB_GSF }, \
	{ "pattern", required_argument, NULL, JOB_PATTERN }, \
	{ "sparsity", required_argument, NULL, JOB_SPARSITY }, \
	{ "seed", required_argument, NULL, JOB_SEED }, \
	{ "dist", required_argument, NULL, JOB_DIST }, \
	{ "batch", required_argument, NULL, JOB_BATCH }, \
	{ "variant", required_argument, NULL, JOB_VARIANT }

struct job_opts {
	const char *workload;	/* NET or NET:LAYER */
	struct layer_job job;
	int have_sparsity;
};

/* 1 if c was one of the job options (consumed), 0 if not, -1 on a bad value. */
int job_option(struct job_opts *o, int c, const char *arg, struct gs_err *err);
/* The option combination makes sense for `cmd`. */
int job_check(struct job_opts *o, const char *cmd, struct gs_err *err);
/* The layers to run: one (NET:LAYER, or NULL for a bare --weights/--gsf
** matrix) or a whole network. */
int job_layers(struct job_opts *o, const struct layer **first, size_t *n, struct gs_err *err);

#endif
