/*
** gsf_read.c: gsf_read (see gsf.h). The whole file is read into memory:
** its real size bounds every count before anything else is allocated.
** Order: magic, version, header size, section sizes against the file size,
** CRC-32, header fields, then each section element by element. Every
** message names the byte offset of what is wrong.
*/
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gsf_int.h"

struct rin {
	const char *path;
	const unsigned char *b;
	uint64_t size;
	struct gs_err *err;
};

__attribute__((format(printf, 3, 4)))
static int at(const struct rin *r, uint64_t off, const char *fmt, ...)
{
	char msg[GS_ERR_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return gs_errf(r->err, "%s: byte %llu: %s", r->path, (unsigned long long)off, msg);
}

static uint64_t le(const struct rin *r, uint64_t off, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = (v << 8) | r->b[off + (uint64_t)i];
	return v;
}

static double f64(const struct rin *r, uint64_t off)
{
	uint64_t x = le(r, off, 8);
	double d;

	memcpy(&d, &x, sizeof(d));
	return d;
}

static int get_val(const struct rin *r, uint64_t off, int vb, float *v)
{
	uint32_t x;

	if (vb == 2) {
		x = (uint32_t)le(r, off, 2);
		if ((x & 0x7c00u) == 0x7c00u)
			return at(r, off, "value is not finite (fp16 bits 0x%04x)", x);
		*v = fp16_to_float((uint16_t)x);
		return 0;
	}
	x = (uint32_t)le(r, off, 4);
	memcpy(v, &x, sizeof(*v));
	if (!isfinite(*v))
		return at(r, off, "value is not finite (fp32 bits 0x%08x)", x);
	return 0;
}

static void *alloc(const struct rin *r, uint64_t n, size_t each)
{
	void *p;

	if (n > SIZE_MAX / each / 2) {
		gs_errf(r->err, "%s: out of memory", r->path);
		return NULL;
	}
	p = malloc(n ? (size_t)n * each : 1);
	if (!p)
		gs_errf(r->err, "%s: out of memory (%llu bytes)", r->path,
			(unsigned long long)(n * each));
	return p;
}

static int read_whole(const char *path, unsigned char **buf, uint64_t *size, struct gs_err *err)
{
	struct stat st;
	FILE *f = fopen(path, "rb");
	size_t got;

	*buf = NULL;
	if (!f)
		return gs_errf(err, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (uint64_t)st.st_size > SIZE_MAX / 2) {
		fclose(f);
		return gs_errf(err, "%s: not a regular file", path);
	}
	*size = (uint64_t)st.st_size;
	*buf = malloc(*size ? (size_t)*size : 1);
	if (!*buf) {
		fclose(f);
		return gs_errf(err, "%s: out of memory (%llu bytes)", path, (unsigned long long)*size);
	}
	got = fread(*buf, 1, (size_t)*size, f);
	fclose(f);
	if (got != *size) {
		free(*buf);
		*buf = NULL;
		return gs_errf(err, "%s: read error (%zu of %llu bytes)", path, got,
			       (unsigned long long)*size);
	}
	return 0;
}

/* Magic, version, header size, section sizes vs the file size, checksum. */
static int check_frame(const struct rin *r, struct gsf_layout *L)
{
	uint64_t n = r->size < 4 ? r->size : 4, need;
	struct gsf_crc crc;
	uint32_t stored;
	int over = 0;

	if (memcmp(r->b, "GSF", (size_t)n))
		return at(r, 0, "not a GSF file (expected the magic \"GSF\\0\")");
	if (r->size < GSF_HDR)
		return at(r, r->size, "file ends inside the %d-byte header", GSF_HDR);
	L->version = (int)le(r, H_VERSION, 2);
	if (L->version < 1 || L->version > GSF_VERSION)
		return at(r, H_VERSION, "format version %u not supported (this gssim reads versions "
			  "1 to %d)", (unsigned)le(r, H_VERSION, 2), GSF_VERSION);
	if (le(r, H_HDRSIZE, 2) != GSF_HDR)
		return at(r, H_HDRSIZE, "header size %u (expected %d)", (unsigned)le(r, H_HDRSIZE, 2),
			  GSF_HDR);
	need = GSF_HDR + GSF_CRC;
	for (int i = 0; i < 3; i++) {
		L->sec[i] = le(r, H_SEC + 8 * (uint64_t)i, 8);
		if (L->sec[i] > UINT64_MAX - need)
			over = 1;	/* past 2^64: absurd */
		else
			need += L->sec[i];
	}
	if (over)
		return at(r, r->size, "file ends early: the header's section sizes (%llu, %llu, %llu) "
			  "add up to more than 2^64 bytes", (unsigned long long)L->sec[0],
			  (unsigned long long)L->sec[1], (unsigned long long)L->sec[2]);
	if (need > r->size)
		return at(r, r->size, "file ends early: the header's section sizes (%llu, %llu, %llu) "
			  "need %llu bytes", (unsigned long long)L->sec[0],
			  (unsigned long long)L->sec[1], (unsigned long long)L->sec[2],
			  (unsigned long long)need);
	if (need < r->size)
		return at(r, need, "%llu unexpected bytes after the checksum",
			  (unsigned long long)(r->size - need));
	gsf_layout_finish(L);
	gsf_crc_init(&crc);
	gsf_crc_add(&crc, r->b, (size_t)(r->size - GSF_CRC));
	stored = (uint32_t)le(r, r->size - GSF_CRC, 4);
	if (stored != gsf_crc_value(&crc))
		return at(r, r->size - GSF_CRC, "checksum mismatch (stored 0x%08x, computed 0x%08x): "
			  "the file is corrupt", stored, gsf_crc_value(&crc));
	return 0;
}

static int parse_pattern(const struct rin *r, struct pattern *pat)
{
	uint32_t kind = r->b[H_KIND], flags = r->b[H_FLAGS];
	uint64_t pa = le(r, H_PA, 4), pb = le(r, H_PB, 4), pc = le(r, H_PC, 4);
	struct gs_err sub;

	memset(pat, 0, sizeof(*pat));
	if (kind > PAT_GS)
		return at(r, H_KIND, "unknown pattern kind %u", kind);
	if (flags & ~(kind == PAT_GS ? (GSF_FLAG_NONUNIFORM | GSF_FLAG_EXACT) : 0u))
		return at(r, H_FLAGS, "unknown flags 0x%02x for this pattern kind", flags);
	if (pa > 65536 || pb > 65536 || pc > 65536)
		return at(r, H_PA, "pattern parameters (%llu, %llu, %llu) out of range",
			  (unsigned long long)pa, (unsigned long long)pb, (unsigned long long)pc);
	pat->kind = (int)kind;
	if (kind == PAT_GS) {
		pat->V = (int)pa;
		pat->h = (int)pb;
		pat->B = (int)pc;
		pat->nonuniform = (flags & GSF_FLAG_NONUNIFORM) != 0;
		pat->exact = (flags & GSF_FLAG_EXACT) != 0;
	} else if (kind == PAT_BLOCK || kind == PAT_NM) {
		if (pc)
			return at(r, H_PC, "unused pattern parameter is %llu, not 0",
				  (unsigned long long)pc);
		*(kind == PAT_BLOCK ? &pat->br : &pat->n) = (int)pa;
		*(kind == PAT_BLOCK ? &pat->bc : &pat->m) = (int)pb;
	} else if (pa || pb || pc) {
		return at(r, H_PA, "unused pattern parameters are not 0");
	}
	if (pattern_check(pat, &sub))
		return at(r, H_PA, "%s", sub.msg);
	return 0;
}

/* Version 2: the layer geometry (docs/gs-format.md §2.1). */
static int check_geometry(const struct rin *r, const struct pruned *p, struct gsf_layout *L)
{
	char msg[160];
	uint64_t off = 0;

	if (gsf_geom_decode(r->b, p->rows, p->cols, &L->geom, &off, msg, sizeof msg))
		return at(r, off, "%s", msg);
	return 0;
}

/* Header fields, and each section's size against the counts. */
static int check_header(const struct rin *r, struct pruned *p, struct gsf_layout *L)
{
	uint64_t u1, u2, rows, cols, s1_items;
	static const int zeros[] = { H_PAD1, H_PAD1 + 1, H_PAD1 + 2 };

	for (int i = 0; i < 3; i++)
		if (r->b[zeros[i]])
			return at(r, (uint64_t)zeros[i], "reserved byte is not 0");
	for (int i = H_PAD2; i < GSF_HDR && L->version == 1; i++)
		if (r->b[i])
			return at(r, (uint64_t)i, "reserved byte is not 0");
	if (parse_pattern(r, &p->pat))
		return -1;
	rows = le(r, H_ROWS, 4);
	cols = le(r, H_COLS, 4);
	if (!rows || !cols)
		return at(r, rows ? H_COLS : H_ROWS, "empty matrix (%llu x %llu)",
			  (unsigned long long)rows, (unsigned long long)cols);
	p->rows = (uint32_t)rows;
	p->cols = (uint32_t)cols;
	L->store = gsf_store_of(p->pat.kind);
	L->vb = r->b[H_VBYTES];
	L->ib = r->b[H_IBYTES];
	L->rb = r->b[H_RBYTES];
	if (L->vb != 2 && L->vb != 4)
		return at(r, H_VBYTES, "value bytes %d (expected 2 = fp16 or 4 = fp32)", L->vb);
	if (L->ib != gsf_index_bytes(p->cols))
		return at(r, H_IBYTES, "index bytes %d, but %u columns take %d", L->ib, p->cols,
			  gsf_index_bytes(p->cols));
	if (L->rb != (L->store == GSF_STORE_GS ? gsf_rowind_bytes(p->rows) : 0))
		return at(r, H_RBYTES, "rowind bytes %d, expected %d", L->rb,
			  L->store == GSF_STORE_GS ? gsf_rowind_bytes(p->rows) : 0);
	L->outer = le(r, H_OUTER, 4);
	if (L->outer != gsf_outer_of(&p->pat, p->rows))
		return at(r, H_OUTER, "%llu groups / block rows / rows, expected %llu",
			  (unsigned long long)L->outer,
			  (unsigned long long)gsf_outer_of(&p->pat, p->rows));
	L->inner = le(r, H_INNER, 8);
	if (L->inner > UINT32_MAX)
		return at(r, H_INNER, "%llu buckets / blocks / entries: more than 32-bit pointers "
			  "can count", (unsigned long long)L->inner);
	if (L->version >= 2 && check_geometry(r, p, L))
		return -1;
	p->nnz = le(r, H_NNZ, 8);
	if (p->nnz > rows * cols || (L->store == GSF_STORE_CSR && p->nnz != L->inner))
		return at(r, H_NNZ, "nnz %llu does not fit the matrix or the entry count %llu",
			  (unsigned long long)p->nnz, (unsigned long long)L->inner);
	p->target_sparsity = f64(r, H_TARGET);
	p->sparsity = f64(r, H_SPARSITY);
	p->abs_kept = f64(r, H_ABS);
	p->sq_kept = f64(r, H_SQ);
	if (!(p->target_sparsity >= 0 && p->target_sparsity <= 1))
		return at(r, H_TARGET, "target sparsity %g outside [0, 1]", p->target_sparsity);
	if (!(p->sparsity >= 0 && p->sparsity <= 1))
		return at(r, H_SPARSITY, "achieved sparsity %g outside [0, 1]", p->sparsity);
	if (!(p->abs_kept >= 0 && isfinite(p->abs_kept)))
		return at(r, H_ABS, "abs_kept %g is not a finite number >= 0", p->abs_kept);
	if (!(p->sq_kept >= 0 && isfinite(p->sq_kept)))
		return at(r, H_SQ, "sq_kept %g is not a finite number >= 0", p->sq_kept);
	gsf_units(L, &p->pat, &u1, &u2);
	if (L->sec[0] != (L->outer + 1) * 4)
		return at(r, H_SEC, "section 0 (%s) is %llu bytes, expected %llu",
			  gsf_section_names[L->store][0], (unsigned long long)L->sec[0],
			  (unsigned long long)((L->outer + 1) * 4));
	if (L->sec[1] % u1 || L->sec[1] / u1 != L->inner)
		return at(r, H_SEC + 8, "section 1 (%s) is %llu bytes, not %llu x %llu",
			  gsf_section_names[L->store][1], (unsigned long long)L->sec[1],
			  (unsigned long long)L->inner, (unsigned long long)u1);
	s1_items = L->store == GSF_STORE_GS ? L->outer : L->inner;
	if (L->sec[2] % u2 || L->sec[2] / u2 != s1_items)
		return at(r, H_SEC + 16, "section 2 (%s) is %llu bytes, not %llu x %llu",
			  gsf_section_names[L->store][2], (unsigned long long)L->sec[2],
			  (unsigned long long)s1_items, (unsigned long long)u2);
	return 0;
}

/* outer + 1 u32 pointers at off: from 0, non-decreasing, ending at last. */
static int read_ptr(const struct rin *r, uint64_t off, uint64_t outer, uint64_t last,
		    uint32_t **out)
{
	uint32_t *ptr = alloc(r, outer + 1, sizeof(uint32_t));

	*out = ptr;
	if (!ptr)
		return -1;
	for (uint64_t i = 0; i <= outer; i++) {
		ptr[i] = (uint32_t)le(r, off + 4 * i, 4);
		if (i == 0 && ptr[0] != 0)
			return at(r, off, "first pointer is %u, expected 0", ptr[0]);
		if (i && ptr[i] < ptr[i - 1])
			return at(r, off + 4 * i, "pointer %llu decreases (%u after %u)",
				  (unsigned long long)i, ptr[i], ptr[i - 1]);
	}
	if (ptr[outer] != last)
		return at(r, off + 4 * outer, "last pointer is %u, expected %llu", ptr[outer],
			  (unsigned long long)last);
	return 0;
}

static int read_gs(const struct rin *r, struct pruned *p, const struct gsf_layout *L)
{
	struct gs_buckets *gs = &p->gs;
	uint64_t V = (uint64_t)p->pat.V, rec = V * (uint64_t)(L->vb + L->ib), kept = 0, dup;
	uint32_t marker = L->rb == 2 ? 0xffffu : UINT32_MAX, dup_row;
	int rc;

	gs->ngroups = (uint32_t)L->outer;
	if (read_ptr(r, L->off[0], L->outer, L->inner, &gs->ptr))
		return -1;
	gs->val = alloc(r, L->inner * V, sizeof(float));
	gs->col = alloc(r, L->inner * V, sizeof(uint32_t));
	gs->rowind = alloc(r, L->outer * V, sizeof(uint32_t));
	if (!gs->val || !gs->col || !gs->rowind)
		return -1;
	for (uint64_t k = 0; k < L->outer * V; k++) {
		uint64_t off = L->off[2] + k * (uint64_t)L->rb;
		uint32_t row = (uint32_t)le(r, off, L->rb);

		if (row != marker && row >= p->rows)
			return at(r, off, "rowind %u out of range (%u rows; padding is 0x%x)", row,
				  p->rows, marker);
		gs->rowind[k] = row == marker ? UINT32_MAX : row;
	}
	for (uint64_t g = 0; g < L->outer; g++)
		for (uint64_t j = gs->ptr[g]; j < gs->ptr[g + 1]; j++)
			for (uint64_t l = 0; l < V; l++) {
				uint64_t voff = L->off[1] + j * rec + l * (uint64_t)L->vb;
				uint64_t ioff = L->off[1] + j * rec + V * (uint64_t)L->vb + l * (uint64_t)L->ib;
				uint32_t c = (uint32_t)le(r, ioff, L->ib);

				if (gs->rowind[g * V + l] == UINT32_MAX) {
					if (c != 0 || le(r, voff, L->vb) != 0)
						return at(r, c ? ioff : voff, "padding lane %llu of group %llu "
							  "must hold index 0 and value 0",
							  (unsigned long long)l, (unsigned long long)g);
					gs->col[j * V + l] = GS_COL_NONE;
					gs->val[j * V + l] = 0.0f;
					continue;
				}
				if (c >= p->cols)
					return at(r, ioff, "column index %u out of range (%u columns)", c,
						  p->cols);
				if (get_val(r, voff, L->vb, &gs->val[j * V + l]))
					return -1;
				gs->col[j * V + l] = c;
				kept++;
			}
	if (kept != p->nnz)
		return at(r, H_NNZ, "nnz is %llu, but the buckets hold %llu entries",
			  (unsigned long long)p->nnz, (unsigned long long)kept);
	rc = gsf_gs_to_csr(p, &p->csr, &dup, &dup_row);
	if (rc == -2)
		return gs_errf(r->err, "%s: out of memory", r->path);
	if (rc == -1)
		return at(r, L->off[1] + dup / V * rec + V * (uint64_t)L->vb + dup % V * (uint64_t)L->ib,
			  "row %u column %u is stored twice", dup_row, gs->col[dup]);
	return 0;
}

static int read_csr(const struct rin *r, struct pruned *p, const struct gsf_layout *L)
{
	struct csr *c = &p->csr;
	int64_t bad;

	if (read_ptr(r, L->off[0], p->rows, p->nnz, &c->ptr))
		return -1;
	c->col = alloc(r, p->nnz, sizeof(uint32_t));
	c->val = alloc(r, p->nnz, sizeof(float));
	if (!c->col || !c->val)
		return -1;
	for (uint32_t i = 0; i < p->rows; i++)
		for (uint64_t k = c->ptr[i]; k < c->ptr[i + 1]; k++) {
			uint64_t off = L->off[1] + k * (uint64_t)L->ib;

			c->col[k] = (uint32_t)le(r, off, L->ib);
			if (c->col[k] >= p->cols)
				return at(r, off, "column index %u out of range (%u columns)", c->col[k],
					  p->cols);
			if (k > c->ptr[i] && c->col[k] <= c->col[k - 1])
				return at(r, off, "row %u: column %u after %u (columns must ascend)", i,
					  c->col[k], c->col[k - 1]);
			if (get_val(r, L->off[2] + k * (uint64_t)L->vb, L->vb, &c->val[k]))
				return -1;
		}
	if (p->pat.kind == PAT_DENSE && p->nnz != (uint64_t)p->rows * p->cols)
		return at(r, H_NNZ, "dense pattern with %llu of %llu entries",
			  (unsigned long long)p->nnz, (unsigned long long)p->rows * p->cols);
	bad = p->pat.kind == PAT_NM ? gsf_nm_violation(p) : -1;
	if (bad >= 0)
		return at(r, L->off[1] + (uint64_t)bad * (uint64_t)L->ib, "column %u: more than %d "
			  "non-zeros in a run of %d columns (pattern nm:%d:%d)", c->col[bad],
			  p->pat.n, p->pat.m, p->pat.n, p->pat.m);
	return 0;
}

static int read_bsr(const struct rin *r, struct pruned *p, struct gsf_layout *L)
{
	uint64_t br = (uint64_t)p->pat.br, bc = (uint64_t)p->pat.bc, blk = br * bc * (uint64_t)L->vb;
	uint64_t nbc = ((uint64_t)p->cols + bc - 1) / bc, nnz = 0, k = 0;
	uint32_t *bptr = NULL, *bcol = NULL;
	struct csr *c = &p->csr;
	int rc = -1;

	if (read_ptr(r, L->off[0], L->outer, L->inner, &bptr))
		goto out;
	bcol = alloc(r, L->inner, sizeof(uint32_t));
	if (!bcol)
		goto out;
	L->bsr_min = L->outer ? UINT64_MAX : 0;
	for (uint64_t bi = 0; bi < L->outer; bi++) {
		uint64_t nr = (bi + 1) * br <= p->rows ? br : p->rows - bi * br, cnt;

		cnt = bptr[bi + 1] - bptr[bi];
		L->bsr_min = cnt < L->bsr_min ? cnt : L->bsr_min;
		L->bsr_max = cnt > L->bsr_max ? cnt : L->bsr_max;
		for (uint64_t t = bptr[bi]; t < bptr[bi + 1]; t++) {
			uint64_t off = L->off[1] + t * (uint64_t)L->ib;

			bcol[t] = (uint32_t)le(r, off, L->ib);
			if (bcol[t] >= nbc || (t > bptr[bi] && bcol[t] <= bcol[t - 1])) {
				at(r, off, "block column %u out of range (%llu) or not ascending",
				   bcol[t], (unsigned long long)nbc);
				goto out;
			}
			nnz += nr * ((uint64_t)bcol[t] * bc + bc <= p->cols ? bc :
				     p->cols - (uint64_t)bcol[t] * bc);
		}
	}
	if (nnz != p->nnz) {
		at(r, H_NNZ, "nnz is %llu, but the blocks hold %llu entries",
		   (unsigned long long)p->nnz, (unsigned long long)nnz);
		goto out;
	}
	c->ptr = alloc(r, (uint64_t)p->rows + 1, sizeof(uint32_t));
	c->col = alloc(r, nnz, sizeof(uint32_t));
	c->val = alloc(r, nnz, sizeof(float));
	if (!c->ptr || !c->col || !c->val)
		goto out;
	c->ptr[0] = 0;
	for (uint64_t i = 0; i < p->rows; i++) {
		uint64_t bi = i / br, rr = i % br;

		for (uint64_t t = bptr[bi]; t < bptr[bi + 1]; t++) {
			uint64_t c0 = (uint64_t)bcol[t] * bc, w = c0 + bc <= p->cols ? bc : p->cols - c0;

			for (uint64_t cc = 0; cc < w; cc++, k++) {
				c->col[k] = (uint32_t)(c0 + cc);
				if (get_val(r, L->off[2] + t * blk + (rr * bc + cc) * (uint64_t)L->vb, L->vb,
					    &c->val[k]))
					goto out;
			}
		}
		c->ptr[i + 1] = (uint32_t)k;
	}
	/* positions of kept blocks outside the matrix hold 0 */
	for (uint64_t bi = 0; bi < L->outer; bi++)
		for (uint64_t t = bptr[bi]; t < bptr[bi + 1]; t++)
			for (uint64_t rr = 0; rr < br; rr++)
				for (uint64_t cc = 0; cc < bc; cc++) {
					uint64_t off = L->off[2] + t * blk + (rr * bc + cc) * (uint64_t)L->vb;

					if ((bi * br + rr >= p->rows || (uint64_t)bcol[t] * bc + cc >= p->cols) &&
					    le(r, off, L->vb) != 0) {
						at(r, off, "block %llu: a position outside the matrix is not 0",
						   (unsigned long long)t);
						goto out;
					}
				}
	rc = 0;
out:
	free(bptr);
	free(bcol);
	return rc;
}

int gsf_read_layout(const char *path, struct pruned *out, struct gsf_layout *L,
		    struct gs_err *err)
{
	struct rin r = { path, NULL, 0, err };
	unsigned char *buf;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(L, 0, sizeof(*L));
	if (read_whole(path, &buf, &r.size, err))
		return -1;
	r.b = buf;
	rc = check_frame(&r, L);
	if (!rc)
		rc = check_header(&r, out, L);
	if (!rc) {
		if (L->store == GSF_STORE_GS)
			rc = read_gs(&r, out, L);
		else if (L->store == GSF_STORE_BSR)
			rc = read_bsr(&r, out, L);
		else
			rc = read_csr(&r, out, L);
	}
	free(buf);
	if (rc)
		pruned_free(out);
	return rc ? -1 : 0;
}

int gsf_read(const char *path, struct pruned *out, struct gs_err *err)
{
	struct gsf_layout L;

	return gsf_read_layout(path, out, &L, err);
}

int gsf_read_geom(const char *path, struct pruned *out, struct gsf_geometry *g,
		  struct gs_err *err)
{
	struct gsf_layout L;

	if (gsf_read_layout(path, out, &L, err))
		return -1;
	if (g)
		*g = L.geom;
	return 0;
}
