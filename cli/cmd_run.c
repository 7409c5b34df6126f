/*
** cmd_run.c: `gssim run`: simulate a trace or a layer's kernel, print a
** summary (a table for a whole network), record the run with its
** parameters and point key (docs/results-db.md).
*/
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "counting_source.h"
#include "db.h"
#include "job_opts.h"
#include "opts.h"
#include "point.h"
#include "progress.h"
#include "record.h"
#include "run_params.h"
#include "trace.h"

#define TICK_INSNS 65536	/* instructions between progress updates */

static int out_of_memory(void)
{
	fprintf(stderr, "gssim run: out of memory\n");
	return EXIT_INTERNAL;
}

static const enum opt_id run_opts[] = {
	OPT_CONFIG, OPT_TRACE, JOB_OPTS, OPT_DB, OPT_SET, OPT_PARAM, OPT_QUIET, OPT_HELP, OPT_END
};

static void run_help(void)
{
	fputs("usage: gssim run --config FILE --trace FILE --db FILE [options]\n"
	      "       gssim run --config FILE --workload NET[:LAYER] --pattern P --sparsity S\n"
	      "                 --db FILE [--weights W.npy | --gsf F.gsf] [options]\n"
	      "\n"
	      "Simulate a trace, or a layer's kernel built in process (weights pruned and\n"
	      "the kernel generated on the fly; a whole network with --workload NET: one\n"
	      "recorded run per layer, docs/workloads.md), on the machine described by a\n"
	      "YAML config; print a summary and record the run (resolved config, every\n"
	      "statistic, per-bank counts, the --set keys and workload parameters, a\n"
	      "point key) in an SQLite results database; many runs share one file, and\n"
	      "a point already complete there is not recorded again.\n\n", stdout);
	opts_help(stdout, run_opts);
	fputs("\nThe layer options (--workload ... --variant) do not apply to --trace.\n"
	      "Exit status: 0 done, 2 bad input (nothing recorded for a bad config or\n"
	      "option; a trace error found mid-run is recorded as a failed run),\n"
	      "1 internal error, 130 interrupted (recorded as interrupted).\n", stdout);
}

struct run_ctx {
	struct opts o;
	struct job_opts jo;
	struct overrides ov;
	struct override_keys keys;
	struct gs_config cfg;
	struct run_request rq;
	char config_name[512];
	struct gs_db *db;		/* opened at the first record (bad input writes nothing) */
	volatile sig_atomic_t *stop;
	struct progress *prog;
	size_t layer, nlayers;		/* progress: the layer running, of how many */
	const char *layer_name;
};

/* A trace run takes none of the layer options: say which one was given. */
static int check_trace_exclusive(const struct opts *o)
{
	static const enum opt_id source[] = { OPT_WORKLOAD, OPT_WEIGHTS, OPT_GSF, OPT_END };
	static const enum opt_id layer_only[] = { OPT_PATTERN, OPT_SPARSITY, OPT_SEED, OPT_DIST,
						  OPT_BATCH, OPT_VARIANT, OPT_END };

	if (!o->val[OPT_TRACE])
		return 0;
	for (const enum opt_id *id = source; *id != OPT_END; id++)
		if (o->count[*id])
			return usage_error("run", "--trace and --%s are exclusive: a run simulates a "
					   "trace file or builds a layer's kernel", opt_def_of(*id)->name);
	for (const enum opt_id *id = layer_only; *id != OPT_END; id++)
		if (o->count[*id])
			return usage_error("run", "--%s applies to layer runs (--workload, --weights, "
					   "--gsf), not to --trace", opt_def_of(*id)->name);
	return 0;
}

