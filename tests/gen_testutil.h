/*
** gen_testutil.h: helpers shared by the generator suites (check_gen_spmm.c,
** check_gen_lstm.c): machines, pruned random matrices, the double-precision
** reference and its rounding tolerance. static inline: nothing public.
*/
#ifndef gs_gen_testutil_h
#define gs_gen_testutil_h

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "funcsim.h"
#include "gen.h"
#include "gen_common.h"
#include "prune.h"
#include "rng.h"

struct machine {
	struct gs_config cfg;
	struct isa isa;
};

static inline void machine_init(struct machine *m, int lanes, int eb, int regs, int kib)
{
	memset(m, 0, sizeof(*m));
	m->cfg.vector.lanes = lanes;
	m->cfg.vector.element_bytes = eb;
	m->cfg.vector.registers = regs;
	m->cfg.scratchpad.size_kib = kib;
	isa_from_config(&m->isa, &m->cfg);
}

/* Random Gaussian weights pruned to pattern name at the given sparsity. */
static inline void prune_rand(struct pruned *p, const char *name, int lanes, uint32_t rows,
		       uint32_t cols, double sparsity, uint64_t seed)
{
	struct pattern pat;
	struct gs_err err;
	struct rng r;
	float *w = malloc((size_t)rows * cols * sizeof(float));
	uint64_t i;

	ck_assert_ptr_nonnull(w);
	rng_seed(&r, seed);
	for (i = 0; i < (uint64_t)rows * cols; i++)
		w[i] = (float)rng_gaussian(&r);
	ck_assert_msg(pattern_parse(name, lanes, &pat, &err) == 0, "%s", err.msg);
	ck_assert_msg(prune_matrix(w, rows, cols, NULL, &pat, sparsity, p, &err) == 0, "%s: %s",
		      name, err.msg);
	free(w);
}

/* y += W x for batch column b (x, y column-major), from the GS buckets
** (with their rowind) or the csr; s += |w||x|. Weights rounded as stored. */
static inline void ref_matvec(const struct pruned *p, int eb, const double *x, double *y, double *s)
{
	uint32_t r, g, l, j;
	uint64_t k;

	if (p->pat.kind == PAT_GS) {
		int V = p->pat.V;

		for (g = 0; g < p->gs.ngroups; g++)
			for (j = p->gs.ptr[g]; j < p->gs.ptr[g + 1]; j++)
				for (l = 0; l < (uint32_t)V; l++) {
					uint64_t i = (uint64_t)j * V + l;
					double w = elem_round(eb, p->gs.val[i]);

					if (p->gs.col[i] == GS_COL_NONE)
						continue;
					r = p->gs.rowind[(uint64_t)g * V + l];
					y[r] += w * x[p->gs.col[i]];
					s[r] += fabs(w * x[p->gs.col[i]]);
				}
		return;
	}
	for (r = 0; r < p->rows; r++)
		for (k = p->csr.ptr[r]; k < p->csr.ptr[r + 1]; k++) {
			double w = elem_round(eb, p->csr.val[k]);

			y[r] += w * x[p->csr.col[k]];
			s[r] += fabs(w * x[p->csr.col[k]]);
		}
}

static inline void rand_vec(struct rng *r, double *v, uint64_t n, int eb)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		v[i] = elem_round(eb, 2 * rng_uniform(r) - 1);
}

static inline void spm_put(struct funcsim *fs, uint64_t addr, const double *v, uint64_t n)
{
	float *f = malloc((size_t)n * sizeof(float) + 1);
	uint64_t i;

	for (i = 0; i < n; i++)
		f[i] = (float)v[i];
	funcsim_spm_store(fs, addr, f, n);
	free(f);
}

/* |got - want| within the rounding of a sum of up to n terms of total
** magnitude s in the element format (u = unit roundoff). */
static inline void check_close(double got, double want, double s, uint32_t n, int eb, const char *what,
			uint64_t i)
{
	double u = eb == 2 ? ldexp(1, -11) : eb == 4 ? ldexp(1, -24) : ldexp(1, -53);
	double tol = (n + 4) * u * s + 1e-300;

	ck_assert_msg(fabs(got - want) <= tol, "%s: y[%llu] = %.9g, expected %.9g (tol %.3g)", what,
		      (unsigned long long)i, got, want, tol);
}

static inline uint32_t max_row_nnz(const struct pruned *p)
{
	uint32_t r, m = 0;

	for (r = 0; r < p->rows; r++)
		if (p->csr.ptr[r + 1] - p->csr.ptr[r] > m)
			m = p->csr.ptr[r + 1] - p->csr.ptr[r];
	return m;
}

struct pat_case {
	const char *fmt;	/* L = lanes */
	double sparsity;
	int variant;
};

/* The pattern name of fmt with every 'L' replaced by lanes. */
static inline void pat_name(char *buf, size_t n, const char *fmt, int lanes)
{
	size_t o = 0;

	for (; *fmt && o + 4 < n; fmt++) {
		if (*fmt == 'L')
			o += (size_t)snprintf(buf + o, n - o, "%d", lanes);
		else
			buf[o++] = *fmt;
	}
	buf[o] = '\0';
}

#endif
