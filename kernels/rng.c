/*
** rng.c: splitmix64 seeding + xoshiro256** (Blackman & Vigna), and the
** distributions the synthetic weights need. See rng.h.
*/
#include <math.h>

#include "rng.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t x = seed;
	int i;

	/* splitmix64 never yields four zero words, so the state is valid. */
	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
	r->spare = 0.0;
	r->have_spare = 0;
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	/* Reject the short top range so every residue is equally likely. */
	uint64_t threshold = (0 - n) % n;
	uint64_t x;

	do
		x = rng_next(r);
	while (x < threshold);
	return x % n;
}

double rng_uniform(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in the open interval (0, 1): safe to take the log of. */
static double uniform_open(struct rng *r)
{
	return ((double)(rng_next(r) >> 11) + 0.5) * 0x1.0p-53;
}

double rng_gaussian(struct rng *r)
{
	double u, v, s, f;

	if (r->have_spare) {
		r->have_spare = 0;
		return r->spare;
	}
	do {
		u = 2.0 * rng_uniform(r) - 1.0;
		v = 2.0 * rng_uniform(r) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	f = sqrt(-2.0 * log(s) / s);
	r->spare = v * f;
	r->have_spare = 1;
	return u * f;
}

double rng_laplace(struct rng *r)
{
	double u = uniform_open(r) - 0.5;	/* (-0.5, 0.5) */

	if (u < 0)
		return log(1.0 + 2.0 * u);
	return -log(1.0 - 2.0 * u);
}
