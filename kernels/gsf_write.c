/*
** gsf_write.c: gsf_write (see gsf.h). The pruned matrix is validated whole
** before the file is opened, then header, sections and the CRC-32 are
** streamed out; an I/O failure removes the partial file.
*/
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gsf_int.h"

struct wout {
	FILE *f;
	struct gsf_crc crc;
	size_t n;
	int failed;
	unsigned char buf[1 << 14];
};

static void w_flush(struct wout *w)
{
	if (w->n && fwrite(w->buf, 1, w->n, w->f) != w->n)
		w->failed = 1;
	w->n = 0;
}

static void w_bytes(struct wout *w, const void *p, size_t n)
{
	const unsigned char *s = p;

	gsf_crc_add(&w->crc, p, n);
	while (n) {
		size_t k = sizeof(w->buf) - w->n;

		k = k < n ? k : n;
		memcpy(w->buf + w->n, s, k);
		w->n += k;
		s += k;
		n -= k;
		if (w->n == sizeof(w->buf))
			w_flush(w);
	}
}

static void put_le(unsigned char *b, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

static void w_le(struct wout *w, uint64_t v, int bytes)
{
	unsigned char b[8];

	put_le(b, v, bytes);
	w_bytes(w, b, (size_t)bytes);
}

static void w_val(struct wout *w, float v, int vb)
{
	uint32_t x;

	if (vb == 2) {
		w_le(w, fp16_from_float(v), 2);
	} else {
		memcpy(&x, &v, sizeof(x));
		w_le(w, x, 4);
	}
}

static void put_f64(unsigned char *b, double d)
{
	uint64_t x;

	memcpy(&x, &d, sizeof(x));
	put_le(b, x, 8);
}

__attribute__((format(printf, 3, 4)))
static int bad(struct gs_err *err, const char *path, const char *fmt, ...)
{
	char msg[GS_ERR_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return gs_errf(err, "%s: cannot write: %s", path, msg);
}

static int value_ok(float v, int vb)
{
	if (!isfinite(v))
		return 0;
	return vb == 4 || (fp16_from_float(v) & 0x7c00u) != 0x7c00u;
}

/* Shape, csr and the recorded facts, for every pattern. */
static int check_common(const char *path, const struct pruned *p, int vb, struct gs_err *err)
{
	const struct csr *c = &p->csr;
	struct gs_err sub;

	if (pattern_check(&p->pat, &sub))
		return bad(err, path, "%s", sub.msg);
	if (p->rows < 1 || p->cols < 1)
		return bad(err, path, "empty matrix (%u x %u)", p->rows, p->cols);
	if (!c->ptr || c->ptr[0] != 0)
		return bad(err, path, "csr row pointers missing or not starting at 0");
	if (c->ptr[p->rows] != p->nnz)
		return bad(err, path, "csr holds %u entries but nnz is %llu", c->ptr[p->rows],
			   (unsigned long long)p->nnz);
	if (p->nnz && (!c->col || !c->val))
		return bad(err, path, "csr columns or values missing");
	for (uint32_t i = 0; i < p->rows; i++) {
		if (c->ptr[i + 1] < c->ptr[i])
			return bad(err, path, "csr row pointer %u decreases", i + 1);
		for (uint32_t k = c->ptr[i]; k < c->ptr[i + 1]; k++) {
			if (c->col[k] >= p->cols || (k > c->ptr[i] && c->col[k] <= c->col[k - 1]))
				return bad(err, path, "row %u: column %u out of range or not ascending",
					   i, c->col[k]);
			if (!value_ok(c->val[k], vb))
				return bad(err, path, "row %u column %u: value %g is not finite%s", i,
					   c->col[k], (double)c->val[k], vb == 2 ? " in fp16" : "");
		}
	}
	if (!(p->target_sparsity >= 0 && p->target_sparsity <= 1) ||
	    !(p->sparsity >= 0 && p->sparsity <= 1))
		return bad(err, path, "sparsity (target %g, achieved %g) outside [0, 1]",
			   p->target_sparsity, p->sparsity);
	if (!(p->abs_kept >= 0 && isfinite(p->abs_kept)) || !(p->sq_kept >= 0 && isfinite(p->sq_kept)))
		return bad(err, path, "quality proxy (%g, %g) not a finite number >= 0",
			   p->abs_kept, p->sq_kept);
	if (p->pat.kind == PAT_DENSE && p->nnz != (uint64_t)p->rows * p->cols)
		return bad(err, path, "dense pattern with %llu of %llu entries",
			   (unsigned long long)p->nnz, (unsigned long long)p->rows * p->cols);
	if (p->pat.kind == PAT_NM) {
		int64_t k = gsf_nm_violation(p);

		if (k >= 0)
			return bad(err, path, "column %u: more than %d kept in a run of %d columns",
				   c->col[k], p->pat.n, p->pat.m);
	}
	return 0;
}

/* GS buckets: shape, masked lanes exactly on padding lanes, and holding
** exactly the csr's entries. */
static int check_gs(const char *path, const struct pruned *p, struct gs_err *err)
{
	const struct gs_buckets *gs = &p->gs;
	uint64_t V = (uint64_t)p->pat.V, dup = 0;
	uint32_t dup_row = 0;
	struct csr c;
	int rc;

	if (!gs->ptr || !gs->rowind || gs->ngroups != gsf_outer_of(&p->pat, p->rows))
		return bad(err, path, "GS buckets missing or not %llu groups",
			   (unsigned long long)gsf_outer_of(&p->pat, p->rows));
	if (gs->ptr[0] != 0)
		return bad(err, path, "GS bucket pointers do not start at 0");
	for (uint32_t g = 0; g < gs->ngroups; g++)
		if (gs->ptr[g + 1] < gs->ptr[g])
			return bad(err, path, "GS bucket pointer %u decreases", g + 1);
	if (gs->ptr[gs->ngroups] && (!gs->val || !gs->col))
		return bad(err, path, "GS bucket values or columns missing");
	for (uint32_t g = 0; g < gs->ngroups; g++)
		for (uint64_t l = 0; l < V; l++) {
			uint32_t row = gs->rowind[g * V + l];

			if (row != UINT32_MAX && row >= p->rows)
				return bad(err, path, "group %u lane %llu: row %u out of range", g,
					   (unsigned long long)l, row);
			for (uint64_t j = gs->ptr[g]; j < gs->ptr[g + 1]; j++) {
				uint32_t col = gs->col[j * V + l];

				if (row == UINT32_MAX && (col != GS_COL_NONE || gs->val[j * V + l] != 0))
					return bad(err, path, "bucket %llu lane %llu: padding lane not masked",
						   (unsigned long long)j, (unsigned long long)l);
				if (row != UINT32_MAX && col >= p->cols)
					return bad(err, path, "bucket %llu lane %llu: column %u on row %u (masked "
						   "lanes are only allowed on padding lanes)",
						   (unsigned long long)j, (unsigned long long)l, col, row);
			}
		}
	rc = gsf_gs_to_csr(p, &c, &dup, &dup_row);
	if (rc == -2)
		return bad(err, path, "out of memory");
	if (rc == -1)
		return bad(err, path, "GS buckets hold row %u column %u twice", dup_row,
			   gs->col[dup]);
	for (uint32_t i = 0; i < p->rows && !rc; i++) {
		uint32_t a = p->csr.ptr[i];

		if (c.ptr[i + 1] != p->csr.ptr[i + 1])
			rc = 1;
		for (uint32_t k = a; k < c.ptr[i + 1] && !rc; k++)
			if (c.col[k] != p->csr.col[k] || c.val[k] != p->csr.val[k])
				rc = 1;
		if (rc)
			bad(err, path, "GS buckets do not hold the csr's entries (first difference "
			    "in row %u)", i);
	}
	free(c.ptr);
	free(c.col);
	free(c.val);
	return rc ? -1 : 0;
}

/* The BSR of a block-pattern csr: kept blocks per block row, block columns
** ascending. Blocks tile the matrix from (0, 0); a kept block must hold all
** of its entries inside the matrix (the pruner keeps blocks whole). */
struct bsr {
	uint64_t nbr, nbc;
	uint32_t *ptr;		/* nbr + 1 */
	uint32_t *bcol;		/* one per kept block */
};

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int bsr_plan(const char *path, const struct pruned *p, struct bsr *b, struct gs_err *err)
{
	uint32_t br = (uint32_t)p->pat.br, bc = (uint32_t)p->pat.bc, *stamp, *cnt;
	uint32_t nblk = 0;
	int rc = 0;

	b->nbr = ((uint64_t)p->rows + br - 1) / br;
	b->nbc = ((uint64_t)p->cols + bc - 1) / bc;
	b->ptr = calloc(b->nbr + 1, sizeof(uint32_t));
	b->bcol = malloc((p->nnz ? p->nnz : 1) * sizeof(uint32_t));
	stamp = calloc(b->nbc, sizeof(uint32_t));
	cnt = calloc(b->nbc, sizeof(uint32_t));
	if (!b->ptr || !b->bcol || !stamp || !cnt)
		rc = bad(err, path, "out of memory");
	for (uint64_t bi = 0; bi < b->nbr && !rc; bi++) {
		uint64_t r0 = bi * br, r1 = r0 + br < p->rows ? r0 + br : p->rows;
		uint32_t start = nblk;

		for (uint64_t i = r0; i < r1; i++)
			for (uint32_t k = p->csr.ptr[i]; k < p->csr.ptr[i + 1]; k++) {
				uint32_t bj = p->csr.col[k] / bc;

				if (stamp[bj] != bi + 1) {
					stamp[bj] = (uint32_t)(bi + 1);
					cnt[bj] = 0;
					b->bcol[nblk++] = bj;
				}
				cnt[bj]++;
			}
		qsort(b->bcol + start, nblk - start, sizeof(uint32_t), u32_cmp);
		for (uint32_t t = start; t < nblk && !rc; t++) {
			uint64_t bj = b->bcol[t], c0 = bj * bc;
			uint64_t w = c0 + bc < p->cols ? bc : p->cols - c0;

			if (cnt[bj] != (r1 - r0) * w)
				rc = bad(err, path, "block (%llu, %llu) at row %llu column %llu is partly "
					 "kept (%u of %llu entries): block patterns keep whole blocks",
					 (unsigned long long)bi, (unsigned long long)bj,
					 (unsigned long long)r0, (unsigned long long)c0, cnt[bj],
					 (unsigned long long)((r1 - r0) * w));
		}
		b->ptr[bi + 1] = nblk;
	}
	free(stamp);
	free(cnt);
	return rc;
}

/* The kept blocks, br x bc values each, row-major; positions outside the
** matrix are 0. Row i's csr is its block row's kept blocks side by side
** (blocks are whole), so each block takes the next w entries of each row. */
static void write_bsr_values(struct wout *w, const struct pruned *p, const struct bsr *b,
			     int vb, uint32_t *cur)
{
	uint64_t br = (uint64_t)p->pat.br, bc = (uint64_t)p->pat.bc;

	for (uint64_t bi = 0; bi < b->nbr; bi++) {
		uint64_t r0 = bi * br, nr = r0 + br < p->rows ? br : p->rows - r0;

		for (uint64_t r = 0; r < nr; r++)
			cur[r] = p->csr.ptr[r0 + r];
		for (uint32_t t = b->ptr[bi]; t < b->ptr[bi + 1]; t++) {
			uint64_t c0 = (uint64_t)b->bcol[t] * bc, wd = c0 + bc < p->cols ? bc : p->cols - c0;

			for (uint64_t r = 0; r < br; r++) {
				for (uint64_t c = 0; c < bc; c++)
					w_val(w, r < nr && c < wd ? p->csr.val[cur[r] + c] : 0.0f, vb);
				if (r < nr)
					cur[r] += (uint32_t)wd;
			}
		}
	}
}

static int mul_ok(uint64_t a, uint64_t b, uint64_t *out)
{
	if (b && a > UINT64_MAX / b)
		return 0;
	*out = a * b;
	return 1;
}

static void make_header(unsigned char *h, const struct pruned *p, const struct gsf_layout *L,
			const struct gsf_geometry *g)
{
	const struct pattern *pat = &p->pat;
	uint32_t pa = 0, pb = 0, pc = 0;

	memset(h, 0, GSF_HDR);
	memcpy(h + H_MAGIC, "GSF", 4);
	put_le(h + H_VERSION, GSF_VERSION, 2);
	put_le(h + H_HDRSIZE, GSF_HDR, 2);
	h[H_KIND] = (unsigned char)pat->kind;
	if (pat->kind == PAT_GS) {
		h[H_FLAGS] = (unsigned char)((pat->nonuniform ? GSF_FLAG_NONUNIFORM : 0) |
					     (pat->exact ? GSF_FLAG_EXACT : 0));
		pa = (uint32_t)pat->V;
		pb = (uint32_t)pat->h;
		pc = (uint32_t)pat->B;
	} else if (pat->kind == PAT_BLOCK) {
		pa = (uint32_t)pat->br;
		pb = (uint32_t)pat->bc;
	} else if (pat->kind == PAT_NM) {
		pa = (uint32_t)pat->n;
		pb = (uint32_t)pat->m;
	}
	h[H_VBYTES] = (unsigned char)L->vb;
	h[H_IBYTES] = (unsigned char)L->ib;
	h[H_RBYTES] = (unsigned char)L->rb;
	put_le(h + H_PA, pa, 4);
	put_le(h + H_PB, pb, 4);
	put_le(h + H_PC, pc, 4);
	put_le(h + H_ROWS, p->rows, 4);
	put_le(h + H_COLS, p->cols, 4);
	put_le(h + H_OUTER, L->outer, 4);
	put_le(h + H_INNER, L->inner, 8);
	put_le(h + H_NNZ, p->nnz, 8);
	put_f64(h + H_TARGET, p->target_sparsity);
	put_f64(h + H_SPARSITY, p->sparsity);
	put_f64(h + H_ABS, p->abs_kept);
	put_f64(h + H_SQ, p->sq_kept);
	for (int i = 0; i < 3; i++)
		put_le(h + H_SEC + 8 * i, L->sec[i], 8);
	gsf_geom_encode(h, g);
}

static void write_sections(struct wout *w, const struct pruned *p, const struct gsf_layout *L,
			   const struct bsr *b, uint32_t *cur)
{
	const struct gs_buckets *gs = &p->gs;
	uint64_t V = (uint64_t)p->pat.V;

	if (L->store == GSF_STORE_GS) {
		for (uint64_t g = 0; g <= gs->ngroups; g++)
			w_le(w, gs->ptr[g], 4);
		for (uint64_t j = 0; j < L->inner; j++) {
			for (uint64_t l = 0; l < V; l++)
				w_val(w, gs->col[j * V + l] == GS_COL_NONE ? 0.0f : gs->val[j * V + l],
				      L->vb);
			for (uint64_t l = 0; l < V; l++)
				w_le(w, gs->col[j * V + l] == GS_COL_NONE ? 0 : gs->col[j * V + l],
				     L->ib);
		}
		for (uint64_t k = 0; k < (uint64_t)gs->ngroups * V; k++)
			w_le(w, gs->rowind[k], L->rb);	/* UINT32_MAX -> all ones */
	} else if (L->store == GSF_STORE_BSR) {
		for (uint64_t i = 0; i <= b->nbr; i++)
			w_le(w, b->ptr[i], 4);
		for (uint64_t t = 0; t < L->inner; t++)
			w_le(w, b->bcol[t], L->ib);
		write_bsr_values(w, p, b, L->vb, cur);
	} else {
		for (uint64_t i = 0; i <= p->rows; i++)
			w_le(w, p->csr.ptr[i], 4);
		for (uint64_t k = 0; k < p->nnz; k++)
			w_le(w, p->csr.col[k], L->ib);
		for (uint64_t k = 0; k < p->nnz; k++)
			w_val(w, p->csr.val[k], L->vb);
	}
}

int gsf_write(const char *path, const struct pruned *p, int value_bytes, struct gs_err *err)
{
	return gsf_write_geom(path, p, value_bytes, NULL, err);
}

int gsf_write_geom(const char *path, const struct pruned *p, int value_bytes,
		   const struct gsf_geometry *g, struct gs_err *err)
{
	struct gs_err sub;
	struct gsf_layout L;
	struct bsr b = { 0, 0, NULL, NULL };
	struct wout *w = NULL;
	unsigned char h[GSF_HDR], crc[4];
	uint32_t *cur = NULL;
	uint64_t u1, u2;
	int rc = -1, e;

	if (value_bytes != 2 && value_bytes != 4)
		return bad(err, path, "value bytes %d (expected 2 for fp16 or 4 for fp32)", value_bytes);
	if (check_common(path, p, value_bytes, err))
		return -1;
	if (g && gsf_geometry_check(g, p->rows, p->cols, &sub))
		return bad(err, path, "%s", sub.msg);
	memset(&L, 0, sizeof(L));
	L.store = gsf_store_of(p->pat.kind);
	L.vb = value_bytes;
	L.ib = gsf_index_bytes(p->cols);
	L.rb = L.store == GSF_STORE_GS ? gsf_rowind_bytes(p->rows) : 0;
	L.outer = gsf_outer_of(&p->pat, p->rows);
	if (L.store == GSF_STORE_GS) {
		if (check_gs(path, p, err))
			return -1;
		L.inner = p->gs.ptr[p->gs.ngroups];
	} else if (L.store == GSF_STORE_BSR) {
		if (bsr_plan(path, p, &b, err))
			goto out;
		L.inner = b.ptr[b.nbr];
		cur = malloc((size_t)p->pat.br * sizeof(uint32_t));
		if (!cur) {
			bad(err, path, "out of memory");
			goto out;
		}
	} else {
		L.inner = p->nnz;
	}
	gsf_units(&L, &p->pat, &u1, &u2);
	L.sec[0] = (L.outer + 1) * 4;
	if (!mul_ok(L.inner, u1, &L.sec[1]) ||
	    !mul_ok(L.store == GSF_STORE_GS ? L.outer : L.inner, u2, &L.sec[2]) ||
	    L.sec[1] > UINT64_MAX / 4 || L.sec[2] > UINT64_MAX / 4) {
		bad(err, path, "sections too large");
		goto out;
	}
	gsf_layout_finish(&L);
	make_header(h, p, &L, g);
	w = malloc(sizeof(*w));
	if (!w) {
		bad(err, path, "out of memory");
		goto out;
	}
	w->n = 0;
	w->failed = 0;
	gsf_crc_init(&w->crc);
	w->f = fopen(path, "wb");
	if (!w->f) {
		gs_errf(err, "%s: cannot open for writing: %s", path, strerror(errno));
		goto out;
	}
	w_bytes(w, h, sizeof(h));
	write_sections(w, p, &L, &b, cur);
	w_flush(w);
	put_le(crc, gsf_crc_value(&w->crc), 4);
	if (fwrite(crc, 1, 4, w->f) != 4)
		w->failed = 1;
	e = errno;
	if (fclose(w->f) != 0 || w->failed) {
		gs_errf(err, "%s: write failed: %s", path, strerror(w->failed ? e : errno));
		remove(path);
		goto out;
	}
	rc = 0;
out:
	free(w);
	free(cur);
	free(b.ptr);
	free(b.bcol);
	return rc;
}
