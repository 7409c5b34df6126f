/*
** check_validation.c: the run invariants of docs/model.md ("Invariants
** checked at the end of every run") on many random machines and random
** instruction mixes: gathers, scatters, scatter.adds with masked lanes and
** duplicate words, vload/vstore/bcast, mload/mstore, DMA in and out with
** waits, ALU ops. Every run must complete (machine_run checks the
** invariants itself and fails the run on a broken one), and the test
** re-checks each invariant from the statistics and from what it generated:
** the cpi.* stack sums to cycles, passes >= accesses, lanes.active <=
** lanes.slots, bytes moved = bytes in the trace; plus exact instruction
** and lane counts, bank-array busy time, and determinism.
*/
#include <check.h>
#include <string.h>

#include "machine.h"

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t *s, uint64_t n)
{
	return splitmix64(s) % n;
}

struct array_src {
	const struct gs_insn *in;
	size_t n, pos;
};

static int array_next(void *ctx, struct gs_insn *out, struct gs_err *err)
{
	struct array_src *a = ctx;

	(void)err;
	if (a->pos >= a->n)
		return 0;
	*out = a->in[a->pos++];
	return 1;
}

/* A random valid machine (cfg_validate must accept it). */
static void random_config(struct gs_config *c, uint64_t *rng)
{
	static const int bank_counts[] = { 1, 2, 3, 4, 5, 8, 12, 16, 32, 64 };
	struct gs_err err = { { 0 } };

	cfg_defaults(c);
	c->vector.lanes = 1 + (int)below(rng, GS_MAX_LANES);
	c->vector.element_bytes = 1 << below(rng, 4);
	c->vector.registers = 4 + (int)below(rng, 61);
	c->vector.issue_width = 1 + (int)below(rng, 4);
	c->vector.alu_pipes = 1 + (int)below(rng, (uint64_t)c->vector.issue_width);
	c->vector.lat_fma = 1 + (int)below(rng, 8);
	c->vector.lat_add = 1 + (int)below(rng, 8);
	c->vector.lat_mul = 1 + (int)below(rng, 8);
	c->vector.lat_reduce = 1 + (int)below(rng, 8);
	c->vector.lat_broadcast = 1 + (int)below(rng, 4);
	c->scratchpad.banks = bank_counts[below(rng, sizeof bank_counts / sizeof bank_counts[0])];
	c->scratchpad.bank_width_bytes = 1 << below(rng, 5);
	/* size * 1024 is a multiple of banks * width (width divides 1024) */
	c->scratchpad.size_kib = c->scratchpad.banks * (1 + (int)below(rng, 4));
	c->scratchpad.ports_per_bank = 1 + (int)below(rng, 4);
	c->scratchpad.latency = (int)below(rng, 6);
	c->scratchpad.mapping = (c->scratchpad.banks & (c->scratchpad.banks - 1)) == 0 &&
					below(rng, 2) ? SPM_MAP_XOR : SPM_MAP_INTERLEAVE;
	c->gse.queue_depth = 1 + (int)below(rng, 8);
	c->gse.multicast = (int)below(rng, 2);
	c->gse.scatter_same_address = below(rng, 2) ? SCATTER_DUP_MERGE : SCATTER_DUP_SERIALIZE;
	c->gse.cycles_per_pass = 1 + (int)below(rng, 3);
	c->gse.overlap = (int)below(rng, 2);
	c->memory.bandwidth_bytes_per_cycle = 1 + (int)below(rng, 128);
	c->memory.load_latency = (int)below(rng, 31);
	c->memory.dma_latency = (int)below(rng, 201);
	c->memory.max_outstanding = 1 + (int)below(rng, 8);
	c->memory.dma_chunk_bytes = 1 + (int)below(rng, 256);
	c->memory.dma_queue_depth = 1 + (int)below(rng, 4);
	ck_assert_msg(cfg_validate(c, "random", &err) == 0, "%s", err.msg);
}

/* What the generator emitted, to compare with the statistics. */
struct tally {
	double insn[OP__COUNT];
	double gathers, gather_lanes, scatters, scatter_lanes;
	double load_bytes, store_bytes, dma_in, dma_out;
};

struct mix_src {
	const struct gs_config *c;
	uint64_t rng;
	long left;
	int hot;		/* indices crowd into few words: duplicates, conflicts */
	struct tally t;
};

