/*
** gen_conv.c: sparse convolution y = conv(W, x) with implicit im2col
** (gs-patterns.md §2.1, §4.2; docs/kernels-conv.md): the compute walk and
** gen_conv(). x (NHWC) lives in main memory; gen_conv_tile.c plans the
** steps (spatial tile x input-channel chunk) and fills each step's input
** buffer. Per step, weight-stationary: for each unit of output rows,
** chunks of up to cmax weight records of the channel chunk's stream are
** loaded into registers once, then every output pixel of the tile (in
** interleaved groups of nacc) gathers its activations at its receptive
** field base with the same index vectors. Outputs accumulate (across record
** chunks and channel chunks) in a scratchpad output tile that goes back to
** memory with dma.out after the tile's last channel chunk.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_conv_int.h"

#define OFFSET_LIMIT 0x7fffffffull	/* gather offsets stay far below GS_LANE_MASKED */

/* ---- compute ---- */

static void unit_begin(struct gen_conv *c)
{
	int l;

	c->contig = 1;
	for (l = 0; l < c->lanes; l++) {
		c->rows[l] = ws_lane_row(c->ws, c->unit, l);
		if (c->rows[l] == UINT32_MAX || c->rows[l] != c->rows[0] + (uint32_t)l)
			c->contig = 0;
	}
	c->chunk = 0;
	c->nchunk = ws_unit_count(c->ws, c->unit) ?
			    (ws_unit_count(c->ws, c->unit) + c->cmax - 1) / c->cmax : 1;
}

