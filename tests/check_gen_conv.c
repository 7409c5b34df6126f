/*
** check_gen_conv.c: the convolution generator, run in funcsim against a
** direct convolution in double over the pruned weights (csr), for every
** pattern, 2-D and 1-D geometries, tiled and untiled; every instruction is
** also checked by a tap (DMA hazards, address ranges, registers, GS bank
** distinctness); instruction counts of a ResNet50 layer against the
** formula of docs/kernels-conv.md.
*/
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv_offset.h"
#include "funcsim.h"
#include "gen.h"
#include "gen_common.h"
#include "prune.h"
#include "rng.h"

struct machine {
	struct gs_config cfg;
	struct isa isa;
	int no_bank_check;	/* GS gathers may share banks (split channels, cin % B != 0) */
};

static void machine_init(struct machine *m, int lanes, int eb, int regs, int kib)
{
	memset(m, 0, sizeof(*m));
	m->cfg.vector.lanes = lanes;
	m->cfg.vector.element_bytes = eb;
	m->cfg.vector.registers = regs;
	m->cfg.scratchpad.size_kib = kib;
	isa_from_config(&m->isa, &m->cfg);
}

static struct conv_params conv(uint32_t batch, uint32_t h, uint32_t w, uint32_t cin, uint32_t cout,
			       uint32_t kh, uint32_t kw, uint32_t s, uint32_t pad, uint32_t dil)
{
	struct conv_params p = { batch, cin, cout, h, w, kh, kw, kh > 1 ? s : 1, s,
				 kh > 1 ? pad : 0, pad, kh > 1 ? dil : 1, dil };

	return p;
}

static uint32_t out_dim(uint32_t in, uint32_t pad, uint32_t k, uint32_t dil, uint32_t s)
{
	return (in + 2 * pad - (k - 1) * dil - 1) / s + 1;
}

/* The GS bank class of weight column col is its whole-layer gather offset
** mod B (kernels/conv_offset.h, the pruner's and the kernel's formula). */
static uint32_t col_offset(const struct conv_params *p, uint32_t col)
{
	return (uint32_t)conv_gather_offset(p, p->cin, p->cin, col);
}

static void prune_conv(struct pruned *pr, const struct conv_params *p, const float *w,
		       const char *pat_name, int lanes, double sparsity)
{
	uint32_t cols = p->kh * p->kw * p->cin, c, *bank = malloc(cols * sizeof(uint32_t));
	struct pattern pat;
	struct gs_err err;

	ck_assert_ptr_nonnull(bank);
	ck_assert_msg(pattern_parse(pat_name, lanes, &pat, &err) == 0, "%s", err.msg);
	for (c = 0; c < cols; c++)
		bank[c] = col_offset(p, c) % (uint32_t)(pat.kind == PAT_GS ? pat.B : 1);
	ck_assert_msg(prune_matrix(w, p->cout, cols, bank, &pat, sparsity, pr, &err) == 0,
		      "%s: %s", pat_name, err.msg);
	free(bank);
}

static float *rand_weights(const struct conv_params *p, uint64_t seed)
{
	uint64_t n = (uint64_t)p->cout * p->kh * p->kw * p->cin, i;
	float *w = malloc(n * sizeof(float));
	struct rng r;

	ck_assert_ptr_nonnull(w);
	rng_seed(&r, seed);
	for (i = 0; i < n; i++)
		w[i] = (float)rng_gaussian(&r);
	return w;
}

/* ---- the tap: checks every instruction on its way to funcsim ---- */

struct dma_pending {
	uint32_t tag;
	int out;
	uint64_t lo, hi;
};

struct tap {
	struct gs_source *in;
	const struct kernel *k;
	const struct isa *isa;
	uint64_t x_bytes, y_bytes;
	int gs_banks;			/* > 0: activation gathers must hit distinct banks mod this */
	uint64_t count[OP__COUNT], total;
	uint64_t dma_in_max;		/* bytes of the largest dma.in */
	unsigned in_tags;		/* bit per dma.in tag seen */
	struct dma_pending pend[256];
	int npend;
	char fault[256];		/* first problem seen */
};

