/*
** check_gpu.c: GPU shared memory as a banked scratchpad. configs/gpu-smem.yaml
** must say what NVIDIA documents (32 lanes, 32 banks of 32-bit words,
** multicast), and every microbenchmark trace in traces/gpu/ must cost,
** gather by gather, the passes listed in traces/gpu/expected.tsv, which
** docs/validation.md derives from the CUDA C++ Programming Guide. The
** expected lists are also re-derived here from the traces by the rule and
** by the closed forms, so a wrong table cannot pass either.
*/
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "trace.h"

#define GPU_CONFIG "configs/gpu-smem.yaml"
#define GPU_DIR "traces/gpu/"
#define MAX_ROWS 64
#define MAX_GATHERS 4096

struct row {
	char trace[128], set[128];
	double total;
	int n;				/* gathers listed */
	int passes[MAX_GATHERS];
};

static struct row *rows_load(int *nrows)
{
	FILE *f = fopen(GPU_DIR "expected.tsv", "r");
	struct row *rows = calloc(MAX_ROWS, sizeof *rows);
	char line[65536];

	ck_assert_msg(f != NULL, GPU_DIR "expected.tsv: cannot open");
	ck_assert(rows != NULL);
	*nrows = 0;
	while (fgets(line, sizeof line, f)) {
		struct row *r = &rows[*nrows];
		char *save = NULL, *trace, *set, *total, *list, *src;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		ck_assert(*nrows < MAX_ROWS);
		trace = strtok_r(line, "\t", &save);
		set = strtok_r(NULL, "\t", &save);
		total = strtok_r(NULL, "\t", &save);
		list = strtok_r(NULL, "\t", &save);
		src = strtok_r(NULL, "\t\n", &save);
		ck_assert_msg(trace && set && total && list && src && strlen(src) > 10,
			      "expected.tsv row %d: need trace, set, total, passes, source",
			      *nrows + 1);
		snprintf(r->trace, sizeof r->trace, "%s", trace);
		snprintf(r->set, sizeof r->set, "%s", set);
		r->total = strtod(total, NULL);
		for (char *p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
			ck_assert(r->n < MAX_GATHERS);
			r->passes[r->n++] = atoi(p);
		}
		(*nrows)++;
	}
	fclose(f);
	return rows;
}

static void gpu_config(struct gs_config *c, const char *set)
{
	struct gs_err err = { { 0 } };

	cfg_defaults(c);
	ck_assert_msg(cfg_load_file(c, GPU_CONFIG, &err) == 0, "%s", err.msg);
	if (strcmp(set, "-") != 0)
		ck_assert_msg(cfg_set(c, set, &err) == 0, "%s", err.msg);
	ck_assert_msg(cfg_validate(c, GPU_CONFIG, &err) == 0, "%s", err.msg);
}

struct one_src {
	const struct gs_insn *in;
	int done;
};

static int one_next(void *ctx, struct gs_insn *out, struct gs_err *err)
{
	struct one_src *o = ctx;

	(void)err;
	if (o->done)
		return 0;
	*out = *o->in;
	o->done = 1;
	return 1;
}

static const char *one_name(void *ctx)
{
	(void)ctx;
	return "one gather";
}

static struct gs_stats run_src(const struct gs_config *c, struct gs_source *src)
{
	struct gs_err err = { { 0 } };
	struct machine *m = machine_new(c, &err);
	struct gs_stats st;
	int r;

	ck_assert_msg(m != NULL, "%s", err.msg);
	r = machine_run(m, src, NULL, &err);
	ck_assert_msg(r == 0, "machine_run = %d: %s", r, err.msg);
	st = *machine_stats(m);
	st.bank_reads = st.bank_writes = NULL;
	machine_free(m);
	return st;
}

