/*
** mem.h: the main-memory channel, streamed loads/stores and the DMA engine.
** The channel moves bandwidth_bytes_per_cycle bytes per cycle, in request
** order; time on it is kept in byte slots (cycle * bandwidth) so small
** transfers share a cycle exactly. Streamed loads/stores reserve the channel
** when issued and hold one of memory.max_outstanding slots until done. DMA
** transfers are queued (memory.dma_queue_depth) and served one after another
** by an engine that moves dma_chunk_bytes at a time as timed events, so
** streamed loads issued during a long DMA interleave with its chunks; each
** chunk also takes its passes on the scratchpad's bank array.
*/
#ifndef gs_mem_h
#define gs_mem_h

#include <stdint.h>

#include "config.h"
#include "engine.h"
#include "gse.h"
#include "slot_ring.h"
#include "timeline.h"

struct mem_timing {
	uint64_t transfer_end;	/* last byte crossed the channel */
	uint64_t ready;		/* loaded data in the register (loads) */
};

struct dma_desc {
	int out;		/* 0: memory -> scratchpad, 1: scratchpad -> memory */
	uint32_t tag;
	uint64_t spm_addr, maddr;
	uint32_t bytes;
	uint64_t submitted;	/* issue cycle */
	uint32_t moved;		/* bytes whose chunk has been started */
	int done;
};

struct mem {
	uint64_t bw;
	uint64_t load_latency, dma_latency;
	uint32_t chunk;
	int max_outstanding, dma_depth;
	uint64_t chan_free;		/* channel free from this byte slot */
	struct slot_ring streams;	/* max_outstanding slots, held until done */
	struct dma_desc *dq;		/* ring of queued / active DMA transfers */
	int dq_head, dq_count, dq_active; /* dq_active: index offset of the one being moved */
	int engine_busy;
	uint64_t engine_free;		/* when the engine may start its next chunk */
	struct gse *gse;
	struct ev_queue *evq;
	void (*on_dma_done)(void *ctx, uint64_t now);
	void *cb_ctx;
	/* counters */
	uint64_t channel_bytes, dma_in_bytes, dma_out_bytes;
	uint64_t dma_passes, last_end;
	int error;			/* out of memory in the event queue */
};

int mem_init(struct mem *m, const struct gs_config *cfg, struct gse *g,
	     struct ev_queue *q, void (*on_dma_done)(void *, uint64_t), void *cb_ctx);
void mem_free(struct mem *m);

/* Streams: earliest free slot and its timeline; a load/store of `bytes`
** issued at t (caller checked a slot is free). tl = register-wait timeline. */
uint64_t mem_slot_free_at(const struct mem *m);
const struct timeline *mem_slot_timeline(const struct mem *m);
struct mem_timing mem_stream(struct mem *m, uint64_t t, uint32_t bytes, int load,
			     struct timeline *tl);

/* DMA: room in the queue? transfers with this tag not yet finished? */
int mem_dma_full(const struct mem *m);
int mem_dma_pending(const struct mem *m, uint32_t tag);
/* Queue a transfer at t (caller checked room). 0, or -1 when out of memory. */
int mem_dma_submit(struct mem *m, uint64_t t, const struct dma_desc *d);

#endif
