/*
** check_plot.c: `gssim plot` (lab/plot*.c, cli/cmd_plot.c). Databases are
** built through sim/db.h with known parameters and statistics, so every
** .dat file is checked to the byte; the .gp scripts for units, the data
** file and the axis. gnuplot itself is replaced by small shell scripts
** (missing, failing, checking its directory and argument) so those paths
** are tested on every machine; the real one draws a PNG and an SVG when
** it is installed. One test runs the binary on runs made by `gssim run`.
*/
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "exit.h"
#include "plot.h"
#include "stats.h"
#include "testutil.h"

/* ---- fixtures ---- */

struct fixture {
	char *dir;
	char db[512];
	char image[512];
};

static void fx_init(struct fixture *f, const char *image_name)
{
	f->dir = tu_temp_dir();
	snprintf(f->db, sizeof f->db, "%s/r.db", f->dir);
	snprintf(f->image, sizeof f->image, "%s/%s", f->dir, image_name);
}

static void fx_done(struct fixture *f)
{
	DIR *d = opendir(f->dir);
	struct dirent *e;
	char path[1024];

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof path, "%s/%s", f->dir, e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(f->dir);
	free(f->dir);
}

/* The sibling of f->image with extension ext (".dat", ".gp"). */
static char *sibling(const struct fixture *f, const char *ext)
{
	static char path[600];
	const char *dot = strrchr(f->image, '.');

	snprintf(path, sizeof path, "%.*s%s", (int)(dot - f->image), f->image, ext);
	return path;
}

static char *read_sibling(const struct fixture *f, const char *ext)
{
	char *text = tu_read_file(sibling(f, ext), NULL);

	ck_assert_msg(text != NULL, "%s not written", sibling(f, ext));
	return text;
}

/* One complete run: params (NULL-terminated key, value pairs), cycles;
** the cycle stack is half issue, a quarter bank conflicts, a quarter
** drain; gathers: 8, passes: cycles / 10. */
static void add_run(struct gs_db *db, const char *status, double cycles, const char *const *kv)
{
	struct db_param params[16];
	struct gs_stats st;
	struct gs_err err = { "" };
	int64_t id;
	int n = 0;

	for (; kv[2 * n]; n++)
		params[n] = (struct db_param){ kv[2 * n], kv[2 * n + 1] };
	memset(&st, 0, sizeof st);
	st.v[ST_CYCLES] = cycles;
	st.v[ST_CPI_ISSUE] = cycles / 2;
	st.v[ST_CPI_BANK_CONFLICT] = cycles / 4;
	st.v[ST_CPI_DRAIN] = cycles / 4;
	st.v[ST_GATHER_COUNT] = 8;
	st.v[ST_GATHER_PASSES] = cycles / 10;
	ck_assert_msg(db_record_run(db, &(struct db_run){
		.started_at = "2026-12-07T10:00:00Z", .config_name = "default",
		.config_text = "name: default\n", .config_hash = "0123456789abcdef",
		.trace = "t.gst", .version = "test", .host_seconds = 0.5, .status = status,
		.message = strcmp(status, "complete") ? "why" : NULL, .params = params,
		.nparams = n, .stats = &st }, &id, &err) >= 0, "%s", err.msg);
}

#define RUN(db, cycles, ...) add_run(db, "complete", cycles, (const char *const[]){ __VA_ARGS__, NULL })

/* A bank sweep: gs-v at 4, 8, 16 banks, block:8x1 at 4 and 16, and a
** failed gs-v run at 32 banks that no plot may show. */
static void make_bank_sweep(const char *path)
{
	struct gs_db *db = NULL;
	struct gs_err err = { "" };

	ck_assert_msg(db_open(&db, path, &err) == 0, "%s", err.msg);
	RUN(db, 400, "pattern", "gs-v", "scratchpad.banks", "4");
	RUN(db, 200, "pattern", "gs-v", "scratchpad.banks", "8");
	RUN(db, 100, "pattern", "gs-v", "scratchpad.banks", "16");
	RUN(db, 500, "pattern", "block:8x1", "scratchpad.banks", "4");
	RUN(db, 300, "pattern", "block:8x1", "scratchpad.banks", "16");
	add_run(db, "failed", 999, (const char *const[]){ "pattern", "gs-v",
		"scratchpad.banks", "32", NULL });
	db_close(db);
}

