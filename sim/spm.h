/*
** spm.h: the banked scratchpad's cost model.
** A vector access touches bank words; each bank serves ports_per_bank
** distinct words per pass, so an access costs
**     passes = ceil(max over banks of (words that bank must serve) / ports).
** An element wider than a bank word covers consecutive words (and so
** consecutive banks). Whether lanes touching the same word share one access
** depends on the kind of access (see spm_access_cost).
*/
#ifndef gs_spm_h
#define gs_spm_h

#include <stdint.h>

#include "config.h"

enum spm_kind {
	SPM_READ,	/* gather, vload, bcast: same word shared iff gse.multicast */
	SPM_WRITE,	/* scatter, vstore: same word shared iff scatter_same_address = merge */
	SPM_ACCUMULATE	/* scatter.add: same word shared iff scatter_same_address = merge */
};

struct spm_cost {
	uint32_t passes;	/* bank-array passes this access needs (>= 1 if any lane active) */
	uint32_t max_bank_load;	/* words the busiest bank served */
	uint32_t words;		/* bank-word accesses in all (sum over banks) */
};

struct spm {
	int banks, bank_width, ports, mapping, elem_bytes;
	int multicast, merge_writes;
	long size_bytes;
	uint64_t *bank_reads;	/* per bank: word accesses served for reads */
	uint64_t *bank_writes;	/* per bank: word accesses served for writes/accumulates */
	/* Scratch space for spm_access_cost (private to spm.c). Nothing is
	** cleared per call: an entry counts only if its stamp equals gen. */
	uint64_t *scratch_words;	/* hash set of the call's words, 1 << hash_bits slots
					** (>= 2 * GS_MAX_LANES * words per element) */
	uint32_t *scratch_load;		/* per bank: words served by this call */
	uint32_t *scratch_word_gen;	/* stamp per scratch_words slot */
	uint32_t *scratch_bank_gen;	/* stamp per scratch_load entry */
	uint32_t gen;			/* current call's stamp (0 = never used) */
	int hash_bits;
	int bank_shift;			/* log2(banks), or -1 if not a power of two */
};

int spm_init(struct spm *s, const struct gs_config *cfg);	/* 0 or -1 (out of memory) */
void spm_free(struct spm *s);

uint32_t bank_of_word(const struct spm *s, uint64_t word);
uint32_t bank_of_addr(const struct spm *s, uint64_t byte_addr);

/* Cost of one vector access: addr[0..n) are the byte addresses of the
** active lanes' elements (masked lanes are simply left out), each
** elem_bytes long. Adds the served words to bank_reads / bank_writes.
** n == 0 costs 0 passes. */
struct spm_cost spm_access_cost(struct spm *s, enum spm_kind kind,
				const uint64_t *addr, int n);

#endif
