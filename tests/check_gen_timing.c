/*
** check_gen_timing.c: model-level regression guard for the software-
** pipelined SpMV/SpMM and LSTM kernels (docs/kernels.md): generated
** kernels run on the paper's machine (cfg_defaults) do not stall on
** streamed-load latency. Simulated cycles only; nothing here times the
** host. (Separate from check_gen_spmm.c: gen_testutil.h has its own
** struct machine.)
*/
#include <check.h>
#include <stdlib.h>

#include "config.h"
#include "gen.h"
#include "machine.h"
#include "prune.h"
#include "weights.h"

/* Synthetic Gaussian weights (seed), pruned to name at sparsity. */
static void prune_synthetic(struct pruned *p, const char *name, const struct isa *isa,
			    uint32_t rows, uint32_t cols, double sparsity, uint64_t seed)
{
	uint64_t shape[2] = { rows, cols };
	struct pattern pat;
	struct tensor t;
	struct gs_err err;

	ck_assert_msg(weights_synthetic(&t, 2, shape, WEIGHTS_GAUSSIAN, 1.0, seed, &err) == 0,
		      "%s", err.msg);
	ck_assert_msg(pattern_parse(name, isa->lanes, &pat, &err) == 0, "%s", err.msg);
	ck_assert_msg(prune_matrix(t.data, rows, cols, NULL, &pat, sparsity, p, &err) == 0, "%s: %s",
		      name, err.msg);
	free(t.data);
}

/* Run k on a fresh default machine; *ipc and the fraction of cycles
** stalled on mload latency. */
static void run_default(struct kernel *k, const struct gs_config *cfg, const char *what,
			double *ipc, double *mem_latency)
{
	struct gs_err err;
	struct machine *m = machine_new(cfg, &err);
	const struct gs_stats *s;

	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_msg(machine_run(m, &k->src, NULL, &err) == 0, "%s: %s", what, err.msg);
	s = machine_stats(m);
	ck_assert(s->v[ST_CYCLES] > 0);
	*ipc = s->v[ST_IPC];
	*mem_latency = s->v[ST_CPI_MEM_LATENCY] / s->v[ST_CYCLES];
	machine_free(m);
}

/* GS vertical, 256 x 256 at 90 %: without the pipeline each bucket waited
** on its index load (IPC 0.44, 44 % of cycles on mload latency). */
START_TEST(gs_vertical_not_load_latency_bound)
{
	struct gs_config cfg;
	struct isa isa;
	struct pruned p;
	struct kernel k;
	struct spmm_params sp = { 1, SPMM_STORE };
	struct gs_err err;
	double ipc, lat;

	cfg_defaults(&cfg);
	isa_from_config(&isa, &cfg);
	prune_synthetic(&p, "gs-v", &isa, 256, 256, 0.9, 1);
	ck_assert_msg(gen_spmm(&k, &p, &isa, &sp, &err) == 0, "%s", err.msg);
	run_default(&k, &cfg, "gs-v 256x256", &ipc, &lat);
	ck_assert_msg(ipc >= 0.8, "IPC %.3f", ipc);
	ck_assert_msg(lat < 0.10, "mem_latency %.1f %% of cycles", 100 * lat);
	kernel_free(&k);
	pruned_free(&p);
}
END_TEST

/* Every SpMV pattern (batch 1 and 4) and an LSTM step: load latency is
** hidden whatever the x fetch (gather, bcast, vload). */
START_TEST(every_pattern_hides_load_latency)
{
	static const char *const names[] = { "dense", "unstructured", "block:8x1", "block:1x8",
					     "gs-v", "gs-h", "gs:V=8,h=2,B=8" };
	struct gs_config cfg;
	struct isa isa;
	struct gs_err err;
	struct kernel k;
	double ipc, lat;
	size_t i;
	uint32_t batch;

	cfg_defaults(&cfg);
	isa_from_config(&isa, &cfg);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct pruned p, ph;

		prune_synthetic(&p, names[i], &isa, 128, 256, i ? 0.9 : 0, 1);
		for (batch = 1; batch <= 4; batch += 3) {
			struct spmm_params sp = { batch, SPMM_STORE };

			ck_assert_msg(gen_spmm(&k, &p, &isa, &sp, &err) == 0, "%s", err.msg);
			run_default(&k, &cfg, names[i], &ipc, &lat);
			ck_assert_msg(lat < 0.10, "%s batch %u: mem_latency %.1f %%", names[i], batch,
				      100 * lat);
			kernel_free(&k);
		}
		pruned_free(&p);
		/* LSTM H = 32, K = 256: W_ih and W_hh fused in one pipeline */
		{
			struct spmm_params sp = { 1, SPMM_STORE };

			prune_synthetic(&p, names[i], &isa, 128, 256, i ? 0.9 : 0, 2);
			prune_synthetic(&ph, names[i], &isa, 128, 32, i ? 0.9 : 0, 3);
			ck_assert_msg(gen_lstm(&k, &p, &ph, &isa, &sp, &err) == 0, "%s", err.msg);
			run_default(&k, &cfg, names[i], &ipc, &lat);
			ck_assert_msg(lat < 0.10, "lstm %s: mem_latency %.1f %%", names[i], 100 * lat);
			kernel_free(&k);
			pruned_free(&p);
			pruned_free(&ph);
		}
	}
}
END_TEST

Suite *gen_timing_suite(void)
{
	Suite *s = suite_create("gen_timing");
	TCase *t = tcase_create("pipeline");

	tcase_set_timeout(t, 60);
	tcase_add_test(t, gs_vertical_not_load_latency_bound);
	tcase_add_test(t, every_pattern_hides_load_latency);
	suite_add_tcase(s, t);
	return s;
}
