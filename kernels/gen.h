/*
** gen.h: kernel trace generators. Each turns a pruned weight matrix into
** the instruction stream (a gs_source) that computes the layer on the
** simulated machine, one instruction at a time in constant memory: the
** generator walks the pruned structure, it never buffers the trace.
** Weights (values, indices, pointers) stream from main memory; activations
** (and scattered outputs) live in the scratchpad. Dataflows:
** gs-patterns.md §2.2, §3, §4.2; documented in docs/kernels.md.
*/
#ifndef gs_gen_h
#define gs_gen_h

#include <stdint.h>

#include "config.h"
#include "err.h"
#include "insn.h"
#include "sparse.h"

/* What a kernel may know of the machine: the ISA-visible parameters, never timing. */
struct isa {
	int lanes;
	int element_bytes;	/* 2 = fp16, 4 = fp32, 8 = fp64 */
	int registers;
	uint64_t spm_bytes;
};
void isa_from_config(struct isa *isa, const struct gs_config *cfg);

enum spmm_variant {
	SPMM_STORE,	/* vertical GS: outputs stored contiguously to memory (mstore) */
	SPMM_SCATTER	/* vertical GS: outputs scattered into the scratchpad via rowind */
};

/* y[rows x batch] = W x[cols x batch]; batch 1 is SpMV. x is NOT in the
** trace: the layout says where the caller must have placed it. */
struct spmm_params {
	uint32_t batch;
	int variant;		/* enum spmm_variant (GS vertical / hybrid only) */
};

/* Convolution y = conv(W, x), x NHWC (batch n, h_in x w_in x cin),
** W viewed as cout x (kh*kw*cin) in (kh, kw, ci) order. 1-D convolution
** (Jasper) is h_in = kh = 1. When the padded input does not fit in the
** scratchpad, the kernel tiles it and brings tiles in with DMA. */
struct conv_params {
	uint32_t batch, cin, cout, h_in, w_in, kh, kw;
	uint32_t stride_h, stride_w, pad_h, pad_w, dil_h, dil_w;
};

/* Where a generated kernel expects its operands and leaves its results. */
struct kernel_layout {
	/* activations: in the scratchpad at x_spm (x_in_memory = 0), or in main
	** memory at x_mem, brought in by the kernel's own DMA (x_in_memory = 1).
	** SpMM: element (k, b) at index b*cols + k. Conv: NHWC, unpadded. */
	int x_in_memory;
	uint64_t x_spm, x_mem;
	/* outputs: in main memory at y_mem (y_in_spm = 0) or in the scratchpad
	** at y_spm. SpMM: element (r, b) at index b*rows + r. Conv: NHWC. */
	int y_in_spm;
	uint64_t y_spm, y_mem;
	uint64_t weights_mem;	/* first byte of the weight stream */
	uint64_t weight_bytes;	/* size of the weight stream */
	/* gen_lstm only (0 otherwise): the recurrent state and the gate
	** pre-activations in the scratchpad. h (H x batch, element (j, b) at
	** b*H + j) is read by W_hh and overwritten with h' (y_spm == h_spm);
	** c likewise with c'; gates (4H x batch, rows i, f, g, o). */
	uint64_t h_spm, c_spm, gates_spm;
};

/* A generated kernel: the instruction stream, plus the main-memory image it
** reads (weights, and activations when x_in_memory), computed on demand. */
struct kernel {
	struct gs_source src;
	struct kernel_layout layout;
	/* Fill buf with n bytes of main memory at maddr as the kernel expects it
	** (bytes outside the image read as 0). x, when in memory, is taken from
	** the x values given to kernel_set_input (zeros until then). */
	void (*mem_read)(void *ctx, uint64_t maddr, void *buf, uint32_t n);
	void *mem_ctx;
};

int gen_spmm(struct kernel *k, const struct pruned *w, const struct isa *isa,
	     const struct spmm_params *p, struct gs_err *err);
int gen_conv(struct kernel *k, const struct pruned *w, const struct isa *isa,
	     const struct conv_params *p, struct gs_err *err);
/* One LSTM step: gates = W_ih x + W_hh h for the four gate matrices (given
** as one pruned 4H x K matrix each for ih and hh), at batch p->batch. */
int gen_lstm(struct kernel *k, const struct pruned *w_ih, const struct pruned *w_hh,
	     const struct isa *isa, const struct spmm_params *p, struct gs_err *err);

/* Give the activations for a kernel whose x lives in main memory
** (copied; element order as in kernel_layout). Otherwise unused. */
int kernel_set_input(struct kernel *k, const float *x, uint64_t n);

/* Release everything (calls src.close). */
void kernel_free(struct kernel *k);

/* Does pattern p have a vector dataflow on `lanes` lanes? GS needs V =
** lanes and h | V; blocks must be Rx1 or 1xC with R, C <= lanes. -1 with
** the reason otherwise (what gen_* would refuse, known before pruning). */
int gen_pattern_fits(const struct pattern *p, int lanes, struct gs_err *err);

#endif
