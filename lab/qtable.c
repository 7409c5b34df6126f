/*
** qtable.c: result tables and their printing (see qtable.h).
*/
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "qtable.h"

int qt_init(struct qtable *t, int ncols, const char *const *names)
{
	memset(t, 0, sizeof *t);
	t->cols = calloc((size_t)ncols + 1, sizeof *t->cols);
	if (!t->cols)
		return -1;
	t->ncols = ncols;
	for (int c = 0; c < ncols; c++)
		if (!(t->cols[c] = strdup(names[c])))
			return -1;
	return 0;
}

void qt_free(struct qtable *t)
{
	for (int c = 0; t->cols && c < t->ncols; c++)
		free(t->cols[c]);
	for (int i = 0; t->cells && i < t->nrows * t->ncols; i++)
		free(t->cells[i].text);
	free(t->cols);
	free(t->cells);
	memset(t, 0, sizeof *t);
}

int qt_add_row(struct qtable *t)
{
	if (t->nrows == t->cap) {
		int cap = t->cap ? 2 * t->cap : 16;
		struct qcell *c = realloc(t->cells, (size_t)cap * (size_t)t->ncols * sizeof *c);

		if (!c)
			return -1;
		t->cells = c;
		t->cap = cap;
	}
	memset(&t->cells[(size_t)t->nrows * (size_t)t->ncols], 0,
	       (size_t)t->ncols * sizeof *t->cells);
	return t->nrows++;
}

struct qcell *qt_cell(const struct qtable *t, int row, int col)
{
	return &t->cells[(size_t)row * (size_t)t->ncols + (size_t)col];
}

static int set(struct qtable *t, int row, int col, enum qt_kind kind, double v, const char *s)
{
	struct qcell *c = qt_cell(t, row, col);
	char *text = s ? strdup(s) : NULL;

	if (s && !text)
		return -1;
	free(c->text);
	c->kind = s ? kind : QT_NULL;
	c->num = v;
	c->text = text;
	return 0;
}

void qt_format_number(double v, char *buf, size_t n)
{
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		snprintf(buf, n, "%.0f", v == 0 ? 0.0 : v);	/* no "-0" */
	else if (fabs(v) >= 1e-3)
		snprintf(buf, n, "%.4f", v);
	else
		snprintf(buf, n, "%.4g", v);
}

int qt_set_num(struct qtable *t, int row, int col, double v)
{
	char buf[64];

	if (!isfinite(v))
		return set(t, row, col, QT_NULL, 0, NULL);
	qt_format_number(v, buf, sizeof buf);
	return set(t, row, col, QT_NUM, v, buf);
}

int qt_set_fixed(struct qtable *t, int row, int col, double v, int decimals)
{
	char buf[64];

	if (!isfinite(v))
		return set(t, row, col, QT_NULL, 0, NULL);
	snprintf(buf, sizeof buf, "%.*f", decimals, v);
	return set(t, row, col, QT_NUM, v, buf);
}

int qt_set_int(struct qtable *t, int row, int col, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", (long long)v);
	return set(t, row, col, QT_NUM, (double)v, buf);
}

int qt_set_text(struct qtable *t, int row, int col, const char *s)
{
	return set(t, row, col, QT_TEXT, 0, s);
}

/* s is a number in JSON's syntax: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return 0;
	if (*s == '.') {
		if (!(*++s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return !*s;
}

int qt_set_value(struct qtable *t, int row, int col, const char *s)
{
	return set(t, row, col, s && json_number(s) ? QT_NUM : QT_TEXT, s ? strtod(s, NULL) : 0, s);
}

/* The whole of s is a finite number: *v. */
static int as_number(const char *s, double *v)
{
	char *end;

	if (!*s || *s == ' ')
		return 0;
	errno = 0;
	*v = strtod(s, &end);
	return !*end && !errno && isfinite(*v);
}

int qt_compare(const char *a, const char *b)
{
	double x, y;
	int na, nb;

	if (!a || !b)
		return !a && !b ? 0 : !a ? -1 : 1;
	na = as_number(a, &x);
	nb = as_number(b, &y);
	if (na && nb && x != y)
		return x < y ? -1 : 1;
	if (na != nb)
		return na ? -1 : 1;
	return strcmp(a, b);
}

/* Text width in characters (UTF-8: continuation bytes do not count). */
static int width(const char *s)
{
	int w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void pad(FILE *f, int n)
{
	while (n-- > 0)
		fputc(' ', f);
}

static void print_text_table(FILE *f, const struct qtable *t)
{
	int *w = calloc((size_t)t->ncols + 1, sizeof *w);
	int *right = calloc((size_t)t->ncols + 1, sizeof *right);

	if (!w || !right)
		goto out;
	for (int c = 0; c < t->ncols; c++) {
		w[c] = width(t->cols[c]);
		right[c] = 1;
		for (int r = 0; r < t->nrows; r++) {
			const struct qcell *x = qt_cell(t, r, c);
			int cw = x->text ? width(x->text) : 1;

			w[c] = cw > w[c] ? cw : w[c];
			if (x->kind == QT_TEXT)
				right[c] = 0;
		}
	}
	for (int r = -2; r < t->nrows; r++) {
		for (int c = 0; c < t->ncols; c++) {
			const char *s = r == -2 ? t->cols[c] : r == -1 ? NULL :
					qt_cell(t, r, c)->text ? qt_cell(t, r, c)->text : "-";
			int last = c == t->ncols - 1;

			if (c)
				fputs("  ", f);
			if (r == -1) {
				for (int i = 0; i < w[c]; i++)
					fputc('-', f);
				continue;
			}
			if (right[c])
				pad(f, w[c] - width(s));
			fputs(s, f);
			if (!right[c] && !last)
				pad(f, w[c] - width(s));
		}
		fputc('\n', f);
	}
out:
	free(w);
	free(right);
}

static void csv_field(FILE *f, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void print_csv(FILE *f, const struct qtable *t)
{
	for (int r = -1; r < t->nrows; r++) {
		for (int c = 0; c < t->ncols; c++) {
			if (c)
				fputc(',', f);
			csv_field(f, r < 0 ? t->cols[c] : qt_cell(t, r, c)->text);
		}
		fputs("\r\n", f);
	}
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch == '\t')
			fputs("\\t", f);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void print_json(FILE *f, const struct qtable *t)
{
	fputc('[', f);
	for (int r = 0; r < t->nrows; r++) {
		fputs(r ? ",\n {" : "\n {", f);
		for (int c = 0; c < t->ncols; c++) {
			const struct qcell *x = qt_cell(t, r, c);

			if (c)
				fputs(", ", f);
			json_string(f, t->cols[c]);
			fputs(": ", f);
			if (x->kind == QT_NULL)
				fputs("null", f);
			else if (x->kind == QT_NUM)
				fputs(x->text, f);
			else
				json_string(f, x->text);
		}
		fputc('}', f);
	}
	fputs(t->nrows ? "\n]\n" : "]\n", f);
}

int qt_print(FILE *f, const struct qtable *t, enum qt_format fmt)
{
	if (fmt == QT_CSV)
		print_csv(f, t);
	else if (fmt == QT_JSON)
		print_json(f, t);
	else
		print_text_table(f, t);
	return fflush(f) || ferror(f) ? -1 : 0;
}
