/*
** check_fp16.c: the one fp16 conversion (kernels/fp16.h): every half
** round-trips exactly through float and double, every tie between two
** neighbouring halves goes to the even one, hand-worked subnormal,
** infinity and NaN values, and the float and double paths agree.
*/
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "fp16.h"

START_TEST(fp16_round_trip_all)
{
	uint32_t h;

	for (h = 0; h < 65536; h++) {
		float f = fp16_to_float((uint16_t)h);

		ck_assert_msg(fp16_from_float(f) == h, "half %#x -> %a -> %#x", h, (double)f,
			      fp16_from_float(f));
		ck_assert_msg(fp16_from_double((double)f) == h || isnan(f), "double path %#x", h);
	}
}
END_TEST

/* Every halfway point between neighbouring finite halves rounds to the
** even one, and a hair either side rounds to the nearer one. */
START_TEST(fp16_round_nearest_even_all)
{
	uint32_t h;

	for (h = 0; h < 0x7bff; h++) {
		float a = fp16_to_float((uint16_t)h), b = fp16_to_float((uint16_t)(h + 1));
		float mid = (a + b) / 2;	/* exact: halves have 11-bit significands */
		uint16_t even = (uint16_t)(h % 2 ? h + 1 : h);

		ck_assert_msg(fp16_from_float(mid) == even, "mid of %#x", h);
		ck_assert_msg(fp16_from_float(-mid) == (uint16_t)(even | 0x8000u), "-mid of %#x", h);
		ck_assert_msg(fp16_from_float(nextafterf(mid, 0)) == h, "below mid of %#x", h);
		ck_assert_msg(fp16_from_float(nextafterf(mid, INFINITY)) == h + 1, "above mid %#x", h);
		ck_assert_msg(fp16_from_double(((double)a + (double)b) / 2 + ldexp(1, -40) * b) == h + 1,
			      "double above mid %#x", h);
	}
}
END_TEST

START_TEST(fp16_specials)
{
	ck_assert_uint_eq(fp16_from_float(0.0f), 0);
	ck_assert_uint_eq(fp16_from_float(-0.0f), 0x8000);
	ck_assert_uint_eq(fp16_from_float(1.0f), 0x3c00);
	ck_assert_uint_eq(fp16_from_float(65504.0f), 0x7bff);
	ck_assert_uint_eq(fp16_from_float(65519.996f), 0x7bff);
	ck_assert_uint_eq(fp16_from_float(65520.0f), 0x7c00);	/* tie goes to even = inf */
	ck_assert_uint_eq(fp16_from_float(1e9f), 0x7c00);
	ck_assert_uint_eq(fp16_from_float(-INFINITY), 0xfc00);
	ck_assert_uint_eq(fp16_from_float(ldexpf(1, -24)), 0x0001);	/* smallest subnormal */
	ck_assert_uint_eq(fp16_from_float(ldexpf(1, -25)), 0x0000);	/* tie to even: 0 */
	ck_assert_uint_eq(fp16_from_float(ldexpf(1.5f, -25)), 0x0001);
	ck_assert_uint_eq(fp16_from_float(ldexpf(3, -25)), 0x0002);	/* 1.5 ulp: tie to 2 */
	ck_assert_uint_eq(fp16_from_float(ldexpf(1023, -24)), 0x03ff);	/* largest subnormal */
	ck_assert_uint_eq(fp16_from_float(ldexpf(2047, -25)), 0x0400);	/* rounds up to normal */
	ck_assert_uint_eq(fp16_from_float(ldexpf(1, -14)), 0x0400);
	ck_assert_uint_eq(fp16_from_float(1.0f + ldexpf(1, -11)), 0x3c00);	/* tie: even */
	ck_assert_uint_eq(fp16_from_float(1.0f + 3 * ldexpf(1, -11)), 0x3c02);
	ck_assert((fp16_from_float(NAN) & 0x7c00) == 0x7c00 && (fp16_from_float(NAN) & 0x3ff));
	ck_assert((fp16_from_double(NAN) & 0x7fff) > 0x7c00);
	ck_assert(isnan(fp16_to_float(0x7e00)));
	ck_assert(isinf(fp16_to_float(0x7c00)) && fp16_to_float(0x7c00) > 0);
	ck_assert(fp16_to_float(0x0001) == ldexpf(1, -24));
	ck_assert(fp16_to_float(0xc000) == -2.0f);
	/* double path: a value just above a float tie must not double-round */
	ck_assert_uint_eq(fp16_from_double(1.0 + ldexp(1, -11) + ldexp(1, -40)), 0x3c01);
}
END_TEST