static int plot(const struct fixture *f, const char *kind, const char *stat, const char *x,
		const char *series, const char *const *where, int nwhere, const char *gnuplot,
		struct gs_err *err)
{
	struct plot_req req = {
		.db = f->db, .kind = kind, .stat = stat, .x = x, .series = series,
		.where = where, .nwhere = nwhere, .image = f->image, .gnuplot = gnuplot,
	};

	memset(err, 0, sizeof *err);
	return plot_make(&req, err);
}

/* A stand-in gnuplot: exits 0 only when run in the image's directory on
** the script it was given, with the data file beside it. */
static char *fake_gnuplot(const char *body)
{
	char *path = tu_write_temp(".sh", body);

	ck_assert_int_eq(chmod(path, 0755), 0);
	return path;
}

static const char ok_gnuplot[] =
	"#!/bin/sh\n[ \"$1\" = a.gp ] && [ -f a.gp ] && [ -f a.dat ] || exit 3\n";

static const char cpi_head[] =
	"cpi.issue\tcpi.dep_alu\tcpi.spm_latency\tcpi.bank_conflict\tcpi.gse_queue\t"
	"cpi.mem_bandwidth\tcpi.mem_latency\tcpi.dma_wait\tcpi.drain\n";

/* ---- stat ---- */

START_TEST(test_stat_lines)
{
	struct fixture f;
	struct gs_err err;
	char *gp = fake_gnuplot(ok_gnuplot), *dat, *script;

	fx_init(&f, "a.png");
	make_bank_sweep(f.db);
	ck_assert_int_eq(plot(&f, "stat", "cycles", "scratchpad.banks", NULL, NULL, 0, gp, &err),
			 EXIT_OK);
	dat = read_sibling(&f, ".dat");
	/* series sorted by name, x by number; block:8x1 has no 8-bank run */
	ck_assert_str_eq(dat, "# scratchpad.banks\tblock:8x1\tgs-v\n"
			 "4\t500\t400\n"
			 "8\t?\t200\n"
			 "16\t300\t100\n");
	script = read_sibling(&f, ".gp");
	ck_assert_ptr_nonnull(strstr(script, "set xlabel 'scratchpad.banks (banks)'\n"));
	ck_assert_ptr_nonnull(strstr(script, "set ylabel 'cycles (cycles)'\n"));
	ck_assert_ptr_nonnull(strstr(script, "set output 'a.png'\n"));
	ck_assert_ptr_nonnull(strstr(script, "plot 'a.dat' using 1:2 title 'block:8x1'"));
	ck_assert_ptr_nonnull(strstr(script, "'' using 1:3 title 'gs-v'"));
	ck_assert_ptr_nonnull(strstr(script, "set logscale x 2\nset xrange [2.82843:22.6274]\n"
				     "set xtics (4, 8, 16)\n"));
	ck_assert_ptr_nonnull(strstr(script, "set key outside"));
	ck_assert_ptr_nonnull(strstr(script, "pngcairo"));
	ck_assert_ptr_nonnull(strstr(script, "set title \""));
	ck_assert_ptr_nonnull(strstr(script, "r.db: cycles vs scratchpad.banks, one line per"
				     " pattern\"\n"));
	free(dat);
	free(script);
	tu_remove_temp(gp);
	fx_done(&f);
}
END_TEST

