/*
** gen_conv.c: sparse convolution y = conv(W, x) with implicit im2col
** (gs-patterns.md §2.1, §4.2; docs/kernels-conv.md). x (NHWC) lives in
** main memory; the output is tiled spatially and each tile's zero-padded
** input is brought into the scratchpad by DMA (double-buffered when two
** tiles fit). Per tile, weight-stationary: for each unit of output rows,
** chunks of up to cmax weight records are loaded into registers once, then
** every output pixel of the tile (in interleaved groups of nacc) gathers
** its activations at its receptive field base with the same index vectors.
** Outputs accumulate in a scratchpad output tile that goes back to memory
** with dma.out.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_common.h"

#define TAG_IN 0u		/* + buffer: dma.in of an input tile */
#define TAG_OUT 2u		/* + buffer: dma.out of an output tile */
#define OFFSET_LIMIT 0x7fffffffull	/* gather offsets stay far below GS_LANE_MASKED */
#define DIM_LIMIT (1ull << 62)
#define ZERO_STORES_PER_REFILL 8

/* How a unit's lanes map to output rows (enum). */
enum conv_mode {
	MODE_VERT,	/* lanes are different rows: vstore / scatter, RMW across chunks */
	MODE_HORZ,	/* one row: reduce, scatter / scatter.add of lane 0 */
	MODE_HYBRID	/* GS 1 < h < V: lanes share rows: scatter.add into a zeroed tile */
};

enum act_kind { ACT_GATHER, ACT_VLOAD, ACT_BCAST };

enum stage {
	ST_START, ST_FILL_DMA, ST_FILL_ZERO, ST_PREFETCH, ST_WAIT, ST_UNIT, ST_CHUNK,
	ST_LOAD, ST_PIXELS, ST_OUT, ST_NEXT, ST_DRAIN, ST_DONE
};

/* One tile: output pixels [oh0, oh0+th) x [ow0, ow0+tw) of image n, and
** its input buffer: nrows rows of pitch elements starting at padded input
** row pr0, column c0. */
struct tile_geo {
	uint32_t n, oh0, th, ow0, tw, nrows, pr0, c0;
	uint64_t pitch, in_spm, out_spm;
	unsigned buf;
};

struct gen_conv {
	struct gen_base base;		/* first: the generator is its base */
	struct conv_params p;
	struct wstream ws;
	int mode, lanes, nil;		/* nil: index loads per record (0: none) */
	uint64_t eb;
	/* geometry and tiling */
	uint32_t h_out, w_out, w_pad, ekh, ekw;
	int seg;			/* tiles are segments of one output row */
	uint32_t tile, segs;		/* rows (or pixels) per tile; segments per output row */
	uint64_t tiles_img, ntiles;
	unsigned nbuf;
	uint64_t in_spm[2], out_spm[2];
	/* registers: nacc accumulators = pixels per group, ntmp activations */
	int r_zero, r_acc, nacc, r_tmp, ntmp, r_val, r_idx;
	uint32_t cmax;
	/* cursors */
	int stage, fill_ret;
	uint64_t t, zcur, zend, fz, step, steps, rec0;
	struct tile_geo ft, ct;		/* tile being filled, tile being computed */
	uint32_t frow, unit, chunk, nchunk, cn, lb;
	uint32_t rows[GS_MAX_LANES];	/* output row of each lane of the unit */
	int contig;			/* rows[] = rows[0] + lane, all valid */
	/* the loaded chunk: activation access of each record (cmax entries) */
	uint8_t *act_kind;
	uint32_t *act_off;		/* VLOAD/BCAST: element offset from the pixel base */
	uint32_t *act_idx;		/* GATHER: cmax * lanes offsets */
};

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* a*b, or DIM_LIMIT when it would pass it: sizes are checked against
** much smaller limits afterwards, so saturation is enough. */
static uint64_t mul_sat(uint64_t a, uint64_t b)
{
	return a && b > DIM_LIMIT / a ? DIM_LIMIT : a * b;
}

/* Element offset of weight column col from the receptive field base in a
** buffer of padded rows of w_pad pixels (gs-patterns.md §2.1 with dilation). */
static uint32_t conv_offset(const void *ctx, uint32_t col)
{
	const struct gen_conv *c = ctx;
	uint32_t ci = col % c->p.cin, kpos = col / c->p.cin;
	uint64_t kh_i = kpos / c->p.kw, kw_i = kpos % c->p.kw;

	return (uint32_t)((kh_i * c->p.dil_h * c->w_pad + kw_i * c->p.dil_w) * c->p.cin + ci);
}

