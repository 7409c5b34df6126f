/*
** gen_spmm.c: SpMV / SpMM trace generator (gen.h) and the row-unit engine
** it shares with gen_lstm.c (gen_common.h). The engine walks units (rows,
** row groups, block rows) of one or two weight streams; per record it
** loads values (and indices), then per batch column fetches x (gather,
** broadcast or contiguous load) and multiplies-accumulates into one of
** nacc rotating accumulators of that column; per unit it folds the
** accumulators and stores. Dataflows and instruction mixes: docs/kernels.md.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_common.h"

enum { PH_ZLOAD, PH_ZY, PH_UNIT, PH_HEAD, PH_COL, PH_FIN_HEAD, PH_FIN_COL, PH_DONE };

#define MAX_ACC 4

/* ---- engine set-up ---- */

/* Vertical units stored contiguously need lane l on row (lane 0's row) + l,
** padding lanes last. */
static int rows_consecutive(const struct wstream *ws, uint32_t *bad_unit)
{
	uint32_t u, r0, r;
	int l, pad;

	for (u = 0; u < ws->nunits; u++) {
		r0 = ws_lane_row(ws, u, 0);
		for (l = 0, pad = 0; l < ws->V; l++) {
			r = ws_lane_row(ws, u, l);
			if (r == UINT32_MAX) {
				pad = 1;
			} else if (pad || r0 == UINT32_MAX || r != r0 + (uint32_t)l) {
				*bad_unit = u;
				return 0;
			}
		}
	}
	return 1;
}

static int plan_registers(struct spmv_engine *e, const struct isa *isa, struct gs_err *err)
{
	int scatter = e->out == OUT_SPM_SCATTER || e->out == OUT_SPM_SCATTER_ADD;
	int nrl = scatter ? e->nrl : 0, fixed, avail, minimal = 0;
	struct reg_pool rp;

	for (;;) {
		e->nw = e->ni = e->nx = minimal ? 1 : 2;
		fixed = 1 + e->nw + e->ni * e->nil + nrl + e->nx;
		avail = isa->registers - fixed;
		if (avail >= 1 || minimal)
			break;
		minimal = 1;
	}
	if (avail < 1)
		return gs_errf(err, "needs at least %d vector registers, the machine has %d",
			       fixed + 1, isa->registers);
	if ((uint32_t)avail >= e->batch) {
		e->tile = e->batch;
		e->nacc = (uint32_t)avail / e->batch < MAX_ACC ? (uint32_t)avail / e->batch : MAX_ACC;
	} else {
		e->tile = (uint32_t)avail;	/* tile the batch: W streams batch/tile times */
		e->nacc = 1;
	}
	reg_pool_init(&rp, isa->registers);
	e->r_zero = reg_take(&rp, 1);
	e->r_w = reg_take(&rp, e->nw);
	e->r_i = reg_take(&rp, e->ni * e->nil);
	e->r_row = reg_take(&rp, nrl);
	e->r_x = reg_take(&rp, e->nx);
	e->r_acc = reg_take(&rp, (int)(e->tile * e->nacc));
	return 0;
}

int spmv_engine_init(struct spmv_engine *e, const struct isa *isa, const char *what,
		     struct gs_err *err)
{
	const struct wstream *w0 = &e->op[0].ws;
	uint32_t u, bad;
	int o, vertical = ws_vertical(w0);

