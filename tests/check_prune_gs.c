/*
** check_prune_gs.c: the GS pruner: hand-worked greedy / exact / fallback
** cases, the non-uniform variant, greedy and exact against a brute-force
** optimum, and gs_conformance of every GS variant at 50-90 % sparsity on
** awkward shapes and convolution bank maps.
*/
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gs_check.h"
#include "prune.h"
#include "rng.h"

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

static double kept_abs(const struct pruned *p)
{
	double s = 0;
	uint64_t i;

	for (i = 0; i < p->nnz; i++)
		s += fabs((double)p->csr.val[i]);
	return s;
}

/* Row i of p's csr equals the given columns. */
static void expect_row(const struct pruned *p, uint32_t i, const uint32_t *cols, uint32_t n)
{
	uint32_t k;

	ck_assert_uint_eq(p->csr.ptr[i + 1] - p->csr.ptr[i], n);
	for (k = 0; k < n; k++)
		ck_assert_uint_eq(p->csr.col[p->csr.ptr[i] + k], cols[k]);
}

/* GS hand-worked: V=2, h=1, B=2 (bank 0 = even columns). */
START_TEST(test_gs_hand)
{
	/* t=2: greedy takes 10, 9 (row 0 and bank 0 full), then 0.5, 0.25. */
	const float a[8] = { 10, 1, 9, 0, 8, 0.5f, 7, 0.25f };
	const uint32_t a0[2] = { 0, 2 }, a1[2] = { 1, 3 };
	/* t=1: greedy keeps 5 then must give row 1 a bank-1 zero (sum 5); the
	** optimum swaps banks: row 0 takes 4, row 1 takes 4.5 (sum 8.5). */
	const float b[8] = { 5, 4, 0, 0, 4.5f, 0, 0, 0 };
	const uint32_t bg0[1] = { 0 }, bg1[1] = { 1 }, be0[1] = { 1 }, be1[1] = { 0 };
	/* 3 columns, bank 1 = column 1 only: t=2 forces both rows onto column
	** 1; greedy fills row 0 with 9, 8 and leaves row 1 short -> exact. */
	const float c[6] = { 9, 1, 8, 7, 2, 6 };
	const uint32_t c01[2] = { 0, 1 };
	struct pattern p = pat("gs:V=2,h=1,B=2");
	struct pruned out;
	struct gs_err err;
	char why[256];
	int exact;

	ck_assert_int_eq(prune_matrix(a, 2, 4, NULL, &p, 0.5, &out, &err), 0);
	expect_row(&out, 0, a0, 2);
	expect_row(&out, 1, a1, 2);
	ck_assert_uint_eq(out.gs.ngroups, 1);
	ck_assert_uint_eq(out.gs.ptr[1], 2);
	ck_assert_uint_eq(out.gs.rowind[0], 0);
	ck_assert_uint_eq(out.gs.rowind[1], 1);
	{
		const uint32_t cols[4] = { 0, 1, 2, 3 };
		const float vals[4] = { 10, 0.5f, 9, 0.25f };

		ck_assert_mem_eq(out.gs.col, cols, sizeof(cols));
		ck_assert_mem_eq(out.gs.val, vals, sizeof(vals));
	}
	pruned_free(&out);
	for (exact = 0; exact < 2; exact++) {
		p.exact = exact;
		ck_assert_int_eq(prune_matrix(b, 2, 4, NULL, &p, 0.75, &out, &err), 0);
		expect_row(&out, 0, exact ? be0 : bg0, 1);
		expect_row(&out, 1, exact ? be1 : bg1, 1);
		ck_assert(kept_abs(&out) == (exact ? 8.5 : 5.0));
		ck_assert(gs_conformance(&out, NULL, why, sizeof(why)));
		pruned_free(&out);
		ck_assert_int_eq(prune_matrix(c, 2, 3, NULL, &p, 1.0 / 3, &out, &err), 0);
		expect_row(&out, 0, c01, 2);
		expect_row(&out, 1, c01, 2);
		ck_assert(kept_abs(&out) == 19.0);
		ck_assert(gs_conformance(&out, NULL, why, sizeof(why)));
		pruned_free(&out);
	}
	/* Sparsity 1: no buckets at all, still conforming. */
	ck_assert_int_eq(prune_matrix(c, 2, 3, NULL, &p, 1.0, &out, &err), 0);
	ck_assert_uint_eq(out.nnz, 0);
	ck_assert_uint_eq(out.gs.ptr[1], 0);
	ck_assert(out.sparsity == 1.0 && out.abs_kept == 1.0);
	ck_assert(gs_conformance(&out, NULL, why, sizeof(why)));
	pruned_free(&out);
	/* t is lowered to the largest feasible: 3 of 3 columns per row would
	** need 3 entries in bank 1, which has 2 (rows x 1 column). */
	ck_assert_int_eq(prune_matrix(c, 2, 3, NULL, &p, 0.0, &out, &err), 0);
	ck_assert_uint_eq(out.nnz, 4);
	pruned_free(&out);
}
END_TEST

