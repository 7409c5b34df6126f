/*
** conv_offset.c: the convolution gather offset (see conv_offset.h).
*/
#include "conv_offset.h"

uint64_t conv_gather_offset(const struct conv_params *p, uint32_t cc, uint32_t pitch, uint32_t col)
{
	uint64_t kpos = col / cc, kh_i = kpos / p->kw, kw_i = kpos % p->kw;
	uint64_t w_pad = (uint64_t)p->w_in + 2 * (uint64_t)p->pad_w;

	return (kh_i * p->dil_h * w_pad + kw_i * p->dil_w) * pitch + col % cc;
}

uint32_t conv_pixel_pitch(uint32_t cin, uint32_t cc, int banks)
{
	/* offset = kpos_offset * pitch + (ci - start): with start = 0 and
	** pitch = cin (mod banks) it is the whole layer's offset mod banks */
	if (banks <= 0 || cc >= cin)
		return cc;
	return cc + (uint32_t)(((uint64_t)cin - cc) % (uint64_t)banks);
}
