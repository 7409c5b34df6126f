/*
** check_gen_lstm.c: the LSTM step generator run in funcsim: gate
** pre-activations against W_ih x + W_hh h in double, the cell update
** exactly as the element format rounds it.
*/
#include "gen_testutil.h"

static void run_lstm(const struct pruned *wi, const struct pruned *wh, const struct machine *m,
		     uint32_t batch, int variant, const char *what, uint64_t *n_scatter_add)
{
	struct spmm_params sp = { batch, variant };
	struct kernel k;
	struct funcsim *fs;
	struct gs_err err;
	struct gs_insn in;
	struct rng r;
	uint32_t H = wh->cols, K = wi->cols, b, j, R = 4 * H;
	int eb = m->isa.element_bytes;
	double *x = calloc((size_t)K * batch, sizeof(double)), *h = calloc((size_t)H * batch, sizeof(double));
	double *c = calloc((size_t)H * batch, sizeof(double));
	double *y = calloc((size_t)R * batch, sizeof(double)), *s = calloc((size_t)R * batch, sizeof(double));
	float *gates = calloc((size_t)R * batch, sizeof(float));
	float *c2 = calloc((size_t)H * batch, sizeof(float)), *h2 = calloc((size_t)H * batch, sizeof(float));
	uint64_t i;

	ck_assert_msg(gen_lstm(&k, wi, wh, &m->isa, &sp, &err) == 0, "%s: %s", what, err.msg);
	ck_assert_uint_eq(k.layout.y_spm, k.layout.h_spm);
	rng_seed(&r, 99);
	rand_vec(&r, x, (uint64_t)K * batch, eb);
	rand_vec(&r, h, (uint64_t)H * batch, eb);
	rand_vec(&r, c, (uint64_t)H * batch, eb);
	for (b = 0; b < batch; b++) {
		ref_matvec(wi, eb, x + (size_t)b * K, y + (size_t)b * R, s + (size_t)b * R);
		ref_matvec(wh, eb, h + (size_t)b * H, y + (size_t)b * R, s + (size_t)b * R);
	}
	fs = funcsim_new(&m->cfg, k.mem_read, k.mem_ctx);
	spm_put(fs, k.layout.x_spm, x, (uint64_t)K * batch);
	spm_put(fs, k.layout.h_spm, h, (uint64_t)H * batch);
	spm_put(fs, k.layout.c_spm, c, (uint64_t)H * batch);
	ck_assert_msg(funcsim_run(fs, &k.src, &err) == 0, "%s: %s", what, err.msg);
	funcsim_spm_load(fs, k.layout.gates_spm, gates, (uint64_t)R * batch);
	funcsim_spm_load(fs, k.layout.c_spm, c2, (uint64_t)H * batch);
	funcsim_spm_load(fs, k.layout.h_spm, h2, (uint64_t)H * batch);
	for (i = 0; i < (uint64_t)R * batch; i++)
		check_close(gates[i], y[i], s[i], max_row_nnz(wi) + max_row_nnz(wh), eb, what, i);
	/* the cell update, exactly as rounded: c' = fma(i, g, f*c), h' = o*c' */
	for (b = 0; b < batch; b++)
		for (j = 0; j < H; j++) {
			const float *gb = gates + (size_t)b * R;
			double fc = elem_round(eb, (double)gb[H + j] * c[b * H + j]);
			double cn = elem_round(eb, fma(gb[j], gb[2 * H + j], fc));

			ck_assert_msg(c2[b * H + j] == (float)cn, "%s: c'[%u]", what, b * H + j);
			ck_assert_msg(h2[b * H + j] == (float)elem_round(eb, gb[3 * H + j] * cn),
				      "%s: h'[%u]", what, b * H + j);
		}
	funcsim_free(fs);
	kernel_free(&k);
	*n_scatter_add = 0;
	ck_assert_int_eq(gen_lstm(&k, wi, wh, &m->isa, &sp, &err), 0);
	while (k.src.next(k.src.ctx, &in, &err) == 1)
		*n_scatter_add += in.op == OP_SCATTER_ADD;
	kernel_free(&k);
	free(x), free(h), free(c), free(y), free(s), free(gates), free(c2), free(h2);
}

