/*
** bankmath.h: exact bank-conflict arithmetic for validating the scratchpad
** model (docs/validation.md): passes of strided gathers in closed form, and
** the exact distribution of the busiest bank's load when a gather's lanes
** read random distinct words.
**
** Random gathers: `lanes` distinct words drawn uniformly without replacement
** from banks * words_per_bank words, words_per_bank in each bank (a
** multivariate hypergeometric draw). With L the busiest bank's load,
**     P(L <= m) = [x^lanes] (sum_{k<=m} C(W,k) x^k)^banks / C(banks*W, lanes).
** The i.i.d. variant is the limit W -> infinity: every lane's bank uniform
** and independent (a multinomial draw), as in gs-patterns.md §3.
*/
#ifndef gs_bankmath_h
#define gs_bankmath_h

#include <stdint.h>

#include "err.h"

#define BANKMATH_MAX_LANES 64	/* = GS_MAX_LANES */
#define BANKMATH_MAX_BANKS 1048576

/* Passes of one gather whose lane l reads word l * stride (one-element-wide
** banks, interleaved, one port): the lanes fall in banks / gcd(stride, banks)
** banks, lanes l and l' sharing a bank iff l = l' mod that count, so
**     passes = ceil(lanes * gcd(stride, banks) / banks)   (stride > 0);
** stride 0 is one word: 1 pass with multicast, `lanes` without.
** gcd(0, banks) = banks. Returns 0 for lanes <= 0 or banks <= 0. */
uint32_t bankmath_stride_passes(int lanes, int banks, uint64_t stride, int multicast);

/* P(busiest bank load <= m) for lanes distinct words from banks x
** words_per_bank words. 0, or -1 with a message for arguments out of range
** (1 <= lanes <= BANKMATH_MAX_LANES, 1 <= banks <= BANKMATH_MAX_BANKS,
** words_per_bank >= 1, lanes <= banks * words_per_bank). */
int bankmath_max_load_cdf(int lanes, int banks, uint64_t words_per_bank, int m,
			  long double *p, struct gs_err *err);

/* E[ceil(L / ports)]: the mean passes of such a gather on banks with
** `ports` ports. 0 or -1 (as above; ports >= 1). */
int bankmath_expected_passes(int lanes, int banks, uint64_t words_per_bank, int ports,
			     long double *e, struct gs_err *err);

/* The same for i.i.d. uniform banks (W -> infinity). 0 or -1. */
int bankmath_max_load_cdf_iid(int lanes, int banks, int m, long double *p,
			      struct gs_err *err);
int bankmath_expected_passes_iid(int lanes, int banks, int ports, long double *e,
				 struct gs_err *err);

#endif
