/*
** check_prune.c: pattern names, and the pruners: hand-worked cases for the
** dense, unstructured, block and N:M patterns, the quality proxy against
** gs-patterns.md §5.3, determinism and input errors. The GS pruner's own
** cases are in check_prune_gs.c.
*/
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prune.h"
#include "rng.h"
#include "weights.h"

static struct pattern pat(const char *name)
{
	struct pattern p;
	struct gs_err err;

	ck_assert_msg(pattern_parse(name, 8, &p, &err) == 0, "%s: %s", name, err.msg);
	return p;
}

static void gaussian(float *w, size_t n, uint64_t seed)
{
	struct rng r;
	size_t i;

	rng_seed(&r, seed);
	for (i = 0; i < n; i++)
		w[i] = (float)rng_gaussian(&r);
}

/* Row i of p's csr equals the given columns. */
static void expect_row(const struct pruned *p, uint32_t i, const uint32_t *cols, uint32_t n)
{
	uint32_t k;

	ck_assert_uint_eq(p->csr.ptr[i + 1] - p->csr.ptr[i], n);
	for (k = 0; k < n; k++)
		ck_assert_uint_eq(p->csr.col[p->csr.ptr[i] + k], cols[k]);
}

START_TEST(test_pattern_names)
{
	static const char *const canon[] = {
		"dense", "unstructured", "block:8x1", "block:1x8", "block:4x4", "nm:2:4", "nm:1:8",
		"gs:V=8,h=1,B=8", "gs:V=8,h=8,B=8", "gs:V=8,h=2,B=16", "gs:V=16,h=4,B=32,nonuniform",
		"gs:V=4,h=1,B=4,exact", "gs:V=8,h=2,B=8,nonuniform,exact",
	};
	static const struct { const char *in, *out; } alias[] = {
		{ "gs-v", "gs:V=8,h=1,B=8" }, { "gs-h", "gs:V=8,h=8,B=8" },
		{ "gs-v,nonuniform", "gs:V=8,h=1,B=8,nonuniform" },
		{ "gs-h,exact,nonuniform", "gs:V=8,h=8,B=8,nonuniform,exact" },
		{ "gs:h=2", "gs:V=8,h=2,B=8" }, { "gs:B=16,h=4", "gs:V=8,h=4,B=16" },
		{ "gs:V=4", "gs:V=4,h=1,B=4" }, { "gs:exact", "gs:V=8,h=1,B=8,exact" },
	};
	struct pattern p, q;
	struct gs_err err;
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(canon) / sizeof(canon[0]); i++) {
		ck_assert_msg(pattern_parse(canon[i], 8, &p, &err) == 0, "%s: %s", canon[i], err.msg);
		ck_assert_str_eq(pattern_name(&p, buf, sizeof(buf)), canon[i]);
		ck_assert_int_eq(pattern_parse(buf, 3, &q, &err), 0);
		ck_assert_mem_eq(&p, &q, sizeof(p));
	}
	for (i = 0; i < sizeof(alias) / sizeof(alias[0]); i++) {
		ck_assert_msg(pattern_parse(alias[i].in, 8, &p, &err) == 0, "%s: %s", alias[i].in,
			      err.msg);
		ck_assert_str_eq(pattern_name(&p, buf, sizeof(buf)), alias[i].out);
	}
	p = pat("block:8x1");
	ck_assert_int_eq(p.kind, PAT_BLOCK);
	ck_assert_int_eq(p.br, 8);
	ck_assert_int_eq(p.bc, 1);
	p = pat("gs-h");
	ck_assert_int_eq(p.kind, PAT_GS);
	ck_assert(p.V == 8 && p.h == 8 && p.B == 8 && !p.nonuniform && !p.exact);
}
END_TEST

