/*
** check_engine.c: the discrete-event core runs events in (time, seq) order.
*/
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "engine.h"

#define LOG_MAX 64

/* A handler log: which arg ran, at what time. */
struct run_log {
	struct ev_queue *q;
	int n;
	uint64_t arg[LOG_MAX], time[LOG_MAX], now_seen[LOG_MAX];
};

static void log_event(void *ctx, uint64_t now, uint64_t arg)
{
	struct run_log *l = ctx;

	ck_assert_int_lt(l->n, LOG_MAX);
	l->arg[l->n] = arg;
	l->time[l->n] = now;
	l->now_seen[l->n] = ev_now(l->q);
	l->n++;
}

static void run_all(struct ev_queue *q)
{
	while (ev_step(q))
		;
}

START_TEST(test_empty_queue)
{
	struct ev_queue *q = ev_new();

	ck_assert_ptr_nonnull(q);
	ck_assert_int_eq(ev_step(q), 0);
	ck_assert_uint_eq(ev_now(q), 0);
	ck_assert_uint_eq(ev_pending(q), 0);
	ck_assert_uint_eq(ev_executed(q), 0);
	ev_free(q);
	ev_free(NULL);
}
END_TEST

START_TEST(test_same_time_fifo)
{
	struct ev_queue *q = ev_new();
	struct run_log l = { .q = q };

	/* Interleave two times so each slot's list is built across calls. */
	for (uint64_t i = 0; i < 10; i++) {
		ck_assert_int_eq(ev_at(q, 5, log_event, &l, i), 0);
		ck_assert_int_eq(ev_at(q, 7, log_event, &l, 100 + i), 0);
	}
	ck_assert_uint_eq(ev_pending(q), 20);
	run_all(q);
	ck_assert_int_eq(l.n, 20);
	for (int i = 0; i < 10; i++) {
		ck_assert_uint_eq(l.arg[i], (uint64_t)i);
		ck_assert_uint_eq(l.time[i], 5);
		ck_assert_uint_eq(l.now_seen[i], 5);
		ck_assert_uint_eq(l.arg[10 + i], 100 + (uint64_t)i);
		ck_assert_uint_eq(l.time[10 + i], 7);
	}
	ck_assert_uint_eq(ev_now(q), 7);
	ck_assert_uint_eq(ev_pending(q), 0);
	ck_assert_uint_eq(ev_executed(q), 20);
	ck_assert_int_eq(ev_step(q), 0);
	ck_assert_uint_eq(ev_now(q), 7);
	ev_free(q);
}
END_TEST

/* arg = (delay << 32) | id: log id, schedule id + 1000 at now + delay when
** delay != 0xffffffff. */
static void log_and_spawn(void *ctx, uint64_t now, uint64_t arg)
{
	struct run_log *l = ctx;
	uint64_t delay = arg >> 32, id = arg & 0xffffffffu;

	log_event(ctx, now, id);
	if (delay != 0xffffffffu)
		ck_assert_int_eq(ev_at(l->q, now + delay, log_event, l, id + 1000), 0);
}

START_TEST(test_spawn_at_now_runs_last)
{
	struct ev_queue *q = ev_new();
	struct run_log l = { .q = q };
	const uint64_t expect[] = { 1, 2, 3, 1001, 1003 };

	ev_at(q, 3, log_and_spawn, &l, 1);			/* spawns 1001 at 3 */
	ev_at(q, 3, log_event, &l, 2);
	ev_at(q, 3, log_and_spawn, &l, 3);			/* spawns 1003 at 3 */
	ev_at(q, 4, log_event, &l, 4);
	run_all(q);
	ck_assert_int_eq(l.n, 6);
	for (int i = 0; i < 5; i++) {
		ck_assert_uint_eq(l.arg[i], expect[i]);
		ck_assert_uint_eq(l.time[i], 3);
	}
	ck_assert_uint_eq(l.arg[5], 4);
	ck_assert_uint_eq(ev_executed(q), 6);
	ev_free(q);
}
END_TEST

