/*
** gsf_testutil.h: what the .gsf suites (check_gsf.c, check_gsf_corrupt.c)
** share: pruned matrices of every pattern kind built by hand, file and
** byte helpers, an independent bitwise CRC-32. static inline: nothing
** public.
*/
#ifndef gs_gsf_testutil_h
#define gs_gsf_testutil_h

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gsf.h"
#include "testutil.h"

#define NONE GS_COL_NONE

/* ---- building pruned matrices by hand ---- */

/* Values are multiples of 1/4 in [-1.25, 1.75]: exact in fp16, never 0. */
static inline float wval(uint32_t i, uint32_t j, uint32_t cols)
{
	return (float)((int)((i * cols + j) % 7) - 3) * 0.5f + 0.25f;
}

/* csr from a picture, one string per row: 'x' kept, '0' kept with value 0,
** '.' pruned. */
static inline void set_csr(struct pruned *p, uint32_t rows, const char *const *pic)
{
	uint32_t cols = (uint32_t)strlen(pic[0]), k = 0;

	p->rows = rows;
	p->cols = cols;
	p->csr.ptr = calloc(rows + 1, sizeof(uint32_t));
	p->csr.col = malloc(rows * cols * sizeof(uint32_t));
	p->csr.val = malloc(rows * cols * sizeof(float));
	ck_assert(p->csr.ptr && p->csr.col && p->csr.val);
	for (uint32_t i = 0; i < rows; i++) {
		ck_assert_uint_eq(strlen(pic[i]), cols);
		for (uint32_t j = 0; j < cols; j++)
			if (pic[i][j] != '.') {
				p->csr.col[k] = j;
				p->csr.val[k++] = pic[i][j] == '0' ? 0.0f : wval(i, j, cols);
			}
		p->csr.ptr[i + 1] = k;
	}
	p->nnz = k;
	p->sparsity = 1.0 - (double)k / ((double)rows * cols);
	p->target_sparsity = 0.5;
	p->abs_kept = 0.875;
	p->sq_kept = 0.75;
}

/* GS buckets: column lists per bucket (NONE = masked lane); values as set_csr. */
static inline void set_gs(struct pruned *p, uint32_t ngroups, const uint32_t *ptr,
			  const uint32_t *col, const uint32_t *rowind)
{
	uint32_t V = (uint32_t)p->pat.V, nb = ptr[ngroups];

	p->gs.ngroups = ngroups;
	p->gs.ptr = malloc((ngroups + 1) * sizeof(uint32_t));
	p->gs.col = malloc((nb * V + 1) * sizeof(uint32_t));
	p->gs.val = malloc((nb * V + 1) * sizeof(float));
	p->gs.rowind = malloc(ngroups * V * sizeof(uint32_t));
	ck_assert(p->gs.ptr && p->gs.col && p->gs.val && p->gs.rowind);
	memcpy(p->gs.ptr, ptr, (ngroups + 1) * sizeof(uint32_t));
	memcpy(p->gs.col, col, nb * V * sizeof(uint32_t));
	memcpy(p->gs.rowind, rowind, ngroups * V * sizeof(uint32_t));
	for (uint32_t g = 0; g < ngroups; g++)
		for (uint32_t j = ptr[g]; j < ptr[g + 1]; j++)
			for (uint32_t l = 0; l < V; l++) {
				uint32_t c = col[j * V + l], r = rowind[g * V + l];

				p->gs.val[j * V + l] = c == NONE ? 0.0f : wval(r, c, p->cols);
			}
}

static inline void set_pat(struct pruned *p, int kind, int a, int b, int c)
{
	memset(p, 0, sizeof(*p));
	p->pat.kind = kind;
	if (kind == PAT_GS) {
		p->pat.V = a;
		p->pat.h = b;
		p->pat.B = c;
	} else if (kind == PAT_BLOCK) {
		p->pat.br = a;
		p->pat.bc = b;
	} else if (kind == PAT_NM) {
		p->pat.n = a;
		p->pat.m = b;
	}
}

