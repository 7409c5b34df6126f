/*
** check_funcsim.c: the element codec and the functional semantics of
** every instruction on hand-made instructions (fp16 itself: check_fp16.c).
*/
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fp16.h"
#include "funcsim.h"

/* ---- element formats ---- */

START_TEST(elem_codec_little_endian)
{
	unsigned char b[8];

	elem_encode(2, 1.0, b);
	ck_assert(b[0] == 0x00 && b[1] == 0x3c);
	elem_encode(4, 1.0, b);
	ck_assert(b[0] == 0 && b[1] == 0 && b[2] == 0x80 && b[3] == 0x3f);
	elem_encode(8, -2.0, b);
	ck_assert(b[7] == 0xc0 && b[6] == 0 && b[0] == 0);
	ck_assert(elem_decode(8, b) == -2.0);
	elem_encode(2, 1.0 + ldexp(1, -11), b);	/* rounded on encode */
	ck_assert(elem_decode(2, b) == 1.0);
	ck_assert((float)elem_round(4, 1.0 + ldexp(1, -30)) == 1.0f);
	ck_assert(elem_round(8, 1.0 + ldexp(1, -30)) == 1.0 + ldexp(1, -30));
	ck_assert(elem_round(2, 1.0 + ldexp(1, -11) + ldexp(1, -40)) == 1.0 + ldexp(1, -10));
	for (uint32_t h = 0; h < 65536; h++) {	/* fp16 decodes through fp16.h */
		double d = elem_decode(2, (unsigned char[]){ (unsigned char)h, (unsigned char)(h >> 8) });

		ck_assert(d == (double)fp16_to_float((uint16_t)h) || isnan(d));
	}
}
END_TEST

/* ---- instruction semantics ---- */

struct arr_src {
	struct gs_insn *v;
	size_t n, i;
};

static int arr_next(void *ctx, struct gs_insn *out, struct gs_err *err)
{
	struct arr_src *s = ctx;

	(void)err;
	if (s->i == s->n)
		return 0;
	*out = s->v[s->i++];
	out->line = s->i;
	return 1;
}

static const char *arr_name(void *ctx)
{
	(void)ctx;
	return "hand";
}

static void cfg_fill(struct gs_config *c, int lanes, int eb, int regs, int kib)
{
	memset(c, 0, sizeof(*c));
	c->vector.lanes = lanes;
	c->vector.element_bytes = eb;
	c->vector.registers = regs;
	c->scratchpad.size_kib = kib;
}

static struct gs_insn mk(int op, int dst, int s0, int s1, int s2)
{
	struct gs_insn in;

	memset(&in, 0, sizeof(in));
	in.op = (uint8_t)op;
	in.dst = (uint8_t)dst;
	in.src[0] = (uint8_t)s0;
	in.src[1] = (uint8_t)s1;
	in.src[2] = (uint8_t)s2;
	return in;
}

static struct gs_insn mk_addr(int op, int reg, uint64_t addr)
{
	struct gs_insn in = mk(op, GS_NOREG, GS_NOREG, GS_NOREG, GS_NOREG);

	if (op == OP_VLOAD || op == OP_BCAST)
		in.dst = (uint8_t)reg;
	else
		in.src[1] = (uint8_t)reg;	/* vstore vS */
	in.addr = addr;
	return in;
}

static struct gs_insn mk_mem(int op, int reg, uint64_t maddr, uint32_t bytes)
{
	struct gs_insn in = mk(op, GS_NOREG, GS_NOREG, GS_NOREG, GS_NOREG);

	if (op == OP_MLOAD)
		in.dst = (uint8_t)reg;
	else
		in.src[1] = (uint8_t)reg;	/* mstore vS */
	in.maddr = maddr;
	in.bytes = bytes;
	return in;
}

