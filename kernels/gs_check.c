/*
** gs_check.c: GS(V, h, B) conformance of masks, csr matrices and packed
** buckets (gs-patterns.md §1.2; the checker of Appendix A, extended to the
** bucket format and to a last partial group). See gs_check.h.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gs_check.h"

static int say(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Write the reason (if wanted) and return 0 = "not conforming". */
static int say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return 0;
}

static uint32_t bank_of(const uint32_t *col_bank, int B, uint32_t c)
{
	return col_bank ? col_bank[c] : c % (uint32_t)B;
}

static int check_params(int V, int h, int B, char *why, size_t whylen)
{
	if (V < 1 || V > GS_PAT_MAX_V || h < 1 || V % h || B < 1 || B > GS_PAT_MAX_B)
		return say(why, whylen, "bad GS parameters V=%d h=%d B=%d", V, h, B);
	return 1;
}

/* Row nnz of rows [i0, i0+rr) as "(a,b,c)". */
static void nnz_list(const uint32_t *ptr, uint32_t i0, uint32_t rr, char *buf, size_t n)
{
	size_t at = 0;
	uint32_t i;

	for (i = 0; i < rr && at < n; i++)
		at += (size_t)snprintf(buf + at, n - at, "%c%u", i ? ',' : '(',
				       ptr[i0 + i + 1] - ptr[i0 + i]);
	if (at < n)
		snprintf(buf + at, n - at, ")");
}

int gs_check_csr(const struct csr *csr, uint32_t rows, uint32_t cols, int V, int h, int B,
		 const uint32_t *col_bank, uint32_t *tg, char *why, size_t whylen)
{
	uint32_t r, i, g, ngroups, cnt[GS_PAT_MAX_B];
	char list[1024];
	int b;

	if (!check_params(V, h, B, why, whylen))
		return 0;
	if (!csr->ptr || csr->ptr[0] != 0)
		return say(why, whylen, "csr: ptr[0] is not 0");
	for (i = 0; i < rows; i++) {
		uint32_t e;

		if (csr->ptr[i + 1] < csr->ptr[i] || csr->ptr[i + 1] - csr->ptr[i] > cols)
			return say(why, whylen, "csr: row %u: bad ptr", i);
		for (e = csr->ptr[i]; e < csr->ptr[i + 1]; e++) {
			if (csr->col[e] >= cols || (e > csr->ptr[i] && csr->col[e] <= csr->col[e - 1]))
				return say(why, whylen, "csr: row %u: columns not ascending "
					   "within 0..%u", i, cols - 1);
			if (bank_of(col_bank, B, csr->col[e]) >= (uint32_t)B)
				return say(why, whylen, "column %u: bank %u not below B=%d",
					   csr->col[e], bank_of(col_bank, B, csr->col[e]), B);
		}
	}
	r = (uint32_t)(V / h);
	ngroups = (rows + r - 1) / r;
	for (g = 0; g < ngroups; g++) {
		uint32_t i0 = g * r, rr = rows - i0 < r ? rows - i0 : r;
		uint32_t nnz = csr->ptr[i0 + 1] - csr->ptr[i0], t, e;

		for (i = i0; i < i0 + rr; i++) {
			if (csr->ptr[i + 1] - csr->ptr[i] != nnz) {
				nnz_list(csr->ptr, i0, rr, list, sizeof(list));
				return say(why, whylen, "group %u: row nnz unequal %s", g, list);
			}
		}
		if (nnz % (uint32_t)h)
			return say(why, whylen, "group %u: row nnz %u not a multiple of h=%d", g, nnz, h);
		t = nnz / (uint32_t)h;
		memset(cnt, 0, sizeof(cnt));
		for (e = csr->ptr[i0]; e < csr->ptr[i0 + rr]; e++)
			cnt[bank_of(col_bank, B, csr->col[e])]++;
		for (b = 0; b < B; b++)
			if (cnt[b] > t)
				return say(why, whylen, "group %u: bank %d count %u > t=%u", g, b,
					   cnt[b], t);
		if (tg)
			tg[g] = t;
	}
	return 1;
}

int gs_check_mask(const uint8_t *mask, uint32_t rows, uint32_t cols, int V, int h, int B,
		  char *why, size_t whylen)
{
	struct csr c = { NULL, NULL, NULL };
	uint64_t n = (uint64_t)rows * cols, i, nnz = 0;
	int ok;

	if (!check_params(V, h, B, why, whylen))
		return 0;
	if (rows == 0 || cols == 0)
		return say(why, whylen, "empty mask (%u x %u)", rows, cols);
	for (i = 0; i < n; i++)
		nnz += mask[i] != 0;
	if (nnz > UINT32_MAX)
		return say(why, whylen, "mask too large");
	c.ptr = malloc(((size_t)rows + 1) * sizeof(*c.ptr));
	c.col = malloc((size_t)(nnz ? nnz : 1) * sizeof(*c.col));
	if (!c.ptr || !c.col) {
		ok = say(why, whylen, "out of memory");
		goto out;
	}
	c.ptr[0] = 0;
	nnz = 0;
	for (i = 0; i < n; i++) {
		if (mask[i])
			c.col[nnz++] = (uint32_t)(i % cols);
		if ((i + 1) % cols == 0)
			c.ptr[(i + 1) / cols] = (uint32_t)nnz;
	}
	ok = gs_check_csr(&c, rows, cols, V, h, B, NULL, NULL, why, whylen);
out:
	free(c.ptr);
	free(c.col);
	return ok;
}

