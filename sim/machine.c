/*
** machine.c: the in-order front-end, the vector register scoreboard and
** the run loop; the gather/scatter engine and bank array live in gse.c,
** the memory channel and DMA in mem.c, the event core in engine.c.
** Timing rules and the CPI stack: docs/model.md.
*/
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "gse.h"
#include "machine.h"
#include "mem.h"
#include "timeline.h"

struct reg {
	uint64_t ready;		/* cycle the value is available */
	uint64_t mask;		/* lanes holding useful data */
	struct timeline tl;	/* why it becomes ready when it does */
};

/* What the front-end is waiting for when it cannot issue. */
enum wait_kind { WAIT_NONE, WAIT_TIMED, WAIT_DMA };

struct machine {
	struct gs_config cfg;
	struct ev_queue *evq;
	struct gse gse;
	struct mem mem;
	struct reg *regs;
	uint64_t full_mask;
	uint64_t eb;			/* element bytes */

	struct gs_source *src;
	struct gs_insn cur;
	int have_cur, src_done, failed;
	struct gs_err *err;

	enum wait_kind wait;
	uint64_t stall_from;		/* first stalled cycle of the current wait */
	struct timeline stall_tl;	/* how to charge it (WAIT_TIMED) */
	int stall_pending;
	uint64_t resume_at;		/* earliest cycle the front-end may issue again */

	int issued_any;
	uint64_t last_issue;
	uint64_t last_completion;
	uint64_t stream_bytes;		/* mload/mstore bytes seen at issue (invariant) */
	uint64_t dma_bytes;		/* DMA bytes seen at issue (invariant) */

	struct gs_stats stats;
	uint64_t addr[GS_MAX_LANES];
};

/* issue() counts insn.<class> as ST_INSN_GATHER + op. */
_Static_assert(ST_INSN_DMA_WAIT - ST_INSN_GATHER == OP_DMA_WAIT - OP_GATHER &&
	       ST_INSN_GATHER + OP__COUNT - 1 == ST_INSN_DMA_WAIT,
	       "stats table insn.* rows must follow the GS_OPS order");
_Static_assert(ST_CPI_DRAIN - ST_CPI_ISSUE == 8, "cpi.* rows must be contiguous");

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static void fe_wake(void *ctx, uint64_t now, uint64_t arg);

static void on_dma_done(void *ctx, uint64_t now)
{
	struct machine *m = ctx;

	if (m->wait != WAIT_DMA)
		return;
	m->wait = WAIT_NONE;
	if (ev_at(m->evq, max_u64(now, m->resume_at), fe_wake, m, 0))
		m->failed = gs_errf(m->err, "out of memory");
}

struct machine *machine_new(const struct gs_config *cfg, struct gs_err *err)
{
	struct machine *m = calloc(1, sizeof *m);

	if (!m)
		goto oom;
	m->cfg = *cfg;
	m->eb = (uint64_t)cfg->vector.element_bytes;
	m->full_mask = cfg->vector.lanes == 64 ? UINT64_MAX
					       : (UINT64_C(1) << cfg->vector.lanes) - 1;
	m->regs = calloc((size_t)cfg->vector.registers, sizeof *m->regs);
	m->evq = ev_new();
	if (!m->regs || !m->evq)
		goto free_machine;
	for (int r = 0; r < cfg->vector.registers; r++)
		m->regs[r].mask = m->full_mask;	/* registers hold values from the start */
	if (gse_init(&m->gse, cfg))
		goto free_machine;
	if (mem_init(&m->mem, cfg, &m->gse, m->evq, on_dma_done, m))
		goto free_gse;
	return m;

free_gse:
	gse_free(&m->gse);
free_machine:
	ev_free(m->evq);
	free(m->regs);
	free(m);
oom:
	gs_errf(err, "out of memory");
	return NULL;
}

void machine_free(struct machine *m)
{
	if (!m)
		return;
	mem_free(&m->mem);
	gse_free(&m->gse);
	ev_free(m->evq);
	free(m->regs);
	free(m);
}

const struct gs_stats *machine_stats(const struct machine *m)
{
	return &m->stats;
}

