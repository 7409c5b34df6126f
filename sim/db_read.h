/*
** db_read.h: read-only SQL on an open results database (gssim query). The
** database is opened with db_open_readonly() (db.h), version 1 or 2; this
** module runs SELECT statements on it and hands each row to a callback,
** without exposing SQLite to the caller.
*/
#ifndef gs_db_read_h
#define gs_db_read_h

#include <stdint.h>

#include "db.h"
#include "err.h"

enum db_type { DB_NULL, DB_INT, DB_REAL, DB_TEXT };

struct db_value {
	enum db_type type;
	int64_t i;		/* DB_INT */
	double d;		/* DB_INT and DB_REAL */
	const char *s;		/* the value as text (NULL for DB_NULL); valid during the call */
};

/* Called once with vals == NULL (the column names, even for an empty
** result), then once per row. Returns nonzero to stop (out of memory). */
typedef int db_row_fn(void *ctx, int ncols, const char *const *names,
		      const struct db_value *vals);

/* Run one read-only statement with text parameters ?1..?nargs bound to
** args (NULL binds NULL). A statement that would write, or several
** statements, are refused: "PATH: SQL: ..." (the SQLite message for a
** syntax error or an unknown table/column). Returns -1 with err set, or
** when fn stopped ("PATH: out of memory"). */
int db_read_rows(struct gs_db *db, const char *sql, const char *const *args, int nargs,
		 db_row_fn *fn, void *ctx, struct gs_err *err);

/* Hold one read transaction across several db_read_rows (a consistent view
** while a sweep may be writing). db_read_end after db_read_begin, always. */
int db_read_begin(struct gs_db *db, struct gs_err *err);
void db_read_end(struct gs_db *db);

/* The file's path as given to db_open / db_open_readonly. */
const char *db_path(const struct gs_db *db);

#endif
