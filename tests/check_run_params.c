/*
** check_run_params.c: what a standalone `gssim run` records about itself,
** through the binary: --set keys under their config paths with canonical
** values, config_name, the workload parameters, a point key equal to the
** one lab/point.c computes for the same machine and source (so a sweep
** point of the same run gets the same key), a point run twice recorded
** once; --param and --trace refusals (exact messages, exit 2, no database
** created); an interrupted whole-network run's table; help texts from the
** option table; gen quiet in a pipe.
*/
#include <check.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "point.h"
#include "testutil.h"

#define LAYER "gnmt:decoder.att_rnn.attn.linear_k"

struct tmp {
	char *dir;
	char path[4][512];
};

static void tmp_init(struct tmp *t, const char *a, const char *b)
{
	t->dir = tu_temp_dir();
	snprintf(t->path[0], sizeof t->path[0], "%s/%s", t->dir, a);
	snprintf(t->path[1], sizeof t->path[1], "%s/%s", t->dir, b ? b : "unused");
}

static void tmp_free(struct tmp *t)
{
	char side[600];

	for (int i = 0; i < 2; i++) {
		unlink(t->path[i]);
		snprintf(side, sizeof side, "%s-journal", t->path[i]);
		unlink(side);
	}
	rmdir(t->dir);
	free(t->dir);
}

/* The first column of the first row as text (malloc'd), NULL if no row. */
static char *db_text(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	char *v = NULL;

	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(h));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* The same, or -1 while the database is still being created. */
static long db_count_try(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st = NULL;
	long n = -1;

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(h);
		return -1;
	}
	sqlite3_busy_timeout(h, 5000);
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

static long db_count(const char *db, const char *sql)
{
	char *t = db_text(db, sql);
	long n = t ? atol(t) : -1;

	free(t);
	return n;
}

/* Every run_params row of a run, "key=value;" in key order. */
static char *params_of(const char *db, int run)
{
	char sql[256];

	snprintf(sql, sizeof sql, "SELECT group_concat(key || '=' || value, ';') FROM "
		 "(SELECT key, value FROM run_params WHERE run_id = %d ORDER BY key)", run);
	return db_text(db, sql);
}

static int run_layer(const char *db, const char *set, char **out)
{
	const char *argv[] = { "run", "--config", "configs/default.yaml", "--workload", LAYER,
			       "--pattern", "gs-v", "--sparsity", "0.9", "--set", set, "--db", db,
			       NULL };

	return tu_run_gssim(argv, out);
}

/* configs/default.yaml with overrides, as gssim run builds it. */
static void machine(struct gs_config *cfg, const char *set1, const char *set2)
{
	struct gs_err err;

	cfg_defaults(cfg);
	ck_assert_msg(cfg_load_file(cfg, "configs/default.yaml", &err) == 0, "%s", err.msg);
	ck_assert(cfg_set(cfg, set1, &err) == 0);
	ck_assert(!set2 || cfg_set(cfg, set2, &err) == 0);
	ck_assert(cfg_validate(cfg, "--set", &err) == 0);
}