/* ---- tiling ---- */

/* Bytes of the input and output buffers of a tile of n output rows (row
** tiles) or n output pixels (segments). */
static void tile_bytes(const struct gen_conv *c, int seg, uint64_t n, uint64_t *in, uint64_t *out)
{
	const struct conv_params *p = &c->p;

	if (seg) {
		*in = mul_sat(mul_sat(mul_sat(n - 1, p->stride_w) + c->ekw, p->cin), c->eb);
		*out = mul_sat(mul_sat(n, p->cout), c->eb);
	} else {
		*in = mul_sat(mul_sat(mul_sat(mul_sat(n - 1, p->stride_h) + c->ekh, c->w_pad), p->cin),
			      c->eb);
		*out = mul_sat(mul_sat(mul_sat(n, c->w_out), p->cout), c->eb);
	}
}

/* Place nbuf input then nbuf output buffers from scratchpad byte 0: 1 when
** they fit (and each is one DMA's worth), filling in_spm / out_spm. */
static int tile_place(struct gen_conv *c, int seg, uint64_t n, unsigned nbuf)
{
	uint64_t in, out, cur = 0, a;
	unsigned i;

	tile_bytes(c, seg, n, &in, &out);
	if (in > UINT32_MAX || out > UINT32_MAX)
		return 0;
	for (i = 0; i < 2 * nbuf; i++) {
		a = gen_align_up(cur, GEN_ALIGN);
		cur = a + (i < nbuf ? in : out);
		if (cur > c->base.isa.spm_bytes)
			return 0;
		if (i < nbuf)
			c->in_spm[i] = a;
		else
			c->out_spm[i - nbuf] = a;
	}
	return 1;
}

/* Largest tile (1..max) whose nbuf buffer pairs fit; 0 if none. */
static uint64_t tile_max(struct gen_conv *c, int seg, uint64_t max, unsigned nbuf)
{
	uint64_t lo = 0, hi = max;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo + 1) / 2;

		if (tile_place(c, seg, mid, nbuf))
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* The tiling rule (docs/kernels-conv.md): row tiles of whole output rows
** when one fits, else (kh == 1 only) segments of one output row; double
** buffering when more than one tile is processed and two fit; tiles of
** equal size as far as the count allows. */
static int conv_plan(struct gen_conv *c, const char *what, struct gs_err *err)
{
	uint64_t len, t1, t2, tmax, in, out, count;
	int seg = 0;

	len = c->h_out;
	t1 = tile_max(c, 0, len, 1);
	if (!t1 && c->p.kh == 1) {
		seg = 1;
		len = c->w_out;
		t1 = tile_max(c, 1, len, 1);
	}
	if (!t1) {
		tile_bytes(c, seg, 1, &in, &out);
		if (seg)
			return gs_errf(err, "%s: one output pixel needs %llu bytes of scratchpad (input %u columns x %u channels + %u outputs, %d-byte elements, each aligned to %u) but the scratchpad has %llu bytes",
				       what, (unsigned long long)(gen_align_up(in, GEN_ALIGN) + out),
				       c->ekw, c->p.cin, c->p.cout, c->base.isa.element_bytes, GEN_ALIGN,
				       (unsigned long long)c->base.isa.spm_bytes);
		return gs_errf(err, "%s: one output row needs %llu bytes of scratchpad (input %u padded rows x %u columns x %u channels + %u x %u outputs, %d-byte elements, each aligned to %u) but the scratchpad has %llu bytes%s",
			       what, (unsigned long long)(gen_align_up(in, GEN_ALIGN) + out), c->ekh,
			       c->w_pad, c->p.cin, c->w_out, c->p.cout, c->base.isa.element_bytes, GEN_ALIGN,
			       (unsigned long long)c->base.isa.spm_bytes,
			       c->p.kh > 1 ? "; rows cannot be split because kh > 1" : "");
	}
	count = (len + t1 - 1) / t1 * (seg ? c->h_out : 1) * c->p.batch;
	t2 = count > 1 ? tile_max(c, seg, len, 2) : 0;
	c->nbuf = t2 ? 2 : 1;
	tmax = t2 ? t2 : t1;
	count = (len + tmax - 1) / tmax;
	c->seg = seg;
	c->tile = (uint32_t)((len + count - 1) / count);
	c->segs = seg ? (uint32_t)count : 1;
	c->tiles_img = seg ? count * c->h_out : count;
	c->ntiles = c->tiles_img * c->p.batch;
	tile_place(c, seg, c->tile, c->nbuf);
	return 0;
}

