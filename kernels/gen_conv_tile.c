/*
** gen_conv_tile.c: what the convolution kernel brings into the
** scratchpad and when (docs/kernels-conv.md). The plan: input-channel
** chunks (only when the smallest spatial tile does not fit with every
** channel), then row tiles or segments of the largest size that fits,
** double-buffered when two fit. The per-chunk weight matrices and streams.
** The fill of one step's input buffer: dma.in of the data, zero stores
** over the padding.
*/
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_conv_int.h"

#define DMA_PER_REFILL 8
#define ZERO_STORES_PER_REFILL 8

/* ---- the plan ---- */

/* Bytes of the input and output buffers of a tile of n output rows (row
** tiles) or n output pixels (segments) with cc elements per input pixel
** (the pixel pitch). */
static void tile_bytes(const struct gen_conv *c, int seg, uint64_t n, uint64_t cc, uint64_t *in,
		       uint64_t *out)
{
	const struct conv_params *p = &c->p;

	if (seg) {
		*in = conv_mul_sat(conv_mul_sat(conv_mul_sat(n - 1, p->stride_w) + c->ekw, cc), c->eb);
		*out = conv_mul_sat(conv_mul_sat(n, p->cout), c->eb);
	} else {
		*in = conv_mul_sat(conv_mul_sat(conv_mul_sat(conv_mul_sat(n - 1, p->stride_h) + c->ekh,
							     c->w_pad), cc), c->eb);
		*out = conv_mul_sat(conv_mul_sat(conv_mul_sat(n, c->w_out), p->cout), c->eb);
	}
}

/* Place nbuf input then nbuf output buffers from scratchpad byte 0: 1 when
** they fit (and each is one DMA's worth), filling in_spm / out_spm. */
static int tile_place(struct gen_conv *c, int seg, uint64_t n, uint64_t cc, unsigned nbuf)
{
	uint64_t in, out, cur = 0, a;
	unsigned i;

	tile_bytes(c, seg, n, cc, &in, &out);
	if (in > UINT32_MAX || out > UINT32_MAX)
		return 0;
	for (i = 0; i < 2 * nbuf; i++) {
		a = gen_align_up(cur, GEN_ALIGN);
		cur = a + (i < nbuf ? in : out);
		if (cur > c->base.isa.spm_bytes)
			return 0;
		if (i < nbuf)
			c->in_spm[i] = a;
		else
			c->out_spm[i - nbuf] = a;
	}
	return 1;
}

/* Largest tile (1..max) whose nbuf buffer pairs fit; 0 if none. */
static uint64_t tile_max(struct gen_conv *c, int seg, uint64_t max, uint64_t cc, unsigned nbuf)
{
	uint64_t lo = 0, hi = max;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo + 1) / 2;

		if (tile_place(c, seg, mid, cc, nbuf))
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* 1 when the smallest tile (one output row, or one pixel when kh == 1)
** fits with a pixel pitch of cc elements. */
static int smallest_fits(struct gen_conv *c, uint64_t cc)
{
	return tile_place(c, 0, 1, cc, 1) || (c->p.kh == 1 && tile_place(c, 1, 1, cc, 1));
}

/* Channel chunks are multiples of gran channels: the GS bank count always
** (chunks start at multiples of B and their pixel pitch is = cin mod B,
** so every chunk-relative offset keeps the bank class the model was pruned
** with: conv_pixel_pitch), the block width of 1xC blocks (blocks stay
** whole), else the lane count (dense records stay within one kernel
** position); for these two, 1 when cin is not a multiple. */
static uint32_t chunk_granule(const struct gen_conv *c, const struct pattern *pat)
{
	uint32_t g = (uint32_t)c->lanes;

	if (pat->kind == PAT_GS)
		return (uint32_t)pat->B;
	if (pat->kind == PAT_BLOCK && pat->bc > 1)
		g = (uint32_t)pat->bc;
	return c->p.cin % g ? 1 : g;
}

/* Pixel pitch of a chunk of cc channels (cin: the whole layer). */
static uint32_t chunk_pitch(const struct gen_conv *c, uint64_t cc)
{
	return conv_pixel_pitch(c->p.cin, (uint32_t)conv_min(cc, c->p.cin), c->banks);
}

