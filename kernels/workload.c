/*
** workload.c: the layer tables of GNMT v2, ResNet50 v1.5 and Jasper 10x5
** DR (see workload.h; sources and conventions in docs/workloads.md).
** The tables are plain data, written out once from the networks' loops
** (bottlenecks, repeated sub-convolutions, dense-residual projections) so
** that every shape can be read and checked here; tests/check_workload.c
** recomputes K, N and the totals from the geometry.
*/
#include <string.h>

#include "workload.h"

/* 2-D square convolution, batch 1, dilation 1. */
#define CONV2D(nm, ci, co, k, s, p, h, m, kk, n) {					\
	.net = "resnet50", .name = nm, .kind = LAYER_CONV2D, .M = m, .K = kk, .N = n,	\
	.cin = ci, .cout = co, .kh = k, .kw = k, .stride = s, .pad = p, .dilation = 1,	\
	.h_in = h, .w_in = h }

/* 1-D convolution along time: h_in = kh = 1, w_in = T. */
#define CONV1D(nm, ci, co, k, s, p, d, t, m, kk, n) {					\
	.net = "jasper", .name = nm, .kind = LAYER_CONV1D, .M = m, .K = kk, .N = n,	\
	.cin = ci, .cout = co, .kh = 1, .kw = k, .stride = s, .pad = p, .dilation = d,	\
	.h_in = 1, .w_in = t }

/* A weight matrix applied to one vector (batch 1, one time step). */
#define MATRIX(nt, nm, kd, m, k) { .net = nt, .name = nm, .kind = kd, .M = m, .K = k, .N = 1 }

/* NVIDIA DeepLearningExamples PyTorch GNMT, hidden size 1024. LSTM gate
** matrices are 4H x input (i, f, g, o stacked). */
static const struct layer gnmt[] = {
	MATRIX("gnmt", "encoder.rnn_layers.0.fwd.w_ih", LAYER_LSTM_IH, 4096, 1024),
	MATRIX("gnmt", "encoder.rnn_layers.0.fwd.w_hh", LAYER_LSTM_HH, 4096, 1024),
	MATRIX("gnmt", "encoder.rnn_layers.0.bwd.w_ih", LAYER_LSTM_IH, 4096, 1024),
	MATRIX("gnmt", "encoder.rnn_layers.0.bwd.w_hh", LAYER_LSTM_HH, 4096, 1024),
	/* input: both directions of layer 0 concatenated */
	MATRIX("gnmt", "encoder.rnn_layers.1.w_ih", LAYER_LSTM_IH, 4096, 2048),
	MATRIX("gnmt", "encoder.rnn_layers.1.w_hh", LAYER_LSTM_HH, 4096, 1024),
	MATRIX("gnmt", "encoder.rnn_layers.2.w_ih", LAYER_LSTM_IH, 4096, 1024),
	MATRIX("gnmt", "encoder.rnn_layers.2.w_hh", LAYER_LSTM_HH, 4096, 1024),
	MATRIX("gnmt", "encoder.rnn_layers.3.w_ih", LAYER_LSTM_IH, 4096, 1024),
	MATRIX("gnmt", "encoder.rnn_layers.3.w_hh", LAYER_LSTM_HH, 4096, 1024),
	MATRIX("gnmt", "decoder.att_rnn.rnn.w_ih", LAYER_LSTM_IH, 4096, 1024),
	MATRIX("gnmt", "decoder.att_rnn.rnn.w_hh", LAYER_LSTM_HH, 4096, 1024),
	MATRIX("gnmt", "decoder.att_rnn.attn.linear_q", LAYER_FC, 1024, 1024),
	MATRIX("gnmt", "decoder.att_rnn.attn.linear_k", LAYER_FC, 1024, 1024),
	/* input: [x ; attention context] */
	MATRIX("gnmt", "decoder.rnn_layers.0.w_ih", LAYER_LSTM_IH, 4096, 2048),
	MATRIX("gnmt", "decoder.rnn_layers.0.w_hh", LAYER_LSTM_HH, 4096, 1024),
	MATRIX("gnmt", "decoder.rnn_layers.1.w_ih", LAYER_LSTM_IH, 4096, 2048),
	MATRIX("gnmt", "decoder.rnn_layers.1.w_hh", LAYER_LSTM_HH, 4096, 1024),
	MATRIX("gnmt", "decoder.rnn_layers.2.w_ih", LAYER_LSTM_IH, 4096, 2048),
	MATRIX("gnmt", "decoder.rnn_layers.2.w_hh", LAYER_LSTM_HH, 4096, 1024),
	/* vocabulary of the reference BPE vocab file plus 4 special tokens */
	MATRIX("gnmt", "decoder.classifier", LAYER_FC, 32317, 1024),
};

