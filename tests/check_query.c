/*
** check_query.c: gssim query (lab/query*.c, lab/qtable.c): the reports on
** a database built through db.h with hand-chosen stats, so every printed
** table is exact; KEY lookup; errors; and one end-to-end run of the binary
** (gssim run on traces/, db merge, query).
*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "query.h"
#include "testutil.h"

struct qfix {
	char *dir;
	char path[512];
};

static struct qfix fx;

/* One run of the fixture: workload net:l1 or net:l2 on machine "paper"
** with scratchpad.banks = banks; cycles c (0: a failed run, no stats). */
struct spec {
	const char *workload, *pattern;
	int banks;
	double cycles;
};

static const struct spec fixture_runs[] = {
	{ "net:l1", "dense", 16, 1000 },	/* 1 */
	{ "net:l1", "gs", 16, 400 },		/* 2 */
	{ "net:l1", "gs", 8, 500 },		/* 3 */
	{ "net:l1", "gs", 64, 250 },		/* 4 */
	{ "net:l1", "dense", 8, 1200 },		/* 5 */
	{ "net:l1", "gs", 16, 0 },		/* 6: failed */
	{ "net:l2", "gs", 16, 300 },		/* 7 */
};

static void record(struct gs_db *db, const struct spec *s, int i)
{
	char banks[16], text[128], hash[32], key[40];
	struct db_param p[] = {
		{ "workload", s->workload }, { "pattern", s->pattern }, { "sparsity", "0.9" },
		{ "scratchpad.banks", banks }, { "seed", "0" }, { "nnz", "100" },
	};
	struct gs_stats st = { 0 };
	struct gs_err err = { "" };
	struct db_run r = {
		.started_at = "2026-12-07T10:00:00Z", .config_name = "paper",
		.config_text = text, .config_hash = hash, .trace = "gen", .version = "test",
		.host_seconds = 1, .status = s->cycles ? "complete" : "failed",
		.message = s->cycles ? NULL : "boom", .point_key = key, .params = p, .nparams = 6,
		.stats = s->cycles ? &st : NULL,
	};

	snprintf(banks, sizeof banks, "%d", s->banks);
	snprintf(text, sizeof text, "name: paper\nscratchpad:\n  banks: %d\n  mapping: xor\n",
		 s->banks);
	snprintf(hash, sizeof hash, "%016x", s->banks);
	snprintf(key, sizeof key, "%032x", i);
	st.v[ST_CYCLES] = s->cycles;
	st.v[ST_INSN_TOTAL] = s->cycles / 2;
	st.v[ST_IPC] = 0.5;
	st.v[ST_GATHER_PASSES] = 10;
	st.v[ST_GATHER_CONFLICTS] = 2;
	st.v[ST_LANE_UTIL] = 0.75;
	st.v[ST_CPI_ISSUE] = s->cycles / 2;
	st.v[ST_CPI_BANK_CONFLICT] = s->cycles / 2;
	ck_assert_msg(db_record_run(db, &r, NULL, &err) == 0, "%s", err.msg);
}

static void setup(void)
{
	struct gs_db *db = NULL;
	struct gs_err err = { "" };

	fx.dir = tu_temp_dir();
	snprintf(fx.path, sizeof fx.path, "%s/q.db", fx.dir);
	ck_assert_msg(db_open(&db, fx.path, &err) == 0, "%s", err.msg);
	for (size_t i = 0; i < sizeof fixture_runs / sizeof *fixture_runs; i++)
		record(db, &fixture_runs[i], (int)i + 1);
	db_close(db);
}

static void teardown(void)
{
	unlink(fx.path);
	rmdir(fx.dir);
	free(fx.dir);
}

/* The report as printed; rc the return of query_report (or query_sql). */
static char *report(struct query_req *req, const char *sql, enum qt_format fmt, int *rc,
		    struct gs_err *err)
{
	struct gs_db *db = NULL;
	struct qtable t;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int bad = 0;

	ck_assert_msg(db_open_readonly(&db, fx.path, err) == 0, "%s", err->msg);
	*rc = sql ? query_sql(db, sql, &t, err) : query_report(db, req, &t, &bad, err);
	if (!*rc)
		qt_print(f, &t, fmt);
	else
		*rc = bad ? 2 : 1;
	fclose(f);
	if (!*rc)
		qt_free(&t);
	db_close(db);
	return buf;
}

static void expect(struct query_req *req, const char *sql, enum qt_format fmt, const char *want)
{
	struct gs_err err = { "" };
	int rc;
	char *got = report(req, sql, fmt, &rc, &err);

	ck_assert_msg(rc == 0, "rc %d: %s", rc, err.msg);
	ck_assert_str_eq(got, want);
	free(got);
}