/* Main memory as the callback gives it: fp16 element k of [0x1000, 0x1100)
** is k + 1, everything else 0. */
static void test_mem(void *ctx, uint64_t maddr, void *buf, uint32_t n)
{
	unsigned char *b = buf;
	uint32_t i;

	(void)ctx;
	for (i = 0; i < n; i++) {
		uint64_t a = maddr + i;
		unsigned char e[2];

		if (a >= 0x1000 && a < 0x1100) {
			elem_encode(2, (double)((a - 0x1000) / 2 + 1), e);
			b[i] = e[(a - 0x1000) % 2];
		}
	}
}

static int run(struct funcsim *fs, struct gs_insn *v, size_t n, struct gs_err *err)
{
	struct arr_src s = { v, n, 0 };
	struct gs_source src = { &s, arr_next, NULL, arr_name };

	return funcsim_run(fs, &src, err);
}

static struct funcsim *fs8;	/* per-test fixture: 8 lanes fp16, 16 regs, 1 KiB */

static void setup8(void)
{
	struct gs_config c;

	cfg_fill(&c, 8, 2, 16, 1);
	fs8 = funcsim_new(&c, test_mem, NULL);
	ck_assert_ptr_nonnull(fs8);
}

static void teardown8(void)
{
	funcsim_free(fs8);
	fs8 = NULL;
}

static void spm_iota(struct funcsim *fs, uint64_t addr, int n, float scale)
{
	float v[64];
	int i;

	for (i = 0; i < n; i++)
		v[i] = scale * (float)(i + 1);
	funcsim_spm_store(fs, addr, v, (uint64_t)n);
}

/* Store register r to the scratchpad at addr and read its lanes back. */
static void read_reg(struct funcsim *fs, int r, float *out)
{
	struct gs_insn st = mk_addr(OP_VSTORE, r, 512);
	struct gs_err err;

	ck_assert_int_eq(run(fs, &st, 1, &err), 0);
	funcsim_spm_load(fs, 512, out, 8);
}

START_TEST(mload_short_and_overlay)
{
	struct gs_insn v[4];
	struct gs_err err;
	float r[8], m[8];
	int l;

	v[0] = mk_mem(OP_MLOAD, 1, 0x1000, 16);	/* full vector: 1..8 */
	v[1] = mk_mem(OP_MLOAD, 2, 0x1004, 6);		/* 3 lanes: 3,4,5; rest 0 */
	v[2] = mk_mem(OP_MSTORE, 2, 0x1010, 4);	/* elements 8,9 := 3,4; element 10 untouched */
	v[3] = mk_mem(OP_MLOAD, 3, 0x100c, 16);	/* 7,8,3,4,11,12,13,14 */
	ck_assert_int_eq(run(fs8, v, 4, &err), 0);
	read_reg(fs8, 1, r);
	for (l = 0; l < 8; l++)
		ck_assert(r[l] == (float)(l + 1));
	read_reg(fs8, 2, r);
	ck_assert(r[0] == 3 && r[1] == 4 && r[2] == 5);
	for (l = 3; l < 8; l++)
		ck_assert(r[l] == 0);
	read_reg(fs8, 3, r);
	ck_assert(r[0] == 7 && r[1] == 8 && r[2] == 3 && r[3] == 4 && r[4] == 11 && r[7] == 14);
	funcsim_mem_load(fs8, 0x1010, m, 3);
	ck_assert(m[0] == 3 && m[1] == 4 && m[2] == 11);
}
END_TEST

