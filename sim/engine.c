/*
** engine.c: the discrete-event core (see engine.h).
** Events due within EV_WHEEL cycles of now sit in a timing wheel of
** one-cycle FIFO slots; later ones in a binary min-heap keyed (time, seq).
** Invariant: every heap event is due at or after now + EV_WHEEL. Whenever
** now advances, heap events entering the horizon move into their slots
** (in (time, seq) order) before anything at the new time runs, so a slot
** always lists its events in scheduling order even when some of them came
** from the heap. A bitmap of non-empty slots (with a summary word over it)
** finds the next busy slot without scanning empty ones; an empty wheel
** jumps straight to the heap top.
*/
#include <assert.h>
#include <stdlib.h>

#include "engine.h"

#define EV_WHEEL_BITS 10
#define EV_WHEEL ((uint64_t)1 << EV_WHEEL_BITS)
#define EV_WHEEL_MASK (EV_WHEEL - 1)
#define EV_MAP_WORDS (EV_WHEEL / 64)
#define EV_CHUNK_MIN 256
#define EV_CHUNK_MAX 65536

struct ev {
	uint64_t time, seq, arg;
	ev_fn fn;
	void *ctx;
	struct ev *next;	/* slot FIFO or free list */
};

/* Events are carved from chunks; the chunks are only freed by ev_free. */
struct ev_chunk {
	struct ev_chunk *next;
	struct ev ev[];
};

struct ev_heap_ent {
	uint64_t time, seq;
	struct ev *ev;
};

struct ev_slot {
	struct ev *head, *tail;
};

struct ev_queue {
	uint64_t now, next_seq, executed;
	size_t wheel_count;
	struct ev_slot slot[EV_WHEEL];
	uint64_t map[EV_MAP_WORDS];	/* bit per non-empty slot */
	uint32_t map_summary;		/* bit per non-zero map word */
	struct ev_heap_ent *heap;
	size_t heap_n, heap_cap;
	struct ev *free_list;
	struct ev_chunk *chunks;
	size_t next_chunk;		/* events in the next chunk to allocate */
};

_Static_assert(EV_MAP_WORDS <= 32, "map_summary holds one bit per map word");

struct ev_queue *ev_new(void)
{
	struct ev_queue *q = calloc(1, sizeof *q);

	if (q)
		q->next_chunk = EV_CHUNK_MIN;
	return q;
}

void ev_free(struct ev_queue *q)
{
	struct ev_chunk *c, *next;

	if (!q)
		return;
	for (c = q->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	free(q->heap);
	free(q);
}

static struct ev *ev_alloc(struct ev_queue *q)
{
	struct ev *e = q->free_list;

	if (!e) {
		size_t n = q->next_chunk;
		struct ev_chunk *c = malloc(sizeof *c + n * sizeof c->ev[0]);

		if (!c)
			return NULL;
		c->next = q->chunks;
		q->chunks = c;
		for (size_t i = 0; i + 1 < n; i++)
			c->ev[i].next = &c->ev[i + 1];
		c->ev[n - 1].next = NULL;
		q->free_list = &c->ev[0];
		if (q->next_chunk < EV_CHUNK_MAX)
			q->next_chunk *= 2;
		e = q->free_list;
	}
	q->free_list = e->next;
	return e;
}

static void ev_release(struct ev_queue *q, struct ev *e)
{
	e->next = q->free_list;
	q->free_list = e;
}

/* ---- timing wheel ---- */

static void slot_append(struct ev_queue *q, struct ev *e)
{
	size_t i = (size_t)(e->time & EV_WHEEL_MASK);
	struct ev_slot *s = &q->slot[i];

	e->next = NULL;
	if (s->tail) {
		s->tail->next = e;
	} else {
		s->head = e;
		q->map[i / 64] |= (uint64_t)1 << (i % 64);
		q->map_summary |= (uint32_t)1 << (i / 64);
	}
	s->tail = e;
	q->wheel_count++;
}

static struct ev *slot_pop(struct ev_queue *q, size_t i)
{
	struct ev_slot *s = &q->slot[i];
	struct ev *e = s->head;

	s->head = e->next;
	if (!s->head) {
		s->tail = NULL;
		q->map[i / 64] &= ~((uint64_t)1 << (i % 64));
		if (!q->map[i / 64])
			q->map_summary &= ~((uint32_t)1 << (i / 64));
	}
	q->wheel_count--;
	return e;
}

static size_t first_bit_of_word(const struct ev_queue *q, uint32_t summary)
{
	size_t w = (size_t)__builtin_ctz(summary);

	return w * 64 + (size_t)__builtin_ctzll(q->map[w]);
}

/* First non-empty slot at or after slot p, wrapping around. The wheel must
** not be empty. Wheel events lie in [now, now + EV_WHEEL), so starting at
** now's slot the first one found is the earliest. */
static size_t next_busy_slot(const struct ev_queue *q, size_t p)
{
	size_t w = p / 64;
	uint64_t bits = q->map[w] & (~(uint64_t)0 << (p % 64));
	uint32_t upto_w = (uint32_t)((((uint64_t)2) << w) - 1);
	uint32_t later = q->map_summary & ~upto_w;

	if (bits)
		return w * 64 + (size_t)__builtin_ctzll(bits);
	if (later)
		return first_bit_of_word(q, later);
	/* Wrapped: words 0..w (word w now only has bits below p). */
	assert(q->map_summary & upto_w);
	return first_bit_of_word(q, q->map_summary & upto_w);
}

/* ---- heap ---- */

static int heap_less(const struct ev_heap_ent *a, const struct ev_heap_ent *b)
{
	return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static int heap_push(struct ev_queue *q, struct ev *e)
{
	size_t i;
	struct ev_heap_ent ent = { e->time, e->seq, e };

	if (q->heap_n == q->heap_cap) {
		size_t cap = q->heap_cap ? q->heap_cap * 2 : 256;
		struct ev_heap_ent *h = realloc(q->heap, cap * sizeof *h);

		if (!h)
			return -1;
		q->heap = h;
		q->heap_cap = cap;
	}
	for (i = q->heap_n++; i > 0; ) {
		size_t parent = (i - 1) / 2;

		if (!heap_less(&ent, &q->heap[parent]))
			break;
		q->heap[i] = q->heap[parent];
		i = parent;
	}
	q->heap[i] = ent;
	return 0;
}

static struct ev *heap_pop(struct ev_queue *q)
{
	struct ev *top = q->heap[0].ev;
	struct ev_heap_ent last = q->heap[--q->heap_n];
	size_t n = q->heap_n, i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && heap_less(&q->heap[c + 1], &q->heap[c]))
			c++;
		if (!heap_less(&q->heap[c], &last))
			break;
		q->heap[i] = q->heap[c];
		i = c;
	}
	if (n)
		q->heap[i] = last;
	return top;
}

