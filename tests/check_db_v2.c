/*
** check_db_v2.c: schema version 2 of the results database (sim/db.c,
** sim/db_schema.c): point keys (at most one complete run per point, failed
** runs never hiding a complete one), batches, and the migration of a
** version-1 file, made here with version 1's exact DDL.
*/
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "testutil.h"

/* Version 1's schema, verbatim from gssim 4d3bc78 (sim/db.c). */
static const char v1_sql[] =
	"CREATE TABLE runs(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  started_at TEXT NOT NULL,\n"
	"  config_name TEXT NOT NULL,\n"
	"  config_text TEXT NOT NULL,\n"
	"  config_hash TEXT NOT NULL,\n"
	"  trace TEXT NOT NULL,\n"
	"  gssim_version TEXT NOT NULL,\n"
	"  host_seconds REAL,\n"
	"  status TEXT NOT NULL\n"
	"    CHECK(status IN ('complete','failed','interrupted')),\n"
	"  message TEXT,\n"
	"  seed INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE TABLE run_params(\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
	"  key TEXT NOT NULL,\n"
	"  value TEXT NOT NULL,\n"
	"  PRIMARY KEY(run_id, key)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE stats(\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
	"  name TEXT NOT NULL,\n"
	"  value REAL,\n"
	"  unit TEXT NOT NULL,\n"
	"  PRIMARY KEY(run_id, name)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE bank_stats(\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
	"  bank INTEGER NOT NULL CHECK(bank >= 0),\n"
	"  reads INTEGER NOT NULL CHECK(reads >= 0),\n"
	"  writes INTEGER NOT NULL CHECK(writes >= 0),\n"
	"  PRIMARY KEY(run_id, bank)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX runs_by_config_hash ON runs(config_hash);\n"
	"CREATE INDEX run_params_by_key ON run_params(key, value);\n"
	"CREATE INDEX stats_by_name ON stats(name, value);\n"
	"CREATE VIEW run_summary AS\n"
	"  SELECT r.id AS id, r.config_name AS config_name, r.trace AS trace,\n"
	"    r.status AS status,\n"
	"    MAX(CASE WHEN s.name = 'cycles' THEN s.value END) AS cycles,\n"
	"    MAX(CASE WHEN s.name = 'insn.total' THEN s.value END)\n"
	"      AS insn_total,\n"
	"    MAX(CASE WHEN s.name = 'gse.gather.passes' THEN s.value END)\n"
	"      AS gse_gather_passes,\n"
	"    MAX(CASE WHEN s.name = 'gse.gather.conflicts' THEN s.value END)\n"
	"      AS gse_gather_conflicts,\n"
	"    MAX(CASE WHEN s.name = 'lanes.utilisation' THEN s.value END)\n"
	"      AS lanes_utilisation,\n"
	"    r.host_seconds AS host_seconds\n"
	"  FROM runs AS r LEFT JOIN stats AS s ON s.run_id = r.id\n"
	"  GROUP BY r.id;\n"
	"PRAGMA user_version = 1;\n";

static const struct db_param params[] = { { "pattern", "gs-v" }, { "scratchpad.banks", "16" } };

static struct db_run run_of(const char *status, const char *key, const struct gs_stats *s)
{
	return (struct db_run){
		.started_at = "2026-12-07T10:00:00Z", .config_name = "default",
		.config_text = "name: default\n", .config_hash = "0123456789abcdef",
		.trace = "t.gst", .version = "test", .host_seconds = 0.5,
		.status = status, .message = strcmp(status, "complete") ? "why" : NULL,
		.seed = 1, .point_key = key, .params = params, .nparams = 2, .stats = s,
	};
}

struct tmpdb {
	char *dir;
	char path[512];
};

static void tmpdb_init(struct tmpdb *t)
{
	t->dir = tu_temp_dir();
	snprintf(t->path, sizeof t->path, "%s/r.db", t->dir);
}

static void tmpdb_done(struct tmpdb *t)
{
	char j[600];

	snprintf(j, sizeof j, "%s-journal", t->path);
	unlink(j);
	unlink(t->path);
	rmdir(t->dir);
	free(t->dir);
}

static struct gs_db *open_ok(const char *path)
{
	struct gs_db *db = NULL;
	struct gs_err err = { "" };

	ck_assert_msg(db_open(&db, path, &err) == 0, "%s", err.msg);
	return db;
}

static int record(struct gs_db *db, const struct db_run *r, int64_t *id)
{
	struct gs_err err = { "" };
	int rc = db_record_run(db, r, id, &err);

	ck_assert_msg(rc >= 0, "%s", err.msg);
	return rc;
}

START_TEST(test_one_complete_run_per_point)
{
	struct tmpdb t;
	struct gs_db *db;
	struct gs_stats s = { 0 };
	struct db_run complete = run_of("complete", "aa", &s), failed = run_of("failed", "bb", NULL);
	int64_t id1 = 0, id2 = 0, id3 = 0;

	tmpdb_init(&t);
	db = open_ok(t.path);
	ck_assert_int_eq(record(db, &complete, &id1), 0);
	ck_assert_int_eq(record(db, &complete, &id2), 1);	/* already complete */
	ck_assert_int_eq(id2, id1);
	/* a failed run of point bb, then its complete run: both kept */
	ck_assert_int_eq(record(db, &failed, &id2), 0);
	complete.point_key = "bb";
	ck_assert_int_eq(record(db, &complete, &id3), 0);
	ck_assert_int_ne(id3, id2);
	/* failed runs of a complete point are still kept (the record of what happened) */
	failed.point_key = "aa";
	ck_assert_int_eq(record(db, &failed, NULL), 0);
	db_close(db);
	ck_assert_int_eq(tu_sql_int(t.path, "SELECT count(*) FROM runs"), 4);
	ck_assert_int_eq(tu_sql_int(t.path, "SELECT count(*) FROM runs WHERE status = 'complete'"), 2);
	ck_assert_int_eq(tu_sql_int(t.path, "SELECT count(*) FROM run_params"), 8);
	ck_assert_int_eq(tu_sql_int(t.path, "PRAGMA user_version"), 2);
	tmpdb_done(&t);
}
END_TEST

