/*
** insn.h: the simulated machine's instructions, and the stream interface
** that feeds them to the simulator. Trace files (trace.c) and in-process
** kernel generators (kernels/) both produce instructions through a
** gs_source, one at a time, so memory does not grow with trace length.
*/
#ifndef gs_insn_h
#define gs_insn_h

#include <stdint.h>

#include "config.h"
#include "err.h"

/* X(enum, mnemonic, class) — class names the stat "insn.<class>" */
#define GS_OPS(X)                                  \
	X(OP_GATHER, "gather", "gather")            \
	X(OP_SCATTER, "scatter", "scatter")         \
	X(OP_SCATTER_ADD, "scatter.add", "scatter_add") \
	X(OP_VLOAD, "vload", "vload")               \
	X(OP_VSTORE, "vstore", "vstore")            \
	X(OP_MLOAD, "mload", "mload")               \
	X(OP_MSTORE, "mstore", "mstore")            \
	X(OP_FMA, "fma", "fma")                     \
	X(OP_ADD, "add", "add")                     \
	X(OP_MUL, "mul", "mul")                     \
	X(OP_REDUCE, "reduce", "reduce")            \
	X(OP_BCAST, "bcast", "bcast")               \
	X(OP_DMA_IN, "dma.in", "dma_in")            \
	X(OP_DMA_OUT, "dma.out", "dma_out")         \
	X(OP_DMA_WAIT, "dma.wait", "dma_wait")

enum gs_op {
#define GS_OP_ENUM(e, m, c) e,
	GS_OPS(GS_OP_ENUM)
#undef GS_OP_ENUM
	OP__COUNT
};

#define GS_NOREG 0xFFu			/* no register in this slot */
#define GS_LANE_MASKED UINT32_MAX	/* idx[] value of a masked lane */

/*
** One instruction. Fields a given op does not use are ignored.
**   gather vD, BASE, [idx...] [, vI]   dst=vD, addr=BASE, idx/nidx, src[0]=vI
**   scatter(.add) vS, BASE, [idx...] [, vI]  src[1]=vS, addr, idx, src[0]=vI
**   vload vD, ADDR / vstore vS, ADDR   contiguous lanes*element_bytes, scratchpad
**   mload vD, MADDR [, BYTES] / mstore vS, MADDR [, BYTES]   main memory stream
**   fma vD, vA, vB (vD += vA*vB: src = vD, vA, vB)   add/mul vD, vA, vB
**   reduce vD, vS   bcast vD, ADDR (scalar scratchpad read, copied to every lane)
**   dma.in TAG, SPM_ADDR, MADDR, BYTES   dma.out TAG, SPM_ADDR, MADDR, BYTES
**   dma.wait TAG
** Element indices are in elements (element_bytes each) relative to addr.
*/
struct gs_insn {
	uint8_t op;		/* enum gs_op */
	uint8_t dst;		/* destination register or GS_NOREG */
	uint8_t src[3];		/* source registers or GS_NOREG */
	uint8_t nidx;		/* idx entries given (<= lanes); lanes beyond are masked */
	uint32_t bytes;		/* mload/mstore/dma byte count */
	uint32_t tag;		/* dma tag */
	uint64_t addr;		/* scratchpad byte address */
	uint64_t maddr;		/* main-memory byte address */
	uint64_t line;		/* source line (trace files) or sequence number, for messages */
	uint32_t idx[GS_MAX_LANES];
};

/* Mnemonic and stat class of an op. */
const char *gs_op_name(int op);
const char *gs_op_class(int op);

/*
** A stream of instructions. next() returns 1 and fills *out, 0 at the end,
** or -1 with a located message in err. close() releases ctx (may be NULL).
** name() describes the stream for the results database (trace path or
** workload description).
*/
struct gs_source {
	void *ctx;
	int (*next)(void *ctx, struct gs_insn *out, struct gs_err *err);
	void (*close)(void *ctx);
	const char *(*name)(void *ctx);
};

#endif
