/*
** check_db.c: the results database (sim/db.c): what is written is read back
** exactly through the plain sqlite3 API; refused files stay byte-identical;
** a failing run leaves no trace; concurrent writers do not lose runs.
*/
#include <check.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db.h"
#include "testutil.h"

#define NBANKS 4

struct fixture {
	char *dir;
	char path[512];
};

static void fixture_init(struct fixture *fx)
{
	fx->dir = tu_temp_dir();
	snprintf(fx->path, sizeof fx->path, "%s/results.db", fx->dir);
}

static void fixture_done(struct fixture *fx)
{
	char j[600];

	snprintf(j, sizeof j, "%s-journal", fx->path);
	unlink(j);
	unlink(fx->path);
	rmdir(fx->dir);
	free(fx->dir);
}

static const struct db_param sample_params[] = {
	{ "workload", "resnet50" },
	{ "layer", "conv3_2" },
	{ "pattern", "unstructured" },
	{ "sparsity", "0.9" },
};

/* A complete run with distinct stat values (some not exactly decimal) and
** NBANKS banks; `k` makes runs differ. */
struct sample {
	struct gs_stats s;
	uint64_t reads[NBANKS], writes[NBANKS];
	struct db_run run;
};

static void sample_init(struct sample *x, int k)
{
	for (int i = 0; i < ST__COUNT; i++)
		x->s.v[i] = 1000.0 * k + i + 0.1 * i;
	for (int b = 0; b < NBANKS; b++) {
		x->reads[b] = (uint64_t)(100 * k + 10 * b + 1);
		x->writes[b] = (uint64_t)(100 * k + 10 * b + 7);
	}
	x->s.banks = NBANKS;
	x->s.bank_reads = x->reads;
	x->s.bank_writes = x->writes;
	x->run = (struct db_run){
		.started_at = "2026-11-24T19:52:00Z",
		.config_name = "baseline",
		.config_text = "spm:\n  banks: 4\n",
		.config_hash = "0123456789abcdef",
		.trace = "traces/resnet50-conv3_2.trace",
		.version = "v0.1-test",
		.host_seconds = 1.25,
		.status = "complete",
		.message = NULL,
		.seed = UINT64_C(0xFEDCBA9876543210),
		.params = sample_params,
		.nparams = 4,
		.stats = &x->s,
	};
}

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *sql = NULL;

	ck_assert_int_eq(sqlite3_open_v2(path, &sql, SQLITE_OPEN_READONLY,
					 NULL), SQLITE_OK);
	return sql;
}

static sqlite3_stmt *raw_query(sqlite3 *sql, const char *q)
{
	sqlite3_stmt *st = NULL;

	ck_assert_msg(sqlite3_prepare_v2(sql, q, -1, &st, NULL) == SQLITE_OK,
		      "%s: %s", q, sqlite3_errmsg(sql));
	return st;
}

static int64_t raw_int(const char *path, const char *q)
{
	sqlite3 *sql = raw_open(path);
	sqlite3_stmt *st = raw_query(sql, q);
	int64_t v;

	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(sql);
	return v;
}

static struct gs_db *open_ok(const char *path)
{
	struct gs_db *db = NULL;
	struct gs_err err = { "" };