static void tile_of(const struct gen_conv *c, uint64_t t, struct tile_geo *tg)
{
	uint64_t k = t % c->tiles_img;

	tg->n = (uint32_t)(t / c->tiles_img);
	tg->buf = (unsigned)(t % c->nbuf);
	if (c->seg) {
		tg->oh0 = (uint32_t)(k / c->segs);
		tg->th = 1;
		tg->ow0 = (uint32_t)(k % c->segs) * c->tile;
		tg->tw = (uint32_t)min_u64(c->tile, c->w_out - tg->ow0);
		tg->nrows = 1;
		tg->c0 = tg->ow0 * c->p.stride_w;
		tg->pitch = ((uint64_t)(tg->tw - 1) * c->p.stride_w + c->ekw) * c->p.cin;
	} else {
		tg->oh0 = (uint32_t)k * c->tile;
		tg->th = (uint32_t)min_u64(c->tile, c->h_out - tg->oh0);
		tg->ow0 = 0;
		tg->tw = c->w_out;
		tg->nrows = (tg->th - 1) * c->p.stride_h + c->ekh;
		tg->c0 = 0;
		tg->pitch = (uint64_t)c->w_pad * c->p.cin;
	}
	tg->pr0 = tg->oh0 * c->p.stride_h;
	tg->in_spm = c->in_spm[tg->buf];
	tg->out_spm = c->out_spm[tg->buf];
}

/* The part of buffer row i that holds input data: elements [*lo, *hi) of
** the buffer, read from main memory at *src. 0 when the row is padding. */
static int row_data(const struct gen_conv *c, const struct tile_geo *tg, uint32_t i,
		    uint64_t *lo, uint64_t *hi, uint64_t *src)
{
	const struct conv_params *p = &c->p;
	uint64_t pr = (uint64_t)tg->pr0 + i, cols = tg->pitch / p->cin;
	uint64_t a = tg->c0 > p->pad_w ? tg->c0 : p->pad_w;
	uint64_t b = min_u64(tg->c0 + cols, (uint64_t)p->pad_w + p->w_in);

	if (pr < p->pad_h || pr >= (uint64_t)p->pad_h + p->h_in || a >= b)
		return 0;
	*lo = i * tg->pitch + (a - tg->c0) * p->cin;
	*hi = i * tg->pitch + (b - tg->c0) * p->cin;
	*src = GEN_X_MEM + ((((uint64_t)tg->n * p->h_in + (pr - p->pad_h)) * p->w_in +
			     (a - p->pad_w)) * p->cin) * c->eb;
	return 1;
}

static void fill_begin(struct gen_conv *c, uint64_t t, int ret)
{
	tile_of(c, t, &c->ft);
	c->frow = 0;
	c->fill_ret = ret;
	c->stage = ST_FILL_DMA;
}

/* One dma.in per contiguous run of data rows. */
static void fill_dma_step(struct gen_conv *c)
{
	const struct tile_geo *tg = &c->ft;
	uint64_t lo, hi, src, lo2, hi2, src2;
	uint32_t j;

	if (c->frow == tg->nrows) {
		c->frow = 0;
		c->fz = 0;
		c->stage = ST_FILL_ZERO;
		return;
	}
	if (!row_data(c, tg, c->frow, &lo, &hi, &src)) {
		c->frow++;
		return;
	}
	for (j = c->frow + 1; j < tg->nrows && row_data(c, tg, j, &lo2, &hi2, &src2) &&
			      lo2 == hi && src2 == src + (hi - lo) * c->eb &&
			      (hi2 - lo) * c->eb <= UINT32_MAX; j++)
		hi = hi2;
	emit_dma_in(&c->base, TAG_IN + tg->buf, tg->in_spm + lo * c->eb, src,
		    (uint32_t)((hi - lo) * c->eb));
	c->frow = j;
}

/* Zero everything of the buffer that no DMA writes (padding). */
static void fill_zero_step(struct gen_conv *c)
{
	const struct tile_geo *tg = &c->ft;
	uint64_t lo, hi, src;

	if (c->frow == tg->nrows) {
		c->zcur = tg->in_spm + c->fz * c->eb;
		c->zend = tg->in_spm + tg->nrows * tg->pitch * c->eb;
		c->stage = c->fill_ret;
		return;
	}
	if (row_data(c, tg, c->frow, &lo, &hi, &src)) {
		c->zcur = tg->in_spm + c->fz * c->eb;
		c->zend = tg->in_spm + lo * c->eb;
		c->fz = hi;
	}
	c->frow++;
}