/* The worked example of the brief: banks 16 and 0x10 are one point, 32 another. */
START_TEST(set_keys_params_and_point_key)
{
	struct tmp t;
	struct gs_config cfg;
	struct gs_err err;
	struct point_source ps = { .layer = LAYER, .pattern = "gs:V=8,h=1,B=8", .sparsity = 0.9 };
	char key16[POINT_KEY_HEX + 1], *out = NULL, *v;

	tmp_init(&t, "r.db", NULL);
	ck_assert_int_eq(run_layer(t.path[0], "scratchpad.banks=16", &out), 0);
	ck_assert_msg(strstr(out, "config default[scratchpad.banks=16] (") != NULL, "%s", out);
	free(out);
	ck_assert_int_eq(run_layer(t.path[0], "scratchpad.banks=0x10", &out), 0);
	ck_assert_msg(strstr(out, "run 1 in ") && strstr(out, "(the same point, already complete "
		      "there: not recorded again)"), "%s", out);
	free(out);
	ck_assert_int_eq(db_count(t.path[0], "SELECT count(*) FROM runs"), 1);
	ck_assert_int_eq(run_layer(t.path[0], "scratchpad.banks=32", NULL), 0);
	ck_assert_int_eq(db_count(t.path[0], "SELECT count(DISTINCT point_key) FROM runs"), 2);

	/* 102 of every 1024 weights kept per row (V = B = 8 lanes): 1 - 102/1024 */
	v = params_of(t.path[0], 1);
	ck_assert_str_eq(v, "abs_kept=0.997399;achieved_sparsity=0.900391;batch=1;"
			 "layer=decoder.att_rnn.attn.linear_k;net=gnmt;nnz=104448;"
			 "pattern=gs:V=8,h=1,B=8;scratchpad.banks=16;seed=0;sparsity=0.9;"
			 "sq_kept=0.996096;w_frac_kept=0.256904;workload=" LAYER);
	free(v);
	v = db_text(t.path[0], "SELECT group_concat(config_name, ' ') FROM runs");
	ck_assert_str_eq(v, "default[scratchpad.banks=16] default[scratchpad.banks=32]");
	free(v);

	/* the key a sweep point of the same machine and layer gets */
	machine(&cfg, "scratchpad.banks=16", NULL);
	ck_assert(point_key(&cfg, &ps, key16, &err) == 0);
	v = db_text(t.path[0], "SELECT point_key FROM runs WHERE id = 1");
	ck_assert_str_eq(v, key16);
	free(v);
	tmp_free(&t);
}
END_TEST

/* A trace run: several --set keys in the order given, each once with its
** last value; the trace parameter; the point key of the trace file. */
START_TEST(trace_run_keys_in_order)
{
	struct tmp t;
	struct gs_config cfg;
	struct gs_err err;
	struct point_source ps = { .trace = "traces/gather-strides.gst" };
	char key[POINT_KEY_HEX + 1], *v;
	const char *argv[] = { "run", "--config", "configs/default.yaml", "--trace",
			       "traces/gather-strides.gst", "--set", "scratchpad.mapping=xor",
			       "--set", "scratchpad.banks=0x20", "--set", " scratchpad.mapping = xor ",
			       "--param", "label=x", "--db", NULL, "-q", NULL };

	tmp_init(&t, "r.db", NULL);
	argv[14] = t.path[0];
	ck_assert_int_eq(tu_run_gssim(argv, NULL), 0);
	v = params_of(t.path[0], 1);
	ck_assert_str_eq(v, "label=x;scratchpad.banks=32;scratchpad.mapping=xor;"
			 "trace=traces/gather-strides.gst");
	free(v);
	v = db_text(t.path[0], "SELECT config_name FROM runs");
	ck_assert_str_eq(v, "default[scratchpad.mapping=xor,scratchpad.banks=32]");
	free(v);
	machine(&cfg, "scratchpad.mapping=xor", "scratchpad.banks=32");
	ck_assert(point_key(&cfg, &ps, key, &err) == 0);
	v = db_text(t.path[0], "SELECT point_key FROM runs");
	ck_assert_str_eq(v, key);
	free(v);
	tmp_free(&t);
}
END_TEST