static int plan_error(struct gen_conv *c, uint64_t cc, const char *what, struct gs_err *err)
{
	uint64_t in, out, spm = c->base.isa.spm_bytes;
	int seg = c->p.kh == 1, eb = c->base.isa.element_bytes;
	char split[80] = "";

	if (cc < c->p.cin)
		snprintf(split, sizeof(split), " even with the input channels split into chunks of %llu",
			 (unsigned long long)cc);
	tile_bytes(c, seg, 1, chunk_pitch(c, cc), &in, &out);
	if (seg)
		return gs_errf(err, "%s: one output pixel needs %llu bytes of scratchpad%s (input %u columns x %llu channels + %u outputs, %d-byte elements, each aligned to %u) but the scratchpad has %llu bytes",
			       what, (unsigned long long)(gen_align_up(in, GEN_ALIGN) + out), split,
			       c->ekw, (unsigned long long)chunk_pitch(c, cc), c->p.cout, eb, GEN_ALIGN,
			       (unsigned long long)spm);
	return gs_errf(err, "%s: one output row needs %llu bytes of scratchpad%s (input %u padded rows x %u columns x %llu channels + %u x %u outputs, %d-byte elements, each aligned to %u) but the scratchpad has %llu bytes; rows cannot be split because kh > 1",
		       what, (unsigned long long)(gen_align_up(in, GEN_ALIGN) + out), split, c->ekh,
		       c->w_pad, (unsigned long long)chunk_pitch(c, cc), c->w_out, c->p.cout, eb, GEN_ALIGN,
		       (unsigned long long)spm);
}

/* The channel chunks: all channels when the smallest tile fits with them,
** else the fewest chunks (of equal size, multiples of gran, the last one
** possibly smaller) with which it fits. Fit only shrinks with the chunk
** size, so the largest fitting size is found by bisection. */
static int plan_chunks(struct gen_conv *c, const struct pattern *pat, const char *what,
		       struct gs_err *err)
{
	uint64_t units, lo = 0, hi, mid, n;

	c->banks = pat->kind == PAT_GS ? pat->B : 0;
	c->gran = chunk_granule(c, pat);
	c->nck = 1;
	c->cck = c->p.cin;
	c->cpitch = c->p.cin;
	if (smallest_fits(c, c->p.cin))
		return 0;
	units = (c->p.cin + c->gran - 1) / c->gran;
	hi = units;
	while (lo < hi) {
		mid = lo + (hi - lo + 1) / 2;
		if (smallest_fits(c, chunk_pitch(c, mid * c->gran)))
			lo = mid;
		else
			hi = mid - 1;
	}
	if (!lo)
		return plan_error(c, c->gran, what, err);
	n = (units + lo - 1) / lo;	/* fewest chunks of at most lo units */
	c->cck = (uint32_t)((units + n - 1) / n * c->gran);
	c->nck = (c->p.cin + c->cck - 1) / c->cck;
	c->cpitch = chunk_pitch(c, c->cck);
	return 0;
}

/* The tiling rule (docs/kernels-conv.md): row tiles of whole output rows
** when one fits, else (kh == 1 only) segments of one output row; double
** buffering when more than one step is processed and two fit; tiles of
** equal size as far as the count allows. */
int conv_plan(struct gen_conv *c, const struct pattern *pat, const char *what, struct gs_err *err)
{
	uint64_t len, t1, t2, tmax, count, cc;
	int seg = 0;

	if (plan_chunks(c, pat, what, err) < 0)
		return -1;
	cc = c->cpitch;
	len = c->h_out;
	t1 = tile_max(c, 0, len, cc, 1);
	if (!t1) {
		seg = 1;
		len = c->w_out;
		t1 = tile_max(c, 1, len, cc, 1);
	}
	count = (len + t1 - 1) / t1 * (seg ? c->h_out : 1) * c->p.batch * c->nck;
	t2 = count > 1 ? tile_max(c, seg, len, cc, 2) : 0;
	c->nbuf = t2 ? 2 : 1;
	tmax = t2 ? t2 : t1;
	count = (len + tmax - 1) / tmax;
	c->seg = seg;
	c->tile = (uint32_t)((len + count - 1) / count);
	c->segs = seg ? (uint32_t)count : 1;
	c->tiles_img = seg ? count * c->h_out : count;
	c->ntiles = c->tiles_img * c->p.batch;
	c->nsteps = c->ntiles * c->nck;
	tile_place(c, seg, c->tile, cc, c->nbuf);
	return 0;
}

/* ---- the chunks' weights ---- */

/* Element offset of column col of chunk ch from the receptive field base
** in a buffer of padded rows of w_pad pixels of ch->pitch elements
** (gs-patterns.md §2.1 with dilation; the formula the pruner's bank
** classes use too). */
static uint32_t chunk_offset(const void *ctx, uint32_t col)
{
	const struct cin_chunk *ch = ctx;

	return (uint32_t)conv_gather_offset(&ch->c->p, ch->cc, ch->pitch, col);
}

