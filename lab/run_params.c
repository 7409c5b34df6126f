/*
** run_params.c: the parameters a run records about itself (see run_params.h).
*/
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"
#include "run_params.h"
#include "weights.h"

#define SETF(key, fmt, val) do { snprintf(num, sizeof num, fmt, val); \
	if (run_request_set(rq, key, num)) return -1; } while (0)

int run_params_layer(struct run_request *rq, const char *workload, const struct layer *L,
		     const struct point_source *src, const struct pruned *pr,
		     double w_frac_kept)
{
	char num[64], name[128];
	const char *file = src->gsf ? src->gsf : src->weights ? src->weights : "-";

	if (run_request_set(rq, "workload", workload ? workload : "-") ||
	    run_request_set(rq, "net", L ? L->net : "-") ||
	    run_request_set(rq, "layer", L ? L->name : file) ||
	    run_request_set(rq, "pattern", pattern_name(&pr->pat, name, sizeof name)))
		return -1;
	SETF("sparsity", "%.6g", pr->target_sparsity);
	SETF("achieved_sparsity", "%.6g", pr->sparsity);
	SETF("abs_kept", "%.6g", pr->abs_kept);
	SETF("sq_kept", "%.6g", pr->sq_kept);
	SETF("w_frac_kept", "%.6g", w_frac_kept);
	SETF("nnz", "%" PRIu64, pr->nnz);
	SETF("batch", "%u", src->batch ? src->batch : 1);
	SETF("seed", "%" PRIu64, src->seed);
	if (src->dist == WEIGHTS_LAPLACE && run_request_set(rq, "dist", "laplace"))
		return -1;
	if (src->variant == SPMM_SCATTER && run_request_set(rq, "variant", "scatter"))
		return -1;
	return 0;
}
#undef SETF

int run_params_config(struct run_request *rq, const struct gs_config *cfg,
		      const char *const *keys, int n)
{
	char value[256];

	for (int i = 0; i < n; i++)
		if (cfg_key_text(cfg, keys[i], value, sizeof value) ||
		    run_request_set(rq, keys[i], value))
			return -1;
	return 0;
}

int run_config_name(const struct gs_config *cfg, const char *const *keys, int n, char *out,
		    size_t size)
{
	size_t len;
	int w = snprintf(out, size, "%s", cfg->name);

	for (int i = 0; i < n && w >= 0 && (size_t)w < size; i++) {
		char value[256];

		if (cfg_key_text(cfg, keys[i], value, sizeof value))
			return -1;
		len = (size_t)w;
		w = snprintf(out + len, size - len, "%s%s=%s%s", i ? "," : "[", keys[i], value,
			     i == n - 1 ? "]" : "");
		if (w >= 0)
			w += (int)len;
	}
	return w >= 0 && (size_t)w < size ? 0 : -1;
}

const char *run_param_reserved(const char *key)
{
	static const char *const workload_keys[] = {
		"workload", "net", "layer", "pattern", "sparsity", "achieved_sparsity", "abs_kept",
		"sq_kept", "w_frac_kept", "nnz", "batch", "seed", "dist", "variant", NULL
	};
	static const char *const run_columns[] = {
		"id", "status", "config_name", "config_hash", "point_key", "gssim_version", NULL
	};

	for (int i = 0; workload_keys[i]; i++)
		if (!strcmp(key, workload_keys[i]))
			return "a workload parameter";
	if (!strcmp(key, "trace"))
		return "the trace parameter of trace runs";
	if (!strncmp(key, "sweep.", 6) || !strncmp(key, "slurm.", 6))
		return "a sweep parameter";
	if (cfg_key_unit(key))
		return "a config key (give it with --set)";
	for (int i = 0; run_columns[i]; i++)
		if (!strcmp(key, run_columns[i]))
			return "a column of the runs table";
	return NULL;
}
