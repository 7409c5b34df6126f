/*
** fp16.c: IEEE binary16 conversions (see fp16.h). From float by integer
** arithmetic on the bits; from double through frexp/ldexp (exact for
** doubles, so one rounding); to float by rebuilding the bits.
*/
#include <math.h>
#include <string.h>

#include "fp16.h"

uint16_t fp16_from_float(float f)
{
	uint32_t x, ax, sign, e, m, q, rem, half, rs;

	memcpy(&x, &f, sizeof(x));
	sign = (x >> 16) & 0x8000u;
	ax = x & 0x7fffffffu;
	if (ax > 0x7f800000u) {			/* NaN: keep the payload's top bits */
		m = (ax >> 13) & 0x3ffu;
		return (uint16_t)(sign | 0x7c00u | (m ? m : 0x200u));
	}
	if (ax >= 0x477ff000u)			/* inf, or >= 65520: rounds past 65504 */
		return (uint16_t)(sign | 0x7c00u);
	if (ax < 0x38800000u) {			/* below 2^-14: subnormal or 0 */
		if (ax < 0x33000000u)		/* below 2^-25: rounds to 0 */
			return (uint16_t)sign;
		e = ax >> 23;
		m = (ax & 0x7fffffu) | 0x800000u;
		rs = 126 - e;			/* to units of 2^-24: 14..24 */
		q = m >> rs;
		rem = m & ((1u << rs) - 1);
		half = 1u << (rs - 1);
		if (rem > half || (rem == half && (q & 1)))
			q++;			/* may carry into the smallest normal: right */
		return (uint16_t)(sign | q);
	}
	e = (ax >> 23) - 127 + 15;
	m = ax & 0x7fffffu;
	q = (e << 10) | (m >> 13);
	rem = m & 0x1fffu;
	if (rem > 0x1000u || (rem == 0x1000u && (q & 1)))
		q++;				/* carry into the exponent is right too */
	return (uint16_t)(sign | q);
}

static double round_half_even(double q)
{
	double fl = floor(q), d = q - fl;

	if (d > 0.5 || (d == 0.5 && fmod(fl, 2.0) != 0.0))
		fl += 1.0;
	return fl;
}

uint16_t fp16_from_double(double d)
{
	uint16_t sign = signbit(d) ? 0x8000u : 0;
	double a = fabs(d), m;
	int e;

	if (isnan(d))
		return (uint16_t)(sign | 0x7e00u);
	/* 65520 is halfway between 65504 (max, odd significand) and 2^16. */
	if (a >= 65520.0)
		return (uint16_t)(sign | 0x7c00u);
	if (a < ldexp(1.0, -14))	/* subnormal: units of 2^-24 */
		return (uint16_t)(sign | (uint16_t)round_half_even(ldexp(a, 24)));
	frexp(a, &e);			/* a = f * 2^e, f in [0.5, 1) */
	e -= 1;				/* a = 1.x * 2^e, e in [-14, 15] */
	m = round_half_even(ldexp(a, 10 - e));	/* in [1024, 2048] */
	if (m >= 2048.0) {
		m = 1024.0;
		e++;
	}
	if (e > 15)
		return (uint16_t)(sign | 0x7c00u);
	return (uint16_t)(sign | (uint16_t)((e + 15) << 10) | (uint16_t)(m - 1024.0));
}

float fp16_to_float(uint16_t h)
{
	uint32_t sign = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu, x;
	float f;

	if (e == 0 && m == 0) {
		x = sign;
	} else if (e == 0) {			/* subnormal: normalise */
		e = 113;
		while (!(m & 0x400u)) {
			m <<= 1;
			e--;
		}
		x = sign | (e << 23) | ((m & 0x3ffu) << 13);
	} else if (e == 31) {
		x = sign | 0x7f800000u | (m << 13);
	} else {
		x = sign | ((e + 112) << 23) | (m << 13);
	}
	memcpy(&f, &x, sizeof(f));
	return f;
}
