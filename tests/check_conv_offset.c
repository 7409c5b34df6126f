/*
** check_conv_offset.c: the one convolution gather-offset formula
** (kernels/conv_offset.h): hand-worked offsets and pixel pitches, and the
** bank classes the GS pruner takes (lab/layer_job.c layer_col_banks) equal
** to those of the kernel's channel-chunk offsets, on a layer whose channel
** count is not a multiple of the banks (cin = 60, B = 8) and on Jasper's
** split Conv2.
*/
#include <check.h>
#include <stdlib.h>

#include "conv_offset.h"
#include "layer_job.h"
#include "workload.h"

static struct conv_params params_of(const struct layer *L)
{
	int one_d = L->kind == LAYER_CONV1D;
	struct conv_params p = { 1, L->cin, L->cout, L->h_in, L->w_in, L->kh, L->kw,
				 one_d ? 1 : L->stride, L->stride, one_d ? 0 : L->pad, L->pad,
				 one_d ? 1 : L->dilation, L->dilation };

	return p;
}

/* 5x5x60, 3x3, pad 1: padded rows of 7 pixels. */
static const struct layer odd = { "test", "odd", LAYER_CONV2D, 20, 540, 25,
				  60, 20, 3, 3, 1, 1, 1, 5, 5 };

START_TEST(test_offsets_by_hand)
{
	struct conv_params p = params_of(&odd);

	/* column (kh 1, kw 2, ci 5) = (1*3 + 2)*60 + 5 = 305 of the layer:
	** (1*7 + 2)*60 + 5 = 545; of the chunk [0, 32) at pitch 36 it is
	** column 5*32 + 5 = 165: 9*36 + 5 = 329; 545 = 329 = 1 (mod 8) */
	ck_assert_uint_eq(conv_gather_offset(&p, 60, 60, 305), 545);
	ck_assert_uint_eq(conv_gather_offset(&p, 32, 36, 165), 329);
	ck_assert_uint_eq(conv_pixel_pitch(60, 32, 8), 36);
	ck_assert_uint_eq(conv_pixel_pitch(60, 28, 8), 28);
	ck_assert_uint_eq(conv_pixel_pitch(60, 24, 8), 28);
	ck_assert_uint_eq(conv_pixel_pitch(60, 60, 8), 60);
	ck_assert_uint_eq(conv_pixel_pitch(60, 30, 0), 30);	/* not GS: no padding */
	ck_assert_uint_eq(conv_pixel_pitch(768, 384, 8), 384);
	ck_assert_uint_eq(conv_pixel_pitch(12, 8, 8), 12);	/* no saving: cannot split */
}
END_TEST

/* Columns of L whose kernel channel lies in chunks of cc (start multiples of
** cc) at pitch pitch (0: conv_pixel_pitch) whose chunk offset is in
** another bank class than layer_col_banks gives. */
static uint32_t mismatches(const struct layer *L, uint32_t cc, uint32_t pitch, int B)
{
	struct conv_params p = params_of(L);
	uint32_t *bank = layer_col_banks(L, L->K, B), bad = 0;

	ck_assert_ptr_nonnull(bank);
	for (uint32_t col = 0; col < L->K; col++) {
		uint32_t ci = col % L->cin, kpos = col / L->cin, start = ci / cc * cc;
		uint32_t n = L->cin - start < cc ? L->cin - start : cc;
		uint32_t pp = pitch ? pitch : conv_pixel_pitch(L->cin, n, B);
		uint64_t off = conv_gather_offset(&p, n, pp, kpos * n + ci - start);

		bad += off % (uint64_t)B != bank[col];
	}
	free(bank);
	return bad;
}

START_TEST(test_chunks_keep_bank_classes)
{
	struct gs_err err;
	const struct layer *conv1 = workload_find("resnet50:conv1", &err);
	const struct layer *jasper = workload_find("jasper:conv2", &err);
	uint32_t *bank;

	ck_assert_ptr_nonnull(conv1);
	ck_assert_ptr_nonnull(jasper);
	/* cin 3, 7x7, pad 3 at 224: rows of 230 pixels; column 21 is
	** (kh 1, kw 0, ci 0): 230*3 = 690 = 2 (mod 8); column 3 is kw 1: 3 */
	bank = layer_col_banks(conv1, conv1->K, 8);
	ck_assert_ptr_nonnull(bank);
	ck_assert_uint_eq(bank[21], 2);
	ck_assert_uint_eq(bank[3], 3);
	ck_assert_uint_eq(bank[1], 1);
	free(bank);
	/* whole layer, and every chunk size the kernel may pick (multiples of B) */
	for (uint32_t cc = 8; cc <= 60; cc += 8)
		ck_assert_uint_eq(mismatches(&odd, cc, 0, 8), 0);
	ck_assert_uint_eq(mismatches(&odd, 60, 60, 8), 0);
	/* the chunks of 30 at a pitch of 30 the kernel used before disagree */
	ck_assert_uint_gt(mismatches(&odd, 30, 30, 8), 0);
	/* Jasper Conv2 on 64 KiB: 2 chunks of 384 (docs/kernels-conv.md) */
	ck_assert_uint_eq(jasper->cin, 768);
	ck_assert_uint_eq(mismatches(jasper, 384, 0, 8), 0);
	ck_assert_uint_eq(mismatches(jasper, 768, 0, 16), 0);
}
END_TEST

Suite *conv_offset_suite(void)
{
	Suite *s = suite_create("conv_offset");
	TCase *tc = tcase_create("conv_offset");

	tcase_add_test(tc, test_offsets_by_hand);
	tcase_add_test(tc, test_chunks_keep_bank_classes);
	suite_add_tcase(s, tc);
	return s;
}