START_TEST(test_pattern_errors)
{
	static const struct { const char *name; int lanes; const char *msg; } bad[] = {
		{ "sparse", 8, "pattern 'sparse': unknown pattern (expected dense, unstructured" },
		{ "Dense", 8, "pattern 'Dense': unknown pattern" },
		{ "block:8", 8, "pattern 'block:8': expected block:RxC" },
		{ "block:8x", 8, "pattern 'block:8x': expected block:RxC" },
		{ "block:0x1", 8, "pattern 'block:0x1': pattern block:0x1: block sides must be" },
		{ "block:-1x8", 8, "pattern 'block:-1x8': expected block:RxC" },
		{ "nm:3:2", 8, "pattern 'nm:3:2': pattern nm:3:2: need 1 <= N <= M" },
		{ "nm:2", 8, "pattern 'nm:2': expected nm:N:M" },
		{ "nm:0:4", 8, "need 1 <= N <= M" },
		{ "gs:h=3", 8, "pattern 'gs:h=3': pattern gs: h=3 does not divide V=8" },
		{ "gs:V=8,B=4", 8, "B=4 out of range (V=8..256)" },
		{ "gs:V=8,B=512", 8, "B=512 out of range" },
		{ "gs:V=128", 8, "V=128 out of range (1..64)" },
		{ "gs:h=2,h=2", 8, "duplicate key 'h'" },
		{ "gs:Q=1", 8, "unknown key 'Q'" },
		{ "gs:h=x", 8, "'x' is not a positive integer" },
		{ "gs:h=0", 8, "'0' is not a positive integer" },
		{ "gs:", 8, "empty option list" },
		{ "gs:h=2,", 8, "trailing ','" },
		{ "gs:h=2,,B=8", 8, "bad option ''" },
		{ "gs-v,", 8, "trailing ','" },
		{ "gs-v,V=8", 8, "bad option 'V=8' (expected nonuniform or exact" },
		{ "gs-v,exact,exact", 8, "bad option 'exact'" },
		{ "gs-x", 8, "unknown pattern" },
		{ "gs-v", 0, "V not given and no lane count" },
	};
	struct pattern p;
	struct gs_err err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(pattern_parse(bad[i].name, bad[i].lanes, &p, &err) == -1, "%s accepted",
			      bad[i].name);
		ck_assert_msg(strstr(err.msg, bad[i].msg) != NULL, "%s: '%s' lacks '%s'",
			      bad[i].name, err.msg, bad[i].msg);
	}
	memset(&p, 0, sizeof(p));
	p.kind = 9;
	ck_assert_int_eq(pattern_check(&p, &err), -1);
}
END_TEST

START_TEST(test_dense_unstructured)
{
	/* |w| ranks: 4 (idx 5), 3 (1), then the 2s at 2, 4, 6 (ties: lower index). */
	const float w[8] = { 1, -3, 2, 0.5f, -2, 4, 2, 0 };
	const uint32_t r0[2] = { 1, 2 }, r1[2] = { 0, 1 }, all[4] = { 0, 1, 2, 3 };
	struct pattern p = pat("unstructured");
	struct pruned out;
	struct gs_err err;

	ck_assert_int_eq(prune_matrix(w, 2, 4, NULL, &p, 0.5, &out, &err), 0);
	ck_assert_uint_eq(out.nnz, 4);
	expect_row(&out, 0, r0, 2);
	expect_row(&out, 1, r1, 2);
	ck_assert(out.csr.val[0] == -3 && out.csr.val[3] == 4);
	ck_assert(out.sparsity == 0.5 && out.target_sparsity == 0.5);
	ck_assert(out.abs_kept == 1.0 && out.sq_kept == 1.0);
	pruned_free(&out);
	/* 0.3 of 8 = 2.4 -> keep round(5.6) = 6. */
	ck_assert_int_eq(prune_matrix(w, 2, 4, NULL, &p, 0.3, &out, &err), 0);
	ck_assert_uint_eq(out.nnz, 6);
	pruned_free(&out);
	p = pat("dense");
	ck_assert_int_eq(prune_matrix(w, 2, 4, NULL, &p, 0.9, &out, &err), 0);
	ck_assert_uint_eq(out.nnz, 8);
	expect_row(&out, 1, all, 4);
	ck_assert(out.sparsity == 0 && out.abs_kept == 1.0);
	ck_assert_ptr_null(out.gs.ptr);
	pruned_free(&out);
}
END_TEST