/* A byte count that is not whole elements: the partial element loads
** zero-extended, a store writes only its bytes. */
START_TEST(mload_mstore_partial_element)
{
	struct gs_insn v[3];
	struct gs_err err;
	float r[8], m[2];

	/* elements 7, 8 of the callback: 8.0 = 0x4800, 9.0 = 0x4880 */
	v[0] = mk_mem(OP_MLOAD, 1, 0x100e, 3);	/* 8.0 and the low byte 0x80 */
	v[1] = mk_mem(OP_MLOAD, 2, 0x100e, 16);
	v[2] = mk_mem(OP_MSTORE, 2, 0x2000, 3);
	ck_assert_int_eq(run(fs8, v, 3, &err), 0);
	read_reg(fs8, 1, r);
	ck_assert(r[0] == 8.0f);
	ck_assert(r[1] == fp16_to_float(0x0080) && r[1] > 0 && r[2] == 0);
	funcsim_mem_load(fs8, 0x2000, m, 2);
	ck_assert(m[0] == 8.0f && m[1] == fp16_to_float(0x0080));
}
END_TEST

START_TEST(mstore_far_pages)
{
	struct gs_insn v[3];
	struct gs_err err;
	float m[8];
	int i;

	v[0] = mk_mem(OP_MLOAD, 0, 0x1000, 16);
	v[1] = mk_mem(OP_MSTORE, 0, 0xfffffffffff0ull, 16);
	v[2] = mk_mem(OP_MSTORE, 0, 0xffe, 4);	/* crosses a page boundary */
	ck_assert_int_eq(run(fs8, v, 3, &err), 0);
	funcsim_mem_load(fs8, 0xfffffffffff0ull, m, 8);
	for (i = 0; i < 8; i++)
		ck_assert(m[i] == (float)(i + 1));
	funcsim_mem_load(fs8, 0xffe, m, 2);
	ck_assert(m[0] == 1 && m[1] == 2);
	/* a thousand scattered pages: the map grows and keeps them all */
	for (i = 0; i < 1000; i++) {
		struct gs_insn st = mk_mem(OP_MSTORE, 0, (uint64_t)i * 1234567ull * 4096 + 2, 2);

		ck_assert_int_eq(run(fs8, &st, 1, &err), 0);
	}
	for (i = 0; i < 1000; i++) {
		funcsim_mem_load(fs8, (uint64_t)i * 1234567ull * 4096, m, 2);
		ck_assert(m[0] == 0 && m[1] == 1);
	}
}
END_TEST

START_TEST(gather_masks)
{
	struct gs_insn g = mk(OP_GATHER, 4, GS_NOREG, GS_NOREG, GS_NOREG);
	struct gs_err err;
	float r[8];

	spm_iota(fs8, 64, 16, 1.0f);		/* element k at 64 + 2k is k + 1 */
	g.addr = 64 + 4;			/* base = element 2 */
	g.nidx = 6;				/* lanes 6, 7 masked */
	g.idx[0] = 0;
	g.idx[1] = 5;
	g.idx[2] = GS_LANE_MASKED;
	g.idx[3] = 5;				/* duplicate read */
	g.idx[4] = 13;
	g.idx[5] = 1;
	ck_assert_int_eq(run(fs8, &g, 1, &err), 0);
	read_reg(fs8, 4, r);
	ck_assert(r[0] == 3 && r[1] == 8 && r[2] == 0 && r[3] == 8 && r[4] == 16 && r[5] == 4);
	ck_assert(r[6] == 0 && r[7] == 0);
}
END_TEST

START_TEST(scatter_later_lane_wins_and_add_accumulates)
{
	struct gs_insn v[3];
	struct gs_err err;
	float y[4];
	int l;

	v[0] = mk_mem(OP_MLOAD, 1, 0x1000, 16);	/* 1..8 */
	v[1] = mk(OP_SCATTER, GS_NOREG, GS_NOREG, 1, GS_NOREG);
	v[1].addr = 128;
	v[1].nidx = 8;
	for (l = 0; l < 8; l++)
		v[1].idx[l] = (uint32_t)(l % 2);	/* y0 <- lanes 0,2,4,6; y1 <- 1,3,5,7 */
	v[1].idx[6] = GS_LANE_MASKED;
	v[2] = v[1];
	v[2].op = OP_SCATTER_ADD;
	v[2].addr = 256;
	v[2].idx[7] = 3;
	spm_iota(fs8, 256, 4, 100.0f);		/* 100, 200, 300, 400 */
	ck_assert_int_eq(run(fs8, v, 3, &err), 0);
	funcsim_spm_load(fs8, 128, y, 2);
	ck_assert(y[0] == 5 && y[1] == 8);	/* lane 6 masked: lane 4 (5) is last */
	funcsim_spm_load(fs8, 256, y, 4);
	ck_assert(y[0] == 100 + 1 + 3 + 5);
	ck_assert(y[1] == 200 + 2 + 4 + 6);
	ck_assert(y[2] == 300);
	ck_assert(y[3] == 400 + 8);
}
END_TEST