	ck_assert_msg(db_open(&db, path, &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(db);
	return db;
}

static int64_t record_ok(struct gs_db *db, const struct db_run *r)
{
	struct gs_err err = { "" };
	int64_t id = -1;

	ck_assert_msg(db_record_run(db, r, &id, &err) == 0, "%s", err.msg);
	return id;
}

static void assert_col_text(sqlite3_stmt *st, int col, const char *want)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq((const char *)s, want);
}

/* A located message: "path: ..." containing `want`. */
static void assert_err(const struct gs_err *e, const char *path,
		       const char *want)
{
	size_t n = strlen(path);

	ck_assert_msg(strncmp(e->msg, path, n) == 0 &&
		      strncmp(e->msg + n, ": ", 2) == 0 && strstr(e->msg, want),
		      "want \"%s: ...%s...\", got: %s", path, want, e->msg);
}

START_TEST(test_record_and_read_back)
{
	static const char *const params[][2] = {
		{ "layer", "conv3_2" }, { "pattern", "unstructured" },
		{ "sparsity", "0.9" }, { "workload", "resnet50" },
	};
	struct fixture fx;
	struct sample x;
	struct gs_db *db;
	sqlite3 *sql;
	sqlite3_stmt *st;
	int n;

	fixture_init(&fx);
	sample_init(&x, 1);
	db = open_ok(fx.path);
	ck_assert_int_eq(record_ok(db, &x.run), 1);
	db_close(db);

	ck_assert_int_eq(raw_int(fx.path, "PRAGMA user_version"), 2);
	sql = raw_open(fx.path);
	st = raw_query(sql, "SELECT id, started_at, config_name, config_text,"
		       " config_hash, trace, gssim_version, host_seconds,"
		       " status, message, seed FROM runs");
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int64(st, 0), 1);
	assert_col_text(st, 1, "2026-11-24T19:52:00Z");
	assert_col_text(st, 2, "baseline");
	assert_col_text(st, 3, "spm:\n  banks: 4\n");
	assert_col_text(st, 4, "0123456789abcdef");
	assert_col_text(st, 5, "traces/resnet50-conv3_2.trace");
	assert_col_text(st, 6, "v0.1-test");
	ck_assert(sqlite3_column_double(st, 7) == 1.25);
	assert_col_text(st, 8, "complete");
	ck_assert_int_eq(sqlite3_column_type(st, 9), SQLITE_NULL);
	ck_assert_int_eq(sqlite3_column_type(st, 10), SQLITE_INTEGER);
	ck_assert((uint64_t)sqlite3_column_int64(st, 10) ==
		  UINT64_C(0xFEDCBA9876543210));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);

	st = raw_query(sql, "SELECT run_id, key, value FROM run_params"
		       " ORDER BY key");
	for (n = 0; sqlite3_step(st) == SQLITE_ROW; n++) {
		ck_assert_int_lt(n, 4);
		ck_assert_int_eq(sqlite3_column_int64(st, 0), 1);
		assert_col_text(st, 1, params[n][0]);
		assert_col_text(st, 2, params[n][1]);
	}
	ck_assert_int_eq(n, 4);
	sqlite3_finalize(st);

	/* every stat of the table, exact value and its unit */
	st = raw_query(sql, "SELECT value, unit, run_id FROM stats"
		       " WHERE name = ?1");
	for (int i = 0; i < ST__COUNT; i++) {
		sqlite3_bind_text(st, 1, stat_name(i), -1, SQLITE_STATIC);
		ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "no stat %s",
			      stat_name(i));
		ck_assert_int_eq(sqlite3_column_type(st, 0), SQLITE_FLOAT);
		ck_assert_msg(sqlite3_column_double(st, 0) == x.s.v[i],
			      "%s: %.17g != %.17g", stat_name(i),
			      sqlite3_column_double(st, 0), x.s.v[i]);
		assert_col_text(st, 1, stat_unit(i));
		ck_assert_int_eq(sqlite3_column_int64(st, 2), 1);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);

	st = raw_query(sql, "SELECT run_id, bank, reads, writes"
		       " FROM bank_stats ORDER BY bank");
	for (n = 0; sqlite3_step(st) == SQLITE_ROW; n++) {
		ck_assert_int_eq(sqlite3_column_int64(st, 0), 1);
		ck_assert_int_eq(sqlite3_column_int64(st, 1), n);
		ck_assert_int_eq(sqlite3_column_int64(st, 2), 101 + 10 * n);
		ck_assert_int_eq(sqlite3_column_int64(st, 3), 107 + 10 * n);
	}
	ck_assert_int_eq(n, NBANKS);
	sqlite3_finalize(st);
	sqlite3_close(sql);
	ck_assert_int_eq(raw_int(fx.path, "SELECT count(*) FROM stats"),
			 ST__COUNT);
	fixture_done(&fx);
}
END_TEST

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(test_ids_and_reopen)
{
	struct fixture fx;
	struct sample a, b;
	struct gs_db *db;

	fixture_init(&fx);
	sample_init(&a, 1);
	sample_init(&b, 2);
	b.run.config_name = "wide";
	write_text(fx.path, "");	/* an empty file is a new database */
	db = open_ok(fx.path);
	ck_assert_int_eq(raw_int(fx.path, "PRAGMA user_version"), 2);
	ck_assert_int_eq(record_ok(db, &a.run), 1);
	ck_assert_int_eq(record_ok(db, &b.run), 2);
	db_close(db);

	/* reopening accepts the file and appends */
	db = open_ok(fx.path);
	ck_assert_int_eq(record_ok(db, &a.run), 3);
	db_close(db);
	ck_assert_int_eq(raw_int(fx.path, "SELECT count(*) FROM runs"), 3);
	ck_assert_int_eq(raw_int(fx.path, "SELECT count(*) FROM stats"),
			 3 * ST__COUNT);
	ck_assert_int_eq(raw_int(fx.path, "SELECT count(*) FROM bank_stats"),
			 3 * NBANKS);
	ck_assert_int_eq(raw_int(fx.path, "SELECT reads FROM bank_stats"
				 " WHERE run_id = 2 AND bank = 3"), 231);
	ck_assert_int_eq(raw_int(fx.path, "SELECT id FROM runs"
				 " WHERE config_name = 'wide'"), 2);
	fixture_done(&fx);
}
END_TEST

