/*
** gen_common.h: internals shared by the trace generators (gen_spmm.c,
** gen_lstm.c, gen_conv.c); not a public API. Four pieces:
**   - gen_base: the gs_source every generator is. A generator is a state
**     machine; its refill() pushes the next few instructions (at most
**     GEN_QUEUE_MAX, typically one step of a loop) into a small fixed queue
**     that next() drains, so memory never grows with the trace.
**   - emit_*: fill one instruction of each op into that queue.
**   - wstream (wstream.c): the main-memory image of one pruned matrix's
**     weight stream in one of five formats (layouts in docs/kernels.md),
**     computed on demand from struct pruned, and the record/lane queries
**     the generators walk it with.
**   - mem_image: the kernel's whole main-memory image (weight streams plus
**     an optional activation input), served by mem_image_read (the
**     struct kernel mem_read callback).
** Fixed layout constants and small helpers (register pool, scratchpad
** placement) complete it, with the SpMV row-unit engine (gen_spmm.c) that
** gen_lstm.c reuses.
*/
#ifndef gs_gen_common_h
#define gs_gen_common_h

#include <stdint.h>

#include "err.h"
#include "gen.h"
#include "insn.h"
#include "sparse.h"

/* Fixed main-memory layout (byte addresses). Weight streams start at
** GEN_WEIGHTS_MEM (a second stream follows the first, 4 KiB aligned);
** activations brought in by DMA live at GEN_X_MEM; stored outputs at
** GEN_Y_MEM. The scratchpad is addressed from 0. */
#define GEN_WEIGHTS_MEM 0x10000000ull
#define GEN_X_MEM 0x30000000ull
#define GEN_Y_MEM 0x40000000ull
#define GEN_WEIGHTS_MAX (GEN_X_MEM - GEN_WEIGHTS_MEM)

/* Alignment of every section of a weight stream and of scratchpad regions. */
#define GEN_ALIGN 64u

static inline uint64_t gen_align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* ---- weight streams ---- */

enum ws_format {
	WS_DENSE,	/* row-major values, no indices */
	WS_GS,		/* joined bucket records of pruned.gs (gs-patterns.md §2.1) */
	WS_ELL_V,	/* vertical sliced ELL: groups of V rows, record i = each row's i-th non-zero */
	WS_ROWS_H,	/* horizontal: per row, records of V consecutive non-zeros (last padded) */
	WS_BSR		/* br x bc blocks (br == 1 or bc == 1): values block-major, one index per block */
};

/* Indices stored in the stream (and gathered with): map(col) when map is
** non-NULL (convolutions store receptive-field offsets), else col. range
** bounds every stored index (range <= 65536: 2-byte indices, else 4). */
struct ws_index_map {
	uint32_t (*map)(const void *ctx, uint32_t col);
	const void *ctx;
	uint64_t range;
};

/*
** Records: the unit of one vector load of values. WS_GS, WS_ELL_V and
** WS_ROWS_H records are joined: V values (element format) then V indices
** (ib bytes each), record stride V*(eb+ib). WS_BSR records are blocks:
** br*bc values at val_off + rec*br*bc*eb, one index (the block's first
** column, mapped) at idx_off + rec*ib. WS_DENSE records are the V-column
** chunks of a row: ceil(cols/V) per row, values at val_off + (r*cols + c)*eb.
** Units: the rows (or row groups) that share output registers: a row
** (DENSE, ROWS_H, BSR 1xC), a group of V rows (ELL_V), a block row (BSR Rx1)
** or a GS group. Units' records are consecutive.
*/
struct wstream {
	const struct pruned *w;		/* borrowed: must outlive the stream */
	int fmt;			/* enum ws_format */
	int V, eb, ib, rb;		/* lanes, element, index, rowind bytes */
	uint32_t br, bc;		/* WS_BSR block shape */
	uint64_t base, bytes;		/* image [base, base+bytes) */
	uint64_t zero_off;		/* V*eb zero bytes: the kernels' zero constant */
	uint64_t val_off, idx_off;	/* values (records) and separate indices (BSR) */
	uint64_t ptr_off;		/* u32 cumulative records per unit, nunits+1 (not DENSE) */
	uint64_t rowind_off;		/* WS_GS: rb-byte output row per lane, ngroups*V */
	uint32_t nunits;
	uint64_t nrecs;
	uint32_t *uptr;			/* owned cumulative records per unit (NULL for GS/DENSE) */
	struct ws_index_map map;
};

