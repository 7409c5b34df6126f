/*
** engine.h: the discrete-event core.
** Events are (time, sequence) ordered: same-time events run in the order
** they were scheduled, so runs are deterministic. A timing wheel holds the
** near future, a binary heap the far future; idle components schedule
** nothing and cost nothing. No global state: one queue per simulation.
*/
#ifndef gs_engine_h
#define gs_engine_h

#include <stddef.h>
#include <stdint.h>

typedef void (*ev_fn)(void *ctx, uint64_t now, uint64_t arg);

struct ev_queue;

struct ev_queue *ev_new(void);		/* NULL when out of memory */
void ev_free(struct ev_queue *q);

/* Schedule fn(ctx, time, arg). time must be >= ev_now(q) (asserted).
** Returns 0, or -1 when out of memory. */
int ev_at(struct ev_queue *q, uint64_t time, ev_fn fn, void *ctx, uint64_t arg);

/* Run the earliest event (advancing ev_now to its time). Returns 1 if an
** event ran, 0 if the queue is empty. */
int ev_step(struct ev_queue *q);

/* Time of the earliest pending event in *t; 0 (and *t untouched) if none.
** Lets a component that would schedule itself at t run on inline instead,
** when nothing else is due first. */
int ev_next_time(const struct ev_queue *q, uint64_t *t);

uint64_t ev_now(const struct ev_queue *q);
size_t ev_pending(const struct ev_queue *q);
uint64_t ev_executed(const struct ev_queue *q);	/* events run so far */

#endif