/* gs-patterns.md §1.3 GS-vertical, V = B = 4, with its packing. */
static inline void case_gs_vertical(struct pruned *p)
{
	static const char *const pic[] = { "xx......", ".x....x.", "..x....x", "...xx...",
					   "x....x..", ".xx.....", "...x..x.", "....x..x" };
	static const uint32_t ptr[] = { 0, 2, 4 };
	static const uint32_t col[] = { 0, 1, 2, 3, 1, 6, 7, 4, 0, 1, 6, 7, 5, 2, 3, 4 };
	static const uint32_t rowind[] = { 0, 1, 2, 3, 4, 5, 6, 7 };

	set_pat(p, PAT_GS, 4, 1, 4);
	set_csr(p, 8, pic);
	set_gs(p, 2, ptr, col, rowind);
}

/* §1.3 GS-horizontal, V = h = B = 4: one bucket per row, lane l in bank l. */
static inline void case_gs_horizontal(struct pruned *p)
{
	static const char *const pic[] = { "x.x..x.x", ".x.xx.x.", "xxxx....", "....xxxx",
					   "x..x.xx.", ".xx.x..x", "xx....xx", "..xxxx.." };
	static const uint32_t ptr[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint32_t col[] = { 0, 5, 2, 7, 4, 1, 6, 3, 0, 1, 2, 3, 4, 5, 6, 7,
					0, 5, 6, 3, 4, 1, 2, 7, 0, 1, 6, 7, 4, 5, 2, 3 };
	static const uint32_t rowind[] = { 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
					   4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7 };

	set_pat(p, PAT_GS, 4, 4, 4);
	set_csr(p, 8, pic);
	set_gs(p, 8, ptr, col, rowind);
}

/* Hybrid V = 4, h = 2 (two rows per bucket), non-uniform t_g = 1, 2, 1;
** 5 rows, so the last group is row 4 plus two padding lanes. */
static inline void case_gs_hybrid(struct pruned *p)
{
	static const char *const pic[] = { "xx......", "..xx....", "xx..xx..", "..xx..xx",
					   ".x.....x" };
	static const uint32_t ptr[] = { 0, 1, 3, 4 };
	static const uint32_t col[] = { 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 1, 7, NONE, NONE };
	static const uint32_t rowind[] = { 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, NONE, NONE };

	set_pat(p, PAT_GS, 4, 2, 4);
	p->pat.nonuniform = 1;
	set_csr(p, 5, pic);
	set_gs(p, 3, ptr, col, rowind);
}

static inline void case_csr(struct pruned *p)
{
	static const char *const pic[] = { "x..x.", ".....", "xxx.x" };

	set_pat(p, PAT_UNSTRUCTURED, 0, 0, 0);
	set_csr(p, 3, pic);
}

/* 8x1 blocks on 10 x 3: blocks (0,0) with a kept zero, (0,2), and the
** partial edge block (1,1) = rows 8..9. */
static inline void case_block8x1(struct pruned *p)
{
	static const char *const pic[] = { "x.x", "x.x", "x.x", "0.x", "x.x", "x.x", "x.x",
					   "x.x", ".x.", ".x." };

	set_pat(p, PAT_BLOCK, 8, 1, 0);
	set_csr(p, 10, pic);
}

/* 1x8 blocks on 3 x 20: the edge block 2 is columns 16..19. */
static inline void case_block1x8(struct pruned *p)
{
	static const char *const pic[] = { "xxxxxxxx........xxxx", "....................",
					   "........xxxxxxxx...." };

	set_pat(p, PAT_BLOCK, 1, 8, 0);
	set_csr(p, 3, pic);
}

static inline void case_nm(struct pruned *p)
{
	static const char *const pic[] = { "x..x.xx.", ".xx.x..x" };

	set_pat(p, PAT_NM, 2, 4, 0);
	set_csr(p, 2, pic);
}

static inline void case_dense(struct pruned *p)
{
	static const char *const pic[] = { "xxx", "x0x" };

	set_pat(p, PAT_DENSE, 0, 0, 0);
	set_csr(p, 2, pic);
	p->sparsity = 0;
	p->target_sparsity = 0;
}

typedef void (*case_fn)(struct pruned *);
static const case_fn cases[] = { case_gs_vertical, case_gs_horizontal, case_gs_hybrid, case_csr,
				 case_block8x1, case_block1x8, case_nm, case_dense };
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* ---- helpers ---- */

static inline void assert_same(const struct pruned *a, const struct pruned *b)
{
	ck_assert(!memcmp(&a->pat, &b->pat, sizeof(a->pat)));
	ck_assert_uint_eq(a->rows, b->rows);
	ck_assert_uint_eq(a->cols, b->cols);
	ck_assert_uint_eq(a->nnz, b->nnz);
	ck_assert(a->target_sparsity == b->target_sparsity && a->sparsity == b->sparsity);
	ck_assert(a->abs_kept == b->abs_kept && a->sq_kept == b->sq_kept);
	ck_assert_mem_eq(a->csr.ptr, b->csr.ptr, (a->rows + 1) * sizeof(uint32_t));
	ck_assert_mem_eq(a->csr.col, b->csr.col, a->nnz * sizeof(uint32_t));
	ck_assert_mem_eq(a->csr.val, b->csr.val, a->nnz * sizeof(float));
	if (a->pat.kind != PAT_GS) {
		ck_assert_ptr_null(b->gs.ptr);
		return;
	}
	ck_assert_uint_eq(a->gs.ngroups, b->gs.ngroups);
	ck_assert_mem_eq(a->gs.ptr, b->gs.ptr, (a->gs.ngroups + 1) * sizeof(uint32_t));
	ck_assert_mem_eq(a->gs.rowind, b->gs.rowind, a->gs.ngroups * a->pat.V * sizeof(uint32_t));
	ck_assert_mem_eq(a->gs.col, b->gs.col, a->gs.ptr[a->gs.ngroups] * a->pat.V * 4);
	ck_assert_mem_eq(a->gs.val, b->gs.val, a->gs.ptr[a->gs.ngroups] * a->pat.V * 4);
}

static inline char *temp_path(void)
{
	return tu_write_temp(".gsf", "");
}

static inline void write_ok(const char *path, const struct pruned *p, int vb)
{
	struct gs_err err = { "" };

	ck_assert_msg(gsf_write(path, p, vb, &err) == 0, "%s", err.msg);
}

static inline unsigned char *slurp(const char *path, size_t *n)
{
	unsigned char *b = (unsigned char *)tu_read_file(path, n);

	ck_assert_ptr_nonnull(b);
	return b;
}

static inline void spill(const char *path, const unsigned char *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(b, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

/* Bitwise CRC-32 (IEEE), independent of the table-driven one in gsf.c. */
static inline uint32_t crc32_ref(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

static inline uint64_t get_le(const unsigned char *b, size_t off, int bytes)
{
	uint64_t v = 0;

	for (int i = bytes - 1; i >= 0; i--)
		v = (v << 8) | b[off + (size_t)i];
	return v;
}

static inline void put_le(unsigned char *b, size_t off, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		b[off + (size_t)i] = (unsigned char)(v >> (8 * i));
}

static inline void fix_crc(unsigned char *b, size_t n)
{
	put_le(b, n - 4, crc32_ref(b, n - 4), 4);
}

/* gsf_read of b[0..n) must fail with a message containing want (after
** "path: "), and leave *out empty. */
static inline void expect_bad(const unsigned char *b, size_t n, const char *want)
{
	char *path = temp_path(), prefix[512];
	struct gs_err err = { "" };
	struct pruned out;

	spill(path, b, n);
	ck_assert_msg(gsf_read(path, &out, &err) == -1, "accepted (want %s)", want ? want : "-");
	snprintf(prefix, sizeof(prefix), "%s: byte ", path);
	ck_assert_msg(!strncmp(err.msg, prefix, strlen(prefix)), "unlocated: %s", err.msg);
	if (want)
		ck_assert_msg(strstr(err.msg, want) != NULL, "want '%s', got: %s", want, err.msg);
	ck_assert_ptr_null(out.csr.ptr);
	ck_assert_ptr_null(out.gs.ptr);
	tu_remove_temp(path);
}

static inline unsigned char *file_of(case_fn fn, int vb, size_t *n)
{
	char *path = temp_path();
	struct pruned p;
	unsigned char *b;

	fn(&p);
	write_ok(path, &p, vb);
	b = slurp(path, n);
	pruned_free(&p);
	tu_remove_temp(path);
	return b;
}

#endif
