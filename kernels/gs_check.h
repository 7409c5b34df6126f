/*
** gs_check.h: is a mask / a pruned matrix GS(V, h, B)-conforming
** (gs-patterns.md §1.2, the checker of Appendix A)? Both return 1 when it
** is, 0 when not, with the first violation written into why (if non-NULL),
** e.g. "group 3: bank 2 count 5 > t=4" or "group 0: row nnz unequal (2,2,3,2)".
** Groups are r = V/h consecutive rows; a last partial group is checked with
** the rows it has.
*/
#ifndef gs_gs_check_h
#define gs_gs_check_h

#include <stddef.h>
#include <stdint.h>

#include "sparse.h"

/* Mask conditions on p->csr (equal nnz per row of a group = h*t_g, at most
** t_g per bank class per group) and the buckets: one t_g-bucket run per
** group, lane l of group g on row g*r + l/h (padding lanes masked), V
** distinct banks per bucket, buckets holding exactly the csr's entries.
** col_bank NULL means c mod B. */
int gs_conformance(const struct pruned *p, const uint32_t *col_bank, char *why, size_t whylen);

/* Mask conditions alone on a csr (rows x cols; columns must ascend, banks
** col_bank[c] or c mod B). On success (1) t_g of every group is written to
** tg (ceil(rows / (V/h)) entries) if tg is non-NULL. */
int gs_check_csr(const struct csr *csr, uint32_t rows, uint32_t cols, int V, int h, int B,
		 const uint32_t *col_bank, uint32_t *tg, char *why, size_t whylen);

/* Mask conditions alone on a raw 0/1 mask (rows x cols, row-major),
** bank(c) = c mod B. */
int gs_check_mask(const uint8_t *mask, uint32_t rows, uint32_t cols, int V, int h, int B,
		  char *why, size_t whylen);

#endif
