/*
** cmd_kernels.c: the commands that turn weights into sparse layers and
** traces: `gssim prune`, `gssim inspect`, `gssim gen`, and `gssim
** workloads`, the layer library.
*/
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gsf.h"
#include "gs_check.h"
#include "job_opts.h"
#include "progress.h"
#include "prune.h"
#include "trace.h"
#include "weights.h"

static const enum opt_id prune_opts[] = {
	OPT_WEIGHTS, OPT_WORKLOAD, OPT_PATTERN, OPT_SPARSITY, OPT_SEED, OPT_DIST, OPT_OUTPUT,
	OPT_CONFIG, OPT_SET, OPT_FP32, OPT_HELP, OPT_END
};

static void prune_help(void)
{
	fputs("usage: gssim prune (--weights W.npy | --workload NET:LAYER) --pattern P --sparsity S\n"
	      "                   -o OUT.gsf [--config C] [--set KEY=VAL]... [--seed N]\n"
	      "                   [--dist gaussian|laplace] [--fp32]\n"
	      "\n"
	      "Prune a weight matrix onto a sparsity pattern and store it in the compact\n"
	      "format (docs/gs-format.md). Weights come from a .npy file (2-D matrix, 3-D\n"
	      "OIW or 4-D OIHW with --workload for the layer geometry) or, with only\n"
	      "--workload, are seeded synthetic weights of the layer's shape. gs-v/gs-h\n"
	      "take V and B from the config's vector.lanes (default configs: 8).\n"
	      "Prints achieved sparsity, non-zeros, the quality proxy (fraction of |w|\n"
	      "and w^2 kept relative to unstructured pruning at the same sparsity) and\n"
	      "the GS conformance check. Values are stored as fp16 unless --fp32.\n\n", stdout);
	opts_help(stdout, prune_opts);
}

/* What differs between prune and gen in their shared option handling. */
struct layer_cmd_kind {
	const char *name;		/* "prune", "gen" */
	const enum opt_id *accepted;
	void (*help)(void);
	const char *output;		/* "OUT.gsf" */
	const char *verb;		/* "prunes": refusing a whole network */
	int need_config;
};

/* The parsed options of a command that loads a config and builds a layer. */
struct layer_cmd {
	struct opts o;
	struct job_opts jo;
	struct overrides ov;
	struct gs_config cfg;
	const struct layer *layer;
};

/* Parse, check and load for prune or gen: -1 to go on, else an exit status. */
static int layer_cmd_setup(struct layer_cmd *c, const struct layer_cmd_kind *kind, int argc,
			   char **argv)
{
	const char *cmd = kind->name;
	struct gs_err err;
	size_t n;

	if (opts_parse(cmd, kind->accepted, argc, argv, &c->o))
		return EXIT_INPUT;
	if (c->o.count[OPT_HELP]) {
		kind->help();
		return EXIT_OK;
	}
	if (c->o.npos)
		return usage_error(cmd, "unexpected argument '%s'", c->o.pos[0]);
	if (!c->o.val[OPT_OUTPUT] || (kind->need_config && !c->o.val[OPT_CONFIG]))
		return usage_error(cmd, "%s-o %s %s required", kind->need_config ? "--config and " : "",
				   kind->output, kind->need_config ? "are" : "is");
	if (job_from_opts(cmd, &c->o, &c->jo))
		return EXIT_INPUT;
	if (c->jo.workload && !strchr(c->jo.workload, ':'))
		return usage_error(cmd, "%s one layer: --workload NET:LAYER", kind->verb);
	for (int i = 0; i < c->o.count[OPT_SET]; i++)
		if (overrides_add(&c->ov, c->o.many[OPT_SET][i]))
			return EXIT_INTERNAL;
	if (job_check(&c->jo, cmd, &err) ||
	    load_config(&c->cfg, c->o.val[OPT_CONFIG], &c->ov, &err) ||
	    job_layers(&c->jo, &c->layer, &n, &err))
		return report(&err, EXIT_INPUT);
	return -1;
}

static void layer_cmd_free(struct layer_cmd *c)
{
	overrides_free(&c->ov);
	opts_free(&c->o);
}

