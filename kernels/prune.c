/*
** prune.c: prune_matrix for every pattern (GS selection in prune_gs.c,
** bucket packing in gs_pack.c), the quality proxy, and the selection and
** sorting helpers the pruners share. See prune.h for the rules.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prune.h"

static uint32_t abs_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u & 0x7fffffffu;
}

uint32_t prune_kth_abs_bits(const float *w, uint64_t n, uint64_t k)
{
	/* 31 magnitude bits in three digits, most significant first. */
	static const int shift[3] = { 21, 10, 0 }, width[3] = { 11, 11, 10 };
	uint64_t hist[1u << 11], i;
	uint32_t prefix = 0, himask, d;
	int pass;

	if (k == 0 || k > n)
		return 0;
	for (pass = 0; pass < 3; pass++) {
		uint32_t dmask = (1u << width[pass]) - 1;

		himask = pass == 0 ? 0 : ~0u << (shift[pass] + width[pass]);
		memset(hist, 0, sizeof(hist));
		for (i = 0; i < n; i++) {
			uint32_t b = abs_bits(w[i]);

			if ((b & himask) == prefix)
				hist[(b >> shift[pass]) & dmask]++;
		}
		for (d = dmask;; d--) {
			if (hist[d] >= k) {
				prefix |= d << shift[pass];
				break;
			}
			k -= hist[d];
			if (d == 0)	/* unreachable: the counts add up to >= k */
				break;
		}
	}
	return prefix;
}

static void swap_u64(uint64_t *a, uint64_t *b)
{
	uint64_t t = *a;

	*a = *b;
	*b = t;
}

static uint64_t median3(uint64_t x, uint64_t y, uint64_t z)
{
	if (x < y)
		swap_u64(&x, &y);	/* now x >= y */
	if (z >= x)
		return x;
	return z > y ? z : y;
}