START_TEST(vload_vstore_bcast)
{
	struct gs_insn v[3];
	struct gs_err err;
	float r[8];
	int l;

	spm_iota(fs8, 0, 8, 0.5f);
	v[0] = mk_addr(OP_VLOAD, 2, 0);
	v[1] = mk_addr(OP_VSTORE, 2, 300);
	v[2] = mk_addr(OP_BCAST, 3, 6);	/* element 3 */
	ck_assert_int_eq(run(fs8, v, 3, &err), 0);
	funcsim_spm_load(fs8, 300, r, 8);
	for (l = 0; l < 8; l++)
		ck_assert(r[l] == 0.5f * (float)(l + 1));
	read_reg(fs8, 3, r);
	for (l = 0; l < 8; l++)
		ck_assert(r[l] == 2.0f);
}
END_TEST

START_TEST(arith_rounds_to_fp16)
{
	struct gs_insn v[8];
	struct gs_err err;
	float x[8], r[8];
	int l;

	for (l = 0; l < 8; l++)
		x[l] = l == 0 ? 2048.0f : 1.0f;
	funcsim_spm_store(fs8, 0, x, 8);
	for (l = 0; l < 8; l++)
		x[l] = 1.0f + ldexpf(1, -10);		/* 1 + ulp */
	funcsim_spm_store(fs8, 16, x, 8);
	v[0] = mk_addr(OP_VLOAD, 0, 0);	/* a = 2048, 1, 1, ... */
	v[1] = mk_addr(OP_VLOAD, 1, 16);	/* b = 1 + 2^-10 */
	v[2] = mk(OP_ADD, 2, 0, 1, GS_NOREG);	/* 2049.001 -> 2050 (ulp 2); 2 + 2^-10 -> 2 (tie) */
	v[3] = mk(OP_MUL, 3, 1, 1, GS_NOREG);	/* 1 + 2^-9 + 2^-20 -> 1 + 2^-9 */
	v[4] = mk(OP_MUL, 4, 0, 1, GS_NOREG);	/* 2048 + 2 = 2050 exactly; 1 + 2^-10 */
	v[5] = mk(OP_FMA, 4, 4, 1, 1);		/* += b*b */
	v[6] = mk(OP_REDUCE, 5, 0, GS_NOREG, GS_NOREG);
	v[7] = mk(OP_REDUCE, 0, 0, GS_NOREG, GS_NOREG);	/* in place */
	ck_assert_int_eq(run(fs8, v, 8, &err), 0);
	read_reg(fs8, 2, r);
	ck_assert(r[0] == 2050.0f && r[1] == 2.0f);
	read_reg(fs8, 3, r);
	ck_assert(r[0] == 1.0f + ldexpf(1, -9));
	read_reg(fs8, 4, r);
	/* 2050 + 1.00195... = 2051.00195 -> 2052 (ulp 2, nearest); lane 1:
	** (1+2^-10) + (1+2^-9+2^-20) = 2 + 3*2^-10 + 2^-20 -> 2 + 2^-8 (ulp 2^-9) */
	ck_assert(r[0] == 2052.0f);
	ck_assert(r[1] == 2.0f + ldexpf(1, -8));
	read_reg(fs8, 5, r);
	ck_assert(r[0] == 2056.0f);	/* 2048+7 = 2055, a tie: even significand */
	for (l = 1; l < 8; l++)
		ck_assert(r[l] == 0);
	read_reg(fs8, 0, r);
	ck_assert(r[0] == 2056.0f && r[1] == 0 && r[7] == 0);
}
END_TEST

