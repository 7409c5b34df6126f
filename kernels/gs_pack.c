/*
** gs_pack.c: pack a GS(V, h, B)-conforming csr into buckets
** (gs-patterns.md §1.2 and Appendix A). Per group of r = V/h rows with
** t buckets: split row li into h virtual rows v = li*h + j (its kept
** entries j, j+h, ... in column order, t each), so lane v of every bucket
** takes one entry of virtual row v. The bipartite multigraph virtual rows x
** banks has degree t on the left and <= t on the right; dummy left vertices
** fill every bank up to t, giving a t-regular graph on B + B vertices, which
** splits into t perfect matchings (König): one matching = one bucket with V
** distinct banks. Matchings are found with Kuhn's augmenting paths on the
** B x B multiplicity table, keeping the previous bucket's pairs that still
** have edges so only broken pairs are re-augmented.
** Fast path (h = V = B, one row per group): bucket u, lane l takes the u-th
** kept entry of bank l, which is the same thing without the search.
*/
#include <stdlib.h>
#include <string.h>

#include "gs_check.h"
#include "prune.h"

struct pack_ws {
	int B;
	uint32_t *cnt;		/* B x B: remaining edges left vertex v -> bank b */
	int *mate_l, *mate_r;	/* bank of left vertex / left vertex of bank, or -1 */
	uint8_t *seen;
	uint32_t *lstart;	/* V*B + 1: entries of (v, b) */
	uint32_t *cursor;	/* V*B */
	uint32_t *list;		/* csr indices, (v, b)-major, columns ascending */
	uint32_t *own_bank;	/* c mod B when the caller gave no bank map */
};

static int kuhn(struct pack_ws *k, int v)
{
	int b, B = k->B;

	for (b = 0; b < B; b++) {
		if (!k->cnt[v * B + b] || k->seen[b])
			continue;
		k->seen[b] = 1;
		if (k->mate_r[b] < 0 || kuhn(k, k->mate_r[b])) {
			k->mate_r[b] = v;
			k->mate_l[v] = b;
			return 1;
		}
	}
	return 0;
}

/* Lists of the csr entries of virtual row v in bank b (v < nv). */
static void build_lists(struct pack_ws *k, const struct pruned *p, const uint32_t *bank,
			uint32_t i0, uint32_t nv, uint32_t h, int by_bank)
{
	uint32_t B = (uint32_t)k->B, v, x, e;

	memset(k->lstart, 0, ((size_t)nv * B + 1) * sizeof(*k->lstart));
	for (v = 0; v < nv; v++) {
		uint32_t i = by_bank ? i0 : i0 + v / h, j = by_bank ? 0 : v % h;

		for (e = p->csr.ptr[i] + j; e < p->csr.ptr[i + 1]; e += by_bank ? 1 : h) {
			uint32_t b = bank[p->csr.col[e]];

			if (!by_bank || b == v)
				k->lstart[v * B + b + 1]++;
		}
	}
	for (x = 0; x < nv * B; x++)
		k->lstart[x + 1] += k->lstart[x];
	memcpy(k->cursor, k->lstart, (size_t)nv * B * sizeof(*k->cursor));
	for (v = 0; v < nv; v++) {
		uint32_t i = by_bank ? i0 : i0 + v / h, j = by_bank ? 0 : v % h;

		for (e = p->csr.ptr[i] + j; e < p->csr.ptr[i + 1]; e += by_bank ? 1 : h) {
			uint32_t b = bank[p->csr.col[e]];

			if (!by_bank || b == v)
				k->list[k->cursor[v * B + b]++] = e;
		}
	}
	memcpy(k->cursor, k->lstart, (size_t)nv * B * sizeof(*k->cursor));
}

static void put_lane(struct gs_buckets *gs, const struct pruned *p, uint32_t V, uint32_t j,
		     uint32_t l, uint32_t e)
{
	gs->col[(uint64_t)j * V + l] = p->csr.col[e];
	gs->val[(uint64_t)j * V + l] = p->csr.val[e];
}

/* The general König packing of one group (rows from i0, rr of them). */
static int pack_group(struct pack_ws *k, struct pruned *p, const uint32_t *bank, uint32_t g,
		      uint32_t i0, uint32_t rr, uint32_t t, struct gs_err *err)
{
	struct gs_buckets *gs = &p->gs;
	uint32_t V = (uint32_t)p->pat.V, h = (uint32_t)p->pat.h, B = (uint32_t)k->B;
	uint32_t R = rr * h, v, b, u, x, dummy = R, dfill = 0;

	build_lists(k, p, bank, i0, R, h, 0);
	memset(k->cnt, 0, (size_t)B * B * sizeof(*k->cnt));
	for (v = 0; v < R; v++)
		for (b = 0; b < B; b++)
			k->cnt[v * B + b] = k->lstart[v * B + b + 1] - k->lstart[v * B + b];
	/* Dummy left vertices R..B-1 take each bank's deficit t - degree. */
	for (b = 0; b < B; b++) {
		uint32_t deg = 0, def;

		for (v = 0; v < R; v++)
			deg += k->cnt[v * B + b];
		for (def = t - deg; def > 0;) {
			uint32_t amt = def < t - dfill ? def : t - dfill;

			k->cnt[dummy * B + b] += amt;
			def -= amt;
			dfill += amt;
			if (dfill == t) {
				dummy++;
				dfill = 0;
			}
		}
	}
	for (x = 0; x < B; x++)
		k->mate_l[x] = k->mate_r[x] = -1;
	for (u = 0; u < t; u++) {
		uint32_t j = gs->ptr[g] + u;

		for (v = 0; v < B; v++) {
			if (k->mate_l[v] >= 0)
				continue;
			memset(k->seen, 0, B);
			if (!kuhn(k, (int)v))
				return gs_errf(err, "gs_pack: internal error: no perfect matching "
					       "(group %u, bucket %u)", g, u);
		}
		for (v = 0; v < V; v++) {
			if (v < R)
				put_lane(gs, p, V, j, v, k->list[k->cursor[v * B + (uint32_t)k->mate_l[v]]++]);
			else {
				gs->col[(uint64_t)j * V + v] = GS_COL_NONE;
				gs->val[(uint64_t)j * V + v] = 0;
			}
		}
		for (v = 0; v < B; v++) {
			b = (uint32_t)k->mate_l[v];
			if (--k->cnt[v * B + b] == 0) {
				k->mate_l[v] = -1;
				k->mate_r[b] = -1;
			}
		}
	}
	return 0;
}

