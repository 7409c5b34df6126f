/*
** layer_job.c: weights -> pruned layer -> kernel (see layer_job.h).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conv_offset.h"
#include "gsf.h"
#include "layer_job.h"
#include "npy.h"
#include "prune.h"
#include "weights.h"

/* FNV-1a of the layer name mixed into the seed, so the layers of one
** network get independent synthetic weights from one --seed. */
static uint64_t layer_seed(uint64_t seed, const struct layer *layer)
{
	uint64_t h = 1469598103934665603ull;
	const char *s = layer ? layer->name : "";

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return seed ^ h;
}

static int is_conv(const struct layer *layer)
{
	return layer && (layer->kind == LAYER_CONV2D || layer->kind == LAYER_CONV1D);
}

int layer_weights(const struct layer_job *job, const struct layer *layer, float **w,
		  uint32_t *rows, uint32_t *cols, struct gs_err *err)
{
	struct tensor t = { 0 };
	uint64_t shape[4];
	int ndim, rc;

	if (layer) {
		if (layer->kind == LAYER_CONV2D) {
			ndim = 4;
			shape[0] = layer->cout;
			shape[1] = layer->cin;
			shape[2] = layer->kh;
			shape[3] = layer->kw;
		} else if (layer->kind == LAYER_CONV1D) {
			ndim = 3;
			shape[0] = layer->cout;
			shape[1] = layer->cin;
			shape[2] = layer->kw;
		} else {
			ndim = 2;
			shape[0] = layer->M;
			shape[1] = layer->K;
		}
	}
	if (job->weights) {
		if (npy_read(job->weights, &t, err))
			return -1;
		if (!layer && t.ndim != 2) {
			int ndim_read = t.ndim;

			tensor_free(&t);
			return gs_errf(err, "%s: %d-D weights need --workload NET:LAYER for the "
				       "convolution geometry (2-D matrices run as fully connected)",
				       job->weights, ndim_read);
		}
		if (layer && (t.ndim != ndim ||
			      memcmp(t.shape, shape, (size_t)ndim * sizeof shape[0]))) {
			tensor_free(&t);
			return gs_errf(err, "%s: shape does not match %s:%s (expected %d-D %llu x %llu%s)",
				       job->weights, layer->net, layer->name, ndim,
				       (unsigned long long)shape[0], (unsigned long long)shape[1],
				       ndim > 2 ? " x ..." : "");
		}
	} else if (layer) {
		if (weights_synthetic(&t, ndim, shape, job->dist, 1.0,
				      layer_seed(job->seed, layer), err))
			return -1;
	} else {
		return gs_errf(err, "no weights: give --weights FILE.npy or --workload NET:LAYER");
	}
	rc = tensor_to_matrix(&t, w, rows, cols, err);
	tensor_free(&t);
	return rc;
}

/* The kernel's view of a convolution layer (2-D, or 1-D along w). */
static struct conv_params layer_conv_params(const struct layer *layer, uint32_t batch)
{
	int one_d = layer->kind == LAYER_CONV1D;
	struct conv_params cp = {
		.batch = batch ? batch : 1,
		.cin = layer->cin, .cout = layer->cout,
		.h_in = layer->h_in, .w_in = layer->w_in,
		.kh = layer->kh, .kw = layer->kw,
		.stride_h = one_d ? 1 : layer->stride, .stride_w = layer->stride,
		.pad_h = one_d ? 0 : layer->pad, .pad_w = layer->pad,
		.dil_h = one_d ? 1 : layer->dilation, .dil_w = layer->dilation,
	};

	return cp;
}

