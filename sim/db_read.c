/*
** db_read.c: read-only SQL on a results database (see db_read.h).
**
** Two guards keep a query from writing: the connection is read-only
** (db_open_readonly), and a statement SQLite does not call read-only
** (sqlite3_stmt_readonly: INSERT, CREATE, PRAGMA x = y, ATTACH, ...) is
** refused before it is stepped.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "db_read.h"

const char *db_path(const struct gs_db *db)
{
	return db->path;
}

int db_read_begin(struct gs_db *db, struct gs_err *err)
{
	if (sqlite3_exec(db->sql, "BEGIN", NULL, NULL, NULL))
		return db_sql_fail(db, err, "cannot read");
	return 0;
}

void db_read_end(struct gs_db *db)
{
	db_rollback(db);
}

/* Only whitespace and comments left after the statement. */
static int only_blank(const char *tail)
{
	while (*tail) {
		if (*tail == ' ' || *tail == '\t' || *tail == '\n' || *tail == '\r' ||
		    *tail == ';') {
			tail++;
		} else if (!strncmp(tail, "--", 2)) {
			while (*tail && *tail != '\n')
				tail++;
		} else if (!strncmp(tail, "/*", 2)) {
			const char *end = strstr(tail + 2, "*/");

			if (!end)
				return 1;
			tail = end + 2;
		} else {
			return 0;
		}
	}
	return 1;
}

static int prepare(struct gs_db *db, const char *sql, sqlite3_stmt **st, struct gs_err *err)
{
	const char *tail = NULL;

	*st = NULL;
	if (sqlite3_prepare_v2(db->sql, sql, -1, st, &tail) != SQLITE_OK)
		return gs_errf(err, "%s: SQL: %s", db->path, sqlite3_errmsg(db->sql));
	if (!*st)
		return gs_errf(err, "%s: SQL: empty statement", db->path);
	if (tail && !only_blank(tail))
		return gs_errf(err, "%s: SQL: one statement only (more follows \"%.20s\")",
			       db->path, tail);
	if (!sqlite3_stmt_readonly(*st))
		return gs_errf(err, "%s: SQL: only read-only statements (SELECT, WITH, "
			       "read-only PRAGMA) are allowed", db->path);
	return 0;
}

static void fill_value(sqlite3_stmt *st, int c, struct db_value *v)
{
	v->type = DB_NULL;
	v->i = 0;
	v->d = 0;
	v->s = NULL;
	switch (sqlite3_column_type(st, c)) {
	case SQLITE_INTEGER:
		v->type = DB_INT;
		v->i = sqlite3_column_int64(st, c);
		v->d = (double)v->i;
		break;
	case SQLITE_FLOAT:
		v->type = DB_REAL;
		v->d = sqlite3_column_double(st, c);
		break;
	case SQLITE_NULL:
		return;
	default:
		v->type = DB_TEXT;
		break;
	}
	v->s = (const char *)sqlite3_column_text(st, c);
}

int db_read_rows(struct gs_db *db, const char *sql, const char *const *args, int nargs,
		 db_row_fn *fn, void *ctx, struct gs_err *err)
{
	sqlite3_stmt *st = NULL;
	const char **names = NULL;
	struct db_value *vals = NULL;
	int n, rc = -1, step;

	if (prepare(db, sql, &st, err))
		goto out;
	for (int a = 0; a < nargs; a++)
		if ((args[a] ? sqlite3_bind_text(st, a + 1, args[a], -1, SQLITE_STATIC) :
			       sqlite3_bind_null(st, a + 1)) != SQLITE_OK) {
			gs_errf(err, "%s: SQL: %s", db->path, sqlite3_errmsg(db->sql));
			goto out;
		}
	n = sqlite3_column_count(st);
	names = calloc((size_t)n + 1, sizeof *names);
	vals = calloc((size_t)n + 1, sizeof *vals);
	if (!names || !vals)
		goto oom;
	for (int c = 0; c < n; c++)
		names[c] = sqlite3_column_name(st, c);
	if (fn(ctx, n, names, NULL))
		goto oom;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		for (int c = 0; c < n; c++)
			fill_value(st, c, &vals[c]);
		if (fn(ctx, n, names, vals))
			goto oom;
	}
	if (step != SQLITE_DONE) {
		db_sql_fail(db, err, "SQL");
		goto out;
	}
	rc = 0;
	goto out;
oom:
	gs_errf(err, "%s: out of memory", db->path);
out:
	free(names);
	free(vals);
	sqlite3_finalize(st);
	return rc;
}
