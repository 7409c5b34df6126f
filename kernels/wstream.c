/*
** wstream.c: the main-memory image of a pruned matrix's weight stream in
** each format (gen_common.h, layouts in docs/kernels.md), computed on
** demand from struct pruned: nothing but a per-unit record count array is
** stored, so a layer of any size costs O(rows) memory.
*/
#include <stdlib.h>
#include <string.h>

#include "funcsim.h"
#include "gen_common.h"

/* ---- weight streams: structure ---- */

static uint32_t row_nnz(const struct pruned *w, uint32_t r)
{
	return w->csr.ptr[r + 1] - w->csr.ptr[r];
}

static uint32_t dense_chunks(const struct wstream *ws)
{
	return (ws->w->cols + (uint32_t)ws->V - 1) / (uint32_t)ws->V;
}

/* Records per unit of the formats that keep a uptr array. */
static int unit_records(const struct wstream *ws, uint32_t u, uint64_t *n, struct gs_err *err)
{
	const struct pruned *w = ws->w;
	uint32_t r, r0, r1, k, m = 0;

	switch (ws->fmt) {
	case WS_ELL_V:
		r1 = (u + 1) * (uint32_t)ws->V < w->rows ? (u + 1) * (uint32_t)ws->V : w->rows;
		for (r = u * (uint32_t)ws->V; r < r1; r++)
			m = row_nnz(w, r) > m ? row_nnz(w, r) : m;
		*n = m;
		return 0;
	case WS_ROWS_H:
		*n = (row_nnz(w, u) + (uint32_t)ws->V - 1) / (uint32_t)ws->V;
		return 0;
	default:	/* WS_BSR: check the csr holds whole blocks */
		break;
	}
	if (ws->bc == 1) {
		r0 = u * ws->br;
		r1 = r0 + ws->br < w->rows ? r0 + ws->br : w->rows;
		for (r = r0 + 1; r < r1; r++) {
			if (row_nnz(w, r) != row_nnz(w, r0) ||
			    memcmp(w->csr.col + w->csr.ptr[r], w->csr.col + w->csr.ptr[r0],
				   row_nnz(w, r0) * sizeof(uint32_t)))
				return gs_errf(err, "block %ux1: rows %u and %u of block row %u keep different columns (not whole blocks)",
					       ws->br, r0, r, u);
		}
		*n = row_nnz(w, r0);
		return 0;
	}
	for (k = w->csr.ptr[u]; k < w->csr.ptr[u + 1]; m++) {
		uint32_t c0 = w->csr.col[k], len = w->cols - c0 < ws->bc ? w->cols - c0 : ws->bc, i;

		for (i = 0; i < len; i++)
			if (c0 % ws->bc || k + i >= w->csr.ptr[u + 1] || w->csr.col[k + i] != c0 + i)
				return gs_errf(err, "block 1x%u: row %u column %u does not start a whole block",
					       ws->bc, u, c0);
		k += len;
	}
	*n = m;
	return 0;
}

static int check_format(struct wstream *ws, const struct isa *isa, struct gs_err *err)
{
	const struct pruned *w = ws->w;
	const struct pattern *p = &w->pat;
	uint32_t r, r_per_group;

	switch (ws->fmt) {
	case WS_DENSE:
		for (r = 0; r < w->rows; r++)
			if (row_nnz(w, r) != w->cols)
				return gs_errf(err, "dense: row %u keeps %u of %u columns", r,
					       row_nnz(w, r), w->cols);
		ws->nunits = w->rows;
		return 0;
	case WS_GS:
		if (p->kind != PAT_GS)
			return gs_errf(err, "GS stream of a matrix without GS buckets");
		if (gen_pattern_fits(p, isa->lanes, err))
			return -1;
		r_per_group = (uint32_t)(p->V / p->h);
		if (w->gs.ngroups != (w->rows + r_per_group - 1) / r_per_group)
			return gs_errf(err, "GS buckets: %u groups for %u rows of %u", w->gs.ngroups,
				       w->rows, r_per_group);
		ws->nunits = w->gs.ngroups;
		return 0;
	case WS_ELL_V:
		ws->nunits = (w->rows + (uint32_t)ws->V - 1) / (uint32_t)ws->V;
		return 0;
	case WS_ROWS_H:
		ws->nunits = w->rows;
		return 0;
	case WS_BSR:
		if (p->kind != PAT_BLOCK || p->br < 1 || p->bc < 1)
			return gs_errf(err, "block stream of a matrix without a block pattern");
		if (gen_pattern_fits(p, isa->lanes, err))
			return -1;
		ws->br = (uint32_t)p->br;
		ws->bc = (uint32_t)p->bc;
		ws->nunits = ws->bc == 1 ? (w->rows + ws->br - 1) / ws->br : w->rows;
		return 0;
	default:
		return gs_errf(err, "unknown weight stream format %d", ws->fmt);
	}
}

