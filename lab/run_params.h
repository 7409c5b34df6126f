/*
** run_params.h: the run_params rows a run records about itself
** (docs/results-db.md, "Parameter keys"), built the same way for a
** standalone `gssim run` and for a sweep point, so the two agree row for
** row; the config_name of a run with overrides; and the keys a user's
** --param may not take.
*/
#ifndef gs_run_params_h
#define gs_run_params_h

#include <stddef.h>

#include "config.h"
#include "point.h"
#include "record.h"
#include "sparse.h"
#include "workload.h"

/* The workload parameters of one layer run: workload (as given), net,
** layer, pattern (resolved), sparsity (target), achieved_sparsity,
** abs_kept, sq_kept, w_frac_kept, nnz, batch, seed, and dist and variant
** when not the default. L NULL: a bare matrix (net "-", layer the
** .gsf or .npy path). -1 only when out of memory. */
int run_params_layer(struct run_request *rq, const char *workload, const struct layer *L,
		     const struct point_source *src, const struct pruned *pr,
		     double w_frac_kept);

/* Each of keys[0..n) (config paths) with its canonical value in cfg, as
** the config dump spells it. -1 when out of memory or not a key. */
int run_params_config(struct run_request *rq, const struct gs_config *cfg,
		      const char *const *keys, int n);

/* "<cfg name>[key=val,...]" over keys[0..n) in that order, values
** canonical (the sweep point's spelling); just the name when n is 0.
** -1 if it does not fit in size. */
int run_config_name(const struct gs_config *cfg, const char *const *keys, int n, char *out,
		    size_t size);

/* Why key cannot be a user --param (it is recorded by runs themselves:
** "a workload parameter", "a config key (give it with --set)", ...), or
** NULL when it is free. */
const char *run_param_reserved(const char *key);

#endif