static const struct {
	const char *opt[4];	/* extra options after a valid trace run */
	const char *msg;
} refused[] = {
	{ { "--param", "a=1", "--param", "a=2" },
	  "gssim run: --param a=2: key \"a\" given twice (see gssim run --help)\n" },
	{ { "--param", "pattern=x" },
	  "gssim run: --param pattern=x: \"pattern\" is a workload parameter, recorded by the "
	  "run itself (see gssim run --help)\n" },
	{ { "--param", "trace=x" },
	  "gssim run: --param trace=x: \"trace\" is the trace parameter of trace runs, recorded "
	  "by the run itself (see gssim run --help)\n" },
	{ { "--param", "scratchpad.banks=8" },
	  "gssim run: --param scratchpad.banks=8: \"scratchpad.banks\" is a config key (give it "
	  "with --set), recorded by the run itself (see gssim run --help)\n" },
	{ { "--param", "sweep.point=3" },
	  "gssim run: --param sweep.point=3: \"sweep.point\" is a sweep parameter, recorded by "
	  "the run itself (see gssim run --help)\n" },
	{ { "--param", "status=ok" },
	  "gssim run: --param status=ok: \"status\" is a column of the runs table, recorded by "
	  "the run itself (see gssim run --help)\n" },
	{ { "--param", "=1" },
	  "gssim run: --param =1: expected KEY=VALUE (see gssim run --help)\n" },
	{ { "--workload", LAYER },
	  "gssim run: --trace and --workload are exclusive: a run simulates a trace file or "
	  "builds a layer's kernel (see gssim run --help)\n" },
	{ { "--gsf", "x.gsf" },
	  "gssim run: --trace and --gsf are exclusive: a run simulates a trace file or builds a "
	  "layer's kernel (see gssim run --help)\n" },
	{ { "--pattern", "gs-v" },
	  "gssim run: --pattern applies to layer runs (--workload, --weights, --gsf), not to "
	  "--trace (see gssim run --help)\n" },
	{ { "--batch", "4" },
	  "gssim run: --batch applies to layer runs (--workload, --weights, --gsf), not to "
	  "--trace (see gssim run --help)\n" },
	{ { "--sparsity", "0.5" },
	  "gssim run: --sparsity applies to layer runs (--workload, --weights, --gsf), not to "
	  "--trace (see gssim run --help)\n" },
	{ { "--seed", "1" },
	  "gssim run: --seed applies to layer runs (--workload, --weights, --gsf), not to "
	  "--trace (see gssim run --help)\n" },
};

/* Refused before anything is written: exit 2, the exact message, no database. */
START_TEST(refused_options)
{
	struct tmp t;
	struct stat sb;
	char *out = NULL;
	const char *argv[16] = { "run", "--config", "configs/default.yaml", "--trace",
				 "traces/gather-strides.gst", "--db" };
	int n = 7;

	tmp_init(&t, "r.db", NULL);
	argv[6] = t.path[0];
	for (int i = 0; i < 4 && refused[_i].opt[i]; i++)
		argv[n++] = refused[_i].opt[i];
	argv[n] = NULL;
	ck_assert_int_eq(tu_run_gssim(argv, &out), 2);
	ck_assert_str_eq(out, refused[_i].msg);
	ck_assert(stat(t.path[0], &sb) != 0);
	free(out);
	tmp_free(&t);
}
END_TEST

/* A layer run refuses a --param that names a workload parameter too. */
START_TEST(layer_run_param_collision)
{
	struct tmp t;
	struct stat sb;
	char *out = NULL;
	const char *argv[] = { "run", "--config", "configs/default.yaml", "--workload", LAYER,
			       "--pattern", "gs-v", "--sparsity", "0.9", "--param", "nnz=3",
			       "--db", NULL, NULL };

	tmp_init(&t, "r.db", NULL);
	argv[12] = t.path[0];
	ck_assert_int_eq(tu_run_gssim(argv, &out), 2);
	ck_assert_str_eq(out, "gssim run: --param nnz=3: \"nnz\" is a workload parameter, "
			 "recorded by the run itself (see gssim run --help)\n");
	ck_assert(stat(t.path[0], &sb) != 0);
	free(out);
	tmp_free(&t);
}
END_TEST

