/*
** prune_gs.c: GS(V, h, B) mask selection (gs-patterns.md §5.2).
** Rows are taken in groups of r = V/h. For a group with bucket count t,
** choose the kept set S maximising sum |w| subject to: every row keeps
** exactly h*t entries and every bank class at most t. That is a max-weight
** common independent set of two partition matroids = a min-cost flow
**   S -> row (cap h*t) -> bank (one unit arc per entry, cost -|w|) -> T (cap t).
** Greedy (descending |w|, accept while both caps allow) is fast and nearly
** optimal; when it leaves a row short, the exact solver takes its partial
** selection, cancels negative residual cycles (making it min-cost for its
** size) and finishes with successive shortest paths. The flow runs on the
** compact graph rows x banks: the entries of cell (row, bank) are sorted by
** |w|, and x units on the cell mean its top x entries, so the unit arcs'
** costs are the cell's next / last kept magnitude (concave gains).
** Costs are |w| scaled to integers (2^40 = the group's largest |w|) so
** cycle detection is exact.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prune.h"

#define Q_SCALE 0x1.0p40
#define DIST_INF INT64_MAX

struct gs_ws {
	const float *w;
	const uint32_t *bank;
	uint32_t cols, rr, i0, t, ht;	/* rows in the group, first row, buckets, h*t */
	int B;
	uint64_t *keys;			/* rr*cols sort keys */
	uint32_t *rowcnt, *bankcnt;	/* greedy's counts; the flow's S->row, bank->T flows */
	uint32_t *cell_start;		/* rr*B + 1: cell (li, b) = entries [start, start+1) */
	uint32_t *cell_x;		/* rr*B: kept entries of the cell (a prefix) */
	uint32_t *cell_col;		/* rr*cols: columns, cell by cell, |w| descending */
	int64_t *cell_q;		/* rr*cols: their quantised |w| */
	uint32_t *fill;			/* B: counting-sort cursors */
	int64_t *dist;
	int *par;
};

static uint32_t abs_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u & 0x7fffffffu;
}

/* Can rr rows keep h*t entries each with at most t per bank class, when
** bank b has nb[b] columns? Flow bound: sum_b min(t, rr*nb[b]) >= rr*h*t. */
static int feasible(const uint32_t *nb, int B, uint32_t rr, int h, uint32_t t)
{
	uint64_t cap = 0;
	int b;

	for (b = 0; b < B; b++) {
		uint64_t m = (uint64_t)rr * nb[b];

		cap += m < t ? m : t;
	}
	return cap >= (uint64_t)rr * h * t;
}

/* Largest feasible t <= want (the feasible set is an interval from 0:
** the slack sum_b min(t, rr*nb_b) - rr*h*t is concave and 0 at t = 0). */
static uint32_t clamp_t(const uint32_t *nb, int B, uint32_t rr, int h, uint32_t cols,
			uint32_t want)
{
	uint32_t lo = 0, hi = cols / (uint32_t)h;

	if (want < hi)
		hi = want;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo + 1) / 2;

		if (feasible(nb, B, rr, h, mid))
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* Greedy selection into mask; 1 if every row got h*t entries. */
static int greedy(struct gs_ws *g, uint8_t *mask)
{
	size_t n = (size_t)g->rr * g->cols, m, pos;
	uint64_t need = (uint64_t)g->rr * g->ht, got = 0;
	uint64_t base = (uint64_t)g->i0 * g->cols, i;

	memset(g->rowcnt, 0, g->rr * sizeof(*g->rowcnt));
	memset(g->bankcnt, 0, (size_t)g->B * sizeof(*g->bankcnt));
	if (need == 0)
		return 1;
	for (i = 0; i < n; i++)
		g->keys[i] = PRUNE_KEY(abs_bits(g->w[base + i]), base + i);
	/* Greedy rarely looks far past the first `need` keys: sort a prefix
	** first and the rest only if it does. */
	m = need * 2 + 64 < n ? (size_t)need * 2 + 64 : n;
	prune_select_desc(g->keys, n, m);
	prune_sort_desc(g->keys, m);
	for (pos = 0; pos < n && got < need; pos++) {
		uint32_t idx, li, c, b;

		if (pos == m) {
			prune_sort_desc(g->keys + m, n - m);
			m = n;
		}
		idx = PRUNE_KEY_IDX(g->keys[pos]);
		li = (uint32_t)((idx - base) / g->cols);
		c = (uint32_t)((idx - base) % g->cols);
		b = g->bank[c];
		if (g->rowcnt[li] < g->ht && g->bankcnt[b] < g->t) {
			g->rowcnt[li]++;
			g->bankcnt[b]++;
			mask[idx] = 1;
			got++;
		}
	}
	return got == need;
}