static int is_alu(int op)
{
	return op == OP_FMA || op == OP_ADD || op == OP_MUL || op == OP_REDUCE;
}

/* Earliest cycle >= t at which `in` may issue, ignoring the per-cycle ALU
** limit; *why = the binding constraint's timeline. Returns UINT64_MAX when
** it waits on the DMA engine (no time known yet). */
static uint64_t issue_time(struct machine *m, const struct gs_insn *in, uint64_t t,
			   const struct timeline **why)
{
	uint64_t when = t;
	uint8_t regs[4] = { in->src[0], in->src[1], in->src[2], in->dst };

	*why = NULL;
	for (int i = 0; i < 4; i++) {
		const struct reg *r;

		if (regs[i] == GS_NOREG)
			continue;
		r = &m->regs[regs[i]];
		if (r->ready > when) {
			when = r->ready;
			*why = &r->tl;
		}
	}
	switch (in->op) {
	case OP_GATHER:
	case OP_SCATTER:
	case OP_SCATTER_ADD:
		if (gse_slot_free_at(&m->gse) > when) {
			when = gse_slot_free_at(&m->gse);
			*why = gse_slot_timeline(&m->gse);
		}
		break;
	case OP_MLOAD:
	case OP_MSTORE:
		if (mem_slot_free_at(&m->mem) > when) {
			when = mem_slot_free_at(&m->mem);
			*why = mem_slot_timeline(&m->mem);
		}
		break;
	case OP_DMA_IN:
	case OP_DMA_OUT:
		if (mem_dma_full(&m->mem))
			return UINT64_MAX;
		break;
	case OP_DMA_WAIT:
		if (mem_dma_pending(&m->mem, in->tag))
			return UINT64_MAX;
		break;
	default:
		break;
	}
	return when;
}

static void complete_at(struct machine *m, uint64_t t)
{
	m->last_completion = max_u64(m->last_completion, t);
}

static void write_reg(struct machine *m, uint8_t r, uint64_t ready, uint64_t mask,
		      const struct timeline *tl)
{
	m->regs[r].ready = ready;
	m->regs[r].mask = mask;
	m->regs[r].tl = *tl;
	complete_at(m, ready);
}

/* Byte addresses of a gather/scatter's active lanes; returns their count
** and sets *mask. */
static int lane_addresses(struct machine *m, const struct gs_insn *in, uint64_t *mask)
{
	int n = 0;

	*mask = 0;
	for (int l = 0; l < in->nidx; l++) {
		if (in->idx[l] == GS_LANE_MASKED)
			continue;
		m->addr[n++] = in->addr + (uint64_t)in->idx[l] * m->eb;
		*mask |= UINT64_C(1) << l;
	}
	return n;
}

static int contiguous_addresses(struct machine *m, uint64_t base)
{
	for (int l = 0; l < m->cfg.vector.lanes; l++)
		m->addr[l] = base + (uint64_t)l * m->eb;
	return m->cfg.vector.lanes;
}

static void count_gse(struct machine *m, const struct spm_timing *st, int n, int gather)
{
	double *v = m->stats.v;

	if (!n)
		return;
	v[gather ? ST_GATHER_COUNT : ST_SCATTER_COUNT] += 1;
	v[gather ? ST_GATHER_PASSES : ST_SCATTER_PASSES] += st->cost.passes;
	v[gather ? ST_GATHER_LANES : ST_SCATTER_LANES] += n;
}

static void issue_alu(struct machine *m, const struct gs_insn *in, uint64_t t)
{
	const struct gs_config *c = &m->cfg;
	double *v = m->stats.v;
	uint64_t a = 0, b = 0, active = 0, mask = 0;
	int lat = 0;
	struct timeline tl;

	if (in->op != OP_REDUCE) {
		a = m->regs[in->src[in->op == OP_FMA ? 1 : 0]].mask;
		b = m->regs[in->src[in->op == OP_FMA ? 2 : 1]].mask;
	}
	switch (in->op) {
	case OP_FMA:
		active = a & b;
		mask = m->regs[in->dst].mask | active;
		lat = c->vector.lat_fma;
		break;
	case OP_MUL:
		active = mask = a & b;
		lat = c->vector.lat_mul;
		break;
	case OP_ADD:
		active = mask = a | b;
		lat = c->vector.lat_add;
		break;
	default:	/* OP_REDUCE */
		mask = 1;
		lat = c->vector.lat_reduce;
		break;
	}
	if (in->op != OP_REDUCE) {
		v[ST_LANE_OPS] += 1;
		v[ST_LANE_ACTIVE] += __builtin_popcountll(active);
	}
	tl_single(&tl, ST_CPI_DEP_ALU, t + (uint64_t)lat);
	write_reg(m, in->dst, t + (uint64_t)lat, mask, &tl);
}

