/*
** check_gen_conv2.c: the convolution generator streamed without funcsim
** (check_gen_conv.c runs it against a reference): parameter and scratchpad
** errors; instruction counts of ResNet50 layer2.0.conv2 and of Jasper's
** epilogue Conv2 at full size (input channels split on 64 KiB) against the
** formulas of docs/kernels-conv.md; a GS-pruned layer whose channels are
** split, through the timing machine, without a gather bank conflict.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "conv_offset.h"
#include "gen.h"
#include "gen_common.h"
#include "machine.h"
#include "prune.h"
#include "rng.h"

/* The default machine (8 lanes, fp16, 8 banks of 2 B, 32 registers) with
** kib KiB of scratchpad (0: the default 64). */
static void default_machine(struct gs_config *cfg, struct isa *isa, int kib)
{
	cfg_defaults(cfg);
	if (kib)
		cfg->scratchpad.size_kib = kib;
	isa_from_config(isa, cfg);
}

static struct conv_params conv(uint32_t batch, uint32_t h, uint32_t w, uint32_t cin, uint32_t cout,
			       uint32_t kh, uint32_t kw, uint32_t s, uint32_t pad, uint32_t dil)
{
	struct conv_params p = { batch, cin, cout, h, w, kh, kw, kh > 1 ? s : 1, s,
				 kh > 1 ? pad : 0, pad, kh > 1 ? dil : 1, dil };

	return p;
}

/* Random weights pruned to pat_name with the documented bank classes
** (conv_gather_offset with the whole cin, mod B, as lab/layer_job.c). */
static void prune_conv(struct pruned *pr, const struct conv_params *p, const char *pat_name,
		       double sparsity, uint64_t seed)
{
	uint32_t cols = p->kh * p->kw * p->cin, c;
	uint64_t n = (uint64_t)p->cout * cols, i;
	uint32_t *bank = malloc(cols * sizeof(uint32_t));
	float *w = malloc(n * sizeof(float));
	struct pattern pat;
	struct gs_err err;
	struct rng r;

	ck_assert(bank && w);
	rng_seed(&r, seed);
	for (i = 0; i < n; i++)
		w[i] = (float)rng_gaussian(&r);
	ck_assert_msg(pattern_parse(pat_name, 8, &pat, &err) == 0, "%s", err.msg);
	for (c = 0; c < cols; c++)
		bank[c] = (uint32_t)(conv_gather_offset(p, p->cin, p->cin, c) %
				     (uint64_t)(pat.kind == PAT_GS ? pat.B : 1));
	ck_assert_msg(prune_matrix(w, p->cout, cols, bank, &pat, sparsity, pr, &err) == 0, "%s: %s",
		      pat_name, err.msg);
	free(bank);
	free(w);
}

/* Counts the instructions of a source on their way through; checks that
** every GS gather (one with an index register) hits distinct banks. */
struct counter {
	struct gs_source *in;
	int banks;
	uint64_t eb, count[OP__COUNT], total, dma_in_max, bank_faults;
};

static int counter_next(void *ctx, struct gs_insn *out, struct gs_err *err)
{
	struct counter *t = ctx;
	int rc = t->in->next(t->in->ctx, out, err), l;
	uint64_t seen = 0, bank;

	if (rc != 1)
		return rc;
	t->count[out->op]++;
	t->total++;
	if (out->op == OP_DMA_IN && out->bytes > t->dma_in_max)
		t->dma_in_max = out->bytes;
	if (out->op != OP_GATHER || out->src[0] == GS_NOREG || !t->banks)
		return rc;
	for (l = 0; l < out->nidx; l++) {
		if (out->idx[l] == GS_LANE_MASKED)
			continue;
		bank = (out->addr / t->eb + out->idx[l]) % (uint64_t)t->banks;
		t->bank_faults += seen >> bank & 1;
		seen |= 1ull << bank;
	}
	return rc;
}

static const char *counter_name(void *ctx)
{
	const struct counter *t = ctx;

	return t->in->name(t->in->ctx);
}

static struct gs_source counter_source(struct counter *t, struct kernel *k, int banks, int eb)
{
	struct gs_source s = { t, counter_next, NULL, counter_name };

	memset(t, 0, sizeof(*t));
	t->in = &k->src;
	t->banks = banks;
	t->eb = (uint64_t)eb;
	return s;
}

/* Generate and stream to the end through a counter. */
static void stream_all(struct counter *t, const struct pruned *pr, const struct isa *isa,
		       const struct conv_params *p)
{
	struct kernel k;
	struct gs_err err;
	struct gs_source src;
	struct gs_insn in;
	int rc;

	ck_assert_msg(gen_conv(&k, pr, isa, p, &err) == 0, "%s", err.msg);
	src = counter_source(t, &k, pr->pat.kind == PAT_GS ? pr->pat.B : 0, isa->element_bytes);
	while ((rc = src.next(src.ctx, &in, &err)) == 1)
		;
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert_uint_eq(in.line, t->total);	/* sequence numbers run 1..total */
	kernel_free(&k);
}

