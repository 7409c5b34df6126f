/*
** check_closedform.c: the timing model (docs/model.md) against closed forms
** derived in docs/validation.md, always through machine_run: streams of
** conflict-free gathers (with and without a dependent fma chain), strided
** gathers (the gcd rule), random gathers against the exact expectation of
** sim/bankmath.c (itself checked in check_bankmath.c), streamed loads and
** stores, duplicate-address scatters.
*/
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bankmath.h"
#include "machine.h"
#include "testutil.h"

#define N GS_NOREG


/* splitmix64: the tests' own seeded generator (never rand()). */
static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t *s, uint64_t n)
{
	return splitmix64(s) % n;	/* bias < n / 2^64: irrelevant here */
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

static const char *src_name(void *ctx)
{
	(void)ctx;
	return "closedform";
}

static struct gs_stats run_src(const struct gs_config *c, struct gs_source *src)
{
	struct gs_err err = { { 0 } };
	struct machine *m = machine_new(c, &err);
	struct gs_stats st;
	double cpi = 0;
	int r;

	ck_assert_msg(m != NULL, "%s", err.msg);
	r = machine_run(m, src, NULL, &err);
	ck_assert_msg(r == 0, "machine_run = %d: %s", r, err.msg);
	st = *machine_stats(m);
	st.bank_reads = st.bank_writes = NULL;	/* freed with m */
	machine_free(m);
	for (int s = ST_CPI_ISSUE; s <= ST_CPI_DRAIN; s++)
		cpi += st.v[s];
	ck_assert(cpi == st.v[ST_CYCLES]);
	return st;
}

static struct gs_stats run(const struct gs_config *c, const struct gs_insn *in, size_t n)
{
	struct array_src a = { in, n, 0 };
	struct gs_source src = { &a, array_next, NULL, src_name };

	return run_src(c, &src);
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
	for (int l = 0; l < GS_MAX_LANES; l++)
		i.idx[l] = GS_LANE_MASKED;
	return i;
}

/* A gather (op OP_GATHER) or scatter (OP_SCATTER*) of n lanes; idx < 0 masks. */
static struct gs_insn gs_access(int op, int reg, const long *idx, int n)
{
	struct gs_insn i = op == OP_GATHER ? ins(op, reg, N, N, N) : ins(op, N, N, reg, N);

	i.nidx = (uint8_t)n;
	for (int l = 0; l < n; l++)
		i.idx[l] = idx[l] < 0 ? GS_LANE_MASKED : (uint32_t)idx[l];
	return i;
}

#define V(st, s) ((st).v[s])

/* ---- closed forms through the machine ---- */

/* N conflict-free gathers cost N * cycles_per_pass + latency: the bank
** array never idles (gather i issues at i <= i * cpp, whatever the queue
** depth), and the last one's data arrives latency cycles after its pass. */
START_TEST(conflict_free_gather_streams)
{
	static const long ident[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	static const long counts[] = { 1, 2, 5, 64, 1000 };
	static const int depths[] = { 1, 2, 4, 16 };
	struct gs_insn *in = malloc(1000 * sizeof *in);
	struct gs_config c;

	ck_assert(in != NULL);
	for (int i = 0; i < 1000; i++)
		in[i] = gs_access(OP_GATHER, i % 32, ident, 8);
	for (size_t ni = 0; ni < sizeof counts / sizeof counts[0]; ni++) {
		for (int cpp = 1; cpp <= 3; cpp++) {
			for (int lat = 0; lat <= 3; lat++) {
				for (size_t d = 0; d < sizeof depths / sizeof depths[0]; d++) {
					long n = counts[ni];
					struct gs_stats st;

					tu_paper_machine(&c, "closedform");
					c.gse.cycles_per_pass = cpp;
					c.scratchpad.latency = lat;
					c.gse.queue_depth = depths[d];
					st = run(&c, in, (size_t)n);
					ck_assert_msg(V(st, ST_CYCLES) == (double)(n * cpp + lat),
						      "N=%ld cpp=%d lat=%d q=%d: %.0f cycles", n, cpp,
						      lat, depths[d], V(st, ST_CYCLES));
					ck_assert(V(st, ST_GATHER_PASSES) == (double)n);
					ck_assert(V(st, ST_GATHER_CONFLICTS) == 0);
					ck_assert(V(st, ST_SPM_BUSY) == (double)(n * cpp));
				}
			}
		}
	}
	free(in);
}
END_TEST

/* N gathers into v1..vN, then fma v0 += v(1+i) * v31 for each: gathers
** issue at 0..N-1 (queue deep enough), gather i is ready at (i+1)c + L, and
** fma i issues at f_i = max(f_{i-1} + F, (i+1)c + L) with f_0 =
** max(N, c + L). For F >= c the chain binds: cycles = max(N, c+L) + N*F. */
START_TEST(gathers_then_fma_chain)
{
	static const long ident[8] = { 7, 6, 5, 4, 3, 2, 1, 0 };
	static const int ns[] = { 1, 3, 8, 30 };
	struct gs_insn in[60];
	struct gs_config c;

	for (size_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++) {
		int n = ns[ni];

		for (int i = 0; i < n; i++) {
			in[i] = gs_access(OP_GATHER, 1 + i, ident, 8);
			in[n + i] = ins(OP_FMA, 0, 0, 1 + i, 31);
		}
		for (int cpp = 1; cpp <= 3; cpp++) {
			for (int lat = 0; lat <= 3; lat++) {
				for (int f = 4; f <= 6; f += 2) {
					long first = n > cpp + lat ? n : cpp + lat;
					struct gs_stats st;

					tu_paper_machine(&c, "closedform");
					c.gse.cycles_per_pass = cpp;
					c.scratchpad.latency = lat;
					c.gse.queue_depth = 32;
					c.vector.lat_fma = f;
					st = run(&c, in, (size_t)(2 * n));
					ck_assert_msg(V(st, ST_CYCLES) == (double)(first + (long)n * f),
						      "N=%d c=%d L=%d F=%d: %.0f cycles", n, cpp, lat,
						      f, V(st, ST_CYCLES));
					ck_assert(V(st, ST_CPI_ISSUE) == 2.0 * n);
				}
			}
		}
	}
}
END_TEST

/* Stride s on B one-element-wide banks: passes = ceil(V gcd(s,B) / B);
** stride 0 is 1 pass with multicast, V without. One machine per gather,
** so cycles = passes + latency is checked too. */
START_TEST(strided_gathers_gcd_rule)
{
	static const int vb[][3] = { { 8, 8, 64 }, { 8, 16, 64 }, { 16, 16, 64 }, { 32, 32, 64 },
				     { 16, 8, 64 }, { 32, 8, 64 }, { 8, 12, 48 }, { 24, 16, 64 },
				     { 64, 32, 64 } };
	struct gs_config c;

	for (size_t k = 0; k < sizeof vb / sizeof vb[0]; k++) {
		for (int mc = 0; mc <= 1; mc++) {
			double want_sum = 0;
			struct gs_insn all[66];
			struct gs_stats st;

			tu_paper_machine(&c, "closedform");
			c.vector.lanes = vb[k][0];
			c.scratchpad.banks = vb[k][1];
			c.scratchpad.size_kib = vb[k][2];
			c.gse.multicast = mc;
			for (long s = 0; s <= 65; s++) {
				long idx[GS_MAX_LANES];
				uint32_t want = bankmath_stride_passes(vb[k][0], vb[k][1],
								       (uint64_t)s, mc);

				for (int l = 0; l < vb[k][0]; l++)
					idx[l] = l * s;
				all[s] = gs_access(OP_GATHER, (int)(s % 32), idx, vb[k][0]);
				st = run(&c, &all[s], 1);
				ck_assert_msg(V(st, ST_GATHER_PASSES) == want,
					      "V=%d B=%d s=%ld mc=%d: %.0f passes, expected %u",
					      vb[k][0], vb[k][1], s, mc, V(st, ST_GATHER_PASSES), want);
				ck_assert(V(st, ST_CYCLES) == want + 1.0);
				want_sum += want;
			}
			st = run(&c, all, 66);
			ck_assert(V(st, ST_GATHER_PASSES) == want_sum);
			ck_assert(V(st, ST_SPM_BUSY) == want_sum);
		}
	}
}
END_TEST

/* Gathers of V distinct words drawn uniformly from the whole scratchpad. */
struct random_src {
	uint64_t rng;
	int lanes;
	uint32_t words;
	long left;
};

static int random_next(void *ctx, struct gs_insn *out, struct gs_err *err)
{
	struct random_src *r = ctx;
	long idx[GS_MAX_LANES];

	(void)err;
	if (r->left-- <= 0)
		return 0;
	for (int l = 0; l < r->lanes; l++) {
		int dup;

		do {	/* rejection: distinct words */
			idx[l] = (long)below(&r->rng, r->words);
			dup = 0;
			for (int j = 0; j < l; j++)
				dup |= idx[j] == idx[l];
		} while (dup);
	}
	*out = gs_access(OP_GATHER, (int)(r->left % 32), idx, r->lanes);
	return 1;
}

/* The mean passes over 20000 random gathers equal the exact expectation of
** ceil(busiest bank / ports) within 1% (the standard error is ~0.2%). */
START_TEST(random_gathers_match_exact_expectation)
{
	static const int cases[][4] = {	/* lanes, banks, ports, seed */
		{ 8, 8, 1, 1 }, { 8, 16, 1, 2 }, { 16, 16, 1, 3 }, { 4, 4, 1, 4 },
		{ 32, 32, 1, 5 }, { 8, 8, 2, 6 }, { 16, 8, 3, 7 }, { 64, 16, 4, 8 },
	};
	const int *k = cases[_i];
	const long samples = 20000;
	struct gs_config c;
	struct random_src r;
	struct gs_source src = { &r, random_next, NULL, src_name };
	struct gs_stats st;
	long double want;
	double mean;
	uint64_t words_per_bank;

	tu_paper_machine(&c, "closedform");
	c.vector.lanes = k[0];
	c.scratchpad.banks = k[1];
	c.scratchpad.ports_per_bank = k[2];
	words_per_bank = (uint64_t)c.scratchpad.size_kib * 1024 /
			 (uint64_t)c.scratchpad.bank_width_bytes / (uint64_t)k[1];
	r = (struct random_src){ (uint64_t)k[3], k[0],
				 (uint32_t)(words_per_bank * (uint64_t)k[1]), samples };
	st = run_src(&c, &src);
	ck_assert(V(st, ST_GATHER_COUNT) == samples);
	mean = V(st, ST_GATHER_PASSES) / (double)samples;
	ck_assert_int_eq(bankmath_expected_passes(k[0], k[1], words_per_bank, k[2], &want, NULL), 0);
	ck_assert_msg(fabs(mean - (double)want) <= 0.01 * (double)want,
		      "V=%d B=%d ports=%d: mean %.4f, exact %.4Lf", k[0], k[1], k[2], mean, want);
}
END_TEST

/* K mloads of b bytes: the channel never idles when the front-end issues at
** least B bytes per cycle (issue_width * b >= B) and enough registers and
** stream slots cover the latency, so the last byte crosses at ceil(K b / B)
** and the data is ready L later. Stores: ceil(K b / B), no latency. */
START_TEST(streamed_loads_full_rate)
{
	static const int bws[] = { 1, 3, 16, 64, 100, 512 };
	static const int sizes[] = { 1, 3, 16, 100, 512 };
	static const int counts[] = { 1, 7, 300 };
	static const int lats[] = { 0, 4, 20 };
	struct gs_insn *in = malloc(300 * sizeof *in);
	struct gs_config c;
	int checked = 0;

	ck_assert(in != NULL);
	for (size_t bi = 0; bi < sizeof bws / sizeof bws[0]; bi++) {
		for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
			int bw = bws[bi], b = sizes[si], w = (bw + b - 1) / b;

			if (w > 8)
				continue;	/* the front-end cannot feed the channel */
			for (size_t ki = 0; ki < sizeof counts / sizeof counts[0]; ki++) {
				for (size_t li = 0; li < sizeof lats / sizeof lats[0]; li++) {
					long k = counts[ki], bytes = k * b;
					long xfer = (bytes + bw - 1) / bw;
					struct gs_stats st;

					tu_paper_machine(&c, "closedform");
					c.vector.lanes = 64;
					c.vector.element_bytes = 8;
					c.vector.registers = 255;
					c.vector.issue_width = w;
					c.memory.bandwidth_bytes_per_cycle = bw;
					c.memory.load_latency = lats[li];
					c.memory.max_outstanding = 1024;
					for (long i = 0; i < k; i++) {
						in[i] = ins(OP_MLOAD, (int)(i % 255), N, N, N);
						in[i].maddr = (uint64_t)(i * b);
						in[i].bytes = (uint32_t)b;
					}
					st = run(&c, in, (size_t)k);
					ck_assert_msg(V(st, ST_CYCLES) == (double)(xfer + lats[li]),
						      "mload K=%ld b=%d B=%d L=%d w=%d: %.0f cycles",
						      k, b, bw, lats[li], w, V(st, ST_CYCLES));
					ck_assert(V(st, ST_MEM_LOAD_BYTES) == (double)bytes);
					ck_assert(V(st, ST_MEM_BUSY) == (double)bytes / bw);
					for (long i = 0; i < k; i++) {
						in[i].op = OP_MSTORE;
						in[i].src[1] = in[i].dst;
						in[i].dst = N;
					}
					st = run(&c, in, (size_t)k);
					ck_assert_msg(V(st, ST_CYCLES) == (double)xfer,
						      "mstore K=%ld b=%d B=%d: %.0f cycles", k, b, bw,
						      V(st, ST_CYCLES));
					checked++;
				}
			}
		}
	}
	ck_assert_int_ge(checked, 150);
	free(in);
}
END_TEST

/* Passes by the rule of docs/model.md, counted the slow obvious way: the
** words each active lane's element covers; shared words once if share. */
static uint32_t rule_passes(const struct gs_config *c, const long *idx, int n, int share)
{
	uint64_t words[GS_MAX_LANES * 8];
	uint32_t load[1024] = { 0 }, maxl = 0;
	uint64_t eb = (uint64_t)c->vector.element_bytes;
	uint64_t bw = (uint64_t)c->scratchpad.bank_width_bytes;
	uint64_t banks = (uint64_t)c->scratchpad.banks;
	int nw = 0;

	for (int l = 0; l < n; l++) {
		uint64_t a = (uint64_t)idx[l] * eb;

		if (idx[l] < 0)
			continue;
		for (uint64_t w = a / bw; w <= (a + eb - 1) / bw; w++) {
			int seen = 0;

			for (int j = 0; j < nw; j++)
				seen |= words[j] == w;
			if (seen && share)
				continue;
			words[nw++] = w;
			if (++load[w % banks] > maxl)
				maxl = load[w % banks];
		}
	}
	return (maxl + (uint32_t)c->scratchpad.ports_per_bank - 1) /
	       (uint32_t)c->scratchpad.ports_per_bank;
}

/* k lanes on one word: 1 pass with merge (multicast for gathers), k
** without; then random mixes with many duplicates against the rule. */
START_TEST(duplicate_addresses_serialise_as_configured)
{
	static const int ops[] = { OP_SCATTER_ADD, OP_SCATTER, OP_GATHER };
	struct gs_config c;
	struct gs_insn in[200];
	uint64_t rng = 99;

	for (size_t o = 0; o < 3; o++) {
		for (int share = 0; share <= 1; share++) {
			double want = 0;
			struct gs_stats st;
			int stat = ops[o] == OP_GATHER ? ST_GATHER_PASSES : ST_SCATTER_PASSES;

			tu_paper_machine(&c, "closedform");
			if (ops[o] == OP_GATHER)
				c.gse.multicast = share;
			else
				c.gse.scatter_same_address = share ? SCATTER_DUP_MERGE
								   : SCATTER_DUP_SERIALIZE;
			for (int k = 1; k <= 8; k++) {
				long idx[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };

				for (int l = 0; l < k; l++)
					idx[l] = 40;
				in[0] = gs_access(ops[o], 1, idx, 8);
				st = run(&c, in, 1);
				ck_assert_msg(V(st, stat) == (share ? 1 : k), "op %d share %d k %d",
					      ops[o], share, k);
			}
			/* Mixed: 200 accesses over 24 words (dups, conflicts, masks),
			** on 8 banks x 2 B and on 8 banks x 4 B with 2-byte elements. */
			for (int wide = 0; wide <= 1; wide++) {
				c.scratchpad.bank_width_bytes = wide ? 4 : 2;
				want = 0;
				for (int i = 0; i < 200; i++) {
					long idx[8];

					for (int l = 0; l < 8; l++)
						idx[l] = below(&rng, 5) == 0 ? -1 : (long)below(&rng, 24);
					in[i] = gs_access(ops[o], 1 + i % 30, idx, 8);
					want += rule_passes(&c, idx, 8, share);
				}
				st = run(&c, in, 200);
				ck_assert_msg(V(st, stat) == want, "op %d share %d wide %d: %.0f vs %.0f",
					      ops[o], share, wide, V(st, stat), want);
			}
		}
	}
}
END_TEST

Suite *closedform_suite(void)
{
	Suite *s = suite_create("closedform");
	TCase *tc = tcase_create("machine");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, conflict_free_gather_streams);
	tcase_add_test(tc, gathers_then_fma_chain);
	tcase_add_test(tc, strided_gathers_gcd_rule);
	tcase_add_loop_test(tc, random_gathers_match_exact_expectation, 0, 8);
	tcase_add_test(tc, streamed_loads_full_rate);
	tcase_add_test(tc, duplicate_addresses_serialise_as_configured);
	suite_add_tcase(s, tc);
	return s;
}