/* Build the stream of w in format fmt at main-memory address base. w must
** outlive ws. WS_GS needs pat.kind PAT_GS with V == isa->lanes; WS_BSR needs
** PAT_BLOCK with whole blocks in the csr and br == 1 or bc == 1, both
** <= lanes. map NULL: identity, range = cols. -1 with a message otherwise. */
int wstream_init(struct wstream *ws, const struct pruned *w, const struct isa *isa, int fmt,
		 uint64_t base, const struct ws_index_map *map, struct gs_err *err);
void wstream_free(struct wstream *ws);

/* Copy the image bytes of [maddr, maddr+n) that fall in the stream into buf
** (bytes outside it are left untouched). */
void wstream_read(const struct wstream *ws, uint64_t maddr, void *buf, uint32_t n);

uint32_t ws_unit_first(const struct wstream *ws, uint32_t unit);	/* first record */
uint32_t ws_unit_count(const struct wstream *ws, uint32_t unit);	/* records in unit */
uint64_t ws_zero_addr(const struct wstream *ws);
uint64_t ws_val_addr(const struct wstream *ws, uint64_t rec);	/* record's values */
uint64_t ws_idx_addr(const struct wstream *ws, uint64_t rec);	/* record's indices */
uint64_t ws_rowind_addr(const struct wstream *ws, uint32_t group);	/* WS_GS */
/* Bytes a record's value load reads (DENSE: the chunk's columns * eb). */
uint32_t ws_val_bytes(const struct wstream *ws, uint64_t rec);
/* Lane `lane` of record rec in unit: its matrix column (GS_COL_NONE when
** the lane is masked/padding) and value (0 then). For WS_BSR Rx1 lanes are
** the block's rows and col is the block column; for 1xC lanes are columns.
** For DENSE lanes are the chunk's columns. */
void ws_lane(const struct wstream *ws, uint32_t unit, uint64_t rec, int lane,
	     uint32_t *col, float *val);
/* The stored (gathered) index of column col: map(col) or col. */
uint32_t ws_index(const struct wstream *ws, uint32_t col);
/* Output row of lane `lane` of unit (UINT32_MAX for a padding lane):
** vertical units (GS, ELL_V, BSR Rx1) map lanes to rows, horizontal ones
** (DENSE, ROWS_H, BSR 1xC) have one row. */
uint32_t ws_lane_row(const struct wstream *ws, uint32_t unit, int lane);
/* 1 when a unit's lanes are (partial sums of) different rows. */
int ws_vertical(const struct wstream *ws);

/* ---- main-memory image ---- */

#define MEM_IMAGE_STREAMS 4

struct mem_image {
	int eb;
	unsigned nstreams;
	struct wstream *streams[MEM_IMAGE_STREAMS];	/* borrowed from the generator */
	/* activations in main memory (kernel_layout.x_in_memory): x_elems
	** elements at x_base, encoded in the element format; x NULL reads 0. */
	uint64_t x_base, x_elems;
	float *x;					/* owned, set by kernel_set_input */
};

/* struct kernel's mem_read: ctx is a struct mem_image. Bytes outside every
** region read as 0. */
void mem_image_read(void *ctx, uint64_t maddr, void *buf, uint32_t n);

/* ---- the generator base ---- */

#define GEN_QUEUE_MAX 16
#define GEN_NAME_MAX 192

struct gen_base {
	struct isa isa;
	struct gs_insn q[GEN_QUEUE_MAX];
	unsigned qhead, qlen;
	uint64_t seq;				/* instructions handed out so far */
	/* Push the next instructions (1..GEN_QUEUE_MAX): 1; 0 at the end of
	** the kernel; -1 with a message. May push nothing and return 1 (a
	** pure state change); next() then calls it again. */
	int (*refill)(struct gen_base *g, struct gs_err *err);
	/* Free the generator that embeds this base (its streams, then itself). */
	void (*release)(struct gen_base *g);
	struct mem_image img;
	char name[GEN_NAME_MAX];		/* workload description */
};

