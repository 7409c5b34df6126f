/*
** counting_source.h: an instruction source that passes another's
** instructions through unchanged and counts them, calling a tick every
** `every` instructions, so long simulations can show progress without a
** hook in the simulator's loop.
*/
#ifndef gs_counting_source_h
#define gs_counting_source_h

#include <stdint.h>

#include "insn.h"

struct counting_source {
	struct gs_source inner;
	uint64_t count;			/* instructions passed through so far */
	uint64_t every;			/* tick period (instructions, > 0) */
	void (*tick)(void *ctx, uint64_t count);
	void *tick_ctx;
};

/* *out reads from inner through cs (which must outlive *out); closing
** *out closes inner. */
void counting_source_wrap(struct counting_source *cs, const struct gs_source *inner,
			  uint64_t every, void (*tick)(void *ctx, uint64_t count), void *ctx,
			  struct gs_source *out);

#endif
