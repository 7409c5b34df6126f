/*
** gen_spmm.c: SpMV / SpMM trace generator (gen.h) and the row-unit engine
** it shares with gen_lstm.c (gen_common.h). The engine walks units (rows,
** row groups, block rows) of one or two weight streams; per record it
** loads values (and indices), then per batch column fetches x (gather,
** broadcast or contiguous load) and multiplies-accumulates into one of
** nacc rotating accumulators of that column; per unit it folds the
** accumulators and stores. The walk is software-pipelined in three stages
** (load, fetch, multiply) a fixed number of records / steps apart, over
** rotating registers. Dataflows, schedule, instruction mixes:
** docs/kernels.md.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_common.h"

enum { PH_ZLOAD, PH_ZY, PH_RUN, PH_DONE };

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

/* Index register sets live when record k+D loads: k..k+D, less the records
** whose gathers are all issued (the fetch stage is G steps past record
** k-1's last column, so G/T whole records). */
static int index_slots(int D, int G, uint32_t T)
{
	int n = D + 1 - (int)((uint32_t)G / T);

	return n < 1 ? 1 : n;
}

/* Batch tile and accumulators first, exactly as with a two-slot rotation
** (so the instruction mix does not depend on the pipeline), then the
** deepest pipeline the remaining registers hold. */
static int plan_registers(struct spmv_engine *e, const struct isa *isa, struct gs_err *err)
{
	static const int depth[][2] = { { SPMV_LOAD_AHEAD, SPMV_FETCH_AHEAD }, { 3, 2 }, { 3, 1 },
					{ 2, 1 }, { 1, 1 } };
	int scatter = e->out == OUT_SPM_SCATTER || e->out == OUT_SPM_SCATTER_ADD;
	int nrl = scatter ? e->nrl : 0, fixed, avail, minimal = 0, left, D = 0, G = 0;
	size_t k;
	struct reg_pool rp;

	for (;;) {
		fixed = 1 + (minimal ? 1 + e->nil + 1 : 2 + 2 * e->nil + 2) + nrl;
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
	left = isa->registers - 1 - nrl - (int)(e->tile * e->nacc);
	for (k = 0; !minimal && k < sizeof(depth) / sizeof(depth[0]); k++) {
		D = depth[k][0];
		G = depth[k][1];
		if (D + 1 + index_slots(D, G, e->tile) * e->nil + G + 1 <= left)
			break;
	}
	/* the last entry always fits when the two-slot plan did */
	e->nw = D + 1;
	e->ni = index_slots(D, G, e->tile);
	e->nx = G + 1;
	reg_pool_init(&rp, isa->registers);
	e->r_zero = reg_take(&rp, 1);
	e->r_w = reg_take(&rp, e->nw);
	e->r_i = reg_take(&rp, e->ni * e->nil);
	e->r_row = reg_take(&rp, nrl);
	e->r_x = reg_take(&rp, e->nx);
	e->r_acc = reg_take(&rp, (int)(e->tile * e->nacc));
	return e->r_acc < 0 ? gs_errf(err, "register plan overflows %d registers", isa->registers) : 0;
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
	e->it_unit = 1;
	return 0;
}

/* ---- the walk: items in program order ---- */

static void start_operand(struct spmv_engine *e)
{
	struct wstream *ws = &e->op[e->cur].ws;

	e->rec = ws_unit_first(ws, e->unit);
	e->rec_end = e->rec + ws_unit_count(ws, e->unit);
}

static uint32_t tile_cols(const struct spmv_engine *e, uint32_t tile0)
{
	return e->batch - tile0 < e->tile ? e->batch - tile0 : e->tile;
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

/* Fill *it with the next item of the loop nest (pass, tile, unit, operand,
** record; a unit's end after its records) without consuming it; 0 at the
** end of the walk. */
static int peek_item(struct spmv_engine *e, struct spmv_item *it)
{
	for (;;) {
		if (e->it_done)
			return 0;
		if (e->it_unit) {
			if (!next_unit(e)) {
				e->it_done = 1;
				return 0;
			}
			e->cur = e->fused ? 0 : e->pass;
			e->steps = 0;
			start_operand(e);
			e->it_unit = 0;
		}
		if (e->rec < e->rec_end)
			break;
		if (e->fused && e->cur + 1 < (uint32_t)e->nops) {
			e->cur++;
			start_operand(e);
			continue;
		}
		break;
	}
	it->end = e->rec == e->rec_end;
	it->cur = e->cur;
	it->unit = e->unit;
	it->tile0 = e->tile0;
	it->step = e->steps;
	it->rec = e->rec;
	return 1;
}

static void consume_item(struct spmv_engine *e, const struct spmv_item *it)
{
	if (it->end) {
		e->unit++;
		e->it_unit = 1;
	} else {
		e->rec++;
		e->steps++;
	}
}

/* ---- the three stages ---- */

static int rowind_out(const struct spmv_engine *e, const struct spmv_item *it)
{
	return (e->out == OUT_SPM_SCATTER || e->out == OUT_SPM_SCATTER_ADD) &&
	       ws_vertical(&e->op[it->cur].ws);
}

static struct spmv_item *ring_at(struct spmv_engine *e, unsigned k)
{
	return &e->ring[(e->rhead + k) % SPMV_RING];
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

/* Load stage: a record's value and index loads into the next slots (and
** its lanes decoded); a unit end's rowind load (scatter outputs). */
static void emit_load(struct spmv_engine *e, struct gen_base *g, struct spmv_item *it)
{
	struct wstream *ws = &e->op[it->cur].ws;
	int V = g->isa.lanes, l, ri;
	uint32_t col;
	float v;

	if (it->end) {
		if (rowind_out(e, it))
			emit_index_loads(g, e->r_row, e->nrl, ws_rowind_addr(ws, it->unit), ws->rb);
		return;
	}
	it->wslot = (int)(e->wseq++ % (uint64_t)e->nw);
	it->islot = (int)(e->iseq++ % (uint64_t)e->ni);
	ri = e->r_i + it->islot * e->nil;
	emit_mload(g, e->r_w + it->wslot, ws_val_addr(ws, it->rec), ws_val_bytes(ws, it->rec));
	switch (ws->fmt) {
	case WS_DENSE:
		it->col0 = (uint32_t)(it->rec - ws_unit_first(ws, it->unit)) * (uint32_t)V;
		return;
	case WS_BSR:
		emit_mload(g, ri, ws_idx_addr(ws, it->rec), (uint32_t)ws->ib);
		ws_lane(ws, it->unit, it->rec, 0, &col, &v);
		it->col0 = ws_index(ws, col);
		return;
	default:
		emit_index_loads(g, ri, e->nil, ws_idx_addr(ws, it->rec), ws->ib);
		for (l = 0; l < V; l++) {
			ws_lane(ws, it->unit, it->rec, l, &col, &v);
			it->idx[l] = col == GS_COL_NONE ? GS_LANE_MASKED : ws_index(ws, col);
		}
		it->nidx = (uint8_t)V;
		return;
	}
}

/* Fetch stage: x of one (record, batch column) step into the next x slot. */
static void emit_fetch(struct spmv_engine *e, struct gen_base *g, const struct spmv_item *it,
		       uint32_t b)
{
	const struct spmv_operand *op = &e->op[it->cur];
	uint64_t xb = op->x_spm + (uint64_t)(it->tile0 + b) * op->x_stride;
	uint64_t eb = (uint64_t)g->isa.element_bytes;
	int rx = e->r_x + (int)(e->xseq++ % (uint64_t)e->nx);
	struct gs_insn *in;

	switch (op->ws.fmt) {
	case WS_DENSE:
		emit_vload(g, rx, xb + it->col0 * eb);
		return;
	case WS_BSR:
		if (op->ws.bc == 1)
			emit_bcast(g, rx, xb + it->col0 * eb);
		else
			emit_vload(g, rx, xb + it->col0 * eb);
		return;
	default:
		in = emit_gather(g, rx, xb, e->r_i + it->islot * e->nil + e->nil - 1);
		memcpy(in->idx, it->idx, (size_t)g->isa.lanes * sizeof(uint32_t));
		in->nidx = it->nidx;
		return;
	}
}

/* Multiply stage: one step's product into the column's rotating accumulator;
** a unit's first product into each accumulator is a mul (nothing to zero). */
static void emit_mac(struct spmv_engine *e, struct gen_base *g, const struct spmv_item *it,
		     uint32_t b)
{
	int acc = e->r_acc + (int)(b * e->nacc + it->step % e->nacc);
	int rw = e->r_w + it->wslot, rx = e->r_x + (int)(e->cseq++ % (uint64_t)e->nx);

	if (it->step < e->nacc)
		emit_mul(g, acc, rw, rx);
	else
		emit_fma(g, acc, rw, rx);
}

/* Unit end, column b: fold the column's accumulators, store its outputs. */
static void emit_finish(struct spmv_engine *e, struct gen_base *g, const struct spmv_item *it,
			uint32_t b)
{
	struct wstream *ws = &e->op[it->cur].ws;
	uint64_t eb = (uint64_t)g->isa.element_bytes;
	uint64_t yb = e->y_base + (uint64_t)(it->tile0 + b) * e->y_stride;
	uint32_t used = it->step < e->nacc ? it->step : e->nacc, a, row0 = ws_lane_row(ws, it->unit, 0);
	int regs[MAX_ACC], src, l, n = 0, add = e->out == OUT_SPM_SCATTER_ADD;
	struct gs_insn *in;

	for (a = 0; a < used; a++)
		regs[a] = e->r_acc + (int)(b * e->nacc + a);
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
		n += ws_lane_row(ws, it->unit, l) != UINT32_MAX;
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
			uint32_t r = ws_lane_row(ws, it->unit, l);

			in->idx[l] = r == UINT32_MAX ? GS_LANE_MASKED : r;
		}
		in->nidx = (uint8_t)g->isa.lanes;
		return;
	}
}

/* Load the next item if its registers are free: a record when fewer than
** nw records await their multiplies (so record j+D loads before record j's
** multiply) and an index set is free; a unit end needing rowind when the
** previous one's stores are out. */
static int advance_load(struct spmv_engine *e, struct gen_base *g)
{
	struct spmv_item *it;

	if (e->rlen == SPMV_RING)
		return 0;
	it = ring_at(e, e->rlen);
	if (!peek_item(e, it))
		return 0;
	if (it->end ? rowind_out(e, it) && e->n_rowind > 0 :
		      e->n_uncomputed >= (unsigned)e->nw || e->n_unfetched >= (unsigned)e->ni)
		return 0;
	consume_item(e, it);
	emit_load(e, g, it);
	e->rlen++;
	if (it->end)
		e->n_rowind += (unsigned)rowind_out(e, it);
	else
		e->n_uncomputed++, e->n_unfetched++;
	return 1;
}

/* Fetch the next step if an x slot is free (x of step s+G before step s's
** multiply) and its record is loaded. */
static int advance_fetch(struct spmv_engine *e, struct gen_base *g)
{
	struct spmv_item *it;

	if (e->n_fetched >= (unsigned)e->nx)
		return 0;
	while (e->fpos < e->rlen && ring_at(e, e->fpos)->end)
		e->fpos++;
	if (e->fpos == e->rlen)
		return 0;
	it = ring_at(e, e->fpos);
	emit_fetch(e, g, it, e->fb);
	e->n_fetched++;
	if (++e->fb == tile_cols(e, it->tile0)) {
		e->fb = 0;
		e->fpos++;
		e->n_unfetched--;
	}
	return 1;
}

/* Multiply (or finish) one column of the oldest item; 0 when none is left. */
static int advance_mac(struct spmv_engine *e, struct gen_base *g)
{
	struct spmv_item *it;

	if (!e->rlen)
		return 0;
	it = ring_at(e, 0);
	if (it->end)
		emit_finish(e, g, it, e->cb);
	else
		emit_mac(e, g, it, e->cb), e->n_fetched--;
	if (++e->cb < tile_cols(e, it->tile0))
		return 1;
	e->cb = 0;
	if (it->end)
		e->n_rowind -= (unsigned)rowind_out(e, it);
	else
		e->n_uncomputed--;
	e->rhead = (e->rhead + 1) % SPMV_RING;
	e->rlen--;
	if (e->fpos)
		e->fpos--;
	return 1;
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
			e->phase = PH_RUN;
		return 1;
	case PH_RUN:
		/* one action per call, earliest stage first: the prologue fills
		** the pipeline, then each multiply is preceded by the load and
		** fetch its retirement made room for */
		if (advance_load(e, g) || advance_fetch(e, g) || advance_mac(e, g))
			return 1;
		e->phase = PH_DONE;
		return 0;
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
	    gen_spm_place(isa, &cur, (uint64_t)w->cols * p->batch * eb + vec, "x (cols x batch)",
			  &L->x_spm, err) < 0 ||
	    (y_spm && gen_spm_place(isa, &cur, gen_align_up((uint64_t)w->rows * p->batch * eb, vec),
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
