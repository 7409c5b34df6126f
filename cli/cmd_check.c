/*
** cmd_check.c: `gssim check`: validate a config (and a trace) without
** simulating; `gssim docs`: print the generated reference docs.
*/
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "stats.h"
#include "trace.h"

static const char check_help[] =
	"usage: gssim check --config FILE [--trace FILE] [--set KEY=VAL]...\n"
	"\n"
	"Validate a hardware config (every key, type, range and cross-key rule)\n"
	"and, with --trace, every line of a trace against that config, without\n"
	"simulating or touching any database. Prints the resolved config hash\n"
	"and the instruction count. Exit status 0 if valid, 2 otherwise.\n"
	"\n"
	"  -c, --config FILE   hardware config (YAML)\n"
	"  -t, --trace FILE    trace file to validate\n"
	"  -s, --set KEY=VAL   override a config key (repeatable)\n"
	"      --dump          print the resolved config (canonical YAML)\n"
	"  -h, --help          this help\n";

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "trace", required_argument, NULL, 't' },
		{ "set", required_argument, NULL, 's' },
		{ "dump", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct overrides ov = { 0 };
	const char *config_path = NULL, *trace_path = NULL;
	struct gs_config cfg;
	struct gs_source src;
	struct gs_insn in;
	struct gs_err err;
	uint64_t count = 0;
	char hash[17];
	int c, r, dump = 0, rc = EXIT_INPUT;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:t:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config_path = optarg; break;
		case 't': trace_path = optarg; break;
		case 's':
			if (overrides_add(&ov, optarg)) {
				rc = EXIT_INTERNAL;
				goto out;
			}
			break;
		case 'D': dump = 1; break;
		case 'h':
			fputs(check_help, stdout);
			rc = EXIT_OK;
			goto out;
		default:
			rc = option_error("check", c, argv);
			goto out;
		}
	}
	if (optind < argc) {
		rc = usage_error("check", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (!config_path) {
		rc = usage_error("check", "--config is required");
		goto out;
	}
	if (load_config(&cfg, config_path, &ov, &err)) {
		rc = report(&err, EXIT_INPUT);
		goto out;
	}
	cfg_hash(&cfg, hash);
	/* With --dump the whole output is loadable YAML: the status is a comment. */
	printf("%sconfig %s: ok (name %s, hash %s)\n", dump ? "# " : "", config_path, cfg.name,
	       hash);
	if (dump) {
		char *text = cfg_dump(&cfg);

		if (text)
			fputs(text, stdout);
		free(text);
	}
	if (trace_path) {
		if (trace_open(&src, trace_path, &cfg, &err)) {
			rc = report(&err, EXIT_INPUT);
			goto out;
		}
		while ((r = src.next(src.ctx, &in, &err)) > 0)
			count++;
		src.close(src.ctx);
		if (r < 0) {
			rc = report(&err, EXIT_INPUT);
			goto out;
		}
		printf("trace %s: ok (%" PRIu64 " instructions)\n", trace_path, count);
	}
	rc = EXIT_OK;
out:
	overrides_free(&ov);
	return rc;
}

static const char docs_help[] =
	"usage: gssim docs config|stats\n"
	"\n"
	"Print a generated reference in Markdown: `config` every config key\n"
	"(docs/config.md), `stats` every statistic (docs/stats.md).\n";

int cmd_docs(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "config")) {
		cfg_write_docs(stdout);
		return EXIT_OK;
	}
	if (argc == 2 && !strcmp(argv[1], "stats")) {
		stats_write_docs(stdout);
		return EXIT_OK;
	}
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(docs_help, stdout);
		return EXIT_OK;
	}
	fputs(docs_help, stderr);
	return EXIT_INPUT;
}