START_TEST(test_far_future_interleaves)
{
	struct ev_queue *q = ev_new();
	struct run_log l = { .q = q };
	const uint64_t G = 1000000000;
	/* (time, arg) in scheduling order; arg encodes the expected rank. */
	const uint64_t sched[][2] = {
		{ G, 8 }, { 5, 1 }, { G + 1, 10 }, { 2000, 5 }, { 1023, 2 },
		{ 1024, 3 }, { 1025, 4 }, { G, 9 }, { 3 * G, 11 }, { 2047, 6 },
		{ 2048, 7 }, { 0, 0 },
	};
	const int n = (int)(sizeof sched / sizeof sched[0]);

	for (int i = 0; i < n; i++)
		ck_assert_int_eq(ev_at(q, sched[i][0], log_event, &l, sched[i][1]), 0);
	ck_assert_uint_eq(ev_pending(q), (uint64_t)n);
	for (int i = 0; i < n; i++) {
		ck_assert_int_eq(ev_step(q), 1);
		ck_assert_uint_eq(ev_pending(q), (uint64_t)(n - i - 1));
		ck_assert_uint_eq(ev_executed(q), (uint64_t)i + 1);
		ck_assert_uint_eq(l.arg[i], (uint64_t)i);
		ck_assert_uint_eq(ev_now(q), l.time[i]);
	}
	ck_assert_uint_eq(l.time[0], 0);
	ck_assert_uint_eq(l.time[3], 1024);
	ck_assert_uint_eq(l.time[9], G);
	ck_assert_uint_eq(l.time[10], G + 1);
	ck_assert_uint_eq(ev_now(q), 3 * G);
	ck_assert_int_eq(ev_step(q), 0);
	ev_free(q);
}
END_TEST

/* An event for T put in the heap early must run before one for T scheduled
** later straight into the wheel, whichever way now reaches T's horizon. */
START_TEST(test_heap_before_wheel_same_time)
{
	struct ev_queue *q = ev_new();
	struct run_log l = { .q = q };
	const uint64_t T = 5000, U = 1000000;

	ev_at(q, T, log_event, &l, 1);			/* heap */
	ev_at(q, T, log_event, &l, 2);			/* heap */
	/* At 4000 (T within the horizon) spawn 1003 at T: into the wheel. */
	ev_at(q, 4000, log_and_spawn, &l, 3 | ((T - 4000) << 32));
	/* From 3976, T is just beyond the horizon (3976 + 1024 = T): 1004 goes
	** to the heap, behind 1 and 2; from 3977 on T is inside it. */
	ev_at(q, 3976, log_and_spawn, &l, 4 | ((T - 3976) << 32));
	ev_at(q, 3977, log_and_spawn, &l, 5 | ((T - 3977) << 32));
	/* Far: the wheel is empty when now jumps to U - 10. */
	ev_at(q, U, log_event, &l, 6);			/* heap */
	ev_at(q, U - 10, log_and_spawn, &l, 7 | ((uint64_t)10 << 32));
	ev_at(q, U, log_and_spawn, &l, 8 | ((uint64_t)0 << 32));	/* heap */
	run_all(q);

	const uint64_t expect[] = {
		4, 5, 3, 1, 2, 1004, 1005, 1003, 7, 6, 8, 1007, 1008
	};
	const uint64_t when[] = {
		3976, 3977, 4000, T, T, T, T, T, U - 10, U, U, U, U
	};
	ck_assert_int_eq(l.n, 13);
	for (int i = 0; i < 13; i++) {
		ck_assert_uint_eq(l.arg[i], expect[i]);
		ck_assert_uint_eq(l.time[i], when[i]);
	}
	ev_free(q);
}
END_TEST

static void nop_event(void *ctx, uint64_t now, uint64_t arg)
{
	(void)ctx;
	(void)now;
	(void)arg;
}

START_TEST(test_extreme_times_and_free_pending)
{
	struct ev_queue *q = ev_new();
	struct run_log l = { .q = q };

	ev_at(q, UINT64_MAX, log_event, &l, 3);
	ev_at(q, UINT64_MAX - 1, log_event, &l, 2);
	ev_at(q, 5, log_event, &l, 1);
	run_all(q);
	ck_assert_int_eq(l.n, 3);
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(l.arg[i], (uint64_t)i + 1);
	ck_assert_uint_eq(ev_now(q), UINT64_MAX);
	ev_free(q);

	/* Pending events (wheel, heap, several chunks) are freed with the queue
	** (the sanitizer / valgrind runs check there is no leak). */
	q = ev_new();
	for (uint64_t i = 0; i < 5000; i++)
		ck_assert_int_eq(ev_at(q, i * 7919 % 100000, nop_event, NULL, i), 0);
	for (int i = 0; i < 100; i++)
		ev_step(q);
	ck_assert_uint_eq(ev_pending(q), 4900);
	ck_assert_uint_eq(ev_executed(q), 100);
	ev_free(q);
}
END_TEST