/* Entries of every cell (li, b), |w| descending (ties: lower column). */
static void build_cells(struct gs_ws *g)
{
	uint32_t li, c, b, B = (uint32_t)g->B;
	float maxabs = 0;
	uint64_t *k = g->keys;	/* free again after greedy: cols keys per row */

	for (li = 0; li < g->rr; li++)
		for (c = 0; c < g->cols; c++) {
			float a = fabsf(g->w[(uint64_t)(g->i0 + li) * g->cols + c]);

			if (a > maxabs)
				maxabs = a;
		}
	memset(g->cell_start, 0, ((size_t)g->rr * B + 1) * sizeof(uint32_t));
	for (li = 0; li < g->rr; li++)
		for (c = 0; c < g->cols; c++)
			g->cell_start[li * B + g->bank[c] + 1]++;
	for (c = 0; c < g->rr * B; c++)
		g->cell_start[c + 1] += g->cell_start[c];
	for (li = 0; li < g->rr; li++) {
		const float *row = g->w + (uint64_t)(g->i0 + li) * g->cols;

		for (c = 0; c < g->cols; c++)
			k[c] = PRUNE_KEY(abs_bits(row[c]), c);
		prune_sort_desc(k, g->cols);
		for (b = 0; b < B; b++)
			g->fill[b] = g->cell_start[li * B + b];
		for (c = 0; c < g->cols; c++) {
			uint32_t col = PRUNE_KEY_IDX(k[c]), at = g->fill[g->bank[col]]++;

			g->cell_col[at] = col;
			g->cell_q[at] = maxabs > 0 ?
				(int64_t)llround((double)fabsf(row[col]) / maxabs * Q_SCALE) : 0;
		}
	}
}

/* Node numbering: S = 0, row li = 1 + li, bank b = 1 + rr + b, then T. */
static int node_bank(const struct gs_ws *g, int b)
{
	return 1 + (int)g->rr + b;
}

static int node_t(const struct gs_ws *g)
{
	return 1 + (int)g->rr + g->B;
}

static void relax(struct gs_ws *g, int u, int v, int64_t cost, int *changed)
{
	if (g->dist[u] != DIST_INF && g->dist[u] + cost < g->dist[v]) {
		g->dist[v] = g->dist[u] + cost;
		g->par[v] = u;
		*changed = v;
	}
}

/* One Bellman-Ford pass over the residual arcs; the last node improved or -1. */
static int relax_all(struct gs_ws *g)
{
	uint32_t li, B = (uint32_t)g->B, b;
	int changed = -1, tn = node_t(g);

	for (li = 0; li < g->rr; li++) {
		int r = 1 + (int)li;

		if (g->rowcnt[li] < g->ht)
			relax(g, 0, r, 0, &changed);
		if (g->rowcnt[li] > 0)
			relax(g, r, 0, 0, &changed);
		for (b = 0; b < B; b++) {
			uint32_t cell = li * B + b, x = g->cell_x[cell], s = g->cell_start[cell];
			int bn = node_bank(g, (int)b);

			if (x < g->cell_start[cell + 1] - s)
				relax(g, r, bn, -g->cell_q[s + x], &changed);
			if (x > 0)
				relax(g, bn, r, g->cell_q[s + x - 1], &changed);
		}
	}
	for (b = 0; b < B; b++) {
		int bn = node_bank(g, (int)b);

		if (g->bankcnt[b] < g->t)
			relax(g, bn, tn, 0, &changed);
		if (g->bankcnt[b] > 0)
			relax(g, tn, bn, 0, &changed);
	}
	return changed;
}

/* Move one unit along the residual arc u -> v. */
static void push(struct gs_ws *g, int u, int v)
{
	int rows_end = 1 + (int)g->rr, tn = node_t(g);

	if (u == 0)
		g->rowcnt[v - 1]++;
	else if (v == 0)
		g->rowcnt[u - 1]--;
	else if (v == tn)
		g->bankcnt[u - rows_end]++;
	else if (u == tn)
		g->bankcnt[v - rows_end]--;
	else if (u < rows_end)
		g->cell_x[(uint32_t)(u - 1) * (uint32_t)g->B + (uint32_t)(v - rows_end)]++;
	else
		g->cell_x[(uint32_t)(v - 1) * (uint32_t)g->B + (uint32_t)(u - rows_end)]--;
}