/* Stores of the zero register over [zcur, zend). */
static void zero_some(struct gen_conv *c)
{
	uint64_t vec = (uint64_t)c->lanes * c->eb;
	int k;

	for (k = 0; k < ZERO_STORES_PER_REFILL && c->zcur < c->zend; k++) {
		uint64_t n = (c->zend - c->zcur) / c->eb;

		emit_spm_store_n(&c->base, c->r_zero, c->zcur, n >= (uint64_t)c->lanes ? c->lanes : (int)n);
		c->zcur = n >= (uint64_t)c->lanes ? c->zcur + vec : c->zend;
	}
}

/* ---- compute ---- */

static void unit_begin(struct gen_conv *c)
{
	int l;

	c->contig = 1;
	for (l = 0; l < c->lanes; l++) {
		c->rows[l] = ws_lane_row(&c->ws, c->unit, l);
		if (c->rows[l] == UINT32_MAX || c->rows[l] != c->rows[0] + (uint32_t)l)
			c->contig = 0;
	}
	c->chunk = 0;
	c->nchunk = ws_unit_count(&c->ws, c->unit) ?
			    (ws_unit_count(&c->ws, c->unit) + c->cmax - 1) / c->cmax : 1;
}

/* Weight (and index) loads of the chunk's record b; decode its access. */
static void load_record(struct gen_conv *c, uint32_t b)
{
	struct gen_base *g = &c->base;
	const struct wstream *ws = &c->ws;
	uint64_t rec = c->rec0 + b, vec = (uint64_t)c->lanes * c->eb, tot;
	uint32_t *idx = c->act_idx + (size_t)b * (size_t)c->lanes, col;
	int l, k, ri = c->r_idx + (int)b * c->nil, contig = 1;
	float v;

	emit_mload(g, c->r_val + (int)b, ws_val_addr(ws, rec), ws_val_bytes(ws, rec));
	if (ws->fmt == WS_BSR) {
		emit_mload(g, ri, ws_idx_addr(ws, rec), (uint32_t)gen_align_up((uint64_t)ws->ib, c->eb));
	} else if (ws->fmt != WS_DENSE) {
		tot = gen_align_up((uint64_t)c->lanes * (uint64_t)ws->ib, c->eb);
		for (k = 0; k < c->nil; k++)
			emit_mload(g, ri + k, ws_idx_addr(ws, rec) + (uint64_t)k * vec,
				   (uint32_t)min_u64(vec, tot - (uint64_t)k * vec));
	}
	for (l = 0; l < c->lanes; l++) {
		ws_lane(ws, c->unit, rec, l, &col, &v);
		idx[l] = col == GS_COL_NONE ? GS_LANE_MASKED : ws_index(ws, col);
		if (idx[l] == GS_LANE_MASKED || idx[l] != idx[0] + (uint32_t)l)
			contig = 0;
	}
	c->act_off[b] = idx[0];
	if (ws->fmt == WS_BSR && ws->bc == 1)
		c->act_kind[b] = ACT_BCAST;	/* lanes are the block's rows, one column */
	else if ((ws->fmt == WS_BSR || ws->fmt == WS_DENSE) && contig)
		c->act_kind[b] = ACT_VLOAD;	/* columns adjacent in one kernel position */
	else
		c->act_kind[b] = ACT_GATHER;
}

static uint64_t pix_in(const struct gen_conv *c, uint64_t p)
{
	const struct tile_geo *tg = &c->ct;

	return tg->in_spm + ((p / tg->tw) * c->p.stride_h * tg->pitch +
			     (p % tg->tw) * c->p.stride_w * c->p.cin) * c->eb;
}

static uint64_t pix_out(const struct gen_conv *c, uint64_t p)
{
	return c->ct.out_spm + p * c->p.cout * c->eb;
}

