/*
** gse.c: gather/scatter engine and bank-array arbitration (see gse.h and
** docs/model.md for the timing rules).
*/
#include <stdlib.h>

#include "gse.h"

int gse_init(struct gse *g, const struct gs_config *cfg)
{
	*g = (struct gse){ 0 };
	if (spm_init(&g->spm, cfg))
		return -1;
	g->cycles_per_pass = cfg->gse.cycles_per_pass;
	g->overlap = cfg->gse.overlap;
	g->latency = cfg->scratchpad.latency;
	g->queue_depth = cfg->gse.queue_depth;
	g->range_count = calloc((size_t)cfg->scratchpad.banks, sizeof *g->range_count);
	if (slot_ring_init(&g->queue, g->queue_depth) || !g->range_count) {
		gse_free(g);
		return -1;
	}
	return 0;
}

void gse_free(struct gse *g)
{
	spm_free(&g->spm);
	slot_ring_free(&g->queue);
	free(g->range_count);
	g->range_count = NULL;
}

uint64_t gse_slot_free_at(const struct gse *g)
{
	return slot_ring_free_at(&g->queue);
}

const struct timeline *gse_slot_timeline(const struct gse *g)
{
	return slot_ring_timeline(&g->queue);
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* Reserve the bank array for `passes` passes of `cpp` cycles from `earliest`. */
static void reserve_banks(struct gse *g, struct spm_timing *st, uint64_t earliest,
			  int cpp)
{
	uint64_t len = (uint64_t)st->cost.passes * (uint64_t)cpp;

	st->start = max_u64(earliest, g->bank_free);
	st->end = st->start + len;
	st->ready = st->end + (uint64_t)g->latency;
	if (len) {
		g->bank_free = st->end;
		g->busy_cycles += len;
	}
	g->last_end = max_u64(g->last_end, st->end);
}

/* The register-wait timeline of an access made at t: waiting behind other
** requests, the first pass and the access latency, the extra passes. */
static void wait_timeline(struct timeline *tl, const struct spm_timing *st,
			  uint64_t cpp)
{
	tl->n = 0;
	tl_push(tl, ST_CPI_GSE_QUEUE, st->start);
	if (st->cost.passes) {
		tl_push(tl, ST_CPI_SPM_LATENCY, st->start + cpp);
		tl_push(tl, ST_CPI_BANK_CONFLICT, st->end);
	}
	tl_push(tl, ST_CPI_SPM_LATENCY, st->ready);
	if (!tl->n)
		tl_single(tl, ST_CPI_SPM_LATENCY, st->ready);
}

struct spm_timing gse_issue(struct gse *g, uint64_t t, enum spm_kind kind,
			    const uint64_t *addr, int n, struct timeline *tl)
{
	struct spm_timing st;
	uint64_t earliest = t;
	struct timeline *slot_tl;

	st.cost = spm_access_cost(&g->spm, kind, addr, n);
	if (!g->overlap)
		earliest = max_u64(earliest, g->last_gse_ready);
	reserve_banks(g, &st, earliest, g->cycles_per_pass);
	if (st.cost.passes == 0) {
		/* Every lane masked: nothing reaches the banks. */
		st.start = st.end = st.ready = t;
	} else {
		g->last_gse_ready = st.ready;
	}
	wait_timeline(tl, &st, (uint64_t)g->cycles_per_pass);

	/* The request holds the oldest free slot until its last pass ends;
	** a stall on a full queue is throughput, not latency. */
	slot_tl = slot_ring_take(&g->queue, st.end);
	slot_tl->n = 0;
	tl_push(slot_tl, ST_CPI_GSE_QUEUE, st.start + (uint64_t)g->cycles_per_pass);
	tl_push(slot_tl, ST_CPI_BANK_CONFLICT, st.end);
	if (!slot_tl->n)
		tl_single(slot_tl, ST_CPI_GSE_QUEUE, st.end);
	return st;
}

struct spm_timing gse_port_access(struct gse *g, uint64_t t, enum spm_kind kind,
				  const uint64_t *addr, int n, struct timeline *tl)
{
	struct spm_timing st;

	st.cost = spm_access_cost(&g->spm, kind, addr, n);
	reserve_banks(g, &st, t, 1);
	wait_timeline(tl, &st, 1);
	return st;
}

struct spm_timing gse_range_access(struct gse *g, uint64_t t, enum spm_kind kind,
				   uint64_t addr, uint64_t bytes)
{
	struct spm *s = &g->spm;
	struct spm_timing st = { 0 };
	uint64_t first = addr / (uint64_t)s->bank_width;
	uint64_t last = (addr + bytes - 1) / (uint64_t)s->bank_width;
	uint64_t *count = g->range_count;
	uint32_t max_load = 0;

	/* A contiguous range: each word once (no lanes to share it). */
	for (int b = 0; b < s->banks; b++)
		count[b] = 0;
	for (uint64_t w = first; w <= last; w++) {
		uint32_t b = bank_of_word(s, w);

		count[b]++;
		if (kind == SPM_READ)
			s->bank_reads[b]++;
		else
			s->bank_writes[b]++;
	}
	for (int b = 0; b < s->banks; b++)
		if (count[b] > max_load)
			max_load = (uint32_t)count[b];
	st.cost.max_bank_load = max_load;
	st.cost.words = (uint32_t)(last - first + 1);
	st.cost.passes = (max_load + (uint32_t)s->ports - 1) / (uint32_t)s->ports;
	reserve_banks(g, &st, t, 1);
	st.ready = st.end;
	return st;
}