/* Index of column c in csr row i, or UINT32_MAX. */
static uint32_t find_col(const struct csr *csr, uint32_t i, uint32_t c)
{
	uint32_t lo = csr->ptr[i], hi = csr->ptr[i + 1];

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (csr->col[mid] == c)
			return mid;
		if (csr->col[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return UINT32_MAX;
}

/* The buckets of group g (rows [i0, i0+rr), t buckets from ptr[g]). */
static int check_group_buckets(const struct pruned *p, const uint32_t *col_bank, uint32_t g,
			       uint32_t i0, uint32_t rr, uint8_t *used, char *why, size_t whylen)
{
	const struct gs_buckets *gs = &p->gs;
	uint32_t V = (uint32_t)p->pat.V, h = (uint32_t)p->pat.h, j, l, m;
	uint32_t lane_bank[GS_PAT_MAX_V];

	for (l = 0; l < V; l++) {
		uint32_t want = l / h < rr ? i0 + l / h : UINT32_MAX;

		if (gs->rowind[(uint64_t)g * V + l] != want)
			return say(why, whylen, "group %u: lane %u rowind %u, expected %u", g, l,
				   gs->rowind[(uint64_t)g * V + l], want);
	}
	for (j = gs->ptr[g]; j < gs->ptr[g + 1]; j++) {
		const uint32_t *col = gs->col + (uint64_t)j * V;
		const float *val = gs->val + (uint64_t)j * V;
		uint32_t jj = j - gs->ptr[g];

		for (l = 0; l < V; l++) {
			uint32_t i = i0 + l / h, e;

			if (l / h >= rr) {
				if (col[l] != GS_COL_NONE || val[l] != 0)
					return say(why, whylen, "group %u bucket %u: padding lane %u "
						   "not masked", g, jj, l);
				continue;
			}
			if (col[l] >= p->cols)
				return say(why, whylen, "group %u bucket %u: lane %u column %u out of "
					   "range", g, jj, l, col[l]);
			lane_bank[l] = bank_of(col_bank, p->pat.B, col[l]);
			for (m = 0; m < l; m++)
				if (m / h < rr && lane_bank[m] == lane_bank[l])
					return say(why, whylen, "group %u bucket %u: lanes %u and %u "
						   "both in bank %u", g, jj, m, l, lane_bank[l]);
			e = find_col(&p->csr, i, col[l]);
			if (e == UINT32_MAX)
				return say(why, whylen, "group %u bucket %u: lane %u (row %u, column %u) "
					   "is not in the csr", g, jj, l, i, col[l]);
			if (used[e])
				return say(why, whylen, "group %u bucket %u: lane %u (row %u, column %u) "
					   "is in more than one lane", g, jj, l, i, col[l]);
			if (memcmp(&val[l], &p->csr.val[e], sizeof(float)))
				return say(why, whylen, "group %u bucket %u: lane %u (row %u, column %u) "
					   "value differs from the csr", g, jj, l, i, col[l]);
			used[e] = 1;
		}
	}
	return 1;
}

int gs_conformance(const struct pruned *p, const uint32_t *col_bank, char *why, size_t whylen)
{
	const struct gs_buckets *gs = &p->gs;
	uint32_t r, ngroups, g, *tg = NULL;
	uint8_t *used = NULL;
	struct gs_err e;
	int ok = 0;

	if (p->pat.kind != PAT_GS)
		return say(why, whylen, "not a GS pattern");
	if (pattern_check(&p->pat, &e))
		return say(why, whylen, "%s", e.msg);
	r = (uint32_t)(p->pat.V / p->pat.h);
	ngroups = (p->rows + r - 1) / r;
	tg = malloc(((size_t)ngroups + 1) * sizeof(*tg));
	used = calloc((size_t)(p->nnz ? p->nnz : 1), 1);
	if (!tg || !used) {
		say(why, whylen, "out of memory");
		goto out;
	}
	if (!gs_check_csr(&p->csr, p->rows, p->cols, p->pat.V, p->pat.h, p->pat.B, col_bank, tg,
			  why, whylen))
		goto out;
	if (p->csr.ptr[p->rows] != p->nnz) {
		say(why, whylen, "nnz %llu but the csr holds %u", (unsigned long long)p->nnz,
		    p->csr.ptr[p->rows]);
		goto out;
	}
	if (gs->ngroups != ngroups || !gs->ptr || !gs->rowind || gs->ptr[0] != 0) {
		say(why, whylen, "buckets: %u groups, expected %u (or missing arrays)", gs->ngroups,
		    ngroups);
		goto out;
	}
	if (gs->ptr[ngroups] > 0 && (!gs->col || !gs->val)) {
		say(why, whylen, "buckets: missing col/val arrays");
		goto out;
	}
	for (g = 0; g < ngroups; g++) {
		uint32_t i0 = g * r, rr = p->rows - i0 < r ? p->rows - i0 : r;

		if (gs->ptr[g + 1] < gs->ptr[g] || gs->ptr[g + 1] - gs->ptr[g] != tg[g]) {
			say(why, whylen, "group %u: %u buckets, expected t=%u", g,
			    gs->ptr[g + 1] - gs->ptr[g], tg[g]);
			goto out;
		}
		if (!check_group_buckets(p, col_bank, g, i0, rr, used, why, whylen))
			goto out;
	}
	ok = 1;
out:
	free(tg);
	free(used);
	return ok;
}