/* Each --param KEY=VAL: well formed, each KEY once, and not a key the
** run records itself. */
static int check_user_params(const struct opts *o)
{
	for (int i = 0; i < o->count[OPT_PARAM]; i++) {
		const char *kv = o->many[OPT_PARAM][i], *eq = strchr(kv, '=');
		char key[128];
		const char *why;

		if (!eq || eq == kv)
			return usage_error("run", "--param %s: expected KEY=VALUE", kv);
		if ((size_t)(eq - kv) >= sizeof key)
			return usage_error("run", "--param %s: key longer than %zu characters", kv,
					   sizeof key - 1);
		snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
		for (int j = 0; j < i; j++)
			if (!strncmp(o->many[OPT_PARAM][j], kv, (size_t)(eq - kv) + 1))
				return usage_error("run", "--param %s: key \"%s\" given twice", kv, key);
		if ((why = run_param_reserved(key)))
			return usage_error("run", "--param %s: \"%s\" is %s, recorded by the run "
					   "itself", kv, key, why);
	}
	return 0;
}

/* The options checked against each other, before anything is loaded. */
static int check_run_options(struct run_ctx *c)
{
	const struct opts *o = &c->o;

	if (o->npos)
		return usage_error("run", "unexpected argument '%s'", o->pos[0]);
	if (check_trace_exclusive(o) || check_user_params(o))
		return EXIT_INPUT;
	if (!o->val[OPT_CONFIG] || !o->val[OPT_DB])
		return usage_error("run", "--config and --db are required");
	if (!o->val[OPT_TRACE] && !o->val[OPT_WORKLOAD] && !o->val[OPT_WEIGHTS] &&
	    !o->val[OPT_GSF])
		return usage_error("run", "give --trace FILE, or a layer: --workload NET[:LAYER], "
				   "--weights W.npy or --gsf F.gsf");
	return job_from_opts("run", o, &c->jo) ? EXIT_INPUT : EXIT_OK;
}

/* Options to a loaded config and a request carrying the parameters every
** run of this command records. Returns -1 to go on, else an exit status. */
static int run_setup(struct run_ctx *c, int argc, char **argv)
{
	struct gs_err err;
	int rc;

	if (opts_parse("run", run_opts, argc, argv, &c->o))
		return EXIT_INPUT;
	if (c->o.count[OPT_HELP]) {
		run_help();
		return EXIT_OK;
	}
	if ((rc = check_run_options(c)) != EXIT_OK)
		return rc;
	if (!c->o.val[OPT_TRACE] && job_check(&c->jo, "run", &err))
		return report(&err, EXIT_INPUT);
	for (int i = 0; i < c->o.count[OPT_SET]; i++)
		if (overrides_add(&c->ov, c->o.many[OPT_SET][i]))
			return out_of_memory();
	if (load_config(&c->cfg, c->o.val[OPT_CONFIG], &c->ov, &err))
		return report(&err, EXIT_INPUT);
	overrides_keys(&c->ov, &c->keys);
	if (run_config_name(&c->cfg, c->keys.list, c->keys.n, c->config_name,
			    sizeof c->config_name))
		return usage_error("run", "the --set keys do not fit in a config name");
	c->rq.db_path = c->o.val[OPT_DB];
	c->rq.quiet = c->o.count[OPT_QUIET];
	c->rq.seed = c->jo.job.seed;
	c->rq.config_name = c->config_name;
	if (run_params_config(&c->rq, &c->cfg, c->keys.list, c->keys.n))
		return out_of_memory();
	for (int i = 0; i < c->o.count[OPT_PARAM]; i++)
		if (run_request_add_param(&c->rq, c->o.many[OPT_PARAM][i], &err))
			return report(&err, EXIT_INTERNAL);
	return -1;
}

static void on_tick(void *ctx, uint64_t insns)
{
	struct run_ctx *c = ctx;
	char extra[160];

	if (c->nlayers > 1) {
		snprintf(extra, sizeof extra, "%s %.1fM insns", c->layer_name, insns / 1e6);
		progress_update(c->prog, c->layer, extra);
	} else {
		progress_update(c->prog, insns, NULL);
	}
}

/* Simulate src (with progress) into the database, opened on first use. */
static int simulate(struct run_ctx *c, struct gs_source *src, struct run_outcome *out)
{
	struct counting_source cs;
	struct gs_source counted;
	struct gs_err err;

	if (!c->db && db_open(&c->db, c->rq.db_path, &err))
		return report(&err, EXIT_INPUT);
	counting_source_wrap(&cs, src, TICK_INSNS, on_tick, c, &counted);
	return record_and_report(c->db, &c->cfg, &counted, &c->rq, c->stop, out);
}