START_TEST(test_gs_nonuniform_hand)
{
	/* Rows 0-1 large, rows 2-3 small: the global top half is all of group
	** 0, so t_0 = 8 (all kept) and t_1 = 0. */
	float w[32];
	struct pattern p = pat("gs:V=2,h=1,B=2,nonuniform");
	struct pruned out;
	struct gs_err err;
	char why[256];
	int i;

	for (i = 0; i < 32; i++)
		w[i] = i < 16 ? 10.0f + (float)i : 0.01f * (float)(i - 15);
	ck_assert_int_eq(prune_matrix(w, 4, 8, NULL, &p, 0.5, &out, &err), 0);
	ck_assert_uint_eq(out.nnz, 16);
	ck_assert_uint_eq(out.gs.ngroups, 2);
	ck_assert_uint_eq(out.gs.ptr[1], 8);
	ck_assert_uint_eq(out.gs.ptr[2], 8);
	ck_assert(out.abs_kept == 1.0);
	ck_assert_msg(gs_conformance(&out, NULL, why, sizeof(why)), "%s", why);
	pruned_free(&out);
}
END_TEST

struct brute {
	const float *w;
	uint32_t rr, cols, k, t;
	const uint32_t *bank;
	uint32_t cnt[16];
	double best;
};

static uint32_t popcount(uint32_t m)
{
	uint32_t n = 0;

	for (; m; m &= m - 1)
		n++;
	return n;
}

static void brute_rec(struct brute *b, uint32_t row, double sum)
{
	uint32_t m, c;

	if (row == b->rr) {
		if (sum > b->best)
			b->best = sum;
		return;
	}
	for (m = 0; m < (1u << b->cols); m++) {
		double s = sum;
		int ok = 1;

		if (popcount(m) != b->k)
			continue;
		for (c = 0; c < b->cols; c++)
			if (m >> c & 1) {
				ok &= ++b->cnt[b->bank[c]] <= b->t;
				s += fabs((double)b->w[row * b->cols + c]);
			}
		if (ok)
			brute_rec(b, row + 1, s);
		for (c = 0; c < b->cols; c++)
			if (m >> c & 1)
				b->cnt[b->bank[c]]--;
	}
}

/* Best kept sum |w| of rr rows x cols: each row k entries, each bank <= t;
** -1 if infeasible. */
static double brute(const float *w, uint32_t rr, uint32_t cols, const uint32_t *bank,
		    uint32_t k, uint32_t t)
{
	struct brute b;

	memset(&b, 0, sizeof(b));
	b.w = w;
	b.rr = rr;
	b.cols = cols;
	b.bank = bank;
	b.k = k;
	b.t = t;
	b.best = -1;
	brute_rec(&b, 0, 0);
	return b.best;
}