START_TEST(test_unstructured_random)
{
	const uint32_t rows = 37, cols = 53;
	float *w = malloc(rows * cols * sizeof(float));
	struct pattern p = pat("unstructured");
	struct pruned out;
	struct gs_err err;
	const double s[5] = { 0, 0.5, 0.75, 0.9, 1.0 };
	int i;

	gaussian(w, rows * cols, 3);
	for (i = 0; i < 5; i++) {
		uint64_t k = (uint64_t)floor((1 - s[i]) * rows * cols + 0.5), j;
		float minkept = INFINITY;
		uint32_t thr;

		ck_assert_int_eq(prune_matrix(w, rows, cols, NULL, &p, s[i], &out, &err), 0);
		ck_assert_uint_eq(out.nnz, k);
		ck_assert(out.abs_kept == 1.0 && out.sq_kept == 1.0);
		/* Kept = exactly the entries at least as large as the k-th. */
		thr = prune_kth_abs_bits(w, (uint64_t)rows * cols, k);
		for (j = 0; j < out.nnz; j++)
			minkept = fminf(minkept, fabsf(out.csr.val[j]));
		if (k) {
			float t;

			memcpy(&t, &thr, sizeof(t));
			ck_assert(minkept == t);
		}
		pruned_free(&out);
	}
	free(w);
}
END_TEST

START_TEST(test_block_hand)
{
	/* 3 x 3 in 2 x 2 blocks: (0,0) full, mean 1 -> 4; (0,1) 2x1 of 3s -> 12;
	** (1,0) 1x2 of 2s -> 8; (1,1) the single 10 -> 40. k = round(4.5) = 5:
	** keep 40 (1), 12 (+2 = 3), 8 (+2 = 5), then 4 would overshoot. */
	const float w[9] = { 1, -1, 3, 1, 1, -3, 2, -2, 10 };
	const uint32_t r0[1] = { 2 }, r2[3] = { 0, 1, 2 };
	struct pattern p = pat("block:2x2");
	struct pruned out;
	struct gs_err err;
	float *big;
	int i;

	ck_assert_int_eq(prune_matrix(w, 3, 3, NULL, &p, 0.5, &out, &err), 0);
	ck_assert_uint_eq(out.nnz, 5);
	expect_row(&out, 0, r0, 1);
	expect_row(&out, 1, r0, 1);
	expect_row(&out, 2, r2, 3);
	pruned_free(&out);
	/* Exact sparsity when the blocks tile the matrix. */
	big = malloc(16 * 64 * sizeof(float));
	gaussian(big, 16 * 64, 11);
	for (i = 0; i < 2; i++) {
		const double s[3] = { 0.5, 0.75, 0.875 };
		int j;

		p = pat(i ? "block:1x8" : "block:8x1");
		for (j = 0; j < 3; j++) {
			uint32_t r, c;

			ck_assert_int_eq(prune_matrix(big, 16, 64, NULL, &p, s[j], &out, &err), 0);
			ck_assert(out.sparsity == s[j]);
			/* Whole blocks only. */
			for (r = 0; r < 16; r++)
				for (c = out.csr.ptr[r]; c < out.csr.ptr[r + 1]; c++)
					if (i)
						ck_assert_uint_eq(out.csr.col[c] % 8, (c - out.csr.ptr[r]) % 8);
			if (!i)
				for (r = 0; r < 16; r++)
					ck_assert_uint_eq(out.csr.ptr[r + 1] - out.csr.ptr[r],
							  out.csr.ptr[(r / 8) * 8 + 1] - out.csr.ptr[(r / 8) * 8]);
			pruned_free(&out);
		}
	}
	free(big);
}
END_TEST