/* h = V = B: one row per group, exactly t entries in every bank. */
static void pack_row_by_bank(struct pack_ws *k, struct pruned *p, const uint32_t *bank,
			     uint32_t g, uint32_t t)
{
	uint32_t V = (uint32_t)p->pat.V, B = (uint32_t)k->B, u, l;

	build_lists(k, p, bank, g, V, 1, 1);
	for (u = 0; u < t; u++)
		for (l = 0; l < V; l++)
			put_lane(&p->gs, p, V, p->gs.ptr[g] + u, l, k->list[k->lstart[l * B + l] + u]);
}

int gs_pack(struct pruned *p, const uint32_t *bank, struct gs_err *err)
{
	struct gs_buckets *gs = &p->gs;
	uint32_t V = (uint32_t)p->pat.V, h = (uint32_t)p->pat.h, r = V / h, B = (uint32_t)p->pat.B;
	uint32_t ngroups = (p->rows + r - 1) / r, g, l, *tg;
	uint64_t nb;
	struct pack_ws k;
	char why[256];
	int rc = -1;

	memset(&k, 0, sizeof(k));
	tg = malloc(((size_t)ngroups + 1) * sizeof(*tg));
	if (!bank) {
		k.own_bank = malloc(((size_t)p->cols + 1) * sizeof(*k.own_bank));
		if (k.own_bank)
			for (g = 0; g < p->cols; g++)
				k.own_bank[g] = g % B;
		bank = k.own_bank;
	}
	if (!tg || !bank) {
		free(tg);
		free(k.own_bank);
		return gs_errf(err, "gs_pack: out of memory");
	}
	if (!gs_check_csr(&p->csr, p->rows, p->cols, p->pat.V, p->pat.h, p->pat.B, bank, tg,
			  why, sizeof(why))) {
		gs_errf(err, "gs_pack: not GS(%u, %u, %u)-conforming: %s", V, h, B, why);
		goto out;
	}
	gs->ngroups = ngroups;
	gs->ptr = malloc(((size_t)ngroups + 1) * sizeof(*gs->ptr));
	gs->rowind = malloc((size_t)ngroups * V * sizeof(*gs->rowind));
	if (!gs->ptr || !gs->rowind)
		goto oom;
	gs->ptr[0] = 0;
	for (g = 0; g < ngroups; g++)
		gs->ptr[g + 1] = gs->ptr[g] + tg[g];
	nb = gs->ptr[ngroups];
	gs->col = malloc((size_t)(nb ? nb : 1) * V * sizeof(*gs->col));
	gs->val = malloc((size_t)(nb ? nb : 1) * V * sizeof(*gs->val));
	k.B = (int)B;
	k.cnt = malloc((size_t)B * B * sizeof(*k.cnt));
	k.mate_l = malloc(B * sizeof(*k.mate_l));
	k.mate_r = malloc(B * sizeof(*k.mate_r));
	k.seen = malloc(B);
	k.lstart = malloc(((size_t)V * B + 1) * sizeof(*k.lstart));
	k.cursor = malloc((size_t)V * B * sizeof(*k.cursor));
	k.list = malloc((size_t)r * p->cols * sizeof(*k.list));
	if (!gs->col || !gs->val || !k.cnt || !k.mate_l || !k.mate_r || !k.seen || !k.lstart ||
	    !k.cursor || !k.list)
		goto oom;
	for (g = 0; g < ngroups; g++) {
		uint32_t i0 = g * r, rr = p->rows - i0 < r ? p->rows - i0 : r;

		for (l = 0; l < V; l++)
			gs->rowind[(uint64_t)g * V + l] = l / h < rr ? i0 + l / h : UINT32_MAX;
		if (h == V && B == V)
			pack_row_by_bank(&k, p, bank, g, tg[g]);
		else if (pack_group(&k, p, bank, g, i0, rr, tg[g], err))
			goto out;
	}
	rc = 0;
	goto out;
oom:
	gs_errf(err, "gs_pack: out of memory");
out:
	free(tg);
	free(k.own_bank);
	free(k.cnt);
	free(k.mate_l);
	free(k.mate_r);
	free(k.seen);
	free(k.lstart);
	free(k.cursor);
	free(k.list);
	return rc;
}