static void check_counts(const struct counter *t, const uint64_t *want)
{
	uint64_t total = 0;
	int op;

	for (op = 0; op < OP__COUNT; op++) {
		ck_assert_msg(t->count[op] == want[op], "%s: %llu, formula %llu", gs_op_name(op),
			      (unsigned long long)t->count[op], (unsigned long long)want[op]);
		total += want[op];
	}
	ck_assert_uint_eq(t->total, total);
	ck_assert_uint_eq(t->bank_faults, 0);
}

/* ---- errors ---- */

static void expect_error(const struct conv_params *p, const struct pruned *w, int lanes, int regs,
			 int kib, const char *const *needles)
{
	struct gs_config cfg;
	struct isa isa;
	struct kernel k;
	struct gs_err err;

	default_machine(&cfg, &isa, kib);
	isa.lanes = lanes;
	isa.registers = regs;
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(gen_conv(&k, w, &isa, p, &err), -1);
	for (; *needles; needles++)
		ck_assert_msg(strstr(err.msg, *needles), "'%s' not in: %s", *needles, err.msg);
}

/* Channel splitting cannot shrink the outputs of the smallest tile. */
START_TEST(test_nothing_fits)
{
	struct conv_params p = conv(1, 56, 56, 128, 512, 3, 3, 1, 1, 1);
	struct conv_params q = conv(1, 1, 100, 512, 2048, 1, 29, 1, 28, 2);
	struct conv_params b = conv(1, 6, 6, 60, 16, 3, 3, 1, 1, 1);
	static const char *const row[] = { "56x56x128 -> 512, kernel 3x3", "one output row needs 60160 bytes",
					   "even with the input channels split into chunks of 8",
					   "has 4096 bytes", "kh > 1", NULL };
	static const char *const pix[] = { "1x100x512 -> 2048, kernel 1x29", "dilation 1x2",
					   "one output pixel needs 5056 bytes", "chunks of 8",
					   "has 4096 bytes", NULL };
	static const char *const blk[] = { "1x8 blocks straddle", "cin (60)", NULL };
	struct pruned pr;

	/* 3 padded rows x 58 x 8 ch x 2 B = 2784 (2816 aligned) + 56 x 512 x 2 B */
	prune_conv(&pr, &p, "dense", 0, 31);
	expect_error(&p, &pr, 8, 32, 4, row);
	pruned_free(&pr);
	/* 57 columns x 8 x 2 B = 912 (960 aligned) + 2048 x 2 B */
	prune_conv(&pr, &q, "dense", 0, 32);
	expect_error(&q, &pr, 8, 32, 4, pix);
	pruned_free(&pr);
	/* 60 channels do not fit 2 KiB; 1x8 blocks cross kernel positions */
	prune_conv(&pr, &b, "block:1x8", 0.5, 33);
	expect_error(&b, &pr, 8, 32, 2, blk);
	pruned_free(&pr);
}
END_TEST

START_TEST(test_bad_params)
{
	struct conv_params p = conv(1, 6, 6, 16, 16, 3, 3, 1, 1, 1), q;
	static const char *const zero[] = { "must be at least 1", NULL };
	static const char *const shape[] = { "weight matrix is 16x144, expected 16 x 72", NULL };
	static const char *const big[] = { "larger than the padded input", NULL };
	static const char *const regs[] = { "vector registers", NULL };
	static const char *const lanes[] = { "lanes", NULL };
	struct pruned pr, gs;

	prune_conv(&pr, &p, "dense", 0, 41);
	q = p;
	q.stride_w = 0;
	expect_error(&q, &pr, 8, 32, 64, zero);
	q = p;
	q.cin = 8;
	expect_error(&q, &pr, 8, 32, 64, shape);
	q = p;
	q.pad_h = q.pad_w = 0;
	q.h_in = 2;
	expect_error(&q, &pr, 8, 32, 64, big);
	expect_error(&p, &pr, 8, 3, 64, regs);
	prune_conv(&gs, &p, "gs-v", 0.5, 42);
	expect_error(&p, &gs, 16, 32, 64, lanes);
	pruned_free(&gs);
	pruned_free(&pr);
}
END_TEST

/* ---- instruction counts ---- */

