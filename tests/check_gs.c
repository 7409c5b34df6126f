/*
** check_gs.c: the GS conformance checker on gs-patterns.md §1.3's worked
** examples, the König bucket packer on many random conforming masks, and
** the checker's verdicts on corrupted buckets.
*/
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gs_check.h"
#include "prune.h"
#include "rng.h"

/* Rows of 'x' (kept) and '.' into mask. */
static void parse_rows(const char *const *rows, uint32_t n, uint32_t cols, uint8_t *mask)
{
	uint32_t i, c;

	for (i = 0; i < n; i++)
		for (c = 0; c < cols; c++)
			mask[i * cols + c] = rows[i][c] == 'x';
}

/* Row i keeps exactly the n columns given. */
static void set_row(uint8_t *mask, uint32_t cols, uint32_t i, const uint32_t *c, int n)
{
	int k;

	memset(mask + i * cols, 0, cols);
	for (k = 0; k < n; k++)
		mask[i * cols + c[k]] = 1;
}

static void expect_verdict(const uint8_t *mask, uint32_t rows, uint32_t cols, int V, int h,
			   int B, const char *want)
{
	char why[256] = "";
	int ok = gs_check_mask(mask, rows, cols, V, h, B, why, sizeof(why));

	if (!want) {
		ck_assert_msg(ok == 1, "GS(%d,%d,%d) rejected: %s", V, h, B, why);
		return;
	}
	ck_assert_msg(ok == 0, "GS(%d,%d,%d) accepted, expected '%s'", V, h, B, want);
	ck_assert_str_eq(why, want);
}

/* A pruned matrix (csr only, value = 1 + element index) from a mask. */
static void pruned_from_mask(struct pruned *p, const uint8_t *mask, uint32_t rows, uint32_t cols,
			     int V, int h, int B)
{
	uint32_t i, c, k = 0;

	memset(p, 0, sizeof(*p));
	p->pat.kind = PAT_GS;
	p->pat.V = V;
	p->pat.h = h;
	p->pat.B = B;
	p->rows = rows;
	p->cols = cols;
	p->csr.ptr = malloc((rows + 1) * sizeof(uint32_t));
	p->csr.col = malloc((size_t)rows * cols * sizeof(uint32_t) + 4);
	p->csr.val = malloc((size_t)rows * cols * sizeof(float) + 4);
	p->csr.ptr[0] = 0;
	for (i = 0; i < rows; i++) {
		for (c = 0; c < cols; c++) {
			if (mask[i * cols + c]) {
				p->csr.col[k] = c;
				p->csr.val[k++] = (float)(1 + i * cols + c);
			}
		}
		p->csr.ptr[i + 1] = k;
	}
	p->nnz = k;
}

static const char *const horiz[8] = {
	"x.x..x.x", ".x.xx.x.", "xxxx....", "....xxxx",
	"x..x.xx.", ".xx.x..x", "xx....xx", "..xxxx..",
};
static const char *const vert[8] = {
	"xx......", ".x....x.", "..x....x", "...xx...",
	"x....x..", ".xx.....", "...x..x.", "....x..x",
};

START_TEST(test_worked_horizontal)
{
	uint8_t m[64];
	const uint32_t bad0[4] = { 0, 4, 1, 2 }, three[3] = { 1, 3, 4 };
	const uint32_t five[5] = { 1, 3, 4, 6, 7 };

	parse_rows(horiz, 8, 8, m);
	expect_verdict(m, 8, 8, 4, 4, 4, NULL);
	set_row(m, 8, 0, bad0, 4);
	expect_verdict(m, 8, 8, 4, 4, 4, "group 0: bank 0 count 2 > t=1");
	parse_rows(horiz, 8, 8, m);
	set_row(m, 8, 1, three, 3);
	expect_verdict(m, 8, 8, 4, 4, 4, "group 1: row nnz 3 not a multiple of h=4");
	set_row(m, 8, 1, five, 5);
	expect_verdict(m, 8, 8, 4, 4, 4, "group 1: row nnz 5 not a multiple of h=4");
}
END_TEST

