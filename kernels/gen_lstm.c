/*
** gen_lstm.c: one LSTM time step (gen.h). Phase 1 computes the 4H gate
** pre-activations gates = W_ih x + W_hh h with the software-pipelined
** SpMV engine of gen_spmm.c, both matrices accumulating unit by unit into
** the same registers (x and h at different scratchpad bases; the pipeline
** runs on from W_ih's records into W_hh's), the results written into the
** scratchpad. Phase 2 is the cell update on vectors:
** c' = f*c + i*g, h' = o*c', written over c and h. The ISA has no
** transcendental instructions, so the sigmoid / tanh of the gates are not
** modelled (docs/kernels.md says why that is honest for timing).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_common.h"

enum { LP_GATES, LP_CELL, LP_DONE };

struct lstm_gen {
	struct gen_base base;	/* first: the gs_source context */
	struct spmv_engine e;
	int phase;
	uint32_t H, batch, b, j;	/* cell update cursor: batch column, first row */
	uint64_t gates, h, c;
};

/* The cell update of rows j.. j+n-1 of batch column b (10 instructions). */
static void emit_cell_chunk(struct lstm_gen *s, struct gen_base *g)
{
	uint64_t eb = (uint64_t)g->isa.element_bytes, H = s->H;
	uint64_t gb = s->gates + (uint64_t)s->b * 4 * H * eb + (uint64_t)s->j * eb;
	uint64_t st = ((uint64_t)s->b * H + s->j) * eb;
	int n = H - s->j < (uint64_t)g->isa.lanes ? (int)(H - s->j) : g->isa.lanes;
	enum { RI, RF, RG, RO, RC };

	emit_vload(g, RI, gb);
	emit_vload(g, RF, gb + H * eb);
	emit_vload(g, RG, gb + 2 * H * eb);
	emit_vload(g, RO, gb + 3 * H * eb);
	emit_vload(g, RC, s->c + st);
	emit_mul(g, RC, RF, RC);	/* f*c */
	emit_fma(g, RC, RI, RG);	/* + i*g */
	emit_spm_store_n(g, RC, s->c + st, n);
	emit_mul(g, RO, RO, RC);	/* h' = o*c' */
	emit_spm_store_n(g, RO, s->h + st, n);
}

static int lstm_refill(struct gen_base *g, struct gs_err *err)
{
	struct lstm_gen *s = (struct lstm_gen *)(void *)g;

	(void)err;
	switch (s->phase) {
	case LP_GATES:
		if (spmv_engine_refill(&s->e, g))
			return 1;
		s->phase = s->H && s->batch ? LP_CELL : LP_DONE;
		return 1;
	case LP_CELL:
		emit_cell_chunk(s, g);
		s->j += (uint32_t)g->isa.lanes;
		if (s->j >= s->H) {
			s->j = 0;
			if (++s->b == s->batch)
				s->phase = LP_DONE;
		}
		return 1;
	default:
		return 0;
	}
}

static void lstm_release(struct gen_base *g)
{
	struct lstm_gen *s = (struct lstm_gen *)(void *)g;

	wstream_free(&s->e.op[0].ws);
	wstream_free(&s->e.op[1].ws);
	free(s);
}

static int same_pattern(const struct pattern *a, const struct pattern *b)
{
	return a->kind == b->kind && a->br == b->br && a->bc == b->bc && a->n == b->n &&
	       a->m == b->m && a->V == b->V && a->h == b->h;
}

static int place_state(struct lstm_gen *s, const struct isa *isa, uint32_t K,
		       struct kernel_layout *L, struct gs_err *err)
{
	uint64_t eb = (uint64_t)isa->element_bytes, vec = (uint64_t)isa->lanes * eb, cur = 0;
	uint64_t hb = (uint64_t)s->H * s->batch * eb;

	/* each region padded by one vector: tail vloads read past it */
	if (gen_spm_place(isa, &cur, (uint64_t)K * s->batch * eb + vec, "x (K x batch)", &L->x_spm, err) < 0 ||
	    gen_spm_place(isa, &cur, hb + vec, "h (H x batch)", &L->h_spm, err) < 0 ||
	    gen_spm_place(isa, &cur, hb + vec, "c (H x batch)", &L->c_spm, err) < 0 ||
	    gen_spm_place(isa, &cur, gen_align_up(4 * hb, vec) + vec, "gates (4H x batch)",
			  &L->gates_spm, err) < 0)
		return -1;
	L->y_in_spm = 1;
	L->y_spm = L->h_spm;
	s->h = L->h_spm;
	s->c = L->c_spm;
	s->gates = L->gates_spm;
	return 0;
}

