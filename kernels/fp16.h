/*
** fp16.h: IEEE 754 binary16 (fp16) conversions, the project's only ones:
** .gsf values (gsf_write.c, gsf_read.c), '<f2' .npy weights (npy.c),
** funcsim's fp16 element format and the generators' memory images
** (funcsim.c elem_*). To fp16: round to nearest, ties to even, in one
** rounding; from fp16: exact.
*/
#ifndef gs_fp16_h
#define gs_fp16_h

#include <stdint.h>

/* Finite values of magnitude >= 65520 (halfway between the largest fp16,
** 65504, and 2^16) become infinity; values below 2^-25 become a signed 0
** (2^-25 itself is a tie and goes to the even 0); NaN stays NaN (the top 10
** payload bits kept, 0x200 when they are all 0); infinities stay. */
uint16_t fp16_from_float(float f);
/* The same from a double, with a single rounding (no double rounding
** through float); NaN gives the quiet 0x7e00 with d's sign. */
uint16_t fp16_from_double(double d);
/* Exact: every fp16 value, subnormals, infinities and NaN payloads
** included, is a float. */
float fp16_to_float(uint16_t h);

#endif
