/*
** opts.h: one table of every gssim option (name, short letter, argument,
** help line). A command lists the options it accepts; opts_parse() checks
** argv against that list and collects the values, and opts_help() prints
** the same rows as the command's help, so an option's spelling and help
** exist in one place only.
*/
#ifndef gs_opts_h
#define gs_opts_h

#include <stdint.h>
#include <stdio.h>

enum opt_id {
	OPT_END = 0,		/* terminates a command's accepted list */
	/* common */
	OPT_CONFIG, OPT_TRACE, OPT_DB, OPT_SET, OPT_PARAM, OPT_QUIET, OPT_HELP,
	OPT_OUTPUT, OPT_DUMP, OPT_FP32,
	/* which layer, and how it is pruned (job_opts.h) */
	OPT_WORKLOAD, OPT_WEIGHTS, OPT_GSF, OPT_PATTERN, OPT_SPARSITY, OPT_SEED,
	OPT_DIST, OPT_BATCH, OPT_VARIANT,
	/* sweeps */
	OPT_JOBS, OPT_LIST, OPT_POINTS,
	/* queries and plots */
	OPT_WHERE, OPT_CSV, OPT_JSON, OPT_SQL, OPT_BASELINE, OPT_BY, OPT_ROWS,
	OPT_COLS, OPT_STAT, OPT_X, OPT_SERIES,
	OPT__COUNT
};

enum opt_arg {
	OA_FLAG,	/* no value; at most once */
	OA_ONE,		/* one value; at most once */
	OA_MANY		/* one value each time; repeatable, kept in order */
};

struct opt_def {
	enum opt_id id;
	const char *name;	/* long name without "--" */
	char letter;		/* short option, or 0 */
	enum opt_arg arg;
	const char *metavar;	/* "FILE", "KEY=VAL", ... (NULL for flags) */
	const char *help;	/* one line; continuation lines start with '\n' */
};

struct opts {
	const char *val[OPT__COUNT];	/* the value (OA_ONE), "1" (flag), last (OA_MANY) */
	int count[OPT__COUNT];		/* times given */
	const char **many[OPT__COUNT];	/* OA_MANY: every value in order (malloc'd) */
	char **pos;			/* positional arguments (point into argv) */
	int npos;
};

/* Parse argv[1..] (argv[0] is the command name) against accepted
** (OPT_END-terminated). Unknown options, a missing value, an option given
** twice that is not repeatable, and options outside accepted are refused
** with "gssim CMD: ..." on stderr; returns -1 then, 0 otherwise. */
int opts_parse(const char *cmd, const enum opt_id *accepted, int argc, char **argv,
	       struct opts *o);
void opts_free(struct opts *o);

/* The help lines of the accepted options, in the order given. */
void opts_help(FILE *f, const enum opt_id *accepted);

/* Typed values: 0 and *out set (left alone when the option is absent), or
** -1 after "gssim CMD: --name VALUE: expected ..." on stderr. */
int opt_uint(const char *cmd, const struct opts *o, enum opt_id id, uint64_t min,
	     uint64_t max, uint64_t *out);
int opt_fraction(const char *cmd, const struct opts *o, enum opt_id id, double *out);
/* names: NULL-terminated; *out = index of the value among them. */
int opt_enum(const char *cmd, const struct opts *o, enum opt_id id,
	     const char *const *names, int *out);

/* The table row of an option (never NULL for a valid id). */
const struct opt_def *opt_def_of(enum opt_id id);

#endif
