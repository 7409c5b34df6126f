/*
** mem.c: memory channel, streamed loads/stores and the DMA engine (see
** mem.h and docs/model.md).
*/
#include <stdlib.h>

#include "mem.h"

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

int mem_init(struct mem *m, const struct gs_config *cfg, struct gse *g,
	     struct ev_queue *q, void (*on_dma_done)(void *, uint64_t), void *cb_ctx)
{
	*m = (struct mem){ 0 };
	m->bw = (uint64_t)cfg->memory.bandwidth_bytes_per_cycle;
	m->load_latency = (uint64_t)cfg->memory.load_latency;
	m->dma_latency = (uint64_t)cfg->memory.dma_latency;
	m->chunk = (uint32_t)cfg->memory.dma_chunk_bytes;
	m->max_outstanding = cfg->memory.max_outstanding;
	m->dma_depth = cfg->memory.dma_queue_depth;
	m->gse = g;
	m->evq = q;
	m->on_dma_done = on_dma_done;
	m->cb_ctx = cb_ctx;
	m->dq = calloc((size_t)m->dma_depth, sizeof *m->dq);
	if (slot_ring_init(&m->streams, m->max_outstanding) || !m->dq) {
		mem_free(m);
		return -1;
	}
	return 0;
}

void mem_free(struct mem *m)
{
	slot_ring_free(&m->streams);
	free(m->dq);
	m->dq = NULL;
}

/* Reserve the channel for `bytes` from cycle t; returns the cycle by which
** the last byte has crossed. */
static uint64_t channel_reserve(struct mem *m, uint64_t t, uint64_t bytes)
{
	uint64_t start = max_u64(t * m->bw, m->chan_free);
	uint64_t end = start + bytes;

	m->chan_free = end;
	m->channel_bytes += bytes;
	end = (end + m->bw - 1) / m->bw;
	m->last_end = max_u64(m->last_end, end);
	return end;
}

uint64_t mem_slot_free_at(const struct mem *m)
{
	return slot_ring_free_at(&m->streams);
}

const struct timeline *mem_slot_timeline(const struct mem *m)
{
	return slot_ring_timeline(&m->streams);
}

struct mem_timing mem_stream(struct mem *m, uint64_t t, uint32_t bytes, int load,
			     struct timeline *tl)
{
	struct mem_timing mt;

	mt.transfer_end = channel_reserve(m, t, bytes);
	mt.ready = mt.transfer_end + (load ? m->load_latency : 0);
	tl->n = 0;
	tl_push(tl, ST_CPI_MEM_BANDWIDTH, mt.transfer_end);
	tl_push(tl, ST_CPI_MEM_LATENCY, mt.ready);
	if (!tl->n)
		tl_single(tl, ST_CPI_MEM_BANDWIDTH, mt.ready);
	*slot_ring_take(&m->streams, mt.ready) = *tl;
	m->last_end = max_u64(m->last_end, mt.ready);
	return mt;
}

int mem_dma_full(const struct mem *m)
{
	return m->dq_count == m->dma_depth;
}

int mem_dma_pending(const struct mem *m, uint32_t tag)
{
	for (int i = 0; i < m->dq_count; i++) {
		const struct dma_desc *d = &m->dq[(m->dq_head + i) % m->dma_depth];

		if (d->tag == tag && !d->done)
			return 1;
	}
	return 0;
}

static void dma_chunk_event(void *ctx, uint64_t now, uint64_t arg);

static void dma_done_event(void *ctx, uint64_t now, uint64_t arg)
{
	struct mem *m = ctx;

	m->dq[arg].done = 1;
	/* Retire finished transfers from the head, in order. */
	while (m->dq_count && m->dq[m->dq_head].done) {
		m->dq_head = (m->dq_head + 1) % m->dma_depth;
		m->dq_count--;
		m->dq_active--;
	}
	m->on_dma_done(m->cb_ctx, now);
}

static void dma_schedule(struct mem *m, uint64_t when, ev_fn fn, uint64_t arg)
{
	if (ev_at(m->evq, when, fn, m, arg))
		m->error = 1;
}

/* Start the next queued transfer if the engine is idle. */
static void dma_kick(struct mem *m, uint64_t now)
{
	const struct dma_desc *d;

	if (m->engine_busy || m->dq_active >= m->dq_count)
		return;
	d = &m->dq[(m->dq_head + m->dq_active) % m->dma_depth];
	m->engine_busy = 1;
	dma_schedule(m, max_u64(max_u64(now, m->engine_free),
				d->submitted + m->dma_latency),
		     dma_chunk_event, (uint64_t)((m->dq_head + m->dq_active) % m->dma_depth));
}

/* Move one chunk of the active transfer: memory channel then bank array
** (dma.in) or bank array then channel (dma.out). The next chunk starts as
** soon as this one has left the first resource, so chunks pipeline. */
static void dma_chunk_event(void *ctx, uint64_t now, uint64_t arg)
{
	struct mem *m = ctx;
	struct dma_desc *d = &m->dq[arg];
	uint32_t n = d->bytes - d->moved < m->chunk ? d->bytes - d->moved : m->chunk;
	uint64_t spm_addr = d->spm_addr + d->moved;
	uint64_t next, finish;
	struct spm_timing st;

	if (!d->out) {
		next = channel_reserve(m, now, n);
		st = gse_range_access(m->gse, next, SPM_WRITE, spm_addr, n);
		finish = st.end;
		m->dma_in_bytes += n;
	} else {
		st = gse_range_access(m->gse, now, SPM_READ, spm_addr, n);
		next = st.end;
		finish = channel_reserve(m, st.end, n);
		m->dma_out_bytes += n;
	}
	m->dma_passes += st.cost.passes;
	m->last_end = max_u64(m->last_end, finish);
	d->moved += n;
	if (d->moved < d->bytes) {
		dma_schedule(m, next, dma_chunk_event, arg);
		return;
	}
	dma_schedule(m, finish, dma_done_event, arg);
	m->dq_active++;
	m->engine_busy = 0;
	m->engine_free = next;
	dma_kick(m, now);
}

int mem_dma_submit(struct mem *m, uint64_t t, const struct dma_desc *d)
{
	int slot = (m->dq_head + m->dq_count) % m->dma_depth;

	m->dq[slot] = *d;
	m->dq[slot].submitted = t;
	m->dq[slot].moved = 0;
	m->dq[slot].done = 0;
	m->dq_count++;
	dma_kick(m, t);
	return m->error ? -1 : 0;
}