/* Make k the kernel of generator g (embedded, typically as the first
** member, in a malloc'd generator struct): src, mem_read, mem_ctx. The
** caller fills k->layout. After this kernel_free(k) releases g. */
void gen_attach(struct kernel *k, struct gen_base *g);
/* Release a generator that was never attached (error paths). */
void gen_discard(struct gen_base *g);

/* ---- instruction emitters: each appends one instruction to g's queue ---- */

void emit_mload(struct gen_base *g, int vd, uint64_t maddr, uint32_t bytes);
void emit_mstore(struct gen_base *g, int vs, uint64_t maddr, uint32_t bytes);
void emit_vload(struct gen_base *g, int vd, uint64_t addr);
void emit_vstore(struct gen_base *g, int vs, uint64_t addr);
/* gather/scatter: the caller fills idx[0..nidx-1] of the returned
** instruction (GS_LANE_MASKED for masked lanes; every idx starts masked)
** and sets nidx; next() trims nidx to the last active lane + 1, the
** trace reader's canonical form. vi may be GS_NOREG. op is OP_SCATTER or
** OP_SCATTER_ADD for emit_scatter. Register slots follow sim/insn.h and
** docs/trace-format.md (stores: src[1] = vS). */
struct gs_insn *emit_gather(struct gen_base *g, int vd, uint64_t addr, int vi);
struct gs_insn *emit_scatter(struct gen_base *g, int op, int vs, uint64_t addr, int vi);
/* A contiguous store of the first n lanes into the scratchpad: vstore when
** n == lanes, else a scatter with lanes >= n masked (there is no partial
** vstore). */
void emit_spm_store_n(struct gen_base *g, int vs, uint64_t addr, int n);
void emit_fma(struct gen_base *g, int vd, int va, int vb);	/* vd += va*vb */
void emit_add(struct gen_base *g, int vd, int va, int vb);
void emit_mul(struct gen_base *g, int vd, int va, int vb);
void emit_reduce(struct gen_base *g, int vd, int vs);
void emit_bcast(struct gen_base *g, int vd, uint64_t addr);
void emit_dma_in(struct gen_base *g, uint32_t tag, uint64_t spm, uint64_t maddr, uint32_t bytes);
void emit_dma_out(struct gen_base *g, uint32_t tag, uint64_t spm, uint64_t maddr, uint32_t bytes);
void emit_dma_wait(struct gen_base *g, uint32_t tag);
/* Emit a pairwise tree of adds folding regs[0..n-1] into regs[0]. */
void emit_add_tree(struct gen_base *g, const int *regs, int n);
/* Index bytes of a mload of V indices split in loads of at most one
** vector (lanes*eb bytes): 2 loads when indices are wider than elements. */
int gen_index_loads(const struct isa *isa, int ib);

/* ---- register pool: registers handed out in order, never returned ---- */

struct reg_pool {
	int next, total;
};

static inline void reg_pool_init(struct reg_pool *p, int total)
{
	p->next = 0;
	p->total = total;
}

/* First of n consecutive registers, or -1 when fewer than n are left. */
static inline int reg_take(struct reg_pool *p, int n)
{
	int r = p->next;

	if (n < 0 || p->total - p->next < n)
		return -1;
	p->next += n;
	return r;
}

/* ---- scratchpad placement ---- */

/* Place a region of bytes at *cursor (aligned to GEN_ALIGN), advance the
** cursor; -1 with a message naming what when it passes isa->spm_bytes. */
int gen_spm_place(const struct isa *isa, uint64_t *cursor, uint64_t bytes, const char *what,
		  uint64_t *addr, struct gs_err *err);

/* Check the weight streams' footprint fits below GEN_X_MEM. */
int gen_check_weights(uint64_t end, struct gs_err *err);