/* What prune prints about the layer it wrote. */
static void prune_report(const struct pruned *pr, const struct pattern *pat,
			 const uint32_t *bank, const char *out)
{
	char why[256], name[128];

	printf("pruned %u x %u to %s: sparsity %.4f (target %.4f), %" PRIu64 " non-zeros\n",
	       pr->rows, pr->cols, pattern_name(&pr->pat, name, sizeof name), pr->sparsity,
	       pr->target_sparsity, pr->nnz);
	printf("quality proxy: %.4f of |w|, %.4f of w^2 kept (relative to unstructured)\n",
	       pr->abs_kept, pr->sq_kept);
	if (pat->kind == PAT_GS)
		printf("GS conformance: %s\n", gs_conformance(pr, bank, why, sizeof why) ? "ok" : why);
	printf("written to %s\n", out);
}

static const struct layer_cmd_kind prune_kind = {
	"prune", prune_opts, prune_help, "OUT.gsf", "prunes", 0
};

int cmd_prune(int argc, char **argv)
{
	struct layer_cmd c = { 0 };
	struct pruned pr = { 0 };
	struct pattern pat;
	struct gs_err err;
	float *w = NULL;
	uint32_t rows, cols, *bank = NULL;
	int rc = layer_cmd_setup(&c, &prune_kind, argc, argv);

	if (rc >= 0)
		goto out;
	rc = EXIT_INPUT;
	if (pattern_parse(c.jo.job.pattern, c.cfg.vector.lanes, &pat, &err) ||
	    pattern_check_sparsity(&pat, c.jo.job.sparsity, &err) ||
	    layer_weights(&c.jo.job, c.layer, &w, &rows, &cols, &err)) {
		rc = report(&err, EXIT_INPUT);
		goto out;
	}
	if (pat.kind == PAT_GS && !(bank = layer_col_banks(c.layer, cols, pat.B))) {
		rc = EXIT_INTERNAL;
		goto out;
	}
	if (prune_matrix(w, rows, cols, bank, &pat, c.jo.job.sparsity, &pr, &err) ||
	    pattern_check_achieved(&pr, &err) ||
	    layer_write_gsf(c.o.val[OPT_OUTPUT], c.layer, &pr, c.o.count[OPT_FP32] ? 4 : 2, &err)) {
		rc = report(&err, EXIT_INPUT);
		goto out;
	}
	prune_report(&pr, &pat, bank, c.o.val[OPT_OUTPUT]);
	rc = EXIT_OK;
out:
	pruned_free(&pr);
	free(bank);
	free(w);
	layer_cmd_free(&c);
	return rc;
}

int cmd_inspect(int argc, char **argv)
{
	static const enum opt_id accepted[] = { OPT_HELP, OPT_END };
	struct opts o;
	struct gs_err err;
	int rc = EXIT_INPUT;

	if (opts_parse("inspect", accepted, argc, argv, &o))
		return EXIT_INPUT;
	if (o.count[OPT_HELP]) {
		puts("usage: gssim inspect FILE.gsf\n\nPrint a pruned layer's shape, pattern, "
		     "buckets, quality proxy,\nconformance check and bytes per non-zero "
		     "(docs/gs-format.md).\n");
		opts_help(stdout, accepted);
		rc = EXIT_OK;
	} else if (o.npos != 1) {
		rc = usage_error("inspect", "expected one FILE.gsf");
	} else if (gsf_inspect(o.pos[0], stdout, &err)) {
		rc = report(&err, EXIT_INPUT);
	} else {
		rc = EXIT_OK;
	}
	opts_free(&o);
	return rc;
}

static const enum opt_id gen_opts[] = {
	JOB_OPTS, OPT_CONFIG, OPT_SET, OPT_OUTPUT, OPT_QUIET, OPT_HELP, OPT_END
};

static void gen_help(void)
{
	fputs("usage: gssim gen (--workload NET:LAYER | --weights W.npy | --gsf F.gsf)\n"
	      "                 [--pattern P --sparsity S] --config C -o OUT.gst [options]\n"
	      "\n"
	      "Write the trace of one layer's kernel (docs/kernels.md) for the machine in\n"
	      "the config: weights pruned as with gssim prune (or read from --gsf), then\n"
	      "the generator for the layer's kind (fully connected / LSTM gate: SpMV or,\n"
	      "with --batch, SpMM; convolution: implicit im2col with DMA tiling).\n"
	      "A long kernel shows a progress line on a terminal.\n\n", stdout);
	opts_help(stdout, gen_opts);
}

static const struct layer_cmd_kind gen_kind = {
	"gen", gen_opts, gen_help, "OUT.gst", "writes", 1
};

