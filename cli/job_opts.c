/*
** job_opts.c: the layer and pruning options (see job_opts.h).
*/
#include <string.h>

#include "job_opts.h"
#include "record.h"

static const char *const dist_names[] = { "gaussian", "laplace", NULL };	/* enum weights_dist */
static const char *const variant_names[] = { "store", "scatter", NULL };	/* enum spmm_variant */

int job_from_opts(const char *cmd, const struct opts *o, struct job_opts *jo)
{
	uint64_t batch = 0;
	struct gs_err err;

	memset(jo, 0, sizeof *jo);
	jo->workload = o->val[OPT_WORKLOAD];
	jo->job.weights = o->val[OPT_WEIGHTS];
	jo->job.gsf = o->val[OPT_GSF];
	jo->job.pattern = o->val[OPT_PATTERN];
	jo->have_sparsity = o->val[OPT_SPARSITY] != NULL;
	if (o->val[OPT_SEED] && parse_seed(o->val[OPT_SEED], &jo->job.seed, &err)) {
		fprintf(stderr, "gssim %s: %s\n", cmd, err.msg);
		return -1;
	}
	if (opt_fraction(cmd, o, OPT_SPARSITY, &jo->job.sparsity) ||
	    opt_uint(cmd, o, OPT_BATCH, 1, 4096, &batch) ||
	    opt_enum(cmd, o, OPT_DIST, dist_names, &jo->job.dist) ||
	    opt_enum(cmd, o, OPT_VARIANT, variant_names, &jo->job.variant))
		return -1;
	jo->job.batch = (uint32_t)batch;
	return 0;
}

int job_check(const struct job_opts *o, const char *cmd, struct gs_err *err)
{
	if (!o->workload && !o->job.weights && !o->job.gsf)
		return gs_errf(err, "gssim %s: give --workload NET[:LAYER], --weights FILE.npy or "
			       "--gsf FILE.gsf", cmd);
	if (!o->job.gsf && (!o->job.pattern || !o->have_sparsity))
		return gs_errf(err, "gssim %s: --pattern and --sparsity are required (unless --gsf)",
			       cmd);
	if (o->workload && !strchr(o->workload, ':') && (o->job.weights || o->job.gsf))
		return gs_errf(err, "gssim %s: --weights/--gsf describe one layer: use "
			       "--workload NET:LAYER", cmd);
	return 0;
}

int job_layers(const struct job_opts *o, const struct layer **first, size_t *n,
	       struct gs_err *err)
{
	if (!o->workload) {
		*first = NULL;	/* one fully connected layer of the file's shape */
		*n = 1;
		return 0;
	}
	if (strchr(o->workload, ':')) {
		*first = workload_find(o->workload, err);
		*n = 1;
		return *first ? 0 : -1;
	}
	return workload_layers(o->workload, first, n, err);
}