START_TEST(test_stat_ratio_where_and_text_x)
{
	struct fixture f;
	struct gs_err err;
	const char *where[] = { "pattern=gs-v", "scratchpad.banks=16.0" };
	const char *where8[] = { "scratchpad.banks=8" };
	char *gp = fake_gnuplot(ok_gnuplot), *dat, *script;

	fx_init(&f, "a.svg");
	make_bank_sweep(f.db);
	/* passes per gather: cycles / 10 / 8; --where compares numbers as numbers */
	ck_assert_int_eq(plot(&f, "stat", "gse.gather.passes/gse.gather.count", "scratchpad.banks",
			      NULL, where, 2, gp, &err), EXIT_OK);
	dat = read_sibling(&f, ".dat");
	ck_assert_str_eq(dat, "# scratchpad.banks\tgs-v\n16\t1.25\n");
	free(dat);
	script = read_sibling(&f, ".gp");
	ck_assert_ptr_nonnull(strstr(script, "set ylabel 'gse.gather.passes/gse.gather.count"
				     " (passes/gathers)'\n"));
	ck_assert_ptr_nonnull(strstr(script, "set terminal svg"));
	ck_assert_ptr_nonnull(strstr(script, "one line per pattern\\n(where pattern=gs-v,"
				     " scratchpad.banks=16.0)\"\n"));
	ck_assert_ptr_null(strstr(script, "logscale"));	/* one x value */
	free(script);
	/* text x: one tic per value, series numeric */
	ck_assert_int_eq(plot(&f, "stat", NULL, "pattern", "scratchpad.banks", NULL, 0, gp, &err),
			 EXIT_OK);
	dat = read_sibling(&f, ".dat");
	ck_assert_str_eq(dat, "# pattern\t4\t8\t16\n"
			 "block:8x1\t500\t?\t300\n"
			 "gs-v\t400\t200\t100\n");
	free(dat);
	script = read_sibling(&f, ".gp");
	ck_assert_ptr_nonnull(strstr(script, "plot 'a.dat' using 0:2:xtic(1) title '4'"));
	ck_assert_ptr_nonnull(strstr(script, "set xlabel 'pattern'\n"));
	free(script);
	/* a --where nothing matches names the values there are */
	ck_assert_int_eq(plot(&f, "stat", NULL, "pattern", NULL, (const char *[]){ "pattern=nm" },
			      1, gp, &err), EXIT_INPUT);
	ck_assert_msg(strstr(err.msg, "no complete run matches --where pattern=nm (pattern there:"
			     " block:8x1, gs-v)"), "%s", err.msg);
	/* one series: every run at 8 banks is gs-v */
	ck_assert_int_eq(plot(&f, "stat", NULL, "scratchpad.banks", NULL, where8, 1, gp, &err),
			 EXIT_OK);
	dat = read_sibling(&f, ".dat");
	ck_assert_str_eq(dat, "# scratchpad.banks\tgs-v\n8\t200\n");
	free(dat);
	tu_remove_temp(gp);
	fx_done(&f);
}
END_TEST

START_TEST(test_ambiguous_points_refused)
{
	struct fixture f;
	struct gs_db *db = NULL;
	struct gs_err err;
	const char *seed1[] = { "seed=1" };
	char *gp = fake_gnuplot(ok_gnuplot), *dat;

	fx_init(&f, "a.png");
	ck_assert_int_eq(db_open(&db, f.db, &err), 0);
	RUN(db, 400, "pattern", "gs-v", "scratchpad.banks", "4", "seed", "0");
	RUN(db, 410, "pattern", "gs-v", "scratchpad.banks", "4", "seed", "1");
	RUN(db, 200, "pattern", "gs-v", "scratchpad.banks", "8", "seed", "1");
	db_close(db);
	ck_assert_int_eq(plot(&f, "stat", NULL, "scratchpad.banks", NULL, NULL, 0, gp, &err),
			 EXIT_INPUT);
	ck_assert_msg(strstr(err.msg, "2 runs on one point (scratchpad.banks=4, pattern=gs-v;"
			     " run ids 1, 2) differ in seed: choose with --where, e.g. --where"
			     " seed=0"), "%s", err.msg);
	ck_assert_ptr_null(tu_read_file(sibling(&f, ".dat"), NULL));	/* nothing written */
	ck_assert_int_eq(plot(&f, "breakdown", NULL, "scratchpad.banks", NULL, NULL, 0, gp, &err),
			 EXIT_INPUT);
	ck_assert_msg(strstr(err.msg, "differ in seed"), "%s", err.msg);
	ck_assert_int_eq(plot(&f, "stat", NULL, "scratchpad.banks", NULL, seed1, 1, gp, &err),
			 EXIT_OK);
	dat = read_sibling(&f, ".dat");
	ck_assert_str_eq(dat, "# scratchpad.banks\tgs-v\n4\t410\n8\t200\n");
	free(dat);
	tu_remove_temp(gp);
	fx_done(&f);
}
END_TEST