/* The column of chunk ch that original column col becomes, or GS_COL_NONE. */
static uint32_t chunk_col(const struct cin_chunk *ch, uint32_t cin, uint32_t col)
{
	uint32_t ci = col % cin;

	if (col == GS_COL_NONE || ci < ch->start || ci - ch->start >= ch->cc)
		return GS_COL_NONE;
	return col / cin * ch->cc + (ci - ch->start);
}

/* GS buckets of w restricted to the chunk: a bucket with a lane in it
** keeps those lanes (the others masked); rowind is unchanged. */
static int restrict_gs(struct cin_chunk *ch, const struct pruned *w, uint32_t cin)
{
	const struct gs_buckets *g = &w->gs;
	struct gs_buckets *o = &ch->sub.gs;
	uint64_t V = (uint64_t)w->pat.V, j, n = 0, l, lanes;
	uint32_t u;

	o->ngroups = g->ngroups;
	o->ptr = calloc((size_t)g->ngroups + 1, sizeof(uint32_t));
	o->rowind = malloc((size_t)(g->ngroups * V) * sizeof(uint32_t) + 1);
	if (!o->ptr || !o->rowind)
		return -1;
	memcpy(o->rowind, g->rowind, (size_t)(g->ngroups * V) * sizeof(uint32_t));
	for (j = 0; j < g->ptr[g->ngroups]; j++)
		for (l = 0; l < V; l++)
			if (chunk_col(ch, cin, g->col[j * V + l]) != GS_COL_NONE) {
				n++;
				break;
			}
	/* one spare bucket: each is written before it is known to be kept */
	o->col = malloc((size_t)((n + 1) * V) * sizeof(uint32_t));
	o->val = malloc((size_t)((n + 1) * V) * sizeof(float));
	if (!o->col || !o->val)
		return -1;
	for (u = 0, n = 0; u < g->ngroups; u++) {
		for (j = g->ptr[u]; j < g->ptr[u + 1]; j++) {
			for (l = 0, lanes = 0; l < V; l++) {
				uint32_t cc = chunk_col(ch, cin, g->col[j * V + l]);

				o->col[n * V + l] = cc;
				o->val[n * V + l] = cc == GS_COL_NONE ? 0.0f : g->val[j * V + l];
				lanes += cc != GS_COL_NONE;
			}
			n += lanes > 0;
		}
		o->ptr[u + 1] = (uint32_t)n;
	}
	return 0;
}

/* ch->sub = the columns of w whose ci lies in the chunk (csr, and the GS
** buckets for a GS pattern). */
static int chunk_restrict(struct cin_chunk *ch, const struct pruned *w, const struct conv_params *p)
{
	struct pruned *s = &ch->sub;
	uint64_t k, n = 0;
	uint32_t r, col;

	s->pat = w->pat;
	s->rows = w->rows;
	s->cols = p->kh * p->kw * ch->cc;
	s->target_sparsity = w->target_sparsity;
	s->csr.ptr = calloc((size_t)w->rows + 1, sizeof(uint32_t));
	if (!s->csr.ptr)
		return -1;
	for (k = 0; k < w->csr.ptr[w->rows]; k++)
		n += chunk_col(ch, p->cin, w->csr.col[k]) != GS_COL_NONE;
	s->csr.col = malloc((size_t)n * sizeof(uint32_t) + 1);
	s->csr.val = malloc((size_t)n * sizeof(float) + 1);
	if (!s->csr.col || !s->csr.val)
		return -1;
	for (r = 0, n = 0; r < w->rows; r++) {
		for (k = w->csr.ptr[r]; k < w->csr.ptr[r + 1]; k++) {
			col = chunk_col(ch, p->cin, w->csr.col[k]);
			if (col == GS_COL_NONE)
				continue;
			s->csr.col[n] = col;
			s->csr.val[n++] = w->csr.val[k];
		}
		s->csr.ptr[r + 1] = (uint32_t)n;
	}
	s->nnz = n;
	s->sparsity = 1.0 - (double)n / ((double)s->rows * s->cols);
	return w->pat.kind == PAT_GS ? restrict_gs(ch, w, p->cin) : 0;
}