static void insertion_desc(uint64_t *a, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		uint64_t v = a[i];

		for (j = i; j > 0 && a[j - 1] < v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

static void sift_down_min(uint64_t *a, size_t n, size_t i)
{
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			return;
		if (c + 1 < n && a[c + 1] < a[c])
			c++;
		if (a[i] <= a[c])
			return;
		swap_u64(&a[i], &a[c]);
		i = c;
	}
}

/* Heapsort with a min-heap, so the smallest values end up last. */
static void heapsort_desc(uint64_t *a, size_t n)
{
	size_t i;

	for (i = n / 2; i-- > 0;)
		sift_down_min(a, n, i);
	for (i = n; i-- > 1;) {
		swap_u64(&a[0], &a[i]);
		sift_down_min(a, i, 0);
	}
}

/* Three-way partition: a[0..*lt) > p, a[*lt..*gt) == p, a[*gt..n) < p. */
static void partition3_desc(uint64_t *a, size_t n, uint64_t p, size_t *lt, size_t *gt)
{
	size_t i = 0, l = 0, g = n;

	while (i < g) {
		if (a[i] > p)
			swap_u64(&a[l++], &a[i++]);
		else if (a[i] < p)
			swap_u64(&a[i], &a[--g]);
		else
			i++;
	}
	*lt = l;
	*gt = g;
}

static int depth_limit(size_t n)
{
	int d = 8;

	while (n >>= 1)
		d += 2;
	return d;
}

static void sort_rec(uint64_t *a, size_t n, int depth)
{
	size_t lt, gt;

	while (n > 16) {
		if (depth-- == 0) {
			heapsort_desc(a, n);
			return;
		}
		partition3_desc(a, n, median3(a[0], a[n / 2], a[n - 1]), &lt, &gt);
		/* Recurse into the smaller side, loop on the larger one. */
		if (lt < n - gt) {
			sort_rec(a, lt, depth);
			a += gt;
			n -= gt;
		} else {
			sort_rec(a + gt, n - gt, depth);
			n = lt;
		}
	}
	insertion_desc(a, n);
}

void prune_sort_desc(uint64_t *a, size_t n)
{
	sort_rec(a, n, depth_limit(n));
}

void prune_select_desc(uint64_t *a, size_t n, size_t m)
{
	int depth = depth_limit(n);
	size_t lt, gt;

	while (m > 0 && m < n) {
		if (n <= 16 || depth-- == 0) {
			prune_sort_desc(a, n);
			return;
		}
		partition3_desc(a, n, median3(a[0], a[n / 2], a[n - 1]), &lt, &gt);
		if (m <= lt) {
			n = lt;
		} else if (m <= gt) {
			return;
		} else {
			a += gt;
			n -= gt;
			m -= gt;
		}
	}
}

/* Global top k by |w|, ties to the lower index. */
static void mask_unstructured(const float *w, uint64_t n, uint64_t k, uint8_t *mask)
{
	uint32_t thr = prune_kth_abs_bits(w, n, k);
	uint64_t i, above = 0, ties;

	if (k == 0)
		return;
	for (i = 0; i < n; i++)
		above += abs_bits(w[i]) > thr;
	ties = k - above;
	for (i = 0; i < n; i++) {
		uint32_t b = abs_bits(w[i]);

		if (b == thr && ties > 0) {
			mask[i] = 1;
			ties--;
		} else if (b > thr) {
			mask[i] = 1;
		}
	}
}

struct block_score {
	double score;
	uint32_t idx;
};

static int cmp_block(const void *pa, const void *pb)
{
	const struct block_score *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int mask_block(const float *w, uint32_t rows, uint32_t cols, int br, int bc,
		      uint64_t k, uint8_t *mask, struct gs_err *err)
{
	uint32_t nbr = (rows + (uint32_t)br - 1) / (uint32_t)br;
	uint32_t nbc = (cols + (uint32_t)bc - 1) / (uint32_t)bc;
	uint64_t nb = (uint64_t)nbr * nbc, kept = 0, j;
	struct block_score *s = calloc((size_t)nb, sizeof(*s));
	uint32_t i, c;

	if (!s)
		return gs_errf(err, "prune: out of memory for %llu blocks", (unsigned long long)nb);
	for (i = 0; i < rows; i++)
		for (c = 0; c < cols; c++)
			s[(uint64_t)(i / (uint32_t)br) * nbc + c / (uint32_t)bc].score +=
				fabs((double)w[(uint64_t)i * cols + c]);
	for (j = 0; j < nb; j++) {
		uint32_t bi = (uint32_t)(j / nbc), bj = (uint32_t)(j % nbc);
		uint32_t h = rows - bi * (uint32_t)br < (uint32_t)br ? rows - bi * (uint32_t)br :
			     (uint32_t)br;
		uint32_t wd = cols - bj * (uint32_t)bc < (uint32_t)bc ? cols - bj * (uint32_t)bc :
			      (uint32_t)bc;

		/* Edge blocks compete by mean magnitude, scaled to a full block. */
		s[j].score *= (double)br * bc / ((double)h * wd);
		s[j].idx = (uint32_t)j;
	}
	qsort(s, (size_t)nb, sizeof(*s), cmp_block);
	for (j = 0; j < nb; j++) {
		uint32_t bi = s[j].idx / nbc, bj = s[j].idx % nbc;
		uint32_t r0 = bi * (uint32_t)br, c0 = bj * (uint32_t)bc;
		uint32_t r1 = rows - r0 < (uint32_t)br ? rows : r0 + (uint32_t)br;
		uint32_t c1 = cols - c0 < (uint32_t)bc ? cols : c0 + (uint32_t)bc;
		uint64_t size = (uint64_t)(r1 - r0) * (c1 - c0);

		/* Keep going while the block brings the count closer to k. */
		if (2 * kept + size >= 2 * k)
			break;
		kept += size;
		for (i = r0; i < r1; i++)
			memset(mask + (uint64_t)i * cols + c0, 1, c1 - c0);
	}
	free(s);
	return 0;
}

static int mask_nm(const float *w, uint32_t rows, uint32_t cols, int n, int m,
		   uint8_t *mask, struct gs_err *err)
{
	uint64_t *key = malloc((size_t)m * sizeof(*key));
	uint32_t i, c0, len, keep, j;

	if (!key)
		return gs_errf(err, "prune: out of memory");
	for (i = 0; i < rows; i++) {
		const float *row = w + (uint64_t)i * cols;

		for (c0 = 0; c0 < cols; c0 += len) {
			len = cols - c0 < (uint32_t)m ? cols - c0 : (uint32_t)m;
			/* A partial last run keeps round(n * len / m), halves up. */
			keep = (uint32_t)((2 * (uint64_t)n * len + (uint64_t)m) / (2 * (uint64_t)m));
			for (j = 0; j < len; j++)
				key[j] = PRUNE_KEY(abs_bits(row[c0 + j]), j);
			prune_select_desc(key, len, keep);
			for (j = 0; j < keep; j++)
				mask[(uint64_t)i * cols + c0 + PRUNE_KEY_IDX(key[j])] = 1;
		}
	}
	free(key);
	return 0;
}

static int csr_from_mask(const float *w, const uint8_t *mask, struct pruned *out,
			 struct gs_err *err)
{
	uint32_t rows = out->rows, cols = out->cols, i, c;
	uint64_t nnz = 0, k = 0;

	out->csr.ptr = malloc(((size_t)rows + 1) * sizeof(uint32_t));
	if (!out->csr.ptr)
		return gs_errf(err, "prune: out of memory");
	out->csr.ptr[0] = 0;
	for (i = 0; i < rows; i++) {
		const uint8_t *mr = mask + (uint64_t)i * cols;

		for (c = 0; c < cols; c++)
			nnz += mr[c];
		out->csr.ptr[i + 1] = (uint32_t)nnz;
	}
	out->csr.col = malloc((size_t)(nnz ? nnz : 1) * sizeof(uint32_t));
	out->csr.val = malloc((size_t)(nnz ? nnz : 1) * sizeof(float));
	if (!out->csr.col || !out->csr.val)
		return gs_errf(err, "prune: out of memory for %llu non-zeros",
			       (unsigned long long)nnz);
	for (i = 0; i < rows; i++) {
		const uint8_t *mr = mask + (uint64_t)i * cols;

		for (c = 0; c < cols; c++) {
			if (mr[c]) {
				out->csr.col[k] = c;
				out->csr.val[k++] = w[(uint64_t)i * cols + c];
			}
		}
	}
	out->nnz = nnz;
	return 0;
}

void prune_quality(const float *w, struct pruned *p)
{
	uint64_t n = (uint64_t)p->rows * p->cols, i, above = 0, ties;
	uint32_t thr = prune_kth_abs_bits(w, n, p->nnz);
	double ka = 0, ks = 0, ua = 0, us = 0;

	for (i = 0; i < p->nnz; i++) {
		double v = p->csr.val[i];

		ka += fabs(v);
		ks += v * v;
	}
	if (p->nnz > 0) {
		for (i = 0; i < n; i++)
			above += abs_bits(w[i]) > thr;
		ties = p->nnz - above;
		/* The same elements in the same order as mask_unstructured keeps. */
		for (i = 0; i < n; i++) {
			uint32_t b = abs_bits(w[i]);
			double v = w[i];

			if (b > thr || (b == thr && ties > 0)) {
				ties -= b == thr;
				ua += fabs(v);
				us += v * v;
			}
		}
	}
	p->abs_kept = ua > 0 ? ka / ua : 1.0;
	p->sq_kept = us > 0 ? ks / us : 1.0;
}

static int check_inputs(const float *w, uint32_t rows, uint32_t cols, const struct pattern *p,
			double sparsity, struct gs_err *err)
{
	uint64_t n = (uint64_t)rows * cols, i;

	if (pattern_check(p, err))
		return -1;
	if (rows == 0 || cols == 0)
		return gs_errf(err, "prune: empty matrix (%u x %u)", rows, cols);
	if (n > UINT32_MAX)
		return gs_errf(err, "prune: matrix %u x %u has more than %u elements", rows, cols,
			       UINT32_MAX);
	if (!(sparsity >= 0 && sparsity <= 1))
		return gs_errf(err, "prune: sparsity %g out of range (expected 0 to 1)", sparsity);
	for (i = 0; i < n; i++)
		if (!isfinite(w[i]))
			return gs_errf(err, "prune: weight at row %llu, column %llu is %s",
				       (unsigned long long)(i / cols), (unsigned long long)(i % cols),
				       isnan(w[i]) ? "NaN" : "infinite");
	return 0;
}

int prune_matrix(const float *w, uint32_t rows, uint32_t cols, const uint32_t *col_bank,
		 const struct pattern *p, double sparsity, struct pruned *out,
		 struct gs_err *err)
{
	uint64_t n = (uint64_t)rows * cols, k;
	uint32_t *bank = NULL, c;
	uint8_t *mask = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (check_inputs(w, rows, cols, p, sparsity, err))
		return -1;
	out->pat = *p;
	out->rows = rows;
	out->cols = cols;
	out->target_sparsity = sparsity;
	k = (uint64_t)floor((1.0 - sparsity) * (double)n + 0.5);
	if (k > n)
		k = n;
	mask = calloc((size_t)n, 1);
	if (!mask)
		return gs_errf(err, "prune: out of memory for a %u x %u mask", rows, cols);
	switch (p->kind) {
	case PAT_DENSE:
		memset(mask, 1, (size_t)n);
		break;
	case PAT_UNSTRUCTURED:
		mask_unstructured(w, n, k, mask);
		break;
	case PAT_BLOCK:
		if (mask_block(w, rows, cols, p->br, p->bc, k, mask, err))
			goto out;
		break;
	case PAT_NM:
		if (mask_nm(w, rows, cols, p->n, p->m, mask, err))
			goto out;
		break;
	case PAT_GS:
		bank = malloc((size_t)cols * sizeof(*bank));
		if (!bank) {
			gs_errf(err, "prune: out of memory");
			goto out;
		}
		for (c = 0; c < cols; c++) {
			bank[c] = col_bank ? col_bank[c] : c % (uint32_t)p->B;
			if (bank[c] >= (uint32_t)p->B) {
				gs_errf(err, "prune: column %u is in bank %u, not below B=%d", c,
					bank[c], p->B);
				goto out;
			}
		}
		if (prune_gs_mask(w, rows, cols, bank, p, sparsity, mask, err))
			goto out;
		break;
	}
	if (csr_from_mask(w, mask, out, err))
		goto out;
	if (p->kind == PAT_GS && gs_pack(out, bank, err))
		goto out;
	out->sparsity = 1.0 - (double)out->nnz / (double)n;
	prune_quality(w, out);
	rc = 0;
out:
	if (rc)
		pruned_free(out);
	free(mask);
	free(bank);
	return rc;
}
