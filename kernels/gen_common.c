/*
** gen_common.c: the generators' shared machinery (gen_common.h): the
** kernel memory image, the gs_source base, the instruction emitters and
** small helpers. Weight streams are in wstream.c.
*/
#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "funcsim.h"
#include "gen_common.h"

void isa_from_config(struct isa *isa, const struct gs_config *cfg)
{
	isa->lanes = cfg->vector.lanes;
	isa->element_bytes = cfg->vector.element_bytes;
	isa->registers = cfg->vector.registers;
	isa->spm_bytes = (uint64_t)cfg_spm_bytes(cfg);
}

void mem_image_read(void *ctx, uint64_t maddr, void *buf, uint32_t n)
{
	struct mem_image *img = ctx;
	unsigned char *b = buf;
	uint64_t k, xe = img->x_base + img->x_elems * (uint64_t)img->eb;
	unsigned i;

	memset(buf, 0, n);
	for (i = 0; i < img->nstreams; i++)
		wstream_read(img->streams[i], maddr, buf, n);
	if (!img->x || maddr + n <= img->x_base || maddr >= xe)
		return;
	k = maddr > img->x_base ? (maddr - img->x_base) / (uint64_t)img->eb : 0;
	for (; k < img->x_elems; k++) {
		uint64_t a = img->x_base + k * (uint64_t)img->eb, j;
		unsigned char e[8];

		if (a >= maddr + n)
			break;
		elem_encode(img->eb, img->x[k], e);
		for (j = 0; j < (uint64_t)img->eb; j++)
			if (a + j >= maddr && a + j < maddr + n)
				b[a + j - maddr] = e[j];
	}
}

/* ---- gs_source base ---- */

static int gen_next(void *ctx, struct gs_insn *out, struct gs_err *err)
{
	struct gen_base *g = ctx;
	struct gs_insn *in;
	int rc;

	while (!g->qlen) {
		rc = g->refill(g, err);
		if (rc <= 0)
			return rc;
	}
	in = &g->q[g->qhead];
	/* canonical form (trace-format.md): nidx = last active lane + 1 */
	if (in->op == OP_GATHER || in->op == OP_SCATTER || in->op == OP_SCATTER_ADD)
		while (in->nidx && in->idx[in->nidx - 1] == GS_LANE_MASKED)
			in->nidx--;
	else
		in->nidx = 0;
	/* Copy only the index slots in use: consumers treat lanes at and past
	** nidx as masked (insn.h), and the whole array is most of the struct. */
	memcpy(out, in, offsetof(struct gs_insn, idx));
	memcpy(out->idx, in->idx, (size_t)in->nidx * sizeof in->idx[0]);
	g->qhead = (g->qhead + 1) % GEN_QUEUE_MAX;
	g->qlen--;
	out->line = ++g->seq;
	return 1;
}

static void gen_close(void *ctx)
{
	gen_discard(ctx);
}

static const char *gen_name(void *ctx)
{
	const struct gen_base *g = ctx;

	return g->name;
}

void gen_attach(struct kernel *k, struct gen_base *g)
{
	k->src.ctx = g;
	k->src.next = gen_next;
	k->src.close = gen_close;
	k->src.name = gen_name;
	k->mem_read = mem_image_read;
	k->mem_ctx = &g->img;
}

void gen_discard(struct gen_base *g)
{
	if (!g)
		return;
	free(g->img.x);
	g->img.x = NULL;
	g->release(g);
}

int kernel_set_input(struct kernel *k, const float *x, uint64_t n)
{
	struct mem_image *img = k->mem_ctx;
	float *copy;

	if (!img || !img->x_elems || n != img->x_elems)
		return -1;
	copy = malloc((size_t)n * sizeof(float));
	if (!copy)
		return -1;
	memcpy(copy, x, (size_t)n * sizeof(float));
	free(img->x);
	img->x = copy;
	return 0;
}

void kernel_free(struct kernel *k)
{
	if (!k)
		return;
	if (k->src.close)
		k->src.close(k->src.ctx);
	memset(k, 0, sizeof(*k));
}

/* ---- emitters ---- */

static struct gs_insn *push(struct gen_base *g, int op)
{
	struct gs_insn *in;

	assert(g->qlen < GEN_QUEUE_MAX);
	in = &g->q[(g->qhead + g->qlen++) % GEN_QUEUE_MAX];
	memset(in, 0, offsetof(struct gs_insn, idx));
	/* Gathers and scatters start with every lane GS_LANE_MASKED; other ops
	** have nidx 0, so their index slots are never read. */
	if (op == OP_GATHER || op == OP_SCATTER || op == OP_SCATTER_ADD)
		memset(in->idx, 0xff, sizeof(in->idx));
	in->op = (uint8_t)op;
	in->dst = in->src[0] = in->src[1] = in->src[2] = GS_NOREG;
	return in;
}

void emit_mload(struct gen_base *g, int vd, uint64_t maddr, uint32_t bytes)
{
	struct gs_insn *in = push(g, OP_MLOAD);

	in->dst = (uint8_t)vd;
	in->maddr = maddr;
	in->bytes = bytes;
}

void emit_mstore(struct gen_base *g, int vs, uint64_t maddr, uint32_t bytes)
{
	struct gs_insn *in = push(g, OP_MSTORE);

	in->src[1] = (uint8_t)vs;
	in->maddr = maddr;
	in->bytes = bytes;
}

void emit_vload(struct gen_base *g, int vd, uint64_t addr)
{
	struct gs_insn *in = push(g, OP_VLOAD);

	in->dst = (uint8_t)vd;
	in->addr = addr;
}

