/*
** check_machine.c: the timing model on hand-worked cases (docs/model.md).
** Instructions come from an in-memory array, so these tests depend on the
** machine alone, not on the trace reader.
*/
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "testutil.h"


struct array_src {
	const struct gs_insn *in;
	size_t n, pos;
	uint64_t repeat;	/* cycle through the array this many times */
};

static int array_next(void *ctx, struct gs_insn *out, struct gs_err *err)
{
	struct array_src *a = ctx;

	(void)err;
	if (a->pos >= a->n * a->repeat)
		return 0;
	*out = a->in[a->pos % a->n];
	a->pos++;
	return 1;
}

static const char *array_name(void *ctx)
{
	(void)ctx;
	return "array";
}

static struct gs_insn ins(int op, int dst, int s0, int s1, int s2)
{
	struct gs_insn i;

	memset(&i, 0, sizeof i);
	i.op = (uint8_t)op;
	i.dst = (uint8_t)dst;
	i.src[0] = (uint8_t)s0;
	i.src[1] = (uint8_t)s1;
	i.src[2] = (uint8_t)s2;
	return i;
}

#define N GS_NOREG

static struct gs_insn gather(int dst, uint64_t base, const int *idx, int n)
{
	struct gs_insn i = ins(OP_GATHER, dst, N, N, N);

	i.addr = base;
	i.nidx = (uint8_t)n;
	for (int l = 0; l < n; l++)
		i.idx[l] = idx[l] < 0 ? GS_LANE_MASKED : (uint32_t)idx[l];
	return i;
}

static struct gs_insn vfma(int d, int a, int b)
{
	return ins(OP_FMA, d, d, a, b);
}

static struct gs_insn mload(int d, uint64_t maddr, uint32_t bytes)
{
	struct gs_insn i = ins(OP_MLOAD, d, N, N, N);

	i.maddr = maddr;
	i.bytes = bytes;
	return i;
}

/* Run and return the stats (copied); fails the test on an error. */
static struct gs_stats run_full(const struct gs_config *c, const struct gs_insn *in,
				size_t n, uint64_t repeat, const volatile sig_atomic_t *stop,
				int expect)
{
	struct array_src a = { in, n, 0, repeat };
	struct gs_source src = { &a, array_next, NULL, array_name };
	struct gs_err err = { { 0 } };
	struct machine *m = machine_new(c, &err);
	struct gs_stats st;
	int r;

	ck_assert_msg(m != NULL, "%s", err.msg);
	r = machine_run(m, &src, stop, &err);
	ck_assert_msg(r == expect, "machine_run = %d: %s", r, err.msg);
	st = *machine_stats(m);
	st.bank_reads = st.bank_writes = NULL;	/* freed with m */
	machine_free(m);
	return st;
}

static struct gs_stats run(const struct gs_config *c, const struct gs_insn *in, size_t n)
{
	return run_full(c, in, n, 1, NULL, 0);
}

#define V(st, s) ((st).v[s])

START_TEST(empty_trace)
{
	struct gs_config c;
	struct gs_stats st;

	tu_paper_machine(&c, "test");
	st = run(&c, NULL, 0);
	ck_assert(V(st, ST_CYCLES) == 0);
	ck_assert(V(st, ST_INSN_TOTAL) == 0);
}
END_TEST