/* Prefix err's message with "what: "; returns -1. */
int gen_err_prefix(struct gs_err *err, const char *what);
/* Check the ISA values a generator relies on and batch >= 1. */
int gen_isa_check(const struct isa *isa, uint32_t batch, struct gs_err *err);
/* The stream format of a pattern: dense WS_DENSE, unstructured WS_ELL_V,
** block WS_BSR, N:M WS_ROWS_H, GS WS_GS; -1 with a message otherwise. */
int gen_stream_format(const struct pattern *p, struct gs_err *err);

/* ---- the sparse matrix-vector engine (gen_spmm.c), shared with gen_lstm.c ---- */

/* One matrix of the walk and where its activations are: batch column b of
** x at x_spm + b*x_stride (bytes) in the scratchpad. */
struct spmv_operand {
	struct wstream ws;
	uint64_t x_spm, x_stride;
};

enum spmv_out {
	OUT_MEM,		/* consecutive rows to main memory: mstore */
	OUT_SPM,		/* consecutive rows to the scratchpad: vstore / masked scatter */
	OUT_SPM_SCATTER,	/* vertical units: scatter by the stream's rowind */
	OUT_SPM_SCATTER_ADD	/* scatter.add (rows shared by lanes or by operands) */
};

#define SPMV_MAX_X 2

/* Software pipeline (docs/kernels.md, "Software pipelining"): a record's
** values and indices load SPMV_LOAD_AHEAD records before its multiply, its
** x fetch SPMV_FETCH_AHEAD (record, column) steps before; fewer when the
** registers are short. Fixed distances, as a compiler's: no timing used. */
#define SPMV_LOAD_AHEAD 4
#define SPMV_FETCH_AHEAD 2
/* Items (records and unit ends) between the load and multiply stages. */
#define SPMV_RING 16

/* One item of the walk: a record of (operand cur, unit), the step-th of
** its unit, or the end of a unit after `step` records (its finish). */
struct spmv_item {
	int end;
	uint32_t cur, unit, tile0, step;
	uint64_t rec;
	int wslot, islot;		/* register slots of its value and index loads */
	uint32_t col0;			/* BSR / DENSE: first column (mapped) */
	uint8_t nidx;			/* gathers: the decoded indices */
	uint32_t idx[GS_MAX_LANES];
};

struct spmv_engine {
	struct spmv_operand op[2];
	int nops;
	int fused;		/* operands accumulate unit by unit into one register set */
	int out;		/* enum spmv_out */
	uint64_t y_base, y_stride;	/* output column b at y_base + b*y_stride */
	uint64_t y_zero_bytes;	/* > 0: vstore zeros over [y_base, +bytes) first */
	uint32_t batch, tile, nacc;	/* batch columns per pass over W, accumulators per column */
	int need_zero;		/* load the zero vector (empty units, y zeroing) */
	int nil, nrl;		/* loads per index / rowind vector */
	/* registers: first of each set; slots nw values, ni index sets, nx x */
	int r_zero, r_w, nw, r_i, ni, r_row, r_x, nx, r_acc;
	int phase;
	uint64_t zero_i;
	/* the walk (load stage's cursor) */
	int it_unit, it_done;
	uint32_t pass, tile0, unit, cur, steps;
	uint64_t rec, rec_end;
	/* the pipeline: ring of loaded items, fetch cursor (item, column),
	** multiply cursor (head item, column), and the counts that bound
	** each stage by its register slots */
	struct spmv_item ring[SPMV_RING];
	unsigned rhead, rlen, fpos;
	uint32_t fb, cb;
	unsigned n_uncomputed, n_unfetched, n_fetched, n_rowind;
	uint64_t wseq, iseq, xseq, cseq;
};

/* Set up e after the caller filled op[], nops, out, y_base, y_stride and
** batch: checks, fused/unfused, y zeroing, registers. what names the
** kernel in messages. */
int spmv_engine_init(struct spmv_engine *e, const struct isa *isa, const char *what,
		     struct gs_err *err);
/* Push the engine's next instructions into g: 1, or 0 when it is done. */
int spmv_engine_refill(struct spmv_engine *e, struct gen_base *g);

#endif
