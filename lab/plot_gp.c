/*
** plot_gp.c: writing a plot's .dat and .gp files and running gnuplot on
** them (see plot_gp.h).
**
** Every string the script quotes (titles, labels, file names) is written
** single-quoted, where gnuplot knows no escapes but a doubled quote, and
** text is drawn with enhanced mode off, so '_' or '^' in a statistic or a
** pattern name stays what it is.
*/
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exit.h"
#include "plot_gp.h"

#define GP_STDERR_MAX 700
#define SQRT2 1.4142135623730951	/* bytes of gnuplot's stderr kept for the message */

void plot_table_free(struct plot_table *t)
{
	free(t->title);
	free(t->xlabel);
	free(t->ylabel);
	free(t->xhead);
	for (int c = 0; t->cols && c < t->ncols; c++)
		free(t->cols[c]);
	free(t->cols);
	for (size_t r = 0; t->xtext && r < t->nrows; r++)
		free(t->xtext[r]);
	free(t->xtext);
	free(t->xnum);
	free(t->v);
	*t = (struct plot_table){ 0 };
}

int plot_term_of(const char *image, enum plot_term *term, struct gs_err *err)
{
	const char *dot = strrchr(image, '.');
	const char *slash = strrchr(image, '/');

	if (dot && (!slash || dot > slash + 1)) {
		if (!strcasecmp(dot, ".png")) {
			*term = PLOT_PNG;
			return 0;
		}
		if (!strcasecmp(dot, ".svg")) {
			*term = PLOT_SVG;
			return 0;
		}
	}
	return gs_errf(err, "-o %s: expected an image name ending in .png or .svg", image);
}

void plot_number(double v, char *out, size_t n)
{
	if (isnan(v)) {
		snprintf(out, n, "?");
		return;
	}
	snprintf(out, n, "%.15g", v);
	if (strtod(out, NULL) != v)
		snprintf(out, n, "%.17g", v);
}

/* A .dat cell: tabs and newlines would split it, so they become spaces. */
static void put_cell(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

/* s single-quoted for gnuplot ('' inside, newlines as spaces). */
static void put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	}
	fputc('\'', f);
}

/* s double-quoted for gnuplot, a newline kept as \n (a title's second line). */
static void put_title(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s == '\r' ? ' ' : *s, f);
	}
	fputc('"', f);
}

static void write_dat(FILE *f, const struct plot_table *t)
{
	char num[40];

	fputs("# ", f);
	put_cell(f, t->xhead);
	for (int c = 0; c < t->ncols; c++) {
		fputc('\t', f);
		put_cell(f, t->cols[c]);
	}
	fputc('\n', f);
	for (size_t r = 0; r < t->nrows; r++) {
		if (t->x_numeric) {
			plot_number(t->xnum[r], num, sizeof num);
			fputs(num, f);
		} else {
			put_cell(f, t->xtext[r]);
		}
		for (int c = 0; c < t->ncols; c++) {
			plot_number(t->v[r * (size_t)t->ncols + (size_t)c], num, sizeof num);
			fprintf(f, "\t%s", num);
		}
		fputc('\n', f);
	}
}

static void write_terminal(FILE *f, enum plot_term term, const char *image)
{
	if (term == PLOT_SVG) {
		fputs("set terminal svg size 1000,600 dynamic noenhanced\n", f);
	} else {
		/* pngcairo draws better; plain png where gnuplot lacks cairo. */
		fputs("if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
		      "    set terminal pngcairo size 1000,600 noenhanced\n"
		      "} else {\n"
		      "    set terminal png size 1000,600 noenhanced\n"
		      "}\n", f);
	}
	fputs("set output ", f);
	put_quoted(f, image);
	fputc('\n', f);
}

/* Explicit tics at the data's x values: on a log2 axis they are the
** powers of two the sweep used, not gnuplot's guess; the range gets half
** a step of room each side so the end points are not on the border. */
static void write_log2_tics(FILE *f, const struct plot_table *t)
{
	char num[40];

	fprintf(f, "set logscale x 2\nset xrange [%.6g:%.6g]\nset xtics (", t->xnum[0] / SQRT2,
		t->xnum[t->nrows - 1] * SQRT2);
	for (size_t r = 0; r < t->nrows; r++) {
		plot_number(t->xnum[r], num, sizeof num);
		fprintf(f, "%s%s", r ? ", " : "", num);
	}
	fputs(")\n", f);
}