	e->fused = 1;
	for (o = 1; o < e->nops; o++) {
		const struct wstream *wo = &e->op[o].ws;

		if (wo->fmt != w0->fmt || wo->nunits != w0->nunits || ws_vertical(wo) != vertical)
			return gs_errf(err, "%s: operands with different formats or row structures", what);
		if (w0->fmt == WS_GS &&
		    memcmp(wo->w->gs.rowind, w0->w->gs.rowind,
			   (size_t)w0->nunits * (size_t)w0->V * sizeof(uint32_t)))
			e->fused = 0;	/* groups on different rows: accumulate in the scratchpad */
	}
	if (!e->fused) {
		if (e->out == OUT_MEM)
			return gs_errf(err, "%s: operands on different row groups need outputs in the scratchpad", what);
		e->out = OUT_SPM_SCATTER_ADD;
	}
	if (vertical && (e->out == OUT_MEM || e->out == OUT_SPM) && !rows_consecutive(w0, &bad))
		return gs_errf(err, "%s: row group %u is not on consecutive rows: contiguous stores need them (use the scatter variant)",
			       what, bad);
	if (e->out == OUT_SPM_SCATTER_ADD)
		e->y_zero_bytes = gen_align_up((uint64_t)e->batch * e->y_stride,
					       (uint64_t)isa->lanes * (uint64_t)isa->element_bytes);
	e->need_zero = e->y_zero_bytes > 0;
	for (o = 0; o < e->nops && !e->need_zero; o++)
		for (u = 0; u < w0->nunits; u++)
			if (e->fused ? ws_unit_count(&e->op[0].ws, u) +
					       (e->nops > 1 ? ws_unit_count(&e->op[1].ws, u) : 0) == 0 :
				       ws_unit_count(&e->op[o].ws, u) == 0) {
				e->need_zero = 1;
				break;
			}
	e->nil = gen_index_loads(isa, w0->ib);
	e->nrl = w0->fmt == WS_GS ? gen_index_loads(isa, w0->rb) : 0;
	if (plan_registers(e, isa, err) < 0)
		return gen_err_prefix(err, what);
	e->phase = PH_ZLOAD;
	return 0;
}

/* ---- engine walk ---- */

static struct wstream *cur_ws(struct spmv_engine *e)
{
	return &e->op[e->cur].ws;
}

static void start_operand(struct spmv_engine *e)
{
	struct wstream *ws = cur_ws(e);

	e->rec = ws_unit_first(ws, e->unit);
	e->rec_end = e->rec + ws_unit_count(ws, e->unit);
}

static uint32_t tile_cols(const struct spmv_engine *e)
{
	return e->batch - e->tile0 < e->tile ? e->batch - e->tile0 : e->tile;
}

/* Loads of one vector of ib-byte items (indices, rowind) in pieces of at
** most one register. */
static void emit_index_loads(struct gen_base *g, int r0, int n, uint64_t maddr, int ib)
{
	uint32_t total = (uint32_t)(g->isa.lanes * ib), vec = (uint32_t)(g->isa.lanes * g->isa.element_bytes);
	int k;

	for (k = 0; k < n; k++)
		emit_mload(g, r0 + k, maddr + (uint64_t)k * vec,
			   total - (uint32_t)k * vec < vec ? total - (uint32_t)k * vec : vec);
}

/* Record head: the weight (and index) loads; decode the lanes' columns. */
static void emit_head(struct spmv_engine *e, struct gen_base *g)
{
	struct wstream *ws = cur_ws(e);
	int V = g->isa.lanes, l, ri = e->r_i + e->islot * e->nil;
	uint32_t col;
	float v;

	emit_mload(g, e->r_w + e->wslot, ws_val_addr(ws, e->rec), ws_val_bytes(ws, e->rec));
	switch (ws->fmt) {
	case WS_DENSE:
		e->col0 = (uint32_t)(e->rec - ws_unit_first(ws, e->unit)) * (uint32_t)V;
		return;
	case WS_BSR:
		emit_mload(g, ri, ws_idx_addr(ws, e->rec), (uint32_t)ws->ib);
		ws_lane(ws, e->unit, e->rec, 0, &col, &v);
		e->col0 = ws_index(ws, col);
		return;
	default:
		emit_index_loads(g, ri, e->nil, ws_idx_addr(ws, e->rec), ws->ib);
		for (l = 0; l < V; l++) {
			ws_lane(ws, e->unit, e->rec, l, &col, &v);
			e->gat.idx[l] = col == GS_COL_NONE ? GS_LANE_MASKED : ws_index(ws, col);
		}
		e->gat.nidx = (uint8_t)V;
		return;
	}
}