int conv_chunks_init(struct gen_conv *c, const struct pruned *w, int fmt, uint64_t *end,
		     const char *what, struct gs_err *err)
{
	const struct conv_params *p = &c->p;
	uint64_t base = GEN_WEIGHTS_MEM, range;
	struct ws_index_map map;
	uint32_t k;

	if (c->nck > 1 && w->pat.kind == PAT_BLOCK && w->pat.bc > 1 && c->gran == 1)
		return gs_errf(err, "%s: the input channels must be split to fit the scratchpad, but 1x%d blocks straddle kernel positions when cin (%u) is not a multiple of %d",
			       what, w->pat.bc, p->cin, w->pat.bc);
	/* every chunk's indices have the width of the largest chunk's */
	range = conv_gather_offset(p, c->cck, c->cpitch, p->kh * p->kw * c->cck - 1) + 1;
	c->ck = calloc(c->nck, sizeof(*c->ck));
	if (!c->ck)
		return gs_errf(err, "%s: out of memory", what);
	for (k = 0; k < c->nck; k++) {
		struct cin_chunk *ch = &c->ck[k];

		ch->c = c;
		ch->start = k * c->cck;
		ch->cc = (uint32_t)conv_min(c->cck, p->cin - ch->start);
		ch->pitch = chunk_pitch(c, ch->cc);
		ch->w = w;
		if (c->nck > 1) {
			if (chunk_restrict(ch, w, p) < 0)
				return gs_errf(err, "%s: out of memory", what);
			ch->w = &ch->sub;
		}
		map.map = chunk_offset;
		map.ctx = ch;
		map.range = range;
		if (wstream_init(&ch->ws, ch->w, &c->base.isa, fmt, base, &map, err) < 0)
			return gen_err_prefix(err, what);
		base = gen_align_up(base + ch->ws.bytes, 4096);
		if (gen_check_weights(base, err) < 0)
			return gen_err_prefix(err, what);
	}
	*end = base;
	return 0;
}

void conv_chunks_free(struct gen_conv *c)
{
	uint32_t k;

	for (k = 0; c->ck && k < c->nck; k++) {
		wstream_free(&c->ck[k].ws);
		pruned_free(&c->ck[k].sub);
	}
	free(c->ck);
	c->ck = NULL;
}

void conv_mem_read(void *ctx, uint64_t maddr, void *buf, uint32_t n)
{
	const struct gen_conv *c = (const struct gen_conv *)(const void *)
		((const char *)ctx - offsetof(struct gen_conv, base.img));
	uint32_t k;

	mem_image_read(ctx, maddr, buf, n);	/* x; the streams are ours */
	for (k = 0; k < c->nck; k++)
		wstream_read(&c->ck[k].ws, maddr, buf, n);
}

/* ---- steps and the input fill ---- */

void conv_step_of(const struct gen_conv *c, uint64_t s, struct tile_geo *tg)
{
	uint64_t t = s / c->nck, k = t % c->tiles_img;

	tg->tile = t;
	tg->k = (uint32_t)(s % c->nck);
	tg->cs = c->ck[tg->k].start;
	tg->cc = c->ck[tg->k].cc;
	tg->pp = c->ck[tg->k].pitch;
	tg->n = (uint32_t)(t / c->tiles_img);
	tg->inbuf = (unsigned)(s % c->nbuf);
	tg->outbuf = (unsigned)(t % c->nbuf);
	if (c->seg) {
		tg->oh0 = (uint32_t)(k / c->segs);
		tg->th = 1;
		tg->ow0 = (uint32_t)(k % c->segs) * c->tile;
		tg->tw = (uint32_t)conv_min(c->tile, c->w_out - tg->ow0);
		tg->nrows = 1;
		tg->c0 = tg->ow0 * c->p.stride_w;
		tg->pitch = ((uint64_t)(tg->tw - 1) * c->p.stride_w + c->ekw) * tg->pp;
	} else {
		tg->oh0 = (uint32_t)k * c->tile;
		tg->th = (uint32_t)conv_min(c->tile, c->h_out - tg->oh0);
		tg->ow0 = 0;
		tg->tw = c->w_out;
		tg->nrows = (tg->th - 1) * c->p.stride_h + c->ekh;
		tg->c0 = 0;
		tg->pitch = (uint64_t)c->w_pad * tg->pp;
	}
	tg->pr0 = tg->oh0 * c->p.stride_h;
	tg->in_spm = c->in_spm[tg->inbuf];
	tg->out_spm = c->out_spm[tg->outbuf];
}

