/*
** plot_db_int.h: what lab/plot_db.c (opening, selections) and
** lab/plot_db_vary.c (what differs among runs) share. Not an interface.
*/
#ifndef gs_plot_db_int_h
#define gs_plot_db_int_h

#include <sqlite3.h>

#include "plot_db.h"

struct pdb {
	sqlite3 *sql;
	char *path;
	int has_point_key;	/* schema v2 (runs.point_key) */
};

int pdb_prepare(struct pdb *db, const char *sql, sqlite3_stmt **st, struct gs_err *err);
/* Step a query; 1 = row, 0 = done, -1 = error (message set). */
int pdb_step(struct pdb *db, sqlite3_stmt *st, struct gs_err *err);
/* Column col as text, NULL for SQL NULL. */
const char *pdb_col_text(sqlite3_stmt *st, int col);
/* a and b are equal as text or as numbers (neither NULL). */
int pdb_same_value(const char *a, const char *b);

#endif