/* One batch column of a record: fetch x, multiply-accumulate. */
static void emit_col(struct spmv_engine *e, struct gen_base *g)
{
	struct wstream *ws = cur_ws(e);
	const struct spmv_operand *op = &e->op[e->cur];
	uint64_t xb = op->x_spm + (uint64_t)(e->tile0 + e->b) * op->x_stride;
	uint64_t eb = (uint64_t)g->isa.element_bytes;
	int rx = e->r_x + e->xslot, rw = e->r_w + e->wslot;
	int acc = e->r_acc + (int)(e->b * e->nacc + e->steps % e->nacc);
	struct gs_insn *in;

	switch (ws->fmt) {
	case WS_DENSE:
		emit_vload(g, rx, xb + e->col0 * eb);
		break;
	case WS_BSR:
		if (ws->bc == 1)
			emit_bcast(g, rx, xb + e->col0 * eb);
		else
			emit_vload(g, rx, xb + e->col0 * eb);
		break;
	default:
		in = emit_gather(g, rx, xb, e->r_i + e->islot * e->nil + e->nil - 1);
		memcpy(in->idx, e->gat.idx, (size_t)g->isa.lanes * sizeof(uint32_t));
		in->nidx = e->gat.nidx;
		break;
	}
	if (e->steps < e->nacc)
		emit_mul(g, acc, rw, rx);	/* first product: no zeroed accumulator needed */
	else
		emit_fma(g, acc, rw, rx);
	e->xslot = (e->xslot + 1) % e->nx;
}

static void emit_fin_head(struct spmv_engine *e, struct gen_base *g)
{
	struct wstream *ws = cur_ws(e);

	if (e->out == OUT_SPM_SCATTER || e->out == OUT_SPM_SCATTER_ADD) {
		if (ws_vertical(ws))
			emit_index_loads(g, e->r_row, e->nrl, ws_rowind_addr(ws, e->unit), ws->rb);
	}
}

/* Fold the column's accumulators and store its outputs. */
static void emit_fin_col(struct spmv_engine *e, struct gen_base *g)
{
	struct wstream *ws = cur_ws(e);
	uint64_t eb = (uint64_t)g->isa.element_bytes;
	uint64_t yb = e->y_base + (uint64_t)(e->tile0 + e->b) * e->y_stride;
	uint32_t used = e->steps < e->nacc ? e->steps : e->nacc, a, row0 = ws_lane_row(ws, e->unit, 0);
	int regs[MAX_ACC], src, l, n = 0, add = e->out == OUT_SPM_SCATTER_ADD;
	struct gs_insn *in;

	for (a = 0; a < used; a++)
		regs[a] = e->r_acc + (int)(e->b * e->nacc + a);
	emit_add_tree(g, regs, (int)used);
	src = used ? regs[0] : e->r_zero;
	if (!ws_vertical(ws)) {
		if (used)
			emit_reduce(g, src, src);
		if (e->out == OUT_MEM) {
			emit_mstore(g, src, yb + row0 * eb, (uint32_t)eb);
			return;
		}
		in = emit_scatter(g, add ? OP_SCATTER_ADD : OP_SCATTER, src, yb, GS_NOREG);
		in->idx[0] = row0;	/* lane 0 only: a one-element store */
		in->nidx = 1;
		return;
	}
	for (l = 0; l < g->isa.lanes; l++)
		n += ws_lane_row(ws, e->unit, l) != UINT32_MAX;
	switch (e->out) {
	case OUT_MEM:
		emit_mstore(g, src, yb + row0 * eb, (uint32_t)((uint64_t)n * eb));
		return;
	case OUT_SPM:
		emit_spm_store_n(g, src, yb + row0 * eb, n);
		return;
	default:
		in = emit_scatter(g, add ? OP_SCATTER_ADD : OP_SCATTER, src, yb,
				  e->r_row + e->nrl - 1);
		for (l = 0; l < g->isa.lanes; l++) {
			uint32_t r = ws_lane_row(ws, e->unit, l);

			in->idx[l] = r == UINT32_MAX ? GS_LANE_MASKED : r;
		}
		in->nidx = (uint8_t)g->isa.lanes;
		return;
	}
}