START_TEST(test_bad_requests)
{
	struct fixture f;
	struct gs_err err;
	char *gp = fake_gnuplot(ok_gnuplot);

	fx_init(&f, "a.png");
	make_bank_sweep(f.db);
	ck_assert_int_eq(plot(&f, "pie", NULL, NULL, NULL, NULL, 0, gp, &err), EXIT_INPUT);
	ck_assert_msg(strstr(err.msg, "unknown plot kind 'pie'"), "%s", err.msg);
	ck_assert_int_eq(plot(&f, "stat", "cycels", "scratchpad.banks", NULL, NULL, 0, gp, &err),
			 EXIT_INPUT);
	ck_assert_msg(strstr(err.msg, "--stat cycels: no statistic cycels"), "%s", err.msg);
	ck_assert_int_eq(plot(&f, "stat", "cycles/nope", "scratchpad.banks", NULL, NULL, 0, gp,
			      &err), EXIT_INPUT);
	ck_assert_msg(strstr(err.msg, "no statistic nope"), "%s", err.msg);
	ck_assert_int_eq(plot(&f, "stat", NULL, "vector.lanes", NULL, NULL, 0, gp, &err),
			 EXIT_INPUT);
	ck_assert_msg(strstr(err.msg, "--x vector.lanes: no key vector.lanes in ") &&
		      strstr(err.msg, "(run_params keys: pattern, scratchpad.banks;"), "%s", err.msg);
	ck_assert_int_eq(plot(&f, "stat", NULL, NULL, NULL, NULL, 0, gp, &err), EXIT_INPUT);
	ck_assert_int_eq(plot(&f, "breakdown", "cycles", NULL, NULL, NULL, 0, gp, &err),
			 EXIT_INPUT);
	ck_assert_int_eq(plot(&f, "sparsity", NULL, NULL, NULL, NULL, 0, gp, &err), EXIT_INPUT);
	ck_assert_msg(strstr(err.msg, "no key sparsity"), "%s", err.msg);
	ck_assert_int_eq(plot(&f, "stat", NULL, "scratchpad.banks", NULL,
			      (const char *[]){ "pattern" }, 1, gp, &err), EXIT_INPUT);
	ck_assert_msg(strstr(err.msg, "--where pattern: expected KEY=VAL"), "%s", err.msg);
	snprintf(f.image, sizeof f.image, "%s/a.jpg", f.dir);
	ck_assert_int_eq(plot(&f, "stat", NULL, "scratchpad.banks", NULL, NULL, 0, gp, &err),
			 EXIT_INPUT);
	ck_assert_msg(strstr(err.msg, "a.jpg: expected an image name ending in .png or .svg"),
		      "%s", err.msg);
	ck_assert_ptr_null(tu_read_file(sibling(&f, ".dat"), NULL));
	snprintf(f.db, sizeof f.db, "%s/absent.db", f.dir);
	snprintf(f.image, sizeof f.image, "%s/a.png", f.dir);
	ck_assert_int_eq(plot(&f, "stat", NULL, "scratchpad.banks", NULL, NULL, 0, gp, &err),
			 EXIT_INPUT);
	ck_assert_msg(strstr(err.msg, "absent.db: cannot open"), "%s", err.msg);
	ck_assert_int_eq(access(f.db, F_OK), -1);	/* not created */
	tu_remove_temp(gp);
	fx_done(&f);
}
END_TEST

/* ---- breakdown and sparsity ---- */