static uint8_t reg(struct mix_src *m)
{
	return (uint8_t)below(&m->rng, (uint64_t)m->c->vector.registers);
}

static int mix_next(void *ctx, struct gs_insn *out, struct gs_err *err)
{
	struct mix_src *m = ctx;
	const struct gs_config *c = m->c;
	uint64_t eb = (uint64_t)c->vector.element_bytes;
	uint64_t spm = (uint64_t)c->scratchpad.size_kib * 1024;
	uint64_t elems = spm / eb, vbytes = (uint64_t)c->vector.lanes * eb;
	uint64_t r = below(&m->rng, 100);
	struct gs_insn *i = out;
	int active = 0;

	(void)err;
	if (m->left-- <= 0)
		return 0;
	memset(i, 0, sizeof *i);
	i->dst = i->src[0] = i->src[1] = i->src[2] = GS_NOREG;
	for (int l = 0; l < GS_MAX_LANES; l++)
		i->idx[l] = GS_LANE_MASKED;
	i->op = r < 25 ? OP_GATHER : r < 32 ? OP_SCATTER : r < 38 ? OP_SCATTER_ADD :
		r < 42 ? OP_VLOAD : r < 45 ? OP_VSTORE : r < 48 ? OP_BCAST :
		r < 58 ? OP_MLOAD : r < 62 ? OP_MSTORE : r < 72 ? OP_FMA :
		r < 76 ? OP_ADD : r < 80 ? OP_MUL : r < 83 ? OP_REDUCE :
		r < 89 ? OP_DMA_IN : r < 93 ? OP_DMA_OUT : OP_DMA_WAIT;
	switch (i->op) {
	case OP_GATHER:
	case OP_SCATTER:
	case OP_SCATTER_ADD:
		if (i->op == OP_GATHER)
			i->dst = reg(m);
		else
			i->src[1] = reg(m);
		if (below(&m->rng, 2))
			i->src[0] = reg(m);	/* index register */
		i->nidx = (uint8_t)below(&m->rng, (uint64_t)c->vector.lanes + 1);
		for (int l = 0; l < i->nidx; l++) {
			if (below(&m->rng, 4) == 0)
				continue;	/* masked */
			i->idx[l] = (uint32_t)below(&m->rng, m->hot ? (elems < 64 ? elems : 64) : elems);
			active++;
		}
		if (i->op == OP_GATHER) {
			m->t.gathers += active > 0;
			m->t.gather_lanes += active;
		} else {
			m->t.scatters += active > 0;
			m->t.scatter_lanes += active;
		}
		break;
	case OP_VLOAD:
	case OP_VSTORE:
	case OP_BCAST:
		if (i->op == OP_VSTORE)
			i->src[1] = reg(m);
		else
			i->dst = reg(m);
		i->addr = below(&m->rng, (spm - (i->op == OP_BCAST ? eb : vbytes)) / eb + 1) * eb;
		break;
	case OP_MLOAD:
	case OP_MSTORE:
		if (i->op == OP_MLOAD)
			i->dst = reg(m);
		else
			i->src[1] = reg(m);
		i->maddr = splitmix64(&m->rng) >> 20;
		i->bytes = (uint32_t)(1 + below(&m->rng, vbytes));
		*(i->op == OP_MLOAD ? &m->t.load_bytes : &m->t.store_bytes) += i->bytes;
		break;
	case OP_FMA:
		i->dst = i->src[0] = reg(m);
		i->src[1] = reg(m);
		i->src[2] = reg(m);
		break;
	case OP_ADD:
	case OP_MUL:
		i->dst = reg(m);
		i->src[0] = reg(m);
		i->src[1] = reg(m);
		break;
	case OP_REDUCE:
		i->dst = reg(m);
		i->src[0] = reg(m);
		break;
	case OP_DMA_IN:
	case OP_DMA_OUT:
		i->tag = (uint32_t)below(&m->rng, 4);
		i->bytes = (uint32_t)(1 + below(&m->rng, spm < 2048 ? spm : 2048));
		i->addr = below(&m->rng, spm - i->bytes + 1);	/* need not be aligned */
		i->maddr = splitmix64(&m->rng) >> 20;
		*(i->op == OP_DMA_IN ? &m->t.dma_in : &m->t.dma_out) += i->bytes;
		break;
	default:	/* OP_DMA_WAIT */
		i->tag = (uint32_t)below(&m->rng, 5);	/* tag 4: never used */
		break;
	}
	m->t.insn[i->op] += 1;
	return 1;
}