static int issue(struct machine *m, const struct gs_insn *in, uint64_t t)
{
	double *v = m->stats.v;
	struct spm_timing st;
	struct mem_timing mt;
	struct timeline tl;
	uint64_t mask;
	int n;

	v[ST_INSN_TOTAL] += 1;
	v[ST_INSN_GATHER + in->op] += 1;
	switch (in->op) {
	case OP_GATHER:
		n = lane_addresses(m, in, &mask);
		st = gse_issue(&m->gse, t, SPM_READ, m->addr, n, &tl);
		count_gse(m, &st, n, 1);
		write_reg(m, in->dst, st.ready, mask, &tl);
		break;
	case OP_SCATTER:
	case OP_SCATTER_ADD:
		n = lane_addresses(m, in, &mask);
		st = gse_issue(&m->gse, t, in->op == OP_SCATTER ? SPM_WRITE : SPM_ACCUMULATE,
			       m->addr, n, &tl);
		count_gse(m, &st, n, 0);
		complete_at(m, st.end);
		break;
	case OP_VLOAD:
	case OP_VSTORE:
		n = contiguous_addresses(m, in->addr);
		st = gse_port_access(&m->gse, t, in->op == OP_VLOAD ? SPM_READ : SPM_WRITE,
				     m->addr, n, &tl);
		v[ST_CONTIG_COUNT] += 1;
		v[ST_CONTIG_PASSES] += st.cost.passes;
		if (in->op == OP_VLOAD)
			write_reg(m, in->dst, st.ready, m->full_mask, &tl);
		else
			complete_at(m, st.end);
		break;
	case OP_BCAST:
		m->addr[0] = in->addr;
		st = gse_port_access(&m->gse, t, SPM_READ, m->addr, 1, &tl);
		v[ST_CONTIG_COUNT] += 1;
		v[ST_CONTIG_PASSES] += st.cost.passes;
		tl_push(&tl, ST_CPI_DEP_ALU, st.ready + (uint64_t)m->cfg.vector.lat_broadcast);
		write_reg(m, in->dst, st.ready + (uint64_t)m->cfg.vector.lat_broadcast,
			  m->full_mask, &tl);
		break;
	case OP_MLOAD:
	case OP_MSTORE:
		mt = mem_stream(&m->mem, t, in->bytes, in->op == OP_MLOAD, &tl);
		m->stream_bytes += in->bytes;
		if (in->op == OP_MLOAD) {
			uint64_t lanes = (in->bytes + m->eb - 1) / m->eb;

			v[ST_MEM_LOAD_BYTES] += in->bytes;
			mask = lanes >= 64 ? UINT64_MAX : (UINT64_C(1) << lanes) - 1;
			write_reg(m, in->dst, mt.ready, mask & m->full_mask, &tl);
		} else {
			v[ST_MEM_STORE_BYTES] += in->bytes;
			complete_at(m, mt.transfer_end);
		}
		break;
	case OP_DMA_IN:
	case OP_DMA_OUT: {
		struct dma_desc d = { .out = in->op == OP_DMA_OUT, .tag = in->tag,
				      .spm_addr = in->addr, .maddr = in->maddr,
				      .bytes = in->bytes };

		m->dma_bytes += in->bytes;
		if (mem_dma_submit(&m->mem, t, &d))
			return gs_errf(m->err, "out of memory");
		break;
	}
	case OP_DMA_WAIT:
		break;
	default:
		issue_alu(m, in, t);
		break;
	}
	return 0;
}