static void expect_bad(struct query_req *req, const char *msg)
{
	struct gs_err err = { "" };
	int rc;
	char *got = report(req, NULL, QT_TABLE, &rc, &err);

	ck_assert_int_eq(rc, 2);
	ck_assert_msg(strstr(err.msg, msg), "%s", err.msg);
	free(got);
}

static const char *const l1[] = { "workload=net:l1" };

START_TEST(pivot_numeric_order_text)
{
	struct query_req req = { .report = QR_PIVOT, .where = l1, .nwhere = 1,
				 .rows = "scratchpad.banks", .cols = "pattern" };

	expect(&req, NULL, QT_TABLE,
	       "scratchpad.banks  dense   gs\n"
	       "----------------  -----  ---\n"
	       "               8   1200  500\n"
	       "              16   1000  400\n"
	       "              64      -  250\n");
	expect(&req, NULL, QT_CSV,
	       "scratchpad.banks,dense,gs\r\n8,1200,500\r\n16,1000,400\r\n64,,250\r\n");
	expect(&req, NULL, QT_JSON,
	       "[\n {\"scratchpad.banks\": 8, \"dense\": 1200, \"gs\": 500},\n"
	       " {\"scratchpad.banks\": 16, \"dense\": 1000, \"gs\": 400},\n"
	       " {\"scratchpad.banks\": 64, \"dense\": null, \"gs\": 250}\n]\n");
	/* a ratio stat keeps its 4 decimals */
	req.stat = "lanes.utilisation";
	req.cols = "workload";
	req.where = NULL;
	req.nwhere = 0;
	req.rows = "id";
	expect(&req, NULL, QT_CSV, "id,net:l1,net:l2\r\n1,0.7500,\r\n2,0.7500,\r\n3,0.7500,\r\n"
	       "4,0.7500,\r\n5,0.7500,\r\n7,,0.7500\r\n");
}
END_TEST

START_TEST(pivot_refuses_two_runs_in_a_cell)
{
	struct query_req req = { .report = QR_PIVOT, .rows = "scratchpad.banks",
				 .cols = "pattern" };

	/* runs 2 (net:l1) and 7 (net:l2) are both banks 16, gs */
	expect_bad(&req, "pivot: runs 2 and 7 both fall in the cell scratchpad.banks=16, "
		   "pattern=gs; narrow with --where");
	req.rows = NULL;
	expect_bad(&req, "pivot needs --rows KEY and --cols KEY");
	req.rows = "banks";
	expect_bad(&req, "--rows banks: no run has a parameter banks");
	req.rows = "id";
	req.stat = "cycle";
	expect_bad(&req, "--stat cycle: unknown statistic");
}
END_TEST

START_TEST(speedup_against_dense)
{
	struct query_req req = { .report = QR_SPEEDUP };

	/* 3 <- 5 (banks 8): 1200/500; 2 <- 1 (banks 16): 1000/400; 4, 7: no dense run */
	expect(&req, NULL, QT_CSV,
	       "workload,pattern,sparsity,config_name,scratchpad.banks,id,cycles,baseline_id,"
	       "baseline_cycles,speedup\r\n"
	       "net:l1,gs,0.9,paper,8,3,500,5,1200,2.4000\r\n"
	       "net:l1,gs,0.9,paper,16,2,400,1,1000,2.5000\r\n"
	       "net:l1,gs,0.9,paper,64,4,250,,,\r\n"
	       "net:l2,gs,0.9,paper,16,7,300,,,\r\n");
	/* baseline on a config path: banks 16 is the reference of the same pattern */
	req.baseline = "scratchpad.banks=16";
	req.where = l1;
	req.nwhere = 1;
	expect(&req, NULL, QT_CSV,
	       "workload,pattern,sparsity,config_name,scratchpad.banks,id,cycles,baseline_id,"
	       "baseline_cycles,speedup\r\n"
	       "net:l1,dense,0.9,paper,8,5,1200,1,1000,0.8333\r\n"
	       "net:l1,gs,0.9,paper,8,3,500,2,400,0.8000\r\n"
	       "net:l1,gs,0.9,paper,64,4,250,2,400,1.6000\r\n");
	req.baseline = "pattern";
	expect_bad(&req, "--baseline pattern: expected KEY=VAL");
}
END_TEST