START_TEST(test_breakdown)
{
	struct fixture f;
	struct gs_err err;
	const char *gsv[] = { "pattern=gs-v" }, *b16[] = { "scratchpad.banks=16" };
	char *gp = fake_gnuplot(ok_gnuplot), *dat, *script, want[1024];

	fx_init(&f, "a.png");
	make_bank_sweep(f.db);
	ck_assert_int_eq(plot(&f, "breakdown", NULL, "scratchpad.banks", NULL, gsv, 1, gp, &err),
			 EXIT_OK);
	dat = read_sibling(&f, ".dat");
	snprintf(want, sizeof want, "# scratchpad.banks\t%s"
		 "4\t200\t0\t0\t100\t0\t0\t0\t0\t100\n"
		 "8\t100\t0\t0\t50\t0\t0\t0\t0\t50\n"
		 "16\t50\t0\t0\t25\t0\t0\t0\t0\t25\n", cpi_head);
	ck_assert_str_eq(dat, want);
	free(dat);
	script = read_sibling(&f, ".gp");
	ck_assert_ptr_nonnull(strstr(script, "set style histogram rowstacked\n"));
	ck_assert_ptr_nonnull(strstr(script, "plot 'a.dat' using 2:xtic(1) title 'cpi.issue'"));
	ck_assert_ptr_nonnull(strstr(script, "'' using 10 title 'cpi.drain'"));
	ck_assert_ptr_nonnull(strstr(script, "set ylabel 'cycles (cycles)'\n"));
	ck_assert_ptr_nonnull(strstr(script, "set xlabel 'scratchpad.banks (banks)'\n"));
	free(script);
	/* per run (by id), labelled by the one key that differs */
	ck_assert_int_eq(plot(&f, "breakdown", NULL, NULL, NULL, b16, 1, gp, &err), EXIT_OK);
	dat = read_sibling(&f, ".dat");
	snprintf(want, sizeof want, "# run\t%s"
		 "gs-v\t50\t0\t0\t25\t0\t0\t0\t0\t25\n"
		 "block:8x1\t150\t0\t0\t75\t0\t0\t0\t0\t75\n", cpi_head);
	ck_assert_str_eq(dat, want);
	free(dat);
	/* all five: two keys differ */
	ck_assert_int_eq(plot(&f, "breakdown", NULL, NULL, NULL, NULL, 0, gp, &err), EXIT_OK);
	dat = read_sibling(&f, ".dat");
	ck_assert_ptr_nonnull(strstr(dat, "\npattern=gs-v scratchpad.banks=4\t200\t"));
	ck_assert_ptr_nonnull(strstr(dat, "\npattern=block:8x1 scratchpad.banks=16\t150\t"));
	free(dat);
	tu_remove_temp(gp);
	fx_done(&f);
}
END_TEST

START_TEST(test_sparsity)
{
	struct fixture f;
	struct gs_db *db = NULL;
	struct gs_err err;
	char *gp = fake_gnuplot(ok_gnuplot), *dat, *script;

	fx_init(&f, "a.png");
	ck_assert_int_eq(db_open(&db, f.db, &err), 0);
	RUN(db, 1000, "pattern", "dense", "sparsity", "0");
	RUN(db, 600, "pattern", "gs-v", "sparsity", "0.5");
	RUN(db, 200, "pattern", "gs-v", "sparsity", "0.9");
	RUN(db, 800, "pattern", "unstructured", "sparsity", "0.5");
	RUN(db, 400, "pattern", "unstructured", "sparsity", "0.9");
	db_close(db);
	ck_assert_int_eq(plot(&f, "sparsity", NULL, NULL, NULL, NULL, 0, gp, &err), EXIT_OK);
	dat = read_sibling(&f, ".dat");
	ck_assert_str_eq(dat, "# sparsity\tdense\tgs-v\tunstructured\n"
			 "0\t1000\t?\t?\n"
			 "0.5\t?\t600\t800\n"
			 "0.9\t?\t200\t400\n");
	free(dat);
	script = read_sibling(&f, ".gp");
	ck_assert_ptr_nonnull(strstr(script, "set xlabel 'sparsity (fraction)'\n"));
	ck_assert_ptr_null(strstr(script, "logscale"));
	free(script);
	ck_assert_int_eq(plot(&f, "sparsity", NULL, "pattern", NULL, NULL, 0, gp, &err),
			 EXIT_INPUT);
	ck_assert_msg(strstr(err.msg, "--x does not apply"), "%s", err.msg);
	tu_remove_temp(gp);
	fx_done(&f);
}
END_TEST