uint32_t *layer_col_banks(const struct layer *layer, uint32_t cols, int banks)
{
	uint32_t *bank = malloc((size_t)cols * sizeof *bank);
	struct conv_params cp = { 0 };

	if (!bank)
		return NULL;
	if (is_conv(layer))
		cp = layer_conv_params(layer, 1);
	for (uint32_t c = 0; c < cols; c++) {
		/* convolutions: the kernel's gather offset in the whole-cin tile;
		** its channel chunks keep these classes (conv_pixel_pitch) */
		uint64_t off = is_conv(layer) ? conv_gather_offset(&cp, cp.cin, cp.cin, c) : c;

		bank[c] = (uint32_t)(off % (uint64_t)banks);
	}
	return bank;
}

/* sum |kept| / sum |w| (1 for an all-zero matrix). */
static double fraction_kept(const float *w, uint64_t n, const struct pruned *pr)
{
	double all = 0, kept = 0;

	for (uint64_t i = 0; i < n; i++)
		all += fabs((double)w[i]);
	for (uint64_t i = 0; i < pr->nnz; i++)
		kept += fabs((double)pr->csr.val[i]);
	return all > 0 ? kept / all : 1.0;
}

int layer_prune(const struct layer_job *job, const struct layer *layer,
		const struct gs_config *cfg, struct pruned *pr, double *w_frac_kept,
		struct gs_err *err)
{
	struct pattern pat;
	float *w = NULL;
	uint32_t rows, cols, *bank = NULL;
	int rc = -1;

	memset(pr, 0, sizeof *pr);
	if (w_frac_kept)
		*w_frac_kept = -1;
	if (job->gsf) {
		if (gsf_read(job->gsf, pr, err))
			return -1;
		if (layer && (pr->rows != layer->M || pr->cols != layer->K)) {
			gs_errf(err, "%s: a %u x %u matrix, but %s:%s is %u x %u", job->gsf, pr->rows,
				pr->cols, layer->net, layer->name, layer->M, layer->K);
			pruned_free(pr);
			return -1;
		}
		return 0;
	}
	if (pattern_parse(job->pattern, cfg->vector.lanes, &pat, err) ||
	    pattern_check_sparsity(&pat, job->sparsity, err))
		return -1;
	if (layer_weights(job, layer, &w, &rows, &cols, err))
		return -1;
	if (pat.kind == PAT_GS) {
		bank = layer_col_banks(layer, cols, pat.B);
		if (!bank) {
			gs_errf(err, "out of memory");
			goto out;
		}
	}
	if (prune_matrix(w, rows, cols, bank, &pat, job->sparsity, pr, err) ||
	    pattern_check_achieved(pr, err))
		goto out;
	if (w_frac_kept)
		*w_frac_kept = fraction_kept(w, (uint64_t)rows * cols, pr);
	rc = 0;
out:
	if (rc)
		pruned_free(pr);
	free(bank);
	free(w);
	return rc;
}

int layer_generate(const struct layer_job *job, const struct layer *layer,
		   const struct gs_config *cfg, const struct pruned *pr, struct kernel *k,
		   struct gs_err *err)
{
	struct isa isa;

	memset(k, 0, sizeof *k);
	isa_from_config(&isa, cfg);
	if (is_conv(layer)) {
		struct conv_params cp = layer_conv_params(layer, job->batch);

		return gen_conv(k, pr, &isa, &cp, err);
	} else {
		struct spmm_params sp = { .batch = job->batch ? job->batch : 1,
					  .variant = job->variant };

		return gen_spmm(k, pr, &isa, &sp, err);
	}
}

void layer_geometry(const struct layer *layer, struct gsf_geometry *g)
{
	memset(g, 0, sizeof *g);
	g->kind = GSF_LAYER_MATRIX;
	if (!is_conv(layer))
		return;
	g->kind = layer->kind == LAYER_CONV1D ? GSF_LAYER_CONV1D : GSF_LAYER_CONV2D;
	g->kh = layer->kind == LAYER_CONV1D ? 1 : layer->kh;
	g->kw = layer->kw;
	g->stride = layer->stride;
	g->pad = layer->pad;
	g->dilation = layer->dilation;
	g->h_in = layer->kind == LAYER_CONV1D ? 1 : layer->h_in;
	g->w_in = layer->w_in;
}

