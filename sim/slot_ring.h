/*
** slot_ring.h: n slots of a resource that each request holds from issue
** until it is done, reused oldest first (requests are made in order, so the
** oldest slot is always the next to free): the gather/scatter engine's queue
** (gse.queue_depth) and the memory's outstanding streams
** (memory.max_outstanding). Each slot keeps its holder's timeline, so a
** request that finds the ring full is charged for the wait cause by cause.
*/
#ifndef gs_slot_ring_h
#define gs_slot_ring_h

#include <stdint.h>

#include "timeline.h"

struct slot_ring {
	uint64_t *free_at;	/* n: when each slot frees (0: never used) */
	struct timeline *tl;	/* n: why, for a stall on a full ring */
	int n, head;		/* head: the oldest slot, the next to take */
};

/* n >= 1 slots, all free from cycle 0. 0, or -1 when out of memory. */
int slot_ring_init(struct slot_ring *r, int n);
void slot_ring_free(struct slot_ring *r);

/* When the next slot to take is free, and the timeline of its holder. */
static inline uint64_t slot_ring_free_at(const struct slot_ring *r)
{
	return r->free_at[r->head];
}

static inline const struct timeline *slot_ring_timeline(const struct slot_ring *r)
{
	return &r->tl[r->head];
}

/* Take the oldest slot until cycle free_at; returns its timeline for the
** caller to fill (valid until the ring wraps round to it again). */
static inline struct timeline *slot_ring_take(struct slot_ring *r, uint64_t free_at)
{
	struct timeline *tl = &r->tl[r->head];

	r->free_at[r->head] = free_at;
	r->head = (r->head + 1) % r->n;
	return tl;
}

#endif