/* The kernel's instructions to f as a trace; *count of them. -1 on a
** write error (errno), -2 on a generator error (err). */
static int write_trace(FILE *f, struct kernel *k, const struct gs_config *cfg,
		       struct progress *prog, uint64_t *count, struct gs_err *err)
{
	struct gs_insn in;
	int r;

	*count = 0;
	if (trace_write_header(f) < 0)
		return -1;
	while ((r = k->src.next(k->src.ctx, &in, err)) > 0) {
		if (trace_write_insn(f, &in, cfg) < 0)
			return -1;
		if (++*count % 65536 == 0)
			progress_update(prog, *count, NULL);
	}
	return r < 0 ? -2 : 0;
}

int cmd_gen(int argc, char **argv)
{
	struct layer_cmd c = { 0 };
	struct pruned pr = { 0 };
	struct kernel k = { 0 };
	struct progress *prog = NULL;
	struct gs_err err;
	const char *out;
	uint64_t count = 0;
	FILE *f = NULL;
	int r, rc = layer_cmd_setup(&c, &gen_kind, argc, argv), have_kernel = 0;

	if (rc >= 0)
		goto out;
	rc = EXIT_INPUT;
	out = c.o.val[OPT_OUTPUT];
	if (layer_kernel(&c.jo.job, c.layer, &c.cfg, &pr, &k, NULL, &err)) {
		rc = report(&err, EXIT_INPUT);
		goto out;
	}
	have_kernel = 1;
	if (!(f = fopen(out, "w"))) {
		fprintf(stderr, "%s: cannot open: %s\n", out, strerror(errno));
		goto out;
	}
	prog = progress_new(stderr, c.o.count[OPT_QUIET] ? PROGRESS_OFF : PROGRESS_TTY_ONLY,
			    "instructions written", 0);
	r = write_trace(f, &k, &c.cfg, prog, &count, &err);
	progress_end(prog);
	if (r == -2) {
		rc = report(&err, EXIT_INTERNAL);
		goto out;
	}
	r = fclose(f) || r;
	f = NULL;
	if (r) {
		fprintf(stderr, "%s: write failed: %s\n", out, strerror(errno));
		goto out;
	}
	if (!c.o.count[OPT_QUIET])
		printf("%s: %" PRIu64 " instructions (%s)\n", out, count, k.src.name(k.src.ctx));
	rc = EXIT_OK;
out:
	if (f)
		fclose(f);
	if (have_kernel)
		kernel_free(&k);
	pruned_free(&pr);
	layer_cmd_free(&c);
	return rc;
}
static const char *kind_name(int kind)
{
	switch (kind) {
	case LAYER_FC: return "fc";
	case LAYER_LSTM_IH: return "lstm.ih";
	case LAYER_LSTM_HH: return "lstm.hh";
	case LAYER_CONV2D: return "conv2d";
	default: return "conv1d";
	}
}

int cmd_workloads(int argc, char **argv)
{
	static const enum opt_id accepted[] = { OPT_HELP, OPT_END };
	const char *const *nets = workload_nets();
	const struct layer *first;
	struct opts o;
	struct gs_err err;
	size_t n;
	int rc = EXIT_OK;

	if (opts_parse("workloads", accepted, argc, argv, &o))
		return EXIT_INPUT;
	if (o.count[OPT_HELP]) {
		puts("usage: gssim workloads [NET]\n\nList the networks, or every layer of NET with "
		     "its kind and GEMM shape\n(M outputs x K reduction x N positions; "
		     "docs/workloads.md).\n");
		opts_help(stdout, accepted);
	} else if (o.npos > 1) {
		rc = usage_error("workloads", "expected at most one NET");
	} else if (o.npos == 0) {
		for (int i = 0; nets[i] && rc == EXIT_OK; i++) {
			if (workload_layers(nets[i], &first, &n, &err))
				rc = report(&err, EXIT_INTERNAL);
			else
				printf("%-10s %zu layers\n", nets[i], n);
		}
	} else if (workload_layers(o.pos[0], &first, &n, &err)) {
		rc = report(&err, EXIT_INPUT);
	} else {
		printf("%-28s %-8s %6s %6s %7s\n", "layer", "kind", "M", "K", "N");
		for (size_t i = 0; i < n; i++)
			printf("%-28s %-8s %6u %6u %7u\n", first[i].name, kind_name(first[i].kind),
			       first[i].M, first[i].K, first[i].N);
	}
	opts_free(&o);
	return rc;
}