int layer_write_gsf(const char *path, const struct layer *layer, const struct pruned *pr,
		    int value_bytes, struct gs_err *err)
{
	struct gsf_geometry g;

	layer_geometry(layer, &g);
	return gsf_write_geom(path, pr, value_bytes, &g, err);
}

/* The convolution a .gsf records, as a layer in *buf. */
static void layer_of_geometry(const struct gsf_geometry *g, const char *path, uint32_t rows,
			      uint32_t cols, struct layer *buf)
{
	uint32_t ekh = (g->kh - 1) * g->dilation + 1, ekw = (g->kw - 1) * g->dilation + 1;
	uint32_t pad_h = g->kind == GSF_LAYER_CONV1D ? 0 : g->pad;
	uint32_t s_h = g->kind == GSF_LAYER_CONV1D ? 1 : g->stride;

	memset(buf, 0, sizeof *buf);
	buf->net = "gsf";
	buf->name = path;
	buf->kind = g->kind == GSF_LAYER_CONV1D ? LAYER_CONV1D : LAYER_CONV2D;
	buf->M = buf->cout = rows;
	buf->K = cols;
	buf->cin = cols / (g->kh * g->kw);
	buf->kh = g->kh;
	buf->kw = g->kw;
	buf->stride = g->stride;
	buf->pad = g->pad;
	buf->dilation = g->dilation;
	buf->h_in = g->h_in;
	buf->w_in = g->w_in;
	buf->N = ((g->h_in + 2 * pad_h - ekh) / s_h + 1) * ((g->w_in + 2 * g->pad - ekw) / g->stride + 1);
}

/* The layer a --gsf file is run as: the given one (whose geometry must
** match what the file records), else the recorded convolution (*layer =
** buf) or matrix (NULL); a file that records no layer needs --workload. */
static int gsf_layer(const char *path, const struct layer **layer, struct layer *buf,
		     struct gs_err *err)
{
	struct gsf_geometry g, want;
	uint32_t rows, cols;
	char a[160], b[160];

	if (gsf_read_header_geom(path, &rows, &cols, &g, err))
		return -1;
	if (*layer) {
		layer_geometry(*layer, &want);
		if (g.kind == GSF_LAYER_UNKNOWN || rows != (*layer)->M || cols != (*layer)->K ||
		    !memcmp(&g, &want, sizeof g))
			return 0;	/* a shape mismatch is layer_prune's message */
		return gs_errf(err, "%s: pruned for a %s, but %s:%s is a %s", path,
			       gsf_geometry_text(&g, rows, cols, a, sizeof a), (*layer)->net,
			       (*layer)->name, gsf_geometry_text(&want, rows, cols, b, sizeof b));
	}
	if (g.kind == GSF_LAYER_UNKNOWN)
		return gs_errf(err, "%s: the file does not record its layer (format version 1), so a "
			       "convolution cannot be told from a fully connected layer: give "
			       "--workload NET:LAYER, or prune it again (this gssim records the layer)",
			       path);
	if (g.kind != GSF_LAYER_MATRIX) {
		layer_of_geometry(&g, path, rows, cols, buf);
		*layer = buf;
	}
	return 0;
}

int layer_kernel(const struct layer_job *job, const struct layer *layer,
		 const struct gs_config *cfg, struct pruned *pr, struct kernel *k,
		 double *w_frac_kept, struct gs_err *err)
{
	struct layer from_file;

	memset(k, 0, sizeof *k);
	memset(pr, 0, sizeof *pr);
	if (job->gsf && gsf_layer(job->gsf, &layer, &from_file, err))
		return -1;
	if (layer_prune(job, layer, cfg, pr, w_frac_kept, err))
		return -1;
	if (layer_generate(job, layer, cfg, pr, k, err)) {
		pruned_free(pr);
		return -1;
	}
	return 0;
}
