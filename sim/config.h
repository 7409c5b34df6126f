/*
** config.h: the simulated machine's hardware configuration.
** One table in config.c (one row per key: path, type, range, default,
** offset, unit, doc) drives YAML parsing, validation, defaults, --set
** overrides, the canonical dump stored with every run and docs/config.md.
*/
#ifndef gs_config_h
#define gs_config_h

#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define GS_MAX_LANES 64		/* vector.lanes upper bound (lane masks are 64-bit) */
#define GS_MAX_REGS 256		/* vector.registers upper bound (uint8_t register ids) */
#define GS_CFG_NAME_MAX 64
#define GS_CFG_KEYS_MAX 64	/* room in the table of where keys were set */

enum spm_mapping {
	SPM_MAP_INTERLEAVE,	/* bank = word mod banks */
	SPM_MAP_XOR		/* bank = (word xor (word / banks)) mod banks */
};

enum scatter_dup_policy {
	SCATTER_DUP_MERGE,	/* lanes writing one word share one access */
	SCATTER_DUP_SERIALIZE	/* every lane's write is its own access */
};

struct gs_config {
	char name[GS_CFG_NAME_MAX];	/* "name": preset name, default = file stem */
	double clock_ghz;
	struct {
		int lanes;
		int element_bytes;
		int registers;
		int issue_width;	/* instructions issued per cycle, in order */
		int alu_pipes;		/* vector ALU ops (fma/add/mul/reduce) accepted per cycle */
		int lat_fma, lat_add, lat_mul, lat_reduce, lat_broadcast;
	} vector;
	struct {
		int size_kib;
		int banks;
		int bank_width_bytes;
		int ports_per_bank;	/* distinct bank words served per bank per pass */
		int latency;		/* cycles from the end of the last pass to data in a register */
		int mapping;		/* enum spm_mapping */
	} scratchpad;
	struct {
		int queue_depth;	/* gathers/scatters issued but not finished with the banks */
		int multicast;		/* bool: lanes reading one bank word share one access */
		int scatter_same_address; /* enum scatter_dup_policy */
		int cycles_per_pass;
		int overlap;		/* bool: next request may start while the previous one's data is in flight */
	} gse;
	struct {
		int bandwidth_bytes_per_cycle;
		int load_latency;	/* streamed vector loads (mload) */
		int dma_latency;	/* per DMA transfer, before its first byte moves */
		int max_outstanding;	/* streamed loads/stores in flight at once */
		int dma_chunk_bytes;	/* DMA moves data in chunks of this size, interleaved with streams */
		int dma_queue_depth;	/* DMA transfers issued and not yet finished */
	} memory;
	/* Where each key (by table index) was last set in the file: 1-based
	** line and column, 0 for a default or a --set. Only for messages:
	** not part of the dump or the hash. */
	uint32_t key_line[GS_CFG_KEYS_MAX];
	uint32_t key_col[GS_CFG_KEYS_MAX];
};

/* Fill every key with its table default. */
void cfg_defaults(struct gs_config *c);

/* Load a YAML file on top of the defaults. Unknown key, wrong type, value out
** of range, duplicate key, alias/anchor or malformed YAML: returns -1 with
** "file:line:col: key.path: what is wrong (expected ...)" in err. */
int cfg_load_file(struct gs_config *c, const char *path, struct gs_err *err);

/* Apply one "key.path=value" override (the --set option); errors read
** "--set key.path=value: ...". */
int cfg_set(struct gs_config *c, const char *assignment, struct gs_err *err);

/* Cross-key checks (e.g. the xor mapping needs a power-of-two bank count,
** the scratchpad size a whole number of bank rows). Returns -1 with a message
** naming the keys; `where` (a path or "--set") prefixes the message. */
int cfg_validate(const struct gs_config *c, const char *where, struct gs_err *err);

/* Canonical YAML text of every key (resolved values, table order), malloc'd.
** Stored with each run; loading it back yields the same configuration. */
char *cfg_dump(const struct gs_config *c);

/* 64-bit FNV-1a of cfg_dump() as 16 lowercase hex digits plus NUL. */
void cfg_hash(const struct gs_config *c, char out[17]);

/* The unit of the config key at path ("banks", "cycles", "-" for
** booleans, enums and names), or NULL if path is not a key. */
const char *cfg_key_unit(const char *path);

/* The canonical text of key path's value (as cfg_dump writes it) in out;
** -1 if path is not a key. */
int cfg_key_text(const struct gs_config *c, const char *path, char *out, size_t n);
/* Set key path from text (quoted: it was a quoted YAML scalar, so it is
** not a number or boolean), remembering line:col (0:0 for none) as where
** the key was set, for cfg_validate's messages. -1 with why ("what is
** wrong (expected ...)", no location) for an unknown key, a section or a
** bad value. */
int cfg_set_value(struct gs_config *c, const char *path, const char *text, int quoted,
		  unsigned line, unsigned col, char *why, size_t n);
/* Write docs/config.md (Markdown reference of every key) to f. */
void cfg_write_docs(FILE *f);

/* Derived quantities used by the model. */
static inline long cfg_spm_bytes(const struct gs_config *c)
{
	return (long)c->scratchpad.size_kib * 1024;
}

#endif
