/*
** db.c: the results database (see db.h; schema and guarantees in
** docs/results-db.md).
**
** Every write happens inside BEGIN IMMEDIATE, so a connection never has to
** upgrade a read lock to a write lock (the case where SQLite gives up with
** SQLITE_BUSY without waiting); concurrent writers simply queue on the busy
** timeout. A file is only inspected (never written) until it has been
** accepted, so refused files stay byte-for-byte as they were.
*/
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"

int db_sql_fail(struct gs_db *db, struct gs_err *err, const char *what)
{
	int rc = sqlite3_extended_errcode(db->sql);

	if ((rc & 0xff) == SQLITE_BUSY)
		return gs_errf(err, "%s: %s: database is locked by another "
			       "process (waited %d s)", db->path, what,
			       DB_BUSY_TIMEOUT_MS / 1000);
	if ((rc & 0xff) == SQLITE_NOTADB)
		return gs_errf(err, "%s: not an SQLite database; refusing to "
			       "use it as a results database", db->path);
	return gs_errf(err, "%s: %s: %s", db->path, what,
		       sqlite3_errmsg(db->sql));
}

/* Some errors (e.g. SQLITE_FULL) already rolled back automatically. */
void db_rollback(struct gs_db *db)
{
	if (!sqlite3_get_autocommit(db->sql))
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	db->in_batch = 0;
}

int db_query_int(sqlite3 *sql, const char *text, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(sql, text, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int db_open(struct gs_db **out, const char *path, struct gs_err *err)
{
	const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			  SQLITE_OPEN_NOMUTEX;
	struct gs_db *db;
	char *name = NULL;
	int rc;

	*out = NULL;
	if (!path || !*path)
		return gs_errf(err, "results database: empty path");
	/* Say what is wrong before SQLite creates or touches anything. */
	if (db_path_check_writable(path, err))
		return -1;
	db = calloc(1, sizeof *db);
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return gs_errf(err, "%s: cannot open: out of memory", path);
	}
	/* This SQLite may treat "file:..." as a URI; a plain path is meant. */
	if (strncmp(path, "file:", 5) == 0) {
		size_t n = strlen(path) + 3;

		name = malloc(n);
		if (!name) {
			gs_errf(err, "%s: cannot open: out of memory", path);
			goto fail;
		}
		snprintf(name, n, "./%s", path);
	}
	rc = sqlite3_open_v2(name ? name : path, &db->sql, flags, NULL);
	free(name);
	if (rc != SQLITE_OK) {
		int sys = db->sql ? sqlite3_system_errno(db->sql) : 0;

		gs_errf(err, "%s: cannot open: %s%s%s%s", path,
			db->sql ? sqlite3_errmsg(db->sql) : sqlite3_errstr(rc),
			sys ? " (" : "", sys ? strerror(sys) : "",
			sys ? ")" : "");
		goto fail;
	}
	if (sqlite3_db_readonly(db->sql, "main") == 1) {
		gs_errf(err, "%s: cannot open: file is read-only", path);
		goto fail;
	}
	sqlite3_extended_result_codes(db->sql, 1);
	sqlite3_busy_timeout(db->sql, DB_BUSY_TIMEOUT_MS);
	if (sqlite3_exec(db->sql, "PRAGMA foreign_keys = ON", NULL, NULL,
			 NULL)) {
		db_sql_fail(db, err, "cannot open");
		goto fail;
	}
	if (db_schema_check_or_create(db, err))
		goto fail;
	db->version = GS_DB_SCHEMA_VERSION;
	*out = db;
	return 0;

fail:
	db_close(db);
	return -1;
}

int db_open_readonly(struct gs_db **out, const char *path, struct gs_err *err)
{
	struct gs_db *db;
	int rc;

	*out = NULL;
	if (!path || !*path)
		return gs_errf(err, "results database: empty path");
	if (db_path_check_readable(path, err))
		return -1;
	db = calloc(1, sizeof *db);
	if (!db || !(db->path = strdup(path))) {
		free(db);
		return gs_errf(err, "%s: cannot open: out of memory", path);
	}
	/* no URI parsing, and never a journal or a new file */
	rc = sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		gs_errf(err, "%s: cannot open: %s", path,
			db->sql ? sqlite3_errmsg(db->sql) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(db->sql, 1);
	sqlite3_busy_timeout(db->sql, DB_BUSY_TIMEOUT_MS);
	if (db_schema_check_readonly(db, &db->version, err))
		goto fail;
	*out = db;
	return 0;
fail:
	db_close(db);
	return -1;
}

int db_version(const struct gs_db *db)
{
	return (int)db->version;
}

int db_point_states(struct gs_db *db, int (*fn)(void *ctx, const char *point_key,
						 const char *status),
		    void *ctx, struct gs_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (db->version == 1)
		return 0;	/* no run of a version-1 file has a point key */
	rc = sqlite3_prepare_v2(db->sql, "SELECT point_key, status FROM runs"
				" WHERE point_key IS NOT NULL", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_sql_fail(db, err, "cannot read");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(st, 0),
		       (const char *)sqlite3_column_text(st, 1))) {
			sqlite3_finalize(st);
			return gs_errf(err, "%s: out of memory", db->path);
		}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_sql_fail(db, err, "cannot read");
	return 0;
}

void db_close(struct gs_db *db)
{
	if (!db)
		return;
	sqlite3_close_v2(db->sql);
	free(db->path);
	free(db);
}

/* Non-finite doubles (e.g. ipc of a zero-cycle run) are stored as NULL:
** SQL has no NaN, and SQLite would silently turn NaN into NULL anyway while
** keeping infinities, which aggregate into nonsense. */
static int bind_real(sqlite3_stmt *st, int col, double v)
{
	return isfinite(v) ? sqlite3_bind_double(st, col, v) :
			     sqlite3_bind_null(st, col);
}

static int bind_text(sqlite3_stmt *st, int col, const char *s)
{
	return s ? sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC) :
		   sqlite3_bind_null(st, col);
}

