/*
** cmd_check.c: `gssim check`: validate a config (and a trace) without
** simulating; `gssim docs`: print the generated reference docs.
*/
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "stats.h"
#include "trace.h"

static const enum opt_id check_opts[] = {
	OPT_CONFIG, OPT_TRACE, OPT_SET, OPT_DUMP, OPT_HELP, OPT_END
};

static void check_help(void)
{
	fputs("usage: gssim check --config FILE [--trace FILE] [--set KEY=VAL]... [--dump]\n"
	      "\n"
	      "Validate a hardware config (every key, type, range and cross-key rule)\n"
	      "and, with --trace, every line of a trace against that config, without\n"
	      "simulating or touching any database. Prints the resolved config hash\n"
	      "and the instruction count. Exit status 0 if valid, 2 otherwise.\n\n", stdout);
	opts_help(stdout, check_opts);
}

int cmd_check(int argc, char **argv)
{
	struct opts o;
	struct overrides ov = { 0 };
	struct gs_config cfg;
	struct gs_source src;
	struct gs_insn in;
	struct gs_err err;
	uint64_t count = 0;
	char hash[17];
	int r, rc = EXIT_INPUT;

	if (opts_parse("check", check_opts, argc, argv, &o))
		return EXIT_INPUT;
	if (o.count[OPT_HELP]) {
		check_help();
		rc = EXIT_OK;
		goto out;
	}
	if (o.npos) {
		rc = usage_error("check", "unexpected argument '%s'", o.pos[0]);
		goto out;
	}
	if (!o.val[OPT_CONFIG]) {
		rc = usage_error("check", "--config is required");
		goto out;
	}
	for (int i = 0; i < o.count[OPT_SET]; i++)
		if (overrides_add(&ov, o.many[OPT_SET][i])) {
			rc = EXIT_INTERNAL;
			goto out;
		}
	if (load_config(&cfg, o.val[OPT_CONFIG], &ov, &err)) {
		rc = report(&err, EXIT_INPUT);
		goto out;
	}
	cfg_hash(&cfg, hash);
	/* With --dump the whole output is loadable YAML: the status is a comment. */
	printf("%sconfig %s: ok (name %s, hash %s)\n", o.count[OPT_DUMP] ? "# " : "",
	       o.val[OPT_CONFIG], cfg.name, hash);
	if (o.count[OPT_DUMP]) {
		char *text = cfg_dump(&cfg);

		if (text)
			fputs(text, stdout);
		free(text);
	}
	if (o.val[OPT_TRACE]) {
		if (trace_open(&src, o.val[OPT_TRACE], &cfg, &err)) {
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
		printf("trace %s: ok (%" PRIu64 " instructions)\n", o.val[OPT_TRACE], count);
	}
	rc = EXIT_OK;
out:
	overrides_free(&ov);
	opts_free(&o);
	return rc;
}

static void docs_help(FILE *f)
{
	fputs("usage: gssim docs config|stats\n"
	      "\n"
	      "Print a generated reference in Markdown: `config` every config key\n"
	      "(docs/config.md), `stats` every statistic (docs/stats.md).\n", f);
}

int cmd_docs(int argc, char **argv)
{
	static const enum opt_id accepted[] = { OPT_HELP, OPT_END };
	struct opts o;
	int rc = EXIT_OK;

	if (opts_parse("docs", accepted, argc, argv, &o))
		return EXIT_INPUT;
	if (o.count[OPT_HELP]) {
		docs_help(stdout);
		fputc('\n', stdout);
		opts_help(stdout, accepted);
	} else if (o.npos == 1 && !strcmp(o.pos[0], "config")) {
		cfg_write_docs(stdout);
	} else if (o.npos == 1 && !strcmp(o.pos[0], "stats")) {
		stats_write_docs(stdout);
	} else {
		docs_help(stderr);
		rc = EXIT_INPUT;
	}
	opts_free(&o);
	return rc;
}