/* layer2.0.conv2: 56x56x128 -> 128, 3x3, stride 2, pad 1 (28x28 out), GS-v
** at 90 %, fp16, 64 KiB, 32 registers. Worked by hand from the rule:
**   row tile of TH rows: input (2 TH + 1) x 58 x 128 x 2 B, output TH x 28 x
**   128 x 2 B; TH = 1: 44544 + 7168 = 51712 <= 65536, TH = 2: 74240 > 65536;
**   28 tiles > 1 but two buffers (2 x 44544 + ...) never fit: single buffer.
**   Per tile 3 input rows (tile 0: padded row 0 + 2 data rows); pad_w = 1
**   so one dma.in per data row: 27 x 3 + 2 = 83.
**   Zero fill (elements / 8 lanes, all multiples of 8): data rows leave
**   gaps of 128 before the first, 256 between, 128 after the last: 96
**   vstores; tile 0: 58 x 128 + 128 = 7552 before row 1, 256, 128: 992.
**   Registers: zero, 4 accumulators, 5 temporaries, 22 left: cmax = 11
**   records (value + index register each), so a group of t buckets takes
**   ceil(t / 11) chunks; chunks after the first reload the partial sums
**   (vload) and fma onto them, the first starts with a mul.
*/
START_TEST(test_resnet_layer_counts)
{
	struct conv_params p = conv(1, 56, 56, 128, 128, 3, 3, 2, 1, 1);
	uint64_t P = 28, T = 28, B = 0, ch = 0, used = 0, g;
	uint64_t want[OP__COUNT] = { 0 };
	struct gs_config cfg;
	struct isa isa;
	struct pruned pr;
	struct counter t;

	default_machine(&cfg, &isa, 64);
	prune_conv(&pr, &p, "gs-v", 0.9, 51);
	for (g = 0; g < pr.gs.ngroups; g++) {
		uint64_t n = pr.gs.ptr[g + 1] - pr.gs.ptr[g];

		B += n;
		ch += n ? (n + 10) / 11 : 1;
		used += n > 0;
	}
	ck_assert_uint_eq(B, 16 * 115);	/* t = round(0.1 * 1152) per group of 8 rows */
	want[OP_GATHER] = T * P * B;
	want[OP_MUL] = T * P * used;	/* later chunks start from the partial sums */
	want[OP_FMA] = T * P * B - T * P * used;
	want[OP_VLOAD] = T * P * (ch - pr.gs.ngroups);
	want[OP_VSTORE] = T * P * ch + 992 + 27 * 96;
	want[OP_MLOAD] = 1 + T * 2 * B;
	want[OP_DMA_IN] = 83;
	want[OP_DMA_OUT] = T;
	want[OP_DMA_WAIT] = T + (T - 1) + 1;
	stream_all(&t, &pr, &isa, &p);
	check_counts(&t, want);
	pruned_free(&pr);
}
END_TEST

/* Jasper's epilogue Conv2 at full size: 768 -> 896 channels, kw 29,
** dilation 2, pad 28, T = 500, GS-v at 90 %, on the default machine.
** One pixel's field is 57 x 768 x 2 = 87552 B > 64 KiB: split in 8-channel
** units, 57 cc 2 B + 1792 fits up to cc = 552, so 2 chunks of 384. Segments:
** (TW + 56) 768 + 1792 TW <= 65536 gives TW = 8: 63 tiles (62 of 8, one of
** 4), 126 steps, single-buffered. A bucket is split into one record per
** chunk it touches (lanes of the other chunk masked). Chunk 0 starts every
** unit (mul, or zeros for an empty one); chunk 1 reloads the partial sums
** (vload: GS-v groups are 8 consecutive rows) of its non-empty units.
** Padding: per tile, the field columns outside [28, 528) are zeroed once
** (the second chunk finds them in place): 384 / 8 vstores per column. */
START_TEST(test_jasper_conv2_counts)
{
	struct conv_params p = conv(1, 1, 500, 768, 896, 1, 29, 1, 28, 2);
	uint64_t want[OP__COUNT] = { 0 }, R = 0, used = 0, psum = 0, ch = 0, zero = 0, data = 0;
	uint32_t g, l, t;
	uint64_t j;
	struct gs_config cfg;
	struct isa isa;
	struct pruned pr;
	struct counter c;

	default_machine(&cfg, &isa, 0);
	prune_conv(&pr, &p, "gs-v", 0.9, 91);
	for (g = 0; g < pr.gs.ngroups; g++) {
		uint64_t n[2] = { 0, 0 }, cg[2];

		for (l = 0; l < 8; l++)
			ck_assert_uint_eq(pr.gs.rowind[g * 8 + l], g * 8 + l);
		for (j = pr.gs.ptr[g]; j < pr.gs.ptr[g + 1]; j++) {
			int in[2] = { 0, 0 };

			for (l = 0; l < 8; l++)
				if (pr.gs.col[j * 8 + l] != GS_COL_NONE)
					in[pr.gs.col[j * 8 + l] % 768 >= 384] = 1;
			n[0] += (uint64_t)in[0];
			n[1] += (uint64_t)in[1];
		}
		cg[0] = (n[0] + 10) / 11;
		cg[1] = (n[1] + 10) / 11;
		R += n[0] + n[1];
		used += n[0] > 0;
		psum += (n[0] ? cg[0] - 1 : 0) + cg[1];
		ch += (n[0] ? cg[0] : 1) + cg[1];
	}
	for (t = 0; t < 63; t++) {
		uint32_t c0 = 8 * t, cols = (t < 62 ? 8 : 4) - 1 + 57;
		uint32_t a = c0 > 28 ? c0 : 28, b = c0 + cols < 528 ? c0 + cols : 528;

		data += b - a;
		zero += (cols - (b - a)) * 384 / 8;
	}
	want[OP_GATHER] = 500 * R;
	want[OP_MUL] = 500 * used;
	want[OP_FMA] = 500 * R - 500 * used;
	want[OP_VLOAD] = 500 * psum;
	want[OP_VSTORE] = 500 * ch + zero;
	want[OP_MLOAD] = 1 + 63 * 2 * R;
	want[OP_DMA_IN] = 2 * data;	/* one per data pixel and chunk */
	want[OP_DMA_OUT] = 63;
	want[OP_DMA_WAIT] = 126 + 62 + 1;
	stream_all(&c, &pr, &isa, &p);
	check_counts(&c, want);
	ck_assert_uint_eq(c.dma_in_max, 384 * 2);
	pruned_free(&pr);
}
END_TEST

