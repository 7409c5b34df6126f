/*
** check_record.c: what lab/record.c writes for one run besides the
** simulator's statistics: runs.host_seconds (the whole run as timed by the
** caller, also for failed and interrupted runs; NULL for a run that failed
** before simulating) equal to the host.seconds stat; runs.message for
** interrupted runs (which signal, after how many instructions); exit
** statuses (a trace error 2, out of memory 1).
*/
#include <check.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "exit.h"
#include "host.h"
#include "record.h"
#include "testutil.h"

/* n independent FMAs; at instruction `fail_at` (1-based) fail with
** `fail_msg`, or raise `sig`, or set *flag; 0 = never. */
struct fake_src {
	int n, pos;
	int fail_at;
	const char *fail_msg;
	int stop_at, sig;
	volatile sig_atomic_t *flag;
};

static int fake_next(void *ctx, struct gs_insn *out, struct gs_err *err)
{
	struct fake_src *f = ctx;

	if (f->pos >= f->n)
		return 0;
	f->pos++;
	if (f->pos == f->fail_at)
		return gs_errf(err, "%s", f->fail_msg);
	if (f->pos == f->stop_at) {
		if (f->sig)
			raise(f->sig);
		else
			*f->flag = 1;
	}
	memset(out, 0, sizeof *out);
	out->op = OP_FMA;
	out->dst = (uint8_t)(f->pos % 8);
	out->src[0] = out->dst;	/* fma vd, va, vb: real registers, as a trace gives */
	out->src[1] = 8;
	out->src[2] = 9;
	return 1;
}

static const char *fake_name(void *ctx)
{
	(void)ctx;
	return "fake.gst";
}

struct fixture {
	char *dir;
	char path[600];
	struct gs_db *db;
	struct gs_config cfg;
};

static void fx_init(struct fixture *fx)
{
	struct gs_err err = { "" };

	fx->dir = tu_temp_dir();
	snprintf(fx->path, sizeof fx->path, "%s/r.db", fx->dir);
	ck_assert_msg(db_open(&fx->db, fx->path, &err) == 0, "%s", err.msg);
	tu_paper_machine(&fx->cfg, "paper");
}

static void fx_done(struct fixture *fx)
{
	db_close(fx->db);
	unlink(fx->path);
	rmdir(fx->dir);
	free(fx->dir);
}

static int run_fake(struct fixture *fx, struct fake_src *f, const volatile sig_atomic_t *stop,
		    struct run_outcome *out)
{
	struct gs_source src = { f, fake_next, NULL, fake_name };
	struct run_request rq = { 0 };

	rq.quiet = 1;
	return record_simulation(fx->db, &fx->cfg, &src, &rq, stop, out);
}