/* Cancel negative residual cycles until none is left. 0, or -1 on a
** broken invariant. */
static int cancel_cycles(struct gs_ws *g, struct gs_err *err)
{
	int nn = node_t(g) + 1, i, v, u, iter;

	for (;;) {
		for (i = 0; i < nn; i++) {
			g->dist[i] = 0;		/* a virtual source reaching every node */
			g->par[i] = -1;
		}
		v = -1;
		for (iter = 0; iter < nn; iter++) {
			v = relax_all(g);
			if (v < 0)
				return 0;
		}
		/* Still improving after nn passes: v hangs off a negative cycle. */
		for (i = 0; i < nn && v >= 0; i++)
			v = g->par[v];
		if (v < 0)
			return gs_errf(err, "prune: internal error: broken cycle in GS selection");
		u = v;
		i = 0;
		do {
			if (g->par[u] < 0 || i++ > nn)
				return gs_errf(err, "prune: internal error: broken cycle in GS selection");
			push(g, g->par[u], u);
			u = g->par[u];
		} while (u != v);
	}
}

/* Successive shortest paths until every row has h*t entries. */
static int augment_all(struct gs_ws *g, struct gs_err *err)
{
	uint64_t need = (uint64_t)g->rr * g->ht, have = 0;
	int nn = node_t(g) + 1, tn = node_t(g), i, u;
	uint32_t li;

	for (li = 0; li < g->rr; li++)
		have += g->rowcnt[li];
	for (; have < need; have++) {
		for (i = 0; i < nn; i++) {
			g->dist[i] = DIST_INF;
			g->par[i] = -1;
		}
		g->dist[0] = 0;
		for (i = 0; i < nn && relax_all(g) >= 0; i++)
			;
		if (g->dist[tn] == DIST_INF)
			return gs_errf(err, "prune: internal error: GS selection infeasible "
				       "(group at row %u, t=%u)", g->i0, g->t);
		for (u = tn, i = 0; u != 0; u = g->par[u]) {
			if (g->par[u] < 0 || i++ > nn)
				return gs_errf(err, "prune: internal error: broken path in GS selection");
			push(g, g->par[u], u);
		}
	}
	return 0;
}

/* Exact selection; seeded with greedy's (partial) choice already in mask. */
static int exact(struct gs_ws *g, uint8_t *mask, int seeded, struct gs_err *err)
{
	uint32_t li, b, B = (uint32_t)g->B, e;

	build_cells(g);
	memset(g->cell_x, 0, (size_t)g->rr * B * sizeof(*g->cell_x));
	memset(g->rowcnt, 0, g->rr * sizeof(*g->rowcnt));
	memset(g->bankcnt, 0, B * sizeof(*g->bankcnt));
	for (li = 0; li < g->rr; li++) {
		uint8_t *mr = mask + (uint64_t)(g->i0 + li) * g->cols;

		for (b = 0; b < B; b++) {
			uint32_t cell = li * B + b;

			/* Greedy's picks in a cell are a prefix of its order. */
			for (e = g->cell_start[cell]; seeded && e < g->cell_start[cell + 1] &&
			     mr[g->cell_col[e]]; e++)
				g->cell_x[cell]++;
			g->rowcnt[li] += g->cell_x[cell];
			g->bankcnt[b] += g->cell_x[cell];
		}
		memset(mr, 0, g->cols);
	}
	if (cancel_cycles(g, err) || augment_all(g, err))
		return -1;
	for (li = 0; li < g->rr; li++) {
		uint8_t *mr = mask + (uint64_t)(g->i0 + li) * g->cols;

		for (b = 0; b < B; b++) {
			uint32_t cell = li * B + b, s = g->cell_start[cell];

			for (e = 0; e < g->cell_x[cell]; e++)
				mr[g->cell_col[s + e]] = 1;
		}
	}
	return 0;
}