/* Gather/scatter of the unit's rows of pixel p's outputs. */
static void rows_access(struct gen_conv *c, int op, int reg, uint64_t p)
{
	struct gs_insn *in;
	int l;

	if (op == OP_GATHER)
		in = emit_gather(&c->base, reg, pix_out(c, p), GS_NOREG);
	else
		in = emit_scatter(&c->base, op, reg, pix_out(c, p), GS_NOREG);
	for (l = 0; l < c->lanes; l++)
		in->idx[l] = c->rows[l] == UINT32_MAX ? GS_LANE_MASKED : c->rows[l];
	in->nidx = (uint8_t)c->lanes;
}

/* Store the result (register reg) of pixel p for the current chunk. */
static void pixel_store(struct gen_conv *c, int reg, uint64_t p)
{
	struct gs_insn *in;

	switch (c->mode) {
	case MODE_VERT:
		if (c->contig)
			emit_vstore(&c->base, reg, pix_out(c, p) + c->rows[0] * c->eb);
		else
			rows_access(c, OP_SCATTER, reg, p);
		return;
	case MODE_HORZ:
		in = emit_scatter(&c->base, c->chunk ? OP_SCATTER_ADD : OP_SCATTER, reg,
				  pix_out(c, p), GS_NOREG);
		in->idx[0] = c->rows[0];
		in->nidx = 1;
		return;
	default:
		rows_access(c, OP_SCATTER_ADD, reg, p);
		return;
	}
}

/* Step i of the chunk's pixel loop: pixels go in groups of nacc, record by
** record and within a record pixel by pixel, so consecutive fmas go to
** different accumulators (an in-order machine would otherwise wait out the
** fma latency on every record). Gives the pixel, record and group slot. */
static void loop_pos(const struct gen_conv *c, uint64_t i, uint64_t *p, uint32_t *b, uint32_t *q)
{
	uint64_t per = (uint64_t)c->nacc * c->cn, p0 = i / per * (uint64_t)c->nacc, r = i % per;
	uint64_t sz = min_u64((uint64_t)c->nacc, (uint64_t)c->ct.th * c->ct.tw - p0);

	*b = (uint32_t)(r / sz);
	*q = (uint32_t)(r % sz);
	*p = p0 + *q;
}

/* Activation access of step i. */
static void act_step(struct gen_conv *c, uint64_t i)
{
	uint64_t p, base;
	uint32_t b, q;
	int tmp = c->r_tmp + (int)(i % (uint64_t)c->ntmp);
	struct gs_insn *in;

	loop_pos(c, i, &p, &b, &q);
	base = pix_in(c, p);
	switch (c->act_kind[b]) {
	case ACT_BCAST:
		emit_bcast(&c->base, tmp, base + c->act_off[b] * c->eb);
		return;
	case ACT_VLOAD:
		emit_vload(&c->base, tmp, base + c->act_off[b] * c->eb);
		return;
	default:
		in = emit_gather(&c->base, tmp, base,
				 c->nil ? c->r_idx + (int)b * c->nil + c->nil - 1 : (int)GS_NOREG);
		memcpy(in->idx, c->act_idx + (size_t)b * (size_t)c->lanes,
		       (size_t)c->lanes * sizeof(uint32_t));
		in->nidx = (uint8_t)c->lanes;
		return;
	}
}

/* Load the partial sums of earlier chunks into the accumulators of the
** group of pixels starting at p0 (all at once: the loads overlap). */
static void group_init(struct gen_conv *c, uint64_t p0)
{
	uint64_t p, end = min_u64(p0 + (uint64_t)c->nacc, (uint64_t)c->ct.th * c->ct.tw);

	for (p = p0; p < end; p++) {
		if (c->contig)
			emit_vload(&c->base, c->r_acc + (int)(p - p0), pix_out(c, p) + c->rows[0] * c->eb);
		else
			rows_access(c, OP_GATHER, c->r_acc + (int)(p - p0), p);
	}
}

/* Multiply-accumulate of step j, and the pixel's end after its last record. */
static void fma_step(struct gen_conv *c, uint64_t j)
{
	struct gen_base *g = &c->base;
	uint64_t p;
	uint32_t b, q;
	int acc, tmp = c->r_tmp + (int)(j % (uint64_t)c->ntmp);

	loop_pos(c, j, &p, &b, &q);
	acc = c->r_acc + (int)q;
	if (b == 0 && c->mode == MODE_VERT && c->chunk > 0) {
		if (q == 0)
			group_init(c, p);
		emit_fma(g, acc, c->r_val, tmp);
	} else if (b == 0) {
		emit_mul(g, acc, c->r_val, tmp);
	} else {
		emit_fma(g, acc, c->r_val + (int)b, tmp);
	}
	if (b + 1 < c->cn)
		return;
	if (c->mode == MODE_HORZ)
		emit_reduce(g, acc, acc);
	pixel_store(c, acc, p);
}