int wstream_init(struct wstream *ws, const struct pruned *w, const struct isa *isa, int fmt,
		 uint64_t base, const struct ws_index_map *map, struct gs_err *err)
{
	uint64_t off, n = 0, total = 0;
	uint32_t u;

	memset(ws, 0, sizeof(*ws));
	ws->w = w;
	ws->fmt = fmt;
	ws->V = isa->lanes;
	ws->eb = isa->element_bytes;
	ws->base = base;
	if (map) {
		ws->map = *map;
	} else {
		ws->map.range = w->cols;
	}
	ws->ib = ws->map.range <= 65536 ? 2 : 4;
	ws->rb = w->rows <= 65536 ? 2 : 4;
	if (check_format(ws, isa, err) < 0)
		return -1;
	if (fmt == WS_DENSE) {
		total = (uint64_t)ws->nunits * dense_chunks(ws);
	} else if (fmt == WS_GS) {
		total = w->gs.ptr[ws->nunits];
	} else {
		ws->uptr = malloc(((size_t)ws->nunits + 1) * sizeof(uint32_t));
		if (!ws->uptr)
			return gs_errf(err, "out of memory");
		ws->uptr[0] = 0;
		for (u = 0; u < ws->nunits; u++) {
			if (unit_records(ws, u, &n, err) < 0)
				goto fail;
			total += n;
			if (total > UINT32_MAX) {
				gs_errf(err, "weight stream: more than 2^32 records");
				goto fail;
			}
			ws->uptr[u + 1] = (uint32_t)total;
		}
	}
	ws->nrecs = total;
	off = (uint64_t)ws->V * (uint64_t)ws->eb;	/* the zero vector at offset 0 */
	ws->val_off = off = gen_align_up(off, GEN_ALIGN);
	if (fmt == WS_DENSE) {
		off += (uint64_t)w->rows * w->cols * (uint64_t)ws->eb;
	} else if (fmt == WS_BSR) {
		off += total * ws->br * ws->bc * (uint64_t)ws->eb;
		ws->idx_off = off = gen_align_up(off, GEN_ALIGN);
		off += total * (uint64_t)ws->ib;
	} else {
		off += total * (uint64_t)ws->V * (uint64_t)(ws->eb + ws->ib);
		ws->idx_off = ws->val_off + (uint64_t)ws->V * (uint64_t)ws->eb;
	}
	if (fmt != WS_DENSE) {
		ws->ptr_off = off = gen_align_up(off, GEN_ALIGN);
		off += ((uint64_t)ws->nunits + 1) * 4;
	}
	if (fmt == WS_GS) {
		ws->rowind_off = off = gen_align_up(off, GEN_ALIGN);
		off += (uint64_t)ws->nunits * (uint64_t)ws->V * (uint64_t)ws->rb;
	}
	ws->bytes = gen_align_up(off, GEN_ALIGN);
	return 0;
fail:
	wstream_free(ws);
	return -1;
}

void wstream_free(struct wstream *ws)
{
	free(ws->uptr);
	ws->uptr = NULL;
}

uint32_t ws_unit_first(const struct wstream *ws, uint32_t unit)
{
	if (ws->fmt == WS_DENSE)
		return unit * dense_chunks(ws);
	if (ws->fmt == WS_GS)
		return ws->w->gs.ptr[unit];
	return ws->uptr[unit];
}

uint32_t ws_unit_count(const struct wstream *ws, uint32_t unit)
{
	return ws_unit_first(ws, unit + 1) - ws_unit_first(ws, unit);
}

uint64_t ws_zero_addr(const struct wstream *ws)
{
	return ws->base + ws->zero_off;
}

uint64_t ws_val_addr(const struct wstream *ws, uint64_t rec)
{
	uint64_t nch;

	switch (ws->fmt) {
	case WS_DENSE:
		nch = dense_chunks(ws);
		return ws->base + ws->val_off +
		       ((rec / nch) * ws->w->cols + (rec % nch) * (uint64_t)ws->V) * (uint64_t)ws->eb;
	case WS_BSR:
		return ws->base + ws->val_off + rec * ws->br * ws->bc * (uint64_t)ws->eb;
	default:
		return ws->base + ws->val_off + rec * (uint64_t)ws->V * (uint64_t)(ws->eb + ws->ib);
	}
}

