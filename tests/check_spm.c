/*
** check_spm.c: the scratchpad bank cost model, on hand-worked accesses and
** against a brute-force reference.
*/
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spm.h"

struct machine {
	int banks, bank_width, ports, mapping, elem_bytes, multicast, merge;
};

/* Fill only what spm_init reads (no dependence on config.c). */
static void init_spm(struct spm *s, const struct machine *m)
{
	struct gs_config cfg;

	memset(&cfg, 0, sizeof cfg);
	cfg.vector.lanes = GS_MAX_LANES;
	cfg.vector.element_bytes = m->elem_bytes;
	cfg.scratchpad.size_kib = 64;
	cfg.scratchpad.banks = m->banks;
	cfg.scratchpad.bank_width_bytes = m->bank_width;
	cfg.scratchpad.ports_per_bank = m->ports;
	cfg.scratchpad.mapping = m->mapping;
	cfg.gse.multicast = m->multicast;
	cfg.gse.scatter_same_address = m->merge ? SCATTER_DUP_MERGE : SCATTER_DUP_SERIALIZE;
	ck_assert_int_eq(spm_init(s, &cfg), 0);
	ck_assert_int_eq(s->banks, m->banks);
	ck_assert_int_eq(s->size_bytes, 65536);
}

/* 8 banks x 2 B, fp16, 1 port, interleave. */
static const struct machine default_m = { 8, 2, 1, SPM_MAP_INTERLEAVE, 2, 1, 1 };
/* GPU-like: 32 banks x 4 B, 4-byte elements. */
static const struct machine gpu_m = { 32, 4, 1, SPM_MAP_INTERLEAVE, 4, 1, 1 };

/* Byte addresses base + i * stride * elem_bytes, i < n. */
static void strided(uint64_t *a, int n, uint64_t base, uint64_t stride, int eb)
{
	for (int i = 0; i < n; i++)
		a[i] = base + (uint64_t)i * stride * (uint64_t)eb;
}

static void expect_cost(struct spm_cost c, uint32_t passes, uint32_t max_load,
			uint32_t words)
{
	ck_assert_uint_eq(c.passes, passes);
	ck_assert_uint_eq(c.max_bank_load, max_load);
	ck_assert_uint_eq(c.words, words);
}

static struct spm_cost read_strided(struct spm *s, int n, uint64_t base,
				    uint64_t stride)
{
	uint64_t a[GS_MAX_LANES];

	strided(a, n, base, stride, s->elem_bytes);
	return spm_access_cost(s, SPM_READ, a, n);
}

START_TEST(test_default_strides)
{
	struct spm s;
	uint64_t a[8];

	init_spm(&s, &default_m);
	/* words 0..7 -> banks 0..7 */
	expect_cost(read_strided(&s, 8, 0, 1), 1, 1, 8);
	for (int b = 0; b < 8; b++)
		ck_assert_uint_eq(s.bank_reads[b], 1);
	/* words 0,2,..,14 -> banks 0,2,4,6 twice each */
	expect_cost(read_strided(&s, 8, 0, 2), 2, 2, 8);
	/* words 0,8,..,56 -> all bank 0 */
	expect_cost(read_strided(&s, 8, 0, 8), 8, 8, 8);
	/* words 0,3,..,21 -> banks 0,3,6,1,4,7,2,5: gcd(3,8) = 1 */
	expect_cost(read_strided(&s, 8, 0, 3), 1, 1, 8);
	/* stride 4: banks 0,4 four times each */
	expect_cost(read_strided(&s, 8, 0, 4), 4, 4, 8);
	/* a base offset rotates the banks but changes nothing */
	expect_cost(read_strided(&s, 8, 10, 1), 1, 1, 8);
	expect_cost(read_strided(&s, 8, 6, 2), 2, 2, 8);
	ck_assert_uint_eq(s.bank_reads[0], 1 + 2 + 8 + 1 + 4 + 1 + 0);
	ck_assert_uint_eq(s.bank_reads[3], 1 + 0 + 0 + 1 + 0 + 1 + 2);
	for (int b = 0; b < 8; b++)
		ck_assert_uint_eq(s.bank_writes[b], 0);

	/* All lanes on one element: one shared word with multicast. */
	for (int i = 0; i < 8; i++)
		a[i] = 42;
	expect_cost(spm_access_cost(&s, SPM_READ, a, 8), 1, 1, 1);
	spm_free(&s);

	struct machine no_mc = default_m;

	no_mc.multicast = 0;
	init_spm(&s, &no_mc);
	expect_cost(spm_access_cost(&s, SPM_READ, a, 8), 8, 8, 8);
	ck_assert_uint_eq(s.bank_reads[(42 / 2) % 8], 8);	/* word 21: bank 5 */
	ck_assert_uint_eq(s.bank_reads[5], 8);
	/* Distinct words do not care about multicast. */
	expect_cost(read_strided(&s, 8, 0, 1), 1, 1, 8);
	spm_free(&s);
	spm_free(&s);	/* idempotent */
}
END_TEST

