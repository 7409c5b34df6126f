/*
** check_db_merge.c: gssim db merge (sim/db_merge.c): idempotence, id
** renumbering with every row kept exactly, version-1 inputs and outputs,
** failed runs kept, and refused inputs leaving OUT byte-for-byte as it was.
*/
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "db_merge.h"
#include "testutil.h"

/* Version 1's tables, as check_db_v2.c has them (gssim 4d3bc78). */
static const char v1_sql[] =
	"CREATE TABLE runs(id INTEGER PRIMARY KEY, started_at TEXT NOT NULL,"
	" config_name TEXT NOT NULL, config_text TEXT NOT NULL, config_hash TEXT NOT NULL,"
	" trace TEXT NOT NULL, gssim_version TEXT NOT NULL, host_seconds REAL,"
	" status TEXT NOT NULL CHECK(status IN ('complete','failed','interrupted')),"
	" message TEXT, seed INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE TABLE run_params(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(run_id, key)) WITHOUT ROWID;\n"
	"CREATE TABLE stats(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" name TEXT NOT NULL, value REAL, unit TEXT NOT NULL, PRIMARY KEY(run_id, name))"
	" WITHOUT ROWID;\n"
	"CREATE TABLE bank_stats(run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" bank INTEGER NOT NULL CHECK(bank >= 0), reads INTEGER NOT NULL CHECK(reads >= 0),"
	" writes INTEGER NOT NULL CHECK(writes >= 0), PRIMARY KEY(run_id, bank)) WITHOUT ROWID;\n"
	"CREATE INDEX runs_by_config_hash ON runs(config_hash);\n"
	"CREATE INDEX run_params_by_key ON run_params(key, value);\n"
	"CREATE INDEX stats_by_name ON stats(name, value);\n"
	"CREATE VIEW run_summary AS SELECT r.id AS id, r.config_name AS config_name,"
	" r.trace AS trace, r.status AS status,"
	" MAX(CASE WHEN s.name = 'cycles' THEN s.value END) AS cycles,"
	" MAX(CASE WHEN s.name = 'insn.total' THEN s.value END) AS insn_total,"
	" MAX(CASE WHEN s.name = 'gse.gather.passes' THEN s.value END) AS gse_gather_passes,"
	" MAX(CASE WHEN s.name = 'gse.gather.conflicts' THEN s.value END) AS gse_gather_conflicts,"
	" MAX(CASE WHEN s.name = 'lanes.utilisation' THEN s.value END) AS lanes_utilisation,"
	" r.host_seconds AS host_seconds FROM runs AS r LEFT JOIN stats AS s ON s.run_id = r.id"
	" GROUP BY r.id;\n"
	"INSERT INTO runs VALUES(5,'2026-11-24T19:52:00Z','old','name: old\n','h1','t.gst','v1',"
	" 1.5,'complete',NULL,3);\n"
	"INSERT INTO runs VALUES(9,'2026-11-24T19:53:00Z','old','name: old\n','h1','t.gst','v1',"
	" NULL,'failed','bad line',3);\n"
	"INSERT INTO run_params VALUES(5,'pattern','dense');\n"
	"INSERT INTO run_params VALUES(9,'pattern','dense');\n"
	"INSERT INTO stats VALUES(5,'cycles',100,'cycles');\n"
	"INSERT INTO stats VALUES(5,'ipc',0.1,'instructions/cycle');\n"
	"INSERT INTO bank_stats VALUES(5,0,5,6);\n"
	"PRAGMA user_version = 1;\n";

struct dir {
	char *path;
	char a[512], b[512], out[512], v1[512], text[512];
};

static struct dir d;

static void setup(void)
{
	d.path = tu_temp_dir();
	snprintf(d.a, sizeof d.a, "%s/a.db", d.path);
	snprintf(d.b, sizeof d.b, "%s/b.db", d.path);
	snprintf(d.out, sizeof d.out, "%s/out.db", d.path);
	snprintf(d.v1, sizeof d.v1, "%s/v1.db", d.path);
	snprintf(d.text, sizeof d.text, "%s/notes.txt", d.path);
}

