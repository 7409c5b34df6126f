/*
** cmd_kernels.c: the commands that turn weights into sparse layers and
** traces: `gssim prune`, `gssim inspect`, `gssim gen`, and the option
** parsing they share with `gssim run --workload`.
*/
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gsf.h"
#include "gs_check.h"
#include "job_opts.h"
#include "prune.h"
#include "trace.h"
#include "weights.h"

int job_option(struct job_opts *o, int c, const char *arg, struct gs_err *err)
{
	char *end;

	switch (c) {
	case JOB_WORKLOAD: o->workload = arg; return 1;
	case JOB_WEIGHTS: o->job.weights = arg; return 1;
	case JOB_GSF: o->job.gsf = arg; return 1;
	case JOB_PATTERN: o->job.pattern = arg; return 1;
	case JOB_SPARSITY:
		errno = 0;
		o->job.sparsity = strtod(arg, &end);
		if (errno || end == arg || *end || !(o->job.sparsity >= 0 && o->job.sparsity <= 1))
			return gs_errf(err, "--sparsity %s: expected a fraction from 0 to 1 (e.g. 0.9)", arg);
		o->have_sparsity = 1;
		return 1;
	case JOB_SEED:
		errno = 0;
		o->job.seed = strtoull(arg, &end, 0);
		if (errno || end == arg || *end || *arg == '-')
			return gs_errf(err, "--seed %s: expected an unsigned integer", arg);
		return 1;
	case JOB_DIST:
		if (!strcmp(arg, "gaussian"))
			o->job.dist = WEIGHTS_GAUSSIAN;
		else if (!strcmp(arg, "laplace"))
			o->job.dist = WEIGHTS_LAPLACE;
		else
			return gs_errf(err, "--dist %s: expected gaussian or laplace", arg);
		return 1;
	case JOB_BATCH: {
		unsigned long v;

		errno = 0;
		v = strtoul(arg, &end, 10);
		if (errno || end == arg || *end || v < 1 || v > 4096)
			return gs_errf(err, "--batch %s: expected an integer from 1 to 4096", arg);
		o->job.batch = (uint32_t)v;
		return 1;
	}
	case JOB_VARIANT:
		if (!strcmp(arg, "store"))
			o->job.variant = SPMM_STORE;
		else if (!strcmp(arg, "scatter"))
			o->job.variant = SPMM_SCATTER;
		else
			return gs_errf(err, "--variant %s: expected store or scatter", arg);
		return 1;
	default:
		return 0;
	}
}

int job_check(struct job_opts *o, const char *cmd, struct gs_err *err)
{
	(void)cmd;
	if (!o->workload && !o->job.weights && !o->job.gsf)
		return gs_errf(err, "gssim %s: give --workload NET[:LAYER], --weights FILE.npy or "
			       "--gsf FILE.gsf", cmd);
	if (!o->job.gsf && (!o->job.pattern || !o->have_sparsity))
		return gs_errf(err, "gssim %s: --pattern and --sparsity are required (unless --gsf)",
			       cmd);
	if (o->workload && !strchr(o->workload, ':') && (o->job.weights || o->job.gsf))
		return gs_errf(err, "gssim %s: --weights/--gsf describe one layer: use "
			       "--workload NET:LAYER", cmd);
	return 0;
}

int job_layers(struct job_opts *o, const struct layer **first, size_t *n, struct gs_err *err)
{
	if (!o->workload) {
		*first = NULL;	/* one fully connected layer of the file's shape */
		*n = 1;
		return 0;
	}
	if (strchr(o->workload, ':')) {
		*first = workload_find(o->workload, err);
		*n = 1;
		return *first ? 0 : -1;
	}
	return workload_layers(o->workload, first, n, err);
}

static const char prune_help[] =
	"usage: gssim prune (--weights W.npy | --workload NET:LAYER) --pattern P --sparsity S\n"
	"                   -o OUT.gsf [--config C] [--seed N] [--dist gaussian|laplace]\n"
	"                   [--fp32]\n"
	"\n"
	"Prune a weight matrix onto a sparsity pattern and store it in the compact\n"
	"format (docs/gs-format.md). Weights come from a .npy file (2-D matrix, 3-D\n"
	"OIW or 4-D OIHW with --workload for the layer geometry) or, with only\n"
	"--workload, are seeded synthetic weights of the layer's shape.\n"
	"Patterns: dense, unstructured, block:RxC, nm:N:M, gs-v, gs-h,\n"
	"gs:V=8,h=2,B=16[,nonuniform][,exact]; gs-v/gs-h take V and B from the\n"
	"config's vector.lanes (default configs: 8).\n"
	"Prints achieved sparsity, non-zeros, the quality proxy (fraction of |w|\n"
	"and w^2 kept relative to unstructured pruning at the same sparsity) and\n"
	"the GS conformance check. Values are stored as fp16 unless --fp32.\n";