START_TEST(test_masked_lanes_and_empty)
{
	struct spm s;
	uint64_t a[8];

	init_spm(&s, &default_m);
	/* 5 active lanes from byte 6 (word 3): banks 3..7 */
	expect_cost(read_strided(&s, 5, 6, 1), 1, 1, 5);
	ck_assert_uint_eq(s.bank_reads[0], 0);
	ck_assert_uint_eq(s.bank_reads[2], 0);
	ck_assert_uint_eq(s.bank_reads[3], 1);
	ck_assert_uint_eq(s.bank_reads[7], 1);
	/* 5 lanes at stride 8: 5 passes, not 8 */
	expect_cost(read_strided(&s, 5, 0, 8), 5, 5, 5);
	/* 3 lanes at stride 8 */
	expect_cost(read_strided(&s, 3, 0, 8), 3, 3, 3);
	/* no active lane: nothing, and no counter moves */
	expect_cost(spm_access_cost(&s, SPM_READ, a, 0), 0, 0, 0);
	expect_cost(spm_access_cost(&s, SPM_WRITE, NULL, 0), 0, 0, 0);
	ck_assert_uint_eq(s.bank_reads[0], 5 + 3);
	ck_assert_uint_eq(s.bank_writes[0], 0);
	spm_free(&s);
}
END_TEST

