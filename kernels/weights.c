/*
** weights.c: synthetic weights and the matrix view of weight tensors
** (see weights.h).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "weights.h"

int weights_synthetic(struct tensor *t, int ndim, const uint64_t *shape, int dist,
		      double scale, uint64_t seed, struct gs_err *err)
{
	struct rng r;
	uint64_t n = 1, i;
	int d;

	memset(t, 0, sizeof(*t));
	if (ndim < 1 || ndim > TENSOR_MAX_DIMS)
		return gs_errf(err, "synthetic weights: %d dimensions (expected 1 to %d)",
			       ndim, TENSOR_MAX_DIMS);
	if (dist != WEIGHTS_GAUSSIAN && dist != WEIGHTS_LAPLACE)
		return gs_errf(err, "synthetic weights: unknown distribution %d", dist);
	if (!(scale > 0) || !isfinite(scale))
		return gs_errf(err, "synthetic weights: scale %g (expected a finite value > 0)",
			       scale);
	for (d = 0; d < ndim; d++) {
		if (shape[d] == 0)
			return gs_errf(err, "synthetic weights: dimension %d is 0", d);
		if (shape[d] > SIZE_MAX / sizeof(float) / n)
			return gs_errf(err, "synthetic weights: shape too large");
		n *= shape[d];
	}
	t->data = malloc((size_t)n * sizeof(float));
	if (!t->data)
		return gs_errf(err, "synthetic weights: out of memory for %llu elements",
			       (unsigned long long)n);
	t->ndim = ndim;
	for (d = 0; d < ndim; d++)
		t->shape[d] = shape[d];
	rng_seed(&r, seed);
	for (i = 0; i < n; i++) {
		double x = dist == WEIGHTS_GAUSSIAN ? rng_gaussian(&r) : rng_laplace(&r);

		t->data[i] = (float)(scale * x);
	}
	return 0;
}

int tensor_to_matrix(const struct tensor *t, float **m, uint32_t *rows, uint32_t *cols,
		     struct gs_err *err)
{
	uint64_t o, ci, k, nr, ni, nk, kk;
	const float *src = t->data;
	float *dst;

	*m = NULL;
	if (t->ndim < 2 || t->ndim > 4)
		return gs_errf(err, "weights: a %d-D tensor is not a layer's weights "
			       "(expected 2-D O,I, 3-D O,I,W or 4-D O,I,H,W)", t->ndim);
	nr = t->shape[0];
	ni = t->shape[1];
	nk = 1;		/* kernel positions: W, or H*W */
	for (k = 2; k < (uint64_t)t->ndim; k++)
		nk *= t->shape[k];
	if (nr > UINT32_MAX || ni > UINT32_MAX || nk > UINT32_MAX / ni)
		return gs_errf(err, "weights: matrix view %llu x %llu is too large "
			       "(at most %u rows and columns)", (unsigned long long)nr,
			       (unsigned long long)(ni * nk), UINT32_MAX);
	dst = malloc((size_t)(nr * ni * nk) * sizeof(float));
	if (!dst)
		return gs_errf(err, "weights: out of memory");
	/* Source O,I,(H,W) with the kernel position fastest; destination
	** column kk*I + ci, kk = kh*W + kw (row-major over the kernel dims). */
	for (o = 0; o < nr; o++)
		for (ci = 0; ci < ni; ci++)
			for (kk = 0; kk < nk; kk++)
				dst[(o * nk + kk) * ni + ci] = src[(o * ni + ci) * nk + kk];
	*m = dst;
	*rows = (uint32_t)nr;
	*cols = (uint32_t)(ni * nk);
	return 0;
}