static int run_trace(struct run_ctx *c, struct run_outcome *out)
{
	const char *path = c->o.val[OPT_TRACE];
	struct point_source ps = { .trace = path };
	char key[POINT_KEY_HEX + 1];
	struct gs_source src;
	struct gs_err err;
	struct stat sb;
	int rc;

	/* A pipe's content is not known before it is read: no point key. */
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
		if (point_key(&c->cfg, &ps, key, &err))
			return report(&err, EXIT_INPUT);
		c->rq.point_key = key;
	}
	if (run_request_set(&c->rq, "trace", path))
		return out_of_memory();
	if (trace_open(&src, path, &c->cfg, &err))
		return report(&err, EXIT_INPUT);
	c->prog = progress_new(stderr, c->rq.quiet ? PROGRESS_OFF : PROGRESS_TTY_ONLY,
			       "instructions", 0);
	rc = simulate(c, &src, out);
	src.close(src.ctx);
	c->rq.point_key = NULL;
	return rc;
}

/* What the table shows of one layer. */
struct layer_row {
	double cycles, sparsity, passes, conflicts, lanes, kept;
	int rc, already;
	int64_t run_id;
};

/* Prune, generate and simulate one layer (L NULL: a bare matrix). */
static int run_layer(struct run_ctx *c, const struct layer *L, struct layer_row *row)
{
	struct layer_job *job = &c->jo.job;
	struct run_outcome *out = malloc(sizeof *out);
	char name[128], layer_id[160], key[POINT_KEY_HEX + 1];
	struct point_source ps;
	struct pruned pr;
	struct kernel k;
	struct gs_err err;
	double frac;
	int rc = EXIT_INTERNAL;

	if (!out)
		return out_of_memory();
	if (layer_kernel(job, L, &c->cfg, &pr, &k, &frac, &err)) {
		fprintf(stderr, "%s%s%s\n", L ? L->name : "", L ? ": " : "", err.msg);
		free(out);
		return gs_err_is_oom(&err) ? EXIT_INTERNAL : EXIT_INPUT;
	}
	if (L)
		snprintf(layer_id, sizeof layer_id, "%s:%s", L->net, L->name);
	ps = (struct point_source){
		.layer = L ? layer_id : NULL, .weights = job->weights, .gsf = job->gsf,
		.pattern = pattern_name(&pr.pat, name, sizeof name), .sparsity = job->sparsity,
		.seed = job->seed, .dist = job->dist, .batch = job->batch, .variant = job->variant,
	};
	if (point_key(&c->cfg, &ps, key, &err)) {
		rc = report(&err, EXIT_INPUT);
		goto out;
	}
	c->rq.point_key = key;
	if (run_params_layer(&c->rq, c->jo.workload, L, &ps, &pr, frac)) {
		out_of_memory();
		goto out;
	}
	if (*c->stop) {		/* interrupted while pruning: nothing ran */
		rc = EXIT_INTERRUPTED;
		goto out;
	}
	rc = simulate(c, &k.src, out);
	*row = (struct layer_row){ out->stats.v[ST_CYCLES], pr.sparsity,
				   out->stats.v[ST_GATHER_PASSES], out->stats.v[ST_GATHER_CONFLICTS],
				   out->stats.v[ST_LANE_UTIL], pr.abs_kept, rc,
				   out->already, out->run_id };
	if (!out->have_stats)
		row->rc = -1;
out:
	c->rq.point_key = NULL;
	kernel_free(&k);
	pruned_free(&pr);
	free(out);
	return rc;
}

static void print_row(const char *name, const struct layer_row *r)
{
	printf("%-28s %12.0f %9.4f %10.0f %8.0f %8.3f %9.4f%s\n", name, r->cycles, r->sparsity,
	       r->passes, r->conflicts, r->lanes, r->kept,
	       r->rc == EXIT_INTERRUPTED ? "  interrupted: partial" :
	       r->already ? "  (already recorded)" : "");
	fflush(stdout);
}