/* db_open must fail with a located message containing `want` and leave the
** file exactly as it was, with no journal beside it. */
static void assert_refused_untouched(const char *path, const char *want)
{
	struct gs_db *db = NULL;
	struct gs_err err = { "" };
	size_t n0, n1;
	char *before = tu_read_file(path, &n0), *after;
	char journal[600];

	ck_assert_ptr_nonnull(before);
	ck_assert_int_eq(db_open(&db, path, &err), -1);
	ck_assert_ptr_null(db);
	assert_err(&err, path, want);
	after = tu_read_file(path, &n1);
	ck_assert_ptr_nonnull(after);
	ck_assert_uint_eq(n0, n1);
	ck_assert(memcmp(before, after, n0) == 0);
	snprintf(journal, sizeof journal, "%s-journal", path);
	ck_assert_int_ne(access(journal, F_OK), 0);
	free(before);
	free(after);
}

START_TEST(test_refuse_garbage)
{
	struct fixture fx;
	char big[9000];

	fixture_init(&fx);
	write_text(fx.path, "these are my notes, not a database\n");
	assert_refused_untouched(fx.path, "not an SQLite database");

	for (size_t i = 0; i + 1 < sizeof big; i++)
		big[i] = (char)('a' + i % 26);
	big[sizeof big - 1] = '\0';
	write_text(fx.path, big);
	assert_refused_untouched(fx.path, "not an SQLite database");
	fixture_done(&fx);
}
END_TEST

static void make_raw_db(const char *path, const char *sqltext)
{
	sqlite3 *sql = NULL;

	unlink(path);
	ck_assert_int_eq(sqlite3_open(path, &sql), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(sql, sqltext, NULL, NULL, NULL) ==
		      SQLITE_OK, "%s", sqlite3_errmsg(sql));
	sqlite3_close(sql);
}