/* Ten distinguishable colours (one per cpi.* segment and then some):
** gnuplot's default cycle has eight, so a nine-part stack repeated one. */
static const char *const colours[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
	"#7f7f7f", "#bcbd22", "#17becf",
};
#define NCOLOURS (sizeof colours / sizeof *colours)

static void write_plot_lines(FILE *f, const struct plot_table *t, const char *dat)
{
	fputs("plot ", f);
	for (int c = 0; c < t->ncols; c++) {
		if (c)
			fputs(", \\\n     ", f);
		put_quoted(f, c ? "" : dat);
		if (t->x_numeric)
			fprintf(f, " using 1:%d title ", c + 2);
		else
			fprintf(f, " using 0:%d%s title ", c + 2, c ? "" : ":xtic(1)");
		put_quoted(f, t->cols[c]);
		fprintf(f, " with linespoints pointsize 1.2 linewidth 2 linecolor rgb '%s'",
			colours[(size_t)c % NCOLOURS]);
	}
	fputc('\n', f);
}

static void write_plot_stacked(FILE *f, const struct plot_table *t, const char *dat)
{
	fputs("set style data histograms\n"
	      "set style histogram rowstacked\n"
	      "set style fill solid 0.85 border -1\n"
	      "set boxwidth 0.75\n"
	      "set xtics rotate by -30 scale 0\n"
	      "set yrange [0:*]\n"
	      "plot ", f);
	for (int c = 0; c < t->ncols; c++) {
		if (c)
			fputs(", \\\n     ", f);
		put_quoted(f, c ? "" : dat);
		fprintf(f, " using %d%s title ", c + 2, c ? "" : ":xtic(1)");
		put_quoted(f, t->cols[c]);
		fprintf(f, " linecolor rgb '%s'", colours[(size_t)c % NCOLOURS]);
	}
	fputc('\n', f);
}

static void write_script(FILE *f, const struct plot_table *t, const char *base,
			 enum plot_term term)
{
	char dat[PLOT_NAME_MAX + 8], image[PLOT_NAME_MAX + 8];

	snprintf(dat, sizeof dat, "%s.dat", base);
	snprintf(image, sizeof image, "%s.%s", base, term == PLOT_SVG ? "svg" : "png");
	fprintf(f, "# Written by gssim plot. Edit and rerun `gnuplot %s.gp` in this\n"
		   "# directory: it reads %s (columns named in its first line).\n", base, dat);
	write_terminal(f, term, image);
	fputs("set datafile separator tab\nset datafile missing '?'\n", f);
	fputs("set title ", f);
	put_title(f, t->title);
	fputs("\nset xlabel ", f);
	put_quoted(f, t->xlabel);
	fputs("\nset ylabel ", f);
	put_quoted(f, t->ylabel);
	fputs("\nset key outside right top vertical\nset grid\n", f);
	if (t->style == PLOT_STACKED) {
		write_plot_stacked(f, t, dat);
		return;
	}
	/* room around the data, so no point sits on the border */
	fprintf(f, "set offsets %s, graph 0.05, graph 0.05\n",
		t->x_log2 ? "0, 0" : "graph 0.03, graph 0.03");
	if (t->x_log2)
		write_log2_tics(f, t);
	write_plot_lines(f, t, dat);
}

/* Write one file through fn; any write error is reported by path. */
static int write_file(const char *path, void (*fn)(FILE *, const void *), const void *ctx,
		      struct gs_err *err)
{
	FILE *f = fopen(path, "w");
	int bad;

	if (!f)
		return gs_errf(err, "%s: cannot write: %s", path, strerror(errno));
	fn(f, ctx);
	bad = ferror(f);
	if (fclose(f) || bad)
		return gs_errf(err, "%s: cannot write: %s", path, strerror(errno ? errno : EIO));
	return 0;
}

