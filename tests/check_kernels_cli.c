/*
** check_kernels_cli.c: the kernels' commands end to end through the
** binary: a NumPy-written .npy round-trips prune -> inspect -> gen -> run
** with the same cycles as the in-process run; GS layers gather without
** conflicts on machines with B >= V; bad weights and corrupt .gsf files get
** located errors; whole networks record one run per layer.
*/
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gsf_int.h"
#include "testutil.h"

static char *tmp_path(const char *name)
{
	char *dir = tu_temp_dir();
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	ck_assert(p != NULL);
	snprintf(p, n, "%s/%s", dir, name);
	free(dir);
	return p;
}

static double stat_of(const char *db, long run, const char *name)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	double v = -1;

	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert(sqlite3_prepare_v2(h, "SELECT value FROM stats WHERE run_id = ? AND name = ?", -1,
				     &st, NULL) == SQLITE_OK);
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static double query(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	double v = -1;

	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK, "%s", sql);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

#define RUN_OK(...) do { \
	const char *argv_[] = { __VA_ARGS__, NULL }; \
	char *out_ = NULL; \
	int rc_ = tu_run_gssim(argv_, &out_); \
	ck_assert_msg(rc_ == 0, "gssim %s: exit %d\n%s", argv_[0], rc_, out_); \
	free(out_); \
} while (0)

/* np.save output (tests/data, written by NumPy 1.24) through the whole chain. */
START_TEST(npy_prune_inspect_gen_run_round_trip)
{
	char *gsf = tmp_path("fc.gsf"), *trace = tmp_path("fc.gst"), *db = tmp_path("r.db");
	char *out = NULL;
	const char *prune[] = { "prune", "--weights", "tests/data/fc_64x128_f32.npy", "--pattern",
				"gs-v", "--sparsity", "0.75", "-o", gsf, NULL };
	const char *inspect[] = { "inspect", gsf, NULL };

	ck_assert_int_eq(tu_run_gssim(prune, &out), 0);
	ck_assert_msg(strstr(out, "GS conformance: ok") && strstr(out, "64 x 128"), "%s", out);
	free(out);
	ck_assert_int_eq(tu_run_gssim(inspect, &out), 0);
	ck_assert_msg(strstr(out, "64") && strstr(out, "128"), "%s", out);
	free(out);
	RUN_OK("gen", "--gsf", gsf, "--config", "configs/default.yaml", "-o", trace);
	RUN_OK("run", "--config", "configs/default.yaml", "--trace", trace, "--db", db, "-q");
	RUN_OK("run", "--config", "configs/default.yaml", "--gsf", gsf, "--db", db, "-q");
	RUN_OK("run", "--config", "configs/default.yaml", "--weights",
	       "tests/data/fc_64x128_f32.npy", "--pattern", "gs-v", "--sparsity", "0.75", "--db",
	       db, "-q");
	/* a trace file, the .gsf in process and the .npy in process: same cycles */
	ck_assert(stat_of(db, 1, "cycles") > 0);
	ck_assert(stat_of(db, 1, "cycles") == stat_of(db, 2, "cycles"));
	ck_assert(stat_of(db, 2, "cycles") == stat_of(db, 3, "cycles"));
	ck_assert(stat_of(db, 3, "gse.gather.conflicts") == 0);
	ck_assert(stat_of(db, 3, "lanes.utilisation") == 1);
	tu_remove_temp(gsf);
	tu_remove_temp(trace);
	tu_remove_temp(db);
}
END_TEST