START_TEST(test_refuse_other_sqlite)
{
	struct fixture fx;
	char want[600];

	fixture_init(&fx);
	make_raw_db(fx.path, "CREATE TABLE expenses(day TEXT, amount REAL);"
			     "INSERT INTO expenses VALUES('mon', 3.5);");
	assert_refused_untouched(fx.path, "table expenses");

	make_raw_db(fx.path, "CREATE TABLE runs(id INTEGER PRIMARY KEY);"
			     "PRAGMA user_version = 99;");
	snprintf(want, sizeof want, "%s: results database schema version 99,"
		 " this gssim reads 1 and writes 2", fx.path);
	assert_refused_untouched(fx.path, want);

	/* our version number, but not our tables */
	make_raw_db(fx.path, "CREATE TABLE runs(id INTEGER PRIMARY KEY);"
			     "PRAGMA user_version = 1;");
	assert_refused_untouched(fx.path, "damaged");
	fixture_done(&fx);
}
END_TEST

START_TEST(test_cannot_open)
{
	struct fixture fx;
	struct gs_db *db = NULL;
	struct gs_err err = { "" };
	char path[600];

	fixture_init(&fx);
	snprintf(path, sizeof path, "%s/no-such-dir/results.db", fx.dir);
	ck_assert_int_eq(db_open(&db, path, &err), -1);
	ck_assert_ptr_null(db);
	{
		char want[1300];

		snprintf(want, sizeof want, "%s/no-such-dir: no such directory, cannot create %s",
			 fx.dir, path);
		ck_assert_str_eq(err.msg, want);
	}
	ck_assert_int_ne(access(path, F_OK), 0);
	fixture_done(&fx);
}
END_TEST

/* Rows of each table; a failed record must leave all of them unchanged. */
static void count_rows(const char *path, int64_t c[4])
{
	c[0] = raw_int(path, "SELECT count(*) FROM runs");
	c[1] = raw_int(path, "SELECT count(*) FROM run_params");
	c[2] = raw_int(path, "SELECT count(*) FROM stats");
	c[3] = raw_int(path, "SELECT count(*) FROM bank_stats");
}

START_TEST(test_duplicate_param_leaves_no_trace)
{
	static const struct db_param dup[] = {
		{ "workload", "resnet50" }, { "layer", "fc1" },
		{ "layer", "fc2" },
	};
	struct fixture fx;
	struct sample x;
	struct db_run bad;
	struct gs_db *db;
	struct gs_err err = { "" };
	int64_t before[4], after[4], id = -7;

	fixture_init(&fx);
	sample_init(&x, 1);
	bad = x.run;
	bad.params = dup;
	bad.nparams = 3;
	db = open_ok(fx.path);
	ck_assert_int_eq(record_ok(db, &x.run), 1);
	count_rows(fx.path, before);
	ck_assert_int_eq(db_record_run(db, &bad, &id, &err), -1);
	ck_assert_int_eq(id, -7);
	assert_err(&err, fx.path, "parameter \"layer\" given twice");
	count_rows(fx.path, after);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(after[i], before[i]);
	/* the connection is usable afterwards and no id was burnt */
	ck_assert_int_eq(record_ok(db, &x.run), 2);
	db_close(db);
	fixture_done(&fx);
}
END_TEST

START_TEST(test_bad_input_leaves_no_trace)
{
	struct fixture fx;
	struct sample x;
	struct db_run r;
	struct gs_db *db;
	struct gs_err err = { "" };
	int64_t c[4];

	fixture_init(&fx);
	sample_init(&x, 1);
	db = open_ok(fx.path);
	r = x.run;
	r.status = "done";
	ck_assert_int_eq(db_record_run(db, &r, NULL, &err), -1);
	assert_err(&err, fx.path, "status must be");
	r = x.run;
	r.config_hash = NULL;
	ck_assert_int_eq(db_record_run(db, &r, NULL, &err), -1);
	assert_err(&err, fx.path, "config_hash is missing");
	x.reads[2] = UINT64_MAX;
	ck_assert_int_eq(db_record_run(db, &x.run, NULL, &err), -1);
	assert_err(&err, fx.path, "per-bank count");
	db_close(db);

	count_rows(fx.path, c);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(c[i], 0);
	fixture_done(&fx);
}
END_TEST