/* Weight (and index) loads of the chunk's record b; decode its access. */
static void load_record(struct gen_conv *c, uint32_t b)
{
	struct gen_base *g = &c->base;
	const struct wstream *ws = c->ws;
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
				   (uint32_t)conv_min(vec, tot - (uint64_t)k * vec));
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
			     (p % tg->tw) * c->p.stride_w * tg->pp) * c->eb;
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
		in = emit_scatter(&c->base, c->chunk || c->ct.k ? OP_SCATTER_ADD : OP_SCATTER, reg,
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
	uint64_t sz = conv_min((uint64_t)c->nacc, (uint64_t)c->ct.th * c->ct.tw - p0);

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
	uint64_t p, end = conv_min(p0 + (uint64_t)c->nacc, (uint64_t)c->ct.th * c->ct.tw);

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
	if (b == 0 && c->mode == MODE_VERT && (c->chunk > 0 || c->ct.k > 0)) {
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
	uint32_t n = ws_unit_count(c->ws, c->unit), done = c->chunk * c->cmax;

	if (c->chunk == c->nchunk) {
		c->unit++;
		c->stage = ST_UNIT;
		return;
	}
	c->cn = n ? (n - done < c->cmax ? n - done : c->cmax) : 0;
	c->rec0 = ws_unit_first(c->ws, c->unit) + done;
	c->lb = 0;
	c->stage = ST_LOAD;
}

/* Start computing step t: its input is in, and (first channel chunk) the
** output buffer's previous dma.out is done. */
static void step_wait(struct gen_conv *c)
{
	conv_step_of(c, c->t, &c->ct);
	emit_dma_wait(&c->base, CONV_TAG_IN + c->ct.inbuf);
	if (c->ct.k == 0 && c->ct.tile >= c->nbuf)
		emit_dma_wait(&c->base, CONV_TAG_OUT + c->ct.outbuf);
	if (c->mode == MODE_HYBRID && c->ct.k == 0) {
		c->zcur = c->ct.out_spm;
		c->zend = c->ct.out_spm + (uint64_t)c->ct.th * c->ct.tw * c->p.cout * c->eb;
	}
	c->ws = &c->ck[c->ct.k].ws;
	c->unit = 0;
	c->stage = ST_UNIT;
}

/* After the tile's last channel chunk its outputs go to memory. */
static void step_out(struct gen_conv *c)
{
	const struct tile_geo *tg = &c->ct;
	uint64_t first = ((uint64_t)tg->n * c->h_out + tg->oh0) * c->w_out + tg->ow0;

	if (tg->k + 1 == c->nck)
		emit_dma_out(&c->base, CONV_TAG_OUT + tg->outbuf, tg->out_spm,
			     GEN_Y_MEM + first * c->p.cout * c->eb,
			     (uint32_t)((uint64_t)tg->th * tg->tw * c->p.cout * c->eb));
	if (c->nbuf == 1 && c->t + 1 < c->nsteps)
		conv_fill_begin(c, c->t + 1, ST_NEXT);
	else
		c->stage = ST_NEXT;
}

static int conv_refill(struct gen_base *g, struct gs_err *err)
{
	struct gen_conv *c = (struct gen_conv *)g;
	uint64_t i;

	(void)err;
	if (c->zcur < c->zend) {
		conv_zero_some(c);
		return 1;
	}
	switch (c->stage) {
	case ST_START:
		emit_mload(g, c->r_zero, ws_zero_addr(&c->ck[0].ws), (uint32_t)(c->lanes * c->eb));
		conv_fill_begin(c, 0, ST_PREFETCH);
		return 1;
	case ST_FILL_DMA:
		conv_fill_dma_step(c);
		return 1;
	case ST_FILL_ZERO:
		conv_fill_zero_step(c);
		return 1;
	case ST_PREFETCH:
		if (c->nbuf == 2 && c->t + 1 < c->nsteps)
			conv_fill_begin(c, c->t + 1, ST_WAIT);
		else
			c->stage = ST_WAIT;
		return 1;
	case ST_WAIT:
		step_wait(c);
		return 1;
	case ST_UNIT:
		if (c->unit == c->ws->nunits) {
			c->stage = ST_OUT;
		} else if ((c->mode == MODE_HYBRID || c->ct.k > 0) && !ws_unit_count(c->ws, c->unit)) {
			c->unit++;	/* the tile already holds its outputs (zeros, or earlier chunks') */
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
		step_out(c);
		return 1;
	case ST_NEXT:
		c->t++;
		c->stage = c->t < c->nsteps ? ST_PREFETCH : ST_DRAIN;
		return 1;
	case ST_DRAIN:
		for (i = c->ntiles > c->nbuf ? c->ntiles - c->nbuf : 0; i < c->ntiles; i++)
			emit_dma_wait(g, CONV_TAG_OUT + (unsigned)(i % c->nbuf));
		c->stage = ST_DONE;
		return 1;
	default:
		return 0;
	}
}

static void conv_release(struct gen_base *g)
{
	struct gen_conv *c = (struct gen_conv *)g;

	conv_chunks_free(c);
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
	uint64_t ekh = conv_mul_sat(p->kh - 1ull, p->dil_h) + 1, ekw = conv_mul_sat(p->kw - 1ull, p->dil_w) + 1;

	if (!p->batch || !p->cin || !p->cout || !p->h_in || !p->w_in || !p->kh || !p->kw ||
	    !p->stride_h || !p->stride_w || !p->dil_h || !p->dil_w)
		return gs_errf(err, "%s: batch, channels, sizes, kernel, strides and dilations must be at least 1",
			       what);
	if (w->rows != p->cout || (uint64_t)w->cols != conv_mul_sat(conv_mul_sat(p->kh, p->kw), p->cin))
		return gs_errf(err, "%s: weight matrix is %ux%u, expected %u x %llu (cout x kh*kw*cin)",
			       what, w->rows, w->cols, p->cout,
			       (unsigned long long)conv_mul_sat(conv_mul_sat(p->kh, p->kw), p->cin));
	if (ekh > hp || ekw > wp)
		return gs_errf(err, "%s: the dilated kernel (%llux%llu) is larger than the padded input (%llux%llu)",
			       what, (unsigned long long)ekh, (unsigned long long)ekw,
			       (unsigned long long)hp, (unsigned long long)wp);
	if (wp > UINT32_MAX || hp > UINT32_MAX ||
	    conv_mul_sat(conv_mul_sat(ekh - 1, wp) + ekw, p->cin) > OFFSET_LIMIT)
		return gs_errf(err, "%s: the receptive field spans more than %llu elements (gather offsets)",
			       what, (unsigned long long)OFFSET_LIMIT);
	if (conv_mul_sat(conv_mul_sat(conv_mul_sat(conv_mul_sat(p->batch, p->h_in), p->w_in), p->cin),
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
	struct gen_conv *c;
	uint64_t end;
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
	if (conv_plan(c, &w->pat, what, err) < 0 || conv_chunks_init(c, w, fmt, &end, what, err) < 0)
		goto fail;
	if (fmt == WS_GS && w->pat.h > 1 && w->pat.h < isa->lanes)
		c->mode = MODE_HYBRID;
	else
		c->mode = ws_vertical(&c->ck[0].ws) ? MODE_VERT : MODE_HORZ;
	c->nil = fmt == WS_DENSE ? 0 : fmt == WS_BSR ? 1 : gen_index_loads(isa, c->ck[0].ws.ib);
	if (conv_registers(c, what, err) < 0)
		goto fail;
	c->base.img.eb = isa->element_bytes;
	c->base.img.nstreams = 0;	/* conv_mem_read serves the chunks' streams */
	c->base.img.x_base = GEN_X_MEM;
	c->base.img.x_elems = (uint64_t)p->batch * p->h_in * p->w_in * p->cin;
	snprintf(c->base.name, sizeof(c->base.name), "%s", what);
	L->x_in_memory = 1;
	L->x_mem = GEN_X_MEM;
	L->x_spm = c->in_spm[0];
	L->y_in_spm = 0;
	L->y_mem = GEN_Y_MEM;
	L->weights_mem = GEN_WEIGHTS_MEM;
	L->weight_bytes = c->ck[c->nck - 1].ws.base + c->ck[c->nck - 1].ws.bytes - GEN_WEIGHTS_MEM;
	gen_attach(k, &c->base);
	k->mem_read = conv_mem_read;
	return 0;
fail:
	gen_discard(&c->base);
	memset(k, 0, sizeof(*k));
	return -1;
}