/* Next unit, tile or pass; 0 when the walk is over. */
static int next_unit(struct spmv_engine *e)
{
	if (e->unit < e->op[0].ws.nunits)
		return 1;
	e->unit = 0;
	e->tile0 += e->tile;
	if (e->tile0 < e->batch)
		return 1;
	e->tile0 = 0;
	e->pass++;
	return !e->fused && e->pass < (uint32_t)e->nops;
}

int spmv_engine_refill(struct spmv_engine *e, struct gen_base *g)
{
	uint64_t vec = (uint64_t)g->isa.lanes * (uint64_t)g->isa.element_bytes;
	int k;

	switch (e->phase) {
	case PH_ZLOAD:
		if (e->need_zero)
			emit_mload(g, e->r_zero, ws_zero_addr(&e->op[0].ws), (uint32_t)vec);
		e->phase = PH_ZY;
		return 1;
	case PH_ZY:
		for (k = 0; k < 8 && e->zero_i * vec < e->y_zero_bytes; k++, e->zero_i++)
			emit_vstore(g, e->r_zero, e->y_base + e->zero_i * vec);
		if (e->zero_i * vec >= e->y_zero_bytes)
			e->phase = PH_UNIT;
		return 1;
	case PH_UNIT:
		if (!next_unit(e)) {
			e->phase = PH_DONE;
			return 0;
		}
		e->cur = e->fused ? 0 : e->pass;
		e->steps = 0;
		start_operand(e);
		e->phase = PH_HEAD;
		return 1;
	case PH_HEAD:
		if (e->rec == e->rec_end) {
			if (e->fused && e->cur + 1 < (uint32_t)e->nops) {
				e->cur++;
				start_operand(e);
			} else {
				e->phase = PH_FIN_HEAD;
			}
			return 1;
		}
		emit_head(e, g);
		e->b = 0;
		e->phase = PH_COL;
		return 1;
	case PH_COL:
		emit_col(e, g);
		if (++e->b == tile_cols(e)) {
			e->steps++;
			e->rec++;
			e->wslot = (e->wslot + 1) % e->nw;
			e->islot = (e->islot + 1) % e->ni;
			e->phase = PH_HEAD;
		}
		return 1;
	case PH_FIN_HEAD:
		emit_fin_head(e, g);
		e->b = 0;
		e->phase = PH_FIN_COL;
		return 1;
	case PH_FIN_COL:
		emit_fin_col(e, g);
		if (++e->b == tile_cols(e)) {
			e->unit++;
			e->phase = PH_UNIT;
		}
		return 1;
	default:
		return 0;
	}
}

/* ---- gen_spmm ---- */

struct spmm_gen {
	struct gen_base base;	/* first: the gs_source context */
	struct spmv_engine e;
};

static int spmm_refill(struct gen_base *g, struct gs_err *err)
{
	(void)err;
	return spmv_engine_refill(&((struct spmm_gen *)(void *)g)->e, g);
}

static void spmm_release(struct gen_base *g)
{
	struct spmm_gen *s = (struct spmm_gen *)(void *)g;

	wstream_free(&s->e.op[0].ws);
	free(s);
}

int gen_isa_check(const struct isa *isa, uint32_t batch, struct gs_err *err)
{
	if (isa->lanes < 1 || isa->lanes > GS_MAX_LANES)
		return gs_errf(err, "lanes %d out of range 1..%d", isa->lanes, GS_MAX_LANES);
	if (isa->element_bytes != 2 && isa->element_bytes != 4 && isa->element_bytes != 8)
		return gs_errf(err, "element_bytes %d: expected 2, 4 or 8", isa->element_bytes);
	if (isa->registers < 1 || isa->registers > GS_MAX_REGS)
		return gs_errf(err, "registers %d out of range 1..%d", isa->registers, GS_MAX_REGS);
	if (batch < 1)
		return gs_errf(err, "batch must be at least 1");
	return 0;
}

int gen_stream_format(const struct pattern *p, struct gs_err *err)
{
	switch (p->kind) {
	case PAT_DENSE:
		return WS_DENSE;
	case PAT_UNSTRUCTURED:
		return WS_ELL_V;
	case PAT_BLOCK:
		return WS_BSR;
	case PAT_NM:
		return WS_ROWS_H;
	case PAT_GS:
		return WS_GS;
	default:
		return gs_errf(err, "unknown pattern kind %d", p->kind);
	}
}