/* The documented rule, independently of sim/spm.c: distinct 32-bit words
** per bank over the active lanes; the busiest bank's count. */
static int rule_passes(const struct gs_config *c, const struct gs_insn *in)
{
	uint64_t words[GS_MAX_LANES * 16];
	int load[1024] = { 0 }, nw = 0, maxl = 0;
	uint64_t eb = (uint64_t)c->vector.element_bytes;
	uint64_t bw = (uint64_t)c->scratchpad.bank_width_bytes;

	for (int l = 0; l < in->nidx; l++) {
		uint64_t a = in->addr + (uint64_t)in->idx[l] * eb;

		if (in->idx[l] == GS_LANE_MASKED)
			continue;
		for (uint64_t w = a / bw; w <= (a + eb - 1) / bw; w++) {
			int seen = 0;

			for (int j = 0; j < nw; j++)
				seen |= words[j] == w;
			if (seen)
				continue;
			words[nw++] = w;
			if (++load[w % (uint64_t)c->scratchpad.banks] > maxl)
				maxl = load[w % (uint64_t)c->scratchpad.banks];
		}
	}
	return maxl;
}

static int gcd(int a, int b)
{
	while (b) {
		int t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* Closed forms for the traces that have one (-1: none). */
static int closed_form(const char *trace, int g)
{
	if (!strcmp(trace, "stride4.gst"))
		return g ? gcd(g, 32) : 1;		/* g = stride */
	if (!strcmp(trace, "stride8.gst"))
		return g ? 2 * gcd(g, 16) : 1;
	if (!strcmp(trace, "kway.gst"))
		return g + 1;				/* k = g + 1 */
	if (!strcmp(trace, "gs-buckets.gst"))
		return 1;
	return -1;
}

/* What NVIDIA documents for compute capability 5.x and later. */
START_TEST(gpu_config_matches_documentation)
{
	struct gs_config c;

	gpu_config(&c, "-");
	ck_assert_int_eq(c.vector.lanes, 32);		/* a warp */
	ck_assert_int_eq(c.vector.element_bytes, 4);
	ck_assert_int_eq(c.scratchpad.banks, 32);
	ck_assert_int_eq(c.scratchpad.bank_width_bytes, 4);	/* 32-bit words */
	ck_assert_int_eq(c.scratchpad.ports_per_bank, 1);	/* one word per bank per cycle */
	ck_assert_int_eq(c.scratchpad.mapping, SPM_MAP_INTERLEAVE);
	ck_assert_int_eq(c.gse.multicast, 1);			/* broadcast of same-word reads */
	ck_assert_int_eq(c.gse.scatter_same_address, SCATTER_DUP_MERGE);	/* one write wins */
	ck_assert_int_eq(c.gse.cycles_per_pass, 1);
}
END_TEST

/* Every trace in traces/gpu/ has a row, every row a trace. */
START_TEST(every_gpu_trace_is_listed)
{
	int nrows, found;
	struct row *rows = rows_load(&nrows);
	glob_t g;

	ck_assert_int_ge(nrows, 8);
	ck_assert_int_eq(glob(GPU_DIR "*.gst", 0, NULL, &g), 0);
	ck_assert_int_eq((int)g.gl_pathc, nrows);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		found = 0;
		for (int r = 0; r < nrows; r++)
			found |= !strcmp(g.gl_pathv[i] + strlen(GPU_DIR), rows[r].trace);
		ck_assert_msg(found, "%s has no row in expected.tsv", g.gl_pathv[i]);
	}
	globfree(&g);
	free(rows);
}
END_TEST

/* Each gather alone on a fresh machine costs its listed passes (and the
** list agrees with the rule and the closed forms); the whole trace through
** the trace reader costs the listed total. */
START_TEST(gpu_traces_cost_expected_passes)
{
	int nrows;
	struct row *rows = rows_load(&nrows);

	for (int r = 0; r < nrows; r++) {
		struct row *w = &rows[r];
		struct gs_config c;
		struct gs_source src;
		struct gs_err err = { { 0 } };
		struct gs_insn in;
		struct gs_stats st;
		char path[256];
		int g = 0, active = 0, got;
		double sum = 0;

		snprintf(path, sizeof path, GPU_DIR "%s", w->trace);
		gpu_config(&c, w->set);
		ck_assert_msg(trace_open(&src, path, &c, &err) == 0, "%s", err.msg);
		while ((got = src.next(src.ctx, &in, &err)) == 1) {
			struct one_src one = { &in, 0 };
			struct gs_source s1 = { &one, one_next, NULL, one_name };

			ck_assert_int_eq(in.op, OP_GATHER);
			ck_assert_msg(g < w->n, "%s: more gathers than listed", w->trace);
			ck_assert_msg(rule_passes(&c, &in) == w->passes[g],
				      "%s gather %d: rule %d, listed %d", w->trace, g,
				      rule_passes(&c, &in), w->passes[g]);
			ck_assert(closed_form(w->trace, g) < 0 ||
				  closed_form(w->trace, g) == w->passes[g]);
			st = run_src(&c, &s1);
			ck_assert_msg(st.v[ST_GATHER_PASSES] == w->passes[g],
				      "%s gather %d (line %llu): machine %.0f passes, expected %d",
				      w->trace, g, (unsigned long long)in.line,
				      st.v[ST_GATHER_PASSES], w->passes[g]);
			sum += w->passes[g];
			active += w->passes[g] > 0;
			g++;
		}
		ck_assert_msg(got == 0, "%s", err.msg);
		src.close(src.ctx);
		ck_assert_int_eq(g, w->n);
		ck_assert(sum == w->total);

		ck_assert_msg(trace_open(&src, path, &c, &err) == 0, "%s", err.msg);
		st = run_src(&c, &src);
		src.close(src.ctx);
		ck_assert_msg(st.v[ST_GATHER_PASSES] == w->total, "%s: %.0f passes, expected %.0f",
			      w->trace, st.v[ST_GATHER_PASSES], w->total);
		ck_assert(st.v[ST_GATHER_COUNT] == active);
	}
	free(rows);
}
END_TEST

/* The documented facts, directly: a 32-bit stride-s warp access is a
** gcd(s,32)-way conflict (Programming Guide figure: strides 1 and 3
** conflict-free, stride 2 two-way), a broadcast is conflict-free. */
START_TEST(documented_examples)
{
	static const struct {
		int stride, passes;
	} ex[] = { { 1, 1 }, { 2, 2 }, { 3, 1 }, { 32, 32 }, { 0, 1 } };
	struct gs_config c;

	gpu_config(&c, "-");
	for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
		struct gs_insn in;
		struct one_src one = { &in, 0 };
		struct gs_source s1 = { &one, one_next, NULL, one_name };
		struct gs_stats st;

		memset(&in, 0, sizeof in);
		in.op = OP_GATHER;
		in.dst = 1;
		in.src[0] = in.src[1] = in.src[2] = GS_NOREG;
		in.nidx = 32;
		for (int l = 0; l < GS_MAX_LANES; l++)
			in.idx[l] = l < 32 ? (uint32_t)(l * ex[i].stride) : GS_LANE_MASKED;
		st = run_src(&c, &s1);
		ck_assert_int_eq((int)st.v[ST_GATHER_PASSES], ex[i].passes);
		/* one transaction per pass, then the (assumed) latency */
		ck_assert(st.v[ST_CYCLES] == ex[i].passes + c.scratchpad.latency);
	}
}
END_TEST

Suite *gpu_suite(void)
{
	Suite *s = suite_create("gpu");
	TCase *tc = tcase_create("smem");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, gpu_config_matches_documentation);
	tcase_add_test(tc, every_gpu_trace_is_listed);
	tcase_add_test(tc, gpu_traces_cost_expected_passes);
	tcase_add_test(tc, documented_examples);
	suite_add_tcase(s, tc);
	return s;
}