START_TEST(best_per_workload)
{
	struct query_req req = { .report = QR_BEST };

	expect(&req, NULL, QT_JSON,
	       "[\n {\"workload\": \"net:l1\", \"pattern\": \"dense\", \"sparsity\": 0.9, \"runs\": 2,"
	       " \"id\": 1, \"config_name\": \"paper\", \"scratchpad.banks\": 16, \"cycles\": 1000},\n"
	       " {\"workload\": \"net:l1\", \"pattern\": \"gs\", \"sparsity\": 0.9, \"runs\": 3,"
	       " \"id\": 4, \"config_name\": \"paper\", \"scratchpad.banks\": 64, \"cycles\": 250},\n"
	       " {\"workload\": \"net:l2\", \"pattern\": \"gs\", \"sparsity\": 0.9, \"runs\": 1,"
	       " \"id\": 7, \"config_name\": \"paper\", \"scratchpad.banks\": 16, \"cycles\": 300}\n]\n");
	/* ties go to the lowest id */
	req.by = "gse.gather.passes";
	expect(&req, NULL, QT_CSV,
	       "workload,pattern,sparsity,runs,id,config_name,scratchpad.banks,gse.gather.passes\r\n"
	       "net:l1,dense,0.9,2,1,paper,16,10\r\n"
	       "net:l1,gs,0.9,3,2,paper,16,10\r\n"
	       "net:l2,gs,0.9,1,7,paper,16,10\r\n");
	req.by = "nope";
	expect_bad(&req, "--by nope: unknown statistic");
}
END_TEST

#define SUMMARY_HEAD "id,status,config_name,workload,pattern,sparsity,seed,scratchpad.banks," \
	"cycles,insn.total,ipc,gse.gather.passes,gse.gather.conflicts,lanes.utilisation," \
	"cpi.issue,cpi.dep_alu,cpi.spm_latency,cpi.bank_conflict,cpi.gse_queue," \
	"cpi.mem_bandwidth,cpi.mem_latency,cpi.dma_wait,cpi.drain\r\n"

START_TEST(summary_and_where)
{
	static const char *const w4[] = { "id=4", "seed=0" };
	static const char *const failed[] = { "status=failed" };
	static const char *const nokey[] = { "banks=16" };
	static const char *const malformed[] = { "pattern" };
	struct query_req req = { .report = QR_SUMMARY, .where = w4, .nwhere = 2 };

	expect(&req, NULL, QT_CSV, SUMMARY_HEAD
	       "4,complete,paper,net:l1,gs,0.9,0,64,250,125,0.5000,10,2,0.7500,"
	       "125,0,0,125,0,0,0,0,0\r\n");
	/* only complete runs unless status is named */
	req.where = failed;
	req.nwhere = 1;
	expect(&req, NULL, QT_CSV, SUMMARY_HEAD "6,failed,paper,net:l1,gs,0.9,0,16,,,,,,,,,,,,,,,\r\n");
	req.where = nokey;
	expect_bad(&req, "--where banks: no run has a parameter banks, and it is not a runs column");
	req.where = malformed;
	expect_bad(&req, "--where pattern: expected KEY=VAL");
}
END_TEST

START_TEST(sql_any_select)
{
	struct gs_err err = { "" };
	int rc;
	char *out;

	expect(NULL, "SELECT id, status, 1.5 AS x, NULL AS n, 'a,\"b' AS s FROM runs WHERE id < 3",
	       QT_CSV, "id,status,x,n,s\r\n1,complete,1.5000,,\"a,\"\"b\"\r\n"
	       "2,complete,1.5000,,\"a,\"\"b\"\r\n");
	expect(NULL, "SELECT 'x\"y' AS q, 7 AS k", QT_JSON, "[\n {\"q\": \"x\\\"y\", \"k\": 7}\n]\n");
	expect(NULL, "SELECT 1 AS a WHERE 0", QT_JSON, "[]\n");
	expect(NULL, "SELECT 1 AS a WHERE 0", QT_TABLE, "a\n-\n");
	out = report(NULL, "DELETE FROM runs", QT_TABLE, &rc, &err);
	ck_assert_int_ne(rc, 0);
	ck_assert_msg(strstr(err.msg, "only read-only statements"), "%s", err.msg);
	free(out);
	out = report(NULL, "SELECT 1; DROP TABLE runs", QT_TABLE, &rc, &err);
	ck_assert_int_ne(rc, 0);
	ck_assert_msg(strstr(err.msg, "one statement only"), "%s", err.msg);
	free(out);
}
END_TEST

START_TEST(qt_compare_numbers_first)
{
	ck_assert_int_lt(qt_compare("8", "16"), 0);
	ck_assert_int_lt(qt_compare("0.5", "1e3"), 0);
	ck_assert_int_lt(qt_compare("64", "dense"), 0);
	ck_assert_int_lt(qt_compare(NULL, "0"), 0);
	ck_assert_int_eq(qt_compare("gs", "gs"), 0);
}
END_TEST

/* ---- through the binary ---- */