/* Up to a few steps of the software-pipelined pixel loop: activation
** accesses run ntmp - 1 steps ahead of the multiply-accumulates. */
static void pixels_step(struct gen_conv *c)
{
	uint64_t total = (uint64_t)c->ct.th * c->ct.tw * c->cn, lag = (uint64_t)c->ntmp - 1;

	while (c->step < c->steps && c->base.qlen + 5 + (unsigned)c->nacc <= GEN_QUEUE_MAX) {
		if (!c->cn) {
			pixel_store(c, c->r_zero, c->step);	/* a unit without weights */
		} else {
			if (c->step < total)
				act_step(c, c->step);
			if (c->step >= lag)
				fma_step(c, c->step - lag);
		}
		c->step++;
	}
}

static void chunk_step(struct gen_conv *c)
{
	uint32_t n = ws_unit_count(&c->ws, c->unit), done = c->chunk * c->cmax;

	if (c->chunk == c->nchunk) {
		c->unit++;
		c->stage = ST_UNIT;
		return;
	}
	c->cn = n ? (n - done < c->cmax ? n - done : c->cmax) : 0;
	c->rec0 = ws_unit_first(&c->ws, c->unit) + done;
	c->lb = 0;
	c->stage = ST_LOAD;
}

static void tile_wait(struct gen_conv *c)
{
	tile_of(c, c->t, &c->ct);
	emit_dma_wait(&c->base, TAG_IN + c->ct.buf);
	if (c->t >= c->nbuf)	/* the output buffer's previous dma.out */
		emit_dma_wait(&c->base, TAG_OUT + c->ct.buf);
	if (c->mode == MODE_HYBRID) {
		c->zcur = c->ct.out_spm;
		c->zend = c->ct.out_spm + (uint64_t)c->ct.th * c->ct.tw * c->p.cout * c->eb;
	}
	c->unit = 0;
	c->stage = ST_UNIT;
}

static void tile_out(struct gen_conv *c)
{
	const struct tile_geo *tg = &c->ct;
	uint64_t first = ((uint64_t)tg->n * c->h_out + tg->oh0) * c->w_out + tg->ow0;

	emit_dma_out(&c->base, TAG_OUT + tg->buf, tg->out_spm,
		     GEN_Y_MEM + first * c->p.cout * c->eb,
		     (uint32_t)((uint64_t)tg->th * tg->tw * c->p.cout * c->eb));
	if (c->nbuf == 1 && c->t + 1 < c->ntiles)
		fill_begin(c, c->t + 1, ST_NEXT);
	else
		c->stage = ST_NEXT;
}

static int conv_refill(struct gen_base *g, struct gs_err *err)
{
	struct gen_conv *c = (struct gen_conv *)g;
	uint64_t i;

	(void)err;
	if (c->zcur < c->zend) {
		zero_some(c);
		return 1;
	}
	switch (c->stage) {
	case ST_START:
		emit_mload(g, c->r_zero, ws_zero_addr(&c->ws), (uint32_t)(c->lanes * c->eb));
		fill_begin(c, 0, ST_PREFETCH);
		return 1;
	case ST_FILL_DMA:
		fill_dma_step(c);
		return 1;
	case ST_FILL_ZERO:
		fill_zero_step(c);
		return 1;
	case ST_PREFETCH:
		if (c->nbuf == 2 && c->t + 1 < c->ntiles)
			fill_begin(c, c->t + 1, ST_WAIT);
		else
			c->stage = ST_WAIT;
		return 1;
	case ST_WAIT:
		tile_wait(c);
		return 1;
	case ST_UNIT:
		if (c->unit == c->ws.nunits) {
			c->stage = ST_OUT;
		} else if (c->mode == MODE_HYBRID && !ws_unit_count(&c->ws, c->unit)) {
			c->unit++;	/* the zeroed tile already holds its outputs */
		} else {
			unit_begin(c);
			c->stage = ST_CHUNK;
		}
		return 1;
	case ST_CHUNK:
		chunk_step(c);
		return 1;
	case ST_LOAD:
		if (c->lb < c->cn) {
			load_record(c, c->lb++);
		} else {
			c->step = 0;
			c->steps = (uint64_t)c->ct.th * c->ct.tw * (c->cn ? c->cn : 1) +
				   (c->cn ? (uint64_t)c->ntmp - 1 : 0);
			c->stage = ST_PIXELS;
		}
		return 1;
	case ST_PIXELS:
		if (c->step < c->steps) {
			pixels_step(c);
		} else {
			c->chunk++;
			c->stage = ST_CHUNK;
		}
		return 1;
	case ST_OUT:
		tile_out(c);
		return 1;
	case ST_NEXT:
		c->t++;
		c->stage = c->t < c->ntiles ? ST_PREFETCH : ST_DRAIN;
		return 1;
	case ST_DRAIN:
		for (i = c->ntiles > c->nbuf ? c->ntiles - c->nbuf : 0; i < c->ntiles; i++)
			emit_dma_wait(g, TAG_OUT + (unsigned)(i % c->nbuf));
		c->stage = ST_DONE;
		return 1;
	default:
		return 0;
	}
}