/* ---- gnuplot ---- */

START_TEST(test_gnuplot_missing_and_failing)
{
	struct fixture f;
	struct gs_err err;
	char *failing = fake_gnuplot("#!/bin/sh\necho \"line 3: undefined variable: x\" >&2\n"
				     "exit 1\n");
	char *dat, missing[600];
	size_t before, after;
	char *bytes0, *bytes1;

	fx_init(&f, "a.png");
	make_bank_sweep(f.db);
	bytes0 = tu_read_file(f.db, &before);
	snprintf(missing, sizeof missing, "%s/no-gnuplot", f.dir);
	ck_assert_int_eq(plot(&f, "stat", NULL, "scratchpad.banks", NULL, NULL, 0, missing, &err),
			 EXIT_INPUT);
	ck_assert_msg(strstr(err.msg, "apt-get install gnuplot-nox"), "%s", err.msg);
	dat = read_sibling(&f, ".dat");		/* written all the same */
	ck_assert_ptr_nonnull(strstr(dat, "16\t300\t100\n"));
	free(dat);
	free(read_sibling(&f, ".gp"));
	/* a name looked up on PATH */
	ck_assert_int_eq(plot(&f, "stat", NULL, "scratchpad.banks", NULL, NULL, 0,
			      "gssim-no-such-gnuplot", &err), EXIT_INPUT);
	ck_assert_msg(strstr(err.msg, "gssim-no-such-gnuplot: not found on PATH"), "%s", err.msg);
	ck_assert_int_eq(plot(&f, "stat", NULL, "scratchpad.banks", NULL, NULL, 0, failing, &err),
			 EXIT_INTERNAL);
	ck_assert_msg(strstr(err.msg, "failed (exit 1):\nline 3: undefined variable: x"), "%s",
		      err.msg);
	/* the database was only read */
	bytes1 = tu_read_file(f.db, &after);
	ck_assert_uint_eq(before, after);
	ck_assert_int_eq(memcmp(bytes0, bytes1, before), 0);
	free(bytes0);
	free(bytes1);
	tu_remove_temp(failing);
	fx_done(&f);
}
END_TEST

static int have_gnuplot(void)
{
	const char *path = getenv("PATH");
	char cand[1024];

	for (const char *p = path ? path : ""; *p;) {
		size_t len = strcspn(p, ":");

		snprintf(cand, sizeof cand, "%.*s/gnuplot", (int)len, p);
		if (len && !access(cand, X_OK))
			return 1;
		p += len + (p[len] == ':');
	}
	return 0;
}

START_TEST(test_real_gnuplot_png_svg)
{
	static const char png_magic[] = "\x89PNG\r\n\x1a\n";
	struct fixture f;
	struct gs_err err;
	char *img;
	size_t len = 0;

	if (!have_gnuplot())
		return;	/* nothing to draw with; the scripted paths are tested above */
	fx_init(&f, "a.png");
	make_bank_sweep(f.db);
	ck_assert_int_eq(plot(&f, "stat", NULL, "scratchpad.banks", NULL, NULL, 0, "gnuplot",
			      &err), EXIT_OK);
	img = tu_read_file(f.image, &len);
	ck_assert_ptr_nonnull(img);
	ck_assert_uint_gt(len, 8);
	ck_assert_int_eq(memcmp(img, png_magic, 8), 0);
	free(img);
	ck_assert_int_eq(plot(&f, "breakdown", NULL, NULL, NULL, NULL, 0, "gnuplot", &err),
			 EXIT_OK);
	snprintf(f.image, sizeof f.image, "%s/b.svg", f.dir);
	ck_assert_msg(plot(&f, "breakdown", NULL, "scratchpad.banks",
			   NULL, (const char *[]){ "pattern=gs-v" }, 1, "gnuplot", &err) == EXIT_OK,
		      "%s", err.msg);
	img = tu_read_file(f.image, &len);
	ck_assert_ptr_nonnull(img);
	ck_assert_msg(!strncmp(img, "<?xml", 5) || !strncmp(img, "<svg", 4), "%.40s", img);
	free(img);
	fx_done(&f);
}
END_TEST

