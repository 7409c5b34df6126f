/*
** cmd_sweep_run.c: `gssim sweep run` and `gssim sweep status`: parse the
** options, load the spec, call lab/sweep_run.c.
*/
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "sweep.h"
#include "sweep_run.h"

static const enum opt_id run_opts[] = {
	OPT_DB, OPT_JOBS, OPT_POINTS, OPT_QUIET, OPT_HELP, OPT_END
};

static const enum opt_id status_opts[] = {
	OPT_DB, OPT_POINTS, OPT_LIST, OPT_HELP, OPT_END
};

/* Spec and --points, shared by both sub-commands; prints its errors. */
static int load_spec(const char *cmd, const struct opts *o, struct sweep_spec **s,
		     struct point_set **only)
{
	struct gs_err err;

	*s = NULL;
	*only = NULL;
	if (o->npos == 0)
		return usage_error(cmd, "expected a SPEC file");
	if (o->npos > 1)
		return usage_error(cmd, "expected one SPEC, got %d arguments", o->npos);
	if (!o->val[OPT_DB])
		return usage_error(cmd, "--db FILE is required");
	if (sweep_load(s, o->pos[0], &err) ||
	    (o->val[OPT_POINTS] &&
	     point_set_parse(only, o->val[OPT_POINTS], sweep_npoints(*s), &err))) {
		sweep_free(*s);
		*s = NULL;
		return report(&err, EXIT_INPUT);
	}
	return EXIT_OK;
}

int cmd_sweep_run(int argc, char **argv)
{
	struct opts o;
	struct sweep_spec *s = NULL;
	struct point_set *only = NULL;
	struct sweep_tally t;
	struct gs_err err;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t jobs = ncpu > 0 ? (uint64_t)ncpu : 1;
	int rc;

	if (opts_parse("sweep run", run_opts, argc, argv, &o))
		return EXIT_INPUT;
	if (o.count[OPT_HELP]) {
		fputs("usage: gssim sweep run SPEC --db OUT.db [--jobs N] [--points LIST] [--quiet]\n"
		      "\n"
		      "Run every point of a sweep spec (docs/sweeps.md) not already complete in\n"
		      "OUT.db, on N worker processes, and record each as a run. Complete points\n"
		      "are skipped, so the same command resumes an interrupted sweep or runs\n"
		      "what a grown spec added. Failed points are listed at the end.\n\n", stdout);
		opts_help(stdout, run_opts);
		fputs("\nExit status: 0 every selected point complete, 1 some failed, 2 bad\n"
		      "spec, option or database (nothing ran), 130 interrupted.\n", stdout);
		opts_free(&o);
		return EXIT_OK;
	}
	rc = load_spec("sweep run", &o, &s, &only);
	if (rc == EXIT_OK && opt_uint("sweep run", &o, OPT_JOBS, 1, 256, &jobs))
		rc = EXIT_INPUT;
	if (rc == EXIT_OK) {
		struct sweep_run_opts ro = {
			.db_path = o.val[OPT_DB], .jobs = (int)jobs, .only = only,
			.progress = o.count[OPT_QUIET] ? PROGRESS_OFF : PROGRESS_LOG,
			.out = o.count[OPT_QUIET] ? NULL : stdout,
		};

		rc = sweep_run(s, &ro, &t, &err);
		if (rc == EXIT_INPUT)
			report(&err, EXIT_INPUT);
	}
	point_set_free(only);
	sweep_free(s);
	opts_free(&o);
	return rc;
}

/* Compact "3-7,12" lists of the points not complete. */
struct status_acc {
	size_t done, failed, missing;
	int list;
	char *ranges;
	size_t len, cap;
	size_t run_start, run_end;	/* the open range, run_end exclusive; empty when equal */
	int oom;
};

static void add_text(struct status_acc *a, const char *s)
{
	size_t n = strlen(s);

	if (a->len + n + 1 > a->cap) {
		size_t cap = (a->len + n + 1) * 2;
		char *r = realloc(a->ranges, cap);

		if (!r) {
			a->oom = 1;
			return;
		}
		a->ranges = r;
		a->cap = cap;
	}
	memcpy(a->ranges + a->len, s, n + 1);
	a->len += n;
}

static void close_range(struct status_acc *a)
{
	char buf[64];

	if (a->run_start == a->run_end)
		return;
	if (a->run_end - a->run_start == 1)
		snprintf(buf, sizeof buf, "%s%zu", a->len ? "," : "", a->run_start);
	else
		snprintf(buf, sizeof buf, "%s%zu-%zu", a->len ? "," : "", a->run_start,
			 a->run_end - 1);
	add_text(a, buf);
	a->run_start = a->run_end;
}

static void on_state(void *ctx, size_t index, enum point_state st)
{
	struct status_acc *a = ctx;

	if (st == POINT_DONE) {
		a->done++;
		return;
	}
	if (st == POINT_FAILED)
		a->failed++;
	else
		a->missing++;
	if (a->list)
		printf("%zu\t%s\n", index, st == POINT_FAILED ? "failed" : "missing");
	if (a->run_start == a->run_end || index != a->run_end) {
		close_range(a);
		a->run_start = index;
	}
	a->run_end = index + 1;
}

int cmd_sweep_status(int argc, char **argv)
{
	struct opts o;
	struct sweep_spec *s = NULL;
	struct point_set *only = NULL;
	struct status_acc a = { 0 };
	struct gs_err err;
	int rc;

	if (opts_parse("sweep status", status_opts, argc, argv, &o))
		return EXIT_INPUT;
	if (o.count[OPT_HELP]) {
		fputs("usage: gssim sweep status SPEC --db OUT.db [--list] [--points LIST]\n"
		      "\n"
		      "Say which points of a sweep are complete in OUT.db, which failed (a\n"
		      "failed run and no complete one) and which are missing, without running\n"
		      "or changing anything. The last line, `missing: LIST`, lists every point\n"
		      "not complete (failed or missing) as index ranges, the form --points takes.\n\n",
		      stdout);
		opts_help(stdout, status_opts);
		fputs("\nExit status: 0 every point complete, 1 some are not, 2 bad input.\n",
		      stdout);
		opts_free(&o);
		return EXIT_OK;
	}
	rc = load_spec("sweep status", &o, &s, &only);
	if (rc == EXIT_OK) {
		a.list = o.count[OPT_LIST] > 0;
		if (sweep_status(s, o.val[OPT_DB], only, on_state, &a, &err)) {
			rc = report(&err, EXIT_INPUT);
		} else {
			close_range(&a);
			if (a.oom) {
				fprintf(stderr, "gssim sweep status: out of memory\n");
				rc = EXIT_INTERNAL;
			} else {
				printf("done %zu, failed %zu, missing %zu of %zu\n", a.done, a.failed,
				       a.missing, a.done + a.failed + a.missing);
				printf("missing: %s\n", a.len ? a.ranges : "none");
				rc = a.failed + a.missing ? EXIT_INTERNAL : EXIT_OK;
			}
		}
	}
	free(a.ranges);
	point_set_free(only);
	sweep_free(s);
	opts_free(&o);
	return rc;
}