/* Fetch the next instruction into m->cur; 0 at the end of the stream. */
static int fetch(struct machine *m)
{
	int r;

	if (m->have_cur)
		return 1;
	if (m->src_done)
		return 0;
	r = m->src->next(m->src->ctx, &m->cur, m->err);
	if (r < 0) {
		m->failed = -1;
		m->src_done = 1;
		return 0;
	}
	if (r == 0) {
		m->src_done = 1;
		return 0;
	}
	m->have_cur = 1;
	return 1;
}

/* The front-end at cycle `now`: charge the stall that ended, issue what
** can issue this cycle, then sleep until the next instruction can. While
** no other event is due first it runs on inline instead of scheduling
** itself (same order of effects, far fewer events); every FE_INLINE_MAX
** steps it goes back through the queue so a stop request is noticed. */
#define FE_INLINE_MAX 4096

static void fe_wake(void *ctx, uint64_t now, uint64_t arg)
{
	struct machine *m = ctx;
	const struct timeline *why;
	uint64_t when, base, next_event;

	(void)arg;
	for (int step = 0;; step++) {
		int width = m->cfg.vector.issue_width;
		int alu_left = m->cfg.vector.alu_pipes;
		int issued = 0;

		if (m->stall_pending) {
			tl_charge(&m->stall_tl, m->stats.v, m->stall_from, now);
			m->stall_pending = 0;
		}
		m->wait = WAIT_NONE;
		while (issued < width && !m->failed && fetch(m)) {
			if (is_alu(m->cur.op) && alu_left == 0)
				break;
			when = issue_time(m, &m->cur, now, &why);
			if (when != now)
				break;
			if (issue(m, &m->cur, now)) {
				m->failed = -1;
				break;
			}
			if (is_alu(m->cur.op))
				alu_left--;
			m->have_cur = 0;
			issued++;
		}
		if (issued) {
			m->stats.v[ST_CPI_ISSUE] += 1;
			m->last_issue = now;
			m->issued_any = 1;
		}
		if (m->failed || !fetch(m))
			return;	/* end of the stream: what is in flight drains */

		base = issued ? now + 1 : now;
		m->resume_at = base;
		when = issue_time(m, &m->cur, base, &why);
		if (when == UINT64_MAX) {
			m->wait = WAIT_DMA;
			m->stall_from = base;
			tl_single(&m->stall_tl, ST_CPI_DMA_WAIT, base);
			m->stall_pending = 1;
			return;
		}
		if (when > base) {
			m->stall_from = base;
			m->stall_tl = *why;
			m->stall_pending = 1;
		}
		m->wait = WAIT_TIMED;
		if (step < FE_INLINE_MAX &&
		    (!ev_next_time(m->evq, &next_event) || next_event > when)) {
			now = when;
			continue;
		}
		if (ev_at(m->evq, when, fe_wake, m, 0))
			m->failed = gs_errf(m->err, "out of memory");
		return;
	}
}

static void finish_stats(struct machine *m)
{
	double *v = m->stats.v;
	const struct gs_config *c = &m->cfg;
	uint64_t cycles = max_u64(m->last_completion,
				  max_u64(m->gse.last_end, m->mem.last_end));

	if (m->issued_any)
		cycles = max_u64(cycles, m->last_issue + 1);
	v[ST_CYCLES] = (double)cycles;
	v[ST_CPI_DRAIN] = m->issued_any ? (double)(cycles - m->last_issue - 1) : (double)cycles;
	v[ST_TIME_US] = (double)cycles / c->clock_ghz / 1000.0;
	v[ST_IPC] = cycles ? v[ST_INSN_TOTAL] / (double)cycles : 0.0;
	v[ST_GATHER_CONFLICTS] = v[ST_GATHER_PASSES] - v[ST_GATHER_COUNT];
	v[ST_SCATTER_CONFLICTS] = v[ST_SCATTER_PASSES] - v[ST_SCATTER_COUNT];
	v[ST_DMA_PASSES] = (double)m->mem.dma_passes;
	v[ST_DMA_IN_BYTES] = (double)m->mem.dma_in_bytes;
	v[ST_DMA_OUT_BYTES] = (double)m->mem.dma_out_bytes;
	v[ST_SPM_BUSY] = (double)m->gse.busy_cycles;
	v[ST_MEM_BUSY] = (double)m->mem.channel_bytes / (double)m->mem.bw;
	v[ST_MEM_UTIL] = cycles ? v[ST_MEM_BUSY] / (double)cycles : 0.0;
	v[ST_LANE_SLOTS] = v[ST_LANE_OPS] * c->vector.lanes;
	v[ST_LANE_UTIL] = v[ST_LANE_SLOTS] > 0 ? v[ST_LANE_ACTIVE] / v[ST_LANE_SLOTS] : 1.0;
	v[ST_SPM_WORD_READS] = 0;
	v[ST_SPM_WORD_WRITES] = 0;
	for (int b = 0; b < m->gse.spm.banks; b++) {
		v[ST_SPM_WORD_READS] += (double)m->gse.spm.bank_reads[b];
		v[ST_SPM_WORD_WRITES] += (double)m->gse.spm.bank_writes[b];
	}
	m->stats.banks = m->gse.spm.banks;
	m->stats.bank_reads = m->gse.spm.bank_reads;
	m->stats.bank_writes = m->gse.spm.bank_writes;
}