/* A version-1 file (no runs.point_key) is read as is and left unchanged. */
START_TEST(test_reads_v1_file)
{
	static const char v1[] =
		"CREATE TABLE runs(id INTEGER PRIMARY KEY, started_at TEXT NOT NULL,"
		" config_name TEXT NOT NULL, config_text TEXT NOT NULL, config_hash TEXT NOT NULL,"
		" trace TEXT NOT NULL, gssim_version TEXT NOT NULL, host_seconds REAL,"
		" status TEXT NOT NULL, message TEXT, seed INTEGER NOT NULL DEFAULT 0);"
		"CREATE TABLE run_params(run_id INTEGER NOT NULL, key TEXT NOT NULL,"
		" value TEXT NOT NULL, PRIMARY KEY(run_id, key)) WITHOUT ROWID;"
		"CREATE TABLE stats(run_id INTEGER NOT NULL, name TEXT NOT NULL, value REAL,"
		" unit TEXT NOT NULL, PRIMARY KEY(run_id, name)) WITHOUT ROWID;"
		"INSERT INTO runs VALUES(1, 't', 'old', '', 'h', 't.gst', 'v', 1, 'complete', NULL, 0);"
		"INSERT INTO runs VALUES(2, 't', 'old', '', 'h', 't.gst', 'v', 1, 'complete', NULL, 0);"
		"INSERT INTO run_params VALUES(1, 'scratchpad.banks', '8'), (2, 'scratchpad.banks', '32');"
		"INSERT INTO stats VALUES(1, 'cycles', 90, 'cycles'), (2, 'cycles', 30, 'cycles');"
		"PRAGMA user_version = 1;";
	struct fixture f;
	struct gs_err err;
	sqlite3 *sql = NULL;
	char *gp = fake_gnuplot(ok_gnuplot), *dat, *bytes0, *bytes1;
	size_t before, after;

	fx_init(&f, "a.png");
	ck_assert_int_eq(sqlite3_open(f.db, &sql), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(sql, v1, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(sql);
	bytes0 = tu_read_file(f.db, &before);
	ck_assert_msg(plot(&f, "stat", NULL, "scratchpad.banks", NULL,
			   (const char *[]){ "point_key=x" }, 0, gp, &err) == EXIT_OK, "%s", err.msg);
	dat = read_sibling(&f, ".dat");
	ck_assert_str_eq(dat, "# scratchpad.banks\tcycles (cycles)\n8\t90\n32\t30\n");
	free(dat);
	/* point_key is a column every v1 run has as NULL: nothing matches */
	ck_assert_int_eq(plot(&f, "stat", NULL, "scratchpad.banks", NULL,
			      (const char *[]){ "point_key=x" }, 1, gp, &err), EXIT_INPUT);
	ck_assert_msg(strstr(err.msg, "point_key there: no run has it"), "%s", err.msg);
	bytes1 = tu_read_file(f.db, &after);
	ck_assert_uint_eq(before, after);
	ck_assert_int_eq(memcmp(bytes0, bytes1, before), 0);
	free(bytes0);
	free(bytes1);
	tu_remove_temp(gp);
	fx_done(&f);
}
END_TEST

/* ---- end to end: runs made by `gssim run` (--set recorded, --param labels) ---- */

/* The cycles the database holds for the run with kernel=K, banks=B. */
static double db_cycles(const char *db, const char *kernel, const char *banks)
{
	sqlite3 *sql = NULL;
	sqlite3_stmt *st = NULL;
	double v = NAN;

	ck_assert_int_eq(sqlite3_open_v2(db, &sql, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(sql,
		"SELECT s.value FROM stats s JOIN run_params k ON k.run_id = s.run_id"
		" JOIN run_params b ON b.run_id = s.run_id WHERE s.name = 'cycles'"
		" AND k.key = 'kernel' AND k.value = ?1 AND b.key = 'scratchpad.banks'"
		" AND b.value = ?2", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, kernel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, banks, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(sql);
	return v;
}

START_TEST(test_end_to_end)
{
	static const char *const kernels[] = { "gather-strides", "gs-spmv-16x16" };
	static const char *const banks[] = { "4", "16" };
	struct fixture f;
	char *out = NULL, *dat, want[512], trace[128], set[64], pk[64];
	char *saved_path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	int rc;

	fx_init(&f, "e.svg");
	for (int k = 0; k < 2; k++)
		for (int b = 0; b < 2; b++) {
			snprintf(trace, sizeof trace, "traces/%s.gst", kernels[k]);
			snprintf(set, sizeof set, "scratchpad.banks=%s", banks[b]);
			snprintf(pk, sizeof pk, "kernel=%s", kernels[k]);
			rc = tu_run_gssim((const char *[]){ "run", "--config", "configs/default.yaml",
				"--trace", trace, "--db", f.db, "--set", set, "--param", pk,
				"--quiet", NULL }, &out);
			ck_assert_msg(rc == 0, "%s", out);
			free(out);
		}
	rc = tu_run_gssim((const char *[]){ "plot", f.db, "stat", "--x", "scratchpad.banks",
		"--series", "kernel", "-o", f.image, NULL }, &out);
	ck_assert_msg(rc == (have_gnuplot() ? 0 : 2), "%d: %s", rc, out);
	free(out);
	dat = read_sibling(&f, ".dat");
	snprintf(want, sizeof want, "# scratchpad.banks\tgather-strides\tgs-spmv-16x16\n"
		 "4\t%.15g\t%.15g\n16\t%.15g\t%.15g\n",
		 db_cycles(f.db, kernels[0], "4"), db_cycles(f.db, kernels[1], "4"),
		 db_cycles(f.db, kernels[0], "16"), db_cycles(f.db, kernels[1], "16"));
	ck_assert_str_eq(dat, want);
	free(dat);
	/* without --series the two kernels collide; the message names the key */
	rc = tu_run_gssim((const char *[]){ "plot", f.db, "stat", "--x", "scratchpad.banks",
		"-o", f.image, NULL }, &out);
	ck_assert_int_eq(rc, 2);
	ck_assert_msg(strstr(out, "differ in kernel: choose with --where, e.g. --where"
			     " kernel=gather-strides"), "%s", out);
	free(out);
	rc = tu_run_gssim((const char *[]){ "plot", f.db, "pie", "-o", f.image, NULL }, &out);
	ck_assert_int_eq(rc, 2);
	free(out);
	rc = tu_run_gssim((const char *[]){ "plot", f.db, "stat", "--x", "scratchpad.banks",
		"-o", "x.pdf", NULL }, &out);
	ck_assert_int_eq(rc, 2);
	free(out);
	/* no gnuplot on PATH: exit 2, how to install it, the files still there */
	unlink(sibling(&f, ".dat"));
	setenv("PATH", f.dir, 1);
	rc = tu_run_gssim((const char *[]){ "plot", f.db, "breakdown", "--x", "scratchpad.banks",
		"--where", "kernel=gs-spmv-16x16", "-o", f.image, NULL }, &out);
	if (saved_path)
		setenv("PATH", saved_path, 1);
	else
		unsetenv("PATH");
	free(saved_path);
	ck_assert_int_eq(rc, 2);
	ck_assert_msg(strstr(out, "apt-get install gnuplot-nox"), "%s", out);
	free(out);
	dat = read_sibling(&f, ".dat");
	ck_assert_ptr_nonnull(strstr(dat, "# scratchpad.banks\tcpi.issue\t"));
	free(dat);
	fx_done(&f);
}
END_TEST

Suite *plot_suite(void)
{
	Suite *s = suite_create("plot");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_stat_lines);
	tcase_add_test(tc, test_stat_ratio_where_and_text_x);
	tcase_add_test(tc, test_ambiguous_points_refused);
	tcase_add_test(tc, test_bad_requests);
	tcase_add_test(tc, test_breakdown);
	tcase_add_test(tc, test_sparsity);
	tcase_add_test(tc, test_gnuplot_missing_and_failing);
	tcase_add_test(tc, test_real_gnuplot_png_svg);
	tcase_add_test(tc, test_reads_v1_file);
	tcase_add_test(tc, test_end_to_end);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