/* fp16 OIHW conv weights need the layer geometry; a wrong shape is refused. */
START_TEST(conv_weights_need_matching_layer)
{
	char *out = NULL, *db = tmp_path("r.db");
	const char *no_layer[] = { "run", "--config", "configs/default.yaml", "--weights",
				   "tests/data/conv_16x8x3x3_f16.npy", "--pattern", "gs-v",
				   "--sparsity", "0.5", "--db", db, NULL };
	const char *mismatch[] = { "run", "--config", "configs/default.yaml", "--weights",
				   "tests/data/conv_16x8x3x3_f16.npy", "--workload",
				   "resnet50:layer1.0.conv2", "--pattern", "gs-v", "--sparsity", "0.5",
				   "--db", db, NULL };

	ck_assert_int_eq(tu_run_gssim(no_layer, &out), 2);
	ck_assert_msg(strstr(out, "4-D weights need --workload"), "%s", out);
	free(out);
	ck_assert_int_eq(tu_run_gssim(mismatch, &out), 2);
	ck_assert_msg(strstr(out, "shape does not match resnet50:layer1.0.conv2"), "%s", out);
	free(out);
	ck_assert(access(db, F_OK) != 0 || query(db, "SELECT count(*) FROM runs") == 0);
	tu_remove_temp(db);
}
END_TEST

START_TEST(bad_weight_files_are_located)
{
	static const char *const bad[] = { "tests/data/bad_f64.npy", "tests/data/bad_fortran.npy" };

	for (int i = 0; i < 2; i++) {
		char *gsf = tmp_path("x.gsf"), *out = NULL;
		const char *argv[] = { "prune", "--weights", bad[i], "--pattern", "unstructured",
				       "--sparsity", "0.5", "-o", gsf, NULL };

		ck_assert_int_eq(tu_run_gssim(argv, &out), 2);
		ck_assert_msg(strstr(out, bad[i]) && strstr(out, "byte"), "%s", out);
		ck_assert(access(gsf, F_OK) != 0);
		free(out);
		tu_remove_temp(gsf);
	}
}
END_TEST

START_TEST(corrupt_gsf_is_located)
{
	char *gsf = tmp_path("c.gsf"), *out = NULL, *bytes;
	const char *inspect[] = { "inspect", gsf, NULL };
	size_t n;
	FILE *f;

	RUN_OK("prune", "--weights", "tests/data/fc_64x128_f32.npy", "--pattern", "gs-h",
	       "--sparsity", "0.5", "-o", gsf);
	bytes = tu_read_file(gsf, &n);
	ck_assert(bytes && n > 64);
	bytes[n / 2] ^= 0x5a;
	f = fopen(gsf, "wb");
	ck_assert(f && fwrite(bytes, 1, n, f) == n);
	fclose(f);
	ck_assert_int_eq(tu_run_gssim(inspect, &out), 2);
	ck_assert_msg(strstr(out, gsf) && strstr(out, "byte"), "%s", out);
	free(out);
	free(bytes);
	tu_remove_temp(gsf);
}
END_TEST

/* GS with B >= V: every gather conflict-free, every lane busy; runs record
** the workload, layer, pattern and quality proxy. */
START_TEST(gs_layers_gather_without_conflicts)
{
	static const struct {
		const char *config, *workload, *pattern;
	} cases[] = {
		{ "configs/default.yaml", "gnmt:decoder.att_rnn.attn.linear_k", "gs-v" },
		{ "configs/default.yaml", "gnmt:decoder.att_rnn.attn.linear_k", "gs-h" },
		{ "configs/default.yaml", "resnet50:layer4.0.conv2", "gs-v" },
		{ "configs/lanes16-banks16.yaml", "gnmt:encoder.rnn_layers.1.w_hh", "gs-v" },
		{ "configs/default.yaml", "resnet50:conv1", "gs:V=8,h=2,B=8" },
	};
	char *db = tmp_path("gs.db");

	for (int i = 0; i < (int)(sizeof cases / sizeof cases[0]); i++) {
		RUN_OK("run", "--config", cases[i].config, "--workload", cases[i].workload,
		       "--pattern", cases[i].pattern, "--sparsity", "0.9", "--db", db, "-q");
		ck_assert_msg(stat_of(db, i + 1, "gse.gather.count") > 0, "%s", cases[i].workload);
		ck_assert_msg(stat_of(db, i + 1, "gse.gather.conflicts") == 0, "%s %s: %g conflicts",
			      cases[i].workload, cases[i].pattern,
			      stat_of(db, i + 1, "gse.gather.conflicts"));
	}
	ck_assert(query(db, "SELECT count(*) FROM run_params WHERE key IN ('workload', 'layer', "
			    "'pattern', 'sparsity', 'abs_kept', 'w_frac_kept')") == 6 * 5);
	ck_assert(query(db, "SELECT count(*) FROM run_params WHERE run_id = 1 AND key = 'pattern' "
			    "AND value = 'gs:V=8,h=1,B=8'") == 1);
	ck_assert(query(db, "SELECT value FROM run_params WHERE run_id = 1 AND key = 'abs_kept'") >
		  0.9);
	tu_remove_temp(db);
}
END_TEST