static void tap_fault(struct tap *t, const char *what, const struct gs_insn *in)
{
	if (!t->fault[0])
		snprintf(t->fault, sizeof(t->fault), "insn %llu (%s): %s",
			 (unsigned long long)in->line, gs_op_name(in->op), what);
}

/* A scratchpad access [lo, hi): inside, and not racing a transfer in flight. */
static void tap_spm(struct tap *t, const struct gs_insn *in, uint64_t lo, uint64_t hi, int write)
{
	int i;

	if (hi > t->isa->spm_bytes)
		tap_fault(t, "scratchpad access out of range", in);
	for (i = 0; i < t->npend; i++)
		if (lo < t->pend[i].hi && t->pend[i].lo < hi && (write || !t->pend[i].out))
			tap_fault(t, "access to a DMA buffer before its dma.wait", in);
}

static void tap_regs(struct tap *t, const struct gs_insn *in)
{
	int i;

	if (in->dst != GS_NOREG && in->dst >= t->isa->registers)
		tap_fault(t, "destination register out of range", in);
	for (i = 0; i < 3; i++)
		if (in->src[i] != GS_NOREG && in->src[i] >= t->isa->registers)
			tap_fault(t, "source register out of range", in);
}

static void tap_lanes(struct tap *t, const struct gs_insn *in)
{
	uint64_t eb = (uint64_t)t->isa->element_bytes, seen = 0;
	int l, write = in->op != OP_GATHER;

	if (in->nidx > t->isa->lanes)
		tap_fault(t, "more indices than lanes", in);
	for (l = 0; l < in->nidx; l++) {
		uint64_t a = in->addr + (uint64_t)in->idx[l] * eb, bank;

		if (in->idx[l] == GS_LANE_MASKED)
			continue;
		tap_spm(t, in, a, a + eb, write);
		if (t->gs_banks && in->op == OP_GATHER && in->src[0] != GS_NOREG) {
			bank = (a / eb) % (uint64_t)t->gs_banks;
			if (seen >> bank & 1)
				tap_fault(t, "GS gather lanes share a bank", in);
			seen |= 1ull << bank;
		}
	}
}

static void tap_check(struct tap *t, const struct gs_insn *in)
{
	const struct kernel_layout *L = &t->k->layout;
	uint64_t vec = (uint64_t)t->isa->lanes * (uint64_t)t->isa->element_bytes;
	int i;

	tap_regs(t, in);
	switch (in->op) {
	case OP_GATHER:
	case OP_SCATTER:
	case OP_SCATTER_ADD:
		tap_lanes(t, in);
		break;
	case OP_VLOAD:
	case OP_VSTORE:
		tap_spm(t, in, in->addr, in->addr + vec, in->op == OP_VSTORE);
		break;
	case OP_BCAST:
		tap_spm(t, in, in->addr, in->addr + (uint64_t)t->isa->element_bytes, 0);
		break;
	case OP_MLOAD:
		if (in->maddr < L->weights_mem || in->maddr + in->bytes > L->weights_mem + L->weight_bytes)
			tap_fault(t, "mload outside the weight stream", in);
		break;
	case OP_MSTORE:
		tap_fault(t, "unexpected mstore", in);
		break;
	case OP_DMA_IN:
	case OP_DMA_OUT:
		tap_spm(t, in, in->addr, in->addr + in->bytes, 1);
		if (in->op == OP_DMA_IN && (in->maddr < L->x_mem || in->maddr + in->bytes > L->x_mem + t->x_bytes))
			tap_fault(t, "dma.in outside x", in);
		if (in->op == OP_DMA_OUT && (in->maddr < L->y_mem || in->maddr + in->bytes > L->y_mem + t->y_bytes))
			tap_fault(t, "dma.out outside y", in);
		if (in->op == OP_DMA_IN) {
			t->in_tags |= 1u << (in->tag & 31);
			t->dma_in_max = in->bytes > t->dma_in_max ? in->bytes : t->dma_in_max;
		}
		if (t->npend == (int)(sizeof(t->pend) / sizeof(t->pend[0]))) {
			tap_fault(t, "too many DMA transfers in flight for the tap", in);
			break;
		}
		t->pend[t->npend].tag = in->tag;
		t->pend[t->npend].out = in->op == OP_DMA_OUT;
		t->pend[t->npend].lo = in->addr;
		t->pend[t->npend++].hi = in->addr + in->bytes;
		break;
	case OP_DMA_WAIT:
		for (i = 0; i < t->npend;)
			if (t->pend[i].tag == in->tag)
				t->pend[i] = t->pend[--t->npend];
			else
				i++;
		break;
	default:
		break;
	}
}