uint64_t ws_idx_addr(const struct wstream *ws, uint64_t rec)
{
	if (ws->fmt == WS_BSR)
		return ws->base + ws->idx_off + rec * (uint64_t)ws->ib;
	return ws_val_addr(ws, rec) + (uint64_t)ws->V * (uint64_t)ws->eb;
}

uint64_t ws_rowind_addr(const struct wstream *ws, uint32_t group)
{
	return ws->base + ws->rowind_off + (uint64_t)group * (uint64_t)ws->V * (uint64_t)ws->rb;
}

uint32_t ws_val_bytes(const struct wstream *ws, uint64_t rec)
{
	uint64_t c0;

	if (ws->fmt == WS_BSR)
		return ws->br * ws->bc * (uint32_t)ws->eb;
	if (ws->fmt == WS_DENSE) {
		c0 = (rec % dense_chunks(ws)) * (uint64_t)ws->V;
		return (uint32_t)((ws->w->cols - c0 < (uint64_t)ws->V ? ws->w->cols - c0 :
					(uint64_t)ws->V) * (uint64_t)ws->eb);
	}
	return (uint32_t)(ws->V * ws->eb);
}

uint32_t ws_index(const struct wstream *ws, uint32_t col)
{
	return ws->map.map ? ws->map.map(ws->map.ctx, col) : col;
}

void ws_lane(const struct wstream *ws, uint32_t unit, uint64_t rec, int lane,
	     uint32_t *col, float *val)
{
	const struct pruned *w = ws->w;
	uint64_t i = rec - ws_unit_first(ws, unit), k = UINT64_MAX;
	uint32_t r, l = (uint32_t)lane;

	*col = GS_COL_NONE;
	*val = 0.0f;
	switch (ws->fmt) {
	case WS_GS:
		*col = w->gs.col[rec * (uint64_t)ws->V + l];
		if (*col != GS_COL_NONE)
			*val = w->gs.val[rec * (uint64_t)ws->V + l];
		return;
	case WS_DENSE:
		if (i * (uint64_t)ws->V + l < w->cols)
			k = w->csr.ptr[unit] + i * (uint64_t)ws->V + l;
		break;
	case WS_ELL_V:
		r = unit * (uint32_t)ws->V + l;
		if (r < w->rows && i < row_nnz(w, r))
			k = w->csr.ptr[r] + i;
		break;
	case WS_ROWS_H:
		if (i * (uint64_t)ws->V + l < row_nnz(w, unit))
			k = w->csr.ptr[unit] + i * (uint64_t)ws->V + l;
		break;
	default:	/* WS_BSR */
		if (ws->bc == 1) {
			r = unit * ws->br + l;
			if (l < ws->br && r < w->rows)
				k = w->csr.ptr[r] + i;
		} else {
			uint64_t p = w->csr.ptr[unit] + i * ws->bc;

			if (l < ws->bc && p + l < w->csr.ptr[unit + 1] &&
			    w->csr.col[p + l] == w->csr.col[p] + l)
				k = p + l;
		}
		break;
	}
	if (k != UINT64_MAX) {
		*col = w->csr.col[k];
		*val = w->csr.val[k];
	}
}

uint32_t ws_lane_row(const struct wstream *ws, uint32_t unit, int lane)
{
	uint32_t r;

	switch (ws->fmt) {
	case WS_GS:
		return ws->w->gs.rowind[(uint64_t)unit * (uint64_t)ws->V + (uint32_t)lane];
	case WS_ELL_V:
		r = unit * (uint32_t)ws->V + (uint32_t)lane;
		return r < ws->w->rows ? r : UINT32_MAX;
	case WS_BSR:
		if (ws->bc != 1)
			return unit;
		r = unit * ws->br + (uint32_t)lane;
		return (uint32_t)lane < ws->br && r < ws->w->rows ? r : UINT32_MAX;
	default:
		return unit;
	}
}

int ws_vertical(const struct wstream *ws)
{
	switch (ws->fmt) {
	case WS_GS:
		return ws->w->pat.h < ws->V;
	case WS_ELL_V:
		return 1;
	case WS_BSR:
		return ws->bc == 1;
	default:
		return 0;
	}
}

/* ---- weight streams: bytes ---- */

enum ws_section { SEC_RECORDS, SEC_DENSE, SEC_BSR_VAL, SEC_BSR_IDX, SEC_PTR, SEC_ROWIND };

struct unit_hint {
	uint32_t unit;
};

