/*
** check_cli.c: gssim end to end, through the binary ($GSSIM_BIN): the
** sample traces' exact cycles, what is (not) written to the results
** database on bad input, the stored resolved config, determinism,
** interruption, and that the generated docs are up to date.
*/
#include <check.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

static char *db_path(void)
{
	char *dir = tu_temp_dir();
	size_t n = strlen(dir) + 16;
	char *p = malloc(n);

	ck_assert(p != NULL);
	snprintf(p, n, "%s/r.db", dir);
	free(dir);
	return p;
}

/* One number from the database, e.g. a stat of the last run. */
static double db_number(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	double v = -1;

	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(h));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static char *db_text(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	char *v = NULL;

	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static double last_stat(const char *db, const char *name)
{
	char sql[256];

	snprintf(sql, sizeof sql,
		 "SELECT value FROM stats WHERE name = '%s' AND run_id = (SELECT max(id) FROM runs)",
		 name);
	return db_number(db, sql);
}

static int run_trace(const char *db, const char *trace, const char *set, char **out)
{
	const char *argv[] = { "run", "--config", "configs/default.yaml", "--trace", trace,
			       "--db", db, set ? "--set" : NULL, set, NULL };

	return tu_run_gssim(argv, out);
}

static const struct {
	const char *trace;
	double cycles;
} samples[] = {
	{ "traces/gather-conflict-free.gst", 9 },
	{ "traces/gather-strides.gst", 16 },
	{ "traces/gs-spmv-16x16.gst", 44 },
	{ "traces/dma-tile.gst", 230 },
};

/* The sample traces' cycles, hand-worked in their comments. */
START_TEST(sample_traces_exact_cycles)
{
	char *db = db_path(), *out = NULL;
	int rc = run_trace(db, samples[_i].trace, NULL, &out);

	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "cycles") != NULL, "%s", out);
	ck_assert_msg(last_stat(db, "cycles") == samples[_i].cycles, "%s: cycles %.0f, expected %.0f",
		      samples[_i].trace, last_stat(db, "cycles"), samples[_i].cycles);
	free(out);
	tu_remove_temp(db);
}
END_TEST

START_TEST(strides_passes_and_banks_override)
{
	char *db = db_path();

	ck_assert_int_eq(run_trace(db, "traces/gather-strides.gst", NULL, NULL), 0);
	ck_assert(last_stat(db, "gse.gather.passes") == 15);
	ck_assert(last_stat(db, "gse.gather.conflicts") == 11);
	/* 16 banks: strides 1, 2, 4, 8 → 1, 1, 2, 4 passes */
	ck_assert_int_eq(run_trace(db, "traces/gather-strides.gst", "scratchpad.banks=16", NULL), 0);
	ck_assert(last_stat(db, "gse.gather.passes") == 8);
	ck_assert(db_number(db, "SELECT count(*) FROM runs") == 2);
	ck_assert(db_number(db, "SELECT count(*) FROM bank_stats WHERE run_id = 2") == 16);
	ck_assert(db_number(db, "SELECT sum(reads) FROM bank_stats WHERE run_id = 1") == 32);
	tu_remove_temp(db);
}
END_TEST

/* Bad input: exit 2, a located message, and the database byte-identical. */
START_TEST(bad_input_leaves_db_intact)
{
	char *db = db_path(), *out = NULL, *before, *after;
	char *bad_cfg = tu_write_temp(".yaml", "vector:\n  lanes: 8\nscratchpad:\n  banks: 0\n");
	char *bad_trace = tu_write_temp(".gst", "gstrace 2\n");
	size_t n1, n2;
	const char *bad_cfg_argv[] = { "run", "--config", bad_cfg, "--trace",
				       "traces/gather-strides.gst", "--db", db, NULL };
	const char *no_trace_argv[] = { "run", "--config", "configs/default.yaml", "--db", db, NULL };
	const char *bad_opt_argv[] = { "run", "--bogus", NULL };

	ck_assert_int_eq(run_trace(db, "traces/gather-strides.gst", NULL, NULL), 0);
	before = tu_read_file(db, &n1);

	ck_assert_int_eq(tu_run_gssim(bad_cfg_argv, &out), 2);
	ck_assert_msg(strstr(out, ":4:10: scratchpad.banks") != NULL, "%s", out);
	free(out);
	ck_assert_int_eq(run_trace(db, "traces/gather-strides.gst", "gse.bogus=1", &out), 2);
	ck_assert_msg(strstr(out, "gse.bogus") != NULL, "%s", out);
	free(out);
	ck_assert_int_eq(run_trace(db, bad_trace, NULL, &out), 2);
	ck_assert_msg(strstr(out, ":1:") != NULL, "%s", out);
	free(out);
	ck_assert_int_eq(tu_run_gssim(no_trace_argv, NULL), 2);
	ck_assert_int_eq(tu_run_gssim(bad_opt_argv, NULL), 2);

	after = tu_read_file(db, &n2);
	ck_assert(n1 == n2 && memcmp(before, after, n1) == 0);
	free(before);
	free(after);
	tu_remove_temp(bad_cfg);
	tu_remove_temp(bad_trace);
	tu_remove_temp(db);
}
END_TEST

