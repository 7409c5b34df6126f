/*
** db_int.h: what the results-database files share (db.c: open, record;
** db_schema.c: create, check and migrate the schema). Not for other modules.
*/
#ifndef gs_db_int_h
#define gs_db_int_h

#include <sqlite3.h>
#include <stdint.h>

#include "err.h"

/* Several processes of a local sweep may queue on one file; a run's
** transaction takes milliseconds, so 30 s is only reached if something is
** holding the file open in a write transaction (e.g. an interactive shell). */
#define DB_BUSY_TIMEOUT_MS 30000

struct gs_db {
	sqlite3 *sql;
	char *path;
	int64_t version;	/* schema version of the file */
	int in_batch;	/* db_begin() opened a transaction that db_commit() ends */
};

/* "PATH: what: reason" from the connection's last error; returns -1. */
int db_sql_fail(struct gs_db *db, struct gs_err *err, const char *what);
/* Leave the connection outside any transaction. */
void db_rollback(struct gs_db *db);
/* One integer from a statement (PRAGMA user_version, count(*)). */
int db_query_int(sqlite3 *sql, const char *text, int64_t *out);

/* db_path.c: before opening, say what is wrong with path in words that
** name the cause ("DIR: no such directory, cannot create PATH", "DIR:
** directory is not writable, ...", "PATH: is a directory; ...", "PATH: file
** is read-only, ..."); -1 with err filled, 0 when the path looks usable
** (for writing: an existing regular writable file, or a new file, in a
** writable directory; for reading: an existing non-directory). */
int db_path_check_writable(const char *path, struct gs_err *err);
int db_path_check_readable(const char *path, struct gs_err *err);

/* Inside BEGIN IMMEDIATE: create the schema in an empty file, migrate a
** version-1 file to the current version, accept the current one, refuse
** anything else (then nothing is written). */
int db_schema_check_or_create(struct gs_db *db, struct gs_err *err);

/* Without writing: accept versions 1 and 2 (tables probed), set *version. */
int db_schema_check_readonly(struct gs_db *db, int64_t *version, struct gs_err *err);

#endif