void emit_vstore(struct gen_base *g, int vs, uint64_t addr)
{
	struct gs_insn *in = push(g, OP_VSTORE);

	in->src[1] = (uint8_t)vs;
	in->addr = addr;
}

struct gs_insn *emit_gather(struct gen_base *g, int vd, uint64_t addr, int vi)
{
	struct gs_insn *in = push(g, OP_GATHER);

	in->dst = (uint8_t)vd;
	in->addr = addr;
	in->src[0] = (uint8_t)vi;
	return in;
}

struct gs_insn *emit_scatter(struct gen_base *g, int op, int vs, uint64_t addr, int vi)
{
	struct gs_insn *in = push(g, op);

	in->src[0] = (uint8_t)vi;
	in->src[1] = (uint8_t)vs;
	in->addr = addr;
	return in;
}

void emit_spm_store_n(struct gen_base *g, int vs, uint64_t addr, int n)
{
	struct gs_insn *in;
	int l;

	if (n >= g->isa.lanes) {
		emit_vstore(g, vs, addr);
		return;
	}
	in = emit_scatter(g, OP_SCATTER, vs, addr, GS_NOREG);
	for (l = 0; l < n; l++)
		in->idx[l] = (uint32_t)l;
	in->nidx = (uint8_t)n;
}

static void emit_3(struct gen_base *g, int op, int vd, int a, int b, int c)
{
	struct gs_insn *in = push(g, op);

	in->dst = (uint8_t)vd;
	in->src[0] = (uint8_t)a;
	in->src[1] = (uint8_t)b;
	in->src[2] = (uint8_t)c;
}

void emit_fma(struct gen_base *g, int vd, int va, int vb)
{
	emit_3(g, OP_FMA, vd, vd, va, vb);
}

void emit_add(struct gen_base *g, int vd, int va, int vb)
{
	emit_3(g, OP_ADD, vd, va, vb, GS_NOREG);
}

void emit_mul(struct gen_base *g, int vd, int va, int vb)
{
	emit_3(g, OP_MUL, vd, va, vb, GS_NOREG);
}

void emit_reduce(struct gen_base *g, int vd, int vs)
{
	emit_3(g, OP_REDUCE, vd, vs, GS_NOREG, GS_NOREG);
}

void emit_bcast(struct gen_base *g, int vd, uint64_t addr)
{
	struct gs_insn *in = push(g, OP_BCAST);

	in->dst = (uint8_t)vd;
	in->addr = addr;
}

static void emit_dma(struct gen_base *g, int op, uint32_t tag, uint64_t spm, uint64_t maddr,
		     uint32_t bytes)
{
	struct gs_insn *in = push(g, op);

	in->tag = tag;
	in->addr = spm;
	in->maddr = maddr;
	in->bytes = bytes;
}

void emit_dma_in(struct gen_base *g, uint32_t tag, uint64_t spm, uint64_t maddr, uint32_t bytes)
{
	emit_dma(g, OP_DMA_IN, tag, spm, maddr, bytes);
}

void emit_dma_out(struct gen_base *g, uint32_t tag, uint64_t spm, uint64_t maddr, uint32_t bytes)
{
	emit_dma(g, OP_DMA_OUT, tag, spm, maddr, bytes);
}

void emit_dma_wait(struct gen_base *g, uint32_t tag)
{
	emit_dma(g, OP_DMA_WAIT, tag, 0, 0, 0);
}

void emit_add_tree(struct gen_base *g, const int *regs, int n)
{
	int s, i;

	for (s = 1; s < n; s *= 2)
		for (i = 0; i + s < n; i += 2 * s)
			emit_add(g, regs[i], regs[i], regs[i + s]);
}

int gen_index_loads(const struct isa *isa, int ib)
{
	return ib > isa->element_bytes ? (ib + isa->element_bytes - 1) / isa->element_bytes : 1;
}

int gen_spm_place(const struct isa *isa, uint64_t *cursor, uint64_t bytes, const char *what,
		  uint64_t *addr, struct gs_err *err)
{
	uint64_t a = gen_align_up(*cursor, GEN_ALIGN);

	if (a > isa->spm_bytes || bytes > isa->spm_bytes - a)
		return gs_errf(err, "scratchpad: %s needs bytes [%llu, %llu) but the scratchpad has %llu bytes",
			       what, (unsigned long long)a, (unsigned long long)(a + bytes),
			       (unsigned long long)isa->spm_bytes);
	*addr = a;
	*cursor = a + bytes;
	return 0;
}

int gen_err_prefix(struct gs_err *err, const char *what)
{
	char tmp[GS_ERR_MAX];

	if (!err)
		return -1;
	memcpy(tmp, err->msg, sizeof(tmp));
	tmp[sizeof(tmp) - 1] = '\0';
	return gs_errf(err, "%s: %s", what, tmp);
}

int gen_check_weights(uint64_t end, struct gs_err *err)
{
	if (end > GEN_X_MEM)
		return gs_errf(err, "weight streams end at %#llx, past the activation area at %#llx",
			       (unsigned long long)end, (unsigned long long)GEN_X_MEM);
	return 0;
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

int gen_pattern_fits(const struct pattern *p, int lanes, struct gs_err *err)
{
	if (p->kind == PAT_GS && (p->V != lanes || p->h < 1 || p->V % p->h))
		return gs_errf(err, "GS(V=%d, h=%d) on a machine with %d lanes: V must equal the "
			       "lane count and h divide it", p->V, p->h, lanes);
	if (p->kind == PAT_BLOCK && ((p->br != 1 && p->bc != 1) || p->br > lanes || p->bc > lanes))
		return gs_errf(err, "block %dx%d: only Rx1 and 1xC blocks of at most %d (lanes) have "
			       "a vector dataflow", p->br, p->bc, lanes);
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