/* torchvision ResNet50 v1.5 (stride in the 3x3 conv), 224 x 224 input;
** the 3x3/2 max pool after conv1 takes 112 to 56. */
static const struct layer resnet50[] = {
	/*     name                    Cin   Cout k  s  pad H_in    M     K      N */
	CONV2D("conv1",                    3,   64, 7, 2, 3, 224,   64,  147, 12544),
	CONV2D("layer1.0.conv1",          64,   64, 1, 1, 0,  56,   64,   64,  3136),
	CONV2D("layer1.0.conv2",          64,   64, 3, 1, 1,  56,   64,  576,  3136),
	CONV2D("layer1.0.conv3",          64,  256, 1, 1, 0,  56,  256,   64,  3136),
	CONV2D("layer1.0.downsample",     64,  256, 1, 1, 0,  56,  256,   64,  3136),
	CONV2D("layer1.1.conv1",         256,   64, 1, 1, 0,  56,   64,  256,  3136),
	CONV2D("layer1.1.conv2",          64,   64, 3, 1, 1,  56,   64,  576,  3136),
	CONV2D("layer1.1.conv3",          64,  256, 1, 1, 0,  56,  256,   64,  3136),
	CONV2D("layer1.2.conv1",         256,   64, 1, 1, 0,  56,   64,  256,  3136),
	CONV2D("layer1.2.conv2",          64,   64, 3, 1, 1,  56,   64,  576,  3136),
	CONV2D("layer1.2.conv3",          64,  256, 1, 1, 0,  56,  256,   64,  3136),
	CONV2D("layer2.0.conv1",         256,  128, 1, 1, 0,  56,  128,  256,  3136),
	CONV2D("layer2.0.conv2",         128,  128, 3, 2, 1,  56,  128, 1152,   784),
	CONV2D("layer2.0.conv3",         128,  512, 1, 1, 0,  28,  512,  128,   784),
	CONV2D("layer2.0.downsample",    256,  512, 1, 2, 0,  56,  512,  256,   784),
	CONV2D("layer2.1.conv1",         512,  128, 1, 1, 0,  28,  128,  512,   784),
	CONV2D("layer2.1.conv2",         128,  128, 3, 1, 1,  28,  128, 1152,   784),
	CONV2D("layer2.1.conv3",         128,  512, 1, 1, 0,  28,  512,  128,   784),
	CONV2D("layer2.2.conv1",         512,  128, 1, 1, 0,  28,  128,  512,   784),
	CONV2D("layer2.2.conv2",         128,  128, 3, 1, 1,  28,  128, 1152,   784),
	CONV2D("layer2.2.conv3",         128,  512, 1, 1, 0,  28,  512,  128,   784),
	CONV2D("layer2.3.conv1",         512,  128, 1, 1, 0,  28,  128,  512,   784),
	CONV2D("layer2.3.conv2",         128,  128, 3, 1, 1,  28,  128, 1152,   784),
	CONV2D("layer2.3.conv3",         128,  512, 1, 1, 0,  28,  512,  128,   784),
	CONV2D("layer3.0.conv1",         512,  256, 1, 1, 0,  28,  256,  512,   784),
	CONV2D("layer3.0.conv2",         256,  256, 3, 2, 1,  28,  256, 2304,   196),
	CONV2D("layer3.0.conv3",         256, 1024, 1, 1, 0,  14, 1024,  256,   196),
	CONV2D("layer3.0.downsample",    512, 1024, 1, 2, 0,  28, 1024,  512,   196),
	CONV2D("layer3.1.conv1",        1024,  256, 1, 1, 0,  14,  256, 1024,   196),
	CONV2D("layer3.1.conv2",         256,  256, 3, 1, 1,  14,  256, 2304,   196),
	CONV2D("layer3.1.conv3",         256, 1024, 1, 1, 0,  14, 1024,  256,   196),
	CONV2D("layer3.2.conv1",        1024,  256, 1, 1, 0,  14,  256, 1024,   196),
	CONV2D("layer3.2.conv2",         256,  256, 3, 1, 1,  14,  256, 2304,   196),
	CONV2D("layer3.2.conv3",         256, 1024, 1, 1, 0,  14, 1024,  256,   196),
	CONV2D("layer3.3.conv1",        1024,  256, 1, 1, 0,  14,  256, 1024,   196),
	CONV2D("layer3.3.conv2",         256,  256, 3, 1, 1,  14,  256, 2304,   196),
	CONV2D("layer3.3.conv3",         256, 1024, 1, 1, 0,  14, 1024,  256,   196),
	CONV2D("layer3.4.conv1",        1024,  256, 1, 1, 0,  14,  256, 1024,   196),
	CONV2D("layer3.4.conv2",         256,  256, 3, 1, 1,  14,  256, 2304,   196),
	CONV2D("layer3.4.conv3",         256, 1024, 1, 1, 0,  14, 1024,  256,   196),
	CONV2D("layer3.5.conv1",        1024,  256, 1, 1, 0,  14,  256, 1024,   196),
	CONV2D("layer3.5.conv2",         256,  256, 3, 1, 1,  14,  256, 2304,   196),
	CONV2D("layer3.5.conv3",         256, 1024, 1, 1, 0,  14, 1024,  256,   196),
	CONV2D("layer4.0.conv1",        1024,  512, 1, 1, 0,  14,  512, 1024,   196),
	CONV2D("layer4.0.conv2",         512,  512, 3, 2, 1,  14,  512, 4608,    49),
	CONV2D("layer4.0.conv3",         512, 2048, 1, 1, 0,   7, 2048,  512,    49),
	CONV2D("layer4.0.downsample",   1024, 2048, 1, 2, 0,  14, 2048, 1024,    49),
	CONV2D("layer4.1.conv1",        2048,  512, 1, 1, 0,   7,  512, 2048,    49),
	CONV2D("layer4.1.conv2",         512,  512, 3, 1, 1,   7,  512, 4608,    49),
	CONV2D("layer4.1.conv3",         512, 2048, 1, 1, 0,   7, 2048,  512,    49),
	CONV2D("layer4.2.conv1",        2048,  512, 1, 1, 0,   7,  512, 2048,    49),
	CONV2D("layer4.2.conv2",         512,  512, 3, 1, 1,   7,  512, 4608,    49),
	CONV2D("layer4.2.conv3",         512, 2048, 1, 1, 0,   7, 2048,  512,    49),
	MATRIX("resnet50", "fc", LAYER_FC, 1000, 2048),
};