static void conv_release(struct gen_base *g)
{
	struct gen_conv *c = (struct gen_conv *)g;

	wstream_free(&c->ws);
	free(c->act_kind);
	free(c->act_off);
	free(c->act_idx);
	free(c);
}

/* ---- set-up ---- */

static int conv_check(const struct gen_conv *c, const struct pruned *w, const char *what,
		      struct gs_err *err)
{
	const struct conv_params *p = &c->p;
	uint64_t hp = (uint64_t)p->h_in + 2ull * p->pad_h, wp = (uint64_t)p->w_in + 2ull * p->pad_w;
	uint64_t ekh = mul_sat(p->kh - 1ull, p->dil_h) + 1, ekw = mul_sat(p->kw - 1ull, p->dil_w) + 1;

	if (!p->batch || !p->cin || !p->cout || !p->h_in || !p->w_in || !p->kh || !p->kw ||
	    !p->stride_h || !p->stride_w || !p->dil_h || !p->dil_w)
		return gs_errf(err, "%s: batch, channels, sizes, kernel, strides and dilations must be at least 1",
			       what);
	if (w->rows != p->cout || (uint64_t)w->cols != mul_sat(mul_sat(p->kh, p->kw), p->cin))
		return gs_errf(err, "%s: weight matrix is %ux%u, expected %u x %llu (cout x kh*kw*cin)",
			       what, w->rows, w->cols, p->cout,
			       (unsigned long long)mul_sat(mul_sat(p->kh, p->kw), p->cin));
	if (ekh > hp || ekw > wp)
		return gs_errf(err, "%s: the dilated kernel (%llux%llu) is larger than the padded input (%llux%llu)",
			       what, (unsigned long long)ekh, (unsigned long long)ekw,
			       (unsigned long long)hp, (unsigned long long)wp);
	if (wp > UINT32_MAX || hp > UINT32_MAX ||
	    mul_sat(mul_sat(ekh - 1, wp) + ekw, p->cin) > OFFSET_LIMIT)
		return gs_errf(err, "%s: the receptive field spans more than %llu elements (gather offsets)",
			       what, (unsigned long long)OFFSET_LIMIT);
	if (mul_sat(mul_sat(mul_sat(mul_sat(p->batch, p->h_in), p->w_in), p->cin),
		    (uint64_t)c->base.isa.element_bytes) > GEN_Y_MEM - GEN_X_MEM)
		return gs_errf(err, "%s: the input does not fit the %llu-byte activation area of main memory",
			       what, (unsigned long long)(GEN_Y_MEM - GEN_X_MEM));
	return 0;
}

/* Registers: zero, accumulators, activation temporaries, then the chunk's
** values and indices (as many records as the rest allows). */
static int conv_registers(struct gen_conv *c, const char *what, struct gs_err *err)
{
	struct reg_pool rp;
	int total = c->base.isa.registers < (int)GS_NOREG ? c->base.isa.registers : (int)GS_NOREG;
	int per = 1 + c->nil;

	if (total - 10 >= per) {
		c->nacc = 4;
		c->ntmp = 5;
	} else if (total - 6 >= per) {
		c->nacc = 2;
		c->ntmp = 3;
	} else if (total - 3 >= per) {
		c->nacc = 1;
		c->ntmp = 1;
	} else {
		return gs_errf(err, "%s: needs at least %d vector registers, the machine has %d", what,
			       3 + per, c->base.isa.registers);
	}
	reg_pool_init(&rp, total);
	c->r_zero = reg_take(&rp, 1);
	c->r_acc = reg_take(&rp, c->nacc);
	c->r_tmp = reg_take(&rp, c->ntmp);
	c->cmax = (uint32_t)((total - rp.next) / per);
	c->r_val = reg_take(&rp, (int)c->cmax);
	c->r_idx = reg_take(&rp, (int)c->cmax * c->nil);
	c->act_kind = malloc(c->cmax);
	c->act_off = malloc(c->cmax * sizeof(uint32_t));
	c->act_idx = malloc((size_t)c->cmax * (size_t)c->lanes * sizeof(uint32_t));
	if (!c->act_kind || !c->act_off || !c->act_idx)
		return gs_errf(err, "%s: out of memory", what);
	return 0;
}

