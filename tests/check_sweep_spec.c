/*
** check_sweep_spec.c: sweep specs (lab/sweep_spec.c, sweep_sources.c,
** sweep_point.c, point_set.c): point counts and order worked by hand,
** config names and canonical values, pattern/sparsity pairing, point keys
** equal to a hand-built point's, and every class of bad spec with its
** exact located message.
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep.h"
#include "testutil.h"

static char *dir;
static char spec_path[600];

static void setup(void)
{
	dir = tu_temp_dir();
	snprintf(spec_path, sizeof spec_path, "%s/s.yaml", dir);
}

static void teardown(void)
{
	char cmd[700];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(dir);
}

/* Write a spec: "BASE", "TRACE" and "TRACE2" in text become absolute
** paths of configs/default.yaml, traces/gather-strides.gst and
** traces/gather-conflict-free.gst. */
static void write_spec(const char *text)
{
	char cwd[512], out[8192];
	size_t o = 0;
	FILE *f;

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	for (const char *p = text; *p && o < sizeof out - 600;) {
		if (!strncmp(p, "BASE", 4)) {
			o += (size_t)snprintf(out + o, sizeof out - o, "%s/configs/default.yaml", cwd);
			p += 4;
		} else if (!strncmp(p, "TRACE2", 6)) {
			o += (size_t)snprintf(out + o, sizeof out - o,
					      "%s/traces/gather-conflict-free.gst", cwd);
			p += 6;
		} else if (!strncmp(p, "TRACE", 5)) {
			o += (size_t)snprintf(out + o, sizeof out - o, "%s/traces/gather-strides.gst",
					      cwd);
			p += 5;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	f = fopen(spec_path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(out, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The error of loading and checking the spec, without the spec's path. */
static const char *spec_error(const char *text)
{
	static struct gs_err err;
	struct sweep_spec *s = NULL;
	size_t n = strlen(spec_path);

	write_spec(text);
	if (sweep_load(&s, spec_path, &err) == 0) {
		int rc = sweep_check(s, &err);

		sweep_free(s);
		if (rc == 0)
			return "(no error)";
	}
	return strncmp(err.msg, spec_path, n) ? err.msg : err.msg + n;
}

#define EXPECT_ERR(text, want) ck_assert_str_eq(spec_error(text), want)
/* The message starts with head and contains part. */
#define EXPECT_IN(text, head, part) do { const char *m_ = spec_error(text); \
	ck_assert_msg(!strncmp(m_, head, strlen(head)) && strstr(m_, part), "got: %s", m_); \
} while (0)

static struct sweep_spec *load_ok(const char *text)
{
	struct sweep_spec *s = NULL;
	struct gs_err err;

	write_spec(text);
	ck_assert_msg(sweep_load(&s, spec_path, &err) == 0, "%s", err.msg);
	ck_assert_msg(sweep_check(s, &err) == 0, "%s", err.msg);
	return s;
}

/* grid banks x lanes (2 x 2), zip of two keys (2), minus one machine:
** 7 machines, innermost; two traces outermost: 14 points. */
START_TEST(test_order_and_names)
{
	struct sweep_spec *s = load_ok(
		"sweep: order\nbase: BASE\nset: {gse.multicast: false}\n"
		"grid:\n  scratchpad.banks: [8, 0x10]\n  vector.lanes: [8, 16]\n"
		"zip:\n  - {memory.load_latency: [4, 8], memory.dma_latency: [10, 20]}\n"
		"exclude:\n  - {scratchpad.banks: 16, vector.lanes: 16, memory.load_latency: 8}\n"
		"traces: [TRACE, TRACE2]\n");
	static const char *const names[7] = {
		"default[scratchpad.banks=8,vector.lanes=8,memory.load_latency=4,memory.dma_latency=10]",
		"default[scratchpad.banks=8,vector.lanes=8,memory.load_latency=8,memory.dma_latency=20]",
		"default[scratchpad.banks=8,vector.lanes=16,memory.load_latency=4,memory.dma_latency=10]",
		"default[scratchpad.banks=8,vector.lanes=16,memory.load_latency=8,memory.dma_latency=20]",
		"default[scratchpad.banks=16,vector.lanes=8,memory.load_latency=4,memory.dma_latency=10]",
		"default[scratchpad.banks=16,vector.lanes=8,memory.load_latency=8,memory.dma_latency=20]",
		"default[scratchpad.banks=16,vector.lanes=16,memory.load_latency=4,memory.dma_latency=10]",
	};
	struct sweep_point *p = malloc(sizeof *p);
	struct gs_err err;

	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(sweep_name(s), "order");
	ck_assert_int_eq(strlen(sweep_spec_hash(s)), 32);
	ck_assert_uint_eq(sweep_npoints(s), 14);
	for (size_t i = 0; i < 14; i++) {
		ck_assert_msg(sweep_point(s, i, p, &err) == 0, "%s", err.msg);
		ck_assert_uint_eq(p->index, i);
		ck_assert_str_eq(p->config_name, names[i % 7]);
		ck_assert_ptr_nonnull(strstr(p->src.trace, i < 7 ? "gather-strides" :
					     "gather-conflict-free"));
		ck_assert_ptr_null(p->workload);
		/* set keys first (not swept), then the four swept keys */
		ck_assert_int_eq(p->nkeys, 5);
		ck_assert_str_eq(p->key[0], "gse.multicast");
		ck_assert_str_eq(p->value[0], "false");
		ck_assert_int_eq(p->swept[0], 0);
		ck_assert_str_eq(p->key[1], "scratchpad.banks");
		ck_assert_int_eq(p->swept[1], 1);
		ck_assert_int_eq(p->cfg.gse.multicast, 0);
	}
	/* point 6: banks 0x10 is canonical 16; the zip advances together */
	ck_assert_int_eq(sweep_point(s, 6, p, &err), 0);
	ck_assert_str_eq(p->value[1], "16");
	ck_assert_int_eq(p->cfg.scratchpad.banks, 16);
	ck_assert_int_eq(p->cfg.vector.lanes, 16);
	ck_assert_int_eq(p->cfg.memory.load_latency, 4);
	ck_assert_int_eq(p->cfg.memory.dma_latency, 10);
	ck_assert_int_ne(sweep_point(s, 14, p, &err), 0);
	sweep_free(s);
	free(p);
}
END_TEST

/* A point's key is point_key() of the machine and source built by hand. */
START_TEST(test_key_of_hand_built_point)
{
	struct sweep_spec *s = load_ok(
		"sweep: k\nbase: BASE\ngrid: {scratchpad.banks: [16]}\n"
		"workloads: [gnmt:decoder.att_rnn.attn.linear_k]\npatterns: [gs-v]\n"
		"sparsities: [0.9]\nseeds: [7]\n");
	struct sweep_point *p = malloc(sizeof *p);
	struct point_source src = { .layer = "gnmt:decoder.att_rnn.attn.linear_k",
				    .pattern = "gs:V=8,h=1,B=8", .sparsity = 0.9, .seed = 7 };
	struct gs_config c;
	struct gs_err err;
	char want[POINT_KEY_HEX + 1];

	ck_assert_ptr_nonnull(p);
	cfg_defaults(&c);
	ck_assert_int_eq(cfg_load_file(&c, "configs/default.yaml", &err), 0);
	c.scratchpad.banks = 16;
	ck_assert_int_eq(point_key(&c, &src, want, &err), 0);
	ck_assert_int_eq(sweep_point(s, 0, p, &err), 0);
	ck_assert_str_eq(p->key_hex, want);
	ck_assert_str_eq(p->src.pattern, "gs:V=8,h=1,B=8");
	ck_assert_str_eq(p->pattern_text, "gs-v");
	ck_assert_str_eq(p->workload, "gnmt:decoder.att_rnn.attn.linear_k");
	ck_assert_str_eq(p->config_name, "default[scratchpad.banks=16]");
	/* another seed is another point */
	c.scratchpad.banks = 8;
	ck_assert_int_eq(point_key(&c, &src, want, &err), 0);
	ck_assert_str_ne(p->key_hex, want);
	sweep_free(s);
	free(p);
}
END_TEST

/* dense and nm:N:M have a sparsity of their own: one point each; the
** others one per sparsity. A whole network expands to its layers. */
START_TEST(test_pattern_sparsity_pairs)
{
	struct sweep_spec *s = load_ok(
		"sweep: pairs\nbase: BASE\n"
		"workloads: [gnmt:decoder.att_rnn.attn.linear_k, gnmt:decoder.att_rnn.attn.linear_q]\n"
		"patterns: [dense, nm:2:4, gs-v, unstructured]\nsparsities: [0.8, 0.9]\n"
		"seeds: [1, 2]\n");
	static const char *const pat[6] = { "dense", "nm:2:4", "gs:V=8,h=1,B=8",
		"gs:V=8,h=1,B=8", "unstructured", "unstructured" };
	static const double sp[6] = { 0, 0.5, 0.8, 0.9, 0.8, 0.9 };
	struct sweep_point *p = malloc(sizeof *p);
	struct gs_err err;

	ck_assert_ptr_nonnull(p);
	/* 2 layers x 6 (pattern, sparsity) x 2 seeds x 1 machine */
	ck_assert_uint_eq(sweep_npoints(s), 24);
	for (size_t i = 0; i < 24; i++) {
		ck_assert_int_eq(sweep_point(s, i, p, &err), 0);
		ck_assert_str_eq(p->src.pattern, pat[(i / 2) % 6]);
		ck_assert(p->src.sparsity == sp[(i / 2) % 6]);
		ck_assert_uint_eq(p->src.seed, 1 + i % 2);
		ck_assert_str_eq(p->workload, i < 12 ? "gnmt:decoder.att_rnn.attn.linear_k" :
				 "gnmt:decoder.att_rnn.attn.linear_q");
		ck_assert_str_eq(p->config_name, "default");
	}
	sweep_free(s);
	s = load_ok("sweep: net\nbase: BASE\nworkloads: [gnmt]\npatterns: [dense]\n");
	ck_assert_uint_gt(sweep_npoints(s), 10);
	sweep_free(s);
	free(p);
}
END_TEST

START_TEST(test_errors_located)
{
	EXPECT_ERR("sweep: a\nbase: BASE\ngrid:\n  scratchpad.bank: [8]\ntraces: [TRACE]\n",
		   ":4:3: scratchpad.bank: unknown key, did you mean scratchpad.banks? (expected "
		   "one of: size_kib, banks, bank_width_bytes, ports_per_bank, latency, mapping)");
	EXPECT_ERR("sweep: a\nbase: BASE\ngrid:\n  scratchpad.banks: [8, 0x8]\ntraces: [TRACE]\n",
		   ":4:25: scratchpad.banks: 8 given twice (first at line 4, column 22)");
	EXPECT_ERR("sweep: a\nbase: BASE\ngrid:\n  scratchpad.banks: 8\ntraces: [TRACE]\n",
		   ":4:21: scratchpad.banks: a scalar, not a list (expected [value, ...])");
	/* a rule between keys, for one combination: located at the value, point named */
	EXPECT_ERR("sweep: a\nbase: BASE\ngrid:\n  scratchpad.banks: [8, 12]\n"
		   "  scratchpad.mapping: [xor]\ntraces: [TRACE]\n",
		   ":5:24: scratchpad.mapping: xor needs scratchpad.banks to be a power of two, "
		   "not 12 (expected banks 1, 2, 4, 8, ... or mapping: interleave) (point 1, "
		   "default[scratchpad.banks=12,scratchpad.mapping=xor])");
	EXPECT_ERR("sweep: a\nbase: BASE\nzip:\n  - {scratchpad.banks: [8, 16], vector.lanes: [8]}\n"
		   "traces: [TRACE]\n",
		   ":4:47: vector.lanes: 1 values, but scratchpad.banks has 2 (expected lists of "
		   "one length: they advance together)");
	EXPECT_ERR("sweep: a\nbase: BASE\ngrid: {vector.lanes: [8, 16]}\nexclude:\n"
		   "  - {scratchpad.banks: 8}\ntraces: [TRACE]\n",
		   ":5:6: exclude: scratchpad.banks: not a key of grid or zip");
	EXPECT_ERR("sweep: a\nbase: BASE\ngrid: {vector.lanes: [8]}\nexclude:\n"
		   "  - {vector.lanes: 8}\ntraces: [TRACE]\n",
		   ": exclude removes every machine (no points left)");
	EXPECT_ERR("sweep: a\nbase: BASE\nset: {gse.multicast: true}\n"
		   "grid: {gse.multicast: [true]}\ntraces: [TRACE]\n",
		   ":4:8: gse.multicast: given twice (first at line 3)");
	EXPECT_ERR("sweep: a\nbase: BASE\ngrid: {name: [x]}\ntraces: [TRACE]\n",
		   ":3:8: name: not sweepable (a point is named after its swept keys)");
	EXPECT_ERR("sweep: a\nbase: BASE\nworkloads: [gnmt:nope]\npatterns: [gs-v]\n"
		   "sparsities: [0.9]\n",
		   ":3:13: workloads: gnmt:nope: no such layer (gssim workloads gnmt lists them)");
	EXPECT_ERR("sweep: a\nbase: BASE\nworkloads: [gnmt:decoder.att_rnn.attn.linear_k]\n"
		   "patterns: [gs-v]\nsparsities: [1.5]\n",
		   ":5:14: sparsities: 1.5: not a number in [0, 1)");
	EXPECT_ERR("sweep: a\nbase: BASE\nworkloads: [gnmt:decoder.att_rnn.attn.linear_k]\n"
		   "patterns: [gs-v]\n",
		   ":4:12: patterns: gs-v needs a sparsity (expected a sparsities: list)");
	/* a pattern that does not fit one point's lanes */
	EXPECT_ERR("sweep: a\nbase: BASE\ngrid: {vector.lanes: [8, 4]}\n"
		   "workloads: [gnmt:decoder.att_rnn.attn.linear_k]\npatterns: [gs:V=8]\n"
		   "sparsities: [0.9]\n",
		   ":5:12: patterns: GS(V=8, h=1) on a machine with 4 lanes: V must equal the "
		   "lane count and h divide it (point 1, default[vector.lanes=4])");
	/* paths relative to the spec's directory, shown resolved */
	EXPECT_IN("sweep: a\nbase: nothere.yaml\ntraces: [TRACE]\n", ":2:7: base: ",
		  "/nothere.yaml: cannot open: No such file or directory");
	EXPECT_IN("sweep: a\nbase: BASE\ntraces: [nothere.gst]\n", ":3:10: traces: ",
		  "/nothere.gst: cannot open: No such file or directory");
	EXPECT_IN("sweep: a\nbase: BASE\ntraces: [TRACE, TRACE]\n", ":3:",
		  "/traces/gather-strides.gst has the same contents as ");
	EXPECT_ERR("sweep: a\nbase: BASE\nset: &x {gse.multicast: true}\ntraces: [TRACE]\n",
		   ":3:6: alias/anchor not allowed (expected the value written out)");
	EXPECT_ERR("sweep: a\nbase: BASE\nsets: {gse.multicast: true}\n",
		   ":3:1: sets: unknown key (expected one of: sweep, base, set, grid, zip, "
		   "exclude, workloads, patterns, sparsities, seeds, batches, dist, variant, "
		   "traces)");
	EXPECT_ERR("sweep: a\nbase: BASE\n",
		   ": missing key workloads or traces (what the points run)");
	EXPECT_ERR("sweep: a\nbase: BASE\ntraces: [TRACE]\npatterns: [gs-v]\n",
		   ":3:9: traces: not with workloads, patterns, sparsities, seeds, batches, dist "
		   "or variant (a trace fixes its instructions)");
	EXPECT_ERR("sweep: a b\nbase: BASE\ntraces: [TRACE]\n",
		   ":1:8: sweep: a b: not a name (expected 1 to 63 of A-Z a-z 0-9 . _ -)");
	EXPECT_ERR("sweep: a\nbase: BASE\ngrid: {scratchpad.banks: [8}\n",
		   ":3:28: YAML syntax error: did not find expected ',' or ']' (while parsing a "
		   "flow sequence started at line 3, column 26)");
}
END_TEST

START_TEST(test_point_sets)
{
	struct point_set *ps;
	struct gs_err err;
	char *list = tu_write_temp(".txt", "2-3\n7\n");

	ck_assert_int_eq(point_set_parse(&ps, "0-2,5,8-", 10, &err), 0);
	for (size_t i = 0; i < 10; i++)
		ck_assert_int_eq(point_set_has(ps, i), i <= 2 || i == 5 || i >= 8);
	ck_assert_int_eq(point_set_has(ps, 10), 0);
	point_set_free(ps);
	{
		char at[600];

		snprintf(at, sizeof at, "@%s", list);
		ck_assert_int_eq(point_set_parse(&ps, at, 10, &err), 0);
		for (size_t i = 0; i < 10; i++)
			ck_assert_int_eq(point_set_has(ps, i), i == 2 || i == 3 || i == 7);
		point_set_free(ps);
	}
	ck_assert_int_ne(point_set_parse(&ps, "3-1", 10, &err), 0);
	ck_assert_str_eq(err.msg, "--points 3-1: byte 0: bad range (expected LO-HI with LO <= HI)");
	ck_assert_int_ne(point_set_parse(&ps, "0,10", 10, &err), 0);
	ck_assert_str_eq(err.msg, "--points 0,10: point 10: no such point (the sweep has 10, 0-9)");
	ck_assert_int_ne(point_set_parse(&ps, "1;2", 10, &err), 0);
	ck_assert_str_eq(err.msg, "--points 1;2: byte 1: unexpected ';'");
	ck_assert_int_ne(point_set_parse(&ps, "", 10, &err), 0);
	tu_remove_temp(list);
}
END_TEST

Suite *sweep_spec_suite(void)
{
	Suite *s = suite_create("sweep_spec");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_order_and_names);
	tcase_add_test(tc, test_key_of_hand_built_point);
	tcase_add_test(tc, test_pattern_sparsity_pairs);
	tcase_add_test(tc, test_errors_located);
	tcase_add_test(tc, test_point_sets);
	suite_add_tcase(s, tc);
	return s;
}