static int gssim(char **out, const char *a0, const char *a1, const char *a2, const char *a3,
		 const char *a4, const char *a5, const char *a6)
{
	const char *argv[] = { a0, a1, a2, a3, a4, a5, a6, NULL };

	return tu_run_gssim(argv, out);
}

static void run_trace(const char *db, const char *trace, const char *workload,
		      const char *layout)
{
	const char *argv[] = { "run", "-q", "-c", "configs/default.yaml", "-t", trace, "-d", db,
			       "--param", workload, "--param", layout, NULL };
	char *out = NULL;

	ck_assert_msg(tu_run_gssim(argv, &out) == 0, "%s", out);
	free(out);
}

START_TEST(end_to_end_run_merge_query)
{
	char *dir = tu_temp_dir(), a[512], b[512], o[512], want[1024], *out = NULL;

	snprintf(a, sizeof a, "%s/a.db", dir);
	snprintf(b, sizeof b, "%s/b.db", dir);
	snprintf(o, sizeof o, "%s/out.db", dir);
	/* cycles hand-worked in the traces' comments: 9, 16, 44 */
	run_trace(a, "traces/gather-conflict-free.gst", "kernel=gather", "layout=free");
	run_trace(a, "traces/gather-strides.gst", "kernel=gather", "layout=strided");
	run_trace(b, "traces/gs-spmv-16x16.gst", "kernel=spmv", "layout=free");
	ck_assert_int_eq(gssim(&out, "db", "merge", o, a, b, NULL, NULL), 0);
	snprintf(want, sizeof want, "merged 3 runs from 2 files into %s (0 already there)\n", o);
	ck_assert_str_eq(out, want);
	free(out);
	ck_assert_int_eq(gssim(&out, "db", "merge", o, a, b, NULL, NULL), 0);
	snprintf(want, sizeof want, "merged 0 runs from 2 files into %s (3 already there)\n", o);
	ck_assert_str_eq(out, want);
	free(out);
	ck_assert_int_eq(gssim(&out, "query", o, "pivot", "--rows", "kernel", "--cols",
			       "layout"), 0);
	ck_assert_str_eq(out, "kernel  free  strided\n------  ----  -------\n"
			 "gather     9       16\nspmv      44        -\n");
	free(out);
	ck_assert_int_eq(gssim(&out, "query", o, "--sql", "SELECT count(*) AS n FROM stats",
			       "--csv", NULL, NULL), 0);
	snprintf(want, sizeof want, "n\r\n%d\r\n", 3 * ST__COUNT);
	ck_assert_str_eq(out, want);
	free(out);
	/* bad input: exit 2 with a message */
	ck_assert_int_eq(gssim(&out, "query", o, "histogram", NULL, NULL, NULL, NULL), 2);
	ck_assert_msg(strstr(out, "unknown report 'histogram'"), "%s", out);
	free(out);
	ck_assert_int_eq(gssim(&out, "query", o, "summary", "--where", "nokey=1", NULL, NULL), 2);
	ck_assert_msg(strstr(out, "--where nokey: no run has a parameter nokey"), "%s", out);
	free(out);
	ck_assert_int_eq(gssim(&out, "query", o, "best", "--by", "nope", NULL, NULL), 2);
	ck_assert_msg(strstr(out, "--by nope: unknown statistic"), "%s", out);
	free(out);
	ck_assert_int_eq(gssim(&out, "query", o, "summary", "--csv", "--json", NULL, NULL), 2);
	free(out);
	ck_assert_int_eq(gssim(&out, "query", o, "summary", "--by", "cycles", NULL, NULL), 2);
	ck_assert_msg(strstr(out, "--by is not an option of summary"), "%s", out);
	free(out);
	ck_assert_int_eq(gssim(&out, "query", a, "nonexistent.db", NULL, NULL, NULL, NULL), 2);
	free(out);
	unlink(a);
	unlink(b);
	unlink(o);
	rmdir(dir);
	free(dir);
}
END_TEST

Suite *query_suite(void)
{
	Suite *s = suite_create("query");
	TCase *tc = tcase_create("reports");
	TCase *e2e = tcase_create("binary");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, pivot_numeric_order_text);
	tcase_add_test(tc, pivot_refuses_two_runs_in_a_cell);
	tcase_add_test(tc, speedup_against_dense);
	tcase_add_test(tc, best_per_workload);
	tcase_add_test(tc, summary_and_where);
	tcase_add_test(tc, sql_any_select);
	tcase_add_test(tc, qt_compare_numbers_first);
	suite_add_tcase(s, tc);
	tcase_set_timeout(e2e, 60);
	tcase_add_test(e2e, end_to_end_run_merge_query);
	suite_add_tcase(s, e2e);
	return s;
}
