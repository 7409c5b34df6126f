/*
** prune.h: one-shot magnitude pruning of a weight matrix onto a pattern
** (kernels/sparse.h), and the quality proxy of gs-patterns.md §5.3.
** Everything is deterministic: ties in magnitude go to the lower index
** (row-major element index, block index, column index).
*/
#ifndef gs_prune_h
#define gs_prune_h

#include <stdint.h>

#include "err.h"
#include "sparse.h"

/* Prune w (rows x cols, row-major, finite values) to pattern p at target
** sparsity (0 <= sparsity <= 1) and fill out (free with pruned_free):
** csr for every pattern, gs buckets for PAT_GS, nnz, achieved sparsity,
** abs_kept / sq_kept. rows*cols must be <= UINT32_MAX.
** col_bank[c] is the bank class (< p->B) of column c; NULL means c mod p->B
** (convolutions pass the bank of each column's gather offset). Only PAT_GS
** reads it.
**   dense         keeps everything (sparsity ignored; achieved 0).
**   unstructured  global top k = round((1-s) rows cols) by |w|.
**   block RxC     blocks tile the matrix from (0,0); edge blocks are
**                 partial. Blocks are ranked by L1 norm scaled to a full
**                 block (= L1 for full blocks, mean |w| * R*C for edge ones)
**                 and kept in rank order while that brings the kept count
**                 closer to k = round((1-s) rows cols): exact when R | rows,
**                 C | cols and (1-s) * nblocks is whole.
**   nm N:M        top N of every M consecutive columns of each row (the
**                 target sparsity is only recorded; achieved 1 - N/M). A
**                 last partial run of L < M columns keeps round(N*L/M).
**   gs V,h,B      gs-patterns.md §5.2: groups of r = V/h rows, uniform
**                 t = round((1-s) cols / h) buckets per group, lowered to the
**                 largest feasible t (sum_b min(t, r*ncols_b) >= V*t); greedy
**                 selection with an exact min-cost-flow fallback for a group
**                 where greedy leaves a row short (p->exact: every group by
**                 the exact solver, from scratch). nonuniform: a global top-k
**                 threshold sets t_g = round(kept in group / (rows in group * h))
**                 per group. A last partial group is padded with masked lanes.
** Errors (bad pattern, sparsity, non-finite weight, col_bank out of range,
** too large): -1 and a message. */
int prune_matrix(const float *w, uint32_t rows, uint32_t cols, const uint32_t *col_bank,
		 const struct pattern *p, double sparsity, struct pruned *out,
		 struct gs_err *err);

/* Set p->abs_kept and p->sq_kept from p->csr: kept sum|w| (sum w^2) over the
** same for the p->nnz largest |w| of w (unstructured magnitude pruning at
** the same nnz, ties by index, summed in row-major order); 1 when that is 0.
** w is the dense matrix p was pruned from. Linear time. */
void prune_quality(const float *w, struct pruned *p);

/* Building blocks of prune_matrix (prune.c, prune_gs.c, gs_pack.c, tests). */

/* The value at rank k (1 = largest) of |w[0..n-1]| as float bits (|w| >= 0,
** so the bits order like the values); 0 if k == 0 or k > n. Radix select:
** three counting passes, no allocation. */
uint32_t prune_kth_abs_bits(const float *w, uint64_t n, uint64_t k);

/* Sort a[0..n) descending; move the m largest of a[0..n) to a[0..m) (in
** no particular order). Deterministic, O(n log n) / O(n) expected. */
void prune_sort_desc(uint64_t *a, size_t n);
void prune_select_desc(uint64_t *a, size_t n, size_t m);

/* Sort key of element idx (< 2^32) with magnitude bits ab: larger |w|
** first, then the lower index. */
#define PRUNE_KEY(ab, idx) ((uint64_t)(ab) << 32 | (uint64_t)(UINT32_MAX - (uint32_t)(idx)))
#define PRUNE_KEY_IDX(key) (UINT32_MAX - (uint32_t)(key))

/* GS selection (prune_gs.c): set mask[i*cols + c] = 1 for the kept entries
** of w under p (PAT_GS); bank is required (every bank[c] < p->B) and mask
** must start zeroed. Returns -1 on error. */
int prune_gs_mask(const float *w, uint32_t rows, uint32_t cols, const uint32_t *bank,
		  const struct pattern *p, double sparsity, uint8_t *mask, struct gs_err *err);

/* Pack p->csr into p->gs buckets (gs_pack.c, König edge colouring, §1.2).
** p->pat, rows, cols, nnz and csr must be set; bank[c] as col_bank above
** (NULL: c mod B).
** -1 with a message if p->csr is not GS(V, h, B)-conforming. */
int gs_pack(struct pruned *p, const uint32_t *bank, struct gs_err *err);

#endif