/* A whole network: one complete run per layer. */
START_TEST(whole_network_one_run_per_layer)
{
	char *db = tmp_path("gnmt.db");

	RUN_OK("run", "--config", "configs/default.yaml", "--workload", "gnmt", "--pattern",
	       "block:8x1", "--sparsity", "0.9", "--db", db);
	ck_assert(query(db, "SELECT count(*) FROM runs WHERE status = 'complete'") == 21);
	ck_assert(query(db, "SELECT count(DISTINCT value) FROM run_params WHERE key = 'layer'") == 21);
	tu_remove_temp(db);
}
END_TEST

START_TEST(workloads_command)
{
	char *out = NULL;
	const char *list[] = { "workloads", "resnet50", NULL };
	const char *bad[] = { "run", "--config", "configs/default.yaml", "--workload",
			      "resnet50:layer9.conv1", "--pattern", "dense", "--sparsity", "0",
			      "--db", "/nonexistent/never.db", NULL };

	ck_assert_int_eq(tu_run_gssim(list, &out), 0);
	ck_assert_msg(strstr(out, "layer2.0.conv2") && strstr(out, "1152"), "%s", out);
	free(out);
	ck_assert_int_eq(tu_run_gssim(bad, &out), 2);
	ck_assert_msg(strstr(out, "resnet50:layer9.conv1"), "%s", out);
	free(out);
}
END_TEST

/* A sparsity the pattern cannot reach is refused before anything is
** written, with what the pattern achieves. */
START_TEST(unreachable_sparsity_refused)
{
	char *out = NULL, *db = tmp_path("r.db"), *gsf = tmp_path("nm.gsf");
	const char *run[] = { "run", "--config", "configs/default.yaml", "--workload",
			      "gnmt:decoder.att_rnn.attn.linear_k", "--pattern", "nm:2:4",
			      "--sparsity", "0.9", "--db", db, "-q", NULL };
	const char *prune[] = { "prune", "--weights", "tests/data/fc_64x128_f32.npy", "--pattern",
				"dense", "--sparsity", "0.9", "-o", gsf, NULL };
	const char *gen[] = { "gen", "--weights", "tests/data/fc_64x128_f32.npy", "--pattern",
			      "nm:1:4", "--sparsity", "0.5", "--config", "configs/default.yaml",
			      "-o", gsf, NULL };

	ck_assert_int_eq(tu_run_gssim(run, &out), 2);
	ck_assert_msg(strstr(out, "pattern nm:2:4 achieves sparsity 0.5 (1 - N/M), not the asked 0.9\n"),
		      "%s", out);
	free(out);
	ck_assert_int_eq(tu_run_gssim(prune, &out), 2);
	ck_assert_msg(strstr(out, "pattern dense achieves sparsity 0 (it keeps every weight), not the "
			      "asked 0.9\n"), "%s", out);
	free(out);
	ck_assert_int_eq(tu_run_gssim(gen, &out), 2);
	ck_assert_msg(strstr(out, "pattern nm:1:4 achieves sparsity 0.75 (1 - N/M), not the asked 0.5\n"),
		      "%s", out);
	free(out);
	ck_assert(access(gsf, F_OK) != 0);
	ck_assert(access(db, F_OK) != 0 || query(db, "SELECT count(*) FROM runs") == 0);
	tu_remove_temp(db);
	tu_remove_temp(gsf);
}
END_TEST