struct script_ctx {
	const struct plot_table *t;
	const char *base;
	enum plot_term term;
};

static void dat_fn(FILE *f, const void *ctx)
{
	write_dat(f, ctx);
}

static void script_fn(FILE *f, const void *ctx)
{
	const struct script_ctx *s = ctx;

	write_script(f, s->t, s->base, s->term);
}

int plot_gp_write(const struct plot_table *t, const char *dir, const char *base,
		  enum plot_term term, struct gs_err *err)
{
	size_t n = strlen(dir) + strlen(base) + 8;
	char *path = malloc(n);
	struct script_ctx s = { t, base, term };
	int rc = -1;

	if (!path)
		return gs_errf(err, "%s/%s: out of memory", dir, base);
	snprintf(path, n, "%s/%s.dat", dir, base);
	if (write_file(path, dat_fn, t, err))
		goto out;
	snprintf(path, n, "%s/%s.gp", dir, base);
	if (write_file(path, script_fn, &s, err))
		goto out;
	rc = 0;
out:
	free(path);
	return rc;
}

/* program itself if it names a path, else the first executable
** PATH/program; NULL if none (malloc'd). */
static char *find_program(const char *program)
{
	const char *path = getenv("PATH");

	if (strchr(program, '/'))
		return access(program, X_OK) ? NULL : strdup(program);
	for (const char *p = path ? path : ""; *p;) {
		size_t len = strcspn(p, ":");
		size_t n = len + strlen(program) + 3;
		char *cand = malloc(n);

		if (!cand)
			return NULL;
		/* an empty PATH entry is the current directory */
		snprintf(cand, n, "%.*s/%s", len ? (int)len : 1, len ? p : ".", program);
		if (!access(cand, X_OK))
			return cand;
		free(cand);
		p += len + (p[len] == ':');
	}
	return NULL;
}

/* Read fd to EOF, keeping the first max bytes in buf (NUL-terminated). */
static void drain(int fd, char *buf, size_t max)
{
	size_t len = 0;
	char chunk[512];
	ssize_t got;

	while ((got = read(fd, chunk, sizeof chunk)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (ssize_t i = 0; i < got && len < max; i++)
			buf[len++] = chunk[i];
	}
	buf[len] = '\0';
	while (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
}

int plot_gp_run(const char *program, const char *dir, const char *base, FILE *warn,
		struct gs_err *err)
{
	char *exe = find_program(program);
	char script[PLOT_NAME_MAX + 8], out[GP_STDERR_MAX + 1];
	int fds[2], status;
	pid_t pid;

	snprintf(script, sizeof script, "%s.gp", base);
	if (!exe) {
		gs_errf(err, "%s: not found on PATH: install gnuplot (apt-get install gnuplot-nox),"
			" then run `gnuplot %s` in %s (%s.dat and %s written)", program, script,
			dir, base, script);
		return EXIT_INPUT;
	}
	if (pipe(fds)) {
		free(exe);
		gs_errf(err, "%s: cannot run: %s", program, strerror(errno));
		return EXIT_INTERNAL;
	}
	fflush(NULL);
	if ((pid = fork()) < 0) {
		gs_errf(err, "%s: cannot run: %s", program, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		free(exe);
		return EXIT_INTERNAL;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		if (chdir(dir) == 0)
			execl(exe, program, script, (char *)NULL);
		fprintf(stderr, "cannot run %s in %s: %s", exe, dir, strerror(errno));
		_exit(127);
	}
	free(exe);
	close(fds[1]);
	drain(fds[0], out, GP_STDERR_MAX);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			gs_errf(err, "%s: lost the process: %s", program, strerror(errno));
			return EXIT_INTERNAL;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (warn && out[0])
			fprintf(warn, "%s\n", out);
		return EXIT_OK;
	}
	if (WIFEXITED(status))
		gs_errf(err, "%s %s/%s failed (exit %d):\n%s", program, dir, script,
			WEXITSTATUS(status), out);
	else
		gs_errf(err, "%s %s/%s killed by signal %d:\n%s", program, dir, script,
			WTERMSIG(status), out);
	return EXIT_INTERNAL;
}