/* Exact values, by the bits: subnormals are multiples of 2^-24. */
START_TEST(fp16_exact_values)
{
	static const struct {
		uint16_t h;
		double v;
	} tab[] = {
		{ 0x0000, 0.0 }, { 0x0001, 0x1p-24 }, { 0x0002, 0x1p-23 }, { 0x0003, 0x3p-24 },
		{ 0x0200, 0x1p-15 }, { 0x03ff, 0x3ffp-24 }, { 0x0400, 0x1p-14 },
		{ 0x0401, 0x401p-24 }, { 0x3555, 0x555p-12 }, { 0x3bff, 0x7ffp-11 },
		{ 0x3c00, 1.0 }, { 0x3c01, 1.0 + 0x1p-10 }, { 0x4000, 2.0 }, { 0x7bff, 65504.0 },
		{ 0x8001, -0x1p-24 }, { 0x83ff, -0x3ffp-24 }, { 0xc000, -2.0 }, { 0xfbff, -65504.0 },
	};

	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
		ck_assert_msg(fp16_to_float(tab[i].h) == (float)tab[i].v, "%#x", tab[i].h);
		ck_assert_msg(fp16_from_float((float)tab[i].v) == tab[i].h, "%a", tab[i].v);
		ck_assert_msg(fp16_from_double(tab[i].v) == tab[i].h, "%a", tab[i].v);
	}
	ck_assert(signbit(fp16_to_float(0x8000)) && fp16_to_float(0x8000) == 0.0f);
	ck_assert(fp16_to_float(0x7c00) == INFINITY && fp16_to_float(0xfc00) == -INFINITY);
	ck_assert_uint_eq(fp16_from_double(INFINITY), 0x7c00);
	ck_assert_uint_eq(fp16_from_double(-INFINITY), 0xfc00);
	ck_assert_uint_eq(fp16_from_double(-0.0), 0x8000);
	/* NaN: payloads survive float <-> half; the double path gives the quiet NaN */
	ck_assert(isnan(fp16_to_float(0x7c01)) && isnan(fp16_to_float(0xfe00)));
	ck_assert_uint_eq(fp16_from_float(fp16_to_float(0x7c01)), 0x7c01);
	ck_assert_uint_eq(fp16_from_float(fp16_to_float(0xfd55)), 0xfd55);
	ck_assert_uint_eq(fp16_from_double(NAN), 0x7e00);
	ck_assert_uint_eq(fp16_from_double(-NAN), 0xfe00);
	{
		uint32_t low = 0x7f800001u;	/* payload only below the kept bits */
		float f;

		memcpy(&f, &low, sizeof f);
		ck_assert_uint_eq(fp16_from_float(f), 0x7e00);
	}
}
END_TEST

/* Ties at the subnormal and overflow ends, worked by hand. */
START_TEST(fp16_ties_by_hand)
{
	/* 2^-25 is halfway between 0 and 2^-24: even is 0; 3 * 2^-25 between 1 and 2 ulp: 2 */
	ck_assert_uint_eq(fp16_from_float(0x1p-25f), 0x0000);
	ck_assert_uint_eq(fp16_from_float(-0x1p-25f), 0x8000);
	ck_assert_uint_eq(fp16_from_float(0x3p-25f), 0x0002);
	ck_assert_uint_eq(fp16_from_float(0x5p-25f), 0x0002);
	ck_assert_uint_eq(fp16_from_float(0x7p-25f), 0x0004);
	/* the largest subnormal plus half an ulp: the tie goes up to the smallest normal */
	ck_assert_uint_eq(fp16_from_float(0x7ffp-25f), 0x0400);
	ck_assert_uint_eq(fp16_from_double(0x7ffp-25), 0x0400);
	/* 65520 halfway between 65504 (odd significand) and 65536: infinity */
	ck_assert_uint_eq(fp16_from_float(65520.0f), 0x7c00);
	ck_assert_uint_eq(fp16_from_double(65520.0), 0x7c00);
	ck_assert_uint_eq(fp16_from_double(nextafter(65520.0, 0)), 0x7bff);
	/* 2049 between 2048 and 2050: even significand 2048; 2051: 2052 */
	ck_assert_uint_eq(fp16_from_float(2049.0f), 0x6800);
	ck_assert_uint_eq(fp16_from_float(2051.0f), 0x6802);
}
END_TEST

/* The float and double paths give the same half for every float whose
** low 13 bits sit at a rounding boundary (0, 1, half - 1, half, half + 1,
** all ones) and for 2^20 pseudo-random floats. (Counted, then asserted
** once: a Check assertion per value would dominate the run time.) */
static void paths_agree(uint32_t b, uint64_t *bad, uint32_t *first)
{
	float f;

	memcpy(&f, &b, sizeof f);
	if (!isnan(f) && fp16_from_float(f) != fp16_from_double((double)f) && !(*bad)++)
		*first = b;
}

START_TEST(fp16_float_and_double_paths_agree)
{
	static const uint32_t low[] = { 0, 1, 0xfff, 0x1000, 0x1001, 0x1fff };
	uint64_t x = 0x9e3779b97f4a7c15ull, bad = 0;
	uint32_t first = 0;

	for (uint32_t top = 0; top < (1u << 19); top++)
		for (size_t i = 0; i < sizeof low / sizeof low[0]; i++)
			paths_agree(top << 13 | low[i], &bad, &first);
	for (int i = 0; i < (1 << 20); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		paths_agree((uint32_t)(x >> 32), &bad, &first);
	}
	ck_assert_msg(bad == 0, "%llu floats convert differently, the first %#x",
		      (unsigned long long)bad, first);
}
END_TEST

Suite *fp16_suite(void)
{
	Suite *s = suite_create("fp16");
	TCase *t = tcase_create("fp16");

	tcase_add_test(t, fp16_round_trip_all);
	tcase_add_test(t, fp16_round_nearest_even_all);
	tcase_add_test(t, fp16_specials);
	tcase_add_test(t, fp16_exact_values);
	tcase_add_test(t, fp16_ties_by_hand);
	tcase_add_test(t, fp16_float_and_double_paths_agree);
	suite_add_tcase(s, t);
	return s;
}