/* Through the timing machine: GS gathers of every chunk stay in distinct
** banks (cin and the chunk are multiples of B = 8, so offset mod 8 = ci mod
** 8); unstructured pruning of the same layer does conflict. */
static double machine_conflicts(const struct conv_params *p, const char *pat, uint64_t *dma_max)
{
	struct gs_config cfg;
	struct isa isa;
	struct pruned pr;
	struct kernel k;
	struct gs_err err;
	struct counter c;
	struct gs_source src;
	struct machine *m;
	double conflicts;

	default_machine(&cfg, &isa, 2);
	prune_conv(&pr, p, pat, 0.75, 81);
	ck_assert_msg(gen_conv(&k, &pr, &isa, p, &err) == 0, "%s", err.msg);
	src = counter_source(&c, &k, 0, isa.element_bytes);
	m = machine_new(&cfg, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_msg(machine_run(m, &src, NULL, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(machine_stats(m)->v[ST_GATHER_COUNT], c.count[OP_GATHER]);
	ck_assert_uint_gt(c.count[OP_GATHER], 0);
	conflicts = machine_stats(m)->v[ST_GATHER_CONFLICTS];
	*dma_max = c.dma_in_max;
	machine_free(m);
	kernel_free(&k);
	pruned_free(&pr);
	return conflicts;
}

/* cin = 72 = 9 units of 8 on 2 KiB. 1-D (kw 17): 34 cc + 32 B fits
** up to cc = 56 (7 units), so 2 chunks of 5 units: 40 + 32. 2-D (3 rows of
** 8 pixels, 6 x 16 outputs): 48 cc + 192 fits up to 32 (4 units): 3 chunks
** of 24. Chunks of 36 channels (the fewest without the granule) would
** shift kernel position kw by 36 kw = 4 kw (mod 8) against the classes
** the model was pruned with, and conflict. */
START_TEST(test_split_gs_machine)
{
	struct conv_params p = conv(1, 1, 40, 72, 16, 1, 17, 1, 8, 1);
	struct conv_params q = conv(2, 6, 6, 72, 16, 3, 3, 1, 1, 1);
	uint64_t dma;

	ck_assert(machine_conflicts(&p, "gs-v", &dma) == 0.0);
	ck_assert_uint_eq(dma, 40 * 2);
	ck_assert(machine_conflicts(&q, "gs-v", &dma) == 0.0);
	ck_assert_uint_eq(dma, 24 * 2);
	ck_assert(machine_conflicts(&p, "unstructured", &dma) > 0.0);
}
END_TEST

Suite *gen_conv2_suite(void)
{
	Suite *s = suite_create("gen_conv2");
	TCase *tc = tcase_create("gen_conv2");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_nothing_fits);
	tcase_add_test(tc, test_bad_params);
	tcase_add_test(tc, test_resnet_layer_counts);
	tcase_add_test(tc, test_jasper_conv2_counts);
	tcase_add_test(tc, test_split_gs_machine);
	suite_add_tcase(s, tc);
	return s;
}
