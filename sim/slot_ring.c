/*
** slot_ring.c: allocation of a slot ring (see slot_ring.h).
*/
#include <stdlib.h>

#include "slot_ring.h"

int slot_ring_init(struct slot_ring *r, int n)
{
	r->n = n;
	r->head = 0;
	r->free_at = calloc((size_t)n, sizeof *r->free_at);
	r->tl = calloc((size_t)n, sizeof *r->tl);
	if (!r->free_at || !r->tl) {
		slot_ring_free(r);
		return -1;
	}
	return 0;
}

void slot_ring_free(struct slot_ring *r)
{
	free(r->free_at);
	free(r->tl);
	r->free_at = NULL;
	r->tl = NULL;
}