START_TEST(test_failed_run_without_stats)
{
	struct fixture fx;
	struct sample x;
	struct gs_db *db;

	fixture_init(&fx);
	sample_init(&x, 1);
	x.run.stats = NULL;
	x.run.status = "failed";
	x.run.message = "traces/x.trace:12:3: unknown instruction 'gathr'";
	x.run.host_seconds = 0.5;
	db = open_ok(fx.path);
	ck_assert_int_eq(record_ok(db, &x.run), 1);
	db_close(db);

	ck_assert_int_eq(raw_int(fx.path, "SELECT count(*) FROM runs"
		" WHERE id = 1 AND status = 'failed' AND host_seconds = 0.5"
		" AND message = 'traces/x.trace:12:3: unknown instruction"
		" ''gathr'''"), 1);
	ck_assert_int_eq(raw_int(fx.path, "SELECT count(*) FROM run_params"),
			 4);
	ck_assert_int_eq(raw_int(fx.path, "SELECT count(*) FROM stats"), 0);
	ck_assert_int_eq(raw_int(fx.path, "SELECT count(*) FROM bank_stats"),
			 0);
	ck_assert_int_eq(raw_int(fx.path, "SELECT count(*) FROM run_summary"
		" WHERE id = 1 AND status = 'failed' AND cycles IS NULL"
		" AND host_seconds = 0.5"), 1);
	fixture_done(&fx);
}
END_TEST

START_TEST(test_nonfinite_stored_as_null)
{
	struct fixture fx;
	struct sample x;
	struct gs_db *db;

	fixture_init(&fx);
	sample_init(&x, 1);
	x.s.v[ST_IPC] = NAN;
	x.s.v[ST_MEM_UTIL] = INFINITY;
	x.s.v[ST_LANE_UTIL] = -INFINITY;
	x.run.host_seconds = NAN;
	db = open_ok(fx.path);
	ck_assert_int_eq(record_ok(db, &x.run), 1);
	db_close(db);
	ck_assert_int_eq(raw_int(fx.path, "SELECT count(*) FROM stats"
		" WHERE value IS NULL"), 3);
	ck_assert_int_eq(raw_int(fx.path, "SELECT count(*) FROM stats"
		" WHERE value IS NULL AND name IN ('ipc',"
		" 'mem.bandwidth_utilisation', 'lanes.utilisation')"), 3);
	ck_assert_int_eq(raw_int(fx.path, "SELECT count(*) FROM runs"
		" WHERE host_seconds IS NULL"), 1);
	fixture_done(&fx);
}
END_TEST

START_TEST(test_run_summary_view)
{
	static const char *const text[2][3] = {
		{ "baseline", "traces/resnet50-conv3_2.trace", "complete" },
		{ "banks16", "t2", "interrupted" },
	};
	struct fixture fx;
	struct sample a, b;
	struct gs_db *db;
	sqlite3 *sql;
	sqlite3_stmt *st;

	fixture_init(&fx);
	sample_init(&a, 1);
	sample_init(&b, 2);
	a.s.v[ST_CYCLES] = 5000;
	a.s.v[ST_INSN_TOTAL] = 1200;
	a.s.v[ST_GATHER_PASSES] = 96;
	a.s.v[ST_GATHER_CONFLICTS] = 32;
	a.s.v[ST_LANE_UTIL] = 0.75;
	b.s.v[ST_CYCLES] = 4096.5;
	b.run.config_name = "banks16";
	b.run.trace = "t2";
	b.run.status = "interrupted";
	b.run.host_seconds = 9.0;
	db = open_ok(fx.path);
	ck_assert_int_eq(record_ok(db, &a.run), 1);
	ck_assert_int_eq(record_ok(db, &b.run), 2);
	db_close(db);

	sql = raw_open(fx.path);
	st = raw_query(sql, "SELECT id, config_name, trace, status, cycles,"
		       " insn_total, gse_gather_passes, gse_gather_conflicts,"
		       " lanes_utilisation, host_seconds FROM run_summary"
		       " ORDER BY id");
	for (int row = 0; row < 2; row++) {
		const double want[2][6] = {
			{ 5000, 1200, 96, 32, 0.75, 1.25 },
			{ 4096.5, b.s.v[ST_INSN_TOTAL],
			  b.s.v[ST_GATHER_PASSES], b.s.v[ST_GATHER_CONFLICTS],
			  b.s.v[ST_LANE_UTIL], 9.0 },
		};

		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_int_eq(sqlite3_column_int64(st, 0), row + 1);
		for (int c = 0; c < 3; c++)
			assert_col_text(st, 1 + c, text[row][c]);
		for (int c = 0; c < 6; c++)
			ck_assert_msg(sqlite3_column_double(st, 4 + c) ==
				      want[row][c], "row %d col %d", row, c);
	}
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(sql);
	fixture_done(&fx);
}
END_TEST