static uint32_t gcd_u32(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

START_TEST(test_gpu_every_stride)
{
	struct spm s;

	init_spm(&s, &gpu_m);
	for (uint32_t st = 0; st <= 65; st++) {
		struct spm_cost c = read_strided(&s, 32, 128, st);
		uint32_t expect = st ? gcd_u32(st, 32) : 1;

		ck_assert_msg(c.passes == expect, "stride %u: %u passes, expected %u",
			      st, c.passes, expect);
		ck_assert_uint_eq(c.max_bank_load, expect);
		ck_assert_uint_eq(c.words, st ? 32 : 1);
	}
	spm_free(&s);
}
END_TEST

START_TEST(test_wide_and_narrow_elements)
{
	struct spm s;
	struct machine m = gpu_m;

	/* 8-byte elements on 4-byte banks: lane i covers words 2i, 2i+1. */
	m.elem_bytes = 8;
	init_spm(&s, &m);
	expect_cost(read_strided(&s, 32, 0, 1), 2, 2, 64);
	for (int b = 0; b < 32; b++)
		ck_assert_uint_eq(s.bank_reads[b], 2);
	/* stride 2 elements: words 4i, 4i+1 -> banks 0,1,4,5,..,28,29, 4 each */
	expect_cost(read_strided(&s, 32, 0, 2), 4, 4, 64);
	for (int b = 0; b < 32; b++)
		ck_assert_uint_eq(s.bank_reads[b], 2 + (b % 4 < 2 ? 4 : 0));
	/* unaligned: an 8-byte element at byte 2 covers words 0, 1, 2 */
	{
		uint64_t a[2] = { 2, 130 };	/* words 0-2 and 32-34: banks 0-2 twice */

		expect_cost(spm_access_cost(&s, SPM_READ, a, 2), 2, 2, 6);
	}
	spm_free(&s);

	/* 2-byte elements on 4-byte banks: lanes 2k, 2k+1 share word k. */
	m.elem_bytes = 2;
	init_spm(&s, &m);
	expect_cost(read_strided(&s, 32, 0, 1), 1, 1, 16);
	for (int b = 0; b < 32; b++)
		ck_assert_uint_eq(s.bank_reads[b], b < 16 ? 1 : 0);
	spm_free(&s);
	m.multicast = 0;
	init_spm(&s, &m);
	expect_cost(read_strided(&s, 32, 0, 1), 2, 2, 32);
	for (int b = 0; b < 32; b++)
		ck_assert_uint_eq(s.bank_reads[b], b < 16 ? 2 : 0);
	/* stride 2 (4 bytes): one lane per word, multicast does not matter */
	expect_cost(read_strided(&s, 32, 0, 2), 1, 1, 32);
	spm_free(&s);
}
END_TEST

START_TEST(test_ports)
{
	struct spm s;
	struct machine m = default_m;

	m.ports = 2;
	init_spm(&s, &m);
	expect_cost(read_strided(&s, 8, 0, 8), 4, 8, 8);
	expect_cost(read_strided(&s, 3, 0, 8), 2, 3, 3);	/* ceil(3/2) */
	expect_cost(read_strided(&s, 8, 0, 2), 1, 2, 8);
	expect_cost(read_strided(&s, 8, 0, 1), 1, 1, 8);
	spm_free(&s);

	m.ports = 3;
	init_spm(&s, &m);
	expect_cost(read_strided(&s, 8, 0, 8), 3, 8, 8);	/* ceil(8/3) */
	expect_cost(read_strided(&s, 6, 0, 8), 2, 6, 6);
	spm_free(&s);
}
END_TEST

START_TEST(test_xor_mapping)
{
	struct spm s, il;
	struct machine m = default_m;

	init_spm(&il, &m);
	m.mapping = SPM_MAP_XOR;
	init_spm(&s, &m);
	/* word 13 = 0b1101: 13 ^ 1 = 12 -> bank 4 (interleave: 5);
	** word 77 = 0b1001101: 77 ^ 9 = 68 -> bank 4 (interleave: 5). */
	ck_assert_uint_eq(bank_of_word(&s, 13), 4);
	ck_assert_uint_eq(bank_of_word(&il, 13), 5);
	ck_assert_uint_eq(bank_of_word(&s, 77), 4);
	ck_assert_uint_eq(bank_of_word(&il, 77), 5);
	ck_assert_uint_eq(bank_of_word(&s, 5), 5);	/* below banks: unchanged */
	ck_assert_uint_eq(bank_of_addr(&s, 26), 4);	/* byte 26 = word 13 */
	ck_assert_uint_eq(bank_of_addr(&il, 27), 5);

	/* stride 8 elements: words 8i. Interleave: all bank 0 (8 passes).
	** Xor: 8i ^ i = bank i (i < 8), conflict-free. */
	expect_cost(read_strided(&il, 8, 0, 8), 8, 8, 8);
	expect_cost(read_strided(&s, 8, 0, 8), 1, 1, 8);
	for (int b = 0; b < 8; b++)
		ck_assert_uint_eq(s.bank_reads[b], 1);
	/* unit stride from word 4: words 4..11 -> 4,5,6,7, 9^1..: 1,0,3,2 */
	expect_cost(read_strided(&s, 8, 8, 1), 1, 1, 8);
	/* Stride 9 is the other way round: for i < 8, word 9i = 8i + i has
	** low bits i and 9i >> 3 = i, so xor sends every lane to bank 0, while
	** interleave gives banks 9i mod 8 = i. */
	expect_cost(read_strided(&s, 8, 0, 9), 8, 8, 8);
	expect_cost(read_strided(&il, 8, 0, 9), 1, 1, 8);
	spm_free(&s);
	spm_free(&il);
}
END_TEST

START_TEST(test_non_power_of_two_banks)
{
	struct spm s;
	struct machine m = default_m;

	m.banks = 7;
	init_spm(&s, &m);
	ck_assert_uint_eq(bank_of_word(&s, 15), 1);
	expect_cost(read_strided(&s, 8, 0, 7), 8, 8, 8);
	/* words 8i mod 7 = i mod 7: lanes 0 and 7 share bank 0 */
	expect_cost(read_strided(&s, 8, 0, 8), 2, 2, 8);
	expect_cost(read_strided(&s, 7, 0, 8), 1, 1, 7);
	spm_free(&s);
}
END_TEST

/* Element indices 0,0,1,1,1,9,17,2 (fp16 on 2-byte banks: word = index):
** banks 0,0,1,1,1,1,1,2. Merged: words {0,1,9,17,2} -> bank loads 1,3,1.
** Serialized: 2,5,1. */
static const uint64_t dup_addr[8] = { 0, 0, 2, 2, 2, 18, 34, 4 };

START_TEST(test_scatter_duplicates)
{
	struct spm s;
	struct machine m = default_m;

	m.multicast = 0;	/* must not matter for writes */
	m.merge = 1;
	init_spm(&s, &m);
	expect_cost(spm_access_cost(&s, SPM_WRITE, dup_addr, 8), 3, 3, 5);
	expect_cost(spm_access_cost(&s, SPM_ACCUMULATE, dup_addr, 8), 3, 3, 5);
	ck_assert_uint_eq(s.bank_writes[0], 2);
	ck_assert_uint_eq(s.bank_writes[1], 6);
	ck_assert_uint_eq(s.bank_writes[2], 2);
	ck_assert_uint_eq(s.bank_writes[3], 0);
	/* a read on this machine does not share (multicast off) */
	expect_cost(spm_access_cost(&s, SPM_READ, dup_addr, 8), 5, 5, 8);
	ck_assert_uint_eq(s.bank_reads[1], 5);
	spm_free(&s);

	m.multicast = 1;	/* must not matter for writes either */
	m.merge = 0;
	init_spm(&s, &m);
	expect_cost(spm_access_cost(&s, SPM_WRITE, dup_addr, 8), 5, 5, 8);
	expect_cost(spm_access_cost(&s, SPM_ACCUMULATE, dup_addr, 8), 5, 5, 8);
	ck_assert_uint_eq(s.bank_writes[0], 4);
	ck_assert_uint_eq(s.bank_writes[1], 10);
	ck_assert_uint_eq(s.bank_writes[2], 2);
	expect_cost(spm_access_cost(&s, SPM_READ, dup_addr, 8), 3, 3, 5);
	ck_assert_uint_eq(s.bank_reads[0], 1);
	ck_assert_uint_eq(s.bank_reads[1], 3);
	ck_assert_uint_eq(s.bank_reads[2], 1);
	spm_free(&s);
}
END_TEST

START_TEST(test_counter_sequence)
{
	struct spm s;
	const uint64_t r1[4] = { 0, 2, 4, 6 };		/* words 0-3 */
	const uint64_t w1[3] = { 16, 32, 18 };		/* words 8, 16, 9: banks 0, 0, 1 */
	const uint64_t a1[2] = { 14, 14 };		/* word 7 twice, merged */
	const uint64_t expect_r[8] = { 1, 1, 1, 1, 0, 0, 0, 0 };
	const uint64_t expect_w[8] = { 2, 1, 0, 0, 0, 0, 0, 1 };

	init_spm(&s, &default_m);
	expect_cost(spm_access_cost(&s, SPM_READ, r1, 4), 1, 1, 4);
	expect_cost(spm_access_cost(&s, SPM_WRITE, w1, 3), 2, 2, 3);
	expect_cost(spm_access_cost(&s, SPM_ACCUMULATE, a1, 2), 1, 1, 1);
	for (int b = 0; b < 8; b++) {
		ck_assert_uint_eq(s.bank_reads[b], expect_r[b]);
		ck_assert_uint_eq(s.bank_writes[b], expect_w[b]);
	}
	spm_free(&s);
}
END_TEST

/* A stale per-bank load must never leak into a later call, also across the
** wrap-around of the generation stamp. */
START_TEST(test_generation_wrap)
{
	struct spm s;

	init_spm(&s, &default_m);
	expect_cost(read_strided(&s, 8, 0, 8), 8, 8, 8);	/* bank 0 load 8, gen 1 */
	s.gen = UINT32_MAX - 1;
	expect_cost(read_strided(&s, 2, 2, 1), 1, 1, 2);	/* banks 1, 2 */
	expect_cost(read_strided(&s, 2, 4, 1), 1, 1, 2);	/* wraps: banks 2, 3 */
	ck_assert_uint_eq(s.gen, 1);
	expect_cost(read_strided(&s, 1, 0, 1), 1, 1, 1);	/* bank 0 again */
	expect_cost(read_strided(&s, 8, 0, 1), 1, 1, 8);
	spm_free(&s);
}
END_TEST

/* ---- brute force: an independent O(n^2) model on random machines ---- */

static uint64_t splitmix64(uint64_t *st)
{
	uint64_t z = (*st += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

#define REF_MAX_WORDS (GS_MAX_LANES * 20)
#define REF_MAX_BANKS 64

static struct spm_cost ref_cost(const struct machine *m, enum spm_kind kind,
				const uint64_t *addr, int n, uint64_t *served)
{
	uint64_t word[REF_MAX_WORDS];
	uint32_t load[REF_MAX_BANKS] = { 0 };
	int nw = 0;
	int share = kind == SPM_READ ? m->multicast : m->merge;
	struct spm_cost c = { 0, 0, 0 };
	uint64_t B = (uint64_t)m->banks;

	/* Every (lane, word) pair: bytes addr .. addr + elem_bytes - 1. */
	for (int i = 0; i < n; i++) {
		for (uint64_t byte = addr[i]; byte < addr[i] + (uint64_t)m->elem_bytes; byte++) {
			uint64_t w = byte / (uint64_t)m->bank_width;

			if (byte == addr[i] || w != word[nw - 1]) {
				ck_assert_int_lt(nw, REF_MAX_WORDS);
				word[nw++] = w;
			}
		}
	}
	for (int i = 0; i < nw; i++) {
		int dup = 0;
		uint64_t bank;

		for (int j = 0; j < i && share; j++)
			if (word[j] == word[i])
				dup = 1;
		if (dup)
			continue;
		if (m->mapping == SPM_MAP_XOR)
			bank = (word[i] ^ (word[i] / B)) % B;
		else
			bank = word[i] % B;
		load[bank]++;
		served[bank]++;
		c.words++;
	}
	for (int b = 0; b < m->banks; b++)
		if (load[b] > c.max_bank_load)
			c.max_bank_load = load[b];
	c.passes = (c.max_bank_load + (uint32_t)m->ports - 1) / (uint32_t)m->ports;
	return c;
}

START_TEST(test_brute_force)
{
	static const int banks[] = { 1, 2, 3, 4, 7, 8, 16, 32, 64 };
	static const int widths[] = { 1, 2, 4, 8 };
	static const int elems[] = { 1, 2, 4, 8, 16 };
	uint64_t prng = 0x5eed;

	for (int trial = 0; trial < 300; trial++) {
		struct machine m;
		struct spm s;
		uint64_t ref_r[REF_MAX_BANKS] = { 0 }, ref_w[REF_MAX_BANKS] = { 0 };

		m.banks = banks[splitmix64(&prng) % 9];
		m.bank_width = widths[splitmix64(&prng) % 4];
		m.elem_bytes = elems[splitmix64(&prng) % 5];
		m.ports = 1 + (int)(splitmix64(&prng) % 3);
		m.mapping = (m.banks & (m.banks - 1)) == 0 && splitmix64(&prng) % 2 ?
			    SPM_MAP_XOR : SPM_MAP_INTERLEAVE;
		m.multicast = (int)(splitmix64(&prng) % 2);
		m.merge = (int)(splitmix64(&prng) % 2);
		init_spm(&s, &m);
		for (int call = 0; call < 40; call++) {
			uint64_t a[GS_MAX_LANES];
			int n = (int)(splitmix64(&prng) % (GS_MAX_LANES + 1));
			enum spm_kind kind = (enum spm_kind)(splitmix64(&prng) % 3);
			/* a small range makes duplicates and conflicts common */
			uint64_t range = 1 + splitmix64(&prng) % 2048;
			int aligned = splitmix64(&prng) % 4 != 0;
			struct spm_cost got, want;

			for (int i = 0; i < n; i++) {
				a[i] = splitmix64(&prng) % range;
				if (aligned)
					a[i] -= a[i] % (uint64_t)m.elem_bytes;
			}
			got = spm_access_cost(&s, kind, a, n);
			want = ref_cost(&m, kind, a, n, kind == SPM_READ ? ref_r : ref_w);
			ck_assert_msg(got.passes == want.passes &&
				      got.max_bank_load == want.max_bank_load &&
				      got.words == want.words,
				      "trial %d call %d: got %u/%u/%u want %u/%u/%u",
				      trial, call, got.passes, got.max_bank_load,
				      got.words, want.passes, want.max_bank_load,
				      want.words);
		}
		for (int b = 0; b < m.banks; b++) {
			ck_assert_uint_eq(s.bank_reads[b], ref_r[b]);
			ck_assert_uint_eq(s.bank_writes[b], ref_w[b]);
		}
		spm_free(&s);
	}
}
END_TEST

/* Far more banks than lanes: loads still start from zero every call. */
START_TEST(test_many_banks)
{
	struct spm s;
	struct machine m = { 4096, 4, 1, SPM_MAP_INTERLEAVE, 4, 1, 1 };

	init_spm(&s, &m);
	expect_cost(read_strided(&s, 64, 0, 4096), 64, 64, 64);	/* all bank 0 */
	expect_cost(read_strided(&s, 64, 0, 1), 1, 1, 64);
	expect_cost(read_strided(&s, 64, 4, 4096), 64, 64, 64);	/* all bank 1 */
	expect_cost(read_strided(&s, 64, 0, 64), 1, 1, 64);
	ck_assert_uint_eq(s.bank_reads[0], 64 + 1 + 1);
	ck_assert_uint_eq(s.bank_reads[1], 1 + 64);
	ck_assert_uint_eq(s.bank_reads[64], 1);
	ck_assert_uint_eq(s.bank_reads[4095], 0);
	spm_free(&s);
}
END_TEST

Suite *spm_suite(void);

Suite *spm_suite(void)
{
	Suite *s = suite_create("spm");
	TCase *tc = tcase_create("cost");

	tcase_add_test(tc, test_default_strides);
	tcase_add_test(tc, test_masked_lanes_and_empty);
	tcase_add_test(tc, test_gpu_every_stride);
	tcase_add_test(tc, test_wide_and_narrow_elements);
	tcase_add_test(tc, test_ports);
	tcase_add_test(tc, test_xor_mapping);
	tcase_add_test(tc, test_non_power_of_two_banks);
	tcase_add_test(tc, test_scatter_duplicates);
	tcase_add_test(tc, test_counter_sequence);
	tcase_add_test(tc, test_generation_wrap);
	tcase_add_test(tc, test_brute_force);
	tcase_add_test(tc, test_many_banks);
	suite_add_tcase(s, tc);
	return s;
}