static int tap_next(void *ctx, struct gs_insn *out, struct gs_err *err)
{
	struct tap *t = ctx;
	int rc = t->in->next(t->in->ctx, out, err);

	if (rc == 1) {
		tap_check(t, out);
		t->count[out->op]++;
		t->total++;
	} else if (rc == 0 && t->npend && !t->fault[0]) {
		snprintf(t->fault, sizeof(t->fault), "%d DMA transfers never waited for", t->npend);
	}
	return rc;
}

static const char *tap_name(void *ctx)
{
	const struct tap *t = ctx;

	return t->in->name(t->in->ctx);
}

static struct gs_source tap_source(struct tap *t)
{
	struct gs_source s = { t, tap_next, NULL, tap_name };

	return s;
}

/* ---- reference and runs ---- */

/* Direct convolution in double over the pruned csr; mag = sum |w||x|. */
static void conv_ref(const struct conv_params *p, const struct pruned *w, int eb, const float *x,
		     double *y, double *mag)
{
	uint32_t ho = out_dim(p->h_in, p->pad_h, p->kh, p->dil_h, p->stride_h);
	uint32_t wo = out_dim(p->w_in, p->pad_w, p->kw, p->dil_w, p->stride_w), n, oh, ow, co;
	uint64_t k;

	for (n = 0; n < p->batch; n++)
		for (oh = 0; oh < ho; oh++)
			for (ow = 0; ow < wo; ow++)
				for (co = 0; co < p->cout; co++) {
					uint64_t o = (((uint64_t)n * ho + oh) * wo + ow) * p->cout + co;

					y[o] = mag[o] = 0.0;
					for (k = w->csr.ptr[co]; k < w->csr.ptr[co + 1]; k++) {
						uint32_t col = w->csr.col[k], ci = col % p->cin;
						uint32_t kpos = col / p->cin;
						long ih = (long)(oh * p->stride_h + (kpos / p->kw) * p->dil_h) - p->pad_h;
						long iw = (long)(ow * p->stride_w + (kpos % p->kw) * p->dil_w) - p->pad_w;
						double wv = elem_round(eb, w->csr.val[k]), xv;

						if (ih < 0 || iw < 0 || ih >= (long)p->h_in || iw >= (long)p->w_in)
							continue;
						xv = x[(((uint64_t)n * p->h_in + (uint64_t)ih) * p->w_in +
							(uint64_t)iw) * p->cin + ci];
						y[o] += wv * xv;
						mag[o] += fabs(wv * xv);
					}
				}
}

/* Main memory as the kernel gives it, except y, which reads as garbage
** until written: outputs the kernel fails to store cannot pass as zeros. */
struct poisoned_mem {
	const struct kernel *k;
	uint64_t y_lo, y_hi;
};

static void poisoned_read(void *ctx, uint64_t maddr, void *buf, uint32_t n)
{
	const struct poisoned_mem *pm = ctx;
	unsigned char *b = buf;
	uint32_t i;

	pm->k->mem_read(pm->k->mem_ctx, maddr, buf, n);
	for (i = 0; i < n; i++)
		if (maddr + i >= pm->y_lo && maddr + i < pm->y_hi)
			b[i] = 0x5a;
}

struct run {
	uint64_t ny;
	float *y;		/* simulated outputs */
	double *ref, *mag;
	struct tap tap;
};

