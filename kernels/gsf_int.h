/*
** gsf_int.h: what gsf.c (CRC-32, layout, inspect), gsf_write.c and
** gsf_read.c share; not a public interface. Layout: docs/gs-format.md.
*/
#ifndef gs_gsf_int_h
#define gs_gsf_int_h

#include <stddef.h>
#include <stdint.h>

#include "fp16.h"
#include "gs_check.h"
#include "gsf.h"

#define GSF_VERSION 2		/* written; 1 and 2 are read */
#define GSF_HDR 128		/* header bytes */
#define GSF_CRC 4		/* trailing CRC-32 */

/* Header field offsets (docs/gs-format.md §2). */
enum {
	H_MAGIC = 0, H_VERSION = 4, H_HDRSIZE = 6, H_KIND = 8, H_FLAGS = 9, H_VBYTES = 10,
	H_IBYTES = 11, H_RBYTES = 12, H_PAD1 = 13, H_PA = 16, H_PB = 20, H_PC = 24,
	H_ROWS = 28, H_COLS = 32, H_OUTER = 36, H_INNER = 40, H_NNZ = 48, H_TARGET = 56,
	H_SPARSITY = 64, H_ABS = 72, H_SQ = 80, H_SEC = 88, H_PAD2 = 112
};
/* Version 2: the layer geometry in what version 1 reserved (§2.1). */
enum {
	H_GKIND = 112, H_GSTRIDE = 113, H_GPAD = 114, H_GDIL = 115, H_GKH = 116, H_GKW = 118,
	H_GHIN = 120, H_GWIN = 124
};

/* The geometry fields of a header h (GSF_HDR bytes): encode g into them,
** or decode them (version 2) into *g; decode returns -1 with *off the
** offset of the first bad field and msg what is wrong. */
void gsf_geom_encode(unsigned char *h, const struct gsf_geometry *g);
int gsf_geom_decode(const unsigned char *h, uint32_t rows, uint32_t cols, struct gsf_geometry *g,
		    uint64_t *off, char *msg, size_t n);

#define GSF_FLAG_NONUNIFORM 1u
#define GSF_FLAG_EXACT 2u

/* How the matrix is stored: the three sections. */
enum { GSF_STORE_CSR, GSF_STORE_BSR, GSF_STORE_GS };
extern const char *const gsf_section_names[3][3];

struct gsf_layout {
	int store;		/* GSF_STORE_* */
	int vb, ib, rb;		/* value, index, rowind bytes (rb 0 unless GS) */
	uint64_t outer;		/* groups / block rows / rows */
	uint64_t inner;		/* buckets / blocks / nnz */
	uint64_t sec[3], off[3], total;
	uint64_t bsr_min, bsr_max;	/* blocks per block row (read side, BSR) */
	int version;			/* read side: the file's format version */
	struct gsf_geometry geom;	/* read side: the recorded layer */
};

int gsf_store_of(int kind);
int gsf_index_bytes(uint32_t cols);
int gsf_rowind_bytes(uint32_t rows);
uint64_t gsf_outer_of(const struct pattern *pat, uint32_t rows);
void gsf_units(const struct gsf_layout *L, const struct pattern *pat, uint64_t *u1,
	       uint64_t *u2);
void gsf_layout_finish(struct gsf_layout *L);

struct gsf_crc {
	uint32_t tab[256];
	uint32_t v;
};
void gsf_crc_init(struct gsf_crc *c);
void gsf_crc_add(struct gsf_crc *c, const void *p, size_t n);
uint32_t gsf_crc_value(const struct gsf_crc *c);

/* The csr that the GS buckets of p hold: entries of every non-padding lane,
** sorted by column per row. On a repeated (row, col) returns -1 with
** *dup_lane = the lane index (bucket * V + lane) of the later copy and
** *dup_row its row; -2 when out of memory (or past 2^32 entries). rowind
** must hold rows < p->rows or UINT32_MAX (padding). */
int gsf_gs_to_csr(const struct pruned *p, struct csr *out, uint64_t *dup_lane,
		  uint32_t *dup_row);

/* First entry of a csr that breaks N:M (more than n kept in a run of m
** columns of a row), or -1. */
int64_t gsf_nm_violation(const struct pruned *p);

/* gsf_read that also returns the layout (for inspect). */
int gsf_read_layout(const char *path, struct pruned *out, struct gsf_layout *L,
		    struct gs_err *err);

#endif