int gen_spmm(struct kernel *k, const struct pruned *w, const struct isa *isa,
	     const struct spmm_params *p, struct gs_err *err)
{
	struct spmm_gen *s;
	struct spmv_engine *e;
	struct kernel_layout *L = &k->layout;
	uint64_t eb = (uint64_t)isa->element_bytes, vec, cur = 0;
	char pname[64], what[160];
	int fmt, y_spm;

	memset(k, 0, sizeof(*k));
	snprintf(what, sizeof(what), "spmm %ux%u %s batch %u", w->rows, w->cols,
		 pattern_name(&w->pat, pname, sizeof(pname)), p->batch);
	if (gen_isa_check(isa, p->batch, err) < 0)
		return gen_err_prefix(err, what);
	if (p->variant != SPMM_STORE && p->variant != SPMM_SCATTER)
		return gs_errf(err, "%s: unknown variant %d", what, p->variant);
	fmt = gen_stream_format(&w->pat, err);
	if (fmt < 0)
		return gen_err_prefix(err, what);
	s = calloc(1, sizeof(*s));
	if (!s)
		return gs_errf(err, "%s: out of memory", what);
	s->base.isa = *isa;
	s->base.refill = spmm_refill;
	s->base.release = spmm_release;
	e = &s->e;
	if (wstream_init(&e->op[0].ws, w, isa, fmt, GEN_WEIGHTS_MEM, NULL, err) < 0) {
		free(s);
		return gen_err_prefix(err, what);
	}
	e->nops = 1;
	e->batch = p->batch;
	vec = (uint64_t)isa->lanes * eb;
	/* GS hybrids sum lanes of one row with scatter.add into the scratchpad */
	if (fmt == WS_GS && w->pat.h > 1 && w->pat.h < isa->lanes)
		e->out = OUT_SPM_SCATTER_ADD;
	else if (fmt == WS_GS && w->pat.h == 1 && p->variant == SPMM_SCATTER)
		e->out = OUT_SPM_SCATTER;
	else
		e->out = OUT_MEM;
	y_spm = e->out != OUT_MEM;
	/* x padded by one vector: contiguous loads of a row's tail read past it */
	if (gen_check_weights(GEN_WEIGHTS_MEM + e->op[0].ws.bytes, err) < 0 ||
	    spm_place(isa, &cur, (uint64_t)w->cols * p->batch * eb + vec, "x (cols x batch)",
		      &L->x_spm, err) < 0 ||
	    (y_spm && spm_place(isa, &cur, gen_align_up((uint64_t)w->rows * p->batch * eb, vec),
				"y (rows x batch)", &L->y_spm, err) < 0))
		goto fail;
	e->op[0].x_spm = L->x_spm;
	e->op[0].x_stride = (uint64_t)w->cols * eb;
	L->y_in_spm = y_spm;
	L->y_mem = y_spm ? 0 : GEN_Y_MEM;
	e->y_base = y_spm ? L->y_spm : GEN_Y_MEM;
	e->y_stride = (uint64_t)w->rows * eb;
	L->weights_mem = GEN_WEIGHTS_MEM;
	L->weight_bytes = e->op[0].ws.bytes;
	if (spmv_engine_init(e, isa, what, err) < 0) {
		gen_discard(&s->base);
		return -1;
	}
	s->base.img.eb = isa->element_bytes;
	s->base.img.streams[0] = &e->op[0].ws;
	s->base.img.nstreams = 1;
	snprintf(s->base.name, sizeof(s->base.name), "%s%s", what,
		 e->out == OUT_SPM_SCATTER ? " scatter" : e->out == OUT_SPM_SCATTER_ADD ? " scatter-add" : "");
	gen_attach(k, &s->base);
	return 0;
fail:
	gen_discard(&s->base);
	memset(L, 0, sizeof(*L));
	return gen_err_prefix(err, what);
}