START_TEST(test_gs_brute_force)
{
	static const struct { int V, h, B; uint32_t rows, cols; double s; int random_banks; } cs[] = {
		{ 4, 1, 4, 4, 8, 0.75, 0 }, { 4, 1, 8, 4, 8, 0.75, 0 }, { 4, 1, 4, 4, 8, 0.875, 0 },
		{ 4, 2, 4, 4, 8, 0.75, 0 }, { 4, 2, 4, 4, 8, 0.5, 0 }, { 4, 2, 4, 4, 8, 0.25, 0 },
		{ 2, 1, 2, 4, 8, 0.5, 0 }, { 2, 1, 2, 4, 8, 0.25, 0 }, { 4, 4, 4, 3, 8, 0.5, 0 },
		{ 4, 1, 4, 4, 8, 0.75, 1 }, { 4, 2, 4, 4, 8, 0.25, 1 }, { 2, 1, 2, 4, 8, 0.25, 1 },
		{ 4, 2, 8, 4, 8, 0.5, 1 }, { 4, 1, 4, 3, 7, 0.5, 1 }, { 2, 1, 3, 5, 6, 0.5, 1 },
	};
	int greedy_worse = 0;
	size_t ci;

	for (ci = 0; ci < sizeof(cs) / sizeof(cs[0]); ci++) {
		uint32_t seed;

		for (seed = 0; seed < 6; seed++) {
			uint32_t rows = cs[ci].rows, cols = cs[ci].cols, bank[16], c, g;
			uint32_t r = (uint32_t)(cs[ci].V / cs[ci].h);
			uint32_t want = (uint32_t)floor((1 - cs[ci].s) * cols / cs[ci].h + 0.5);
			struct pattern p = { PAT_GS, 0, 0, 0, 0, cs[ci].V, cs[ci].h, cs[ci].B, 0, 0 };
			struct pruned gr, ex;
			struct gs_err err;
			struct rng rg;
			char why[256];
			float w[64];

			gaussian(w, rows * cols, 1000 * ci + seed);
			rng_seed(&rg, seed);
			for (c = 0; c < cols; c++)
				bank[c] = cs[ci].random_banks ? (uint32_t)rng_below(&rg, (uint64_t)cs[ci].B) :
							       c % (uint32_t)cs[ci].B;
			ck_assert_int_eq(prune_matrix(w, rows, cols, bank, &p, cs[ci].s, &gr, &err), 0);
			p.exact = 1;
			ck_assert_int_eq(prune_matrix(w, rows, cols, bank, &p, cs[ci].s, &ex, &err), 0);
			ck_assert_msg(gs_conformance(&gr, bank, why, sizeof(why)), "%s", why);
			ck_assert_msg(gs_conformance(&ex, bank, why, sizeof(why)), "%s", why);
			for (g = 0; g < ex.gs.ngroups; g++) {
				uint32_t i0 = g * r, rr = rows - i0 < r ? rows - i0 : r;
				uint32_t t = ex.gs.ptr[g + 1] - ex.gs.ptr[g], k = (uint32_t)cs[ci].h * t;
				double best = brute(w + i0 * cols, rr, cols, bank, k, t), sg = 0, se = 0;
				uint32_t e;

				/* t: as asked, or the largest feasible below it. */
				ck_assert_uint_le(t, want);
				ck_assert_uint_eq(gr.gs.ptr[g + 1] - gr.gs.ptr[g], t);
				if (t < want)
					ck_assert(brute(w + i0 * cols, rr, cols, bank, k + (uint32_t)cs[ci].h,
							t + 1) < 0);
				for (e = ex.csr.ptr[i0]; e < ex.csr.ptr[i0 + rr]; e++)
					se += fabs((double)ex.csr.val[e]);
				for (e = gr.csr.ptr[i0]; e < gr.csr.ptr[i0 + rr]; e++)
					sg += fabs((double)gr.csr.val[e]);
				ck_assert_msg(fabs(se - best) <= 1e-9 * best, "case %zu seed %u group %u: "
					      "exact %.9f, brute force %.9f", ci, seed, g, se, best);
				ck_assert(sg <= se + 1e-9 * best);
				greedy_worse += sg < se - 1e-9 * best;
			}
			pruned_free(&gr);
			pruned_free(&ex);
		}
	}
	/* The comparison is not vacuous: greedy is sometimes beaten. */
	ck_assert_int_gt(greedy_worse, 0);
}
END_TEST