static void teardown(void)
{
	const char *files[] = { d.a, d.b, d.out, d.v1, d.text };
	char j[600];

	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		unlink(files[i]);
		snprintf(j, sizeof j, "%s-journal", files[i]);
		unlink(j);
	}
	rmdir(d.path);
	free(d.path);
}

/* A run: point key (NULL: none), status, cycles (stats and 2 banks when
** complete), one param. */
static void add(const char *path, const char *started, const char *key, const char *status,
		double cycles)
{
	static const uint64_t reads[2] = { 7, 8 }, writes[2] = { 9, 10 };
	struct db_param p[] = { { "pattern", "gs" }, { "scratchpad.banks", "16" } };
	struct gs_stats st = { .banks = 2, .bank_reads = reads, .bank_writes = writes };
	struct gs_db *db = NULL;
	struct gs_err err = { "" };
	int complete = !strcmp(status, "complete");
	struct db_run r = {
		.started_at = started, .config_name = "paper", .config_text = "name: paper\n",
		.config_hash = "0123456789abcdef", .trace = "t.gst", .version = "test",
		.host_seconds = 0.25, .status = status, .message = complete ? NULL : "why",
		.seed = 1, .point_key = key, .params = p, .nparams = 2,
		.stats = complete ? &st : NULL,
	};

	for (int i = 0; i < ST__COUNT; i++)
		st.v[i] = cycles + i / 3.0;	/* not exactly decimal */
	ck_assert_msg(db_open(&db, path, &err) == 0, "%s", err.msg);
	ck_assert_msg(db_record_run(db, &r, NULL, &err) >= 0, "%s", err.msg);
	db_close(db);
}

/* Every run with all its rows, ids left out, in a stable order: equal
** dumps mean the same runs with bit-identical values. */
static char *dump(const char *path)
{
	static const char q[] =
		"SELECT group_concat(x, '\n') FROM (SELECT printf('%s|%s|%s|%s|%s|%s|%s|%!.17g|%s|%s|%d',"
		" started_at, config_name, config_text, config_hash, trace, gssim_version, status,"
		" host_seconds, message, point_key, seed)"
		" || '|' || ifnull((SELECT group_concat(key || '=' || value, ';') FROM"
		"   (SELECT * FROM run_params WHERE run_id = r.id ORDER BY key)), '')"
		" || '|' || ifnull((SELECT group_concat(name || '=' || printf('%!.17g', value) || unit, ';')"
		"   FROM (SELECT * FROM stats WHERE run_id = r.id ORDER BY name)), '')"
		" || '|' || ifnull((SELECT group_concat(bank || ':' || reads || ':' || writes, ';')"
		"   FROM (SELECT * FROM bank_stats WHERE run_id = r.id ORDER BY bank)), '') AS x"
		" FROM runs AS r ORDER BY x)";
	sqlite3 *sql = NULL;
	sqlite3_stmt *st = NULL;
	char *out;

	ck_assert_int_eq(sqlite3_open_v2(path, &sql, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(sql, q, -1, &st, NULL) == SQLITE_OK, "%s",
		      sqlite3_errmsg(sql));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	out = strdup(sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
	sqlite3_finalize(st);
	sqlite3_close(sql);
	return out;
}

static void merge_ok(const char *out, const char *in1, const char *in2, int64_t added,
		     int64_t present)
{
	const char *ins[] = { in1, in2 };
	struct db_merge_counts n;
	struct gs_err err = { "" };

	ck_assert_msg(db_merge(out, ins, in2 ? 2 : 1, &n, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(n.added, added);
	ck_assert_int_eq(n.present, present);
	ck_assert_int_eq(n.runs, added + present);
}

static void make_a(void)
{
	add(d.a, "2026-12-07T10:00:01Z", "00000000000000000000000000000001", "complete", 100);
	add(d.a, "2026-12-07T10:00:02Z", "00000000000000000000000000000002", "failed", 0);
	add(d.a, "2026-12-07T10:00:03Z", "00000000000000000000000000000002", "complete", 200);
}

START_TEST(merge_is_idempotent_and_exact)
{
	char *before, *after;

	make_a();
	merge_ok(d.out, d.a, NULL, 3, 0);
	before = dump(d.out);
	{
		char *in = dump(d.a);

		ck_assert_str_eq(before, in);	/* every row, every bit */
		free(in);
	}
	merge_ok(d.out, d.a, NULL, 0, 3);
	merge_ok(d.out, d.a, d.a, 0, 6);
	after = dump(d.out);
	ck_assert_str_eq(after, before);
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT count(*) FROM runs"), 3);
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT count(*) FROM run_params"), 6);
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT count(*) FROM stats"), 2 * ST__COUNT);
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT count(*) FROM bank_stats"), 4);
	free(before);
	free(after);
}
END_TEST

START_TEST(merge_renumbers_and_skips_complete_points)
{
	make_a();
	/* OUT already has 2 runs: point 1 complete (another start time), and a
	** failed run of point 3 */
	add(d.out, "2026-12-07T09:00:00Z", "00000000000000000000000000000001", "complete", 100);
	add(d.out, "2026-12-07T09:00:01Z", "00000000000000000000000000000003", "failed", 0);
	/* b: point 3 complete, and a's failed run of point 2 again */
	add(d.b, "2026-12-07T11:00:00Z", "00000000000000000000000000000003", "complete", 300);
	add(d.b, "2026-12-07T10:00:02Z", "00000000000000000000000000000002", "failed", 0);
	merge_ok(d.out, d.a, d.b, 3, 2);
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT count(*) FROM runs"), 5);
	/* a's ids 2, 3 became 3, 4; b's first run 5 */
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT id FROM runs WHERE status = 'failed' AND"
			 " point_key LIKE '%2'"), 3);
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT id FROM runs WHERE status = 'complete' AND"
			 " point_key LIKE '%2'"), 4);
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT id FROM runs WHERE status = 'complete' AND"
			 " point_key LIKE '%3'"), 5);
	/* the rows followed their run */
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT count(*) FROM stats WHERE run_id = 4"), ST__COUNT);
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT value FROM stats WHERE run_id = 5 AND"
			 " name = 'cycles'"), 300);
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT sum(reads) FROM bank_stats WHERE run_id = 5"), 15);
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT count(*) FROM run_params WHERE run_id = 3"), 2);
	/* the point-1 run that was there first stands */
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT id FROM runs WHERE point_key LIKE '%1'"), 1);
	/* the failed run of point 3 is kept beside its complete run */
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT count(*) FROM runs WHERE point_key LIKE '%3'"), 2);
}
END_TEST

