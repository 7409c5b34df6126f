/*
** layer_job.h: one layer from weights to a runnable kernel: weights from a
** .npy file or seeded synthetic ones of the layer's shape, pruned onto a
** pattern, turned into an instruction stream by the right generator. The
** glue between kernels/ (formats, pruners, generators) and the commands
** (gssim prune, gen, run --workload).
*/
#ifndef gs_layer_job_h
#define gs_layer_job_h

#include <stdint.h>

#include "config.h"
#include "err.h"
#include "gen.h"
#include "gsf.h"
#include "sparse.h"
#include "workload.h"

enum { WEIGHTS_DIST_DEFAULT = 0 };

struct layer_job {
	const char *gsf;	/* an already pruned layer (.gsf), or NULL to prune here */
	const char *weights;	/* .npy path, or NULL for synthetic weights */
	const char *pattern;	/* pattern name (pattern_parse) */
	double sparsity;
	uint64_t seed;		/* synthetic weights: seed (mixed with the layer name) */
	int dist;		/* enum weights_dist */
	uint32_t batch;		/* 0: the layer's own N for FC/LSTM (1), conv batch 1 */
	int variant;		/* enum spmm_variant */
};

/* The weight matrix of a layer (rows x cols, malloc'd) from job->weights or
** synthetic; a .npy must have the layer's shape (2-D M x K for FC/LSTM,
** 4-D OIHW for 2-D conv, 3-D OIW for 1-D conv). layer NULL: a 2-D .npy
** taken as a fully connected layer. */
int layer_weights(const struct layer_job *job, const struct layer *layer, float **w,
		  uint32_t *rows, uint32_t *cols, struct gs_err *err);

/* The bank class of every column for GS pruning (malloc'd, cols entries):
** c mod B for matrices, the gather offset's bank for convolutions. */
uint32_t *layer_col_banks(const struct layer *layer, uint32_t cols, int banks);

/* The layer geometry a .gsf records for layer (NULL, FC, LSTM: a matrix),
** and writing pr with it (gsf_write_geom). */
void layer_geometry(const struct layer *layer, struct gsf_geometry *g);
int layer_write_gsf(const char *path, const struct layer *layer, const struct pruned *pr,
		    int value_bytes, struct gs_err *err);

/* Prune (into *pr; or read job->gsf) and generate (into *k). layer NULL
** as above (a fully connected layer of the matrix's shape); with job->gsf,
** layer NULL takes the layer the file records (a convolution's geometry),
** refused for a file that records none (version 1: give the layer), and
** a given layer must match the recorded one. */
/* *w_frac_kept (if non-NULL): sum |w| kept / sum |w| of the dense matrix,
** an absolute quality measure comparable across patterns and sparsities
** (-1 when the layer comes from a .gsf, whose dense weights are unknown). */
int layer_kernel(const struct layer_job *job, const struct layer *layer,
		 const struct gs_config *cfg, struct pruned *pr, struct kernel *k,
		 double *w_frac_kept, struct gs_err *err);

/* The two halves of layer_kernel: pruning (depends on the machine only
** through the pattern's lanes and bank classes, so a sweep over other keys
** prunes once) and generating the kernel of a pruned layer for a machine
** (pr must outlive k). */
int layer_prune(const struct layer_job *job, const struct layer *layer,
		const struct gs_config *cfg, struct pruned *pr, double *w_frac_kept,
		struct gs_err *err);
int layer_generate(const struct layer_job *job, const struct layer *layer,
		   const struct gs_config *cfg, const struct pruned *pr, struct kernel *k,
		   struct gs_err *err);

#endif