/* Step a bound INSERT to completion and make it ready for the next row. */
static int step_insert(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int check_run(const struct db_run *run, const char **what)
{
	static const char *const statuses[] = {
		"complete", "failed", "interrupted"
	};
	const struct gs_stats *s = run->stats;
	int ok = 0;

	*what = NULL;
	if (!run->started_at)
		*what = "started_at is missing";
	else if (!run->config_name)
		*what = "config_name is missing";
	else if (!run->config_text)
		*what = "config_text is missing";
	else if (!run->config_hash)
		*what = "config_hash is missing";
	else if (!run->trace)
		*what = "trace is missing";
	else if (!run->version)
		*what = "gssim version is missing";
	else if (!run->status)
		*what = "status is missing";
	else if (run->nparams < 0 || (run->nparams > 0 && !run->params))
		*what = "bad parameter list";
	else if (s && (s->banks < 0 ||
		       (s->banks > 0 && (!s->bank_reads || !s->bank_writes))))
		*what = "bad per-bank statistics";
	if (*what)
		return -1;
	for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++)
		ok |= strcmp(run->status, statuses[i]) == 0;
	if (!ok) {
		*what = "status must be complete, failed or interrupted";
		return -1;
	}
	for (int i = 0; i < run->nparams; i++)
		if (!run->params[i].key || !run->params[i].value) {
			*what = "a parameter has no key or value";
			return -1;
		}
	for (int b = 0; s && b < s->banks; b++)
		if (s->bank_reads[b] > (uint64_t)INT64_MAX ||
		    s->bank_writes[b] > (uint64_t)INT64_MAX) {
			*what = "a per-bank count exceeds SQLite's integer range";
			return -1;
		}
	return 0;
}

static const char insert_run_sql[] =
	"INSERT INTO runs(started_at, config_name, config_text, config_hash,"
	" trace, gssim_version, host_seconds, status, message, seed, point_key)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char insert_param_sql[] =
	"INSERT INTO run_params(run_id, key, value) VALUES(?1, ?2, ?3)";
static const char insert_stat_sql[] =
	"INSERT INTO stats(run_id, name, value, unit) VALUES(?1, ?2, ?3, ?4)";
static const char insert_bank_sql[] =
	"INSERT INTO bank_stats(run_id, bank, reads, writes)"
	" VALUES(?1, ?2, ?3, ?4)";

static int insert_run_row(sqlite3 *sql, const struct db_run *run,
			  int64_t *id)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(sql, insert_run_sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	/* seed: the uint64 bit pattern as SQLite's signed 64-bit integer */
	if ((rc = bind_text(st, 1, run->started_at)) ||
	    (rc = bind_text(st, 2, run->config_name)) ||
	    (rc = bind_text(st, 3, run->config_text)) ||
	    (rc = bind_text(st, 4, run->config_hash)) ||
	    (rc = bind_text(st, 5, run->trace)) ||
	    (rc = bind_text(st, 6, run->version)) ||
	    (rc = bind_real(st, 7, run->host_seconds)) ||
	    (rc = bind_text(st, 8, run->status)) ||
	    (rc = bind_text(st, 9, run->message)) ||
	    (rc = sqlite3_bind_int64(st, 10, (sqlite3_int64)run->seed)) ||
	    (rc = bind_text(st, 11, run->point_key)) ||
	    (rc = step_insert(st)))
		goto out;
	*id = sqlite3_last_insert_rowid(sql);
out:
	sqlite3_finalize(st);
	return rc;
}

/* On a duplicate key, *dup names it. */
static int insert_params(sqlite3 *sql, const struct db_run *run, int64_t id,
			 const char **dup)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(sql, insert_param_sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_bind_int64(st, 1, id);
	for (int i = 0; rc == SQLITE_OK && i < run->nparams; i++) {
		if ((rc = bind_text(st, 2, run->params[i].key)) ||
		    (rc = bind_text(st, 3, run->params[i].value)))
			break;
		rc = step_insert(st);
		if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			*dup = run->params[i].key;
	}
	sqlite3_finalize(st);
	return rc;
}