/* One text or real column of run `id` (NULL text: ""; NULL real: -1). */
static void run_row(const char *path, int64_t id, char *status, char *message, size_t cap,
		    double *host_seconds, double *stat_seconds)
{
	sqlite3 *sql = NULL;
	sqlite3_stmt *st = NULL;
	const unsigned char *t;

	ck_assert_int_eq(sqlite3_open_v2(path, &sql, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(sql, "SELECT status, message, host_seconds,"
		" (SELECT value FROM stats WHERE run_id = r.id AND name = 'host.seconds')"
		" FROM runs r WHERE id = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(status, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	t = sqlite3_column_text(st, 1);
	snprintf(message, cap, "%s", t ? (const char *)t : "");
	*host_seconds = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 :
			sqlite3_column_double(st, 2);
	*stat_seconds = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 :
			sqlite3_column_double(st, 3);
	sqlite3_finalize(st);
	sqlite3_close(sql);
}

START_TEST(test_complete_host_seconds)
{
	struct fixture fx;
	struct fake_src f = { .n = 1000 };
	struct run_outcome out;
	char status[64], msg[GS_ERR_MAX];
	double hs, ss;

	fx_init(&fx);
	ck_assert_int_eq(run_fake(&fx, &f, NULL, &out), EXIT_OK);
	run_row(fx.path, out.run_id, status, msg, sizeof status, &hs, &ss);
	ck_assert_str_eq(status, "complete");
	ck_assert_str_eq(msg, "");
	ck_assert(hs > 0);
	ck_assert(hs == ss);	/* the column and the stat are one measurement */
	ck_assert(out.stats.v[ST_HOST_SECONDS] == hs);
	ck_assert(out.stats.v[ST_HOST_IPS] == 1000 / hs);
	ck_assert(out.stats.v[ST_HOST_RSS] > 0);
	fx_done(&fx);
}
END_TEST

START_TEST(test_failed_run_timed)
{
	struct fixture fx;
	struct fake_src f = { .n = 1000, .fail_at = 500,
			      .fail_msg = "fake.gst:500:1: unknown opcode 'bogus'" };
	struct run_outcome out;
	char status[64], msg[GS_ERR_MAX];
	double hs, ss;

	fx_init(&fx);
	ck_assert_int_eq(run_fake(&fx, &f, NULL, &out), EXIT_INPUT);
	ck_assert(out.recorded);
	run_row(fx.path, out.run_id, status, msg, sizeof msg, &hs, &ss);
	ck_assert_str_eq(status, "failed");
	ck_assert_str_eq(msg, "fake.gst:500:1: unknown opcode 'bogus'");
	ck_assert(hs > 0);	/* the time until the failure */
	ck_assert(ss == -1);	/* a failed run has no statistics */
	fx_done(&fx);
}
END_TEST

START_TEST(test_out_of_memory_exit_1)
{
	struct fixture fx;
	struct fake_src f = { .n = 10, .fail_at = 3, .fail_msg = "fake.gst:3: out of memory" };
	struct run_outcome out;

	fx_init(&fx);
	ck_assert_int_eq(run_fake(&fx, &f, NULL, &out), EXIT_INTERNAL);
	ck_assert_str_eq(out.status, "failed");
	ck_assert_str_eq(out.message, "fake.gst:3: out of memory");
	fx_done(&fx);
}
END_TEST

/* The run stops at the signal; the message names it and the count of
** instructions the statistics cover. */
START_TEST(test_interrupted_message)
{
	struct fixture fx;
	volatile sig_atomic_t *stop;
	struct fake_src f = { .n = 100000, .stop_at = 300, .sig = SIGINT };
	struct run_outcome out;
	char status[64], msg[GS_ERR_MAX], want[GS_ERR_MAX];
	double hs, ss, n;

	fx_init(&fx);
	install_stop_handlers(&stop);
	ck_assert_int_eq(run_fake(&fx, &f, stop, &out), EXIT_INTERRUPTED);
	n = out.stats.v[ST_INSN_TOTAL];
	ck_assert_msg(n >= 300 && n <= f.pos && n < f.n, "n = %g", n);	/* up to the next yield */
	run_row(fx.path, out.run_id, status, msg, sizeof msg, &hs, &ss);
	ck_assert_str_eq(status, "interrupted");
	snprintf(want, sizeof want, "interrupted by SIGINT after %.0f instructions (the"
		 " statistics cover them)", n);
	ck_assert_str_eq(msg, want);
	ck_assert(hs > 0 && hs == ss);
	*stop = 0;
	signal(SIGINT, SIG_DFL);

	fx_done(&fx);
}
END_TEST

START_TEST(test_stop_request_message)
{
	struct fixture fx;
	volatile sig_atomic_t own = 0;
	struct fake_src f = { .n = 100000, .stop_at = 50, .flag = &own };
	struct run_outcome out;
	char want[GS_ERR_MAX];

	fx_init(&fx);
	ck_assert_int_eq(run_fake(&fx, &f, &own, &out), EXIT_INTERRUPTED);
	snprintf(want, sizeof want, "interrupted by a stop request after %.0f instructions (the"
		 " statistics cover them)", out.stats.v[ST_INSN_TOTAL]);
	ck_assert_str_eq(out.message, want);
	fx_done(&fx);
}
END_TEST

/* Failed before simulating (a sweep point whose layer could not be
** generated): nothing was timed, host_seconds is NULL. */
START_TEST(test_failure_before_run_null)
{
	struct fixture fx;
	struct run_request rq = { 0 };
	struct run_outcome out;
	char status[64], msg[GS_ERR_MAX];
	double hs, ss;

	fx_init(&fx);
	memset(&out, 0, sizeof out);
	out.rc = EXIT_INPUT;
	snprintf(out.message, sizeof out.message, "layer x: cannot generate");
	ck_assert_int_eq(record_failure(fx.db, &fx.cfg, &rq, "gnmt:x", &out), EXIT_INPUT);
	ck_assert(out.recorded);
	run_row(fx.path, out.run_id, status, msg, sizeof msg, &hs, &ss);
	ck_assert_str_eq(status, "failed");
	ck_assert_str_eq(msg, "layer x: cannot generate");
	ck_assert(hs == -1);
	fx_done(&fx);
}
END_TEST

Suite *record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("record");

	tcase_add_test(tc, test_complete_host_seconds);
	tcase_add_test(tc, test_failed_run_timed);
	tcase_add_test(tc, test_out_of_memory_exit_1);
	tcase_add_test(tc, test_interrupted_message);
	tcase_add_test(tc, test_stop_request_message);
	tcase_add_test(tc, test_failure_before_run_null);
	suite_add_tcase(s, tc);
	return s;
}