static int lstm_operands(struct lstm_gen *s, const struct pruned *w_ih, const struct pruned *w_hh,
			 const struct isa *isa, int variant, struct gs_err *err)
{
	struct spmv_engine *e = &s->e;
	struct kernel_layout L;
	uint64_t eb = (uint64_t)isa->element_bytes, hh_base;
	int fmt = gen_stream_format(&w_ih->pat, err);

	if (fmt < 0 || wstream_init(&e->op[0].ws, w_ih, isa, fmt, GEN_WEIGHTS_MEM, NULL, err) < 0)
		return -1;
	e->nops = 1;
	hh_base = gen_align_up(GEN_WEIGHTS_MEM + e->op[0].ws.bytes, 4096);
	if (wstream_init(&e->op[1].ws, w_hh, isa, fmt, hh_base, NULL, err) < 0)
		return -1;
	e->nops = 2;
	if (gen_check_weights(hh_base + e->op[1].ws.bytes, err) < 0)
		return -1;
	memset(&L, 0, sizeof(L));
	if (place_state(s, isa, w_ih->cols, &L, err) < 0)
		return -1;
	e->op[0].x_spm = L.x_spm;
	e->op[0].x_stride = (uint64_t)w_ih->cols * eb;
	e->op[1].x_spm = L.h_spm;
	e->op[1].x_stride = (uint64_t)s->H * eb;
	if (fmt == WS_GS && w_ih->pat.h > 1 && w_ih->pat.h < isa->lanes)
		e->out = OUT_SPM_SCATTER_ADD;
	else if (fmt == WS_GS && w_ih->pat.h == 1 && variant == SPMM_SCATTER)
		e->out = OUT_SPM_SCATTER;
	else
		e->out = OUT_SPM;
	e->y_base = L.gates_spm;
	e->y_stride = 4ull * s->H * eb;
	return 0;
}

int gen_lstm(struct kernel *k, const struct pruned *w_ih, const struct pruned *w_hh,
	     const struct isa *isa, const struct spmm_params *p, struct gs_err *err)
{
	struct lstm_gen *s;
	char pname[64], what[160];
	int rc;

	memset(k, 0, sizeof(*k));
	snprintf(what, sizeof(what), "lstm H=%u K=%u %s batch %u", w_hh->cols, w_ih->cols,
		 pattern_name(&w_ih->pat, pname, sizeof(pname)), p->batch);
	if (gen_isa_check(isa, p->batch, err) < 0)
		return gen_err_prefix(err, what);
	if (w_ih->rows != w_hh->rows || w_ih->rows % 4 || w_hh->cols != w_ih->rows / 4)
		return gs_errf(err, "%s: W_ih is %ux%u and W_hh %ux%u: need 4H rows each and W_hh 4H x H",
			       what, w_ih->rows, w_ih->cols, w_hh->rows, w_hh->cols);
	if (!same_pattern(&w_ih->pat, &w_hh->pat))
		return gs_errf(err, "%s: W_ih and W_hh must share one pattern", what);
	if (p->variant != SPMM_STORE && p->variant != SPMM_SCATTER)
		return gs_errf(err, "%s: unknown variant %d", what, p->variant);
	s = calloc(1, sizeof(*s));
	if (!s)
		return gs_errf(err, "%s: out of memory", what);
	s->base.isa = *isa;
	s->base.refill = lstm_refill;
	s->base.release = lstm_release;
	s->H = w_hh->cols;
	s->batch = p->batch;
	s->e.batch = p->batch;
	rc = lstm_operands(s, w_ih, w_hh, isa, p->variant, err);
	if (rc == 0)
		rc = spmv_engine_init(&s->e, isa, what, err);
	else
		rc = gen_err_prefix(err, what);
	if (rc < 0) {
		gen_discard(&s->base);
		return -1;
	}
	k->layout.x_spm = s->e.op[0].x_spm;
	k->layout.h_spm = k->layout.y_spm = s->h;
	k->layout.c_spm = s->c;
	k->layout.gates_spm = s->gates;
	k->layout.y_in_spm = 1;
	k->layout.weights_mem = GEN_WEIGHTS_MEM;
	k->layout.weight_bytes = s->e.op[1].ws.base + s->e.op[1].ws.bytes - GEN_WEIGHTS_MEM;
	s->base.img.eb = isa->element_bytes;
	s->base.img.streams[0] = &s->e.op[0].ws;
	s->base.img.streams[1] = &s->e.op[1].ws;
	s->base.img.nstreams = 2;
	snprintf(s->base.name, sizeof(s->base.name), "%s", what);
	gen_attach(k, &s->base);
	return 0;
}