/* SIGINT once two layers of resnet50 are recorded: the table ends with the
** partial total over the complete layers, a notice says what was recorded,
** exit 130. The signal lands while a layer simulates (its row marked,
** recorded as interrupted) or while the next one is pruned (nothing of it
** recorded): both are checked exactly. */
START_TEST(interrupted_network_table)
{
	const char *bin = getenv("GSSIM_BIN") ? getenv("GSSIM_BIN") : "build/gssim";
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	struct tmp t;
	char *out, *err, want[512];
	long complete = 0, interrupted;
	int status;
	pid_t pid;

	tmp_init(&t, "r.db", "out.txt");
	snprintf(t.path[2], sizeof t.path[2], "%s/err.txt", t.dir);
	pid = fork();
	if (pid == 0) {
		if (!freopen(t.path[1], "w", stdout) || !freopen(t.path[2], "w", stderr))
			_exit(127);
		execl(bin, bin, "run", "--config", "configs/default.yaml", "--workload", "resnet50",
		      "--pattern", "gs-v", "--sparsity", "0.9", "--db", t.path[0], (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 3000 && complete < 2; i++) {
		struct stat sb;

		nanosleep(&pause, NULL);
		if (stat(t.path[0], &sb) == 0 && sb.st_size > 0)
			complete = db_count_try(t.path[0], "SELECT count(*) FROM runs");
	}
	ck_assert(complete >= 2);
	kill(pid, SIGINT);
	ck_assert(waitpid(pid, &status, 0) == pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 130, "status %d", status);
	complete = db_count(t.path[0], "SELECT count(*) FROM runs WHERE status = 'complete'");
	interrupted = db_count(t.path[0], "SELECT count(*) FROM runs WHERE status = 'interrupted'");
	ck_assert(complete >= 2 && complete < 54 && interrupted <= 1);
	ck_assert_int_eq(db_count(t.path[0], "SELECT count(*) FROM runs"), complete + interrupted);
	out = tu_read_file(t.path[1], NULL);
	err = tu_read_file(t.path[2], NULL);
	ck_assert(out && err);
	snprintf(want, sizeof want, "   (partial: %ld of 54 layers complete)\n", complete);
	ck_assert_msg(strstr(out, "\ntotal (partial) ") && strstr(out, want), "%s", out);
	if (interrupted) {
		ck_assert_msg(strstr(out, "  interrupted: partial\ntotal (partial)"), "%s", out);
		snprintf(want, sizeof want, "gssim run: interrupted in layer %ld of 54 (", complete + 1);
	} else {
		ck_assert_msg(!strstr(out, "interrupted: partial"), "%s", out);
		snprintf(want, sizeof want, "gssim run: interrupted before layer %ld of 54; the %ld "
			 "complete layers are recorded in ", complete + 1, complete);
	}
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
	free(out);
	free(err);
	unlink(t.path[2]);
	tmp_free(&t);
}
END_TEST

/* Help texts are the option table's rows. */
START_TEST(help_from_option_table)
{
	static const struct {
		const char *cmd, *row;
	} rows[] = {
		{ "prune", "  -s, --set KEY=VAL        override a config key" },
		{ "check", "      --dump               print the resolved config" },
		{ "run", "      --variant V          GS vertical outputs" },
		{ "run", "  -p, --param KEY=VAL      attach a parameter" },
		{ "gen", "  -q, --quiet              print nothing but errors" },
		{ "inspect", "  -h, --help               this help" },
	};

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const char *argv[] = { rows[i].cmd, "--help", NULL };
		char *out = NULL;

		ck_assert_int_eq(tu_run_gssim(argv, &out), 0);
		ck_assert_msg(strstr(out, rows[i].row) != NULL, "%s --help:\n%s", rows[i].cmd, out);
		free(out);
	}
}
END_TEST

/* In a pipe gen prints only its result line (no progress), nothing with --quiet. */
START_TEST(gen_quiet_in_pipe)
{
	struct tmp t;
	char *out = NULL, want[600];
	const char *argv[] = { "gen", "--config", "configs/default.yaml", "--workload", LAYER,
			       "--pattern", "gs-v", "--sparsity", "0.9", "-o", NULL, NULL, NULL };

	tmp_init(&t, "k.gst", NULL);
	argv[10] = t.path[0];
	ck_assert_int_eq(tu_run_gssim(argv, &out), 0);
	snprintf(want, sizeof want, "%s: 52736 instructions (", t.path[0]);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0 && !strchr(out, '\r') &&
		      strchr(out, '\n') == out + strlen(out) - 1, "%s", out);
	free(out);
	argv[11] = "--quiet";
	ck_assert_int_eq(tu_run_gssim(argv, &out), 0);
	ck_assert_str_eq(out, "");
	free(out);
	tmp_free(&t);
}
END_TEST

Suite *run_params_suite(void)
{
	Suite *s = suite_create("run_params");
	TCase *tc = tcase_create("run");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, set_keys_params_and_point_key);
	tcase_add_test(tc, trace_run_keys_in_order);
	tcase_add_loop_test(tc, refused_options, 0, (int)(sizeof refused / sizeof refused[0]));
	tcase_add_test(tc, layer_run_param_collision);
	tcase_add_test(tc, interrupted_network_table);
	tcase_add_test(tc, help_from_option_table);
	tcase_add_test(tc, gen_quiet_in_pipe);
	suite_add_tcase(s, tc);
	return s;
}
