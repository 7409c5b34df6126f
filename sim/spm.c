/*
** spm.c: the banked scratchpad's cost model (see spm.h).
** spm_access_cost runs once per gather/scatter, so it allocates nothing and
** never walks all banks: per-bank loads and the set of words already seen
** carry a generation stamp, and a stale stamp reads as zero / absent.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "spm.h"

/* Words an element of eb bytes can cover at any byte alignment. */
static int words_per_elem_max(int eb, int bw)
{
	return (eb + bw - 2) / bw + 1;
}

static int log2_exact(int v)
{
	int k = 0;

	if (v <= 0 || (v & (v - 1)))
		return -1;
	while ((1 << k) < v)
		k++;
	return k;
}

void spm_free(struct spm *s)
{
	free(s->bank_reads);
	free(s->bank_writes);
	free(s->scratch_words);
	free(s->scratch_load);
	free(s->scratch_word_gen);
	free(s->scratch_bank_gen);
	s->bank_reads = s->bank_writes = s->scratch_words = NULL;
	s->scratch_load = s->scratch_word_gen = s->scratch_bank_gen = NULL;
}

int spm_init(struct spm *s, const struct gs_config *cfg)
{
	size_t banks, hash_slots;
	int max_words;

	*s = (struct spm){ 0 };
	s->banks = cfg->scratchpad.banks;
	s->bank_width = cfg->scratchpad.bank_width_bytes;
	s->ports = cfg->scratchpad.ports_per_bank;
	s->mapping = cfg->scratchpad.mapping;
	s->elem_bytes = cfg->vector.element_bytes;
	s->multicast = cfg->gse.multicast != 0;
	s->merge_writes = cfg->gse.scatter_same_address == SCATTER_DUP_MERGE;
	s->size_bytes = cfg_spm_bytes(cfg);
	/* cfg_validate has checked these. */
	assert(s->banks > 0 && s->bank_width > 0 && s->ports > 0 && s->elem_bytes > 0);
	s->bank_shift = log2_exact(s->banks);

	max_words = GS_MAX_LANES * words_per_elem_max(s->elem_bytes, s->bank_width);
	s->hash_bits = 1;
	while ((1L << s->hash_bits) < 2L * max_words)
		s->hash_bits++;
	hash_slots = (size_t)1 << s->hash_bits;
	banks = (size_t)s->banks;

	s->bank_reads = calloc(banks, sizeof *s->bank_reads);
	s->bank_writes = calloc(banks, sizeof *s->bank_writes);
	s->scratch_load = calloc(banks, sizeof *s->scratch_load);
	s->scratch_bank_gen = calloc(banks, sizeof *s->scratch_bank_gen);
	s->scratch_words = calloc(hash_slots, sizeof *s->scratch_words);
	s->scratch_word_gen = calloc(hash_slots, sizeof *s->scratch_word_gen);
	if (!s->bank_reads || !s->bank_writes || !s->scratch_load ||
	    !s->scratch_bank_gen || !s->scratch_words || !s->scratch_word_gen) {
		spm_free(s);
		return -1;
	}
	return 0;
}

uint32_t bank_of_word(const struct spm *s, uint64_t word)
{
	if (s->bank_shift >= 0) {
		uint64_t mask = ((uint64_t)1 << s->bank_shift) - 1;

		if (s->mapping == SPM_MAP_XOR)
			word ^= word >> s->bank_shift;
		return (uint32_t)(word & mask);
	}
	/* Not a power of two: only interleave passes validation, but keep the
	** xor formula defined anyway. */
	if (s->mapping == SPM_MAP_XOR)
		word ^= word / (uint64_t)s->banks;
	return (uint32_t)(word % (uint64_t)s->banks);
}

uint32_t bank_of_addr(const struct spm *s, uint64_t byte_addr)
{
	return bank_of_word(s, byte_addr / (uint64_t)s->bank_width);
}

/* A fresh stamp; on wrap-around every old stamp is wiped once. */
static uint32_t next_gen(struct spm *s)
{
	if (++s->gen == 0) {
		memset(s->scratch_word_gen, 0,
		       ((size_t)1 << s->hash_bits) * sizeof *s->scratch_word_gen);
		memset(s->scratch_bank_gen, 0,
		       (size_t)s->banks * sizeof *s->scratch_bank_gen);
		s->gen = 1;
	}
	return s->gen;
}

/* Add word to this call's set; 1 if it was new, 0 if already there. The
** table is at most half full, so probing ends. */
static int word_set_insert(struct spm *s, uint64_t word, uint32_t gen)
{
	uint64_t mask = ((uint64_t)1 << s->hash_bits) - 1;
	uint64_t i = (word * 0x9e3779b97f4a7c15u) >> (64 - s->hash_bits);

	while (s->scratch_word_gen[i] == gen) {
		if (s->scratch_words[i] == word)
			return 0;
		i = (i + 1) & mask;
	}
	s->scratch_word_gen[i] = gen;
	s->scratch_words[i] = word;
	return 1;
}

struct spm_cost spm_access_cost(struct spm *s, enum spm_kind kind,
				const uint64_t *addr, int n)
{
	struct spm_cost c = { 0, 0, 0 };
	int share = kind == SPM_READ ? s->multicast : s->merge_writes;
	uint64_t *served = kind == SPM_READ ? s->bank_reads : s->bank_writes;
	uint64_t bw = (uint64_t)s->bank_width;
	uint64_t eb = (uint64_t)s->elem_bytes;
	uint32_t gen;

	if (n <= 0)
		return c;
	assert(n <= GS_MAX_LANES);
	gen = next_gen(s);
	for (int i = 0; i < n; i++) {
		uint64_t first = addr[i] / bw;
		uint64_t count = (addr[i] % bw + eb - 1) / bw + 1;

		for (uint64_t k = 0; k < count; k++) {
			uint64_t w = first + k;
			uint32_t b;

			if (share && !word_set_insert(s, w, gen))
				continue;
			b = bank_of_word(s, w);
			if (s->scratch_bank_gen[b] != gen) {
				s->scratch_bank_gen[b] = gen;
				s->scratch_load[b] = 0;
			}
			if (++s->scratch_load[b] > c.max_bank_load)
				c.max_bank_load = s->scratch_load[b];
			served[b]++;
			c.words++;
		}
	}
	c.passes = (c.max_bank_load + (uint32_t)s->ports - 1) / (uint32_t)s->ports;
	return c;
}