/* NVIDIA jasper10x5dr: prologue, 5 x 2 residual blocks of 5 sub-convs
** ("same" padding), then epilogue and CTC decoder. Block i (of 10) adds
** 1x1 projections res0..res{i-1} of the prologue output and of every
** earlier block output to its last sub-conv. T = 1000 frames in, 500 after
** the strided prologue. */
static const struct layer jasper[] = {
	/*     name           Cin   Cout  k   s  pad dil T_in    M     K       N */
	CONV1D("conv1",         64,  256, 11, 2,  5, 1, 1000,  256,   704, 500),
	CONV1D("b1.0.conv0",   256,  256, 11, 1,  5, 1,  500,  256,  2816, 500),
	CONV1D("b1.0.conv1",   256,  256, 11, 1,  5, 1,  500,  256,  2816, 500),
	CONV1D("b1.0.conv2",   256,  256, 11, 1,  5, 1,  500,  256,  2816, 500),
	CONV1D("b1.0.conv3",   256,  256, 11, 1,  5, 1,  500,  256,  2816, 500),
	CONV1D("b1.0.conv4",   256,  256, 11, 1,  5, 1,  500,  256,  2816, 500),
	CONV1D("b1.0.res0",    256,  256,  1, 1,  0, 1,  500,  256,   256, 500),
	CONV1D("b1.1.conv0",   256,  256, 11, 1,  5, 1,  500,  256,  2816, 500),
	CONV1D("b1.1.conv1",   256,  256, 11, 1,  5, 1,  500,  256,  2816, 500),
	CONV1D("b1.1.conv2",   256,  256, 11, 1,  5, 1,  500,  256,  2816, 500),
	CONV1D("b1.1.conv3",   256,  256, 11, 1,  5, 1,  500,  256,  2816, 500),
	CONV1D("b1.1.conv4",   256,  256, 11, 1,  5, 1,  500,  256,  2816, 500),
	CONV1D("b1.1.res0",    256,  256,  1, 1,  0, 1,  500,  256,   256, 500),
	CONV1D("b1.1.res1",    256,  256,  1, 1,  0, 1,  500,  256,   256, 500),
	CONV1D("b2.0.conv0",   256,  384, 13, 1,  6, 1,  500,  384,  3328, 500),
	CONV1D("b2.0.conv1",   384,  384, 13, 1,  6, 1,  500,  384,  4992, 500),
	CONV1D("b2.0.conv2",   384,  384, 13, 1,  6, 1,  500,  384,  4992, 500),
	CONV1D("b2.0.conv3",   384,  384, 13, 1,  6, 1,  500,  384,  4992, 500),
	CONV1D("b2.0.conv4",   384,  384, 13, 1,  6, 1,  500,  384,  4992, 500),
	CONV1D("b2.0.res0",    256,  384,  1, 1,  0, 1,  500,  384,   256, 500),
	CONV1D("b2.0.res1",    256,  384,  1, 1,  0, 1,  500,  384,   256, 500),
	CONV1D("b2.0.res2",    256,  384,  1, 1,  0, 1,  500,  384,   256, 500),
	CONV1D("b2.1.conv0",   384,  384, 13, 1,  6, 1,  500,  384,  4992, 500),
	CONV1D("b2.1.conv1",   384,  384, 13, 1,  6, 1,  500,  384,  4992, 500),
	CONV1D("b2.1.conv2",   384,  384, 13, 1,  6, 1,  500,  384,  4992, 500),
	CONV1D("b2.1.conv3",   384,  384, 13, 1,  6, 1,  500,  384,  4992, 500),
	CONV1D("b2.1.conv4",   384,  384, 13, 1,  6, 1,  500,  384,  4992, 500),
	CONV1D("b2.1.res0",    256,  384,  1, 1,  0, 1,  500,  384,   256, 500),
	CONV1D("b2.1.res1",    256,  384,  1, 1,  0, 1,  500,  384,   256, 500),
	CONV1D("b2.1.res2",    256,  384,  1, 1,  0, 1,  500,  384,   256, 500),
	CONV1D("b2.1.res3",    384,  384,  1, 1,  0, 1,  500,  384,   384, 500),
	CONV1D("b3.0.conv0",   384,  512, 17, 1,  8, 1,  500,  512,  6528, 500),
	CONV1D("b3.0.conv1",   512,  512, 17, 1,  8, 1,  500,  512,  8704, 500),
	CONV1D("b3.0.conv2",   512,  512, 17, 1,  8, 1,  500,  512,  8704, 500),
	CONV1D("b3.0.conv3",   512,  512, 17, 1,  8, 1,  500,  512,  8704, 500),
	CONV1D("b3.0.conv4",   512,  512, 17, 1,  8, 1,  500,  512,  8704, 500),
	CONV1D("b3.0.res0",    256,  512,  1, 1,  0, 1,  500,  512,   256, 500),
	CONV1D("b3.0.res1",    256,  512,  1, 1,  0, 1,  500,  512,   256, 500),
	CONV1D("b3.0.res2",    256,  512,  1, 1,  0, 1,  500,  512,   256, 500),
	CONV1D("b3.0.res3",    384,  512,  1, 1,  0, 1,  500,  512,   384, 500),
	CONV1D("b3.0.res4",    384,  512,  1, 1,  0, 1,  500,  512,   384, 500),
	CONV1D("b3.1.conv0",   512,  512, 17, 1,  8, 1,  500,  512,  8704, 500),
	CONV1D("b3.1.conv1",   512,  512, 17, 1,  8, 1,  500,  512,  8704, 500),
	CONV1D("b3.1.conv2",   512,  512, 17, 1,  8, 1,  500,  512,  8704, 500),
	CONV1D("b3.1.conv3",   512,  512, 17, 1,  8, 1,  500,  512,  8704, 500),
	CONV1D("b3.1.conv4",   512,  512, 17, 1,  8, 1,  500,  512,  8704, 500),
	CONV1D("b3.1.res0",    256,  512,  1, 1,  0, 1,  500,  512,   256, 500),
	CONV1D("b3.1.res1",    256,  512,  1, 1,  0, 1,  500,  512,   256, 500),
	CONV1D("b3.1.res2",    256,  512,  1, 1,  0, 1,  500,  512,   256, 500),
	CONV1D("b3.1.res3",    384,  512,  1, 1,  0, 1,  500,  512,   384, 500),
	CONV1D("b3.1.res4",    384,  512,  1, 1,  0, 1,  500,  512,   384, 500),
	CONV1D("b3.1.res5",    512,  512,  1, 1,  0, 1,  500,  512,   512, 500),
	CONV1D("b4.0.conv0",   512,  640, 21, 1, 10, 1,  500,  640, 10752, 500),
	CONV1D("b4.0.conv1",   640,  640, 21, 1, 10, 1,  500,  640, 13440, 500),
	CONV1D("b4.0.conv2",   640,  640, 21, 1, 10, 1,  500,  640, 13440, 500),
	CONV1D("b4.0.conv3",   640,  640, 21, 1, 10, 1,  500,  640, 13440, 500),
	CONV1D("b4.0.conv4",   640,  640, 21, 1, 10, 1,  500,  640, 13440, 500),
	CONV1D("b4.0.res0",    256,  640,  1, 1,  0, 1,  500,  640,   256, 500),
	CONV1D("b4.0.res1",    256,  640,  1, 1,  0, 1,  500,  640,   256, 500),
	CONV1D("b4.0.res2",    256,  640,  1, 1,  0, 1,  500,  640,   256, 500),
	CONV1D("b4.0.res3",    384,  640,  1, 1,  0, 1,  500,  640,   384, 500),
	CONV1D("b4.0.res4",    384,  640,  1, 1,  0, 1,  500,  640,   384, 500),
	CONV1D("b4.0.res5",    512,  640,  1, 1,  0, 1,  500,  640,   512, 500),
	CONV1D("b4.0.res6",    512,  640,  1, 1,  0, 1,  500,  640,   512, 500),
	CONV1D("b4.1.conv0",   640,  640, 21, 1, 10, 1,  500,  640, 13440, 500),
	CONV1D("b4.1.conv1",   640,  640, 21, 1, 10, 1,  500,  640, 13440, 500),
	CONV1D("b4.1.conv2",   640,  640, 21, 1, 10, 1,  500,  640, 13440, 500),
	CONV1D("b4.1.conv3",   640,  640, 21, 1, 10, 1,  500,  640, 13440, 500),
	CONV1D("b4.1.conv4",   640,  640, 21, 1, 10, 1,  500,  640, 13440, 500),
	CONV1D("b4.1.res0",    256,  640,  1, 1,  0, 1,  500,  640,   256, 500),
	CONV1D("b4.1.res1",    256,  640,  1, 1,  0, 1,  500,  640,   256, 500),
	CONV1D("b4.1.res2",    256,  640,  1, 1,  0, 1,  500,  640,   256, 500),
	CONV1D("b4.1.res3",    384,  640,  1, 1,  0, 1,  500,  640,   384, 500),
	CONV1D("b4.1.res4",    384,  640,  1, 1,  0, 1,  500,  640,   384, 500),
	CONV1D("b4.1.res5",    512,  640,  1, 1,  0, 1,  500,  640,   512, 500),
	CONV1D("b4.1.res6",    512,  640,  1, 1,  0, 1,  500,  640,   512, 500),
	CONV1D("b4.1.res7",    640,  640,  1, 1,  0, 1,  500,  640,   640, 500),
	CONV1D("b5.0.conv0",   640,  768, 25, 1, 12, 1,  500,  768, 16000, 500),
	CONV1D("b5.0.conv1",   768,  768, 25, 1, 12, 1,  500,  768, 19200, 500),
	CONV1D("b5.0.conv2",   768,  768, 25, 1, 12, 1,  500,  768, 19200, 500),
	CONV1D("b5.0.conv3",   768,  768, 25, 1, 12, 1,  500,  768, 19200, 500),
	CONV1D("b5.0.conv4",   768,  768, 25, 1, 12, 1,  500,  768, 19200, 500),
	CONV1D("b5.0.res0",    256,  768,  1, 1,  0, 1,  500,  768,   256, 500),
	CONV1D("b5.0.res1",    256,  768,  1, 1,  0, 1,  500,  768,   256, 500),
	CONV1D("b5.0.res2",    256,  768,  1, 1,  0, 1,  500,  768,   256, 500),
	CONV1D("b5.0.res3",    384,  768,  1, 1,  0, 1,  500,  768,   384, 500),
	CONV1D("b5.0.res4",    384,  768,  1, 1,  0, 1,  500,  768,   384, 500),
	CONV1D("b5.0.res5",    512,  768,  1, 1,  0, 1,  500,  768,   512, 500),
	CONV1D("b5.0.res6",    512,  768,  1, 1,  0, 1,  500,  768,   512, 500),
	CONV1D("b5.0.res7",    640,  768,  1, 1,  0, 1,  500,  768,   640, 500),
	CONV1D("b5.0.res8",    640,  768,  1, 1,  0, 1,  500,  768,   640, 500),
	CONV1D("b5.1.conv0",   768,  768, 25, 1, 12, 1,  500,  768, 19200, 500),
	CONV1D("b5.1.conv1",   768,  768, 25, 1, 12, 1,  500,  768, 19200, 500),
	CONV1D("b5.1.conv2",   768,  768, 25, 1, 12, 1,  500,  768, 19200, 500),
	CONV1D("b5.1.conv3",   768,  768, 25, 1, 12, 1,  500,  768, 19200, 500),
	CONV1D("b5.1.conv4",   768,  768, 25, 1, 12, 1,  500,  768, 19200, 500),
	CONV1D("b5.1.res0",    256,  768,  1, 1,  0, 1,  500,  768,   256, 500),
	CONV1D("b5.1.res1",    256,  768,  1, 1,  0, 1,  500,  768,   256, 500),
	CONV1D("b5.1.res2",    256,  768,  1, 1,  0, 1,  500,  768,   256, 500),
	CONV1D("b5.1.res3",    384,  768,  1, 1,  0, 1,  500,  768,   384, 500),
	CONV1D("b5.1.res4",    384,  768,  1, 1,  0, 1,  500,  768,   384, 500),
	CONV1D("b5.1.res5",    512,  768,  1, 1,  0, 1,  500,  768,   512, 500),
	CONV1D("b5.1.res6",    512,  768,  1, 1,  0, 1,  500,  768,   512, 500),
	CONV1D("b5.1.res7",    640,  768,  1, 1,  0, 1,  500,  768,   640, 500),
	CONV1D("b5.1.res8",    640,  768,  1, 1,  0, 1,  500,  768,   640, 500),
	CONV1D("b5.1.res9",    768,  768,  1, 1,  0, 1,  500,  768,   768, 500),
	CONV1D("conv2",        768,  896, 29, 1, 28, 2,  500,  896, 22272, 500),
	CONV1D("conv3",        896, 1024,  1, 1,  0, 1,  500, 1024,   896, 500),
	CONV1D("decoder",     1024,   29,  1, 1,  0, 1,  500,   29,  1024, 500),
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct network {
	const char *name;
	const struct layer *layers;
	size_t n;
};

static const struct network networks[] = {
	{ "gnmt", gnmt, COUNT(gnmt) },
	{ "resnet50", resnet50, COUNT(resnet50) },
	{ "jasper", jasper, COUNT(jasper) },
};

static const char *const net_names[] = { "gnmt", "resnet50", "jasper", NULL };

#define NETS_EXPECTED "expected gnmt, resnet50 or jasper"

/* Echo at most this much of a user's string in a message. */
#define ECHO_MAX 200

const char *const *workload_nets(void)
{
	return net_names;
}

/* The network whose name is the len bytes at name, or NULL. */
static const struct network *find_network(const char *name, size_t len)
{
	for (size_t i = 0; i < COUNT(networks); i++)
		if (strlen(networks[i].name) == len && !memcmp(networks[i].name, name, len))
			return &networks[i];
	return NULL;
}

int workload_layers(const char *net, const struct layer **first, size_t *n, struct gs_err *err)
{
	const struct network *nw;

	if (!net || !*net)
		return gs_errf(err, "workload: missing network name (%s)", NETS_EXPECTED);
	nw = find_network(net, strlen(net));
	if (!nw)
		return gs_errf(err, "%.*s: unknown network (%s)", ECHO_MAX, net, NETS_EXPECTED);
	*first = nw->layers;
	*n = nw->n;
	return 0;
}

const struct layer *workload_find(const char *spec, struct gs_err *err)
{
	const struct network *nw;
	const char *colon, *name;
	size_t net_len;

	if (!spec || !*spec) {
		gs_errf(err, "workload: missing NET:LAYER (e.g. resnet50:layer2.0.conv2)");
		return NULL;
	}
	colon = strchr(spec, ':');
	if (!colon || colon == spec || !colon[1] || strchr(colon + 1, ':')) {
		gs_errf(err, "%.*s: malformed workload, expected NET:LAYER "
			"(e.g. resnet50:layer2.0.conv2)", ECHO_MAX, spec);
		return NULL;
	}
	net_len = (size_t)(colon - spec);
	name = colon + 1;
	nw = find_network(spec, net_len);
	if (!nw) {
		gs_errf(err, "%.*s: unknown network (%s)",
			(int)(net_len < ECHO_MAX ? net_len : ECHO_MAX), spec, NETS_EXPECTED);
		return NULL;
	}
	for (size_t i = 0; i < nw->n; i++)
		if (!strcmp(nw->layers[i].name, name))
			return &nw->layers[i];
	gs_errf(err, "%s:%.*s: no such layer (gssim workloads %s lists them)", nw->name,
		ECHO_MAX, name, nw->name);
	return NULL;
}
