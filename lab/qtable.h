/*
** qtable.h: a small result table (named columns, rows of cells that are
** NULL, a number or text) and its three printed forms: an aligned text
** table, CSV (RFC 4180) and JSON (an array of objects). Used by gssim query
** for its reports and for --sql results, so all share one output format.
**
** Numbers print as integers when integral (counts: `1234`, not `1234.0`),
** otherwise with 4 decimals (`0.8333`; 4 significant digits below 0.001:
** `1.235e-05`). NULL prints as `-` in the text table, an empty field in
** CSV, null in JSON.
*/
#ifndef gs_qtable_h
#define gs_qtable_h

#include <stdint.h>
#include <stdio.h>

enum qt_kind { QT_NULL, QT_NUM, QT_TEXT };
enum qt_format { QT_TABLE, QT_CSV, QT_JSON };

struct qcell {
	enum qt_kind kind;
	double num;	/* QT_NUM */
	char *text;	/* as printed (QT_NUM and QT_TEXT), malloc'd */
};

struct qtable {
	int ncols;
	char **cols;		/* column names */
	struct qcell *cells;	/* nrows * ncols, row-major */
	int nrows, cap;
};

/* 0, or -1 when out of memory (then the table is empty but freeable). */
int qt_init(struct qtable *t, int ncols, const char *const *names);
void qt_free(struct qtable *t);
/* A new row of NULL cells; its index, or -1 when out of memory. */
int qt_add_row(struct qtable *t);
/* Set a cell (row, col) of an added row; -1 when out of memory. */
int qt_set_num(struct qtable *t, int row, int col, double v);
int qt_set_int(struct qtable *t, int row, int col, int64_t v);
/* A ratio with a fixed number of decimals (speedups, fractions). */
int qt_set_fixed(struct qtable *t, int row, int col, double v, int decimals);
int qt_set_text(struct qtable *t, int row, int col, const char *s);	/* NULL: NULL */
/* A recorded value (a parameter): a number, printed exactly as s, when s
** is a JSON number (16, 0.9, -1e-3); text otherwise. */
int qt_set_value(struct qtable *t, int row, int col, const char *s);
struct qcell *qt_cell(const struct qtable *t, int row, int col);

/* Print the whole table; -1 on a write error. */
int qt_print(FILE *f, const struct qtable *t, enum qt_format fmt);

/* A number as the table prints it. */
void qt_format_number(double v, char *buf, size_t n);

/* Order of two values as text: both numbers (whole text) compare
** numerically (8 < 16 < 64), a number before a non-number, otherwise
** strcmp; NULL first. */
int qt_compare(const char *a, const char *b);

#endif
