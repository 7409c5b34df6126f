/*
** cmd_run.c: `gssim run`: simulate, print a summary, record the run.
*/
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "db.h"
#include "machine.h"
#include "record.h"
#include "job_opts.h"
#include "trace.h"

static const char run_help[] =
	"usage: gssim run --config FILE --trace FILE --db FILE [options]\n"
	"       gssim run --config FILE --workload NET[:LAYER] --pattern P --sparsity S\n"
	"                 --db FILE [--weights W.npy | --gsf F.gsf] [options]\n"
	"\n"
	"Simulate a trace on the machine described by a YAML config, print a\n"
	"summary and record the run (resolved config, every statistic, per-bank\n"
	"counts) in an SQLite results database; many runs share one file.\n"
	"\n"
	"  -c, --config FILE   hardware config (YAML; see docs/config.md)\n"
	"  -t, --trace FILE    trace file, format v1 (docs/trace-format.md)\n"
	"      --workload NET[:LAYER]  simulate a layer (or every layer of gnmt,\n"
	"                      resnet50, jasper: one recorded run per layer) in process:\n"
	"                      weights pruned and the kernel generated on the fly\n"
	"                      (docs/workloads.md, docs/kernels.md); with --pattern,\n"
	"                      --sparsity, and optionally --weights, --gsf, --batch,\n"
	"                      --variant store|scatter, --dist gaussian|laplace\n"
	"  -d, --db FILE       results database, created if absent (docs/results-db.md)\n"
	"  -s, --set KEY=VAL   override a config key, e.g. --set scratchpad.banks=16\n"
	"                      (repeatable; applied after the file)\n"
	"  -p, --param KEY=VAL attach a parameter to the recorded run (repeatable)\n"
	"      --seed N        seed recorded with the run (default 0)\n"
	"  -q, --quiet         print nothing but errors\n"
	"  -h, --help          this help\n"
	"\n"
	"Exit status: 0 done, 2 bad input (nothing recorded for a bad config or\n"
	"option; a trace error found mid-run is recorded as a failed run),\n"
	"1 internal error, 130 interrupted (recorded as interrupted).\n";

/* Simulate each layer of the job in process (one recorded run per layer)
** and print one line per layer, with a total for several. */
static int run_layers(const struct gs_config *cfg, struct job_opts *jo, struct run_request *rq)
{
	const struct layer *first;
	size_t n;
	double total_cycles = 0, v[ST__COUNT];
	char num[64], name[128];
	struct gs_err err;
	int rc = EXIT_OK;

	if (job_layers(jo, &first, &n, &err))
		return report(&err, EXIT_INPUT);
	rq->out_v = v;
	rq->quiet = rq->quiet || n > 1;
	if (n > 1)
		printf("%-28s %12s %9s %10s %8s %8s %8s\n", "layer", "cycles", "sparsity",
		       "passes", "confl", "lanes", "|w|kept");
	for (size_t i = 0; i < n && rc == EXIT_OK; i++) {
		const struct layer *L = first ? &first[i] : NULL;
		struct pruned pr;
		struct kernel k;
		double frac;

		if (layer_kernel(&jo->job, L, cfg, &pr, &k, &frac, &err)) {
			fprintf(stderr, "%s%s%s\n", L ? L->name : "", L ? ": " : "", err.msg);
			return EXIT_INPUT;
		}
		pattern_name(&pr.pat, name, sizeof name);
		if (run_request_set(rq, "workload", jo->workload ? jo->workload : "-") ||
		    run_request_set(rq, "net", L ? L->net : "-") ||
		    run_request_set(rq, "layer", L ? L->name : (jo->job.gsf ? jo->job.gsf :
								     jo->job.weights)) ||
		    run_request_set(rq, "pattern", name))
			goto oom;
#define SETNUM(key, fmt, val) do { snprintf(num, sizeof num, fmt, val); \
		if (run_request_set(rq, key, num)) goto oom; } while (0)
		SETNUM("sparsity", "%.6g", pr.target_sparsity);
		SETNUM("achieved_sparsity", "%.6g", pr.sparsity);
		SETNUM("abs_kept", "%.6g", pr.abs_kept);
		SETNUM("sq_kept", "%.6g", pr.sq_kept);
		SETNUM("w_frac_kept", "%.6g", frac);
		SETNUM("nnz", "%llu", (unsigned long long)pr.nnz);
		SETNUM("batch", "%u", jo->job.batch ? jo->job.batch : 1);
#undef SETNUM
		rc = run_and_record(cfg, &k.src, rq);
		kernel_free(&k);
		if (rc == EXIT_OK || rc == EXIT_INTERRUPTED) {
			total_cycles += v[ST_CYCLES];
			if (n > 1)
				printf("%-28s %12.0f %9.4f %10.0f %8.0f %8.3f %8.4f\n",
				       L ? L->name : "-", v[ST_CYCLES], pr.sparsity,
				       v[ST_GATHER_PASSES], v[ST_GATHER_CONFLICTS], v[ST_LANE_UTIL],
				       pr.abs_kept);
		}
		pruned_free(&pr);
	}
	if (n > 1 && rc == EXIT_OK)
		printf("%-28s %12.0f   (%zu layers, one run each in %s)\n", "total", total_cycles, n,
		       rq->db_path);
	return rc;