START_TEST(lstm_every_pattern)
{
	static const struct pat_case cases[] = {
		{ "dense", 0, SPMM_STORE },		{ "unstructured", 0.7, SPMM_STORE },
		{ "block:Lx1", 0.5, SPMM_STORE },	{ "block:1xL", 0.5, SPMM_STORE },
		{ "nm:2:L", 0, SPMM_STORE },		{ "gs-v", 0.75, SPMM_STORE },
		{ "gs-v", 0.75, SPMM_SCATTER },		{ "gs-h", 0.5, SPMM_STORE },
		{ "gs:V=L,h=2,B=L", 0.75, SPMM_STORE },
	};
	struct machine ms[2];
	size_t c, mi;
	uint32_t batch;
	uint64_t nsa;
	char name[64], what[160];

	machine_init(&ms[0], 8, 2, 32, 64);
	machine_init(&ms[1], 16, 4, 32, 128);
	for (mi = 0; mi < 2; mi++)
		for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
			struct pruned wi, wh;
			int L = ms[mi].isa.lanes;

			pat_name(name, sizeof(name), cases[c].fmt, L);
			prune_rand(&wi, name, L, 4 * 12, 20, cases[c].sparsity, 40 + c);
			prune_rand(&wh, name, L, 4 * 12, 12, cases[c].sparsity, 60 + c);
			for (batch = 1; batch <= 3; batch += 2) {
				snprintf(what, sizeof(what), "lstm %s variant %d batch %u lanes %d", name,
					 cases[c].variant, batch, L);
				run_lstm(&wi, &wh, &ms[mi], batch, cases[c].variant, what, &nsa);
				ck_assert_int_eq(nsa > 0, strstr(name, "h=2") != NULL);
			}
			pruned_free(&wi);
			pruned_free(&wh);
		}
}
END_TEST

/* W_hh's row groups on other rows than W_ih's: no shared accumulators, both
** matrices scatter.add into the zeroed gates. Shape errors. */
START_TEST(lstm_unfused_and_errors)
{
	struct machine m;
	struct pruned wi, wh, bad;
	struct spmm_params sp = { 2, SPMM_STORE };
	struct kernel k;
	struct gs_err err;
	uint64_t nsa;
	int l;

	machine_init(&m, 8, 2, 32, 64);
	prune_rand(&wi, "gs-v", 8, 32, 24, 0.5, 1);
	prune_rand(&wh, "gs-v", 8, 32, 8, 0.5, 2);
	for (l = 0; l < 8; l++) {	/* swap row groups 0 and 2 of W_hh */
		uint32_t t = wh.gs.rowind[l];

		wh.gs.rowind[l] = wh.gs.rowind[16 + l];
		wh.gs.rowind[16 + l] = t;
	}
	run_lstm(&wi, &wh, &m, 2, SPMM_STORE, "lstm unfused", &nsa);
	ck_assert_uint_eq(nsa, 2 * 2 * 4);	/* 2 matrices x batch 2 x 4 groups */
	prune_rand(&bad, "gs-v", 8, 32, 9, 0.5, 3);
	ck_assert_int_eq(gen_lstm(&k, &wi, &bad, &m.isa, &sp, &err), -1);
	ck_assert_msg(strstr(err.msg, "4H x H"), "%s", err.msg);
	pruned_free(&bad);
	prune_rand(&bad, "unstructured", 8, 32, 8, 0.5, 3);
	ck_assert_int_eq(gen_lstm(&k, &wi, &bad, &m.isa, &sp, &err), -1);
	ck_assert_msg(strstr(err.msg, "one pattern"), "%s", err.msg);
	pruned_free(&bad);
	pruned_free(&wi);
	pruned_free(&wh);
}
END_TEST

Suite *gen_lstm_suite(void)
{
	Suite *s = suite_create("gen_lstm");
	TCase *l = tcase_create("lstm");

	tcase_set_timeout(l, 60);
	tcase_add_test(l, lstm_every_pattern);
	tcase_add_test(l, lstm_unfused_and_errors);
	suite_add_tcase(s, l);
	return s;
}
