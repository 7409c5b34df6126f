/*
** weights.h: weight tensors for the pruners: seeded synthetic weights, and
** the matrix view of a layer's tensor (rows = outputs, gs-patterns.md §2.1).
*/
#ifndef gs_weights_h
#define gs_weights_h

#include <stdint.h>

#include "err.h"
#include "npy.h"

enum weights_dist {
	WEIGHTS_GAUSSIAN,	/* N(0, scale^2) */
	WEIGHTS_LAPLACE		/* Laplace(0, b = scale): density exp(-|x|/b) / 2b */
};

/* Fill t (malloc'd; tensor_free) with ndim (1..4) dims of shape, drawn i.i.d.
** in C order from dist with the given scale (> 0) using rng seeded with seed.
** Same arguments, same bits. */
int weights_synthetic(struct tensor *t, int ndim, const uint64_t *shape, int dist,
		      double scale, uint64_t seed, struct gs_err *err);

/* The matrix view of a layer's weights (malloc'd *m, rows x cols, row-major):
**   2-D (O, I)        rows O, cols I, as is;
**   3-D (O, I, W)     rows O, cols W*I, column kw*I + ci;
**   4-D (O, I, H, W)  rows O, cols H*W*I, column (kh*W + kw)*I + ci,
** i.e. the kernels' im2col (kh, kw, ci) order. 1-D or dims past UINT32_MAX:
** -1 with a message. */
int tensor_to_matrix(const struct tensor *t, float **m, uint32_t *rows, uint32_t *cols,
		     struct gs_err *err);

#endif