START_TEST(dma_copies_bytes)
{
	struct gs_insn v[4];
	struct gs_err err;
	float r[8];

	v[0] = mk(OP_DMA_IN, GS_NOREG, GS_NOREG, GS_NOREG, GS_NOREG);
	v[0].addr = 100;
	v[0].maddr = 0x1002;
	v[0].bytes = 10;	/* elements 2..6 of the callback: 2,3,4,5,6 */
	v[1] = mk(OP_DMA_WAIT, GS_NOREG, GS_NOREG, GS_NOREG, GS_NOREG);
	v[2] = mk(OP_DMA_OUT, GS_NOREG, GS_NOREG, GS_NOREG, GS_NOREG);
	v[2].addr = 102;
	v[2].maddr = 0x9000;
	v[2].bytes = 4;
	v[3] = v[1];
	ck_assert_int_eq(run(fs8, v, 4, &err), 0);
	funcsim_spm_load(fs8, 100, r, 6);
	ck_assert(r[0] == 2 && r[1] == 3 && r[4] == 6 && r[5] == 0);
	funcsim_mem_load(fs8, 0x9000, r, 3);
	ck_assert(r[0] == 3 && r[1] == 4 && r[2] == 0);
}
END_TEST

START_TEST(fp32_and_fp64_machines)
{
	struct gs_config c;
	struct funcsim *fs;
	struct gs_insn v[4];
	struct gs_err err;
	float x[4] = { 1.0f, ldexpf(1, -23), 3.0f, 4.0f }, r[4];
	int eb;

	for (eb = 4; eb <= 8; eb += 4) {
		cfg_fill(&c, 4, eb, 4, 1);
		fs = funcsim_new(&c, NULL, NULL);
		ck_assert_ptr_nonnull(fs);
		funcsim_spm_store(fs, 0, x, 4);
		v[0] = mk_addr(OP_VLOAD, 0, 0);
		v[1] = mk_addr(OP_BCAST, 1, (uint64_t)eb);	/* 2^-23 */
		v[2] = mk(OP_FMA, 0, 0, 1, 1);	/* += 2^-46 */
		v[3] = mk_addr(OP_VSTORE, 0, 64);
		ck_assert_int_eq(run(fs, v, 4, &err), 0);
		funcsim_spm_load(fs, 64, r, 4);
		ck_assert(r[0] == 1.0f && r[2] == 3.0f);	/* lost below fp32 */
		/* unwritten main memory without a callback reads 0 */
		funcsim_mem_load(fs, 0x1000, r, 2);
		ck_assert(r[0] == 0 && r[1] == 0);
		funcsim_free(fs);
	}
}
END_TEST