START_TEST(test_worked_vertical)
{
	uint8_t m[64];
	const uint32_t r1[2] = { 0, 4 }, r2[3] = { 2, 5, 7 };
	struct pruned p;
	struct gs_err err;
	char why[256];
	uint32_t j, l;

	parse_rows(vert, 8, 8, m);
	expect_verdict(m, 8, 8, 4, 1, 4, NULL);
	/* Not GS(4, 2, 4): rows 0 and 1 put bank 1 twice with t = 1. */
	expect_verdict(m, 8, 8, 4, 2, 4, "group 0: bank 1 count 2 > t=1");
	/* Packing: 2 buckets per group, lane l = row 4g + l, distinct banks. */
	pruned_from_mask(&p, m, 8, 8, 4, 1, 4);
	ck_assert_msg(gs_pack(&p, NULL, &err) == 0, "%s", err.msg);
	ck_assert_msg(gs_conformance(&p, NULL, why, sizeof(why)), "%s", why);
	ck_assert_uint_eq(p.gs.ngroups, 2);
	ck_assert_uint_eq(p.gs.ptr[1], 2);
	ck_assert_uint_eq(p.gs.ptr[2], 4);
	for (j = 0; j < 4; j++) {
		uint32_t banks = 0;

		for (l = 0; l < 4; l++) {
			uint32_t c = p.gs.col[j * 4 + l], row = (j / 2) * 4 + l;

			ck_assert_uint_eq(p.gs.rowind[(j / 2) * 4 + l], row);
			ck_assert(m[row * 8 + c]);
			ck_assert(p.gs.val[j * 4 + l] == (float)(1 + row * 8 + c));
			banks |= 1u << (c % 4);
		}
		ck_assert_uint_eq(banks, 0xf);
	}
	pruned_free(&p);
	/* (i) row 1 = {0, 4}: bank 0 four times in group 0. */
	set_row(m, 8, 1, r1, 2);
	expect_verdict(m, 8, 8, 4, 1, 4, "group 0: bank 0 count 4 > t=2");
	pruned_from_mask(&p, m, 8, 8, 4, 1, 4);
	ck_assert_int_eq(gs_pack(&p, NULL, &err), -1);
	ck_assert_str_eq(err.msg, "gs_pack: not GS(4, 1, 4)-conforming: group 0: bank 0 count 4 > t=2");
	pruned_free(&p);
	/* (ii) row 2 gets a third non-zero. */
	parse_rows(vert, 8, 8, m);
	set_row(m, 8, 2, r2, 3);
	expect_verdict(m, 8, 8, 4, 1, 4, "group 0: row nnz unequal (2,2,3,2)");
}
END_TEST

START_TEST(test_mask_edge_cases)
{
	/* 3 rows, V=4, h=2: the last group has one row. */
	uint8_t m[3 * 8] = { 1, 1, 0, 0, 0, 0, 0, 0,  0, 0, 1, 1, 0, 0, 0, 0,
			     1, 0, 1, 1, 0, 0, 0, 0 };
	char why[64];

	expect_verdict(m, 3, 8, 4, 2, 4, "group 1: row nnz 3 not a multiple of h=2");
	m[2 * 8 + 3] = 0;
	expect_verdict(m, 3, 8, 4, 2, 4, NULL);
	m[2 * 8 + 2] = 0;
	m[2 * 8 + 4] = 1;	/* columns 0 and 4: bank 0 twice, t = 1 */
	expect_verdict(m, 3, 8, 4, 2, 4, "group 1: bank 0 count 2 > t=1");
	expect_verdict(m, 3, 8, 4, 3, 4, "bad GS parameters V=4 h=3 B=4");
	ck_assert_int_eq(gs_check_mask(m, 0, 8, 4, 1, 4, why, sizeof(why)), 0);
	ck_assert_int_eq(gs_check_mask(m, 3, 8, 4, 1, 4, NULL, 0), 0);	/* why is optional */
}
END_TEST

/* A random GS(V, h, B)-conforming mask built bucket by bucket (random
** distinct banks per bucket, a random free column of the lane's row in
** its bank), with a random t per group (fewer if it gets stuck). */
static void random_conforming(struct rng *r, uint8_t *mask, uint32_t rows, uint32_t cols, int V,
			     int h, int B, const uint32_t *bank)
{
	uint32_t rg = (uint32_t)(V / h), g, u, l, c;
	int perm[64];

	memset(mask, 0, (size_t)rows * cols);
	for (g = 0; g * rg < rows; g++) {
		uint32_t i0 = g * rg, rr = rows - i0 < rg ? rows - i0 : rg;
		uint32_t t = (uint32_t)rng_below(r, 7);

		for (u = 0; u < t; u++) {
			int tries, done = 0;

			for (tries = 0; tries < 200 && !done; tries++) {
				uint32_t pick[64];
				int b, k;

				for (b = 0; b < B; b++)
					perm[b] = b;
				for (b = B - 1; b > 0; b--) {
					int j = (int)rng_below(r, (uint64_t)b + 1), x = perm[b];

					perm[b] = perm[j];
					perm[j] = x;
				}
				done = 1;
				for (l = 0; l < rr * (uint32_t)h && done; l++) {
					uint32_t i = i0 + l / (uint32_t)h, n = 0;

					/* A random free column of row i in bank perm[l]. */
					for (c = 0; c < cols; c++) {
						int taken = mask[i * cols + c];

						for (k = 0; k < (int)l; k++)
							taken |= pick[k] == c && l / (uint32_t)h == (uint32_t)k / (uint32_t)h;
						if (!taken && bank[c] == (uint32_t)perm[l] && rng_below(r, ++n) == 0)
							pick[l] = c;
					}
					done = n > 0;
				}
				if (done)
					for (l = 0; l < rr * (uint32_t)h; l++)
						mask[(i0 + l / (uint32_t)h) * cols + pick[l]] = 1;
			}
			if (!done)
				break;	/* this group gets t = u buckets */
		}
	}
}