/* A trace error found mid-run is recorded as a failed run. */
START_TEST(trace_error_mid_run_recorded_failed)
{
	char *db = db_path(), *out = NULL, *msg;
	char *trace = tu_write_temp(".gst", "gstrace 1\nfma v0, v1, v2\nfma v0, v1, v99\n");

	ck_assert_int_eq(run_trace(db, trace, NULL, &out), 2);
	ck_assert_msg(strstr(out, ":3:") != NULL, "%s", out);
	ck_assert(db_number(db, "SELECT count(*) FROM runs WHERE status = 'failed'") == 1);
	msg = db_text(db, "SELECT message FROM runs");
	ck_assert_msg(msg && strstr(msg, ":3:") != NULL, "%s", msg ? msg : "(null)");
	free(msg);
	free(out);
	tu_remove_temp(trace);
	tu_remove_temp(db);
}
END_TEST

/* The stored config is the resolved one: it loads back to the same hash. */
START_TEST(resolved_config_round_trip)
{
	char *db = db_path(), *text, *hash, *path, *out = NULL;
	const char *argv[] = { "check", "--config", NULL, NULL };

	ck_assert_int_eq(run_trace(db, "traces/gather-strides.gst", "scratchpad.banks=32", NULL), 0);
	text = db_text(db, "SELECT config_text FROM runs");
	hash = db_text(db, "SELECT config_hash FROM runs");
	ck_assert(text && hash);
	ck_assert_msg(strstr(text, "banks: 32") != NULL, "%s", text);
	path = tu_write_temp(".yaml", text);
	argv[2] = path;
	ck_assert_int_eq(tu_run_gssim(argv, &out), 0);
	ck_assert_msg(strstr(out, hash) != NULL, "%s / %s", out, hash);
	free(out);
	tu_remove_temp(path);
	free(text);
	free(hash);
	tu_remove_temp(db);
}
END_TEST

/* Statistics (host.* aside) of run 1 in db, and how many of them run 1
** in db2 has with the same value. */
static void compare_runs(const char *db, const char *db2, int *n, int *same)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	char attach[512];

	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	snprintf(attach, sizeof attach, "ATTACH '%s' AS other", db2);
	ck_assert_int_eq(sqlite3_exec(h, attach, NULL, NULL, NULL), SQLITE_OK);
	ck_assert(sqlite3_prepare_v2(h, "SELECT (SELECT count(*) FROM stats WHERE run_id = 1 AND "
				     "name NOT LIKE 'host.%'), (SELECT count(*) FROM stats a JOIN "
				     "other.stats b ON a.name = b.name WHERE a.run_id = 1 AND "
				     "b.run_id = 1 AND a.name NOT LIKE 'host.%' AND a.value IS "
				     "b.value)", -1, &st, NULL) == SQLITE_OK);
	ck_assert(sqlite3_step(st) == SQLITE_ROW);
	*n = sqlite3_column_int(st, 0);
	*same = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	sqlite3_close(h);
}

/* Two runs of the same inputs (into two databases: a point complete in a
** database is not recorded there again): identical statistics but host.*. */
START_TEST(runs_are_deterministic)
{
	char *db = db_path(), *db2 = db_path(), *out = NULL;
	int n, same;

	ck_assert_int_eq(run_trace(db, "traces/gs-spmv-16x16.gst", NULL, NULL), 0);
	ck_assert_int_eq(run_trace(db2, "traces/gs-spmv-16x16.gst", NULL, NULL), 0);
	compare_runs(db, db2, &n, &same);
	ck_assert(n > 40);
	ck_assert_int_eq(same, n);
	/* the same point again into db: said, not recorded */
	ck_assert_int_eq(run_trace(db, "traces/gs-spmv-16x16.gst", NULL, &out), 0);
	ck_assert_msg(strstr(out, "run 1 in ") && strstr(out, "(the same point, already complete "
		      "there: not recorded again)"), "%s", out);
	ck_assert(db_number(db, "SELECT count(*) FROM runs") == 1);
	free(out);
	tu_remove_temp(db);
	tu_remove_temp(db2);
}
END_TEST

