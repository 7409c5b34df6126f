/*
** check_sweep_run.c: gssim sweep run and sweep status end to end: every
** point recorded once, resume skips complete points (after a rerun, a
** grown spec or an interruption), --points selects, failures are listed
** and recorded, a point's cycles and key equal a standalone gssim run.
*/
#include <check.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

struct env {
	char *dir;
	char spec[512], db[512];
};

static void env_init(struct env *e)
{
	e->dir = tu_temp_dir();
	snprintf(e->spec, sizeof e->spec, "%s/s.yaml", e->dir);
	snprintf(e->db, sizeof e->db, "%s/out.db", e->dir);
}

static void env_done(struct env *e)
{
	char cmd[1200];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", e->dir);
	ck_assert_int_eq(system(cmd), 0);
	free(e->dir);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* A spec over the sample traces (absolute paths: the spec is in $TMPDIR). */
static void trace_spec(const struct env *e, const char *banks, const char *extra_trace)
{
	char cwd[512], text[4096];

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	snprintf(text, sizeof text,
		 "sweep: t\n"
		 "base: %s/configs/default.yaml\n"
		 "grid:\n  scratchpad.banks: [%s]\n"
		 "traces: [%s/traces/gather-strides.gst, %s/traces/gather-conflict-free.gst%s%s]\n",
		 cwd, banks, cwd, cwd, extra_trace ? ", " : "", extra_trace ? extra_trace : "");
	write_file(e->spec, text);
}

static int sweep(const char *sub, const struct env *e, const char *a1, const char *a2,
		 char **out)
{
	const char *argv[] = { "sweep", sub, e->spec, "--db", e->db, a1, a2, NULL };

	return tu_run_gssim(argv, out);
}

#define ASSERT_HAS(out, text) ck_assert_msg(strstr(out, text), "expected \"%s\" in:\n%s", text, out)

START_TEST(test_run_resume_status)
{
	struct env e;
	char *out;

	env_init(&e);
	trace_spec(&e, "8, 16, 32", NULL);
	ck_assert_int_eq(sweep("run", &e, "--jobs", "2", &out), 0);
	ASSERT_HAS(out, "sweep t: 6 points: 6 done now, 0 already complete, 0 failed");
	free(out);
	ck_assert_int_eq(tu_sql_int(e.db, "SELECT count(DISTINCT point_key) FROM runs"
				 " WHERE status = 'complete'"), 6);
	ck_assert_int_eq(tu_sql_int(e.db, "SELECT count(*) FROM runs"), 6);
	/* every point carries its swept key and its provenance */
	ck_assert_int_eq(tu_sql_int(e.db, "SELECT count(*) FROM run_params WHERE"
				 " key = 'scratchpad.banks' AND value IN ('8','16','32')"), 6);
	ck_assert_int_eq(tu_sql_int(e.db, "SELECT count(DISTINCT value) FROM run_params"
				 " WHERE key = 'sweep.point'"), 6);
	ck_assert_int_eq(tu_sql_int(e.db, "SELECT count(*) FROM runs WHERE config_name ="
				 " 'default[scratchpad.banks=16]'"), 2);
	/* banks=8: the stride-4 gathers of gather-strides conflict; 32 banks do not */
	ck_assert_int_gt(tu_sql_int(e.db, "SELECT s.value FROM stats s JOIN runs r ON r.id = s.run_id"
				 " WHERE s.name = 'gse.gather.conflicts' AND r.config_name ="
				 " 'default[scratchpad.banks=8]' AND r.trace LIKE '%gather-strides%'"), 0);

	ck_assert_int_eq(sweep("run", &e, "--jobs", "2", &out), 0);
	ASSERT_HAS(out, "6 points: 0 done now, 6 already complete");
	free(out);
	ck_assert_int_eq(tu_sql_int(e.db, "SELECT count(*) FROM runs"), 6);

	ck_assert_int_eq(sweep("status", &e, NULL, NULL, &out), 0);
	ck_assert_str_eq(out, "done 6, failed 0, missing 0 of 6\nmissing: none\n");
	free(out);
	ck_assert_int_eq(tu_sql_int(e.db, "SELECT count(*) FROM pragma_integrity_check"
				 " WHERE integrity_check = 'ok'"), 1);
	env_done(&e);
}
END_TEST

START_TEST(test_points_and_grown_spec)
{
	struct env e;
	char *out;

	env_init(&e);
	trace_spec(&e, "8, 16", NULL);
	ck_assert_int_eq(sweep("run", &e, "--points", "1-2", &out), 0);
	ASSERT_HAS(out, "2 points: 2 done now");
	free(out);
	ck_assert_int_eq(sweep("status", &e, "--list", NULL, &out), 1);
	ck_assert_str_eq(out, "0\tmissing\n3\tmissing\ndone 2, failed 0, missing 2 of 4\n"
			 "missing: 0,3\n");
	free(out);
	/* the spec grows: 32 banks; only the new and missing points run */
	trace_spec(&e, "8, 16, 32", NULL);
	ck_assert_int_eq(sweep("run", &e, "--jobs", "1", &out), 0);
	ASSERT_HAS(out, "6 points: 4 done now, 2 already complete, 0 failed");
	free(out);
	ck_assert_int_eq(tu_sql_int(e.db, "SELECT count(*) FROM runs"), 6);
	env_done(&e);
}
END_TEST

START_TEST(test_failed_point_listed_and_recorded)
{
	struct env e;
	char bad[600], *out;

	env_init(&e);
	snprintf(bad, sizeof bad, "%s/bad.gst", e.dir);
	/* valid header and first line; the second is found bad while running */
	write_file(bad, "gstrace 1\ngather v0, 0x0, [0 1 2 3 4 5 6 7]\nfma v1, v2\n");
	trace_spec(&e, "8", bad);
	ck_assert_int_eq(sweep("run", &e, NULL, NULL, &out), 1);
	ASSERT_HAS(out, "3 points: 2 done now, 0 already complete, 1 failed");
	ASSERT_HAS(out, "failed: point 2: ");
	ASSERT_HAS(out, "bad.gst:3:");
	free(out);
	ck_assert_int_eq(tu_sql_int(e.db, "SELECT count(*) FROM runs WHERE status = 'failed'"
				 " AND message LIKE '%bad.gst:3:%'"), 1);
	ck_assert_int_eq(sweep("status", &e, NULL, NULL, &out), 1);
	ASSERT_HAS(out, "done 2, failed 1, missing 0 of 3\nmissing: 2\n");
	free(out);
	/* a rerun tries the failed point again (and fails again) */
	ck_assert_int_eq(sweep("run", &e, NULL, NULL, &out), 1);
	ASSERT_HAS(out, "0 done now, 2 already complete, 1 failed");
	free(out);
	env_done(&e);
}
END_TEST

START_TEST(test_bad_spec_touches_nothing)
{
	struct env e;
	char *out;

	env_init(&e);
	write_file(e.spec, "sweep: t\ngrid:\n  scratchpad.banks: [8, 7]\n"
		   "traces: [/nonexistent.gst]\n");
	ck_assert_int_eq(sweep("run", &e, NULL, NULL, &out), 2);
	free(out);
	ck_assert_int_ne(access(e.db, F_OK), 0);
	env_done(&e);
}
END_TEST

/* A point's cycles and key are those of the same standalone gssim run. */
START_TEST(test_point_equals_standalone_run)
{
	struct env e;
	char cwd[512], text[2048], *out;
	const char *argv[] = { "run", "--config", "configs/default.yaml", "--workload",
			       "gnmt:decoder.att_rnn.attn.linear_k", "--pattern", "gs-v",
			       "--sparsity", "0.9", "--seed", "1", "--set", "scratchpad.banks=16",
			       "--db", NULL, "--quiet", NULL };

	env_init(&e);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	snprintf(text, sizeof text,
		 "sweep: one\nbase: %s/configs/default.yaml\n"
		 "grid: {scratchpad.banks: [8, 16]}\n"
		 "workloads: [gnmt:decoder.att_rnn.attn.linear_k]\npatterns: [gs-v]\n"
		 "sparsities: [0.9]\nseeds: [1]\n", cwd);
	write_file(e.spec, text);
	ck_assert_int_eq(sweep("run", &e, NULL, NULL, &out), 0);
	free(out);
	argv[14] = e.db;
	ck_assert_int_eq(tu_run_gssim(argv, &out), 0);
	free(out);
	/* the standalone run is the same point: not recorded again */
	ck_assert_int_eq(tu_sql_int(e.db, "SELECT count(*) FROM runs"), 2);
	ck_assert_int_eq(tu_sql_int(e.db, "SELECT count(*) FROM runs r JOIN run_params p ON"
				 " p.run_id = r.id AND p.key = 'sweep.point' WHERE"
				 " r.config_name = 'default[scratchpad.banks=16]'"), 1);
	env_done(&e);
}
END_TEST

/* SIGINT in the middle: the file stays sound and a rerun finishes the rest
** without redoing complete points (whenever the signal lands). */
START_TEST(test_interrupt_then_resume)
{
	struct env e;
	char cwd[512], text[2048], *out;
	const char *bin = getenv("GSSIM_BIN");
	int status;
	pid_t pid;

	env_init(&e);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	snprintf(text, sizeof text,
		 "sweep: long\nbase: %s/configs/default.yaml\n"
		 "grid: {scratchpad.banks: [8, 16, 32, 64], memory.load_latency: [4, 8, 12, 16, 20]}\n"
		 "workloads: [gnmt:decoder.att_rnn.attn.linear_k]\npatterns: [gs-v, unstructured]\n"
		 "sparsities: [0.9]\nseeds: [1]\n", cwd);
	write_file(e.spec, text);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(127);
		execl(bin ? bin : "build/gssim", "gssim", "sweep", "run", e.spec, "--db", e.db,
		      "--jobs", "2", (char *)NULL);
		_exit(127);
	}
	struct timespec pause = { 0, 300000000 };

	nanosleep(&pause, NULL);
	kill(pid, SIGINT);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_msg(WEXITSTATUS(status) == 130 || WEXITSTATUS(status) == 0, "exit %d",
		      WEXITSTATUS(status));
	{
		char want[64];
		int before = tu_sql_int(e.db, "SELECT count(*) FROM runs WHERE status = 'complete'");

		ck_assert_int_eq(tu_sql_int(e.db, "SELECT count(*) FROM pragma_integrity_check"
					 " WHERE integrity_check = 'ok'"), 1);
		ck_assert_int_eq(sweep("run", &e, "--jobs", "2", &out), 0);
		snprintf(want, sizeof want, " %d already complete", before);
		ck_assert_msg(strstr(out, want), "%s not in: %s", want, out);
		free(out);
	}
	ck_assert_int_eq(tu_sql_int(e.db, "SELECT count(*) FROM runs WHERE status = 'complete'"), 40);
	ck_assert_int_eq(tu_sql_int(e.db, "SELECT count(DISTINCT point_key) FROM runs"
				 " WHERE status = 'complete'"), 40);
	env_done(&e);
}
END_TEST

Suite *sweep_run_suite(void)
{
	Suite *s = suite_create("sweep_run");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_run_resume_status);
	tcase_add_test(tc, test_points_and_grown_spec);
	tcase_add_test(tc, test_failed_point_listed_and_recorded);
	tcase_add_test(tc, test_bad_spec_touches_nothing);
	tcase_add_test(tc, test_point_equals_standalone_run);
	tcase_add_test(tc, test_interrupt_then_resume);
	suite_add_tcase(s, tc);
	return s;
}