START_TEST(errors_are_located)
{
	struct gs_insn v[2];
	struct gs_err err;

	v[0] = mk_mem(OP_MLOAD, 0, 0x1000, 16);
	v[1] = mk(OP_ADD, 16, 0, 0, GS_NOREG);	/* 16 registers: 16 is out */
	ck_assert_int_eq(run(fs8, v, 2, &err), -1);
	ck_assert_msg(strstr(err.msg, "hand:2: add:") == err.msg, "%s", err.msg);
	v[1] = mk_addr(OP_VLOAD, 1, 1020);	/* 16 bytes from 1020 > 1 KiB */
	ck_assert_int_eq(run(fs8, v, 2, &err), -1);
	ck_assert_msg(strstr(err.msg, "hand:2: vload:") && strstr(err.msg, "scratchpad"), "%s",
		      err.msg);
	v[1] = mk_mem(OP_MLOAD, 1, 0, 18);	/* more than a vector */
	ck_assert_int_eq(run(fs8, v, 2, &err), -1);
	v[1] = mk_mem(OP_MSTORE, 1, 0, 0);	/* nothing */
	ck_assert_int_eq(run(fs8, v, 2, &err), -1);
	v[1] = mk_addr(OP_BCAST, 1, 3);	/* not a multiple of element_bytes */
	ck_assert_int_eq(run(fs8, v, 2, &err), -1);
	ck_assert_msg(strstr(err.msg, "hand:2: bcast:") && strstr(err.msg, "multiple"), "%s",
		      err.msg);
	v[1] = mk(OP_GATHER, 1, GS_NOREG, GS_NOREG, GS_NOREG);
	v[1].nidx = 1;
	v[1].idx[0] = 600;			/* element 600 = byte 1200 */
	ck_assert_int_eq(run(fs8, v, 2, &err), -1);
	ck_assert_msg(strstr(err.msg, "hand:2: gather:"), "%s", err.msg);
	v[1].nidx = 9;
	ck_assert_int_eq(run(fs8, v, 2, &err), -1);
	v[1] = mk(OP_FMA, 1, 2, 0, 0);		/* accumulator must be the destination */
	ck_assert_int_eq(run(fs8, v, 2, &err), -1);
	v[1] = mk(OP__COUNT, 1, 2, 0, 0);
	ck_assert_int_eq(run(fs8, v, 2, &err), -1);
	ck_assert_msg(strstr(err.msg, "unknown opcode"), "%s", err.msg);
	v[1] = mk(OP_DMA_IN, GS_NOREG, GS_NOREG, GS_NOREG, GS_NOREG);
	v[1].addr = 1000;
	v[1].bytes = 100;
	ck_assert_int_eq(run(fs8, v, 2, &err), -1);
	v[1].bytes = 0;
	ck_assert_int_eq(run(fs8, v, 2, &err), -1);
	v[1] = mk(OP_SCATTER, GS_NOREG, GS_NOREG, 1, GS_NOREG);
	v[1].addr = 1;				/* unaligned base */
	ck_assert_int_eq(run(fs8, v, 2, &err), -1);
}
END_TEST

START_TEST(new_rejects_bad_config)
{
	struct gs_config c;

	cfg_fill(&c, 8, 3, 16, 1);
	ck_assert_ptr_null(funcsim_new(&c, NULL, NULL));
	cfg_fill(&c, GS_MAX_LANES + 1, 2, 16, 1);
	ck_assert_ptr_null(funcsim_new(&c, NULL, NULL));
	cfg_fill(&c, 8, 2, 0, 1);
	ck_assert_ptr_null(funcsim_new(&c, NULL, NULL));
	funcsim_free(NULL);
}
END_TEST

Suite *funcsim_suite(void)
{
	Suite *s = suite_create("funcsim");
	TCase *t = tcase_create("elem");
	TCase *x = tcase_create("insn");

	tcase_add_test(t, elem_codec_little_endian);
	suite_add_tcase(s, t);
	tcase_add_checked_fixture(x, setup8, teardown8);
	tcase_add_test(x, mload_short_and_overlay);
	tcase_add_test(x, mload_mstore_partial_element);
	tcase_add_test(x, mstore_far_pages);
	tcase_add_test(x, gather_masks);
	tcase_add_test(x, scatter_later_lane_wins_and_add_accumulates);
	tcase_add_test(x, vload_vstore_bcast);
	tcase_add_test(x, arith_rounds_to_fp16);
	tcase_add_test(x, dma_copies_bytes);
	tcase_add_test(x, fp32_and_fp64_machines);
	tcase_add_test(x, errors_are_located);
	tcase_add_test(x, new_rejects_bad_config);
	suite_add_tcase(s, x);
	return s;
}