/* After an interrupted network: the total of the complete layers, and
** what was recorded. */
static void print_partial(struct run_ctx *c, double total, size_t done, size_t n,
			  const struct layer *L, const struct layer_row *r)
{
	printf("%-28s %12.0f   (partial: %zu of %zu layers complete)\n", "total (partial)", total,
	       done, n);
	if (r && r->rc == EXIT_INTERRUPTED)
		fprintf(stderr, "gssim run: interrupted in layer %zu of %zu (%s), recorded as "
			"interrupted run %" PRId64 " in %s; the %zu complete layers are recorded "
			"(running the command again does not record them twice)\n", done + 1, n,
			L->name, r->run_id, c->rq.db_path, done);
	else
		fprintf(stderr, "gssim run: interrupted before layer %zu of %zu; the %zu complete "
			"layers are recorded in %s\n", done + 1, n, done, c->rq.db_path);
}

/* Every layer of the job (one recorded run each), a table for several. */
static int run_layers(struct run_ctx *c)
{
	const struct layer *first;
	struct layer_row row;
	struct gs_err err;
	double total = 0;
	size_t n, done = 0;
	int rc = EXIT_OK;

	if (job_layers(&c->jo, &first, &n, &err))
		return report(&err, EXIT_INPUT);
	c->nlayers = n;
	c->rq.quiet = c->rq.quiet || n > 1;
	c->prog = progress_new(stderr, c->o.count[OPT_QUIET] ? PROGRESS_OFF : PROGRESS_TTY_ONLY,
			       n > 1 ? "layers" : "instructions", n > 1 ? n : 0);
	if (n > 1)
		printf("%-28s %12s %9s %10s %8s %8s %9s\n", "layer", "cycles", "sparsity",
		       "passes", "confl", "lanes", "|w|/unstr");
	for (size_t i = 0; i < n && rc == EXIT_OK; i++) {
		const struct layer *L = first ? &first[i] : NULL;

		c->layer = i;
		c->layer_name = L ? L->name : "-";
		progress_update(c->prog, i, c->layer_name);
		row = (struct layer_row){ .rc = -1 };
		rc = *c->stop ? EXIT_INTERRUPTED : run_layer(c, L, &row);
		if (n > 1 && row.rc >= 0 && (rc == EXIT_OK || rc == EXIT_INTERRUPTED)) {
			progress_clear(c->prog);
			print_row(c->layer_name, &row);
		}
		if (rc == EXIT_OK) {
			total += row.cycles;
			done++;
		}
		if (rc == EXIT_INTERRUPTED && n > 1) {
			progress_clear(c->prog);
			print_partial(c, total, done, n, L, row.rc >= 0 ? &row : NULL);
		} else if (rc == EXIT_INTERRUPTED && row.rc < 0) {
			fprintf(stderr, "gssim run: interrupted before simulating: nothing "
				"recorded\n");
		}
	}
	progress_end(c->prog);
	c->prog = NULL;
	if (n > 1 && rc == EXIT_OK)
		printf("%-28s %12.0f   (%zu layers, one run each in %s)\n", "total", total, n,
		       c->rq.db_path);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct run_ctx *c = calloc(1, sizeof *c);
	struct run_outcome *out = NULL;
	int rc;

	if (!c)
		return out_of_memory();
	install_stop_handlers(&c->stop);
	rc = run_setup(c, argc, argv);
	if (rc < 0 && c->o.val[OPT_TRACE]) {
		out = malloc(sizeof *out);
		rc = out ? run_trace(c, out) : out_of_memory();
	} else if (rc < 0) {
		rc = run_layers(c);
	}
	progress_end(c->prog);
	if (c->db)
		db_close(c->db);
	overrides_free(&c->ov);
	run_request_free(&c->rq);
	opts_free(&c->o);
	free(out);
	free(c);
	return rc;
}
