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
#include "run.h"
#include "trace.h"

static const char run_help[] =
	"usage: gssim run --config FILE --trace FILE --db FILE [options]\n"
	"\n"
	"Simulate a trace on the machine described by a YAML config, print a\n"
	"summary and record the run (resolved config, every statistic, per-bank\n"
	"counts) in an SQLite results database; many runs share one file.\n"
	"\n"
	"  -c, --config FILE   hardware config (YAML; see docs/config.md)\n"
	"  -t, --trace FILE    trace file, format v1 (docs/trace-format.md)\n"
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

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "trace", required_argument, NULL, 't' },
		{ "db", required_argument, NULL, 'd' },
		{ "set", required_argument, NULL, 's' },
		{ "param", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
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
		case 'S':
			if (parse_seed(optarg, &rq.seed, &err)) {
				rc = report(&err, EXIT_INPUT);
				goto out;
			}
			break;
		case 'q': rq.quiet = 1; break;
		case 'h':
			fputs(run_help, stdout);
			rc = EXIT_OK;
			goto out;
		case ':':
			rc = usage_error("run", "option %s needs a value", argv[optind - 1]);
			goto out;
		default:
			rc = usage_error("run", "unknown option '%s'", argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc) {
		rc = usage_error("run", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (!config_path || !trace_path || !rq.db_path) {
		rc = usage_error("run", "--config, --trace and --db are required");
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