oom:
	fprintf(stderr, "gssim run: out of memory\n");
	return EXIT_INTERNAL;
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "trace", required_argument, NULL, 't' },
		{ "db", required_argument, NULL, 'd' },
		{ "set", required_argument, NULL, 's' },
		{ "param", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		JOB_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct job_opts jo = { 0 };
	struct run_request rq = { 0 };
	struct overrides ov = { 0 };
	const char *config_path = NULL, *trace_path = NULL;
	struct gs_config cfg;
	struct gs_source src = { 0 };
	struct gs_err err;
	int c, rc = EXIT_INPUT;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:t:d:s:p:qh", opts, NULL)) != -1) {
		int r = job_option(&jo, c, optarg, &err);

		if (r < 0) {
			rc = report(&err, EXIT_INPUT);
			goto out;
		}
		if (r)
			continue;
		switch (c) {
		case 'c': config_path = optarg; break;
		case 't': trace_path = optarg; break;
		case 'd': rq.db_path = optarg; break;
		case 's':
			if (overrides_add(&ov, optarg))
				goto oom;
			break;
		case 'p':
			if (run_request_add_param(&rq, optarg, &err)) {
				rc = report(&err, EXIT_INPUT);
				goto out;
			}
			break;
		case 'q': rq.quiet = 1; break;
		case 'h':
			fputs(run_help, stdout);
			rc = EXIT_OK;
			goto out;
		default:
			rc = option_error("run", c, argv);
			goto out;
		}
	}
	if (optind < argc) {
		rc = usage_error("run", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	rq.seed = jo.job.seed;	/* --seed: synthetic weights, recorded with the run */
	if (!config_path || !rq.db_path || (!trace_path) == !(jo.workload || jo.job.weights ||
							      jo.job.gsf)) {
		rc = usage_error("run", "--config, --db and one of --trace or --workload/--weights/"
				 "--gsf are required");
		goto out;
	}
	if (!trace_path) {
		if (job_check(&jo, "run", &err) || load_config(&cfg, config_path, &ov, &err)) {
			rc = report(&err, EXIT_INPUT);
			goto out;
		}
		rc = run_layers(&cfg, &jo, &rq);
		goto out;
	}
	if (load_config(&cfg, config_path, &ov, &err) ||
	    trace_open(&src, trace_path, &cfg, &err)) {
		rc = report(&err, EXIT_INPUT);
		goto out;
	}
	rc = run_and_record(&cfg, &src, &rq);
	src.close(src.ctx);
	goto out;
oom:
	fprintf(stderr, "gssim run: out of memory\n");
	rc = EXIT_INTERNAL;
out:
	overrides_free(&ov);
	run_request_free(&rq);
	return rc;
}