START_TEST(test_pack_random_masks)
{
	static const int hs[4] = { 1, 2, 4, 8 };
	struct rng r;
	uint8_t *mask = malloc(24 * 96);
	int hi, B, trial, packed = 0;

	rng_seed(&r, 2112);
	for (hi = 0; hi < 4; hi++) {
		for (B = 8; B <= 16; B += 8) {
			for (trial = 0; trial < 150; trial++) {
				uint32_t rows = 1 + (uint32_t)rng_below(&r, 24);
				uint32_t cols = 32 + (uint32_t)rng_below(&r, 65), bank[96], c;
				int own_banks = trial % 3 == 2;
				struct pruned p;
				struct gs_err err;
				char why[256];

				for (c = 0; c < cols; c++)
					bank[c] = own_banks ? (uint32_t)rng_below(&r, (uint64_t)B) : c % (uint32_t)B;
				random_conforming(&r, mask, rows, cols, 8, hs[hi], B, bank);
				if (!own_banks)
					expect_verdict(mask, rows, cols, 8, hs[hi], B, NULL);
				pruned_from_mask(&p, mask, rows, cols, 8, hs[hi], B);
				ck_assert_msg(gs_pack(&p, bank, &err) == 0, "%s", err.msg);
				ck_assert_msg(gs_conformance(&p, bank, why, sizeof(why)),
					      "h=%d B=%d %ux%u: %s", hs[hi], B, rows, cols, why);
				packed += p.gs.ptr[p.gs.ngroups] > 0;
				pruned_free(&p);
			}
		}
	}
	ck_assert_int_gt(packed, 1100);
	free(mask);
}
END_TEST

START_TEST(test_pack_wide)
{
	/* V=16 with 32 and 64 banks, and V=64 (the lane limit). */
	static const int cfg[4][3] = { { 16, 1, 32 }, { 16, 4, 32 }, { 16, 2, 64 }, { 64, 8, 64 } };
	struct rng r;
	uint8_t *mask = malloc(80 * 256);
	int k, trial;

	rng_seed(&r, 64);
	for (k = 0; k < 4; k++) {
		for (trial = 0; trial < 20; trial++) {
			uint32_t rows = 1 + (uint32_t)rng_below(&r, 80), cols = 256, bank[256], c;
			struct pruned p;
			struct gs_err err;
			char why[256];

			for (c = 0; c < cols; c++)
				bank[c] = c % (uint32_t)cfg[k][2];
			random_conforming(&r, mask, rows, cols, cfg[k][0], cfg[k][1], cfg[k][2], bank);
			pruned_from_mask(&p, mask, rows, cols, cfg[k][0], cfg[k][1], cfg[k][2]);
			ck_assert_msg(gs_pack(&p, NULL, &err) == 0, "%s", err.msg);
			ck_assert_msg(gs_conformance(&p, NULL, why, sizeof(why)), "%s", why);
			pruned_free(&p);
		}
	}
	free(mask);
}
END_TEST

static void prune_random(struct pruned *out, const char *name, uint32_t rows, uint32_t cols)
{
	struct pattern p;
	struct gs_err err;
	struct rng r;
	float *w = malloc((size_t)rows * cols * sizeof(float));
	uint32_t i;
	char why[256];

	rng_seed(&r, 99);
	for (i = 0; i < rows * cols; i++)
		w[i] = (float)rng_gaussian(&r);
	ck_assert_int_eq(pattern_parse(name, 8, &p, &err), 0);
	ck_assert_int_eq(prune_matrix(w, rows, cols, NULL, &p, 0.75, out, &err), 0);
	ck_assert_msg(gs_conformance(out, NULL, why, sizeof(why)), "%s", why);
	free(w);
}