static void make_v1(const char *path)
{
	sqlite3 *sql = NULL;

	ck_assert_int_eq(sqlite3_open(path, &sql), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(sql, v1_sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(sql);
}

START_TEST(merge_version1_input_and_output)
{
	size_t n1, n2;
	char *bytes, *again;

	make_v1(d.v1);
	bytes = tu_read_file(d.v1, &n1);
	merge_ok(d.out, d.v1, NULL, 2, 0);
	merge_ok(d.out, d.v1, NULL, 0, 2);	/* identical runs, no point keys */
	again = tu_read_file(d.v1, &n2);
	ck_assert(n1 == n2 && !memcmp(bytes, again, n1));	/* read only */
	ck_assert_int_eq(tu_sql_int(d.out, "PRAGMA user_version"), 2);
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT count(*) FROM runs WHERE point_key IS NULL"), 2);
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT count(*) FROM runs WHERE host_seconds IS NULL AND"
			 " message = 'bad line' AND seed = 3"), 1);
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT writes FROM bank_stats"), 6);
	ck_assert_int_eq(tu_sql_int(d.out, "SELECT count(*) FROM stats"), 2);
	free(bytes);
	free(again);
	/* a version-1 OUT is migrated, its runs kept */
	make_a();
	merge_ok(d.v1, d.a, NULL, 3, 0);
	ck_assert_int_eq(tu_sql_int(d.v1, "PRAGMA user_version"), 2);
	ck_assert_int_eq(tu_sql_int(d.v1, "SELECT count(*) FROM runs"), 5);
	ck_assert_int_eq(tu_sql_int(d.v1, "SELECT min(id) FROM runs WHERE point_key IS NOT NULL"), 10);
}
END_TEST