static const char *mix_name(void *ctx)
{
	(void)ctx;
	return "random mix";
}

static void run_mix(const struct gs_config *c, uint64_t seed, long n, int hot,
		    struct gs_stats *st, struct tally *t)
{
	struct mix_src mx = { c, seed, n, hot, { { 0 }, 0, 0, 0, 0, 0, 0, 0, 0 } };
	struct gs_source src = { &mx, mix_next, NULL, mix_name };
	struct gs_err err = { { 0 } };
	struct machine *m = machine_new(c, &err);
	int r;

	ck_assert_msg(m != NULL, "%s", err.msg);
	r = machine_run(m, &src, NULL, &err);
	ck_assert_msg(r == 0, "seed %llu: machine_run = %d: %s", (unsigned long long)seed, r,
		      err.msg);
	*st = *machine_stats(m);
	*t = mx.t;
	{
		double reads = 0, writes = 0;

		for (int b = 0; b < st->banks; b++) {
			reads += (double)st->bank_reads[b];
			writes += (double)st->bank_writes[b];
		}
		ck_assert(reads == st->v[ST_SPM_WORD_READS]);
		ck_assert(writes == st->v[ST_SPM_WORD_WRITES]);
	}
	st->bank_reads = st->bank_writes = NULL;
	machine_free(m);
}

static void check_run(const struct gs_config *c, const struct gs_stats *st,
		      const struct tally *t, uint64_t seed)
{
	const double *v = st->v;
	double cpi = 0, channel;

	/* cpi.* partition the cycles */
	for (int s = ST_CPI_ISSUE; s <= ST_CPI_DRAIN; s++) {
		ck_assert_msg(v[s] >= 0, "seed %llu: %s < 0", (unsigned long long)seed, stat_name(s));
		cpi += v[s];
	}
	ck_assert_msg(cpi == v[ST_CYCLES], "seed %llu: cpi sum %.0f, cycles %.0f",
		      (unsigned long long)seed, cpi, v[ST_CYCLES]);
	/* passes >= accesses with an active lane */
	ck_assert(v[ST_GATHER_COUNT] == t->gathers);
	ck_assert(v[ST_SCATTER_COUNT] == t->scatters);
	ck_assert(v[ST_GATHER_LANES] == t->gather_lanes);
	ck_assert(v[ST_SCATTER_LANES] == t->scatter_lanes);
	ck_assert(v[ST_GATHER_PASSES] >= v[ST_GATHER_COUNT]);
	ck_assert(v[ST_SCATTER_PASSES] >= v[ST_SCATTER_COUNT]);
	ck_assert(v[ST_GATHER_CONFLICTS] == v[ST_GATHER_PASSES] - v[ST_GATHER_COUNT]);
	/* lanes */
	ck_assert(v[ST_LANE_OPS] == t->insn[OP_FMA] + t->insn[OP_ADD] + t->insn[OP_MUL]);
	ck_assert(v[ST_LANE_SLOTS] == v[ST_LANE_OPS] * c->vector.lanes);
	ck_assert(v[ST_LANE_ACTIVE] <= v[ST_LANE_SLOTS]);
	/* bytes moved = bytes in the trace */
	ck_assert(v[ST_MEM_LOAD_BYTES] == t->load_bytes);
	ck_assert(v[ST_MEM_STORE_BYTES] == t->store_bytes);
	ck_assert(v[ST_DMA_IN_BYTES] == t->dma_in);
	ck_assert(v[ST_DMA_OUT_BYTES] == t->dma_out);
	channel = t->load_bytes + t->store_bytes + t->dma_in + t->dma_out;
	ck_assert(v[ST_MEM_BUSY] == channel / c->memory.bandwidth_bytes_per_cycle);
	ck_assert(v[ST_MEM_BUSY] <= v[ST_CYCLES]);
	/* instructions */
	for (int op = 0; op < OP__COUNT; op++)
		ck_assert_msg(v[ST_INSN_GATHER + op] == t->insn[op], "seed %llu: insn.%s",
			      (unsigned long long)seed, gs_op_class(op));
	/* the bank array serves one pass at a time */
	ck_assert(v[ST_SPM_BUSY] == (v[ST_GATHER_PASSES] + v[ST_SCATTER_PASSES]) *
					    c->gse.cycles_per_pass +
					    v[ST_CONTIG_PASSES] + v[ST_DMA_PASSES]);
	ck_assert(v[ST_SPM_BUSY] <= v[ST_CYCLES]);
	ck_assert(v[ST_CPI_ISSUE] * c->vector.issue_width >= v[ST_INSN_TOTAL]);
}

