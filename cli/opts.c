/*
** opts.c: the option table and its parser (see opts.h).
*/
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"

/* One row per option, whatever command uses it. */
static const struct opt_def opt_table[] = {
	{ OPT_CONFIG, "config", 'c', OA_ONE, "FILE", "hardware config (YAML; docs/config.md)" },
	{ OPT_TRACE, "trace", 't', OA_ONE, "FILE", "trace file, format v1 (docs/trace-format.md)" },
	{ OPT_DB, "db", 'd', OA_ONE, "FILE", "results database, created if absent (docs/results-db.md)" },
	{ OPT_SET, "set", 's', OA_MANY, "KEY=VAL",
	  "override a config key, e.g. --set scratchpad.banks=16\n(repeatable; applied after the file)" },
	{ OPT_PARAM, "param", 'p', OA_MANY, "KEY=VAL",
	  "attach a parameter to the recorded run (repeatable, each KEY once)" },
	{ OPT_QUIET, "quiet", 'q', OA_FLAG, NULL, "print nothing but errors" },
	{ OPT_HELP, "help", 'h', OA_FLAG, NULL, "this help" },
	{ OPT_OUTPUT, "output", 'o', OA_ONE, "FILE", "output file" },
	{ OPT_DUMP, "dump", 0, OA_FLAG, NULL, "print the resolved config (canonical YAML)" },
	{ OPT_FP32, "fp32", 0, OA_FLAG, NULL, "store values as fp32 (default fp16)" },
	{ OPT_WORKLOAD, "workload", 0, OA_ONE, "NET[:LAYER]",
	  "a layer of gnmt, resnet50 or jasper (or a whole network)\n(gssim workloads lists them)" },
	{ OPT_WEIGHTS, "weights", 0, OA_ONE, "W.npy", "dense weights (.npy, fp32 or fp16)" },
	{ OPT_GSF, "gsf", 0, OA_ONE, "F.gsf", "an already pruned layer (docs/gs-format.md)" },
	{ OPT_PATTERN, "pattern", 0, OA_ONE, "P",
	  "dense, unstructured, block:Rx1 or block:1xC (R, C up to the lanes),\n"
	  "nm:N:M, gs-v, gs-h, gs:V=8,h=2,B=16[,nonuniform][,exact]" },
	{ OPT_SPARSITY, "sparsity", 0, OA_ONE, "S", "target sparsity, a fraction from 0 to 1 (e.g. 0.9)" },
	{ OPT_SEED, "seed", 0, OA_ONE, "N", "seed of the synthetic weights, recorded with the run (default 0)" },
	{ OPT_DIST, "dist", 0, OA_ONE, "D", "synthetic weight distribution: gaussian (default) or laplace" },
	{ OPT_BATCH, "batch", 0, OA_ONE, "N", "batch: SpMM columns or conv images (default 1)" },
	{ OPT_VARIANT, "variant", 0, OA_ONE, "V", "GS vertical outputs: store (mstore, default) or scatter" },
	{ OPT_JOBS, "jobs", 'j', OA_ONE, "N", "worker processes (default: every core)" },
	{ OPT_LIST, "list", 0, OA_FLAG, NULL, "one line per point" },
	{ OPT_POINTS, "points", 0, OA_ONE, "LIST",
	  "only these point indices, e.g. 0-99,120 (or @FILE: the list in FILE)" },
	{ OPT_WHERE, "where", 'w', OA_MANY, "KEY=VAL",
	  "only runs whose KEY (a config path, a workload parameter or a\nruns column) is VAL (repeatable: all must hold)" },
	{ OPT_CSV, "csv", 0, OA_FLAG, NULL, "print CSV" },
	{ OPT_JSON, "json", 0, OA_FLAG, NULL, "print JSON (an array of objects)" },
	{ OPT_SQL, "sql", 0, OA_ONE, "QUERY", "run this read-only SQL instead of a report" },
	{ OPT_BASELINE, "baseline", 0, OA_ONE, "KEY=VAL", "the runs to compare against (default pattern=dense)" },
	{ OPT_BY, "by", 0, OA_ONE, "STAT", "the statistic to minimise (default cycles)" },
	{ OPT_ROWS, "rows", 0, OA_ONE, "KEY", "pivot rows: a config path or workload parameter" },
	{ OPT_COLS, "cols", 0, OA_ONE, "KEY", "pivot columns: a config path or workload parameter" },
	{ OPT_STAT, "stat", 0, OA_ONE, "NAME", "the statistic to show (docs/stats.md; default cycles)" },
	{ OPT_X, "x", 0, OA_ONE, "KEY", "x axis: a config path or workload parameter" },
	{ OPT_SERIES, "series", 0, OA_ONE, "KEY", "one line per value of KEY (default pattern)" },
};

const struct opt_def *opt_def_of(enum opt_id id)
{
	for (size_t i = 0; i < sizeof opt_table / sizeof *opt_table; i++)
		if (opt_table[i].id == id)
			return &opt_table[i];
	return NULL;
}

static int accepts(const enum opt_id *accepted, enum opt_id id)
{
	for (; *accepted != OPT_END; accepted++)
		if (*accepted == id)
			return 1;
	return 0;
}

