/*
** db_schema.c: the results database's tables, indexes and view (schema
** version 2, docs/results-db.md), and the migration of version-1 files.
**
** A file is only inspected (never written) until it has been accepted, so
** refused files stay byte-for-byte as they were. A version-1 file is
** migrated in place in the same write transaction that accepts it: one
** column and three indexes are added and the view is rebuilt; no existing
** row changes.
*/
#include <inttypes.h>
#include <stdio.h>

#include "db.h"
#include "db_int.h"

#define TABLES_SQL \
	"CREATE TABLE runs(\n" \
	"  id INTEGER PRIMARY KEY,\n" \
	"  started_at TEXT NOT NULL,\n" \
	"  config_name TEXT NOT NULL,\n" \
	"  config_text TEXT NOT NULL,\n" \
	"  config_hash TEXT NOT NULL,\n" \
	"  trace TEXT NOT NULL,\n" \
	"  gssim_version TEXT NOT NULL,\n" \
	"  host_seconds REAL,\n" \
	"  status TEXT NOT NULL\n" \
	"    CHECK(status IN ('complete','failed','interrupted')),\n" \
	"  message TEXT,\n" \
	"  seed INTEGER NOT NULL DEFAULT 0,\n" \
	"  point_key TEXT\n" \
	");\n" \
	"CREATE TABLE run_params(\n" \
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n" \
	"  key TEXT NOT NULL,\n" \
	"  value TEXT NOT NULL,\n" \
	"  PRIMARY KEY(run_id, key)\n" \
	") WITHOUT ROWID;\n" \
	"CREATE TABLE stats(\n" \
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n" \
	"  name TEXT NOT NULL,\n" \
	"  value REAL,\n" \
	"  unit TEXT NOT NULL,\n" \
	"  PRIMARY KEY(run_id, name)\n" \
	") WITHOUT ROWID;\n" \
	"CREATE TABLE bank_stats(\n" \
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n" \
	"  bank INTEGER NOT NULL CHECK(bank >= 0),\n" \
	"  reads INTEGER NOT NULL CHECK(reads >= 0),\n" \
	"  writes INTEGER NOT NULL CHECK(writes >= 0),\n" \
	"  PRIMARY KEY(run_id, bank)\n" \
	") WITHOUT ROWID;\n" \
	"CREATE INDEX runs_by_config_hash ON runs(config_hash);\n" \
	"CREATE INDEX run_params_by_key ON run_params(key, value);\n" \
	"CREATE INDEX stats_by_name ON stats(name, value);\n"

/* What version 2 adds to version 1 besides the column. */
#define POINT_INDEXES_SQL \
	"CREATE UNIQUE INDEX runs_complete_point ON runs(point_key)\n" \
	"  WHERE status = 'complete';\n" \
	"CREATE INDEX runs_by_point ON runs(point_key);\n"

#define VIEW_SQL \
	"CREATE VIEW run_summary AS\n" \
	"  SELECT r.id AS id, r.config_name AS config_name, r.trace AS trace,\n" \
	"    r.status AS status,\n" \
	"    MAX(CASE WHEN s.name = 'cycles' THEN s.value END) AS cycles,\n" \
	"    MAX(CASE WHEN s.name = 'insn.total' THEN s.value END)\n" \
	"      AS insn_total,\n" \
	"    MAX(CASE WHEN s.name = 'gse.gather.passes' THEN s.value END)\n" \
	"      AS gse_gather_passes,\n" \
	"    MAX(CASE WHEN s.name = 'gse.gather.conflicts' THEN s.value END)\n" \
	"      AS gse_gather_conflicts,\n" \
	"    MAX(CASE WHEN s.name = 'lanes.utilisation' THEN s.value END)\n" \
	"      AS lanes_utilisation,\n" \
	"    r.host_seconds AS host_seconds,\n" \
	"    r.point_key AS point_key\n" \
	"  FROM runs AS r LEFT JOIN stats AS s ON s.run_id = r.id\n" \
	"  GROUP BY r.id;\n"

static const char schema_sql[] =
	TABLES_SQL POINT_INDEXES_SQL VIEW_SQL "PRAGMA user_version = 2;\n";

static const char migrate_v1_sql[] =
	"ALTER TABLE runs ADD COLUMN point_key TEXT;\n"
	POINT_INDEXES_SQL
	"DROP VIEW run_summary;\n"
	VIEW_SQL
	"PRAGMA user_version = 2;\n";

