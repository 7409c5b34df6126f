/*
** timeline.h: how a request's life splits into causes, for the CPI stack.
** A timeline is a list of segments [t_{k-1}, t_k) each labelled with a
** cpi.* stat; when the front-end stalls on a request (its result register,
** its queue slot) the stalled cycles are charged segment by segment, so
** every simulated cycle lands in exactly one cpi.* category.
*/
#ifndef gs_timeline_h
#define gs_timeline_h

#include <assert.h>
#include <stdint.h>

#include "stats.h"

#define TL_MAX 5	/* queue, first pass, conflict passes, latency, broadcast */

struct timeline {
	uint8_t n;
	uint8_t cat[TL_MAX];	/* enum gs_stat (a cpi.* row) */
	uint64_t end[TL_MAX];	/* segment k covers [end[k-1], end[k]) */
};

static inline void tl_single(struct timeline *tl, int cat, uint64_t end)
{
	tl->n = 1;
	tl->cat[0] = (uint8_t)cat;
	tl->end[0] = end;
}

/* Append a segment ending at `end` (empty segments are dropped). */
static inline void tl_push(struct timeline *tl, int cat, uint64_t end)
{
	uint64_t prev = tl->n ? tl->end[tl->n - 1] : 0;

	if (tl->n && end <= prev)
		return;
	if (tl->n && tl->cat[tl->n - 1] == cat) {
		tl->end[tl->n - 1] = end;
		return;
	}
	assert(tl->n < TL_MAX);
	tl->cat[tl->n] = (uint8_t)cat;
	tl->end[tl->n] = end;
	tl->n++;
}

/* Charge the cycles [from, to) to v[] by the segments of tl. Cycles before
** the first segment's start belong to the first segment; cycles after the
** last end (none, for a well-formed call) to the last. */
static inline void tl_charge(const struct timeline *tl, double *v,
			     uint64_t from, uint64_t to)
{
	for (int k = 0; k < tl->n && from < to; k++) {
		uint64_t end = tl->end[k] < to ? tl->end[k] : to;

		if (k == tl->n - 1)
			end = to;
		if (end > from) {
			v[tl->cat[k]] += (double)(end - from);
			from = end;
		}
	}
}

#endif
