/*
** check_slot_ring.c: the slot ring shared by the gather/scatter engine's
** queue and the memory's outstanding streams: oldest slot first, its
** holder's timeline kept for a stall on a full ring.
*/
#include <check.h>

#include "slot_ring.h"

START_TEST(oldest_slot_first)
{
	struct slot_ring r;
	struct timeline *tl;

	ck_assert_int_eq(slot_ring_init(&r, 2), 0);
	ck_assert_uint_eq(slot_ring_free_at(&r), 0);	/* unused slots are free from 0 */
	tl = slot_ring_take(&r, 10);
	tl_single(tl, ST_CPI_GSE_QUEUE, 10);
	ck_assert_uint_eq(slot_ring_free_at(&r), 0);	/* the second slot is still unused */
	tl = slot_ring_take(&r, 7);
	tl_single(tl, ST_CPI_MEM_LATENCY, 7);
	/* full: the next to free is the oldest (10), not the earliest (7) */
	ck_assert_uint_eq(slot_ring_free_at(&r), 10);
	ck_assert_uint_eq(slot_ring_timeline(&r)->cat[0], ST_CPI_GSE_QUEUE);
	slot_ring_take(&r, 30);
	ck_assert_uint_eq(slot_ring_free_at(&r), 7);
	ck_assert_uint_eq(slot_ring_timeline(&r)->cat[0], ST_CPI_MEM_LATENCY);
	ck_assert_uint_eq(slot_ring_timeline(&r)->end[0], 7);
	slot_ring_take(&r, 40);
	ck_assert_uint_eq(slot_ring_free_at(&r), 30);
	slot_ring_free(&r);
	ck_assert(r.free_at == NULL && r.tl == NULL);
	slot_ring_free(&r);	/* twice is harmless */
}
END_TEST

START_TEST(one_slot)
{
	struct slot_ring r;

	ck_assert_int_eq(slot_ring_init(&r, 1), 0);
	slot_ring_take(&r, 5);
	ck_assert_uint_eq(slot_ring_free_at(&r), 5);
	slot_ring_take(&r, 9);
	ck_assert_uint_eq(slot_ring_free_at(&r), 9);
	slot_ring_free(&r);
}
END_TEST

Suite *slot_ring_suite(void)
{
	Suite *s = suite_create("slot_ring");
	TCase *t = tcase_create("ring");

	tcase_add_test(t, oldest_slot_first);
	tcase_add_test(t, one_slot);
	suite_add_tcase(s, t);
	return s;
}