static const int ident[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
static const int one_bank[8] = { 0, 8, 16, 24, 32, 40, 48, 56 };

/* N conflict-free gathers: N * cycles_per_pass + latency. */
START_TEST(conflict_free_gathers)
{
	struct gs_config c;
	struct gs_insn in[8];
	struct gs_stats st;

	tu_paper_machine(&c, "test");
	for (int i = 0; i < 8; i++)
		in[i] = gather(i, 64, ident, 8);
	st = run(&c, in, 8);
	ck_assert(V(st, ST_CYCLES) == 9);
	ck_assert(V(st, ST_GATHER_COUNT) == 8);
	ck_assert(V(st, ST_GATHER_PASSES) == 8);
	ck_assert(V(st, ST_GATHER_CONFLICTS) == 0);
	ck_assert(V(st, ST_CPI_ISSUE) == 8);
	ck_assert(V(st, ST_CPI_DRAIN) == 1);
	ck_assert(V(st, ST_SPM_WORD_READS) == 64);
}
END_TEST

/* Every lane in bank 0: 8 passes each; the second waits for the banks. */
START_TEST(fully_conflicting_gathers)
{
	struct gs_config c;
	struct gs_insn in[2];
	struct gs_stats st;

	tu_paper_machine(&c, "test");
	in[0] = gather(0, 0, one_bank, 8);
	in[1] = gather(1, 0, one_bank, 8);
	st = run(&c, in, 2);
	/* g0: start 0, end 8, ready 9; g1: issued 1, start 8, end 16, ready 17 */
	ck_assert(V(st, ST_CYCLES) == 17);
	ck_assert(V(st, ST_GATHER_PASSES) == 16);
	ck_assert(V(st, ST_GATHER_CONFLICTS) == 14);
	ck_assert(V(st, ST_CPI_ISSUE) == 2);
	ck_assert(V(st, ST_CPI_DRAIN) == 15);
	ck_assert(V(st, ST_SPM_BUSY) == 16);
}
END_TEST

/* A dependent fma waits for the gather; the stall splits by the gather's
** timeline: first pass and latency, extra passes. */
START_TEST(dependent_fma_stall_split)
{
	struct gs_config c;
	struct gs_insn in[2];
	struct gs_stats st;
	static const int two_in_bank0[2] = { 0, 8 };

	tu_paper_machine(&c, "test");
	in[0] = gather(1, 0, ident, 8);		/* ready 2 */
	in[1] = vfma(0, 1, 2);			/* issues 2, ready 6 */
	st = run(&c, in, 2);
	ck_assert(V(st, ST_CYCLES) == 6);
	ck_assert(V(st, ST_CPI_ISSUE) == 2);
	ck_assert(V(st, ST_CPI_SPM_LATENCY) == 1);
	ck_assert(V(st, ST_CPI_DRAIN) == 3);

	in[0] = gather(1, 0, two_in_bank0, 2);	/* 2 passes: end 2, ready 3 */
	st = run(&c, in, 2);
	ck_assert(V(st, ST_CYCLES) == 7);
	ck_assert(V(st, ST_CPI_BANK_CONFLICT) == 1);
	ck_assert(V(st, ST_CPI_SPM_LATENCY) == 1);
	ck_assert(V(st, ST_CPI_DRAIN) == 3);
	/* 2 active lanes of 8, times full-mask v2 */
	ck_assert(V(st, ST_LANE_ACTIVE) == 2);
	ck_assert(V(st, ST_LANE_SLOTS) == 8);
	ck_assert(V(st, ST_LANE_UTIL) == 0.25);
}
END_TEST

/* Queue of 2, 2 cycles per pass: the fourth gather waits for a slot. */
START_TEST(gse_queue_full)
{
	struct gs_config c;
	struct gs_insn in[4];
	struct gs_stats st;

	tu_paper_machine(&c, "test");
	c.gse.queue_depth = 2;
	c.gse.cycles_per_pass = 2;
	for (int i = 0; i < 4; i++)
		in[i] = gather(i, 0, ident, 8);
	st = run(&c, in, 4);
	/* starts 0, 2, 4, 6 (issues 0, 1, 2, 4); last ends 8, ready 9 */
	ck_assert(V(st, ST_CYCLES) == 9);
	ck_assert(V(st, ST_CPI_ISSUE) == 4);
	ck_assert(V(st, ST_CPI_GSE_QUEUE) == 1);
	ck_assert(V(st, ST_CPI_DRAIN) == 4);
	ck_assert(V(st, ST_GATHER_PASSES) == 4);
}
END_TEST

/* Without overlap a gather starts only when the previous one's data arrived. */
START_TEST(gse_no_overlap)
{
	struct gs_config c;
	struct gs_insn in[3];
	struct gs_stats st;

	tu_paper_machine(&c, "test");
	c.gse.overlap = 0;
	for (int i = 0; i < 3; i++)
		in[i] = gather(i, 0, ident, 8);
	st = run(&c, in, 3);
	/* starts 0, 2, 4 (each after the previous ready = end + 1) */
	ck_assert(V(st, ST_CYCLES) == 6);
}
END_TEST

START_TEST(alu_chain_and_issue_width)
{
	struct gs_config c;
	struct gs_insn in[3];
	struct gs_stats st;

	tu_paper_machine(&c, "test");
	for (int i = 0; i < 3; i++)
		in[i] = vfma(0, 1, 2);
	st = run(&c, in, 3);
	ck_assert(V(st, ST_CYCLES) == 12);
	ck_assert(V(st, ST_CPI_DEP_ALU) == 6);
	ck_assert(V(st, ST_CPI_DRAIN) == 3);

	/* two independent fmas, dual issue but one ALU pipe: cycles 0 and 1 */
	c.vector.issue_width = 2;
	in[0] = vfma(0, 1, 2);
	in[1] = vfma(3, 1, 2);
	st = run(&c, in, 2);
	ck_assert(V(st, ST_CYCLES) == 5);
	ck_assert(V(st, ST_CPI_ISSUE) == 2);
	/* two gathers dual-issue in cycle 0 and share the bank array */
	in[0] = gather(0, 0, ident, 8);
	in[1] = gather(1, 0, ident, 8);
	st = run(&c, in, 2);
	ck_assert(V(st, ST_CYCLES) == 3);
	ck_assert(V(st, ST_CPI_ISSUE) == 1);
	ck_assert(V(st, ST_CPI_DRAIN) == 2);
}
END_TEST

/* Streams at full rate: bytes / bandwidth + latency. */
START_TEST(memory_stream)
{
	struct gs_config c;
	struct gs_insn in[64];
	struct gs_stats st;

	tu_paper_machine(&c, "test");
	for (int i = 0; i < 64; i++)
		in[i] = mload(i % 32, 0x1000 + 16u * (unsigned)i, 16);
	st = run(&c, in, 64);
	ck_assert(V(st, ST_CYCLES) == 64 + 4);
	ck_assert(V(st, ST_MEM_LOAD_BYTES) == 1024);
	ck_assert(V(st, ST_MEM_BUSY) == 64);

	/* two 8-byte loads: byte slots [0,8) then [16,24) (t=1 starts at 16) */
	in[0] = mload(0, 0, 8);
	in[1] = mload(1, 8, 8);
	st = run(&c, in, 2);
	ck_assert(V(st, ST_CYCLES) == 6);

	/* narrow bandwidth: a 16-byte load takes 4 cycles on 4 B/cycle */
	c.memory.bandwidth_bytes_per_cycle = 4;
	in[0] = mload(0, 0, 16);
	in[1] = vfma(1, 0, 0);
	st = run(&c, in, 2);
	/* transfer 0..4, ready 8, fma 8..12 */
	ck_assert(V(st, ST_CYCLES) == 12);
	ck_assert(V(st, ST_CPI_MEM_BANDWIDTH) == 3);
	ck_assert(V(st, ST_CPI_MEM_LATENCY) == 4);
}
END_TEST

/* dma.in of 128 B, wait, vload (hand-worked in docs/model.md terms). */
START_TEST(dma_in_wait)
{
	struct gs_config c;
	struct gs_insn in[3];
	struct gs_stats st;

	tu_paper_machine(&c, "test");
	in[0] = ins(OP_DMA_IN, N, N, N, N);
	in[0].tag = 1;
	in[0].addr = 0;
	in[0].maddr = 0x1000;
	in[0].bytes = 128;
	in[1] = ins(OP_DMA_WAIT, N, N, N, N);
	in[1].tag = 1;
	in[2] = ins(OP_VLOAD, 0, N, N, N);
	st = run(&c, in, 3);
	/* chunks start at 100 and 104 (channel 4 cycles each), bank writes
	** 4 passes each: 104..108, 108..112; wait ends 112; vload 113..114, ready 115 */
	ck_assert(V(st, ST_CYCLES) == 115);
	ck_assert(V(st, ST_CPI_DMA_WAIT) == 111);
	ck_assert(V(st, ST_CPI_ISSUE) == 3);
	ck_assert(V(st, ST_CPI_DRAIN) == 1);
	ck_assert(V(st, ST_DMA_IN_BYTES) == 128);
	ck_assert(V(st, ST_DMA_PASSES) == 8);
	ck_assert(V(st, ST_SPM_WORD_WRITES) == 64);
}
END_TEST

/* A streamed load issued during a DMA takes its turn between chunks. */
START_TEST(dma_interleaves_with_streams)
{
	struct gs_config c;
	struct gs_insn in[4];
	struct gs_stats st;

	tu_paper_machine(&c, "test");
	c.memory.dma_latency = 0;
	in[0] = ins(OP_DMA_IN, N, N, N, N);
	in[0].tag = 7;
	in[0].bytes = 256;	/* 4 chunks of 64 B, 4 cycles each on the channel */
	in[1] = mload(1, 0x100, 16);	/* issued at 1: channel after chunk 0 (0..4): 4..5, ready 9 */
	in[2] = vfma(2, 1, 1);		/* 9..13 */
	in[3] = ins(OP_DMA_WAIT, N, N, N, N);
	in[3].tag = 7;
	st = run(&c, in, 4);
	/* chunks: 0..4, 5..9, 9..13, 13..17 on the channel; the last chunk's
	** 4 bank passes 17..21 → DMA done 21; dma.wait issues 21 */
	ck_assert(V(st, ST_CYCLES) == 22);
	ck_assert(V(st, ST_CPI_MEM_BANDWIDTH) + V(st, ST_CPI_MEM_LATENCY) == 7);
}
END_TEST

/* scatter.add with duplicate addresses: merged, or one access each. */
START_TEST(scatter_add_duplicates)
{
	struct gs_config c;
	struct gs_insn in[1];
	struct gs_stats st;
	static const int dup[8] = { 3, 3, 3, 3, 11, 0, 1, 2 };

	tu_paper_machine(&c, "test");
	in[0] = ins(OP_SCATTER_ADD, N, N, 0, N);
	in[0].nidx = 8;
	for (int l = 0; l < 8; l++)
		in[0].idx[l] = (uint32_t)dup[l];
	st = run(&c, in, 1);
	/* merge: bank 3 serves words 3 and 11 → 2 passes */
	ck_assert(V(st, ST_SCATTER_PASSES) == 2);
	ck_assert(V(st, ST_CYCLES) == 2);
	c.gse.scatter_same_address = SCATTER_DUP_SERIALIZE;
	st = run(&c, in, 1);
	/* serialize: bank 3 serves 4 + 1 accesses → 5 passes */
	ck_assert(V(st, ST_SCATTER_PASSES) == 5);
	ck_assert(V(st, ST_SCATTER_CONFLICTS) == 4);
	ck_assert(V(st, ST_CYCLES) == 5);
}
END_TEST

/* The issue's acceptance check: a 32-lane, 32-bank x 4 B machine fed random
** gathers reports gse.gather.passes equal to the hand rule (max distinct
** words in one bank, summed over gathers). */
START_TEST(random_gathers_hand_rule)
{
	struct gs_config c;
	enum { G = 2000 };
	struct gs_insn *in = calloc(G, sizeof *in);
	struct gs_stats st;
	uint64_t x = 12345, expect = 0;

	tu_paper_machine(&c, "test");
	c.vector.lanes = 32;
	c.vector.element_bytes = 4;
	c.scratchpad.banks = 32;
	c.scratchpad.bank_width_bytes = 4;
	c.scratchpad.size_kib = 48;
	ck_assert(in != NULL);
	for (int g = 0; g < G; g++) {
		int words[32];

		in[g] = ins(OP_GATHER, g % 32, N, N, N);
		in[g].nidx = 32;
		for (int l = 0; l < 32; l++) {
			x = x * 6364136223846793005u + 1442695040888963407u;
			words[l] = (int)((x >> 33) % 12288);	/* 48 KiB / 4 B */
			in[g].idx[l] = (uint32_t)words[l];
		}
		/* hand rule: distinct words per bank (multicast), max over banks */
		{
			int load[32] = { 0 }, maxload = 0;

			for (int l = 0; l < 32; l++) {
				int seen = 0;

				for (int k = 0; k < l; k++)
					seen |= words[k] == words[l];
				if (!seen && ++load[words[l] % 32] > maxload)
					maxload = load[words[l] % 32];
			}
			expect += (uint64_t)maxload;
		}
	}
	st = run(&c, in, G);
	ck_assert(V(st, ST_GATHER_COUNT) == G);
	ck_assert_msg(V(st, ST_GATHER_PASSES) == (double)expect, "passes %.0f, hand rule %llu",
		      V(st, ST_GATHER_PASSES), (unsigned long long)expect);
	free(in);
}
END_TEST

/* Same inputs → bit-identical stats (host.* excepted); the CPI stack sums. */
START_TEST(deterministic_and_cpi_sums)
{
	struct gs_config c;
	struct gs_insn in[6];
	struct gs_stats a, b;
	double sum = 0;

	tu_paper_machine(&c, "test");
	in[0] = mload(4, 0, 16);
	in[1] = mload(5, 16, 16);
	in[2] = gather(6, 0, one_bank, 5);
	in[3] = vfma(0, 4, 6);
	in[4] = ins(OP_REDUCE, 7, 0, N, N);
	in[5] = ins(OP_MSTORE, N, N, 7, N);
	in[5].bytes = 2;
	a = run_full(&c, in, 6, 50, NULL, 0);
	b = run_full(&c, in, 6, 50, NULL, 0);
	for (int s = 0; s < ST__COUNT; s++)
		if (!stat_is_host(s))
			ck_assert_msg(memcmp(&a.v[s], &b.v[s], sizeof a.v[s]) == 0, "%s differs",
				      stat_name(s));
	for (int s = ST_CPI_ISSUE; s <= ST_CPI_DRAIN; s++)
		sum += a.v[s];
	ck_assert(sum == a.v[ST_CYCLES]);
	ck_assert(a.v[ST_INSN_TOTAL] == 300);
}
END_TEST

/* A stop request ends the run early with consistent statistics. */
START_TEST(interrupted_run)
{
	struct gs_config c;
	struct gs_insn in[2];
	struct gs_stats st;
	static volatile sig_atomic_t stop = 1;

	tu_paper_machine(&c, "test");
	in[0] = gather(1, 0, ident, 8);
	in[1] = vfma(0, 1, 2);
	st = run_full(&c, in, 2, 1000000, &stop, 1);
	ck_assert(V(st, ST_INSN_TOTAL) > 0);
	ck_assert(V(st, ST_INSN_TOTAL) < 2000000);
}
END_TEST

Suite *machine_suite(void)
{
	Suite *s = suite_create("machine");
	TCase *tc = tcase_create("timing");

	tcase_add_test(tc, empty_trace);
	tcase_add_test(tc, conflict_free_gathers);
	tcase_add_test(tc, fully_conflicting_gathers);
	tcase_add_test(tc, dependent_fma_stall_split);
	tcase_add_test(tc, gse_queue_full);
	tcase_add_test(tc, gse_no_overlap);
	tcase_add_test(tc, alu_chain_and_issue_width);
	tcase_add_test(tc, memory_stream);
	tcase_add_test(tc, dma_in_wait);
	tcase_add_test(tc, dma_interleaves_with_streams);
	tcase_add_test(tc, scatter_add_duplicates);
	tcase_add_test(tc, random_gathers_hand_rule);
	tcase_add_test(tc, deterministic_and_cpi_sums);
	tcase_add_test(tc, interrupted_run);
	suite_add_tcase(s, tc);
	return s;
}