static int add_many(struct opts *o, enum opt_id id, const char *value)
{
	const char **m = realloc(o->many[id], (size_t)(o->count[id] + 1) * sizeof *m);

	if (!m)
		return -1;
	m[o->count[id]] = value;
	o->many[id] = m;
	return 0;
}

int opts_parse(const char *cmd, const enum opt_id *accepted, int argc, char **argv,
	       struct opts *o)
{
	struct option lopts[OPT__COUNT + 1];
	char shorts[2 * OPT__COUNT + 2];
	size_t nl = 0, ns = 0;
	int c, rc = -1;

	memset(o, 0, sizeof *o);
	shorts[ns++] = ':';
	for (const enum opt_id *a = accepted; *a != OPT_END; a++) {
		const struct opt_def *d = opt_def_of(*a);

		if (!d)
			continue;
		lopts[nl++] = (struct option){ d->name, d->arg == OA_FLAG ? no_argument :
					       required_argument, NULL, 256 + (int)d->id };
		if (d->letter) {
			shorts[ns++] = d->letter;
			if (d->arg != OA_FLAG)
				shorts[ns++] = ':';
		}
	}
	lopts[nl] = (struct option){ NULL, 0, NULL, 0 };
	shorts[ns] = '\0';
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, lopts, NULL)) != -1) {
		const struct opt_def *d = NULL;

		if (c == ':' || c == '?') {
			option_error(cmd, c, argv);
			goto out;
		}
		if (c >= 256) {
			d = opt_def_of((enum opt_id)(c - 256));
		} else {
			for (const enum opt_id *a = accepted; *a != OPT_END; a++)
				if (opt_def_of(*a) && opt_def_of(*a)->letter == c)
					d = opt_def_of(*a);
		}
		if (!d || !accepts(accepted, d->id)) {
			option_error(cmd, '?', argv);
			goto out;
		}
		if (d->arg != OA_MANY && o->count[d->id]) {
			usage_error(cmd, "option --%s given twice", d->name);
			goto out;
		}
		if (d->arg == OA_MANY && add_many(o, d->id, optarg)) {
			fprintf(stderr, "gssim %s: out of memory\n", cmd);
			goto out;
		}
		o->val[d->id] = d->arg == OA_FLAG ? "1" : optarg;
		o->count[d->id]++;
	}
	o->pos = argv + optind;
	o->npos = argc - optind;
	rc = 0;
out:
	if (rc)
		opts_free(o);
	return rc;
}

void opts_free(struct opts *o)
{
	for (int i = 0; i < OPT__COUNT; i++)
		free(o->many[i]);
	memset(o, 0, sizeof *o);
}

void opts_help(FILE *f, const enum opt_id *accepted)
{
	for (; *accepted != OPT_END; accepted++) {
		const struct opt_def *d = opt_def_of(*accepted);
		char head[64];
		const char *h, *nl;

		if (!d)
			continue;
		if (d->letter)
			snprintf(head, sizeof head, "-%c, --%s%s%s", d->letter, d->name,
				 d->metavar ? " " : "", d->metavar ? d->metavar : "");
		else
			snprintf(head, sizeof head, "    --%s%s%s", d->name, d->metavar ? " " : "",
				 d->metavar ? d->metavar : "");
		if (strlen(head) > 24)	/* a long head gets its own line */
			fprintf(f, "  %s\n  %-24s", head, "");
		else
			fprintf(f, "  %-24s", head);
		for (h = d->help; (nl = strchr(h, '\n')); h = nl + 1)
			fprintf(f, " %.*s\n  %-24s", (int)(nl - h), h, "");
		fprintf(f, " %s\n", h);
	}
}

int opt_uint(const char *cmd, const struct opts *o, enum opt_id id, uint64_t min,
	     uint64_t max, uint64_t *out)
{
	const char *s = o->val[id];
	char *end;
	unsigned long long v;

	if (!s)
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || *s == '+' || v < min || v > max) {
		fprintf(stderr, "gssim %s: --%s %s: expected an integer from %llu to %llu\n", cmd,
			opt_def_of(id)->name, s, (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

int opt_fraction(const char *cmd, const struct opts *o, enum opt_id id, double *out)
{
	const char *s = o->val[id];
	char *end;
	double v;

	if (!s)
		return 0;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0 && v <= 1)) {
		fprintf(stderr, "gssim %s: --%s %s: expected a fraction from 0 to 1 (e.g. 0.9)\n",
			cmd, opt_def_of(id)->name, s);
		return -1;
	}
	*out = v;
	return 0;
}

int opt_enum(const char *cmd, const struct opts *o, enum opt_id id,
	     const char *const *names, int *out)
{
	const char *s = o->val[id];
	char list[256] = "";

	if (!s)
		return 0;
	for (int i = 0; names[i]; i++) {
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
			 i ? (names[i + 1] ? ", " : " or ") : "", names[i]);
	}
	fprintf(stderr, "gssim %s: --%s %s: expected %s\n", cmd, opt_def_of(id)->name, s, list);
	return -1;
}