START_TEST(test_schema_enforces_unique_complete_point)
{
	struct tmpdb t;
	struct gs_db *db;
	struct gs_stats s = { 0 };
	struct db_run r = run_of("complete", "cc", &s);
	sqlite3 *sql = NULL;
	static const char dup[] =
		"INSERT INTO runs(started_at, config_name, config_text, config_hash, trace,"
		" gssim_version, status, point_key) VALUES('x','x','x','x','x','x','complete','cc')";
	static const char dup_failed[] =
		"INSERT INTO runs(started_at, config_name, config_text, config_hash, trace,"
		" gssim_version, status, point_key) VALUES('x','x','x','x','x','x','failed','cc')";

	tmpdb_init(&t);
	db = open_ok(t.path);
	record(db, &r, NULL);
	db_close(db);
	ck_assert_int_eq(sqlite3_open(t.path, &sql), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(sql, dup, NULL, NULL, NULL), SQLITE_CONSTRAINT);
	ck_assert_int_eq(sqlite3_exec(sql, dup_failed, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(sql);
	tmpdb_done(&t);
}
END_TEST

static int collect(void *ctx, const char *key, const char *status)
{
	char *buf = ctx;

	ck_assert_str_eq(status, "complete");
	strcat(buf, key);
	strcat(buf, ",");
	return 0;
}

START_TEST(test_batch_and_complete_keys)
{
	static const struct db_param twice[] = { { "a", "1" }, { "a", "2" } };
	struct tmpdb t;
	struct gs_db *db;
	struct gs_stats s = { 0 };
	struct gs_err err = { "" };
	struct db_run r = run_of("complete", "k1", &s), bad = run_of("complete", "k2", &s);
	char keys[256] = "";

	tmpdb_init(&t);
	db = open_ok(t.path);
	ck_assert_int_eq(db_begin(db, &err), 0);
	record(db, &r, NULL);
	bad.params = twice;
	ck_assert_int_eq(db_record_run(db, &bad, NULL, &err), -1);
	ck_assert_msg(strstr(err.msg, "parameter \"a\" given twice"), "%s", err.msg);
	r.point_key = "k3";
	record(db, &r, NULL);
	ck_assert_int_eq(db_commit(db, &err), 0);
	ck_assert_int_eq(db_point_states(db, collect, keys, &err), 0);
	db_close(db);
	/* the bad run alone was undone */
	ck_assert_str_eq(keys, "k1,k3,");
	ck_assert_int_eq(tu_sql_int(t.path, "SELECT count(*) FROM runs"), 2);
	ck_assert_int_eq(tu_sql_int(t.path, "SELECT count(*) FROM run_params"), 4);
	tmpdb_done(&t);
}
END_TEST

START_TEST(test_migrate_v1)
{
	struct tmpdb t;
	struct gs_db *db;
	struct gs_stats s = { 0 };
	struct db_run r = run_of("complete", "dd", &s);
	sqlite3 *sql = NULL;

	tmpdb_init(&t);
	ck_assert_int_eq(sqlite3_open(t.path, &sql), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(sql, v1_sql, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(sql,
		"INSERT INTO runs VALUES(7,'2026-11-24T19:52:00Z','old','y','h','t.gst','v1',"
		"1.5,'complete',NULL,3);"
		"INSERT INTO run_params VALUES(7,'pattern','dense');"
		"INSERT INTO stats VALUES(7,'cycles',100,'cycles');"
		"INSERT INTO bank_stats VALUES(7,0,5,6);", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(sql);
	ck_assert_int_eq(tu_sql_int(t.path, "PRAGMA user_version"), 1);

	db = open_ok(t.path);	/* migrates */
	ck_assert_int_eq(record(db, &r, NULL), 0);
	db_close(db);
	ck_assert_int_eq(tu_sql_int(t.path, "PRAGMA user_version"), 2);
	ck_assert_int_eq(tu_sql_int(t.path, "SELECT count(*) FROM runs WHERE id = 7 AND"
			 " config_name = 'old' AND host_seconds = 1.5 AND seed = 3 AND"
			 " point_key IS NULL"), 1);
	ck_assert_int_eq(tu_sql_int(t.path, "SELECT cycles FROM run_summary WHERE id = 7"), 100);
	ck_assert_int_eq(tu_sql_int(t.path, "SELECT count(*) FROM run_summary WHERE"
			 " point_key = 'dd'"), 1);
	ck_assert_int_eq(tu_sql_int(t.path, "SELECT count(*) FROM sqlite_master WHERE name IN"
			 " ('runs_complete_point', 'runs_by_point')"), 2);
	ck_assert_int_eq(tu_sql_int(t.path, "SELECT reads + writes FROM bank_stats WHERE run_id = 7"),
			 11);
	/* opening again changes nothing */
	db = open_ok(t.path);
	db_close(db);
	ck_assert_int_eq(tu_sql_int(t.path, "SELECT count(*) FROM runs"), 2);
	tmpdb_done(&t);
}
END_TEST

Suite *db_v2_suite(void)
{
	Suite *s = suite_create("db_v2");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_one_complete_run_per_point);
	tcase_add_test(tc, test_schema_enforces_unique_complete_point);
	tcase_add_test(tc, test_batch_and_complete_keys);
	tcase_add_test(tc, test_migrate_v1);
	suite_add_tcase(s, tc);
	return s;
}
