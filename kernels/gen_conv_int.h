/*
** gen_conv_int.h: internals of the convolution generator, shared by
** gen_conv_tile.c (the tiling and channel-chunk plan, the per-chunk weight
** matrices, the input fill: DMA and padding zeros) and gen_conv.c (the
** compute walk and gen_conv()). Not a public API; docs/kernels-conv.md.
*/
#ifndef gs_gen_conv_int_h
#define gs_gen_conv_int_h

#include <stdint.h>

#include "conv_offset.h"
#include "gen_common.h"

#define CONV_TAG_IN 0u		/* + input buffer: dma.in of an input tile */
#define CONV_TAG_OUT 2u		/* + output buffer: dma.out of an output tile */
#define CONV_DIM_LIMIT (1ull << 62)

/* How a unit's lanes map to output rows. */
enum conv_mode {
	MODE_VERT,	/* lanes are different rows: vstore / scatter, RMW across chunks */
	MODE_HORZ,	/* one row: reduce, scatter / scatter.add of lane 0 */
	MODE_HYBRID	/* GS 1 < h < V: lanes share rows: scatter.add into a zeroed tile */
};

enum act_kind { ACT_GATHER, ACT_VLOAD, ACT_BCAST };

enum conv_stage {
	ST_START, ST_FILL_DMA, ST_FILL_ZERO, ST_PREFETCH, ST_WAIT, ST_UNIT, ST_CHUNK,
	ST_LOAD, ST_PIXELS, ST_OUT, ST_NEXT, ST_DRAIN, ST_DONE
};

/* One step of the walk: channel chunk k of the tile of output pixels
** [oh0, oh0+th) x [ow0, ow0+tw) of image n. Its input buffer holds nrows
** rows of pitch elements from padded input row pr0, column c0; a pixel is
** the cc channels [cs, cs+cc) of the input, pp elements apart (pp >= cc,
** conv_pixel_pitch). */
struct tile_geo {
	uint32_t n, oh0, th, ow0, tw, nrows, pr0, c0;
	uint32_t k, cs, cc, pp;
	uint64_t tile;			/* spatial tile index (over the batch) */
	uint64_t pitch, in_spm, out_spm;
	unsigned inbuf, outbuf;
};

struct gen_conv;

/* Input channels [start, start+cc) and the weights that read them: the
** columns of the pruned matrix whose ci lies in the chunk, renumbered
** (kh, kw, ci - start), as their own weight stream. */
struct cin_chunk {
	const struct gen_conv *c;	/* for the index map */
	uint32_t start, cc;
	uint32_t pitch;			/* elements per pixel in the input buffer */
	const struct pruned *w;		/* &sub, or the caller's matrix when unsplit */
	struct pruned sub;		/* owned when the channels are split */
	struct wstream ws;
};

struct gen_conv {
	struct gen_base base;		/* first: the generator is its base */
	struct conv_params p;
	struct cin_chunk *ck;		/* nck channel chunks */
	uint32_t nck, cck, gran;	/* chunks of cck channels (the last may have fewer), multiples of gran */
	int banks;			/* GS: B, the chunks keep the bank classes; else 0 */
	uint32_t cpitch;		/* pixel pitch of the largest chunk (buffer sizes) */
	const struct wstream *ws;	/* the chunk being computed */
	int mode, lanes, nil;		/* nil: index loads per record (0: none) */
	uint64_t eb;
	/* geometry and tiling */
	uint32_t h_out, w_out, w_pad, ekh, ekw;
	int seg;			/* tiles are segments of one output row */
	uint32_t tile, segs;		/* rows (or pixels) per tile; segments per output row */
	uint64_t tiles_img, ntiles, nsteps;	/* nsteps = ntiles * nck */
	unsigned nbuf;
	uint64_t in_spm[2], out_spm[2];
	/* registers: nacc accumulators = pixels per group, ntmp activations */
	int r_zero, r_acc, nacc, r_tmp, ntmp, r_val, r_idx;
	uint32_t cmax;
	/* cursors */
	int stage, fill_ret, fill_zero;
	uint64_t t, zcur, zend, fz, step, steps, rec0;	/* t: the step being computed */
	struct tile_geo ft, ct;		/* step being filled, step being computed */
	uint32_t frow, fpix, unit, chunk, nchunk, cn, lb;
	uint32_t rows[GS_MAX_LANES];	/* output row of each lane of the unit */
	int contig;			/* rows[] = rows[0] + lane, all valid */
	/* the loaded chunk: activation access of each record (cmax entries) */
	uint8_t *act_kind;
	uint32_t *act_off;		/* VLOAD/BCAST: element offset from the pixel base */
	uint32_t *act_idx;		/* GATHER: cmax * lanes offsets */
};

static inline uint64_t conv_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* a*b, or CONV_DIM_LIMIT when it would pass it: sizes are checked against
** much smaller limits afterwards, so saturation is enough. */
static inline uint64_t conv_mul_sat(uint64_t a, uint64_t b)
{
	return a && b > CONV_DIM_LIMIT / a ? CONV_DIM_LIMIT : a * b;
}

/* ---- gen_conv_tile.c ---- */

/* Choose the channel chunks and the tiling; place the buffers. */
int conv_plan(struct gen_conv *c, const struct pattern *pat, const char *what,
	      struct gs_err *err);
/* Build the chunks (after conv_plan): their matrices and weight streams,
** consecutive from GEN_WEIGHTS_MEM; *end is past the last stream. */
int conv_chunks_init(struct gen_conv *c, const struct pruned *w, int fmt, uint64_t *end,
		     const char *what, struct gs_err *err);
void conv_chunks_free(struct gen_conv *c);
/* struct kernel's mem_read: ctx is the generator's mem_image. */
void conv_mem_read(void *ctx, uint64_t maddr, void *buf, uint32_t n);
void conv_step_of(const struct gen_conv *c, uint64_t s, struct tile_geo *tg);
/* Start filling the input buffer of step s; the stage after it is ret. */
void conv_fill_begin(struct gen_conv *c, uint64_t s, int ret);
void conv_fill_dma_step(struct gen_conv *c);
void conv_fill_zero_step(struct gen_conv *c);
/* Stores of the zero register over [zcur, zend). */
void conv_zero_some(struct gen_conv *c);

#endif