static void expect_bad(const struct pruned *p, const char *want)
{
	char why[256];

	ck_assert_int_eq(gs_conformance(p, NULL, why, sizeof(why)), 0);
	ck_assert_msg(strstr(why, want) == why, "got '%s', want '%s...'", why, want);
}

START_TEST(test_corrupted_buckets)
{
	struct pruned p;
	uint32_t save, b0, b1;
	float v;

	/* 13 rows of gs-v: group 1 has 5 rows and 3 padding lanes. */
	prune_random(&p, "gs-v", 13, 64);
	b0 = p.gs.col[0];
	b1 = p.gs.col[1];
	p.gs.col[1] = b0 + 8 < 64 ? b0 + 8 : b0 - 8;	/* lane 1 into lane 0's bank */
	expect_bad(&p, "group 0 bucket 0: lanes 0 and 1 both in bank");
	p.gs.col[1] = b1;
	p.gs.rowind[3] = 4;
	expect_bad(&p, "group 0: lane 3 rowind 4, expected 3");
	p.gs.rowind[3] = 3;
	ck_assert_uint_eq(p.gs.rowind[8 + 6], UINT32_MAX);
	p.gs.rowind[8 + 6] = 13;
	expect_bad(&p, "group 1: lane 6 rowind 13, expected 4294967295");
	p.gs.rowind[8 + 6] = UINT32_MAX;
	save = p.gs.ptr[1] * 8 + 6;
	p.gs.col[save] = 0;
	expect_bad(&p, "group 1 bucket 0: padding lane 6 not masked");
	p.gs.col[save] = GS_COL_NONE;
	p.gs.val[save] = 1;
	expect_bad(&p, "group 1 bucket 0: padding lane 6 not masked");
	p.gs.val[save] = 0;
	v = p.gs.val[2];
	p.gs.val[2] = v + 1;
	expect_bad(&p, "group 0 bucket 0: lane 2 (row 2, column ");
	p.gs.val[2] = v;
	save = p.gs.col[2];
	p.gs.col[2] = 64;
	expect_bad(&p, "group 0 bucket 0: lane 2 column 64 out of range");
	p.gs.col[2] = save;
	p.gs.ptr[1]--;
	expect_bad(&p, "group 0: 15 buckets, expected t=16");
	p.gs.ptr[1]++;
	p.gs.ngroups = 1;
	expect_bad(&p, "buckets: 1 groups, expected 2");
	p.gs.ngroups = 2;
	/* Lane 0 of bucket 1 repeats lane 0 of bucket 0 (same row). */
	save = p.gs.col[8];
	v = p.gs.val[8];
	p.gs.col[8] = p.gs.col[0];
	p.gs.val[8] = p.gs.val[0];
	ck_assert_int_eq(gs_conformance(&p, NULL, NULL, 0), 0);
	p.gs.col[8] = save;
	p.gs.val[8] = v;
	ck_assert_int_eq(gs_conformance(&p, NULL, NULL, 0), 1);
	p.nnz++;
	expect_bad(&p, "nnz ");
	p.nnz--;
	p.pat.kind = PAT_BLOCK;
	expect_bad(&p, "not a GS pattern");
	p.pat.kind = PAT_GS;
	pruned_free(&p);

	/* A hybrid: lanes 0-1 are row 0, so a column outside row 0's kept set
	** in lane 1 is not in the csr. */
	prune_random(&p, "gs:h=2,B=16", 16, 64);
	save = p.gs.col[1];
	for (b0 = 0; b0 < 64; b0++) {
		uint32_t e, kept = 0;

		for (e = p.csr.ptr[0]; e < p.csr.ptr[1]; e++)
			kept |= p.csr.col[e] == b0;
		if (!kept && b0 % 16 == save % 16)
			break;
	}
	ck_assert_uint_lt(b0, 64);
	p.gs.col[1] = b0;
	expect_bad(&p, "group 0 bucket 0: lane 1 (row 0, column ");
	p.gs.col[1] = save;
	ck_assert_int_eq(gs_conformance(&p, NULL, NULL, 0), 1);
	pruned_free(&p);
}
END_TEST

Suite *gs_suite(void)
{
	Suite *s = suite_create("gs");
	TCase *tc = tcase_create("gs");

	tcase_add_test(tc, test_worked_horizontal);
	tcase_add_test(tc, test_worked_vertical);
	tcase_add_test(tc, test_mask_edge_cases);
	tcase_add_test(tc, test_pack_random_masks);
	tcase_add_test(tc, test_pack_wide);
	tcase_add_test(tc, test_corrupted_buckets);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
