/*
** bankmath.c: exact bank-conflict arithmetic (see bankmath.h).
**
** P(L <= m) is a coefficient of a polynomial power. To keep every number
** near 1 whatever W is, x is scaled by 1/W: the factor's coefficients
** become a_k = C(W,k) / W^k and the normaliser C(B*W, V) / W^V =
** prod_{i<V} (B - i/W) / (i+1). In the i.i.d. limit a_k = 1/k! and the
** normaliser is B^V / V!. All terms are positive, so long double keeps
** about 18 significant digits (no cancellation).
*/
#include <string.h>

#include "bankmath.h"

#define NCOEF (BANKMATH_MAX_LANES + 1)

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

uint32_t bankmath_stride_passes(int lanes, int banks, uint64_t stride, int multicast)
{
	uint64_t g, per_bank_groups;

	if (lanes <= 0 || banks <= 0)
		return 0;
	if (stride == 0)
		return multicast ? 1 : (uint32_t)lanes;
	g = gcd_u64(stride, (uint64_t)banks);
	per_bank_groups = (uint64_t)banks / g;	/* banks the lanes fall in */
	return (uint32_t)(((uint64_t)lanes + per_bank_groups - 1) / per_bank_groups);
}

/* out = a * b, both of degree <= deg, truncated to degree deg. */
static void poly_mul(long double *out, const long double *a, const long double *b, int deg)
{
	long double r[NCOEF];

	for (int i = 0; i <= deg; i++) {
		long double s = 0;

		for (int j = 0; j <= i; j++)
			s += a[j] * b[i - j];
		r[i] = s;
	}
	memcpy(out, r, (size_t)(deg + 1) * sizeof *r);
}

/* [x^deg] of (a_0 + a_1 x + ... + a_deg x^deg)^power. */
static long double coef_of_power(const long double *a, int deg, int power)
{
	long double base[NCOEF], acc[NCOEF];

	memcpy(base, a, (size_t)(deg + 1) * sizeof *a);
	memset(acc, 0, sizeof acc);
	acc[0] = 1;
	while (power) {
		if (power & 1)
			poly_mul(acc, acc, base, deg);
		power >>= 1;
		if (power)
			poly_mul(base, base, base, deg);
	}
	return acc[deg];
}

static int check_args(int lanes, int banks, struct gs_err *err)
{
	if (lanes < 1 || lanes > BANKMATH_MAX_LANES)
		return gs_errf(err, "bankmath: lanes %d out of range 1..%d", lanes,
			       BANKMATH_MAX_LANES);
	if (banks < 1 || banks > BANKMATH_MAX_BANKS)
		return gs_errf(err, "bankmath: banks %d out of range 1..%d", banks,
			       BANKMATH_MAX_BANKS);
	return 0;
}

/* P(L <= m); words_per_bank == 0 means the i.i.d. limit. */
static long double cdf(int lanes, int banks, uint64_t w, int m)
{
	long double a[NCOEF], norm = 1;
	int kmax = m < lanes ? m : lanes;

	if (m < 0)
		return 0;
	if (m >= lanes)
		return 1;
	if (w && (uint64_t)kmax > w)
		kmax = (int)w;
	memset(a, 0, sizeof a);
	a[0] = 1;
	for (int k = 1; k <= kmax; k++) {
		if (w)
			a[k] = a[k - 1] * ((long double)(w - (uint64_t)k + 1) / (long double)w) / k;
		else
			a[k] = a[k - 1] / k;
	}
	for (int i = 0; i < lanes; i++) {
		long double b = (long double)banks;

		if (w)
			b -= (long double)i / (long double)w;
		norm *= b / (i + 1);
	}
	return coef_of_power(a, lanes, banks) / norm;
}

static long double expected(int lanes, int banks, uint64_t w, int ports)
{
	long double e = 0;

	/* E[ceil(L/p)] = sum_{j >= 0} P(ceil(L/p) > j) = sum_j (1 - P(L <= j p)). */
	for (int j = 0; (long)j * ports < lanes; j++)
		e += 1 - cdf(lanes, banks, w, j * ports);
	return e;
}

int bankmath_max_load_cdf(int lanes, int banks, uint64_t words_per_bank, int m,
			  long double *p, struct gs_err *err)
{
	if (check_args(lanes, banks, err))
		return -1;
	if (words_per_bank < 1)
		return gs_errf(err, "bankmath: words_per_bank must be at least 1");
	if ((long double)lanes > (long double)banks * (long double)words_per_bank)
		return gs_errf(err, "bankmath: %d distinct words do not fit in %d banks x %llu words",
			       lanes, banks, (unsigned long long)words_per_bank);
	*p = cdf(lanes, banks, words_per_bank, m);
	return 0;
}

int bankmath_expected_passes(int lanes, int banks, uint64_t words_per_bank, int ports,
			     long double *e, struct gs_err *err)
{
	long double unused;

	if (bankmath_max_load_cdf(lanes, banks, words_per_bank, 0, &unused, err))
		return -1;
	if (ports < 1)
		return gs_errf(err, "bankmath: ports %d must be at least 1", ports);
	*e = expected(lanes, banks, words_per_bank, ports);
	return 0;
}

int bankmath_max_load_cdf_iid(int lanes, int banks, int m, long double *p,
			      struct gs_err *err)
{
	if (check_args(lanes, banks, err))
		return -1;
	*p = cdf(lanes, banks, 0, m);
	return 0;
}

int bankmath_expected_passes_iid(int lanes, int banks, int ports, long double *e,
				 struct gs_err *err)
{
	if (check_args(lanes, banks, err))
		return -1;
	if (ports < 1)
		return gs_errf(err, "bankmath: ports %d must be at least 1", ports);
	*e = expected(lanes, banks, 0, ports);
	return 0;
}