/* The part of buffer row i that holds input data: elements [*lo, *hi) of
** the buffer, its first pixel read from main memory at *src. 0 when the
** row is padding. */
static int row_data(const struct gen_conv *c, const struct tile_geo *tg, uint32_t i,
		    uint64_t *lo, uint64_t *hi, uint64_t *src)
{
	const struct conv_params *p = &c->p;
	uint64_t pr = (uint64_t)tg->pr0 + i, cols = tg->pitch / tg->pp;
	uint64_t a = tg->c0 > p->pad_w ? tg->c0 : p->pad_w;
	uint64_t b = conv_min(tg->c0 + cols, (uint64_t)p->pad_w + p->w_in);

	if (pr < p->pad_h || pr >= (uint64_t)p->pad_h + p->h_in || a >= b)
		return 0;
	*lo = i * tg->pitch + (a - tg->c0) * tg->pp;
	*hi = i * tg->pitch + (b - tg->c0) * tg->pp;
	*src = GEN_X_MEM + ((((uint64_t)tg->n * p->h_in + (pr - p->pad_h)) * p->w_in +
			     (a - p->pad_w)) * p->cin + tg->cs) * c->eb;
	return 1;
}

/* The buffer of step s was last filled by step s - nbuf: when that was the
** same tile with as many channels, its padding zeros are still in place. */
void conv_fill_begin(struct gen_conv *c, uint64_t s, int ret)
{
	conv_step_of(c, s, &c->ft);
	c->fill_zero = !(s >= c->nbuf && (s - c->nbuf) / c->nck == c->ft.tile &&
			 c->ck[(s - c->nbuf) % c->nck].cc == c->ft.cc);
	c->frow = 0;
	c->fpix = 0;
	c->fill_ret = ret;
	c->stage = ST_FILL_DMA;
}

/* Per data pixel: one dma.in of its cc channels (a split pixel is not
** contiguous with the next in main memory), pp apart in the buffer; the
** pp - cc elements after each are never gathered. */
static void fill_pixels(struct gen_conv *c, uint64_t lo, uint64_t hi, uint64_t src)
{
	const struct tile_geo *tg = &c->ft;
	uint64_t npix = (hi - lo) / tg->pp;
	int k;

	for (k = 0; k < DMA_PER_REFILL && c->fpix < npix; k++, c->fpix++)
		emit_dma_in(&c->base, CONV_TAG_IN + tg->inbuf, tg->in_spm + (lo + c->fpix * tg->pp) * c->eb,
			    src + c->fpix * c->p.cin * c->eb, (uint32_t)(tg->cc * c->eb));
	if (c->fpix == npix) {
		c->fpix = 0;
		c->frow++;
	}
}

/* One dma.in per contiguous run of data rows (all channels), or per pixel. */
void conv_fill_dma_step(struct gen_conv *c)
{
	const struct tile_geo *tg = &c->ft;
	uint64_t lo, hi, src, lo2, hi2, src2;
	uint32_t j;

	if (c->frow == tg->nrows) {
		c->frow = 0;
		c->fz = 0;
		c->stage = c->fill_zero ? ST_FILL_ZERO : c->fill_ret;
		return;
	}
	if (!row_data(c, tg, c->frow, &lo, &hi, &src)) {
		c->frow++;
		return;
	}
	if (tg->cc < c->p.cin) {
		fill_pixels(c, lo, hi, src);
		return;
	}
	for (j = c->frow + 1; j < tg->nrows && row_data(c, tg, j, &lo2, &hi2, &src2) &&
			      lo2 == hi && src2 == src + (hi - lo) * c->eb &&
			      (hi2 - lo) * c->eb <= UINT32_MAX; j++)
		hi = hi2;
	emit_dma_in(&c->base, CONV_TAG_IN + tg->inbuf, tg->in_spm + lo * c->eb, src,
		    (uint32_t)((hi - lo) * c->eb));
	c->frow = j;
}

/* Zero everything of the buffer that no DMA writes (padding). */
void conv_fill_zero_step(struct gen_conv *c)
{
	const struct tile_geo *tg = &c->ft;
	uint64_t lo, hi, src;

	if (c->frow == tg->nrows) {
		c->zcur = tg->in_spm + c->fz * c->eb;
		c->zend = tg->in_spm + tg->nrows * tg->pitch * c->eb;
		c->stage = c->fill_ret;
		return;
	}
	if (row_data(c, tg, c->frow, &lo, &hi, &src)) {
		c->zcur = tg->in_spm + c->fz * c->eb;
		c->zend = tg->in_spm + lo * c->eb;
		c->fz = hi;
	}
	c->frow++;
}

void conv_zero_some(struct gen_conv *c)
{
	uint64_t vec = (uint64_t)c->lanes * c->eb;
	int k;

	for (k = 0; k < ZERO_STORES_PER_REFILL && c->zcur < c->zend; k++) {
		uint64_t n = (c->zend - c->zcur) / c->eb;

		emit_spm_store_n(&c->base, c->r_zero, c->zcur, n >= (uint64_t)c->lanes ? c->lanes : (int)n);
		c->zcur = n >= (uint64_t)c->lanes ? c->zcur + vec : c->zend;
	}
}