int cmd_prune(int argc, char **argv)
{
	static const struct option opts[] = {
		JOB_LONG_OPTIONS,
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "fp32", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct job_opts o = { 0 };
	struct overrides ov = { 0 };
	const char *config_path = NULL, *out = NULL;
	struct gs_config cfg;
	const struct layer *layer = NULL;
	struct pruned pr = { 0 };
	struct pattern pat;
	struct gs_err err;
	float *w = NULL;
	uint32_t rows, cols, *bank = NULL;
	size_t n;
	char why[256], name[128];
	int c, r, rc = EXIT_INPUT, value_bytes = 2;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:s:o:h", opts, NULL)) != -1) {
		if ((r = job_option(&o, c, optarg, &err)) < 0) {
			rc = report(&err, EXIT_INPUT);
			goto out;
		}
		if (r)
			continue;
		switch (c) {
		case 'c': config_path = optarg; break;
		case 's':
			if (overrides_add(&ov, optarg)) {
				rc = EXIT_INTERNAL;
				goto out;
			}
			break;
		case 'o': out = optarg; break;
		case 'F': value_bytes = 4; break;
		case 'h':
			fputs(prune_help, stdout);
			rc = EXIT_OK;
			goto out;
		default:
			rc = option_error("prune", c, argv);
			goto out;
		}
	}
	if (optind < argc) {
		rc = usage_error("prune", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (!out) {
		rc = usage_error("prune", "-o OUT.gsf is required");
		goto out;
	}
	if (o.job.gsf || (o.workload && !strchr(o.workload, ':'))) {
		rc = usage_error("prune", "prunes one layer: --weights and/or --workload NET:LAYER");
		goto out;
	}
	if (job_check(&o, "prune", &err) || load_config(&cfg, config_path, &ov, &err) ||
	    job_layers(&o, &layer, &n, &err) ||
	    pattern_parse(o.job.pattern, cfg.vector.lanes, &pat, &err) ||
	    pattern_check_sparsity(&pat, o.job.sparsity, &err) ||
	    layer_weights(&o.job, layer, &w, &rows, &cols, &err)) {
		rc = report(&err, EXIT_INPUT);
		goto out;
	}
	if (pat.kind == PAT_GS && !(bank = layer_col_banks(layer, cols, pat.B))) {
		rc = EXIT_INTERNAL;
		goto out;
	}
	if (prune_matrix(w, rows, cols, bank, &pat, o.job.sparsity, &pr, &err) ||
	    pattern_check_achieved(&pr, &err) || layer_write_gsf(out, layer, &pr, value_bytes, &err)) {
		rc = report(&err, EXIT_INPUT);
		goto out;
	}
	printf("pruned %u x %u to %s: sparsity %.4f (target %.4f), %" PRIu64 " non-zeros\n",
	       rows, cols, pattern_name(&pr.pat, name, sizeof name), pr.sparsity,
	       pr.target_sparsity, pr.nnz);
	printf("quality proxy: %.4f of |w|, %.4f of w^2 kept (relative to unstructured)\n",
	       pr.abs_kept, pr.sq_kept);
	if (pat.kind == PAT_GS)
		printf("GS conformance: %s\n", gs_conformance(&pr, bank, why, sizeof why) ? "ok" : why);
	printf("written to %s\n", out);
	rc = EXIT_OK;
out:
	pruned_free(&pr);
	free(bank);
	free(w);
	overrides_free(&ov);
	return rc;
}

int cmd_inspect(int argc, char **argv)
{
	struct gs_err err;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("usage: gssim inspect FILE.gsf\n\nPrint a pruned layer's shape, pattern, "
		     "buckets, quality proxy,\nconformance check and bytes per non-zero "
		     "(docs/gs-format.md).");
		return EXIT_OK;
	}
	if (argc != 2)
		return usage_error("inspect", "expected one FILE.gsf");
	if (gsf_inspect(argv[1], stdout, &err))
		return report(&err, EXIT_INPUT);
	return EXIT_OK;
}

static const char gen_help[] =
	"usage: gssim gen (--workload NET:LAYER | --weights W.npy | --gsf F.gsf)\n"
	"                 [--pattern P --sparsity S] --config C -o OUT.gst [options]\n"
	"\n"
	"Write the trace of one layer's kernel (docs/kernels.md) for the machine in\n"
	"the config: weights pruned as with gssim prune (or read from --gsf), then\n"
	"the generator for the layer's kind (fully connected / LSTM gate: SpMV or,\n"
	"with --batch, SpMM; convolution: implicit im2col with DMA tiling).\n"
	"  --batch N            batch (SpMM columns / conv images), default 1\n"
	"  --variant store|scatter   GS vertical outputs: mstore (default) or scatter\n"
	"  --seed N, --dist gaussian|laplace   synthetic weights\n"
	"  -s, --set KEY=VAL    config override\n";

int cmd_gen(int argc, char **argv)
{
	static const struct option opts[] = {
		JOB_LONG_OPTIONS,
		{ "config", required_argument, NULL, 'c' },
		{ "set", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct job_opts o = { 0 };
	struct overrides ov = { 0 };
	const char *config_path = NULL, *out = NULL;
	struct gs_config cfg;
	const struct layer *layer;
	struct pruned pr = { 0 };
	struct kernel k = { 0 };
	struct gs_insn in;
	struct gs_err err;
	uint64_t count = 0;
	size_t n;
	FILE *f = NULL;
	int c, r, rc = EXIT_INPUT, have_kernel = 0;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:s:o:h", opts, NULL)) != -1) {
		if ((r = job_option(&o, c, optarg, &err)) < 0) {
			rc = report(&err, EXIT_INPUT);
			goto out;
		}
		if (r)
			continue;
		switch (c) {
		case 'c': config_path = optarg; break;
		case 's':
			if (overrides_add(&ov, optarg)) {
				rc = EXIT_INTERNAL;
				goto out;
			}
			break;
		case 'o': out = optarg; break;
		case 'h':
			fputs(gen_help, stdout);
			rc = EXIT_OK;
			goto out;
		default:
			rc = option_error("gen", c, argv);
			goto out;
		}
	}
	if (optind < argc || !out || !config_path) {
		rc = usage_error("gen", "--config and -o OUT.gst are required");
		goto out;
	}
	if (o.workload && !strchr(o.workload, ':')) {
		rc = usage_error("gen", "writes one layer: --workload NET:LAYER");
		goto out;
	}
	if (job_check(&o, "gen", &err) || load_config(&cfg, config_path, &ov, &err) ||
	    job_layers(&o, &layer, &n, &err) || layer_kernel(&o.job, layer, &cfg, &pr, &k, NULL, &err)) {
		rc = report(&err, EXIT_INPUT);
		goto out;
	}
	have_kernel = 1;
	f = fopen(out, "w");
	if (!f) {
		fprintf(stderr, "%s: cannot open: %s\n", out, strerror(errno));
		goto out;
	}
	if (trace_write_header(f) < 0)
		goto write_error;
	while ((r = k.src.next(k.src.ctx, &in, &err)) > 0) {
		if (trace_write_insn(f, &in, &cfg) < 0)
			goto write_error;
		count++;
	}
	if (r < 0) {
		rc = report(&err, EXIT_INTERNAL);
		goto out;
	}
	if (fclose(f)) {
		f = NULL;
		goto write_error;
	}
	f = NULL;
	printf("%s: %" PRIu64 " instructions (%s)\n", out, count, k.src.name(k.src.ctx));
	rc = EXIT_OK;
	goto out;
write_error:
	fprintf(stderr, "%s: write failed: %s\n", out, strerror(errno));
	rc = EXIT_INPUT;
out:
	if (f)
		fclose(f);
	if (have_kernel)
		kernel_free(&k);
	pruned_free(&pr);
	overrides_free(&ov);
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
	const char *const *nets = workload_nets();
	const struct layer *first;
	struct gs_err err;
	size_t n;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("usage: gssim workloads [NET]\n\nList the networks, or every layer of NET with "
		     "its kind and GEMM shape\n(M outputs x K reduction x N positions; "
		     "docs/workloads.md).");
		return EXIT_OK;
	}
	if (argc > 2)
		return usage_error("workloads", "expected at most one NET");
	if (argc == 1) {
		for (int i = 0; nets[i]; i++) {
			if (workload_layers(nets[i], &first, &n, &err))
				return report(&err, EXIT_INTERNAL);
			printf("%-10s %zu layers\n", nets[i], n);
		}
		return EXIT_OK;
	}
	if (workload_layers(argv[1], &first, &n, &err))
		return report(&err, EXIT_INPUT);
	printf("%-28s %-8s %6s %6s %7s\n", "layer", "kind", "M", "K", "N");
	for (size_t i = 0; i < n; i++)
		printf("%-28s %-8s %6u %6u %7u\n", first[i].name, kind_name(first[i].kind),
		       first[i].M, first[i].K, first[i].N);
	return EXIT_OK;
}