/* One probe per table: preparing it fails if the table or a column the
** writer needs is missing, without reading or writing any row. Version 1
** files lack only runs.point_key. */
static const char *const schema_probes[] = {
	("SELECT id, started_at, config_name, config_text, config_hash,"
	 " trace, gssim_version, host_seconds, status, message, seed"
	 " FROM runs LIMIT 0"),
	"SELECT run_id, key, value FROM run_params LIMIT 0",
	"SELECT run_id, name, value, unit FROM stats LIMIT 0",
	"SELECT run_id, bank, reads, writes FROM bank_stats LIMIT 0",
	"SELECT point_key FROM runs LIMIT 0",
};

/* The first schema object not made by SQLite itself, copied into buf ("" if
** the schema is empty). */
static int first_user_object(sqlite3 *sql, char *buf, size_t size)
{
	static const char q[] =
		"SELECT type || ' ' || name FROM sqlite_master"
		" WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
		" ORDER BY type, name LIMIT 1";
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(sql, q, -1, &st, NULL);

	buf[0] = '\0';
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *s = sqlite3_column_text(st, 0);

		snprintf(buf, size, "%s", s ? (const char *)s : "?");
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The tables of `version` are all there (probes 0..n-1). */
static int probe_tables(struct gs_db *db, int64_t version, struct gs_err *err)
{
	size_t n = sizeof schema_probes / sizeof *schema_probes;

	if (version == 1)
		n--;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = NULL;

		if (sqlite3_prepare_v2(db->sql, schema_probes[i], -1, &st, NULL) != SQLITE_OK)
			return gs_errf(err, "%s: results database schema version %" PRId64
				       " but damaged: %s", db->path, version,
				       sqlite3_errmsg(db->sql));
		sqlite3_finalize(st);
	}
	return 0;
}

int db_schema_check_or_create(struct gs_db *db, struct gs_err *err)
{
	char other[256];
	int64_t version = 0;

	if (sqlite3_exec(db->sql, "BEGIN IMMEDIATE", NULL, NULL, NULL))
		return db_sql_fail(db, err, "cannot open");
	if (db_query_int(db->sql, "PRAGMA user_version", &version) ||
	    first_user_object(db->sql, other, sizeof other))
		goto fail_sql;
	if (version == 0 && other[0] == '\0') {
		if (sqlite3_exec(db->sql, schema_sql, NULL, NULL, NULL) ||
		    sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL))
			goto fail_sql;
		return 0;
	}
	if (version == 0) {
		db_rollback(db);
		return gs_errf(err, "%s: an SQLite database with other content "
			       "(%s) and no gssim schema; refusing to use it as a "
			       "results database", db->path, other);
	}
	if (version != 1 && version != GS_DB_SCHEMA_VERSION) {
		db_rollback(db);
		return gs_errf(err, "%s: results database schema version %" PRId64
			       ", this gssim reads 1 and writes %d", db->path, version,
			       GS_DB_SCHEMA_VERSION);
	}
	if (probe_tables(db, version, err)) {
		db_rollback(db);
		return -1;
	}
	if (version == 1) {
		if (sqlite3_exec(db->sql, migrate_v1_sql, NULL, NULL, NULL) ||
		    sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL))
			goto fail_sql;
		return 0;
	}
	db_rollback(db);	/* nothing was written; this just releases the lock */
	return 0;

fail_sql:
	db_sql_fail(db, err, "cannot open");
	db_rollback(db);
	return -1;
}

int db_schema_check_readonly(struct gs_db *db, int64_t *version, struct gs_err *err)
{
	char other[256];

	if (db_query_int(db->sql, "PRAGMA user_version", version) ||
	    first_user_object(db->sql, other, sizeof other))
		return db_sql_fail(db, err, "cannot open");
	if (*version == 0)
		return gs_errf(err, "%s: %s; not a gssim results database", db->path,
			       other[0] ? "an SQLite database with other content" :
			       "an empty database");
	if (*version != 1 && *version != GS_DB_SCHEMA_VERSION)
		return gs_errf(err, "%s: results database schema version %" PRId64
			       ", this gssim reads 1 and %d", db->path, *version,
			       GS_DB_SCHEMA_VERSION);
	return probe_tables(db, *version, err);
}