START_TEST(test_nm)
{
	/* Runs [1 4 3 2] -> cols 1, 2; partial run [5 6] keeps round(2*2/4) = 1 -> col 5. */
	const float w[6] = { 1, 4, -3, 2, 5, -6 };
	const uint32_t r0[3] = { 1, 2, 5 };
	/* Ties: lower column first. */
	const float t[4] = { 1, 1, 1, 1 };
	const uint32_t rt[2] = { 0, 1 };
	struct pattern p = pat("nm:2:4");
	struct pruned out;
	struct gs_err err;
	float *big;
	uint32_t r;

	ck_assert_int_eq(prune_matrix(w, 1, 6, NULL, &p, 0.9, &out, &err), 0);
	expect_row(&out, 0, r0, 3);
	ck_assert(out.sparsity == 0.5 && out.target_sparsity == 0.9);
	pruned_free(&out);
	ck_assert_int_eq(prune_matrix(t, 1, 4, NULL, &p, 0.5, &out, &err), 0);
	expect_row(&out, 0, rt, 2);
	pruned_free(&out);
	big = malloc(16 * 64 * sizeof(float));
	gaussian(big, 16 * 64, 12);
	p = pat("nm:1:8");
	ck_assert_int_eq(prune_matrix(big, 16, 64, NULL, &p, 0.9, &out, &err), 0);
	ck_assert(out.sparsity == 0.875);
	for (r = 0; r < 16; r++) {
		uint32_t k;

		for (k = out.csr.ptr[r]; k < out.csr.ptr[r + 1]; k++) {
			uint32_t c = out.csr.col[k], j;

			ck_assert_uint_eq(c / 8, k - out.csr.ptr[r]);
			for (j = c / 8 * 8; j < c / 8 * 8 + 8; j++)
				ck_assert(fabsf(big[r * 64 + j]) <= fabsf(big[r * 64 + c]));
		}
	}
	pruned_free(&out);
	free(big);
}
END_TEST

/* §5.3's proxy on a seeded Gaussian 16 x 64: mean over 4 matrices. */
static double mean_abs_kept(const char *name, double s)
{
	struct pattern p = pat(name);
	float w[16 * 64];
	double sum = 0;
	int seed;

	for (seed = 0; seed < 4; seed++) {
		struct pruned out;
		struct gs_err err;

		gaussian(w, 16 * 64, 500 + (uint64_t)seed);
		ck_assert_int_eq(prune_matrix(w, 16, 64, NULL, &p, s, &out, &err), 0);
		ck_assert(out.sq_kept <= 1.0 + 1e-12 && out.abs_kept <= 1.0 + 1e-12);
		sum += out.abs_kept;
		pruned_free(&out);
	}
	return sum / 4;
}

START_TEST(test_quality_proxy)
{
	/* gs-patterns.md §5.3 (one matrix): GS-V 0.978/0.983 at 75 %, GS-H
	** 0.944, GS-V B=16 0.993, block 8x1 0.668; 87.5 %: 0.975, 0.904, 0.609. */
	double v75 = mean_abs_kept("gs-v", 0.75), v75x = mean_abs_kept("gs-v,exact", 0.75);
	double h75 = mean_abs_kept("gs-h", 0.75), b75 = mean_abs_kept("block:8x1", 0.75);

	ck_assert_double_ge(v75, 0.97);
	ck_assert_double_le(v75, 0.99);
	ck_assert_double_ge(v75x, v75);
	ck_assert_double_le(v75x, 0.995);
	ck_assert_double_ge(h75, 0.925);
	ck_assert_double_le(h75, 0.96);
	ck_assert_double_ge(mean_abs_kept("gs:h=2", 0.75), 0.96);
	ck_assert_double_le(mean_abs_kept("gs:h=2", 0.75), 0.985);
	ck_assert_double_ge(mean_abs_kept("gs:B=16", 0.75), 0.985);
	ck_assert_double_ge(b75, 0.63);
	ck_assert_double_le(b75, 0.71);
	ck_assert_double_ge(mean_abs_kept("gs-v", 0.875), 0.96);
	ck_assert_double_ge(mean_abs_kept("gs-h", 0.875), 0.885);
	ck_assert_double_le(mean_abs_kept("gs-h", 0.875), 0.93);
	ck_assert_double_ge(mean_abs_kept("block:8x1", 0.875), 0.57);
	ck_assert_double_le(mean_abs_kept("block:8x1", 0.875), 0.65);
	/* The ordering the paper's argument rests on. */
	ck_assert_double_gt(v75, h75);
	ck_assert_double_gt(h75, b75 + 0.2);
	ck_assert(mean_abs_kept("unstructured", 0.875) == 1.0);
	ck_assert(mean_abs_kept("dense", 0.875) == 1.0);
}
END_TEST

