/*
** cmd_sweep.c: `gssim sweep plan|run|status`: the sub-command dispatch
** and `sweep plan` (validate every point, count, list). run and status
** are in cmd_sweep_run.c; the work is in lab/sweep*.c.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "sweep.h"

static const enum opt_id plan_opts[] = { OPT_LIST, OPT_POINTS, OPT_HELP, OPT_END };

static void plan_line(const struct sweep_point *p)
{
	if (p->src.trace)
		printf("%zu\t%s\t%s\t%s\t-\t-\t-\n", p->index, p->key_hex, p->config_name,
		       p->src.trace);
	else
		printf("%zu\t%s\t%s\t%s\t%s\t%.6g\t%llu\n", p->index, p->key_hex, p->config_name,
		       p->workload, p->src.pattern, p->src.sparsity,
		       (unsigned long long)p->src.seed);
}

static int cmd_sweep_plan(int argc, char **argv)
{
	struct opts o;
	struct sweep_spec *s = NULL;
	struct point_set *only = NULL;
	struct sweep_point *p = NULL;
	struct gs_err err;
	int rc = EXIT_INPUT;

	if (opts_parse("sweep plan", plan_opts, argc, argv, &o))
		return EXIT_INPUT;
	if (o.count[OPT_HELP]) {
		fputs("usage: gssim sweep plan SPEC [--list] [--points LIST]\n\n"
		      "Read a sweep spec (docs/sweeps.md), resolve and validate every point\n"
		      "(config, workload, pattern, point key) and print the point count. Nothing\n"
		      "runs and no database is touched. With --list, one tab-separated line per\n"
		      "point: INDEX POINT_KEY CONFIG_NAME SOURCE PATTERN SPARSITY SEED.\n\n", stdout);
		opts_help(stdout, plan_opts);
		fputs("\nExit status: 0 every point valid, 2 a bad spec or point (located).\n", stdout);
		opts_free(&o);
		return EXIT_OK;
	}
	if (o.npos != 1) {
		if (o.npos)
			usage_error("sweep plan", "expected one SPEC, got %d arguments", o.npos);
		else
			usage_error("sweep plan", "expected a SPEC file");
		goto out;
	}
	if (sweep_load(&s, o.pos[0], &err) ||
	    (o.val[OPT_POINTS] && point_set_parse(&only, o.val[OPT_POINTS], sweep_npoints(s), &err))) {
		report(&err, EXIT_INPUT);
		goto out;
	}
	if (!(p = malloc(sizeof *p))) {
		fprintf(stderr, "gssim sweep plan: out of memory\n");
		rc = EXIT_INTERNAL;
		goto out;
	}
	/* Every point is resolved before anything is printed per point. */
	if (sweep_check(s, &err)) {
		report(&err, EXIT_INPUT);
		goto out;
	}
	printf("%s: %zu points (sweep %s, spec hash %s)\n", o.pos[0], sweep_npoints(s),
	       sweep_name(s), sweep_spec_hash(s));
	for (size_t i = 0; o.count[OPT_LIST] && i < sweep_npoints(s); i++) {
		if (only && !point_set_has(only, i))
			continue;
		if (sweep_point(s, i, p, &err)) {	/* checked above: cannot fail */
			report(&err, EXIT_INPUT);
			goto out;
		}
		plan_line(p);
	}
	rc = EXIT_OK;
out:
	free(p);
	point_set_free(only);
	sweep_free(s);
	opts_free(&o);
	return rc;
}

static const struct command sweep_commands[] = {
	{ "plan", cmd_sweep_plan, "validate a sweep spec, count and list its points" },
	{ "run", cmd_sweep_run, "run the points not yet complete in a database, in parallel" },
	{ "status", cmd_sweep_status, "say which points are done, failed or missing" },
};

static void sweep_usage(FILE *f)
{
	fputs("usage: gssim sweep COMMAND SPEC [options]   (gssim sweep COMMAND --help)\n\n"
	      "A sweep spec (YAML, docs/sweeps.md) names a base machine, the config keys to\n"
	      "vary and the workloads or traces to run on each machine.\n\ncommands:\n", f);
	for (size_t i = 0; i < sizeof sweep_commands / sizeof sweep_commands[0]; i++)
		fprintf(f, "  %-7s %s\n", sweep_commands[i].name, sweep_commands[i].summary);
}

int cmd_sweep(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2) {
		sweep_usage(stderr);
		return EXIT_INPUT;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		sweep_usage(stdout);
		return EXIT_OK;
	}
	cmd = find_command(sweep_commands, sizeof sweep_commands / sizeof sweep_commands[0],
			   argv[1]);
	if (cmd)
		return cmd->run(argc - 1, argv + 1);
	fprintf(stderr, "gssim sweep: unknown command '%s'\n", argv[1]);
	sweep_usage(stderr);
	return EXIT_INPUT;
}