/* db_merge refuses with a message starting "bad:" and OUT unchanged. */
static void refused(const char *bad, const char *why)
{
	const char *ins[] = { d.a, bad };
	struct db_merge_counts n;
	struct gs_err err = { "" };
	size_t n1, n2;
	char *before = tu_read_file(d.out, &n1), *after, prefix[600];

	ck_assert_int_eq(db_merge(d.out, ins, 2, &n, &err), -1);
	snprintf(prefix, sizeof prefix, "%s: ", bad);
	ck_assert_msg(!strncmp(err.msg, prefix, strlen(prefix)) && strstr(err.msg, why), "%s",
		      err.msg);
	after = tu_read_file(d.out, &n2);
	ck_assert(before && after && n1 == n2 && !memcmp(before, after, n1));
	free(before);
	free(after);
}

START_TEST(foreign_inputs_refused_out_unchanged)
{
	sqlite3 *sql = NULL;
	FILE *f;
	size_t n;
	char *bytes;

	make_a();
	add(d.out, "2026-12-07T09:00:00Z", NULL, "complete", 1);
	f = fopen(d.text, "w");
	fputs("not a database\n", f);
	fclose(f);
	refused(d.text, "not an SQLite database");
	/* a newer schema */
	ck_assert_int_eq(sqlite3_open(d.b, &sql), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(sql, "CREATE TABLE runs(id INTEGER PRIMARY KEY);"
				      "PRAGMA user_version = 3", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(sql);
	refused(d.b, "schema version 3");
	unlink(d.b);
	/* corrupt: a's pages after the first overwritten */
	bytes = tu_read_file(d.a, &n);
	ck_assert_uint_gt(n, 8192);
	memset(bytes + 4096 + 100, 0x5a, n - 4096 - 200);
	f = fopen(d.b, "wb");
	fwrite(bytes, 1, n, f);
	fclose(f);
	free(bytes);
	refused(d.b, "damaged database (PRAGMA quick_check: ");
	refused(d.out, "is the output database itself");
	refused("/nonexistent/x.db", "cannot open");
	/* OUT absent and an input refused: OUT is not created */
	unlink(d.out);
	{
		const char *ins[] = { d.text };
		struct db_merge_counts c;
		struct gs_err err = { "" };

		ck_assert_int_eq(db_merge(d.out, ins, 1, &c, &err), -1);
		ck_assert_int_eq(access(d.out, F_OK), -1);
	}
}
END_TEST

START_TEST(cli_merge_messages)
{
	char *out = NULL, want[1200];
	const char *ok[] = { "db", "merge", d.out, d.a, NULL };
	const char *bad[] = { "db", "merge", d.out, d.a, d.text, NULL };
	const char *none[] = { "db", "merge", d.out, NULL };
	const char *sub[] = { "db", "split", NULL };

	make_a();
	ck_assert_int_eq(tu_run_gssim(ok, &out), 0);
	snprintf(want, sizeof want, "merged 3 runs from 1 file into %s (0 already there)\n", d.out);
	ck_assert_str_eq(out, want);
	free(out);
	{
		FILE *f = fopen(d.text, "w");

		fputs("x\n", f);
		fclose(f);
	}
	ck_assert_int_eq(tu_run_gssim(bad, &out), 2);
	snprintf(want, sizeof want, "%s: ", d.text);
	ck_assert_msg(!strncmp(out, want, strlen(want)), "%s", out);
	free(out);
	ck_assert_int_eq(tu_run_gssim(none, &out), 2);
	free(out);
	ck_assert_int_eq(tu_run_gssim(sub, &out), 2);
	ck_assert_msg(strstr(out, "unknown subcommand 'split'"), "%s", out);
	free(out);
}
END_TEST

Suite *db_merge_suite(void)
{
	Suite *s = suite_create("db_merge");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, merge_is_idempotent_and_exact);
	tcase_add_test(tc, merge_renumbers_and_skips_complete_points);
	tcase_add_test(tc, merge_version1_input_and_output);
	tcase_add_test(tc, foreign_inputs_refused_out_unchanged);
	tcase_add_test(tc, cli_merge_messages);
	suite_add_tcase(s, tc);
	return s;
}