/* A convolution pruned to a .gsf runs as that convolution without
** --workload (the file records the layer: same cycles as with it); a
** version 1 file, which records none, is refused without --workload. */
START_TEST(conv_gsf_runs_as_recorded)
{
	char *gsf = tmp_path("c.gsf"), *old = tmp_path("v1.gsf"), *db = tmp_path("r.db");
	char *out = NULL;
	const char *v1_run[] = { "run", "--config", "configs/default.yaml", "--gsf", old, "--db", db,
				 "-q", NULL };
	unsigned char *b;
	struct gsf_crc crc;
	size_t n;
	FILE *f;

	RUN_OK("prune", "--workload", "resnet50:layer4.2.conv2", "--pattern", "gs-v", "--sparsity",
	       "0.99", "-o", gsf);
	RUN_OK("run", "--config", "configs/default.yaml", "--gsf", gsf, "--db", db, "-q");
	RUN_OK("run", "--config", "configs/default.yaml", "--gsf", gsf, "--workload",
	       "resnet50:layer4.2.conv2", "--db", db, "-q");
	ck_assert(stat_of(db, 1, "cycles") > 0);
	ck_assert(stat_of(db, 1, "cycles") == stat_of(db, 2, "cycles"));
	ck_assert(stat_of(db, 1, "gse.gather.count") == stat_of(db, 2, "gse.gather.count"));
	/* the same file as version 1: no layer recorded */
	b = (unsigned char *)tu_read_file(gsf, &n);
	ck_assert(b && n > GSF_HDR + GSF_CRC);
	b[H_VERSION] = 1;
	memset(b + H_PAD2, 0, GSF_HDR - H_PAD2);
	gsf_crc_init(&crc);
	gsf_crc_add(&crc, b, n - GSF_CRC);
	for (int i = 0; i < 4; i++)
		b[n - 4 + (size_t)i] = (unsigned char)(gsf_crc_value(&crc) >> (8 * i));
	f = fopen(old, "wb");
	ck_assert(f && fwrite(b, 1, n, f) == n && fclose(f) == 0);
	free(b);
	ck_assert_int_eq(tu_run_gssim(v1_run, &out), 2);
	ck_assert_msg(strstr(out, ": the file does not record its layer (format version 1), so a "
			      "convolution cannot be told from a fully connected layer: give "
			      "--workload NET:LAYER, or prune it again (this gssim records the "
			      "layer)\n"), "%s", out);
	free(out);
	ck_assert(query(db, "SELECT count(*) FROM runs") == 2);
	RUN_OK("run", "--config", "configs/default.yaml", "--gsf", old, "--workload",
	       "resnet50:layer4.2.conv2", "--db", db, "-q");
	ck_assert(stat_of(db, 3, "cycles") == stat_of(db, 1, "cycles"));
	tu_remove_temp(gsf);
	tu_remove_temp(old);
	tu_remove_temp(db);
}
END_TEST

Suite *kernels_cli_suite(void)
{
	Suite *s = suite_create("kernels_cli");
	TCase *tc = tcase_create("end-to-end");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, npy_prune_inspect_gen_run_round_trip);
	tcase_add_test(tc, conv_weights_need_matching_layer);
	tcase_add_test(tc, bad_weight_files_are_located);
	tcase_add_test(tc, corrupt_gsf_is_located);
	tcase_add_test(tc, gs_layers_gather_without_conflicts);
	tcase_add_test(tc, whole_network_one_run_per_layer);
	tcase_add_test(tc, workloads_command);
	tcase_add_test(tc, unreachable_sparsity_refused);
	tcase_add_test(tc, conv_gsf_runs_as_recorded);
	suite_add_tcase(s, tc);
	return s;
}