START_TEST(test_determinism)
{
	static const char *const pats[] = { "unstructured", "block:8x1", "nm:2:4", "gs-v", "gs:h=2,B=16",
					    "gs-v,nonuniform", "gs-v,exact" };
	const uint64_t shape[2] = { 40, 96 };
	struct tensor a, b;
	struct gs_err err;
	size_t i;

	ck_assert_int_eq(weights_synthetic(&a, 2, shape, WEIGHTS_LAPLACE, 0.1, 2024, &err), 0);
	ck_assert_int_eq(weights_synthetic(&b, 2, shape, WEIGHTS_LAPLACE, 0.1, 2024, &err), 0);
	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		struct pattern p = pat(pats[i]);
		struct pruned x, y;

		ck_assert_int_eq(prune_matrix(a.data, 40, 96, NULL, &p, 0.8, &x, &err), 0);
		ck_assert_int_eq(prune_matrix(b.data, 40, 96, NULL, &p, 0.8, &y, &err), 0);
		ck_assert_uint_eq(x.nnz, y.nnz);
		ck_assert_mem_eq(x.csr.ptr, y.csr.ptr, 41 * sizeof(uint32_t));
		ck_assert_mem_eq(x.csr.col, y.csr.col, x.nnz * sizeof(uint32_t));
		ck_assert_mem_eq(x.csr.val, y.csr.val, x.nnz * sizeof(float));
		ck_assert(x.abs_kept == y.abs_kept && x.sq_kept == y.sq_kept);
		if (p.kind == PAT_GS) {
			size_t nb = x.gs.ptr[x.gs.ngroups];

			ck_assert_mem_eq(x.gs.ptr, y.gs.ptr, (x.gs.ngroups + 1) * sizeof(uint32_t));
			ck_assert_mem_eq(x.gs.col, y.gs.col, nb * (size_t)p.V * sizeof(uint32_t));
			ck_assert_mem_eq(x.gs.val, y.gs.val, nb * (size_t)p.V * sizeof(float));
			ck_assert_mem_eq(x.gs.rowind, y.gs.rowind, x.gs.ngroups * (size_t)p.V * 4);
		}
		pruned_free(&x);
		pruned_free(&y);
	}
	tensor_free(&a);
	tensor_free(&b);
}
END_TEST

