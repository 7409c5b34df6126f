/*
** gse.h: the gather/scatter engine and the bank array it shares with
** contiguous scratchpad accesses (vload, vstore, bcast) and DMA.
** The bank array serves one vector request at a time, in request order:
** a request needing p passes occupies it for p passes. Gathers and scatters
** additionally hold a slot of the engine's queue (gse.queue_depth) from
** issue until their last pass, and take gse.cycles_per_pass per pass (the
** engine's crossbar); other requests take one cycle per pass. Because
** requests are served in the order they are made, a request's whole
** timeline is known when it is made (resource reservation).
*/
#ifndef gs_gse_h
#define gs_gse_h

#include <stdint.h>

#include "config.h"
#include "slot_ring.h"
#include "spm.h"
#include "timeline.h"

struct spm_timing {
	uint64_t start;		/* first pass begins */
	uint64_t end;		/* last pass ends (bank array free again) */
	uint64_t ready;		/* data in the destination register */
	struct spm_cost cost;
};

struct gse {
	struct spm spm;
	int cycles_per_pass, overlap, latency, queue_depth;
	uint64_t bank_free;		/* bank array free from this cycle */
	uint64_t last_gse_ready;	/* ready time of the previous gather/scatter */
	struct slot_ring queue;		/* gse.queue_depth slots, held until the last pass */
	uint64_t busy_cycles;		/* cycles the bank array served passes */
	uint64_t last_end;		/* latest end of any request */
	uint64_t *range_count;		/* [banks] scratch for gse_range_access */
};

int gse_init(struct gse *g, const struct gs_config *cfg);	/* 0 or -1 (memory) */
void gse_free(struct gse *g);

/* Earliest cycle a queue slot is free, and the timeline of the request
** holding the oldest slot (to charge a stall on a full queue). */
uint64_t gse_slot_free_at(const struct gse *g);
const struct timeline *gse_slot_timeline(const struct gse *g);

/* A gather (SPM_READ) or scatter (SPM_WRITE / SPM_ACCUMULATE) issued at t,
** with the active lanes' byte addresses. The caller has checked that a
** queue slot is free at t. Fills *tl with the register-wait timeline. */
struct spm_timing gse_issue(struct gse *g, uint64_t t, enum spm_kind kind,
			    const uint64_t *addr, int n, struct timeline *tl);

/* A contiguous access (vload / vstore / bcast) made at t: bank array only. */
struct spm_timing gse_port_access(struct gse *g, uint64_t t, enum spm_kind kind,
				  const uint64_t *addr, int n, struct timeline *tl);

/* A DMA chunk touching bytes [addr, addr + bytes) of the scratchpad at t. */
struct spm_timing gse_range_access(struct gse *g, uint64_t t, enum spm_kind kind,
				   uint64_t addr, uint64_t bytes);

#endif
