/*
** conv_offset.h: where a convolution weight column gathers from, the one
** formula shared by the GS pruner's bank classes (lab/layer_job.c
** layer_col_banks) and the convolution kernel's gather indices
** (gen_conv_tile.c), so the two cannot disagree (docs/kernels-conv.md,
** "Gather indices" and "Input-channel chunks").
*/
#ifndef gs_conv_offset_h
#define gs_conv_offset_h

#include <stdint.h>

#include "gen.h"

/* Element offset, from the receptive field's base, of column col of a
** tile holding cc input channels per pixel, each pixel `pitch` elements
** (pitch >= cc) in padded rows of w_in + 2 pad_w pixels: column col is
** kernel position col / cc = (kh_i, kw_i) and channel col % cc, and reads
**     (kh_i dil_h (w_in + 2 pad_w) + kw_i dil_w) pitch + col % cc.
** The whole layer is cc = pitch = cin. */
uint64_t conv_gather_offset(const struct conv_params *p, uint32_t cc, uint32_t pitch, uint32_t col);

/* Elements per pixel of a tile holding cc of the layer's cin channels
** (a chunk starting at a multiple of banks): cc, padded for GS (banks > 0)
** to the next value = cin (mod banks), so that every column's offset keeps
** the bank class of its whole-layer offset; banks 0: cc. */
uint32_t conv_pixel_pitch(uint32_t cin, uint32_t cc, int banks);

#endif
