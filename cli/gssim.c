/*
** gssim.c: the command-line entry point: dispatches to subcommands.
*/
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "version.h"

static const struct command commands[] = {
	{ "run", cmd_run, "simulate a trace on a configured machine, record the run in a results database" },
	{ "check", cmd_check, "validate a config (and a trace) without simulating" },
	{ "prune", cmd_prune, "prune weights onto a sparsity pattern, store the compact format (.gsf)" },
	{ "inspect", cmd_inspect, "describe a .gsf file: shape, pattern, buckets, conformance, bytes" },
	{ "gen", cmd_gen, "write the trace of one layer's sparse kernel" },
	{ "workloads", cmd_workloads, "list the networks and their layers (GNMT, ResNet50, Jasper)" },
	{ "sweep", cmd_sweep, "plan, run and check sweeps of machines and workloads (docs/sweeps.md)" },
	{ "db", cmd_db, "merge results databases (gssim db merge OUT.db IN.db...)" },
	{ "query", cmd_query, "reports from a results database: summary, speedup, best, pivot, SQL" },
	{ "plot", cmd_plot, "plot runs of a results database with gnuplot (.png, .svg)" },
	{ "docs", cmd_docs, "print generated reference docs (config keys, stats)" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: gssim COMMAND [options]   (gssim COMMAND --help for each)\n\n"
		   "gssim %s: a cycle-approximate simulator of a banked scratchpad, a\n"
		   "gather/scatter engine and vector lanes.\n\ncommands:\n", GSSIM_VERSION);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "  version  print the version\n\nDocumentation: docs/cli.md\n");
}

int main(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2) {
		usage(stderr);
		return EXIT_INPUT;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("gssim %s\n", GSSIM_VERSION);
		return EXIT_OK;
	}
	if ((cmd = find_command(commands, sizeof commands / sizeof commands[0], argv[1])))
		return cmd->run(argc - 1, argv + 1);
	fprintf(stderr, "gssim: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_INPUT;
}