/* Many random machines, 3000 random instructions each, spread or crowded
** indices; each run twice, bit-identical. */
START_TEST(random_mixes_keep_invariants)
{
	for (uint64_t k = 0; k < 25; k++) {
		uint64_t seed = (uint64_t)_i * 25 + k, rng = seed * 7919 + 1;
		struct gs_config c;
		struct gs_stats a, b;
		struct tally ta, tb;

		random_config(&c, &rng);
		run_mix(&c, seed, 3000, (int)(seed & 1), &a, &ta);
		check_run(&c, &a, &ta, seed);
		run_mix(&c, seed, 3000, (int)(seed & 1), &b, &tb);
		for (int s = 0; s < ST__COUNT; s++)
			if (!stat_is_host(s))
				ck_assert_msg(a.v[s] == b.v[s], "seed %llu: %s differs between runs",
					      (unsigned long long)seed, stat_name(s));
	}
}
END_TEST

/* The minimal case the random mixes found (a broken timeline, caught by
** the sanitizers and, without them, by corrupted statistics): a bcast whose
** element covers two words of one bank needs 2 passes, and with a
** scratchpad latency its register's timeline has five segments (queue,
** first pass, conflict pass, latency, broadcast). Paper machine with one
** bank of 1 B: bcast at 0, passes 0-2, ready 2 + 1 + 1 = 4; the dependent
** add issues at 4, ready 6. Stall 1-4: bank_conflict, spm_latency, dep_alu. */
START_TEST(bcast_with_conflict_passes)
{
	struct gs_config c;
	struct gs_insn in[2];
	struct gs_stats st;
	struct tally t;

	cfg_defaults(&c);
	c.scratchpad.banks = 1;
	c.scratchpad.bank_width_bytes = 1;
	c.scratchpad.latency = 1;
	c.vector.element_bytes = 2;
	c.vector.lat_broadcast = 1;
	c.vector.lat_add = 2;
	memset(in, 0, sizeof in);
	in[0].op = OP_BCAST;
	in[0].dst = 1;
	in[0].src[0] = in[0].src[1] = in[0].src[2] = GS_NOREG;
	in[1].op = OP_ADD;
	in[1].dst = 2;
	in[1].src[0] = in[1].src[1] = 1;
	in[1].src[2] = GS_NOREG;
	{
		struct array_src a = { in, 2, 0 };
		struct gs_source src = { &a, array_next, NULL, mix_name };
		struct gs_err err = { { 0 } };
		struct machine *m = machine_new(&c, &err);

		ck_assert(m != NULL);
		ck_assert_msg(machine_run(m, &src, NULL, &err) == 0, "%s", err.msg);
		st = *machine_stats(m);
		st.bank_reads = st.bank_writes = NULL;
		machine_free(m);
	}
	ck_assert(st.v[ST_CONTIG_PASSES] == 2);
	ck_assert(st.v[ST_CYCLES] == 6);
	ck_assert(st.v[ST_CPI_ISSUE] == 2);
	ck_assert(st.v[ST_CPI_BANK_CONFLICT] == 1);
	ck_assert(st.v[ST_CPI_SPM_LATENCY] == 1);
	ck_assert(st.v[ST_CPI_DEP_ALU] == 1);
	ck_assert(st.v[ST_CPI_DRAIN] == 1);
	memset(&t, 0, sizeof t);
	t.insn[OP_BCAST] = t.insn[OP_ADD] = 1;
	check_run(&c, &st, &t, 0);
}
END_TEST

Suite *validation_suite(void)
{
	Suite *s = suite_create("validation");
	TCase *tc = tcase_create("invariants");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, bcast_with_conflict_passes);
	tcase_add_loop_test(tc, random_mixes_keep_invariants, 0, 8);
	suite_add_tcase(s, tc);
	return s;
}