/* Banks of the columns of a 3x3 convolution over a 10-wide NHWC input with
** 6 channels: column (kh*3 + kw)*6 + ci gathers offset kh*60 + kw*6 + ci. */
static void conv_banks(uint32_t *bank, int B)
{
	uint32_t kh, kw, ci;

	for (kh = 0; kh < 3; kh++)
		for (kw = 0; kw < 3; kw++)
			for (ci = 0; ci < 6; ci++)
				bank[(kh * 3 + kw) * 6 + ci] = (kh * 60 + kw * 6 + ci) % (uint32_t)B;
}

START_TEST(test_gs_conformance_sweep)
{
	static const char *const pats[] = {
		"gs-v", "gs-h", "gs:h=2,B=16", "gs:B=16", "gs:h=4", "gs-v,nonuniform",
		"gs:h=2,B=16,nonuniform", "gs-h,nonuniform", "gs:h=2,exact", "gs:V=4,h=2,B=8",
	};
	static const struct { uint32_t rows, cols; int conv; } shapes[] = {
		{ 64, 256, 0 }, { 13, 100, 0 }, { 24, 54, 1 },
	};
	const double sp[4] = { 0.5, 0.75, 0.875, 0.9 };
	size_t pi, si;
	int k;

	for (si = 0; si < 3; si++) {
		uint32_t rows = shapes[si].rows, cols = shapes[si].cols;
		float *w = malloc((size_t)rows * cols * sizeof(float));

		gaussian(w, (size_t)rows * cols, 77 + si);
		for (pi = 0; pi < sizeof(pats) / sizeof(pats[0]); pi++) {
			struct pattern p = pat(pats[pi]);
			uint32_t bank[64], *cb = NULL, r = (uint32_t)(p.V / p.h);

			if (shapes[si].conv) {
				conv_banks(bank, p.B);
				cb = bank;
			}
			for (k = 0; k < 4; k++) {
				struct pruned out;
				struct gs_err err;
				char why[256];
				uint32_t g;

				ck_assert_msg(prune_matrix(w, rows, cols, cb, &p, sp[k], &out, &err) == 0,
					      "%s: %s", pats[pi], err.msg);
				ck_assert_msg(gs_conformance(&out, cb, why, sizeof(why)),
					      "%s %ux%u at %g: %s", pats[pi], rows, cols, sp[k], why);
				ck_assert_uint_eq(out.gs.ngroups, (rows + r - 1) / r);
				ck_assert_msg(fabs(out.sparsity - sp[k]) <= p.h / (2.0 * cols) + 0.01, "%s %ux%u at %g: %g", pats[pi], rows, cols, sp[k], out.sparsity);
				if (!p.nonuniform)
					for (g = 1; g < out.gs.ngroups; g++)
						ck_assert_uint_eq(out.gs.ptr[g + 1] - out.gs.ptr[g], out.gs.ptr[1]);
				/* Exact sparsity when it divides evenly. */
				if (si == 0 && !p.nonuniform)
					ck_assert(out.sparsity == 1 - (double)out.gs.ptr[1] * p.h / cols);
				if (si == 0 && !p.nonuniform && sp[k] != 0.9)
					ck_assert(out.sparsity == sp[k]);
				pruned_free(&out);
			}
		}
		free(w);
	}
}
END_TEST

Suite *prune_gs_suite(void)
{
	Suite *s = suite_create("prune_gs");
	TCase *tc = tcase_create("prune_gs");

	tcase_add_test(tc, test_gs_hand);
	tcase_add_test(tc, test_gs_nonuniform_hand);
	tcase_add_test(tc, test_gs_brute_force);
	tcase_add_test(tc, test_gs_conformance_sweep);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
