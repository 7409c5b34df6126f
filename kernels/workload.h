/*
** workload.h: the workload library, the layer shapes of GNMT v2, ResNet50
** v1.5 and Jasper 10x5 DR as constant tables (docs/workloads.md lists
** every layer, its source and the conventions). Each layer is a GEMM
** M x K x N with M = outputs (Cout), K = the reduction (Cin*kh*kw) and
** N = output positions at batch 1; the sparse operand is the M x K weight.
*/
#ifndef gs_workload_h
#define gs_workload_h

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum layer_kind { LAYER_FC, LAYER_LSTM_IH, LAYER_LSTM_HH, LAYER_CONV2D, LAYER_CONV1D };

struct layer {
	const char *net;	/* "gnmt", "resnet50", "jasper" */
	const char *name;	/* e.g. "layer2.0.conv2" */
	int kind;		/* enum layer_kind */
	uint32_t M, K, N;	/* GEMM view: M outputs, K = cin*kh*kw reduction, N = output positions (batch 1) */
	/* Convolutions only (all 0 for FC and LSTM layers). 2-D: square
	** kernels and inputs (h_in = w_in), stride/pad/dilation apply to both
	** dimensions. 1-D: h_in = kh = 1, w_in = T, stride/pad/dilation along T. */
	uint32_t cin, cout, kh, kw, stride, pad, dilation, h_in, w_in;
};

/* The layer named by spec, "net:layer" (case-sensitive, e.g.
** "resnet50:layer2.0.conv2"); NULL with a message for a malformed spec,
** an unknown network or an unknown layer. The result points into a
** constant table (never freed). */
const struct layer *workload_find(const char *spec, struct gs_err *err);

/* Every layer of network net ("gnmt", "resnet50", "jasper"), in network
** order: *first points to n consecutive layers. -1 with a message for an
** unknown network. */
int workload_layers(const char *net, const struct layer **first, size_t *n, struct gs_err *err);

/* The network names, NULL-terminated. */
const char *const *workload_nets(void);

#endif