START_TEST(check_command)
{
	char *out = NULL;
	const char *ok[] = { "check", "--config", "configs/default.yaml", "--trace",
			     "traces/dma-tile.gst", NULL };
	const char *bad[] = { "check", "--config", "configs/default.yaml", "--set",
			      "vector.lanes=65", NULL };

	ck_assert_int_eq(tu_run_gssim(ok, &out), 0);
	ck_assert_msg(strstr(out, "8 instructions") != NULL, "%s", out);
	free(out);
	ck_assert_int_eq(tu_run_gssim(bad, &out), 2);
	ck_assert_msg(strstr(out, "vector.lanes") != NULL, "%s", out);
	free(out);
}
END_TEST

/* docs/config.md and docs/stats.md are what `gssim docs` generates. */
START_TEST(generated_docs_up_to_date)
{
	static const char *const which[] = { "config", "stats" };

	for (int i = 0; i < 2; i++) {
		const char *argv[] = { "docs", which[i], NULL };
		char path[64], *out = NULL, *file;

		snprintf(path, sizeof path, "docs/%s.md", which[i]);
		ck_assert_int_eq(tu_run_gssim(argv, &out), 0);
		file = tu_read_file(path, NULL);
		ck_assert_msg(file && strcmp(file, out) == 0,
			      "%s is stale: run `make docs`", path);
		free(file);
		free(out);
	}
}
END_TEST

/* SIGINT during a run of an endless trace: recorded as interrupted, exit 130. */
START_TEST(sigint_records_interrupted)
{
	char *dir = tu_temp_dir(), fifo[256], *db = db_path();
	const char *bin = getenv("GSSIM_BIN") ? getenv("GSSIM_BIN") : "build/gssim";
	pid_t writer, sim;
	int status;
	struct timespec pause = { 0, 300 * 1000 * 1000 };

	snprintf(fifo, sizeof fifo, "%s/endless.gst", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	writer = fork();
	if (writer == 0) {
		FILE *f = fopen(fifo, "w");

		signal(SIGPIPE, SIG_DFL);
		if (!f)
			_exit(1);
		fputs("gstrace 1\n", f);
		for (;;)
			if (fputs("gather v1, 0, [0 8 16 24]\nfma v0, v1, v2\n", f) < 0)
				_exit(0);
	}
	sim = fork();
	if (sim == 0) {
		execl(bin, bin, "run", "--config", "configs/default.yaml", "--trace", fifo,
		      "--db", db, "--quiet", (char *)NULL);
		_exit(127);
	}
	nanosleep(&pause, NULL);
	kill(sim, SIGINT);
	ck_assert(waitpid(sim, &status, 0) == sim);
	kill(writer, SIGKILL);
	waitpid(writer, NULL, 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 130, "status %d", status);
	ck_assert(db_number(db, "SELECT count(*) FROM runs WHERE status = 'interrupted'") == 1);
	ck_assert(last_stat(db, "insn.total") > 1000);
	/* the CPI stack of an interrupted run still sums to its cycles */
	ck_assert(db_number(db, "SELECT sum(value) FROM stats WHERE name LIKE 'cpi.%'") ==
		  last_stat(db, "cycles"));
	unlink(fifo);
	rmdir(dir);
	free(dir);
	tu_remove_temp(db);
}
END_TEST

Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("end-to-end");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, sample_traces_exact_cycles, 0,
			    (int)(sizeof samples / sizeof samples[0]));
	tcase_add_test(tc, strides_passes_and_banks_override);
	tcase_add_test(tc, bad_input_leaves_db_intact);
	tcase_add_test(tc, trace_error_mid_run_recorded_failed);
	tcase_add_test(tc, resolved_config_round_trip);
	tcase_add_test(tc, runs_are_deterministic);
	tcase_add_test(tc, check_command);
	tcase_add_test(tc, generated_docs_up_to_date);
	tcase_add_test(tc, sigint_records_interrupted);
	suite_add_tcase(s, tc);
	return s;
}
