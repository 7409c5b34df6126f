/*
** rng.h: the project's own deterministic random numbers: xoshiro256**
** seeded through splitmix64, so one seed gives the same stream on every
** host and compiler. No global state: each user owns a struct rng.
*/
#ifndef gs_rng_h
#define gs_rng_h

#include <stdint.h>

struct rng {
	uint64_t s[4];
	double spare;		/* second normal of the last polar-method pair */
	int have_spare;
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);		/* 64 uniform bits */
uint64_t rng_below(struct rng *r, uint64_t n);	/* uniform in [0, n), n >= 1, unbiased */
double rng_uniform(struct rng *r);		/* uniform in [0, 1), 53 bits */
double rng_gaussian(struct rng *r);		/* N(0, 1), Marsaglia polar method */
double rng_laplace(struct rng *r);		/* Laplace(0, b = 1), inverse CDF */

#endif