/* The unit holding record rec: the hint, its successor, or a binary search. */
static uint32_t unit_of(const struct wstream *ws, uint64_t rec, struct unit_hint *h)
{
	uint32_t lo = 0, hi = ws->nunits;
	int i;

	/* sequential reads: step forward a few (possibly empty) units */
	if (h->unit < ws->nunits && ws_unit_first(ws, h->unit) <= rec) {
		for (i = 0; i < 8 && h->unit + 1 < ws->nunits &&
			    ws_unit_first(ws, h->unit + 1) <= rec; i++)
			h->unit++;
		if (rec < ws_unit_first(ws, h->unit + 1))
			return h->unit;
	}
	while (hi - lo > 1) {	/* last unit whose first record <= rec */
		uint32_t mid = lo + (hi - lo) / 2;

		if (ws_unit_first(ws, mid) <= rec)
			lo = mid;
		else
			hi = mid;
	}
	h->unit = lo;
	return lo;
}

static void put_uint(unsigned char *p, uint64_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Encode item k of a section into out. */
static void encode_item(const struct wstream *ws, int sec, uint64_t k, unsigned char *out,
			struct unit_hint *h)
{
	const struct pruned *w = ws->w;
	uint32_t col, u;
	float v;
	int l, nl;

	switch (sec) {
	case SEC_DENSE:
		elem_encode(ws->eb, w->csr.val[w->csr.ptr[k / w->cols] + k % w->cols], out);
		return;
	case SEC_PTR:
		put_uint(out, ws_unit_first(ws, (uint32_t)k), 4);
		return;
	case SEC_ROWIND:
		col = w->gs.rowind[k];
		put_uint(out, col == UINT32_MAX ? 0 : col, ws->rb);
		return;
	default:
		break;
	}
	u = unit_of(ws, k, h);
	nl = sec == SEC_RECORDS ? ws->V : (int)(ws->br * ws->bc);
	for (l = 0; l < nl; l++) {
		ws_lane(ws, u, k, l, &col, &v);
		if (sec == SEC_BSR_IDX) {
			put_uint(out, ws_index(ws, col), ws->ib);	/* lane 0: first column */
			return;
		}
		elem_encode(ws->eb, v, out + l * ws->eb);
		if (sec == SEC_RECORDS)
			put_uint(out + ws->V * ws->eb + l * ws->ib,
				 col == GS_COL_NONE ? 0 : ws_index(ws, col), ws->ib);
	}
}

static void fill_section(const struct wstream *ws, int sec, uint64_t off, uint64_t nitems,
			 uint32_t isz, uint64_t maddr, unsigned char *buf, uint32_t n)
{
	uint64_t s = ws->base + off, lo = maddr > s ? maddr : s, hi = maddr + n, k;
	unsigned char tmp[GS_MAX_LANES * 12];
	struct unit_hint h = { 0 };

	if (s + nitems * isz < hi)
		hi = s + nitems * isz;
	for (k = lo >= hi ? nitems : (lo - s) / isz; k < nitems && s + k * isz < hi; k++) {
		uint64_t a = s + k * isz, from = a > lo ? a : lo, to = a + isz < hi ? a + isz : hi;

		encode_item(ws, sec, k, tmp, &h);
		memcpy(buf + (from - maddr), tmp + (from - a), (size_t)(to - from));
	}
}

void wstream_read(const struct wstream *ws, uint64_t maddr, void *buf, uint32_t n)
{
	uint64_t lo = maddr > ws->base ? maddr : ws->base, hi = maddr + n;
	unsigned char *b = buf;

	if (hi > ws->base + ws->bytes)
		hi = ws->base + ws->bytes;
	if (lo >= hi)
		return;
	memset(b + (lo - maddr), 0, (size_t)(hi - lo));	/* zero vector, padding */
	switch (ws->fmt) {
	case WS_DENSE:
		fill_section(ws, SEC_DENSE, ws->val_off, (uint64_t)ws->w->rows * ws->w->cols,
			     (uint32_t)ws->eb, maddr, b, n);
		return;
	case WS_BSR:
		fill_section(ws, SEC_BSR_VAL, ws->val_off, ws->nrecs,
			     ws->br * ws->bc * (uint32_t)ws->eb, maddr, b, n);
		fill_section(ws, SEC_BSR_IDX, ws->idx_off, ws->nrecs, (uint32_t)ws->ib, maddr, b, n);
		break;
	default:
		fill_section(ws, SEC_RECORDS, ws->val_off, ws->nrecs,
			     (uint32_t)(ws->V * (ws->eb + ws->ib)), maddr, b, n);
		break;
	}
	fill_section(ws, SEC_PTR, ws->ptr_off, (uint64_t)ws->nunits + 1, 4, maddr, b, n);
	if (ws->fmt == WS_GS)
		fill_section(ws, SEC_ROWIND, ws->rowind_off, (uint64_t)ws->nunits * (uint64_t)ws->V,
			     (uint32_t)ws->rb, maddr, b, n);
}