/* Processes of a local sweep appending to one new file at once: all
** succeed, every run is there exactly once. */
#define WRITERS 3
#define RUNS_EACH 15

static int writer_child(const char *path, int k)
{
	struct sample x;
	struct gs_db *db = NULL;
	struct gs_err err = { "" };
	char name[32];
	int rc = 0;

	if (db_open(&db, path, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	sample_init(&x, k);
	snprintf(name, sizeof name, "writer%d", k);
	x.run.config_name = name;
	for (int i = 0; i < RUNS_EACH && rc == 0; i++) {
		rc = db_record_run(db, &x.run, NULL, &err) ? 1 : 0;
		if (rc)
			fprintf(stderr, "%s\n", err.msg);
	}
	db_close(db);
	return rc;
}

START_TEST(test_concurrent_writers)
{
	struct fixture fx;
	pid_t pids[WRITERS];

	fixture_init(&fx);
	for (int k = 0; k < WRITERS; k++) {
		pids[k] = fork();
		ck_assert_int_ge(pids[k], 0);
		if (pids[k] == 0)
			_exit(writer_child(fx.path, k + 1));
	}
	for (int k = 0; k < WRITERS; k++) {
		int status = 0;

		ck_assert_int_eq(waitpid(pids[k], &status, 0), pids[k]);
		ck_assert(WIFEXITED(status));
		ck_assert_int_eq(WEXITSTATUS(status), 0);
	}
	ck_assert_int_eq(raw_int(fx.path, "SELECT count(*) FROM runs"),
			 WRITERS * RUNS_EACH);
	ck_assert_int_eq(raw_int(fx.path, "SELECT max(id) FROM runs"),
			 WRITERS * RUNS_EACH);
	ck_assert_int_eq(raw_int(fx.path, "SELECT count(*) FROM runs"
		" WHERE config_name = 'writer2'"), RUNS_EACH);
	ck_assert_int_eq(raw_int(fx.path, "SELECT count(*) FROM stats"),
			 WRITERS * RUNS_EACH * ST__COUNT);
	fixture_done(&fx);
}
END_TEST

Suite *db_suite(void)
{
	Suite *s = suite_create("db");
	TCase *tc = tcase_create("db");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_record_and_read_back);
	tcase_add_test(tc, test_ids_and_reopen);
	tcase_add_test(tc, test_refuse_garbage);
	tcase_add_test(tc, test_refuse_other_sqlite);
	tcase_add_test(tc, test_cannot_open);
	tcase_add_test(tc, test_duplicate_param_leaves_no_trace);
	tcase_add_test(tc, test_bad_input_leaves_no_trace);
	tcase_add_test(tc, test_failed_run_without_stats);
	tcase_add_test(tc, test_nonfinite_stored_as_null);
	tcase_add_test(tc, test_run_summary_view);
	tcase_add_test(tc, test_concurrent_writers);
	suite_add_tcase(s, tc);
	return s;
}