/* Invariants every run must satisfy; a violation is a simulator bug. */
static int check_invariants(const struct machine *m, struct gs_err *err)
{
	const double *v = m->stats.v;
	double cpi = 0;

	for (int s = ST_CPI_ISSUE; s <= ST_CPI_DRAIN; s++) {
		if (v[s] < 0)
			return gs_errf(err, "internal invariant broken: %s = %g < 0",
				       stat_name(s), v[s]);
		cpi += v[s];
	}
	if (cpi != v[ST_CYCLES])
		return gs_errf(err, "internal invariant broken: cpi.* sum to %.0f, cycles = %.0f",
			       cpi, v[ST_CYCLES]);
	if (v[ST_GATHER_PASSES] < v[ST_GATHER_COUNT] || v[ST_SCATTER_PASSES] < v[ST_SCATTER_COUNT])
		return gs_errf(err, "internal invariant broken: fewer passes than gathers/scatters");
	if (v[ST_LANE_ACTIVE] > v[ST_LANE_SLOTS])
		return gs_errf(err, "internal invariant broken: lanes.active %.0f > lanes.slots %.0f",
			       v[ST_LANE_ACTIVE], v[ST_LANE_SLOTS]);
	if ((double)m->mem.channel_bytes != (double)m->stream_bytes + v[ST_DMA_IN_BYTES] + v[ST_DMA_OUT_BYTES] ||
	    (double)m->dma_bytes != v[ST_DMA_IN_BYTES] + v[ST_DMA_OUT_BYTES])
		return gs_errf(err, "internal invariant broken: bytes moved (%" PRIu64
			       ") differ from bytes in the trace", m->mem.channel_bytes);
	if (v[ST_INSN_TOTAL] != 0 && v[ST_CPI_ISSUE] == 0)
		return gs_errf(err, "internal invariant broken: instructions but no issue cycle");
	return 0;
}

int machine_run(struct machine *m, struct gs_source *src,
		const volatile sig_atomic_t *stop, struct gs_err *err)
{
	int interrupted = 0;

	m->src = src;
	m->err = err;
	if (ev_at(m->evq, 0, fe_wake, m, 0))
		return gs_errf(err, "out of memory");
	while (ev_step(m->evq)) {
		if (m->failed || m->mem.error)
			break;
		/* Checked on every event: the front-end yields to the queue at
		** least every FE_INLINE_MAX steps. */
		if (stop && *stop && !interrupted) {
			/* Stop fetching; let what was issued drain so the
			** statistics describe a consistent prefix of the run. */
			interrupted = 1;
			m->src_done = 1;
			m->have_cur = 0;
			if (m->stall_pending) {
				m->stall_pending = 0;
				m->wait = WAIT_NONE;
			}
		}
	}
	if (m->mem.error)
		return gs_errf(err, "out of memory");
	if (m->failed)
		return -1;
	/* An interrupted run charged no stall past its last issue: the rest
	** is drain, so its statistics obey the same invariants. */
	finish_stats(m);
	if (check_invariants(m, err))
		return -1;
	return interrupted;
}