/* ---- randomized: every ev_at is recorded with its scheduling order; the
** execution log must equal all records sorted by (time, seq). ---- */

#define RND_EVENTS 100000
#define RND_INITIAL 20000

struct rnd_rec {
	uint64_t time, seq;
};

struct rnd_state {
	struct ev_queue *q;
	uint64_t prng;
	uint64_t next_seq;		/* ev_at calls so far = seq of the next one */
	struct rnd_rec *rec;		/* by id (= seq) */
	uint64_t *ran;			/* ids in execution order */
	size_t n_ran;
	int bad_time;			/* handler saw now != its time */
};

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static uint64_t random_delay(struct rnd_state *st)
{
	uint64_t r = splitmix64(&st->prng);

	switch (r % 8) {
	case 0:
		return 0;				/* same time */
	case 1:
		return (r >> 8) % 4;
	case 2:
		return 1020 + (r >> 8) % 10;		/* around the horizon */
	case 3:
		return (r >> 8) % 100000;
	case 4:
		return 1000000000 + (r >> 8) % 1000;	/* far future */
	default:
		return (r >> 8) % 1024;
	}
}

static void rnd_event(void *ctx, uint64_t now, uint64_t arg);

static void rnd_schedule(struct rnd_state *st, uint64_t time)
{
	uint64_t id = st->next_seq++;

	st->rec[id].time = time;
	st->rec[id].seq = id;
	ck_assert_int_eq(ev_at(st->q, time, rnd_event, st, id), 0);
}

static void rnd_event(void *ctx, uint64_t now, uint64_t arg)
{
	struct rnd_state *st = ctx;
	int children = (int)(splitmix64(&st->prng) % 4);

	if (st->rec[arg].time != now || ev_now(st->q) != now)
		st->bad_time = 1;
	st->ran[st->n_ran++] = arg;
	for (int i = 0; i < children && st->next_seq < RND_EVENTS; i++)
		rnd_schedule(st, now + random_delay(st));
}

static int rec_cmp(const void *a, const void *b)
{
	const struct rnd_rec *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

START_TEST(test_randomized_order)
{
	struct rnd_state st = { 0 };
	struct rnd_rec *sorted;

	st.q = ev_new();
	st.prng = 12345;
	st.rec = calloc(RND_EVENTS, sizeof *st.rec);
	st.ran = calloc(RND_EVENTS, sizeof *st.ran);
	ck_assert_ptr_nonnull(st.rec);
	ck_assert_ptr_nonnull(st.ran);
	for (int i = 0; i < RND_INITIAL; i++)
		rnd_schedule(&st, random_delay(&st) + splitmix64(&st.prng) % 5000);
	while (ev_step(st.q)) {
		/* Also schedule from outside handlers, between steps. */
		if (splitmix64(&st.prng) % 16 == 0 && st.next_seq < RND_EVENTS)
			rnd_schedule(&st, ev_now(st.q) + random_delay(&st));
		ck_assert_uint_eq(ev_pending(st.q) + ev_executed(st.q), st.next_seq);
	}
	ck_assert_uint_eq(st.next_seq, RND_EVENTS);
	ck_assert_uint_eq(st.n_ran, RND_EVENTS);
	ck_assert_uint_eq(ev_executed(st.q), RND_EVENTS);
	ck_assert_int_eq(st.bad_time, 0);

	sorted = malloc(RND_EVENTS * sizeof *sorted);
	ck_assert_ptr_nonnull(sorted);
	for (size_t i = 0; i < RND_EVENTS; i++)
		sorted[i] = st.rec[i];
	qsort(sorted, RND_EVENTS, sizeof *sorted, rec_cmp);
	for (size_t i = 0; i < RND_EVENTS; i++)
		ck_assert_uint_eq(st.ran[i], sorted[i].seq);
	ck_assert_uint_eq(ev_now(st.q), sorted[RND_EVENTS - 1].time);

	free(sorted);
	free(st.rec);
	free(st.ran);
	ev_free(st.q);
}
END_TEST

Suite *engine_suite(void);

Suite *engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_empty_queue);
	tcase_add_test(tc, test_same_time_fifo);
	tcase_add_test(tc, test_spawn_at_now_runs_last);
	tcase_add_test(tc, test_far_future_interleaves);
	tcase_add_test(tc, test_heap_before_wheel_same_time);
	tcase_add_test(tc, test_extreme_times_and_free_pending);
	tcase_add_test(tc, test_randomized_order);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