static void run_free(struct run *r)
{
	free(r->y);
	free(r->ref);
	free(r->mag);
}

/* Generate, run in funcsim through the tap, read y back; x given or random. */
static void run_conv(struct run *r, const struct machine *m, const struct conv_params *p,
		     const struct pruned *w, const float *xin, uint64_t seed)
{
	uint32_t ho = out_dim(p->h_in, p->pad_h, p->kh, p->dil_h, p->stride_h);
	uint32_t wo = out_dim(p->w_in, p->pad_w, p->kw, p->dil_w, p->stride_w);
	uint64_t nx = (uint64_t)p->batch * p->h_in * p->w_in * p->cin, i;
	int eb = m->isa.element_bytes;
	float *x = malloc(nx * sizeof(float));
	struct kernel k;
	struct gs_err err;
	struct gs_source src;
	struct funcsim *fs;
	struct poisoned_mem pm;
	float *junk;
	struct rng rg;

	memset(r, 0, sizeof(*r));
	ck_assert_ptr_nonnull(x);
	rng_seed(&rg, seed);
	for (i = 0; i < nx; i++)
		x[i] = xin ? xin[i] : (float)elem_round(eb, rng_uniform(&rg) * 2.0 - 1.0);
	ck_assert_msg(gen_conv(&k, w, &m->isa, p, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(k.layout.x_in_memory, 1);
	ck_assert_int_eq(kernel_set_input(&k, x, nx), 0);
	r->ny = (uint64_t)p->batch * ho * wo * p->cout;
	r->tap.in = &k.src;
	r->tap.k = &k;
	r->tap.isa = &m->isa;
	r->tap.x_bytes = nx * (uint64_t)eb;
	r->tap.y_bytes = r->ny * (uint64_t)eb;
	r->tap.gs_banks = w->pat.kind == PAT_GS && !m->no_bank_check ? w->pat.B : 0;
	src = tap_source(&r->tap);
	pm.k = &k;
	pm.y_lo = k.layout.y_mem;
	pm.y_hi = k.layout.y_mem + r->tap.y_bytes;
	fs = funcsim_new(&m->cfg, poisoned_read, &pm);
	ck_assert_ptr_nonnull(fs);
	/* a scratchpad full of garbage: padding must be written, not assumed */
	junk = malloc(m->isa.spm_bytes / (uint64_t)eb * sizeof(float));
	ck_assert_ptr_nonnull(junk);
	for (i = 0; i < m->isa.spm_bytes / (uint64_t)eb; i++)
		junk[i] = 1000.0f + (float)(i % 7);
	funcsim_spm_store(fs, 0, junk, m->isa.spm_bytes / (uint64_t)eb);
	free(junk);
	ck_assert_msg(funcsim_run(fs, &src, &err) == 0, "%s", err.msg);
	ck_assert_msg(!r->tap.fault[0], "%s", r->tap.fault);
	r->y = malloc(r->ny * sizeof(float));
	r->ref = malloc(r->ny * sizeof(double));
	r->mag = malloc(r->ny * sizeof(double));
	ck_assert(r->y && r->ref && r->mag);
	funcsim_mem_load(fs, k.layout.y_mem, r->y, r->ny);
	conv_ref(p, w, eb, x, r->ref, r->mag);
	funcsim_free(fs);
	kernel_free(&k);
	free(x);
}

/* |y - ref| <= tol * sum|w||x| (+ a hair for outputs with no terms). */
static void check_close(const struct run *r, double tol, const char *what)
{
	uint64_t i;

	for (i = 0; i < r->ny; i++)
		ck_assert_msg(fabs(r->y[i] - r->ref[i]) <= tol * r->mag[i] + 1e-30,
			      "%s: y[%llu] = %.6g, reference %.6g (sum|wx| %.4g)", what,
			      (unsigned long long)i, (double)r->y[i], r->ref[i], r->mag[i]);
}

static const char *const all_patterns[] = {
	"dense", "unstructured", "block:8x1", "block:1x8", "nm:2:8", "gs-v", "gs-h", "gs:V=8,h=2,B=8"
};
#define NPAT (sizeof(all_patterns) / sizeof(all_patterns[0]))

/* What a sweep runs and checks beyond the reference. */
struct sweep {
	const char *const *pat;
	size_t npat;
	int kib, nvar;		/* variants: fp16, fp32, fp16 with 8 registers */
	const uint32_t *cc;	/* channels per chunk per variant (a dma.in = one pixel's chunk) */
	int no_bank_check;
	uint64_t min_tiles;	/* at least this many dma.out */
	unsigned in_tags;	/* != 0: exactly these input buffers used */
};

/* Every pattern of sw on p (weights w, or random when NULL). */
static void sweep_on(const struct conv_params *p, const struct sweep *sw, const float *w,
		     uint64_t seed)
{
	static const int eb[] = { 2, 4, 2 }, regs[] = { 32, 32, 8 };
	float *wr = w ? NULL : rand_weights(p, seed);
	char what[160];
	size_t i;
	int v;

	for (i = 0; i < sw->npat; i++)
		for (v = 0; v < sw->nvar; v++) {
			struct machine m;
			struct pruned pr;
			struct run r;

			machine_init(&m, 8, eb[v], regs[v], sw->kib);
			m.no_bank_check = sw->no_bank_check;
			prune_conv(&pr, p, w ? w : wr, sw->pat[i], 8, 0.75);
			run_conv(&r, &m, p, &pr, NULL, seed + i);
			snprintf(what, sizeof(what), "%s, %ux%ux%u k%ux%u s%u p%u d%u batch %u, eb %d, %d regs",
				 sw->pat[i], p->h_in, p->w_in, p->cin, p->kh, p->kw, p->stride_w,
				 p->pad_w, p->dil_w, p->batch, eb[v], regs[v]);
			check_close(&r, eb[v] == 2 ? 4e-3 : 1e-5, what);
			if (sw->cc)
				ck_assert_uint_eq(r.tap.dma_in_max, (uint64_t)sw->cc[v] * (uint64_t)eb[v]);
			else
				ck_assert_uint_ge(r.tap.dma_in_max, (uint64_t)p->cin * (uint64_t)eb[v]);
			ck_assert_msg(r.tap.count[OP_DMA_OUT] >= sw->min_tiles, "%s: %llu tiles", what,
				      (unsigned long long)r.tap.count[OP_DMA_OUT]);
			ck_assert(!sw->in_tags || r.tap.in_tags == sw->in_tags);
			run_free(&r);
			pruned_free(&pr);
		}
	free(wr);
}

/* Every pattern on p, at fp16 and fp32, 32 and 8 registers. */
static void all_patterns_on(const struct conv_params *p, int kib, const uint32_t *cc, uint64_t seed)
{
	struct sweep sw = { all_patterns, NPAT, kib, 3, cc, 0, 1, 0 };

	sweep_on(p, &sw, NULL, seed);
}

/* ---- hand-worked ---- */

/* 1-D, 5 x 8 channels, kernel 3, pad 1: W keeps the own channel only,
** weight 2 at tap 0 and 1 at tap 1, so y[ow][c] = x[ow][c] + 2 x[ow-1][c];
** with x[w][c] = 10 w + c every value is an exact small integer. Each
** pattern's sparsity keeps exactly the non-zeros (plus zeros). */
START_TEST(test_hand_1d)
{
	static const char *const pat[] = { "dense", "unstructured", "block:8x1", "block:1x8",
					   "nm:2:8", "gs-v", "gs-h", "gs:V=8,h=2,B=8" };
	static const double sp[] = { 0, 1 - 16.0 / 192, 1.0 / 3, 1.0 / 3, 0.75, 1 - 2.0 / 24,
				     1.0 / 3, 1 - 4.0 / 24 };
	struct conv_params p = conv(1, 1, 5, 8, 8, 1, 3, 1, 1, 1);
	float w[8 * 24] = { 0 }, x[5 * 8];
	uint32_t c, ow;
	size_t i;

	for (c = 0; c < 8; c++) {
		w[c * 24 + 0 * 8 + c] = 2.0f;
		w[c * 24 + 1 * 8 + c] = 1.0f;
	}
	for (ow = 0; ow < 5; ow++)
		for (c = 0; c < 8; c++)
			x[ow * 8 + c] = (float)(10 * ow + c);
	for (i = 0; i < NPAT; i++) {
		struct machine m;
		struct pruned pr;
		struct run r;

		machine_init(&m, 8, 2, 32, 64);
		prune_conv(&pr, &p, w, pat[i], 8, sp[i]);
		run_conv(&r, &m, &p, &pr, x, 0);
		ck_assert_uint_eq(r.ny, 40);
		for (ow = 0; ow < 5; ow++)
			for (c = 0; c < 8; c++) {
				float want = (float)(10 * ow + c) + (ow ? 2.0f * (float)(10 * (ow - 1) + c) : 0.0f);

				ck_assert_msg(r.y[ow * 8 + c] == want, "%s: y[%u][%u] = %g, want %g", pat[i],
					      ow, c, (double)r.y[ow * 8 + c], (double)want);
			}
		ck_assert_uint_eq(r.tap.count[OP_DMA_IN], 1);	/* one row, no tiling */
		ck_assert_uint_eq(r.tap.count[OP_DMA_OUT], 1);
		run_free(&r);
		pruned_free(&pr);
	}
}
END_TEST

/* ---- every pattern against the reference ---- */

START_TEST(test_2d_stride1)
{
	struct conv_params p = conv(1, 6, 6, 16, 16, 3, 3, 1, 1, 1);

	all_patterns_on(&p, 64, NULL, 11);
}
END_TEST

START_TEST(test_2d_stride2_batch2)
{
	struct conv_params p = conv(2, 6, 6, 16, 24, 3, 3, 2, 1, 1);

	all_patterns_on(&p, 64, NULL, 12);
}
END_TEST

START_TEST(test_2d_dilation2)
{
	struct conv_params p = conv(1, 7, 7, 16, 16, 3, 3, 1, 2, 2);

	all_patterns_on(&p, 64, NULL, 13);
}
END_TEST

/* Rows not a multiple of 8 (partial groups and blocks), C_in % 8 != 0
** (dense and 1x8 chunks straddle kernel positions; GS banks come from the
** offsets, which the tap checks stay distinct for every pixel). */
START_TEST(test_2d_odd_channels)
{
	struct conv_params p = conv(1, 5, 5, 12, 20, 3, 3, 1, 1, 1);

	all_patterns_on(&p, 64, NULL, 14);
}
END_TEST

START_TEST(test_1d_jasper_stride2)
{
	struct conv_params p = conv(2, 1, 20, 16, 16, 1, 11, 2, 5, 1);

	all_patterns_on(&p, 64, NULL, 15);
}
END_TEST

START_TEST(test_1d_dilation2)
{
	struct conv_params p = conv(1, 1, 24, 16, 16, 1, 5, 1, 4, 2);

	all_patterns_on(&p, 64, NULL, 16);
}
END_TEST

/* Rows 8..15 have no weights at all, so their units (vertical groups,
** block rows, horizontal rows) hold no records: the kernel must still
** store their zeros, over buffers holding earlier tiles' outputs. */
static void empty_units_on(const struct conv_params *p, int kib, const uint32_t *cc)
{
	static const char *const pat[] = { "unstructured", "block:8x1", "block:1x8",
					   "gs-v,nonuniform", "gs-h,nonuniform", "gs:V=8,h=2,B=8,nonuniform" };
	struct sweep sw = { pat, 6, kib, 1, cc, 0, 2 * p->h_in, 0 };
	uint32_t cols = 9 * p->cin;
	float *w = rand_weights(p, 61);

	memset(w + 8 * cols, 0, 8 * cols * sizeof(float));
	sweep_on(p, &sw, w, 62);
	free(w);
}

START_TEST(test_empty_units)
{
	struct conv_params p = conv(2, 10, 10, 16, 16, 3, 3, 1, 1, 1);
	struct conv_params q = conv(2, 6, 6, 64, 16, 3, 3, 1, 1, 1);
	static const uint32_t cc[] = { 32 };

	empty_units_on(&p, 4, NULL);
	empty_units_on(&q, 2, cc);	/* two channel chunks: empty units skip the second */
}
END_TEST

/* ---- tiling ---- */

/* Some patterns on p at kib: the tiling seen (dma.out per tile, which
** input buffers were used). */
static void tiled(const struct conv_params *p, int kib, uint64_t min_tiles, unsigned in_tags)
{
	static const char *const pat[] = { "gs-v", "dense", "gs-h", "gs:V=8,h=2,B=8", "block:8x1",
					   "unstructured" };
	struct sweep sw = { pat, 6, kib, 1, NULL, 0, min_tiles, in_tags };

	sweep_on(p, &sw, NULL, 21);
}

/* 10x10x16, 3x3: a padded input row is 12*16*2 = 384 B, an output row
** 10*16*2 = 320 B. 4 KiB double-buffered: 2 (384(TH+2)) + 2 (320 TH) <= 4096
** gives TH = 1 (aligned: 1152 + 1152 + 320 + 320), 10 tiles per image. */
START_TEST(test_tiled_double_buffer)
{
	struct conv_params p = conv(2, 10, 10, 16, 16, 3, 3, 1, 1, 1);

	tiled(&p, 4, 20, 3);
}
END_TEST

/* 2 KiB, batch 1: two buffers never fit (2 * 1472 > 2048), one does: TH = 1. */
START_TEST(test_tiled_single_buffer)
{
	struct conv_params p = conv(1, 10, 10, 16, 16, 3, 3, 1, 1, 1);

	tiled(&p, 2, 10, 1);
}
END_TEST

/* 1-D rows longer than the scratchpad: segments of the output row. */
START_TEST(test_tiled_1d_segments)
{
	struct conv_params p = conv(1, 1, 200, 16, 16, 1, 11, 2, 5, 1);
	struct conv_params q = conv(2, 1, 150, 16, 16, 1, 5, 1, 4, 2);

	tiled(&p, 2, 5, 3);
	tiled(&q, 2, 10, 3);
}
END_TEST

/* ---- input-channel splitting ---- */

/* 1-D, cin 64, kw 9, dilation 2 (17 columns) on 2 KiB: a pixel's whole
** field is 17 x 64 x 2 = 2176 B. fp16: 17 cc 2 B (aligned) + 32 B of
** outputs fits up to cc = 56 (1920 + 32), so 2 chunks of 32 channels;
** fp32: 17 cc 4 B + 64 fits up to cc = 24 (1664 + 64): 3 chunks, 24, 24, 16. */
START_TEST(test_split_1d)
{
	static const uint32_t cc[] = { 32, 24, 32 };
	struct conv_params p = conv(1, 1, 40, 64, 16, 1, 9, 1, 8, 2);
	struct conv_params q = conv(2, 1, 30, 64, 16, 1, 9, 2, 8, 2);

	all_patterns_on(&p, 2, cc, 71);
	all_patterns_on(&q, 2, cc, 72);
}
END_TEST

/* 2-D 3x3, 6x6x64 on 2 KiB: one output row needs 3 padded rows x 8 x 64
** x 2 B = 3072 B of input. fp16: 48 cc + 192 (or 144) B fits up to cc = 32
** (1536 + 192), 2 chunks; fp32: 96 cc + 384 (288) fits up to 16: 4 chunks. */
START_TEST(test_split_2d)
{
	static const uint32_t cc[] = { 32, 16, 32 };
	struct conv_params p = conv(1, 6, 6, 64, 16, 3, 3, 1, 1, 1);
	struct conv_params q = conv(2, 6, 6, 64, 24, 3, 3, 2, 1, 1);

	all_patterns_on(&p, 2, cc, 73);
	all_patterns_on(&q, 2, cc, 74);
}
END_TEST

/* cin = 60, not a multiple of 8: chunks of any size for these patterns
** (fp16: 2 of 30, fp32: 4 of 15); GS has its own test below; 1x8 blocks
** cannot be split (check_gen_conv2.c). */
START_TEST(test_split_odd_channels)
{
	static const char *const pat[] = { "dense", "unstructured", "block:8x1", "nm:2:8" };
	static const uint32_t cc[] = { 30, 15, 30 };
	struct conv_params p = conv(2, 5, 5, 60, 20, 3, 3, 1, 1, 1);
	struct sweep sw = { pat, sizeof(pat) / sizeof(pat[0]), 2, 3, cc, 0, 1, 0 };

	sweep_on(&p, &sw, NULL, 75);
}
END_TEST

/* GS with cin = 60 = 4 (mod 8) split into chunks: the chunks start at
** multiples of B = 8 and each pixel of a chunk of cc channels takes
** cc + (60 - cc) mod 8 elements, so every gather keeps the bank class of
** its whole-layer offset the model was pruned with: the tap checks distinct
** banks on every gather. (Chunks of 30 channels at a pitch of 30, as
** before, put lanes of one bucket into one bank.)
** 2-D, 5x5 pad 1 (w_pad 7), 3x3, cout 20, 2 KiB: one output row needs
** 3 x 7 = 21 pixels of input. fp16: 42 pitch (aligned to 64) + 200 <= 2048
** gives pitch <= 42, so chunks of 8m with 8m + 4 <= 42: m = 4, 2 chunks of
** 32 (pitch 36) and 28 (pitch 28); fp32: 84 pitch + 400 gives pitch <= 19:
** m = 1, 7 chunks of 8 (pitch 12) and one of 4.
** 1-D, kw 9 dilation 2 (17 columns), cout 16: one pixel needs 17 pitch.
** fp16: 34 pitch (aligned) + 32 <= 2048 gives pitch <= 58: m <= 6, 8 units
** in 2 chunks of 32 and 28; fp32: 68 pitch + 64 gives pitch <= 29: m = 3,
** 3 chunks of 24, 24, 12. */
START_TEST(test_split_gs_odd_channels)
{
	static const char *const pat[] = { "gs-v", "gs-h", "gs:V=8,h=2,B=8", "gs-v,nonuniform" };
	static const uint32_t cc2[] = { 32, 8, 32 }, cc1[] = { 32, 24, 32 };
	struct conv_params p = conv(2, 5, 5, 60, 20, 3, 3, 1, 1, 1);
	struct conv_params q = conv(1, 1, 40, 60, 16, 1, 9, 1, 8, 2);
	struct sweep sw = { pat, sizeof(pat) / sizeof(pat[0]), 2, 3, cc2, 0, 1, 0 };

	sweep_on(&p, &sw, NULL, 76);
	sw.cc = cc1;
	sweep_on(&q, &sw, NULL, 77);
}
END_TEST

Suite *gen_conv_suite(void)
{
	Suite *s = suite_create("gen_conv");
	TCase *tc = tcase_create("gen_conv");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_hand_1d);
	tcase_add_test(tc, test_2d_stride1);
	tcase_add_test(tc, test_2d_stride2_batch2);
	tcase_add_test(tc, test_2d_dilation2);
	tcase_add_test(tc, test_2d_odd_channels);
	tcase_add_test(tc, test_1d_jasper_stride2);
	tcase_add_test(tc, test_1d_dilation2);
	tcase_add_test(tc, test_empty_units);
	tcase_add_test(tc, test_tiled_double_buffer);
	tcase_add_test(tc, test_tiled_single_buffer);
	tcase_add_test(tc, test_tiled_1d_segments);
	tcase_add_test(tc, test_split_1d);
	tcase_add_test(tc, test_split_2d);
	tcase_add_test(tc, test_split_odd_channels);
	tcase_add_test(tc, test_split_gs_odd_channels);
	suite_add_tcase(s, tc);
	return s;
}