START_TEST(test_prune_errors)
{
	float w[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const uint32_t bank[4] = { 0, 1, 2, 8 };
	struct pattern p = pat("gs-v");
	struct pruned out;
	struct gs_err err;

	ck_assert_int_eq(prune_matrix(w, 2, 4, bank, &p, 0.5, &out, &err), -1);
	ck_assert_str_eq(err.msg, "prune: column 3 is in bank 8, not below B=8");
	ck_assert_ptr_null(out.csr.ptr);
	ck_assert_int_eq(prune_matrix(w, 2, 4, NULL, &p, 1.5, &out, &err), -1);
	ck_assert_str_eq(err.msg, "prune: sparsity 1.5 out of range (expected 0 to 1)");
	ck_assert_int_eq(prune_matrix(w, 2, 4, NULL, &p, NAN, &out, &err), -1);
	ck_assert_int_eq(prune_matrix(w, 0, 4, NULL, &p, 0.5, &out, &err), -1);
	ck_assert_int_eq(prune_matrix(w, 65536, 65536 + 1, NULL, &p, 0.5, &out, &err), -1);
	ck_assert_msg(strstr(err.msg, "more than 4294967295 elements") != NULL, "%s", err.msg);
	w[5] = NAN;
	ck_assert_int_eq(prune_matrix(w, 2, 4, NULL, &p, 0.5, &out, &err), -1);
	ck_assert_str_eq(err.msg, "prune: weight at row 1, column 1 is NaN");
	w[5] = -INFINITY;
	ck_assert_int_eq(prune_matrix(w, 2, 4, NULL, &p, 0.5, &out, &err), -1);
	ck_assert_str_eq(err.msg, "prune: weight at row 1, column 1 is infinite");
	w[5] = 6;
	p.h = 3;
	ck_assert_int_eq(prune_matrix(w, 2, 4, NULL, &p, 0.5, &out, &err), -1);
	ck_assert_msg(strstr(err.msg, "h=3 does not divide V=8") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(test_kth_and_sort)
{
	const float w[7] = { -1, 3, 0, 3, -0.0f, 2, -5 };
	uint64_t a[300], b[300];
	struct rng r;
	float f;
	uint32_t bits;
	int i, k;

	bits = prune_kth_abs_bits(w, 7, 1);
	memcpy(&f, &bits, 4);
	ck_assert(f == 5);
	bits = prune_kth_abs_bits(w, 7, 3);
	memcpy(&f, &bits, 4);
	ck_assert(f == 3);
	bits = prune_kth_abs_bits(w, 7, 4);
	memcpy(&f, &bits, 4);
	ck_assert(f == 2);
	ck_assert_uint_eq(prune_kth_abs_bits(w, 7, 7), 0);
	ck_assert_uint_eq(prune_kth_abs_bits(w, 7, 0), 0);
	ck_assert_uint_eq(prune_kth_abs_bits(w, 7, 8), 0);
	rng_seed(&r, 1);
	for (k = 0; k < 50; k++) {
		size_t n = (size_t)rng_below(&r, 300), m = n ? (size_t)rng_below(&r, n + 1) : 0, j;

		for (j = 0; j < n; j++)
			a[j] = b[j] = k % 2 ? rng_below(&r, 8) : rng_next(&r);	/* many ties / none */
		prune_sort_desc(a, n);
		for (j = 1; j < n; j++)
			ck_assert_uint_ge(a[j - 1], a[j]);
		prune_select_desc(b, n, m);
		for (j = 0; j < m; j++)
			for (i = (int)m; i < (int)n; i++)
				ck_assert_uint_ge(b[j], b[i]);
	}
}
END_TEST

/* What each pattern family can reach (docs/kernels.md, "Sparsity per pattern"). */
START_TEST(test_sparsity_rules)
{
	struct pattern d = pat("dense"), nm = pat("nm:2:4"), nm3 = pat("nm:1:3");
	struct gs_err err;

	ck_assert_int_eq(pattern_check_sparsity(&d, 0, &err), 0);
	ck_assert_int_eq(pattern_check_sparsity(&d, 0.0004, &err), 0);
	ck_assert_int_eq(pattern_check_sparsity(&d, 0.9, &err), -1);
	ck_assert_str_eq(err.msg, "pattern dense achieves sparsity 0 (it keeps every weight), "
			 "not the asked 0.9");
	ck_assert_int_eq(pattern_check_sparsity(&nm, 0.5, &err), 0);
	ck_assert_int_eq(pattern_check_sparsity(&nm, 0.9, &err), -1);
	ck_assert_str_eq(err.msg, "pattern nm:2:4 achieves sparsity 0.5 (1 - N/M), not the asked 0.9");
	ck_assert_int_eq(pattern_check_sparsity(&nm3, 0.667, &err), 0);	/* 2/3 to three decimals */
	ck_assert_int_eq(pattern_check_sparsity(&nm3, 0.66, &err), -1);
	ck_assert_str_eq(err.msg, "pattern nm:1:3 achieves sparsity 0.666667 (1 - N/M), not the asked 0.66");
	for (double s = 0; s <= 1; s += 0.125) {
		struct pattern u = pat("unstructured"), b = pat("block:8x1"), g = pat("gs-v");

		ck_assert(!pattern_check_sparsity(&u, s, &err) && !pattern_check_sparsity(&b, s, &err) &&
			  !pattern_check_sparsity(&g, s, &err));
	}
	/* half a step over the matrix */
	ck_assert_double_eq(pattern_sparsity_rounding(&(struct pattern){ .kind = PAT_UNSTRUCTURED },
						      10, 10), 0.005);
	ck_assert_double_eq(pattern_sparsity_rounding(&(struct pattern){ .kind = PAT_BLOCK, .br = 8,
								 .bc = 1 }, 16, 10), 4.5 / 160);
	ck_assert_double_eq(pattern_sparsity_rounding(&(struct pattern){ .kind = PAT_BLOCK, .br = 3,
								 .bc = 5 }, 16, 10), 7.5 / 160);
	ck_assert_double_eq(pattern_sparsity_rounding(&nm, 16, 10), SPARSITY_SLACK + 0.05);
	ck_assert_double_eq(pattern_sparsity_rounding(&(struct pattern){ .kind = PAT_GS, .V = 8,
								 .h = 2, .B = 8 }, 16, 64),
			    1.0 / 64 + 0.5 / 1024);
}
END_TEST

/* Every family lands within its rounding on odd shapes and sparsities. */
START_TEST(test_sparsity_achieved)
{
	static const char *const names[] = { "unstructured", "block:8x1", "block:1x8", "block:3x5",
					     "nm:2:4", "gs-v", "gs-h", "gs:V=8,h=2,B=8",
					     "gs-v,nonuniform", "gs:V=8,h=4,B=16,nonuniform" };
	static const double sp[] = { 0.3, 0.5, 0.77, 0.9, 0.95 };
	float w[17 * 150];
	struct gs_err err;

	gaussian(w, 17 * 150, 5);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		for (size_t j = 0; j < sizeof sp / sizeof sp[0]; j++) {
			struct pattern p = pat(names[i]);
			struct pruned pr;
			double s = p.kind == PAT_NM ? 0.5 : sp[j];

			ck_assert_msg(prune_matrix(w, 17, 150, NULL, &p, s, &pr, &err) == 0, "%s", err.msg);
			ck_assert_msg(pattern_check_achieved(&pr, &err) == 0, "%s at %g: %s", names[i], s,
				      err.msg);
			pruned_free(&pr);
		}
}
END_TEST

/* GS cannot reach 0 when h does not divide the columns: gs-h on 151
** columns wants round(151/8) = 19 buckets a row but has room for 18, so
** 144 of 151 kept: 7/151 = 0.0463576, beyond 4/151 + 0.5/1208 = 0.0269. */
START_TEST(test_sparsity_gs_refused)
{
	struct pattern p = pat("gs-h");
	struct pruned pr;
	struct gs_err err;
	float w[8 * 151];

	gaussian(w, 8 * 151, 6);
	ck_assert_int_eq(prune_matrix(w, 8, 151, NULL, &p, 0, &pr, &err), 0);
	ck_assert_uint_eq(pr.nnz, 8 * 144);
	ck_assert_int_eq(pattern_check_achieved(&pr, &err), -1);
	ck_assert_str_eq(err.msg, "pattern gs:V=8,h=8,B=8 reaches sparsity 0.0463576 on this 8 x 151 "
			 "matrix, not the asked 0 (its rounding allows 0.0269): the columns per bank "
			 "class (and cols / h) cap the buckets per group");
	pruned_free(&pr);
}
END_TEST

Suite *prune_suite(void)
{
	Suite *s = suite_create("prune");
	TCase *tc = tcase_create("prune");

	tcase_add_test(tc, test_pattern_names);
	tcase_add_test(tc, test_pattern_errors);
	tcase_add_test(tc, test_dense_unstructured);
	tcase_add_test(tc, test_unstructured_random);
	tcase_add_test(tc, test_block_hand);
	tcase_add_test(tc, test_nm);
	tcase_add_test(tc, test_quality_proxy);
	tcase_add_test(tc, test_determinism);
	tcase_add_test(tc, test_prune_errors);
	tcase_add_test(tc, test_kth_and_sort);
	tcase_add_test(tc, test_sparsity_rules);
	tcase_add_test(tc, test_sparsity_achieved);
	tcase_add_test(tc, test_sparsity_gs_refused);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

