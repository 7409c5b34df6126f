/*
** cmd_query.c: `gssim query DB REPORT [options]` and `gssim query DB
** --sql QUERY`: reports from a results database, opened read-only
** (lab/query.h; reports and columns in docs/cli.md).
*/
#include <string.h>

#include "cli.h"
#include "db.h"
#include "opts.h"
#include "query.h"

static const enum opt_id query_opts[] = {
	OPT_WHERE, OPT_CSV, OPT_JSON, OPT_SQL, OPT_BASELINE, OPT_BY, OPT_ROWS, OPT_COLS,
	OPT_STAT, OPT_HELP, OPT_END
};

static const char *const reports[] = { "summary", "speedup", "best", "pivot", NULL };

/* The options only one report takes: report index, option. */
static const struct { int report; enum opt_id opt; } report_only[] = {
	{ QR_SPEEDUP, OPT_BASELINE }, { QR_BEST, OPT_BY }, { QR_PIVOT, OPT_ROWS },
	{ QR_PIVOT, OPT_COLS }, { QR_PIVOT, OPT_STAT },
};

static void query_help(FILE *f)
{
	fputs("usage: gssim query DB REPORT [--where KEY=VAL]... [--csv|--json]\n"
	      "       gssim query DB --sql QUERY [--csv|--json]\n"
	      "\n"
	      "Reports from a results database (opened read-only, version 1 or 2):\n"
	      "  summary                     one row per run: identity, swept keys,\n"
	      "                              headline stats and the cycle stack\n"
	      "  speedup [--baseline K=V]    baseline cycles / cycles, per workload\n"
	      "  best [--by STAT]            lowest STAT per workload, pattern, sparsity\n"
	      "  pivot --rows K --cols K [--stat NAME]   a table of one stat\n"
	      "A KEY is a run parameter (config path, workload, pattern, ...), else a\n"
	      "runs column. Only complete runs unless --where status=... is given.\n"
	      "See docs/cli.md.\n\n", f);
	opts_help(f, query_opts);
}

static int check_options(const struct opts *o, int report)
{
	for (size_t i = 0; i < sizeof report_only / sizeof *report_only; i++)
		if (o->count[report_only[i].opt] && report_only[i].report != report)
			return usage_error("query", "--%s is not an option of %s",
					   opt_def_of(report_only[i].opt)->name,
					   report < 0 ? "--sql" : reports[report]);
	return 0;
}

static int run_query(const struct opts *o, struct gs_db *db, int report, struct qtable *t,
		     struct gs_err *err)
{
	struct query_req req = {
		.report = (enum query_report)report,
		.where = o->many[OPT_WHERE], .nwhere = o->count[OPT_WHERE],
		.baseline = o->val[OPT_BASELINE], .by = o->val[OPT_BY],
		.rows = o->val[OPT_ROWS], .cols = o->val[OPT_COLS], .stat = o->val[OPT_STAT],
	};
	int bad = 0;

	if (report < 0)
		return query_sql(db, o->val[OPT_SQL], t, err) ? EXIT_INPUT : EXIT_OK;
	if (query_report(db, &req, t, &bad, err))
		return bad ? EXIT_INPUT : EXIT_INTERNAL;
	return EXIT_OK;
}

int cmd_query(int argc, char **argv)
{
	struct opts o;
	struct gs_db *db = NULL;
	struct qtable t = { 0 };
	struct gs_err err;
	int which = -1, rc = EXIT_INPUT;

	if (opts_parse("query", query_opts, argc, argv, &o))
		return EXIT_INPUT;
	if (o.count[OPT_HELP]) {
		query_help(stdout);
		rc = EXIT_OK;
		goto out;
	}
	if (o.npos != (o.val[OPT_SQL] ? 1 : 2)) {
		rc = usage_error("query", o.val[OPT_SQL] ? "expected DB only with --sql" :
				 "expected DB and a REPORT (summary, speedup, best, pivot)");
		goto out;
	}
	if (o.count[OPT_CSV] && o.count[OPT_JSON]) {
		rc = usage_error("query", "--csv and --json exclude each other");
		goto out;
	}
	if (!o.val[OPT_SQL]) {
		for (int i = 0; reports[i]; i++)
			if (!strcmp(o.pos[1], reports[i]))
				which = i;
		if (which < 0) {
			rc = usage_error("query", "unknown report '%s' (summary, speedup, best, "
					 "pivot)", o.pos[1]);
			goto out;
		}
	} else if (o.count[OPT_WHERE]) {
		rc = usage_error("query", "--where does not apply to --sql (use WHERE)");
		goto out;
	}
	if ((rc = check_options(&o, which)))
		goto out;
	if (db_open_readonly(&db, o.pos[0], &err)) {
		rc = report(&err, EXIT_INPUT);
		goto out;
	}
	if ((rc = run_query(&o, db, which, &t, &err))) {
		fprintf(stderr, "gssim query: %s\n", err.msg);
		goto out;
	}
	if (qt_print(stdout, &t, o.count[OPT_CSV] ? QT_CSV : o.count[OPT_JSON] ? QT_JSON :
		     QT_TABLE)) {
		fprintf(stderr, "gssim query: cannot write the output\n");
		rc = EXIT_INTERNAL;
	}
out:
	qt_free(&t);
	db_close(db);
	opts_free(&o);
	return rc;
}