static int ws_alloc(struct gs_ws *g, uint32_t r, uint32_t cols, int B)
{
	size_t nn = (size_t)r + (size_t)B + 2;

	g->keys = malloc((size_t)r * cols * sizeof(*g->keys));
	g->rowcnt = malloc(r * sizeof(*g->rowcnt));
	g->bankcnt = malloc((size_t)B * sizeof(*g->bankcnt));
	g->cell_start = malloc(((size_t)r * B + 1) * sizeof(*g->cell_start));
	g->cell_x = malloc((size_t)r * B * sizeof(*g->cell_x));
	g->cell_col = malloc((size_t)r * cols * sizeof(*g->cell_col));
	g->cell_q = malloc((size_t)r * cols * sizeof(*g->cell_q));
	g->fill = malloc((size_t)B * sizeof(*g->fill));
	g->dist = malloc(nn * sizeof(*g->dist));
	g->par = malloc(nn * sizeof(*g->par));
	return g->keys && g->rowcnt && g->bankcnt && g->cell_start && g->cell_x &&
	       g->cell_col && g->cell_q && g->fill && g->dist && g->par ? 0 : -1;
}

static void ws_free(struct gs_ws *g)
{
	free(g->keys);
	free(g->rowcnt);
	free(g->bankcnt);
	free(g->cell_start);
	free(g->cell_x);
	free(g->cell_col);
	free(g->cell_q);
	free(g->fill);
	free(g->dist);
	free(g->par);
}

/* Per-row counts of the global top k by |w| (ties to the lower index). */
static void global_row_counts(const float *w, uint32_t rows, uint32_t cols, uint64_t k,
			      uint32_t *cnt)
{
	uint64_t n = (uint64_t)rows * cols, i, above = 0, ties;
	uint32_t thr = prune_kth_abs_bits(w, n, k);

	memset(cnt, 0, rows * sizeof(*cnt));
	if (k == 0)
		return;
	for (i = 0; i < n; i++)
		above += abs_bits(w[i]) > thr;
	ties = k - above;
	for (i = 0; i < n; i++) {
		uint32_t b = abs_bits(w[i]);

		if (b > thr || (b == thr && ties > 0)) {
			ties -= b == thr;
			cnt[i / cols]++;
		}
	}
}

int prune_gs_mask(const float *w, uint32_t rows, uint32_t cols, const uint32_t *bank,
		  const struct pattern *p, double sparsity, uint8_t *mask, struct gs_err *err)
{
	uint32_t r = (uint32_t)(p->V / p->h), ngroups = (rows + r - 1) / r, gi, c, t_uni = 0;
	uint32_t *nb = calloc((size_t)p->B, sizeof(*nb)), *rowkept = NULL;
	struct gs_ws g;
	int rc = -1;

	memset(&g, 0, sizeof(g));
	if (!nb || ws_alloc(&g, r, cols, p->B)) {
		gs_errf(err, "prune: out of memory for GS selection");
		goto out;
	}
	g.w = w;
	g.bank = bank;
	g.cols = cols;
	g.B = p->B;
	for (c = 0; c < cols; c++)
		nb[bank[c]]++;
	if (p->nonuniform) {
		uint64_t k = (uint64_t)floor((1.0 - sparsity) * (double)rows * cols + 0.5);

		rowkept = malloc(rows * sizeof(*rowkept));
		if (!rowkept) {
			gs_errf(err, "prune: out of memory");
			goto out;
		}
		global_row_counts(w, rows, cols, k, rowkept);
	} else {
		/* One t for all groups; a partial group can take what a full one can. */
		t_uni = clamp_t(nb, p->B, rows < r ? rows : r, p->h, cols,
				(uint32_t)floor((1.0 - sparsity) * cols / p->h + 0.5));
	}
	for (gi = 0; gi < ngroups; gi++) {
		g.i0 = gi * r;
		g.rr = rows - g.i0 < r ? rows - g.i0 : r;
		g.t = t_uni;
		if (p->nonuniform) {
			uint64_t kept = 0, den = (uint64_t)g.rr * (uint64_t)p->h;
			uint32_t li;

			for (li = 0; li < g.rr; li++)
				kept += rowkept[g.i0 + li];
			g.t = clamp_t(nb, p->B, g.rr, p->h, cols,
				      (uint32_t)((2 * kept + den) / (2 * den)));
		}
		g.ht = (uint32_t)p->h * g.t;
		if (p->exact) {
			if (exact(&g, mask, 0, err))	/* from scratch: pure SSP */
				goto out;
		} else if (!greedy(&g, mask) && exact(&g, mask, 1, err)) {
			goto out;
		}
	}
	rc = 0;
out:
	ws_free(&g);
	free(nb);
	free(rowkept);
	return rc;
}