static int insert_stats(sqlite3 *sql, const struct gs_stats *s, int64_t id)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(sql, insert_stat_sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_bind_int64(st, 1, id);
	for (int i = 0; rc == SQLITE_OK && i < ST__COUNT; i++) {
		if ((rc = bind_text(st, 2, stat_name(i))) ||
		    (rc = bind_real(st, 3, s->v[i])) ||
		    (rc = bind_text(st, 4, stat_unit(i))))
			break;
		rc = step_insert(st);
	}
	sqlite3_finalize(st);
	return rc;
}

static int insert_banks(sqlite3 *sql, const struct gs_stats *s, int64_t id)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(sql, insert_bank_sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_bind_int64(st, 1, id);
	for (int b = 0; rc == SQLITE_OK && b < s->banks; b++) {
		/* check_run() made sure both fit */
		sqlite3_int64 reads = (sqlite3_int64)s->bank_reads[b];
		sqlite3_int64 writes = (sqlite3_int64)s->bank_writes[b];

		if ((rc = sqlite3_bind_int(st, 2, b)) ||
		    (rc = sqlite3_bind_int64(st, 3, reads)) ||
		    (rc = sqlite3_bind_int64(st, 4, writes)))
			break;
		rc = step_insert(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* The id of the complete run of point_key, 0 if there is none. */
static int find_complete(sqlite3 *sql, const char *point_key, int64_t *id)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(sql, "SELECT id FROM runs WHERE point_key = ?1"
				    " AND status = 'complete'", -1, &st, NULL);

	*id = 0;
	if (rc != SQLITE_OK)
		return rc;
	if ((rc = bind_text(st, 1, point_key)) == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*id = sqlite3_column_int64(st, 0);
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(st);
	return rc;
}

int db_begin(struct gs_db *db, struct gs_err *err)
{
	if (db->in_batch)
		return gs_errf(err, "%s: internal error: batch already open", db->path);
	if (sqlite3_exec(db->sql, "BEGIN IMMEDIATE", NULL, NULL, NULL))
		return db_sql_fail(db, err, "cannot record runs");
	db->in_batch = 1;
	return 0;
}

int db_commit(struct gs_db *db, struct gs_err *err)
{
	if (!db->in_batch)
		return 0;
	if (sqlite3_exec(db->sql, "COMMIT", NULL, NULL, NULL)) {
		db_sql_fail(db, err, "cannot record runs");
		db_rollback(db);
		return -1;
	}
	db->in_batch = 0;
	return 0;
}

/* Inside a batch each run is a savepoint, so a bad run is undone alone. */
static int run_txn(struct gs_db *db, const char *what)
{
	static const char *const begin[] = { "BEGIN IMMEDIATE", "SAVEPOINT run" };
	static const char *const commit[] = { "COMMIT", "RELEASE run" };
	static const char *const undo[] = { "ROLLBACK", "ROLLBACK TO run; RELEASE run" };
	const char *sql = !strcmp(what, "begin") ? begin[db->in_batch] :
			  !strcmp(what, "commit") ? commit[db->in_batch] : undo[db->in_batch];

	return sqlite3_exec(db->sql, sql, NULL, NULL, NULL);
}

int db_record_run(struct gs_db *db, const struct db_run *run, int64_t *run_id,
		  struct gs_err *err)
{
	const char *what, *dup = NULL;
	int64_t id = 0, have = 0;

	if (check_run(run, &what))
		return gs_errf(err, "%s: cannot record run: %s", db->path,
			       what);
	if (run_txn(db, "begin"))
		return db_sql_fail(db, err, "cannot record run");
	if (run->point_key && !strcmp(run->status, "complete")) {
		if (find_complete(db->sql, run->point_key, &have))
			goto fail;
		if (have) {
			/* the same point is already complete: its result stands */
			run_txn(db, "undo");
			if (run_id)
				*run_id = have;
			return 1;
		}
	}
	if (insert_run_row(db->sql, run, &id) ||
	    insert_params(db->sql, run, id, &dup) ||
	    (run->stats && insert_stats(db->sql, run->stats, id)) ||
	    (run->stats && insert_banks(db->sql, run->stats, id)) ||
	    run_txn(db, "commit"))
		goto fail;
	if (run_id)
		*run_id = id;
	return 0;

fail:
	/* take the message before ROLLBACK replaces it */
	if (dup)
		gs_errf(err, "%s: cannot record run: parameter \"%s\" given "
			"twice", db->path, dup);
	else
		db_sql_fail(db, err, "cannot record run");
	if (db->in_batch) {
		if (sqlite3_get_autocommit(db->sql))
			db->in_batch = 0;	/* SQLite rolled the whole batch back */
		else
			run_txn(db, "undo");
	} else {
		db_rollback(db);
	}
	return -1;
}
