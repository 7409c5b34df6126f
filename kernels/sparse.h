/*
** sparse.h: pruned weight matrices, the contract between pruners
** (prune*.c), the on-disk formats (gsf.c) and the trace generators (gen*.c).
** Matrix convention (as in gs-patterns.md): W is rows x cols = outputs x
** inputs (M x K); y = W x. Convolution weights OIHW are viewed as
** M = Cout rows and K = KH*KW*Cin columns in (kh, kw, ci) order.
** kernels/ knows formats and dataflow, nothing about timing.
*/
#ifndef gs_sparse_h
#define gs_sparse_h

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum pat_kind {
	PAT_DENSE,
	PAT_UNSTRUCTURED,	/* magnitude */
	PAT_BLOCK,		/* br x bc blocks, e.g. 8x1 (vertical) or 1x8 (horizontal) */
	PAT_NM,			/* n non-zeros in every m consecutive columns of a row */
	PAT_GS			/* GS(V, h, B) */
};

struct pattern {
	int kind;		/* enum pat_kind */
	int br, bc;		/* PAT_BLOCK */
	int n, m;		/* PAT_NM */
	int V, h, B;		/* PAT_GS: lanes per bucket, elements per row per bucket, banks */
	int nonuniform;		/* PAT_GS: per-group bucket counts t_g from a global threshold */
	int exact;		/* PAT_GS: always select with the exact min-cost flow (default 0:
				** greedy, falling back to the exact solver for a group only
				** when greedy leaves a row short) */
};

/* Limits of PAT_GS (the packer works on B x B bank tables). */
#define GS_PAT_MAX_V 64
#define GS_PAT_MAX_B 256

/* Parse a pattern name as used on the command line:
**   dense | unstructured | block:RxC (block:8x1, block:1x8) | nm:N:M
**   gs-v | gs-h  (V = h... from `lanes`: gs-v = GS(lanes,1,lanes), gs-h = GS(lanes,lanes,lanes))
**   gs:V=8,h=2,B=16[,nonuniform][,exact]
** `lanes` fills V (and B) when the name does not give them: in gs:..., V
** defaults to lanes, h to 1, B to V; keys in any order. Also accepted:
** gs-v / gs-h followed by ",nonuniform" and/or ",exact".
** Errors: "pattern 'NAME': what is wrong (expected ...)". */
int pattern_parse(const char *name, int lanes, struct pattern *p, struct gs_err *err);
/* Validate a pattern built by hand (ranges, h | V, V <= B <= GS_PAT_MAX_B, n <= m). */
int pattern_check(const struct pattern *p, struct gs_err *err);
/* Canonical name of p (inverse of pattern_parse), written into buf. */
const char *pattern_name(const struct pattern *p, char *buf, size_t n);

/* Kept entries of every pattern, row-major, columns ascending per row. */
struct csr {
	uint32_t *ptr;		/* rows + 1 */
	uint32_t *col;		/* nnz */
	float *val;		/* nnz */
};

/* GS buckets ("joined" format, gs-patterns.md §2.1). Rows split into groups
** of r = V/h rows (the last group of a matrix whose rows are not a multiple
** of r is padded with masked lanes). Bucket j of group g has V lanes; lane l
** belongs to output row rowind[g*V + l] and reads column col[j*V + l]
** (GS_COL_NONE for a masked lane, value 0). */
#define GS_COL_NONE UINT32_MAX
struct gs_buckets {
	uint32_t ngroups;
	uint32_t *ptr;		/* ngroups + 1 cumulative bucket counts */
	float *val;		/* nbuckets * V */
	uint32_t *col;		/* nbuckets * V */
	uint32_t *rowind;	/* ngroups * V (UINT32_MAX for a padding lane) */
};

struct pruned {
	struct pattern pat;
	uint32_t rows, cols;
	double target_sparsity;		/* asked for */
	double sparsity;		/* achieved: 1 - nnz / (rows*cols) */
	double abs_kept;		/* sum |w| kept / the same for unstructured at the achieved sparsity */
	double sq_kept;			/* sum w^2 kept / the same for unstructured */
	uint64_t nnz;
	struct csr csr;
	struct gs_buckets gs;		/* valid iff pat.kind == PAT_GS */
};

void pruned_free(struct pruned *p);

/* Sparsities a pattern can reach (docs/kernels.md "Sparsity per pattern").
** A target written to three decimals is read as meant: SPARSITY_SLACK. */
#define SPARSITY_SLACK 5e-4
/* Before pruning, from the pattern alone: dense reaches only 0 and nm:N:M
** only 1 - N/M (each within SPARSITY_SLACK); -1 with a message saying what
** the pattern achieves otherwise. Every other pattern takes any 0..1. */
int pattern_check_sparsity(const struct pattern *p, double target, struct gs_err *err);
/* How far a rows x cols matrix pruned to p may land from its target:
** half the pattern's step (one weight, block, run remainder, bucket) over
** the matrix, plus SPARSITY_SLACK for dense and N:M. */
double pattern_sparsity_rounding(const struct pattern *p, uint32_t rows, uint32_t cols);
/* After pruning: pr->sparsity within pattern_sparsity_rounding of
** pr->target_sparsity (GS lowers its bucket count when the bank classes
** cannot feed it); -1 with a message naming both otherwise. */
int pattern_check_achieved(const struct pruned *pr, struct gs_err *err);

#endif
