/*
** cmd_db.c: `gssim db SUBCOMMAND`: maintenance of results databases.
** `gssim db merge OUT.db IN.db...` merges databases (sim/db_merge.h).
*/
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "db_merge.h"
#include "opts.h"

static const enum opt_id merge_opts[] = { OPT_QUIET, OPT_HELP, OPT_END };

static void db_help(FILE *f)
{
	fputs("usage: gssim db merge OUT.db IN.db... [--quiet]\n"
	      "\n"
	      "Merge the runs of every IN.db into OUT.db (created if absent; a\n"
	      "version-1 OUT is migrated). Idempotent: a run already in OUT (a\n"
	      "complete run of the same point key, or an identical run) is not\n"
	      "copied again. Inputs are checked first and only read; any bad input\n"
	      "refuses the whole merge and leaves OUT as it was. Runs get new ids in\n"
	      "OUT. See docs/cli.md.\n\n", f);
	opts_help(f, merge_opts);
}

static int db_merge_cmd(int argc, char **argv)
{
	struct opts o;
	struct db_merge_counts n;
	struct gs_err err;
	int rc = EXIT_INPUT;

	if (opts_parse("db merge", merge_opts, argc, argv, &o))
		return EXIT_INPUT;
	if (o.count[OPT_HELP]) {
		db_help(stdout);
		rc = EXIT_OK;
		goto out;
	}
	if (o.npos < 2) {
		rc = usage_error("db merge", "expected OUT.db and at least one IN.db");
		goto out;
	}
	if (db_merge(o.pos[0], (const char *const *)(o.pos + 1), o.npos - 1, &n, &err)) {
		rc = report(&err, EXIT_INPUT);
		goto out;
	}
	if (!o.count[OPT_QUIET])
		printf("merged %" PRId64 " runs from %d file%s into %s (%" PRId64
		       " already there)\n", n.added, o.npos - 1, o.npos == 2 ? "" : "s",
		       o.pos[0], n.present);
	rc = EXIT_OK;
out:
	opts_free(&o);
	return rc;
}

int cmd_db(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "merge"))
		return db_merge_cmd(argc - 1, argv + 1);
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		db_help(stdout);
		return EXIT_OK;
	}
	if (argc >= 2)
		fprintf(stderr, "gssim db: unknown subcommand '%s'\n", argv[1]);
	db_help(stderr);
	return EXIT_INPUT;
}