int gen_conv(struct kernel *k, const struct pruned *w, const struct isa *isa,
	     const struct conv_params *p, struct gs_err *err)
{
	struct kernel_layout *L = &k->layout;
	struct ws_index_map map;
	struct gen_conv *c;
	char pname[64], what[GEN_NAME_MAX];
	int fmt;

	memset(k, 0, sizeof(*k));
	snprintf(what, sizeof(what),
		 "conv batch %u, %ux%ux%u -> %u, kernel %ux%u, stride %ux%u, pad %ux%u, dilation %ux%u, %s",
		 p->batch, p->h_in, p->w_in, p->cin, p->cout, p->kh, p->kw, p->stride_h, p->stride_w,
		 p->pad_h, p->pad_w, p->dil_h, p->dil_w, pattern_name(&w->pat, pname, sizeof(pname)));
	if (gen_isa_check(isa, p->batch, err) < 0)
		return gen_err_prefix(err, what);
	fmt = gen_stream_format(&w->pat, err);
	if (fmt < 0)
		return gen_err_prefix(err, what);
	c = calloc(1, sizeof(*c));
	if (!c)
		return gs_errf(err, "%s: out of memory", what);
	c->base.isa = *isa;
	c->base.refill = conv_refill;
	c->base.release = conv_release;
	c->p = *p;
	c->lanes = isa->lanes;
	c->eb = (uint64_t)isa->element_bytes;
	if (conv_check(c, w, what, err) < 0)
		goto fail;
	c->w_pad = p->w_in + 2 * p->pad_w;
	c->ekh = (p->kh - 1) * p->dil_h + 1;
	c->ekw = (p->kw - 1) * p->dil_w + 1;
	c->h_out = (p->h_in + 2 * p->pad_h - c->ekh) / p->stride_h + 1;
	c->w_out = (c->w_pad - c->ekw) / p->stride_w + 1;
	map.map = conv_offset;
	map.ctx = c;
	map.range = (uint64_t)conv_offset(c, w->cols - 1) + 1;
	if (wstream_init(&c->ws, w, isa, fmt, GEN_WEIGHTS_MEM, &map, err) < 0) {
		gen_err_prefix(err, what);
		goto fail;
	}
	if (gen_check_weights(GEN_WEIGHTS_MEM + c->ws.bytes, err) < 0) {
		gen_err_prefix(err, what);
		goto fail;
	}
	if (fmt == WS_GS && w->pat.h > 1 && w->pat.h < isa->lanes)
		c->mode = MODE_HYBRID;
	else
		c->mode = ws_vertical(&c->ws) ? MODE_VERT : MODE_HORZ;
	c->nil = fmt == WS_DENSE ? 0 : fmt == WS_BSR ? 1 : gen_index_loads(isa, c->ws.ib);
	if (conv_plan(c, what, err) < 0 || conv_registers(c, what, err) < 0)
		goto fail;
	c->base.img.eb = isa->element_bytes;
	c->base.img.streams[0] = &c->ws;
	c->base.img.nstreams = 1;
	c->base.img.x_base = GEN_X_MEM;
	c->base.img.x_elems = (uint64_t)p->batch * p->h_in * p->w_in * p->cin;
	snprintf(c->base.name, sizeof(c->base.name), "%s", what);
	L->x_in_memory = 1;
	L->x_mem = GEN_X_MEM;
	L->x_spm = c->in_spm[0];
	L->y_in_spm = 0;
	L->y_mem = GEN_Y_MEM;
	L->weights_mem = GEN_WEIGHTS_MEM;
	L->weight_bytes = c->ws.bytes;
	gen_attach(k, &c->base);
	return 0;
fail:
	gen_discard(&c->base);
	memset(k, 0, sizeof(*k));
	return -1;
}