/* now has advanced: move the heap events now within the horizon. */
static void migrate_from_heap(struct ev_queue *q)
{
	while (q->heap_n && q->heap[0].time - q->now < EV_WHEEL)
		slot_append(q, heap_pop(q));
}

/* ---- public ---- */

int ev_at(struct ev_queue *q, uint64_t time, ev_fn fn, void *ctx, uint64_t arg)
{
	struct ev *e;

	assert(time >= q->now);
	e = ev_alloc(q);
	if (!e)
		return -1;
	e->time = time;
	e->seq = q->next_seq++;
	e->fn = fn;
	e->ctx = ctx;
	e->arg = arg;
	if (time - q->now < EV_WHEEL) {
		slot_append(q, e);
	} else if (heap_push(q, e)) {
		ev_release(q, e);
		q->next_seq--;
		return -1;
	}
	return 0;
}

int ev_step(struct ev_queue *q)
{
	struct ev *e;
	size_t i;
	uint64_t t;
	ev_fn fn;
	void *ctx;
	uint64_t arg;

	if (!q->wheel_count) {
		if (!q->heap_n)
			return 0;
		q->now = q->heap[0].time;	/* skip the empty stretch at once */
		migrate_from_heap(q);
	}
	i = next_busy_slot(q, (size_t)(q->now & EV_WHEEL_MASK));
	t = q->now + ((i - q->now) & EV_WHEEL_MASK);
	if (t != q->now) {
		q->now = t;
		migrate_from_heap(q);	/* all later than t: slot i still leads */
	}
	e = slot_pop(q, i);
	assert(e->time == t);
	fn = e->fn;
	ctx = e->ctx;
	arg = e->arg;
	ev_release(q, e);	/* before the call: the handler may reuse it */
	q->executed++;
	fn(ctx, t, arg);
	return 1;
}

int ev_next_time(const struct ev_queue *q, uint64_t *t)
{
	size_t i;

	if (q->wheel_count) {
		i = next_busy_slot(q, (size_t)(q->now & EV_WHEEL_MASK));
		*t = q->now + ((i - q->now) & EV_WHEEL_MASK);
		return 1;
	}
	if (q->heap_n) {
		*t = q->heap[0].time;
		return 1;
	}
	return 0;
}

uint64_t ev_now(const struct ev_queue *q)
{
	return q->now;
}

size_t ev_pending(const struct ev_queue *q)
{
	return q->wheel_count + q->heap_n;
}

uint64_t ev_executed(const struct ev_queue *q)
{
	return q->executed;
}
